// The embedded database's guard (db/client.ts opens PGlite through it): a query asked for while PGlite's one
// connection is held by the asker's own transaction fails at once instead of waiting forever.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DatabaseConnection, Dialect, Driver } from 'kysely';

/**
 * PGlite is one Postgres session, so its Kysely driver has one connection and queues every other query until the
 * holder releases it. Code that holds it across its own awaits (a transaction: `inScope`, `transaction()`) and, while
 * holding it, awaits a query on another handle (`db.kysely.…`, a second `inScope`) waits for itself: on Postgres that
 * query just takes another pooled connection, on PGlite it waits forever, and so does every request after it. Such
 * code runs in `holdingConnection`, and the PGlite driver refuses (NestedQueryError, at once; its stack shows the
 * query and the transaction around it) a connection asked for from inside it while it is still held, instead of
 * hanging the process. Work merely started inside (a timer, a callback) that asks after the release is not refused.
 */
interface Holder {
  held: boolean;
}
const holders = new AsyncLocalStorage<Holder>();
/**
 * Whether a PGlite database was opened in this process: only its driver reads the holder. Until then (a server or
 * worker on Postgres, always) `holdingConnection` runs `fn` as it is, so the AsyncLocalStorage is never entered and
 * Node never installs its async hooks, which would otherwise run on every promise and socket the process makes.
 */
let holderGuard = false;

/** Runs `fn`, which holds a database connection across its awaits (see Holder). */
export async function holdingConnection<T>(fn: () => Promise<T>): Promise<T> {
  if (!holderGuard) return fn();
  const holder: Holder = { held: true };
  try {
    return await holders.run(holder, fn);
  } finally {
    holder.held = false;
  }
}

/**
 * Runs `fn` as if no connection were held: for work started from inside a transaction that does not wait for it
 * (a notification's listener), whose queries may wait their turn.
 */
export function detachedFromConnection<T>(fn: () => T): T {
  return holders.exit(fn);
}

export class NestedQueryError extends Error {
  override name = 'NestedQueryError';
}

/**
 * Diagnostics for a hang on PGlite (LINKYARD_PGLITE_WAIT_REPORT_MS, off by default): a query that waits longer than
 * this for the one connection prints, to stderr, where the code holding it took it and where the waiting query comes
 * from (async stack traces), so a hang that is not a nested query (the guard above) names its holder.
 */
const waitReportMs = Number(process.env.LINKYARD_PGLITE_WAIT_REPORT_MS) || 0;
let holder: { stack: string | undefined; since: number } | null = null;

/** The current stack, deeper than the default 10 frames. */
function deepStack(message: string): string | undefined {
  const frames = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error(message).stack;
  Error.stackTraceLimit = frames;
  return stack;
}

async function acquireReportingWaits(driver: Driver): Promise<DatabaseConnection> {
  // Taken before the first await: afterwards the stack no longer shows who asked (`inScope` asks synchronously).
  const asking = deepStack('the PGlite connection asked for');
  const timer = setTimeout(() => {
    const held = holder ? `held since ${new Date(holder.since).toISOString()} by:\n${holder.stack}` : 'held by no recorded holder';
    process.stderr.write(`[pglite] a query has waited ${waitReportMs} ms for the one connection, ${held}\nthe waiting query:\n${asking}\n`);
  }, waitReportMs);
  timer.unref();
  try {
    const connection = await driver.acquireConnection();
    holder = { stack: asking, since: Date.now() };
    return connection;
  } finally {
    clearTimeout(timer);
  }
}

/** PGlite's dialect with the nested-query check of Holder in front of its driver's acquireConnection. */
export function guardedPGliteDialect(inner: Dialect): Dialect {
  holderGuard = true;
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: (): Driver => {
      const driver = inner.createDriver();
      return {
        init: () => driver.init(),
        acquireConnection: async (): Promise<DatabaseConnection> => {
          const holder = holders.getStore();
          if (holder?.held) {
            throw new NestedQueryError(
              'A query was run outside the open transaction, on another connection: embedded PGlite has one, held by ' +
                'that transaction, so it would wait forever. Run it on the transaction (tx), or after it.',
            );
          }
          return waitReportMs ? acquireReportingWaits(driver) : driver.acquireConnection();
        },
        beginTransaction: (conn, settings) => driver.beginTransaction(conn, settings),
        commitTransaction: (conn) => driver.commitTransaction(conn),
        rollbackTransaction: (conn) => driver.rollbackTransaction(conn),
        releaseConnection: (conn) => driver.releaseConnection(conn),
        destroy: () => driver.destroy(),
      };
    },
  };
}
