/**
 * Records' timestamps come from Postgres as `(t AT TIME ZONE 'UTC')::text` and become ISO 8601 in
 * JavaScript (pg-time.ts, and CsvRowWriter.pgUtcTimestampCell for CSV). Both must give exactly what
 * `to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` gave before, on the test database.
 */
import { sql } from 'kysely';
import t from 'tap';
import { CsvRowWriter } from '../../../../server/src/modules/exports/csv-rows.js';
import { isoFromPgUtc } from '../../../../server/src/modules/exports/pg-time.js';
import { createTestDatabase } from '../../../helpers/database.js';

const VALUES = [
  '2026-01-31 12:34:56+00',
  '2026-01-31 12:34:56.1+00',
  '2026-01-31 12:34:56.12+00',
  '2026-01-31 12:34:56.123+00',
  '2026-01-31 12:34:56.1234+00',
  '2026-01-31 12:34:56.999999+00',
  '2026-01-31 23:59:59.9995+00',
  '2026-03-01 00:00:00.000001+00',
  '1970-01-01 00:00:00+00',
  '0099-12-31 23:59:59.5+00',
  '2026-06-15 08:00:00.25+02',
  '10000-01-01 00:00:00.5+00',
  '0044-03-15 12:00:00.5+00 BC',
];

t.test('Postgres UTC text → ISO 8601 is what to_char gave', async (t) => {
  const database = await createTestDatabase({ migrate: false });
  t.teardown(() => database.close());
  for (const value of VALUES) {
    const { rows } = await sql<{ text: string; iso: string }>`
      SELECT (${value}::timestamptz AT TIME ZONE 'UTC')::text AS text,
             to_char(${value}::timestamptz AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS iso`.execute(database.db.kysely);
    const [{ text, iso }] = rows;
    t.equal(isoFromPgUtc(text), iso, `${value}: ${text}`);
    const a = new CsvRowWriter();
    a.cell('x');
    a.pgUtcTimestampCell(text);
    a.endRow();
    const b = new CsvRowWriter();
    b.cell('x');
    b.cell(iso);
    b.endRow();
    t.same(Buffer.concat(a.take(true)), Buffer.concat(b.take(true)), `${value}: the CSV cell`);
  }
  t.equal(isoFromPgUtc(null), null);
  t.equal(isoFromPgUtc('infinity'), null, 'to_char gave NULL for an infinite timestamp');
  t.throws(() => isoFromPgUtc('Sat Jan 31 12:34:56.789 2026'), /DateStyle must be ISO/, 'a non-ISO DateStyle fails loudly');
  const w = new CsvRowWriter();
  w.pgUtcTimestampCell(null);
  w.pgUtcTimestampCell('2026-01-31 12:34:56');
  w.endRow();
  t.equal(Buffer.concat(w.take(true)).toString(), ',"2026-01-31T12:34:56.000Z"\r\n', 'an empty timestamp is an empty cell');
});
