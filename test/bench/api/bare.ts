import Fastify from 'fastify';
import {
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
} from 'kysely';
import pg from 'pg';
import type { Database } from '../../../db/schema.js';
import type { Tx } from '../../../server/src/lib/db-scope.js';
import { toPage } from '../../../server/src/lib/pagination.js';
import { listMembersQuery } from '../../../server/src/modules/organizations/members.repo.js';
import { MemberList } from '../../../server/src/modules/organizations/organizations.schemas.js';

export const BARE_PATH = '/bare/orgs/:orgId/members';

/**
 * The reference route: the same SQL text as the production `listMembersQuery` (compiled from that very
 * function), for the same organization and page size, answered through the same response schema
 * (so the same fast-json-stringify serialization) — but on a bare Fastify instance with no hooks, no
 * JWT, no actor lookup, no rate limit, no CASL and no transaction/RLS: one pooled query per request.
 * What the authenticated route costs on top of this is the price of the security layers.
 */
export async function buildBareApp(options: { databaseUrl: string; poolSize: number; pageSize: number }) {
  const orgPlaceholder = '00000000-0000-4000-8000-000000000000';
  // Only compiled (no connection), so the unscoped Kysely stands in for a scoped transaction.
  const query = await compileWith((k) => listMembersQuery(k as Tx, orgPlaceholder, undefined, options.pageSize).execute());
  const orgParam = query.parameters.indexOf(orgPlaceholder);
  if (orgParam === -1) throw new Error('bare route: listMembers no longer takes the organization as a parameter');

  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize });
  pool.on('error', () => {});
  const app = Fastify({ logger: false });
  app.addHook('onClose', async () => {
    await pool.end();
  });

  type Row = {
    userId: string;
    email: string;
    name: string;
    role: 'viewer' | 'admin' | 'super_admin';
    joinedAt: Date;
    status: 'active' | 'invited' | 'disabled';
  };
  app.get<{ Params: { orgId: string } }>(BARE_PATH, { schema: { response: { 200: MemberList } } }, async (request) => {
    const params = [...query.parameters];
    params[orgParam] = request.params.orgId;
    const { rows } = await pool.query<Row>(query.sql, params);
    // The same mapping and page shape as members.service.ts `list` (toView + toPage).
    return toPage(
      rows,
      options.pageSize,
      (r) => ({ ...r, joinedAt: r.joinedAt.toISOString() }),
      (r) => [r.email],
    );
  });
  return { app, sql: query.sql };
}

/** Runs a repo function against a driver that only records the compiled query (no database). */
async function compileWith(fn: (k: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery> {
  let captured: CompiledQuery | undefined;
  const connection: DatabaseConnection = {
    async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
      captured = q;
      return { rows: [] };
    },
    // eslint-disable-next-line require-yield
    async *streamQuery() {
      throw new Error('not supported');
    },
  };
  const driver: Driver = {
    async init() {},
    async acquireConnection() {
      return connection;
    },
    async beginTransaction() {},
    async commitTransaction() {},
    async rollbackTransaction() {},
    async releaseConnection() {},
    async destroy() {},
  };
  const kysely = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  await fn(kysely);
  await kysely.destroy();
  if (!captured) throw new Error('bare route: the repo function ran no query');
  return captured;
}
