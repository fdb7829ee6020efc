import { CompiledQuery, Kysely, PostgresDialect, type DatabaseConnection, type Dialect, type Driver } from 'kysely';
import pg from 'pg';
import path from 'node:path';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, readdirSync } from 'node:fs';
import { lockDataDir } from './data-dir-lock.js';
import type { Database } from './schema.js';

/**
 * The one database handle of a process: Kysely over `pg` when DATABASE_URL is set, over PGlite
 * (Postgres compiled to WebAssembly, stored in DATA_DIR) otherwise. Same migrations, same SQL.
 */
export interface Db {
  kysely: Kysely<Database>;
  kind: 'pg' | 'pglite';
  /** Runs several statements in as few round trips as the driver allows (one for pg). */
  execStatements(conn: Kysely<Database>, statements: string[]): Promise<void>;
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

/**
 * Receives one value of a copyAfter: its UTF-8 bytes are `bytes[start..end)`, valid only during the call (the buffer
 * is the connection's and is reused), so what is kept must be copied.
 */
export type ValueSink = (bytes: Buffer, start: number, end: number) => void;

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

const MAX_PREPARED_PER_CONNECTION = 500;

/**
 * A pg client that runs every parameterized query as a named prepared statement, so Postgres parses
 * and plans each distinct SQL text once per connection instead of on every call (measured: it halves
 * Postgres CPU per API request; see BENCHMARKS.md). Queries without parameters keep the simple
 * protocol, which is what lets `execStatements` send several statements at once. Plans stay correct
 * across roles and row-level-security settings: Postgres re-plans a cached statement when the role
 * or the row-security environment it was planned for changes, and reads settings at execution.
 */
class PreparingClient extends pg.Client {
  private readonly statementNames = new Map<string, string>();
  /** Statements prepared with SQL's PREPARE (for `readAfter`): their text → name. */
  private readonly sqlPrepared = new Map<string, string>();

  /**
   * `prelude; EXECUTE <query>` as one simple-protocol message: Postgres runs a message of several statements as one
   * implicit transaction (committed at its end, rolled back whole on an error), so the prelude's transaction-local
   * settings hold for the query and for nothing after it. The query is PREPAREd once per connection (its own round
   * trip, the first time only), so it is planned as seldom as the parameterized queries above; its parameters become
   * literals converted as pg converts parameters and quoted with pg's escapeLiteral.
   */
  async readAfter<R>(prelude: string, query: CompiledQuery<R>): Promise<R[]> {
    let name = this.sqlPrepared.get(query.sql);
    if (!name && this.sqlPrepared.size >= MAX_PREPARED_PER_CONNECTION) return this.readInTransaction(prelude, query);
    if (!name) {
      name = `lyr_${this.sqlPrepared.size}`;
      await super.query(`PREPARE ${name} AS ${query.sql}`);
      this.sqlPrepared.set(query.sql, name);
    }
    const args = query.parameters.map((value) => sqlLiteral(value));
    const results = (await super.query(
      `${prelude}; EXECUTE ${name}${args.length ? `(${args.join(', ')})` : ''}`,
    )) as unknown as pg.QueryResult[];
    return results[results.length - 1].rows as R[];
  }

  /** See Db.copyAfter. The query is planned on each call (COPY takes no parameters: they become literals, as above). */
  copyAfter(prelude: string, query: CompiledQuery, onValue: ValueSink): Promise<number> {
    const args = query.parameters.map((value) => sqlLiteral(value));
    const text = `${prelude}; COPY (${inlineParameters(query.sql, args)}) TO STDOUT (FORMAT binary)`;
    return new Promise((resolve, reject) => {
      super.query(new CopyOutValues(text, onValue, resolve, reject));
    });
  }

  /**
   * `head`, the queries (as EXECUTEs of statements PREPAREd on this connection, those not yet prepared first, in a
   * message of their own) and `tail` in one simple-protocol message; each query's rows. A connection that keeps as
   * many prepared statements as it may runs them one by one instead.
   */
  async runBatch(head: string, queries: readonly CompiledQuery[], tail: string): Promise<unknown[][]> {
    const fresh = [...new Set(queries.map((q) => q.sql).filter((text) => !this.sqlPrepared.has(text)))];
    if (this.sqlPrepared.size + fresh.length > MAX_PREPARED_PER_CONNECTION) {
      if (head) await super.query(head);
      const out: unknown[][] = [];
      for (const q of queries) out.push((await this.query(q.sql, [...q.parameters])).rows);
      if (tail) await super.query(tail);
      return out;
    }
    if (fresh.length) {
      const named = fresh.map((text, i) => [text, `lyr_${this.sqlPrepared.size + i}`] as const);
      await super.query(named.map(([text, name]) => `PREPARE ${name} AS ${text}`).join('; '));
      for (const [text, name] of named) this.sqlPrepared.set(text, name);
    }
    const executes = queries.map((q) => {
      const args = q.parameters.map((value) => sqlLiteral(value));
      return `EXECUTE ${this.sqlPrepared.get(q.sql)}${args.length ? `(${args.join(', ')})` : ''}`;
    });
    const message = [head, ...executes, tail].filter((part) => part !== '').join('; ');
    if (!message) return [];
    const results = (await super.query(message)) as unknown as pg.QueryResult | pg.QueryResult[];
    const list = Array.isArray(results) ? results : [results];
    const end = list.length - (tail ? 1 : 0);
    return list.slice(end - queries.length, end).map((r) => r.rows);
  }

  /** The same in three round trips, for a connection that has prepared as many statements as it keeps. */
  private async readInTransaction<R>(prelude: string, query: CompiledQuery<R>): Promise<R[]> {
    await super.query(`BEGIN; ${prelude}`);
    try {
      const { rows } = await this.query(query.sql, [...query.parameters]);
      await super.query('COMMIT');
      return rows as R[];
    } catch (err) {
      await super.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  // pg's overloads are too many to restate; this only rewrites (text, values) calls.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg.Client.query's own overloads
  override query(...args: any[]): any {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      let name = this.statementNames.get(text);
      if (!name && this.statementNames.size < MAX_PREPARED_PER_CONNECTION) {
        name = `ly_${this.statementNames.size}`;
        this.statementNames.set(text, name);
      }
      if (name) return super.query({ name, text, values }, ...args.slice(2));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- passed through unchanged
    return super.query(...(args as [any]));
  }
}

/** pg's own conversion of a parameter (pg.utils.prepareValue: dates, arrays, JSON), as a quoted SQL literal. */
function sqlLiteral(value: unknown): string {
  const prepared = (pg as unknown as { utils: { prepareValue(v: unknown): string | Buffer | null } }).utils.prepareValue(value);
  if (prepared === null) return 'NULL';
  return quoteLiteral(Buffer.isBuffer(prepared) ? `\\x${prepared.toString('hex')}` : prepared);
}

/**
 * A string as a SQL literal with the value pg's escapeLiteral gives. Dollar-quoted when the text cannot end the quote
 * early (no `$lyq` in it): then the text is sent as it is, without a copy that doubles quotes and backslashes, which
 * shows on a page of records (hundreds of kilobytes of JSON) sent as one literal. Otherwise escapeLiteral's form:
 * quotes doubled and, with a backslash, the E'' form with backslashes doubled.
 */
function quoteLiteral(text: string): string {
  if (!text.includes('$lyq')) return `$lyq$${text}$lyq$`;
  const quoted = text.replaceAll("'", "''");
  return text.includes('\\') ? ` E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/**
 * The query text with its parameters ($1, $2, …) replaced by the given SQL literals, for statements that take none
 * (COPY). Quoted strings, quoted identifiers and comments are left as they are; dollar-quoted strings, which Kysely
 * never writes, are refused rather than guessed at.
 */
export function inlineParameters(text: string, literals: string[]): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      // E'…' strings escape with backslashes; others only by doubling the quote.
      const backslashes = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/[\w$]/.test(text[i - 2] ?? '');
      for (i++; i < text.length; i++) {
        if (backslashes && text[i] === '\\') i++;
        else if (text[i] === c) {
          if (text[i + 1] !== c) break;
          i++;
        }
      }
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
      const digits = /^\d+/.exec(text.slice(i + 1))?.[0];
      if (!digits) throw new Error('inlineParameters: dollar-quoted strings are not supported');
      const n = Number(digits);
      if (n < 1 || n > literals.length) throw new Error(`inlineParameters: no parameter $${n}`);
      out += text.slice(from, i) + literals[n - 1];
      i += digits.length;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** The binary COPY header: signature, flags (int32), header extension length (int32); then the extension. */
const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const COPY_HEADER = COPY_SIGNATURE.length + 8;

/**
 * A pg "submittable" (the interface pg's own Query implements) for `prelude; COPY (…) TO STDOUT (FORMAT binary)` of
 * one column: the prelude's result is ignored; the COPY's stream of tuples (int16 field count, then int32 length and
 * bytes per field, -1 ending the stream) is read as it arrives, whatever way Postgres splits it into messages (one
 * tuple a message, the header with the first). A failure of `onValue` or of the data is kept, the rest of the stream
 * read and ignored, and reported once Postgres is done, so the connection stays in step.
 */
class CopyOutValues {
  private header = true;
  private ended = false;
  /** Bytes of a tuple split across messages, waiting for the rest. */
  private carry: Buffer | null = null;
  private count = 0;
  private failure: unknown = null;

  constructor(
    readonly text: string,
    private readonly onValue: ValueSink,
    private readonly resolve: (count: number) => void,
    private readonly reject: (err: unknown) => void,
  ) {}

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    if (this.failure !== null || this.ended) return;
    try {
      let bytes = msg.chunk;
      if (this.carry) {
        bytes = Buffer.concat([this.carry, bytes]);
        this.carry = null;
      }
      let at = 0;
      if (this.header) {
        if (bytes.length < COPY_HEADER) return void (this.carry = Buffer.from(bytes));
        const extension = bytes.readInt32BE(COPY_HEADER - 4);
        if (!bytes.subarray(0, COPY_SIGNATURE.length).equals(COPY_SIGNATURE) || extension < 0)
          throw new Error('COPY: not a binary COPY stream');
        if (bytes.length < COPY_HEADER + extension) return void (this.carry = Buffer.from(bytes));
        at = COPY_HEADER + extension;
        this.header = false;
      }
      while (at + 2 <= bytes.length) {
        const fields = bytes.readInt16BE(at);
        if (fields === -1) {
          this.ended = true;
          return;
        }
        if (fields !== 1) throw new Error(`COPY: ${fields} columns, expected 1`);
        if (at + 6 > bytes.length) break;
        const length = bytes.readInt32BE(at + 2);
        if (length < 0) throw new Error('COPY: a NULL value');
        if (at + 6 + length > bytes.length) break;
        this.count++;
        this.onValue(bytes, at + 6, at + 6 + length);
        at += 6 + length;
      }
      if (at < bytes.length) this.carry = Buffer.from(bytes.subarray(at));
    } catch (err) {
      this.failure = err;
    }
  }

  handleReadyForQuery(): void {
    if (this.failure !== null) this.reject(this.failure);
    else if (!this.ended) this.reject(new Error('COPY: the stream ended without its trailer'));
    else this.resolve(this.count);
  }

  handleError(err: unknown): void {
    this.reject(err);
  }

  // The prelude's result, and messages a COPY TO does not send.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('copyAfter reads only');
  }
}

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
function guardedPGliteDialect(inner: Dialect): Dialect {
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
    return {
      kysely,
      kind: 'pg',
      // The simple-query protocol (no parameters) accepts several statements in one message.
      // CompiledQuery.raw skips Kysely's query building: these run on every tenant request.
      execStatements: async (conn, statements) => {
        await conn.executeQuery(CompiledQuery.raw(statements.join('; ')));
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
      copyAfter: async (prelude, query, onValue) => {
        const client = (await pool.connect()) as PreparingClient & pg.PoolClient;
        try {
          const count = await client.copyAfter(prelude, query, onValue);
          client.release();
          return count;
        } catch (err) {
          // As readAfter: a connection a read failed on is not reused (a failure of onValue leaves it in step, but
          // telling the cases apart is not worth a connection).
          client.release(err instanceof Error ? err : true);
          throw err;
        }
      },
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
  holderGuard = true;
  const kysely = new Kysely<Database>({ dialect: guardedPGliteDialect(new PGliteDialect(pglite)) });
  /** Channels LISTENed to, and by how many listeners. */
  const listening = new Map<string, number>();
  return {
    kysely,
    kind: 'pglite',
    pglite,
    execStatements: async (conn, statements) => {
      for (const s of statements) await conn.executeQuery(CompiledQuery.raw(s));
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
