import type { Db } from '../../../../db/client.js';
import { EXPORTERS } from './export-entities.js';
import { readChunks, ROWS_PER_PIECE, type ExportRun } from './export-run.js';

/**
 * The JSON export: one document keyed by entity, written piece by piece as chunks arrive, one row per
 * line. The document ends with `rowCounts`, so a consumer can tell a complete file from a cut one
 * (a cut one is not valid JSON anyway). Rows have the API's public shapes.
 */
export async function* jsonExport(db: Db, run: ExportRun): AsyncGenerator<string> {
  const { plan } = run;
  yield (
    `{"organization":${JSON.stringify(plan.organization)},` +
    `"range":${JSON.stringify({ startDate: plan.startDate, endDate: plan.endDate })},` +
    `"generatedAt":"${plan.generatedAt.toISOString()}","entities":${JSON.stringify(plan.entities)}`
  );
  for (const entity of plan.entities) {
    const exporter = EXPORTERS[entity];
    let separator = '\n';
    yield `,\n${JSON.stringify(entity)}:[`;
    for await (const rows of readChunks(db, exporter, plan, run.signal)) {
      for (let i = 0; i < rows.length; i += ROWS_PER_PIECE) {
        let text = '';
        const end = Math.min(rows.length, i + ROWS_PER_PIECE);
        for (let j = i; j < end; j++) {
          text += separator + exporter.json(rows[j]);
          separator = ',\n';
        }
        run.add(entity, end - i);
        yield text;
      }
    }
    if (run.signal.aborted) return;
    yield ']';
  }
  // Recorded before the last bytes leave, so a client holding the whole file finds the audit event.
  await run.end('completed');
  yield `,\n"rowCounts":${JSON.stringify(run.counts)}}\n`;
}
