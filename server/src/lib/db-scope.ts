import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type Compilable,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
} from 'kysely';
import { holdingConnection, type Db, type TupleSink, type ValueSink } from '../../../db/client.js';
import type { Database } from '../../../db/schema.js';
import { isUuid } from './ids.js';

/** For the few transactions opened elsewhere (as the owner): see db/client.ts. */
export { holdingConnection };

declare const scoped: unique symbol;

/**
 * A transaction opened by `inScope`: as the application role, with row-level security set to one scope. Only
 * `inScope` makes one, and every repo that reads or writes tenant tables takes one, so the unscoped owner
 * connection (`db.kysely`, which row-level security does not restrict) cannot be handed to them by mistake.
 */
export type Tx = Kysely<Database> & { readonly [scoped]: true };

/**
 * Who a transaction acts for. Row-level security reads these settings:
 * - org: one organization's rows (every tenant route);
 * - user: the caller's own memberships and their organizations (the org switcher);
 * - platform: every organization (Platform Owner reads, platform jobs).
 */
export type Scope = { org: string } | { user: string } | { platform: true };

/**
 * Runs `fn` in a transaction as the non-owner role `linkyard_app` with the scope's settings, so
 * row-level security applies to every query inside. Settings are transaction-local (SET LOCAL), so
 * nothing leaks to the next user of the pooled connection.
 */
export async function inScope<T>(db: Db, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const settings = scopeSettings(scope);
  // Holding the connection: a query on another handle from inside `fn` fails at once on PGlite (see db/client.ts).
  return db.kysely.connection().execute((conn) =>
    holdingConnection(async () => {
      await db.execStatements(conn, ['BEGIN', settings]);
      const last: CompiledQuery[] = [];
      queuedForCommit.set(conn, last);
      let result: T;
      try {
        result = await fn(conn as Tx);
        // One message on Postgres: a lock the queued queries take is held until this COMMIT and no longer.
        await db.execStatements(conn, [...last, 'COMMIT']);
      } catch (err) {
        await db.execStatements(conn, ['ROLLBACK']).catch(() => {});
        throw err;
      } finally {
        queuedForCommit.delete(conn);
      }
      return result;
    }),
  );
}

/** The queries each open `inScope` transaction runs last (beforeCommit). */
const queuedForCommit = new WeakMap<object, CompiledQuery[]>();

/**
 * Queues `queries` to run at the end of `tx` (an `inScope` transaction), in order, in the message that commits it
 * (one round trip on Postgres). For writes that lock a row every writer of the organization waits for, such as the
 * audit chain's head: the lock is then held for that one message, not across the round trips the rest of the
 * transaction still makes, while the waiters each hold a pooled connection. They are part of the transaction as if
 * run in place (their failure rolls it back), but nothing in `tx` sees what they write.
 */
export function beforeCommit(tx: Tx, ...queries: CompiledQuery[]): void {
  const queued = queuedForCommit.get(tx);
  if (!queued) throw new Error('beforeCommit: not an open inScope transaction');
  queued.push(...queries);
}

/** A Kysely that builds and compiles queries and refuses to run them: `readInScope` runs what it builds. */
class CompileOnlyDriver implements Driver {
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    throw new Error('readInScope: the query builder only builds; readInScope runs the query it returns');
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

const queryBuilder = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new CompileOnlyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
}) as Tx;

/**
 * One read under the scope's row-level security, exactly as `inScope` would run it (the application role, the
 * scope's settings, one transaction), in one round trip to Postgres instead of three: the settings and the query
 * go in one message (Db.readAfter). `build` gets a builder that compiles only. On PGlite (no round trips) it
 * runs in `inScope`.
 */
export async function readInScope<R>(db: Db, scope: Scope, build: (q: Tx) => Compilable<R>): Promise<R[]> {
  const settings = scopeSettings(scope);
  if (!db.readAfter) return inScope(db, scope, async (tx) => (await tx.executeQuery(build(tx).compile())).rows);
  return db.readAfter(settings, build(queryBuilder).compile());
}

/**
 * Like `readInScope`, for a query of one text column whose values are wanted as bytes, each as soon as its row
 * arrives: on Postgres they stream from the query (Db.copyAfter, never decoded into strings); on PGlite they are read
 * in `inScope` and passed on after it. Resolves with the number of values.
 */
export async function copyInScope(
  db: Db,
  scope: Scope,
  build: (q: Tx) => Compilable<Record<string, string>>,
  onValue: ValueSink,
): Promise<number> {
  const settings = scopeSettings(scope);
  if (!db.copyAfter) {
    const rows = await inScope(db, scope, async (tx) => (await tx.executeQuery(build(tx).compile())).rows);
    for (const row of rows) {
      const bytes = Buffer.from(Object.values(row)[0]);
      onValue(bytes, 0, bytes.length);
    }
    return rows.length;
  }
  return db.copyAfter(settings, build(queryBuilder).compile(), onValue);
}

/**
 * Like `copyInScope`, for a query of `columns` columns of any type, each row's fields handed to `onTuple` in Postgres's
 * binary form as the row arrives (Db.copyTuplesAfter). Null where the database has no such read (PGlite, whose values
 * are not worth re-encoding): the caller reads rows instead.
 */
export function copyTuplesInScope(
  db: Db,
  scope: Scope,
  build: (q: Tx) => Compilable<unknown>,
  columns: number,
  onTuple: TupleSink,
): Promise<number> | null {
  if (!db.copyTuplesAfter) return null;
  return db.copyTuplesAfter(scopeSettings(scope), build(queryBuilder).compile(), columns, onTuple);
}

/** Sends a transaction's queries together (one round trip on Postgres); resolves to each query's rows, in order. */
export type SendQueries = (queries: readonly CompiledQuery[], options?: { commit?: boolean }) => Promise<unknown[][]>;

/**
 * A transaction exactly as `inScope` runs it (the application role, the scope's settings), for a caller that knows
 * its queries in batches: each `send` is one message to Postgres (Db.batchedTransaction), the first also carrying
 * BEGIN and the settings, the one with `commit` also COMMIT, where `inScope` costs a round trip per query plus
 * two. `q` builds and compiles queries only. On PGlite (no round trips) the queries run one by one in `inScope`.
 */
export async function inScopeBatched<T>(db: Db, scope: Scope, fn: (q: Tx, send: SendQueries) => Promise<T>): Promise<T> {
  const settings = scopeSettings(scope);
  if (!db.batchedTransaction) {
    return inScope(db, scope, (tx) =>
      fn(queryBuilder, async (queries) => {
        const rows: unknown[][] = [];
        for (const query of queries) rows.push((await tx.executeQuery(query)).rows);
        return rows;
      }),
    );
  }
  return db.batchedTransaction(settings, (send) => fn(queryBuilder, send));
}

/** One SELECT that switches to the application role (like SET LOCAL ROLE) and sets the scope. */
function scopeSettings(scope: Scope): string {
  const set = (name: string, value: string) => `set_config('linkyard.${name}', '${value}', true)`;
  const role = `set_config('role', 'linkyard_app', true)`;
  if ('org' in scope) {
    // Interpolated into SQL, so it must be a UUID; routes validate this long before we get here.
    if (!isUuid(scope.org)) throw new Error('inScope: organization id must be a UUID');
    return `SELECT ${role}, ${set('org_id', scope.org)}, ${set('user_id', '')}, ${set('scope', 'org')}`;
  }
  if ('user' in scope) {
    if (!isUuid(scope.user)) throw new Error('inScope: user id must be a UUID');
    return `SELECT ${role}, ${set('org_id', '')}, ${set('user_id', scope.user)}, ${set('scope', 'user')}`;
  }
  return `SELECT ${role}, ${set('org_id', '')}, ${set('user_id', '')}, ${set('scope', 'platform')}`;
}
