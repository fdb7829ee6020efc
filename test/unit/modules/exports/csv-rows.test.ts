/**
 * The CSV export writes its data rows with CsvRowWriter (server/src/modules/exports/csv-rows.ts) instead of
 * csv-writer's per-record stringifier, for speed. This pins the two to the same bytes: csv-writer,
 * configured as the export configures it (`alwaysQuote`, CRLF), given the cells after neutraliseCsvCell,
 * must produce exactly the bytes CsvRowWriter produces from the raw cells, on values chosen to be awkward.
 */
import { createArrayCsvStringifier } from 'csv-writer';
import t from 'tap';
import { neutraliseCsvCell } from '../../../../server/src/lib/csv-safety.js';
import { CsvRowWriter } from '../../../../server/src/modules/exports/csv-rows.js';

/** csv-writer's text as the response sends it: UTF-8 (a lone surrogate becomes U+FFFD, as in ours). */
const csvWriterRows = (rows: unknown[][]) =>
  Buffer.from(
    createArrayCsvStringifier({ header: [], recordDelimiter: '\r\n', alwaysQuote: true }).stringifyRecords(
      rows.map((row) => row.map(neutraliseCsvCell)),
    ),
    'utf8',
  );

function csvRowsBytes(rows: unknown[][]): Buffer {
  const w = new CsvRowWriter();
  for (const row of rows) {
    for (const cell of row) w.cell(cell);
    w.endRow();
  }
  return Buffer.concat(w.take(true));
}

const TRICKY: unknown[] = [
  '',
  null,
  undefined,
  'plain',
  ' leading and trailing spaces ',
  '"',
  '""',
  'say "hi"',
  '"quoted"',
  'a,b',
  ',',
  'line\nbreak',
  'cr\rhere',
  'crlf\r\nend',
  '\r\n',
  '\n',
  '=1+1',
  '+1',
  '-1',
  '@SUM(A1)',
  '\tTab',
  '\rCR',
  '=HYPERLINK("http://evil.example","click")',
  "'already quoted",
  'héllo wörld',
  '日本語のテキスト',
  'emoji 😀 "and" quotes',
  '😀',
  '\u0000nul',
  'lone surrogate \ud800 here',
  '\ufeffBOM inside',
  'ends with quote"',
  '-',
  '=',
  '""=""',
  0,
  -1,
  3.5,
  true,
  false,
  12345678901234567890n,
  { nested: 'value', quote: '"', list: [1, 2] },
  ['a', '"b"'],
  new Date(0),
  '{"email": "person1@example.com", "notes": "Met at conference, \\"follow up\\", next quarter"}',
];

t.test('rows of one tricky cell each are byte for byte what csv-writer gives', async (t) => {
  for (const value of TRICKY) {
    const rows = [[value]];
    t.same(csvRowsBytes(rows), csvWriterRows(rows), `cell ${JSON.stringify(typeof value === 'bigint' ? String(value) : value)}`);
  }
});

t.test('rows of many cells, empty cells in every position, and long cells', async (t) => {
  const rows: unknown[][] = [
    TRICKY,
    [null, 'a', null],
    ['', '', ''],
    [null],
    ['x', '', 'y', null, '"z"'],
    ['"'.repeat(5000), 'é'.repeat(70_000), '=' + 'a,"b"\r\n'.repeat(20_000)],
  ];
  for (let i = 0; i < 2000; i++) rows.push([`id-${i}`, i % 7 === 0 ? null : `"${i}", said ${'€'.repeat(i % 5)}`, i % 3 === 0 ? '-x' : 'y']);
  t.same(csvRowsBytes(rows), csvWriterRows(rows));
});

t.test('pieces: full Buffers of the asked size, a big cell in one of its own, nothing lost at the end', async (t) => {
  const w = new CsvRowWriter(64);
  const rows: unknown[][] = [];
  for (let i = 0; i < 10; i++)
    rows.push(['short', 'row'], ['x'.repeat(i * 50)], ['a "quoted" cell that spans pieces', null, '=formula'], [`end ${i}`]);
  const pieces: Buffer[] = [];
  for (const row of rows) {
    for (const cell of row) w.cell(cell);
    w.endRow();
    pieces.push(...w.take());
  }
  t.ok(pieces.length >= 10, 'pieces are handed out as they fill');
  pieces.push(...w.take(true));
  t.same(w.take(true), [], 'nothing is left');
  t.same(Buffer.concat(pieces), csvWriterRows(rows));
});

t.test('text pieces (the CSV file download): the same bytes, no character split, big cells included', async (t) => {
  // Small pieces, so that pieces end next to multi-byte characters and quotes, and big cells outgrow the Buffer.
  const bytesWriter = new CsvRowWriter(64);
  const textWriter = new CsvRowWriter(64, true);
  const rows: unknown[][] = [TRICKY, ['é'.repeat(200), '"'.repeat(100)], ['x'], ['😀'.repeat(100), null, 'tail']];
  for (let i = 0; i < 300; i++) rows.push([`${'€'.repeat(i % 7)}${i}`, i % 5 === 0 ? '"q"' : '日本', i % 11 === 0 ? 'z'.repeat(i) : null]);
  const bytePieces: Buffer[] = [];
  const textPieces: string[] = [];
  for (const row of rows) {
    for (const cell of row) {
      bytesWriter.cell(cell);
      textWriter.cell(cell);
    }
    bytesWriter.endRow();
    textWriter.endRow();
    bytePieces.push(...bytesWriter.take());
    textPieces.push(...textWriter.takeText());
  }
  bytePieces.push(...bytesWriter.take(true));
  textPieces.push(...textWriter.takeText(true));
  t.ok(textPieces.length >= 50, `pieces are handed out as they fill (${textPieces.length})`);
  // Each piece encoded on its own, as the socket does, gives back the byte writer's bytes (a character split
  // between two pieces would come back as two U+FFFD).
  t.same(Buffer.concat(textPieces.map((piece) => Buffer.from(piece, 'utf8'))), Buffer.concat(bytePieces));
  t.same(Buffer.concat(bytePieces), csvWriterRows(rows));
  t.same(textWriter.takeText(true), [], 'nothing is left');
});
