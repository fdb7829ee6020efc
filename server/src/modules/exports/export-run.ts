import type { Db } from '../../../../db/client.js';
import type { TupleSink } from '../../../../db/client.js';
import { copyTuplesInScope, inScope } from '../../lib/db-scope.js';
import type { BinaryCsv, EntityExporter, EntityName } from './export-entities.js';
import type { TimeRange } from './exports.repo.js';

/** Readable byte streams hold ~64 KiB before asking the producer to wait: this is the backpressure. */
export const STREAM_HIGH_WATER_MARK = 64 * 1024;

/**
 * Rows per piece of text handed to the stream. Pieces stay well under V8's large-object size (~128 KiB),
 * so they die young in the nursery instead of piling up in large-object space until a full GC: this is
 * what keeps the process's RSS flat during a million-row export, not only the bounded buffers.
 */
export const ROWS_PER_PIECE = 128;

export type ExportFormat = 'json' | 'csv' | 'pdf';
export type ExportOutcome = 'completed' | 'aborted' | 'failed';

export interface ExportPlan {
  organization: { id: string; slug: string; name: string };
  format: ExportFormat;
  entities: EntityName[];
  /** As asked (inclusive UTC days), for the file name, the document and the audit event. */
  startDate: string | null;
  endDate: string | null;
  /** The same days as timestamps: [from, to). */
  range: TimeRange;
  generatedAt: Date;
  generatedBy: string | null;
}

/**
 * One export in flight: what it covers, how many rows it has produced, and how it ended. The writers
 * (JSON, CSV, ZIP, PDF) report rows and completion here; the service decides what an ending means
 * (the audit event). Ending is idempotent: whichever of "completed", "aborted" or "failed" comes first wins.
 */
export class ExportRun {
  readonly counts: Partial<Record<EntityName, number>> = {};
  /** Format-specific facts for the audit event (e.g. which PDF tables were capped). */
  readonly details: Record<string, unknown> = {};
  private readonly controller = new AbortController();
  private ending: Promise<void> | null = null;
  outcome: ExportOutcome | null = null;

  constructor(
    readonly plan: ExportPlan,
    private readonly onEnd: (run: ExportRun, outcome: ExportOutcome, error?: unknown) => Promise<void>,
  ) {
    for (const entity of plan.entities) this.counts[entity] = 0;
  }

  /** Aborted when the client went away: readers stop before their next query. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  add(entity: EntityName, rows: number): void {
    this.counts[entity] = (this.counts[entity] ?? 0) + rows;
  }

  end(outcome: ExportOutcome, error?: unknown): Promise<void> {
    if (!this.ending) {
      this.outcome = outcome;
      if (outcome !== 'completed') this.controller.abort();
      this.ending = this.onEnd(this, outcome, error);
    }
    return this.ending;
  }

  get ended(): boolean {
    return this.ending !== null;
  }
}

/**
 * An entity's rows in keyset chunks, each read in its own short transaction (a slow client must not hold
 * a transaction open, and PGlite has a single connection). The next chunk is read while the caller
 * writes the current one, so the database and the writer overlap; at most two chunks are in memory.
 * Stops at the next chunk boundary once the run's signal is aborted. A chunk's array is emptied when the
 * caller asks for the next one: use its rows within the loop's iteration.
 */
export async function* readChunks<Row, Key>(
  db: Db,
  exporter: EntityExporter<Row, Key>,
  plan: ExportPlan,
  signal: AbortSignal,
): AsyncGenerator<Row[]> {
  const orgId = plan.organization.id;
  const fetch = (after: Key | null) =>
    inScope(db, { org: orgId }, (tx) => exporter.fetch(tx, { orgId, range: plan.range, after, limit: exporter.chunkSize }));
  let pending: Promise<Row[]> | null = fetch(null);
  try {
    while (pending) {
      const rows: Row[] = await pending;
      pending = null;
      if (signal.aborted) return;
      if (rows.length === exporter.chunkSize) pending = fetch(exporter.keyOf(rows[rows.length - 1]));
      if (rows.length) yield rows;
      // The caller is done with the chunk: cut the array's references to its rows. pg's row arrays tend
      // to end up in V8's old generation (pretenured or promoted), and an old array, even a dead one,
      // keeps every row it points to alive through each young-generation collection until the next
      // full one. Measured on a million records: without this every row was promoted (~570 MB through
      // the old generation per export, the heap growing to ~190 MB between full collections); with it,
      // rows die young.
      rows.length = 0;
    }
  } finally {
    // Abandoned mid-way (client gone): the read already started finishes on its own; nothing waits for it.
    pending?.catch(() => {});
  }
}

/**
 * Like readChunks, for an exporter's binary form (EntityExporter.binaryCsv): each chunk is one binary COPY whose rows
 * go to `onTuple` as they arrive, and its row count is yielded once it is done, with the next chunk already asked for
 * (so what `onTuple` made of at most two chunks is in memory). Null where the database has no binary COPY (PGlite).
 */
export function copyChunks<Key>(
  db: Db,
  exporter: EntityExporter<unknown, Key> & { binaryCsv: BinaryCsv<Key> },
  plan: ExportPlan,
  signal: AbortSignal,
  onTuple: TupleSink,
): AsyncGenerator<number> | null {
  const { binaryCsv, chunkSize } = exporter;
  const orgId = plan.organization.id;
  const copy = (after: Key | null) => {
    // A full chunk's last row is where the next one starts: its key is read from it as it goes by.
    let rows = 0;
    let last: Key | null = null;
    const done = copyTuplesInScope(
      db,
      { org: orgId },
      (q) => binaryCsv.query(q, { orgId, range: plan.range, after, limit: chunkSize }),
      binaryCsv.columns,
      (bytes, fields) => {
        onTuple(bytes, fields);
        if (++rows === chunkSize) last = binaryCsv.keyOf(bytes, fields);
      },
    );
    return done && done.then((count) => ({ count, last }));
  };
  const first = copy(null);
  if (!first) return null;
  return (async function* () {
    let pending: ReturnType<typeof copy> = first;
    try {
      while (pending) {
        const { count, last } = await pending;
        pending = null;
        if (signal.aborted) return;
        if (last !== null) pending = copy(last);
        if (count) yield count;
      }
    } finally {
      pending?.catch(() => {});
    }
  })();
}
