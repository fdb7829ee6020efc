import type { Db } from '../../../../db/client.js';
import { inScope } from '../../lib/db-scope.js';
import * as repo from './webhooks-in.repo.js';

type Outcome = 'accepted' | 'conflict' | 'stale';
interface Waiting {
  row: repo.VerifiedRow;
  resolve: (outcome: Outcome) => void;
  reject: (err: unknown) => void;
}

/** Rows per statement, and statements under way at once (each holds one pooled connection). */
const MAX_BATCH = 500;
const MAX_IN_FLIGHT = 4;

/**
 * Group commit for the webhook endpoint: verified deliveries that arrive while earlier ones are being written wait
 * and are written together, in one statement and one transaction (repo.insertAcceptedBatch). Each delivery is still
 * answered only after its row is committed; what they share is the commit's flush to disk, which is most of a
 * delivery's cost. An idle endpoint writes each delivery at once, alone. A batch that fails is retried row by row,
 * so one bad row fails only its own delivery.
 */
export function createAcceptBatcher(db: Db) {
  let pending: Waiting[] = [];
  let inFlight = 0;
  let scheduled = false;

  async function write(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await inScope(db, { platform: true }, (tx) =>
        repo.insertAcceptedBatch(
          tx,
          batch.map((w) => w.row),
        ),
      );
      batch.forEach((w, i) => w.resolve(outcomes[i]));
    } catch (err) {
      if (batch.length === 1) batch[0].reject(err);
      else await Promise.all(batch.map((w) => write([w])));
    }
  }

  function flush() {
    scheduled = false;
    while (pending.length > 0 && inFlight < MAX_IN_FLIGHT) {
      const batch = pending.slice(0, MAX_BATCH);
      pending = pending.slice(MAX_BATCH);
      inFlight++;
      void write(batch).finally(() => {
        inFlight--;
        flush();
      });
    }
  }

  return {
    /** Resolves once the delivery's row is committed ('accepted'), or with why it was not written. */
    accept(row: repo.VerifiedRow): Promise<Outcome> {
      return new Promise<Outcome>((resolve, reject) => {
        pending.push({ row, resolve, reject });
        // Deliveries parsed in the same turn of the event loop go out together.
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
