import { finished, Readable } from 'node:stream';
import { createArrayCsvStringifier } from 'csv-writer';
import { ZipFile } from 'yazl';
import type { Db } from '../../../../db/client.js';
import { neutraliseCsvCell, UTF8_BOM } from '../../lib/csv-safety.js';
import { EXPORTERS, type EntityName } from './export-entities.js';
import { readChunks, ROWS_PER_PIECE, STREAM_HIGH_WATER_MARK, type ExportRun } from './export-run.js';

/**
 * CSV exports: one entity → one CSV file; several → a ZIP with one CSV per entity. Spreadsheet-ready:
 * UTF-8 with a byte order mark (Excel), CRLF line ends (RFC 4180), a header row, nested values as JSON
 * text, every cell quoted (a lone CR inside a value cannot break a row) and neutralised against formula
 * injection. Text is produced a chunk at a time, so memory does not grow with the export.
 */

async function* csvEntity(db: Db, run: ExportRun, entity: EntityName, completesRun: boolean): AsyncGenerator<string> {
  const exporter = EXPORTERS[entity];
  const stringifier = createArrayCsvStringifier({ header: exporter.columns, recordDelimiter: '\r\n', alwaysQuote: true });
  yield UTF8_BOM + (stringifier.getHeaderString() ?? '');
  for await (const rows of readChunks(db, exporter, run.plan, run.signal)) {
    for (let i = 0; i < rows.length; i += ROWS_PER_PIECE) {
      const piece = rows.slice(i, i + ROWS_PER_PIECE);
      run.add(entity, piece.length);
      yield stringifier.stringifyRecords(piece.map((row) => exporter.cells(row).map(neutraliseCsvCell)));
    }
  }
  if (completesRun && !run.signal.aborted) await run.end('completed');
}

export function csvFile(db: Db, run: ExportRun): Readable {
  return Readable.from(csvEntity(db, run, run.plan.entities[0], true), { objectMode: false, highWaterMark: STREAM_HIGH_WATER_MARK });
}

/** Entries are opened one after another, when yazl reaches them, so only one entity is read at a time. */
export function csvZip(db: Db, run: ExportRun): Readable {
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  let current: Readable | null = null;
  const { entities } = run.plan;
  entities.forEach((entity, i) => {
    zip.addReadStreamLazy(`${entity}.csv`, { mtime: run.plan.generatedAt, compress: true }, (cb) => {
      current = Readable.from(csvEntity(db, run, entity, i === entities.length - 1), { objectMode: false, highWaterMark: STREAM_HIGH_WATER_MARK });
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
