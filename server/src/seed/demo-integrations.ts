import type { Db } from '../../../db/client.js';
import type { ErrorKind, IntegrationStatus, LogLevel, RunStatus } from '../../../db/schema.js';
import { secretHint, type Vault } from '../lib/crypto/index.js';
import { inScope, type Tx } from '../lib/db-scope.js';
import { uuidv7 } from '../lib/ids.js';
import { secretContext, tokenContext } from '../modules/integrations/integrations.port.js';
import { contentHash } from '../modules/sync-engine/records-writer.js';
import { nextRunAt } from '../modules/syncs/schedule.js';
import { compileMappings, type FieldMapping } from '../modules/syncs/mappings.js';
import { openConflict } from '../modules/conflicts/conflicts.port.js';

/**
 * Demo integrations, syncs and a week of run history with logs, so every page of the admin UI has
 * something to show on a fresh `npm start`. Credentials are obviously fake (and encrypted like real
 * ones); the providers are not contacted. Idempotent: an organization that already has integrations
 * is left alone.
 */
interface DemoSync {
  resource: string;
  mode: 'full' | 'incremental';
  cron: string | null;
  timezone: string;
  mappings: { source: string; target: string; transform?: string; args?: unknown; required?: boolean }[];
  sample: (i: number) => { id: string; record: Record<string, unknown> };
  /** Two-way: the sync pushes too and asks a person about records changed on both sides; `conflict` opens one. */
  twoWay?: { conflict: (local: Record<string, unknown>) => { local: Record<string, unknown>; remote: Record<string, unknown> } };
}

interface DemoIntegration {
  provider: string;
  name: string;
  status: IntegrationStatus;
  authType: 'oauth2' | 'api_key' | 'basic';
  settings?: Record<string, string>;
  lastError?: string;
  /** The kind of lastError (error-kind.ts), so the demo offers the matching remedy. */
  lastErrorKind?: ErrorKind;
  errorCount?: number;
  connected: boolean;
  syncs: DemoSync[];
  /** Share of historical runs that failed (0–1). */
  failureRate: number;
}

const contacts = (i: number) => ({
  id: String(1000 + i),
  record: {
    email: `customer${i}@example.com`,
    firstName: ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara'][i % 5],
    lastName: ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov'][i % 5],
    lifecycleStage: i % 3 ? 'lead' : 'customer',
  },
});

const DEMO: Record<string, DemoIntegration[]> = {
  acme: [
    {
      provider: 'hubspot',
      name: 'HubSpot CRM',
      status: 'ACTIVE',
      authType: 'oauth2',
      connected: true,
      failureRate: 0.1,
      syncs: [
        {
          resource: 'contacts',
          mode: 'incremental',
          cron: '0 8 * * *',
          timezone: 'Europe/Berlin',
          sample: contacts,
          // One record changed both here (name, stage) and in HubSpot (stage, email): the Conflicts page has one to show.
          twoWay: {
            conflict: (base) => ({
              local: { ...base, fullName: 'Ada King, Countess of Lovelace', stage: 'Customer' },
              remote: { ...base, email: 'ada@lovelace.example', stage: 'Other' },
            }),
          },
          mappings: [
            { source: 'email', target: 'email', transform: 'lowercase', required: true },
            { source: '', target: 'fullName', transform: 'template', args: { template: '{{firstName}} {{lastName}}' } },
            {
              source: 'lifecycleStage',
              target: 'stage',
              transform: 'value_map',
              args: { map: { lead: 'Lead', customer: 'Customer' }, fallback: 'Other' },
            },
          ],
        },
      ],
    },
    {
      provider: 'stripe',
      name: 'Stripe Payments',
      status: 'ACTIVE',
      authType: 'api_key',
      connected: false,
      failureRate: 0,
      syncs: [
        {
          resource: 'customers',
          mode: 'full',
          cron: '30 6 * * *',
          timezone: 'America/New_York',
          mappings: [],
          sample: (i) => ({ id: `cus_demo${i}`, record: { id: `cus_demo${i}`, email: `buyer${i}@example.com`, balance: i * 100 } }),
        },
      ],
    },
    {
      provider: 'jira',
      name: 'Jira Cloud',
      status: 'ERROR',
      authType: 'oauth2',
      connected: true,
      failureRate: 1,
      lastError: 'Token refresh failed: the provider answered invalid_grant. Reconnect the integration.',
      lastErrorKind: 'auth',
      errorCount: 3,
      syncs: [
        {
          resource: 'issues',
          mode: 'incremental',
          cron: '0 */6 * * *',
          timezone: 'UTC',
          mappings: [],
          sample: (i) => ({ id: `DEMO-${i}`, record: { key: `DEMO-${i}`, summary: `Demo issue ${i}` } }),
        },
      ],
    },
    {
      provider: 'google_calendar',
      name: 'Team calendar',
      status: 'INACTIVE',
      authType: 'oauth2',
      connected: false,
      failureRate: 0,
      syncs: [],
    },
    { provider: 'slack', name: 'Slack workspace', status: 'PAUSED', authType: 'oauth2', connected: true, failureRate: 0, syncs: [] },
  ],
  globex: [
    {
      provider: 'salesforce',
      name: 'Salesforce',
      status: 'ACTIVE',
      authType: 'oauth2',
      connected: true,
      failureRate: 0.2,
      syncs: [{ resource: 'contacts', mode: 'full', cron: '0 2 * * *', timezone: 'America/Chicago', mappings: [], sample: contacts }],
    },
    {
      provider: 'zendesk',
      name: 'Zendesk support',
      status: 'INACTIVE',
      authType: 'oauth2',
      connected: false,
      failureRate: 0,
      settings: { subdomain: 'globex' },
      syncs: [],
    },
  ],
};

const HISTORY_DAYS = 7;
const RUNS_PER_DAY = 3;

export async function seedDemoIntegrations(db: Db, vault: Vault, progress: (line: string) => void = () => {}): Promise<number> {
  let created = 0;
  for (const [slug, integrations] of Object.entries(DEMO)) {
    const org = await inScope(db, { platform: true }, (tx) =>
      tx.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst(),
    );
    if (!org) continue;
    const count = await inScope(db, { org: org.id }, async (tx) => {
      const existing = await tx.selectFrom('integrations').select('id').where('organization_id', '=', org.id).limit(1).executeTakeFirst();
      if (existing) return 0;
      for (const demo of integrations) await seedIntegration(tx, vault, org.id, demo);
      return integrations.length;
    });
    created += count;
    progress(`organization ${slug}: ${count ? `${count} demo integrations with syncs and run history` : 'integrations exist'}`);
  }
  return created;
}

async function seedIntegration(tx: Tx, vault: Vault, orgId: string, demo: DemoIntegration) {
  const id = uuidv7();
  const secret = `demo-${demo.authType}-secret-not-real`;
  const now = Date.now();
  await tx
    .insertInto('integrations')
    .values({
      id,
      organization_id: orgId,
      provider: demo.provider,
      name: demo.name,
      status: demo.status,
      auth_type: demo.authType,
      client_id: demo.authType === 'oauth2' ? `demo-client-${demo.provider}` : null,
      username: null,
      secret_encrypted: await vault.encrypt(tx, secretContext(orgId, id), secret),
      secret_hint: secretHint(secret),
      scopes: [],
      settings: JSON.stringify(demo.settings ?? {}),
      error_count: demo.errorCount ?? 0,
      last_error: demo.lastError ?? null,
      last_error_kind: demo.lastError ? (demo.lastErrorKind ?? 'provider') : null,
      verified_at: demo.authType !== 'oauth2' && demo.status === 'ACTIVE' ? new Date(now - 8 * 86_400_000) : null,
      last_sync_at: demo.syncs.length ? new Date(now - 3_600_000) : null,
      updated_at: new Date(),
    })
    .execute();
  if (demo.connected) {
    await tx
      .insertInto('connections')
      .values({
        integration_id: id,
        organization_id: orgId,
        access_token_encrypted: await vault.encrypt(tx, tokenContext(orgId, id, 'access_token_encrypted'), 'demo-access-token-not-real'),
        refresh_token_encrypted: await vault.encrypt(tx, tokenContext(orgId, id, 'refresh_token_encrypted'), 'demo-refresh-token-not-real'),
        token_type: 'bearer',
        expires_at: new Date(now + 3_600_000),
        scopes: [],
        external_account: `demo@${demo.provider}.example`,
        connection_values: '{}',
        refresh_failures: demo.status === 'ERROR' ? 1 : 0,
        last_refresh_error: demo.status === 'ERROR' ? (demo.lastError ?? null) : null,
        updated_at: new Date(),
      })
      .execute();
  }
  for (const sync of demo.syncs) await seedSync(tx, orgId, id, demo, sync);
  await settleLastSync(tx, id);
}

/**
 * "Last sync" and each sync's "last run" come from the history just written: fixed guesses (an hour ago) showed a
 * last sync newer than the newest run in the history, and a last run that was not in it (issue 15, item 6).
 */
async function settleLastSync(tx: Tx, integrationId: string) {
  await tx
    .updateTable('syncs')
    .set((eb) => ({
      last_run_at: eb
        .selectFrom('sync_runs')
        .select((r) => r.fn.max('sync_runs.started_at').as('m'))
        .whereRef('sync_runs.sync_id', '=', 'syncs.id'),
    }))
    .where('integration_id', '=', integrationId)
    .execute();
  await tx
    .updateTable('integrations')
    .set((eb) => ({
      last_sync_at: eb
        .selectFrom('sync_runs')
        .select((r) => r.fn.max('sync_runs.finished_at').as('m'))
        .where('sync_runs.integration_id', '=', integrationId)
        .where('sync_runs.status', '=', 'succeeded'),
    }))
    .where('id', '=', integrationId)
    .execute();
}

async function seedSync(tx: Tx, orgId: string, integrationId: string, demo: DemoIntegration, sync: DemoSync) {
  const now = Date.now();
  const syncId = await insertSync(tx, orgId, integrationId, demo, sync, now);
  const ids = { orgId, integrationId, syncId };
  const records = await seedRunHistory(tx, ids, demo, sync, now);
  const stored = await seedRecords(tx, ids, sync, Math.min(records, 25), now);
  if (sync.twoWay && stored[0]) {
    const { local, remote } = sync.twoWay.conflict(stored[0].data);
    await openConflict(tx, {
      ...ids,
      resource: sync.resource,
      externalId: stored[0].id,
      runId: null,
      base: stored[0].data,
      local,
      remote,
      remoteUpdatedAt: new Date(now - 1_800_000).toISOString(),
      remoteEtag: null,
    });
  }
}

interface SyncIds {
  orgId: string;
  integrationId: string;
  syncId: string;
}

/** The sync and its field mappings; a paused integration's sync is disabled and has no next run. */
async function insertSync(tx: Tx, orgId: string, integrationId: string, demo: DemoIntegration, sync: DemoSync, now: number) {
  const syncId = uuidv7();
  const schedule = sync.cron ? { cron: sync.cron, timezone: sync.timezone } : null;
  await tx
    .insertInto('syncs')
    .values({
      id: syncId,
      organization_id: orgId,
      integration_id: integrationId,
      resource: sync.resource,
      mode: sync.mode,
      cron: schedule?.cron ?? null,
      timezone: schedule?.timezone ?? null,
      enabled: demo.status !== 'PAUSED',
      cursor: null,
      filters: '[]',
      ...(sync.twoWay ? { direction: 'bidirectional' as const, conflict_resolution: 'manual' as const } : {}),
      next_run_at: demo.status === 'PAUSED' ? null : nextRunAt(schedule),
      last_run_at: new Date(now - 3_600_000),
      updated_at: new Date(),
    })
    .execute();
  if (sync.mappings.length) {
    await tx
      .insertInto('field_mappings')
      .values(
        sync.mappings.map((m, position) => ({
          sync_id: syncId,
          organization_id: orgId,
          position,
          source: m.source,
          target: m.target,
          transform: m.transform ?? null,
          args: m.args === undefined ? null : JSON.stringify(m.args),
          required: m.required ?? false,
          default_value: null,
        })),
      )
      .execute();
  }
  return syncId;
}

/** A week of history: a few runs a day, oldest first, each with its log. Returns how many records the runs created. */
async function seedRunHistory(tx: Tx, ids: SyncIds, demo: DemoIntegration, sync: DemoSync, now: number): Promise<number> {
  let records = 0;
  const runCount = HISTORY_DAYS * RUNS_PER_DAY;
  for (let i = 0; i < runCount; i++) {
    const startedAt = new Date(now - (runCount - i) * (86_400_000 / RUNS_PER_DAY));
    const run = demoRun(i, demo);
    records += run.created;
    const runId = uuidv7(startedAt.getTime());
    await tx
      .insertInto('sync_runs')
      .values({
        id: runId,
        organization_id: ids.orgId,
        integration_id: ids.integrationId,
        sync_id: ids.syncId,
        trigger: i % 5 === 0 ? 'manual' : 'schedule',
        status: run.status,
        scheduled_for: i % 5 === 0 ? null : startedAt,
        started_at: startedAt,
        finished_at: new Date(startedAt.getTime() + run.durationMs),
        fetched: run.fetched,
        created: run.created,
        updated: run.updated,
        unchanged: Math.max(0, run.fetched - run.created - run.updated),
        deleted: run.deleted,
        failed: 0,
        cursor_before: null,
        cursor_after: null,
        resume_cursor: null,
        error: run.error,
        error_kind: run.errorKind,
        heartbeat_at: null,
        created_at: startedAt,
      })
      .execute();
    await tx
      .insertInto('sync_logs')
      .values(
        demoRunLog(i, sync, run).map((l, n) => ({
          id: uuidv7(startedAt.getTime() + n),
          organization_id: ids.orgId,
          run_id: runId,
          integration_id: ids.integrationId,
          sync_id: ids.syncId,
          at: new Date(startedAt.getTime() + n * 150),
          level: l.level,
          message: l.message,
          data: l.data ? JSON.stringify(l.data) : null,
        })),
      )
      .execute();
  }
  return records;
}

/** The i-th historical run's outcome: a deterministic mix, failing at about the integration's failure rate. */
function demoRun(i: number, demo: DemoIntegration) {
  const failed = (i * 7919) % 100 < demo.failureRate * 100;
  const status: RunStatus = failed ? 'failed' : 'succeeded';
  const fetched = failed ? 0 : 40 + ((i * 37) % 60);
  return {
    failed,
    status,
    fetched,
    created: failed ? 0 : i === 0 ? fetched : (i * 13) % 7,
    updated: failed ? 0 : (i * 11) % 9,
    deleted: failed ? 0 : i % 6 === 0 ? 1 : 0,
    durationMs: 800 + ((i * 523) % 9000),
    error: failed ? (demo.lastError ?? 'HubSpot answered 503 Service Unavailable after 5 attempts') : null,
    errorKind: failed ? (demo.lastErrorKind ?? ('provider' as ErrorKind)) : null,
  };
}

/** The log lines a run like this one writes: start, the page request, then a retry and failure, or the saved batch. */
function demoRunLog(i: number, sync: DemoSync, run: ReturnType<typeof demoRun>) {
  const logs: { level: LogLevel; message: string; data?: Record<string, unknown> }[] = [
    { level: 'info', message: `Run started (${sync.mode} sync of ${sync.resource})` },
    {
      level: 'info',
      message: `GET ${sync.resource} page 1`,
      data: { method: 'GET', status: run.failed ? 503 : 200, durationMs: 180 + (i % 40) },
    },
    ...(run.failed
      ? [
          { level: 'warn' as const, message: 'Retrying after 503', data: { attempt: 2 } },
          { level: 'error' as const, message: `Run failed — ${run.error}` },
        ]
      : [
          { level: 'info' as const, message: `Batch saved: ${run.fetched} fetched, ${run.created} created, ${run.updated} updated` },
          { level: 'info' as const, message: `Run succeeded: ${run.fetched} fetched` },
        ]),
  ];
  return logs;
}

/** `count` sample records of the sync's resource, stored as a run would store them: mapped. */
async function seedRecords(tx: Tx, ids: SyncIds, sync: DemoSync, count: number, now: number) {
  const mapper = compileMappings(sync.mappings as FieldMapping[]);
  const samples = Array.from({ length: count }, (_, i) => sync.sample(i)).map((s) => ({
    id: s.id,
    data: mapper.apply(s.record).output,
  }));
  if (samples.length) {
    await tx
      .insertInto('records')
      .values(
        samples.map((s) => ({
          organization_id: ids.orgId,
          integration_id: ids.integrationId,
          resource: sync.resource,
          external_id: s.id,
          data: JSON.stringify(s.data),
          content_hash: contentHash(s.data),
          source_updated_at: new Date(now - 86_400_000),
          updated_at: new Date(),
        })),
      )
      .execute();
  }
  return samples;
}
