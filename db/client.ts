import { CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import path from 'node:path';
import { mkdirSync, readdirSync } from 'node:fs';
import { lockDataDir } from './data-dir-lock.js';
import { inlinedQuery, PreparingClient, type TupleSink, type ValueSink } from './pg-client.js';
import { detachedFromConnection, guardedPGliteDialect } from './pglite-guard.js';
import type { Database } from './schema.js';

export { inlineParameters, type TupleSink, type ValueSink } from './pg-client.js';
export { detachedFromConnection, holdingConnection, NestedQueryError } from './pglite-guard.js';

/**
 * The one database handle of a process: Kysely over `pg` when DATABASE_URL is set, over PGlite
 * (Postgres compiled to WebAssembly, stored in DATA_DIR) otherwise. Same migrations, same SQL.
 */
export interface Db {
  kysely: Kysely<Database>;
  kind: 'pg' | 'pglite';
  /**
   * Runs several statements in as few round trips as the driver allows (one for pg: a compiled query's parameters are
   * sent as literals there).
   */
  execStatements(conn: Kysely<Database>, statements: readonly (string | CompiledQuery)[]): Promise<void>;
  /**
   * pg only: runs `prelude` (statements without parameters) and then `query` in one round trip and one transaction,
   * and returns the query's rows. A read in a transaction otherwise costs three (BEGIN + prelude, the query, COMMIT),
   * each a hand-over between this process and Postgres. Absent on PGlite, whose queries are calls in this process.
   */
  readAfter?<R>(prelude: string, query: CompiledQuery<R>): Promise<R[]>;
  /**
   * pg only: like readAfter (the prelude and the query in one message and one transaction), for a query of one text
   * column whose values are passed on as bytes: run as `COPY (query) TO STDOUT (FORMAT binary)`, each value's UTF-8
   * handed to `onValue` as its row arrives, never decoded into a string. Resolves with the number of values once
   * Postgres has finished; rejects on a failure (of the query, the connection, or `onValue`, after which the remaining
   * values are not passed on).
   */
  copyAfter?(prelude: string, query: CompiledQuery, onValue: ValueSink): Promise<number>;
  /**
   * pg only: like copyAfter, for a query of `columns` columns of any type: each row's fields are handed to `onTuple` in
   * Postgres's binary send format of their types (a uuid's 16 bytes, a timestamp's microseconds, a text's UTF-8), so
   * neither side turns them into text. Resolves with the number of rows.
   */
  copyTuplesAfter?(prelude: string, query: CompiledQuery, columns: number, onTuple: TupleSink): Promise<number>;
  /**
   * pg only: a transaction on one pooled connection whose queries go in batches, one message (one round trip) per
   * `send`: the first begins with BEGIN and `prelude` (statements without parameters), the one sent with `commit`
   * ends with COMMIT (else COMMIT follows `fn`). Queries are PREPAREd once per connection, as readAfter's; `send`
   * returns each query's rows. A failure rolls back and the connection is not reused.
   */
  batchedTransaction?<T>(prelude: string, fn: (send: SendBatch) => Promise<T>): Promise<T>;
  /** pg only: the connection pool's size and queue now, and the time spent waiting for its connections so far (GET /metrics). */
  poolStats?(): PoolStats;
  close(): Promise<void>;
  /** The PGlite instance in embedded mode (the worker serves it over a local socket). */
  pglite?: unknown;
  /**
   * LISTENs on a channel: `onNotify` is called for each NOTIFY committed on it (by any process on Postgres; in
   * this process on PGlite), and once more after a lost connection is back (notifications may have been missed
   * meanwhile). Wake-ups only: callers keep polling, since a notification can always be missed. Resolves once
   * listening (or, on Postgres, once the first attempt failed: it keeps retrying); the returned function stops.
   */
  listen(channel: string, onNotify: () => void, onError?: (err: unknown) => void): Promise<() => Promise<void>>;
}

/** Sends queries of a transaction together; resolves to each query's rows, in order. */
export type SendBatch = (queries: readonly CompiledQuery[], options?: { commit?: boolean }) => Promise<unknown[][]>;

export interface PoolStats {
  /** Connections open (idle or lent out). */
  total: number;
  idle: number;
  /** Queries waiting for a connection now. */
  waiting: number;
  /** Connections lent out since the pool opened, and the seconds their borrowers waited for them, in total. */
  acquisitions: number;
  waitSeconds: number;
}

/**
 * A pg pool that times every `connect()` (Kysely's and readAfter's way in): the wait for a free connection, or for a
 * new one to be opened. Two additions per query; read by poolStats for the metrics.
 */
class TimedPool extends pg.Pool {
  acquisitions = 0;
  waitSeconds = 0;

  // pg's overloads (a promise, or a callback) are too many to restate; only the promise form (no callback) is timed.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg.Pool.connect's own overloads
  override connect(...args: any[]): any {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- passed through unchanged
    if (args.length > 0) return super.connect(...(args as [any]));
    const started = performance.now();
    return super.connect().then((client) => {
      this.acquisitions++;
      this.waitSeconds += (performance.now() - started) / 1000;
      return client;
    });
  }
}

/** Channel names are interpolated into LISTEN: plain lower-case identifiers only. */
function checkChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`listen: ${channel} is not a plain channel name`);
}

const RELISTEN_DELAY_MS = 1000;

/**
 * LISTEN on a connection of its own (a pooled one would be handed to other queries), reconnected after an error.
 * After a reconnect `onNotify` is called once: whatever was notified while it was down is looked for then.
 */
async function listenOnPostgres(
  connectionString: string,
  channel: string,
  onNotify: () => void,
  onError: (err: unknown) => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let connections = 0;
  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString });
    client = c;
    c.on('notification', (msg) => {
      if (msg.channel === channel) onNotify();
    });
    c.on('error', (err) => {
      onError(err);
      again(c);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      if (connections++ > 0) onNotify();
    } catch (err) {
      onError(err);
      again(c);
    }
  };
  const again = (c: pg.Client) => {
    c.end().catch(() => {});
    if (stopped || client !== c) return;
    client = null;
    retry = setTimeout(() => void connect(), RELISTEN_DELAY_MS);
    retry.unref();
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(retry);
    await client?.end().catch(() => {});
    client = null;
  };
}

// Postgres `int8` (counts, sequences) come back as strings by default; ours stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export interface OpenDbOptions {
  databaseUrl: string | null;
  dataDir: string;
  poolSize?: number;
  /** PGlite only: keep the database in memory (tests), not in DATA_DIR. */
  inMemory?: boolean;
  log?: (event: { query: CompiledQuery; durationMs: number; error?: unknown }) => void;
}

export async function openDb(options: OpenDbOptions): Promise<Db> {
  if (options.databaseUrl) {
    const pool = new TimedPool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10, Client: PreparingClient });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    pool.on('error', () => {});
    const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    /** A COPY on a pooled connection; as readAfter, a connection a read failed on is not reused (a failure of the
     * receiver leaves it in step, but telling the cases apart is not worth a connection). */
    const copying = async (copy: (client: PreparingClient) => Promise<number>): Promise<number> => {
      const client = (await pool.connect()) as PreparingClient & pg.PoolClient;
      try {
        const count = await copy(client);
        client.release();
        return count;
      } catch (err) {
        client.release(err instanceof Error ? err : true);
        throw err;
      }
    };
    return {
      kysely,
      kind: 'pg',
      // The simple-query protocol (no parameters) accepts several statements in one message.
      // CompiledQuery.raw skips Kysely's query building: these run on every tenant request.
      execStatements: async (conn, statements) => {
        const text = statements.map((s) => (typeof s === 'string' ? s : inlinedQuery(s))).join('; ');
        await conn.executeQuery(CompiledQuery.raw(text));
      },
      readAfter: async (prelude, query) => {
        const client = (await pool.connect()) as PreparingClient & pg.PoolClient;
        try {
          const rows = await client.readAfter(prelude, query);
          client.release();
          return rows;
        } catch (err) {
          // Whatever state the failure left the connection in (a half-done PREPARE, a broken socket), it is not reused.
          client.release(err instanceof Error ? err : true);
          throw err;
        }
      },
      copyAfter: (prelude, query, onValue) => copying((client) => client.copyAfter(prelude, query, onValue)),
      copyTuplesAfter: (prelude, query, columns, onTuple) => copying((client) => client.copyTuplesAfter(prelude, query, columns, onTuple)),
      batchedTransaction: async (prelude, fn) => {
        const client = (await pool.connect()) as PreparingClient & pg.PoolClient;
        let state = 'idle' as 'idle' | 'open' | 'committed';
        const send: SendBatch = async (queries, options = {}) => {
          if (state === 'committed') throw new Error('batchedTransaction: the transaction is already committed');
          const head = state === 'idle' ? `BEGIN; ${prelude}` : '';
          state = 'open';
          const rows = await client.runBatch(head, queries, options.commit ? 'COMMIT' : '');
          if (options.commit) state = 'committed';
          return rows;
        };
        try {
          const result = await fn(send);
          if (state === 'open') await client.query('COMMIT');
          client.release();
          return result;
        } catch (err) {
          if (state === 'open') await client.query('ROLLBACK').catch(() => {});
          // As readAfter: whatever state the failure left the connection in, it is not reused.
          client.release(err instanceof Error ? err : true);
          throw err;
        }
      },
      poolStats: () => ({
        total: pool.totalCount,
        idle: pool.idleCount,
        waiting: pool.waitingCount,
        acquisitions: pool.acquisitions,
        waitSeconds: pool.waitSeconds,
      }),
      close: () => kysely.destroy(),
      listen: (channel, onNotify, onError = () => {}) => {
        checkChannel(channel);
        return listenOnPostgres(options.databaseUrl!, channel, onNotify, onError);
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGliteDialect } = await import('kysely-pglite-dialect');
  let pglite;
  let releaseLock = () => {};
  if (options.inMemory) {
    pglite = await PGlite.create();
  } else {
    // One process per folder: a second one would damage it (see data-dir-lock.ts).
    releaseLock = lockDataDir(options.dataDir).release;
    const dir = path.join(options.dataDir, 'pglite');
    try {
      const existed = isNonEmptyDir(dir);
      mkdirSync(dir, { recursive: true });
      try {
        pglite = await PGlite.create(dir);
      } catch (err) {
        throw existed ? new EmbeddedDatabaseError(dir, options.dataDir, err) : err;
      }
    } catch (err) {
      releaseLock();
      throw err;
    }
  }
  const kysely = new Kysely<Database>({ dialect: guardedPGliteDialect(new PGliteDialect(pglite)) });
  /** Channels LISTENed to, and by how many listeners. */
  const listening = new Map<string, number>();
  return {
    kysely,
    kind: 'pglite',
    pglite,
    execStatements: async (conn, statements) => {
      for (const s of statements) await conn.executeQuery(typeof s === 'string' ? CompiledQuery.raw(s) : s);
    },
    // PGlite is this process's own database: its NOTIFYs come from this process, delivered after the statement.
    listen: async (channel, onNotify) => {
      checkChannel(channel);
      // Called from inside the statement that notified, which may be a transaction's COMMIT: not part of it.
      const off = pglite.onNotification((ch) => {
        if (ch === channel) detachedFromConnection(onNotify);
      });
      // LISTEN and UNLISTEN wait for the one connection like any query (pglite.listen would send them past Kysely's
      // queue, into whatever transaction is open, and a rollback of that transaction would undo the LISTEN).
      if ((listening.get(channel) ?? 0) === 0) await kysely.executeQuery(CompiledQuery.raw(`LISTEN ${channel}`));
      listening.set(channel, (listening.get(channel) ?? 0) + 1);
      let stopped = false;
      return async () => {
        if (stopped) return;
        stopped = true;
        off();
        const left = (listening.get(channel) ?? 1) - 1;
        listening.set(channel, left);
        if (left === 0 && !pglite.closed) await kysely.executeQuery(CompiledQuery.raw(`UNLISTEN ${channel}`)).catch(() => {});
      };
    },
    close: async () => {
      try {
        await kysely.destroy();
        if (!pglite.closed) await pglite.close();
      } finally {
        releaseLock();
      }
    },
  };
}

function isNonEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/**
 * The embedded database's folder exists but PGlite cannot open it (it throws `Aborted()` or "failed to
 * initialize"): say which folder, that it may be damaged, and what to do.
 */
export class EmbeddedDatabaseError extends Error {
  override name = 'EmbeddedDatabaseError';
  constructor(
    readonly dir: string,
    dataDir: string,
    cause: unknown,
  ) {
    const reason =
      (cause instanceof Error ? cause.message : String(cause)).replace(/\s*Build with -sASSERTIONS.*$/s, '') || 'unknown error';
    super(
      `The embedded database in ${dir} could not be opened (${reason}). The folder may be damaged, e.g. by two processes ` +
        `using it at once or a crash while it was written. Back it up and remove it (e.g. mv ${dir} ${dir}.damaged): the next ` +
        `start creates a fresh, empty database there; or restore a backup of it in its place. Keep the other files in ${dataDir} ` +
        `(encryption-key, jwt-secret): a restored backup needs them.`,
      { cause },
    );
  }
}

/** A connection string with its password (and query parameters, which may hold one) left out, for messages. */
export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    const user = u.username ? `${u.username}@` : '';
    return `${u.protocol}//${user}${u.host}${u.pathname}`;
  } catch {
    return 'DATABASE_URL (unparsable)';
  }
}

/** DATABASE_URL does not lead to a database that answers. */
export class DatabaseConnectError extends Error {
  override name = 'DatabaseConnectError';
}

/**
 * Connects once and runs `SELECT 1`, giving up after `timeoutMs`; throws DatabaseConnectError naming
 * DATABASE_URL (without its password) and the database's answer. A process that cannot reach its database
 * should say so at once instead of starting and retrying in the background.
 */
export async function checkDatabaseConnection(databaseUrl: string, timeoutMs = 10_000): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  // A connection that breaks after connecting surfaces through the query; this only keeps it from being unhandled.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (err) {
    throw new DatabaseConnectError(
      `DATABASE_URL: could not connect to ${redactDatabaseUrl(databaseUrl)}: ${connectionFailure(err, timeoutMs)}`,
      { cause: err },
    );
  } finally {
    await client.end().catch(() => {});
  }
}

function connectionFailure(err: unknown, timeoutMs: number): string {
  const e = err as { message?: string; code?: string; errors?: { message?: string }[] } | null;
  if (!e || typeof e !== 'object') return String(err);
  if (/timeout/i.test(e.message ?? '')) return `no answer within ${Math.round(timeoutMs / 1000)} s (${e.message})`;
  // Several addresses (localhost is ::1 and 127.0.0.1) fail as an AggregateError with an empty message.
  if (!e.message && e.errors?.length) return e.errors.map((x) => x.message).join('; ');
  return e.message || e.code || String(err);
}
