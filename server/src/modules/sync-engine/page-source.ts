import type { IntegrationRow, SyncRow } from '../../../../db/schema.js';
import type { LogLevel } from '../../../../db/schema.js';

/**
 * What a connector gives the run executor: the provider listing, one page at a time. `cursor` is
 * where to resume after this page is committed; on the last page (`done`) it is where the next
 * incremental run starts (high-water mark or sync token).
 */
export interface SourcePage {
  records: unknown[];
  externalIds: string[];
  updatedAt: (string | null)[];
  cursor: unknown;
  done: boolean;
  /**
   * Each record's version (ETag), where the listing carries one (CalDAV's getetag): stored as the base a push's
   * `If-Match` sends. Absent: the stored ETags are left as they are.
   */
  etags?: (string | null)[];
  /** Records left out by selective sync's filters applied locally; counted as `skipped`. */
  filtered?: number;
}

export interface SourceLogEntry {
  level: LogLevel;
  message: string;
  data?: Record<string, unknown>;
}

export interface OpenSourceArgs {
  orgId: string;
  integration: IntegrationRow;
  sync: SyncRow;
  mode: 'full' | 'incremental';
  /** A resumed run's position, or the sync's last high-water mark for an incremental run, or null. */
  cursor: unknown;
  log: (entry: SourceLogEntry) => void;
  signal: AbortSignal;
}

export type OpenSource = (args: OpenSourceArgs) => Promise<AsyncIterable<SourcePage>>;
