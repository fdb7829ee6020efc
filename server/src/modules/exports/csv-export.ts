import { finished, Readable } from 'node:stream';
import { createArrayCsvStringifier } from 'csv-writer';
import { ZipFile } from 'yazl';
import type { Db } from '../../../../db/client.js';
import { UTF8_BOM } from '../../lib/csv-safety.js';
import { CsvRowWriter } from './csv-rows.js';
import { EXPORTERS, type EntityName } from './export-entities.js';
import { copyChunks, readChunks, STREAM_HIGH_WATER_MARK, type ExportRun } from './export-run.js';

/**
 * CSV exports: one entity → one CSV file; several → a ZIP with one CSV per entity. Spreadsheet-ready:
 * UTF-8 with a byte order mark (Excel), CRLF line ends (RFC 4180), a header row, nested values as JSON
 * text, every cell quoted (a lone CR inside a value cannot break a row) and neutralised against formula
 * injection. Text is produced a chunk at a time, so memory does not grow with the export.
 */

/** Pieces of text, Buffers (`text` false: for yazl, which takes bytes) or strings (see CsvRowWriter's `text`). */
type Take = (writer: CsvRowWriter, all?: boolean) => readonly (Buffer | string)[];
const takeBytes: Take = (writer, all) => writer.take(all);
const takeText: Take = (writer, all) => writer.takeText(all);

async function* csvEntity(
  db: Db,
  run: ExportRun,
  entity: EntityName,
  completesRun: boolean,
  text: boolean,
): AsyncGenerator<Buffer | string> {
  const exporter = EXPORTERS[entity];
  // csv-writer writes the header; the rows are written by CsvRowWriter, which gives csv-writer's bytes
  // for them at a fraction of the cost (see csv-rows.ts).
  const stringifier = createArrayCsvStringifier({ header: exporter.columns, recordDelimiter: '\r\n', alwaysQuote: true });
  yield UTF8_BOM + (stringifier.getHeaderString() ?? '');
  const writer = new CsvRowWriter(STREAM_HIGH_WATER_MARK, text);
  const take = text ? takeText : takeBytes;
  const { binaryCsv } = exporter;
  const copied =
    binaryCsv &&
    copyChunks(db, { ...exporter, binaryCsv }, run.plan, run.signal, (bytes, fields) => {
      binaryCsv.write(bytes, fields, writer);
      writer.endRow();
    });
  if (copied) {
    // Rows are written as they arrive; a chunk's pieces go out once it is done, while the next one is read.
    for await (const rows of copied) {
      run.add(entity, rows);
      for (const piece of take(writer)) yield piece;
    }
  } else {
    yield* writeRows(db, run, entity, writer, take);
  }
  for (const piece of take(writer, true)) yield piece;
  if (completesRun && !run.signal.aborted) await run.end('completed');
}

/** The rows of readChunks, written with the exporter's writeCsv (or its cells) a 64 KiB piece at a time. */
async function* writeRows(db: Db, run: ExportRun, entity: EntityName, writer: CsvRowWriter, take: Take): AsyncGenerator<Buffer | string> {
  const exporter = EXPORTERS[entity];
  let unreported = 0;
  for await (const rows of readChunks(db, exporter, run.plan, run.signal)) {
    for (let i = 0; i < rows.length; i++) {
      if (exporter.writeCsv) {
        exporter.writeCsv(rows[i], writer);
      } else {
        const cells = exporter.cells(rows[i]);
        for (let c = 0; c < cells.length; c++) writer.cell(cells[c]);
      }
      writer.endRow();
      unreported++;
      const pieces = take(writer);
      if (pieces.length) {
        run.add(entity, unreported);
        unreported = 0;
        // One 64 KiB piece at a time: the stream asks for the next when the socket has taken this one.
        for (const piece of pieces) yield piece;
      }
    }
  }
  run.add(entity, unreported);
}

/**
 * One entity's CSV as strings: with `encoding` the stream passes them on as they are (without it, it would make a
 * Buffer of each) and the response's socket encodes them (see CsvRowWriter's `text`).
 */
export function csvFile(db: Db, run: ExportRun): Readable {
  return Readable.from(csvEntity(db, run, run.plan.entities[0], true, true), {
    objectMode: false,
    encoding: 'utf8',
    highWaterMark: STREAM_HIGH_WATER_MARK,
  });
}

/** Entries are opened one after another, when yazl reaches them, so only one entity is read at a time. */
export function csvZip(db: Db, run: ExportRun): Readable {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  let current: Readable | null = null;
  const { entities } = run.plan;
  entities.forEach((entity, i) => {
    zip.addReadStreamLazy(`${entity}.csv`, { mtime: run.plan.generatedAt, compress: true }, (cb) => {
      current = Readable.from(csvEntity(db, run, entity, i === entities.length - 1, false), {
        objectMode: false,
        highWaterMark: STREAM_HIGH_WATER_MARK,
      });
      // yazl does not watch lazily opened streams: a failing entity must fail the whole download.
      current.once('error', (err) => output.destroy(err));
      cb(null, current);
    });
  });
  zip.once('error', (err: Error) => output.destroy(err));
  zip.end();
  // When the client goes away the reply destroys `output`; the entity being read has to stop too.
  finished(output, (err) => {
    if (err) current?.destroy();
  });
  return output;
}
