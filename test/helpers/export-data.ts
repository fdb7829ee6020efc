import { uuidv7 } from '../../server/src/lib/ids.js';
import type { TestContext } from './app.js';

/**
 * Data for export tests: two integrations created through the API (so their secrets are encrypted as in
 * production), then a sync with runs, logs and records at chosen times around the range 2026-03-01 …
 * 2026-03-03, written straight into the tables as the sync engine writes them. Names, messages, errors
 * and record data start with the characters spreadsheets treat as formulas.
 */
export const ENTITIES = ['integrations', 'syncs', 'runs', 'logs', 'records', 'audit'] as const;
export const SECRET = 'export-test-client-secret-7d1f0c9a';
export const API_KEY = 'sk_test_export_api_key_93b1e5c2aa';
/** Cells a spreadsheet would evaluate, one per trigger character. */
export const FORMULAS = ['=1+1', '+1+1', '-1+1', '@SUM(A1:A2)', '\t=1+1', '\r=1+1'];

export interface Seeded {
  hubspot: string;
  stripe: string;
  syncId: string;
  /** Run (and log, record) times around the range 2026-03-01 … 2026-03-03. */
  inside: string[];
  outside: string[];
}

export async function seedExportData(ctx: TestContext): Promise<Seeded> {
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const base = `/api/orgs/${ctx.orgs.acme}`;
  const create = async (payload: object) => {
    const res = await ctx.app.inject({ method: 'POST', url: `${base}/integrations`, headers: admin, payload });
    if (res.statusCode !== 201) throw new Error(res.body);
    return res.json().id as string;
  };
  const hubspot = await create({
    provider: 'hubspot',
    name: '=HYPERLINK("http://evil.example","click")',
    clientId: 'hub-client',
    clientSecret: SECRET,
  });
  const stripe = await create({ provider: 'stripe', name: 'Stripe <b>Payments</b>', apiKey: API_KEY });
  const db = ctx.database.db.kysely;
  const orgId = ctx.orgs.acme;
  const syncId = uuidv7();
  await db
    .insertInto('syncs')
    .values({
      id: syncId,
      organization_id: orgId,
      integration_id: hubspot,
      resource: 'contacts',
      mode: 'full',
      cron: null,
      timezone: null,
      enabled: true,
      cursor: null,
      filters: '[]',
      next_run_at: null,
      last_run_at: null,
      updated_at: new Date(),
    })
    .execute();
  await db
    .insertInto('field_mappings')
    .values({
      sync_id: syncId,
      organization_id: orgId,
      position: 0,
      source: 'email',
      target: '-email',
      transform: null,
      args: null,
      required: false,
      default_value: null,
    })
    .execute();

  const inside = ['2026-03-01T00:00:00.000Z', '2026-03-02T12:30:00.000Z', '2026-03-03T23:59:59.999Z'];
  const outside = ['2026-02-28T23:59:59.999Z', '2026-03-04T00:00:00.000Z'];
  const statuses = ['succeeded', 'failed', 'succeeded', 'failed', 'cancelled'] as const;
  const times = [...inside, ...outside];
  for (const [i, at] of times.entries()) {
    const runId = uuidv7();
    const when = new Date(at);
    await db
      .insertInto('sync_runs')
      .values({
        id: runId,
        organization_id: orgId,
        integration_id: hubspot,
        sync_id: syncId,
        trigger: 'manual',
        status: statuses[i],
        scheduled_for: null,
        started_at: when,
        finished_at: new Date(when.getTime() + 1500),
        fetched: 10 + i,
        created: i,
        updated: 1,
        unchanged: 2,
        deleted: 0,
        failed: statuses[i] === 'failed' ? 1 : 0,
        error: statuses[i] === 'failed' ? `${FORMULAS[i % FORMULAS.length]} provider said no` : null,
        created_at: when,
      })
      .execute();
    await db
      .insertInto('sync_logs')
      .values({
        id: uuidv7(),
        organization_id: orgId,
        run_id: runId,
        integration_id: hubspot,
        sync_id: syncId,
        at: when,
        level: statuses[i] === 'failed' ? 'error' : 'info',
        message: FORMULAS[i],
        data: JSON.stringify({ status: 200, note: '@cmd' }),
      })
      .execute();
    if (i === times.length - 1) {
      // The sixth trigger (CR) in one more log line, an hour after the range.
      await db
        .insertInto('sync_logs')
        .values({
          id: uuidv7(),
          organization_id: orgId,
          run_id: runId,
          integration_id: hubspot,
          sync_id: syncId,
          at: new Date(when.getTime() + 3_600_000),
          level: 'warn',
          message: FORMULAS[5],
          data: null,
        })
        .execute();
    }
    await db
      .insertInto('records')
      .values({
        organization_id: orgId,
        integration_id: hubspot,
        resource: 'contacts',
        external_id: `${FORMULAS[i % FORMULAS.length]}#${i}`,
        data: JSON.stringify({ email: `p${i}@example.com`, formula: "=cmd|' /C calc'!A0", i }),
        content_hash: `h${i}`,
        source_updated_at: when,
        first_seen_at: when,
        updated_at: when,
      })
      .execute();
  }
  return { hubspot, stripe, syncId, inside, outside };
}
