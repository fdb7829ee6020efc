import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import t from 'tap';
import type { Db } from '../../../../db/client.js';
import { createVault, isCiphertext } from '../../../../server/src/lib/crypto/index.js';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { verifyAuditChains } from '../../../../server/src/modules/audit/audit.service.js';
import {
  IMPORT_AUDIT_ACTION,
  importLegacyIntegrations,
  ImportStoppedError,
  LegacyFileError,
  parseLegacyFile,
  validateLegacyRow,
  type LegacyImportOptions,
  type RowOutcome,
} from '../../../../server/src/modules/integrations/legacy-import.js';
import { tokenContext } from '../../../../server/src/modules/integrations/integrations.port.js';
import { secretContext } from '../../../../server/src/modules/integrations/integrations.port.js';
import { seedDemo } from '../../../../server/src/seed/demo.js';
import { createTestDatabase } from '../../../helpers/database.js';
import { databaseEnv, handOverToScripts, runScript, scriptEnv, withDirectDb } from '../../../helpers/run-script.js';

/**
 * The legacy import (server/src/modules/integrations/legacy-import.ts) on the real database: file
 * reading with line numbers, row validation, encryption, audit, atomicity per row, dry run,
 * idempotence and tenant isolation; then the operator script run as a child process.
 */

t.setTimeout(300_000);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixtures = path.join(root, 'test', 'fixtures', 'legacy');
const fixture = (name: string) => readFileSync(path.join(fixtures, name), 'utf8');

const KEY = randomBytes(32).toString('base64');
const NOW = new Date('2025-06-01T00:00:00Z');
const vault = createVault({ currentKey: KEY });

const database = await createTestDatabase();
t.teardown(() => database.close());
const { db } = database;
await seedDemo(db, 'legacy-import-demo-password', undefined, 10);
const orgIds = Object.fromEntries(
  (await db.kysely.selectFrom('organizations').select(['id', 'slug']).execute()).map((o) => [o.slug, o.id]),
) as Record<'acme' | 'globex', string>;

const run = (text: string, options: LegacyImportOptions = {}) =>
  importLegacyIntegrations(db, vault, parseLegacyFile(text), { now: NOW, ...options });
const jsonl = (...rows: (object | string)[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n');
const byLine = (outcomes: RowOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.line, o]));

async function counts(database: Db = db) {
  const r = await sql<{ integrations: number; connections: number; auditEvents: number; dataKeys: number }>`
    SELECT (SELECT count(*)::int FROM integrations) AS integrations, (SELECT count(*)::int FROM connections) AS connections,
           (SELECT count(*)::int FROM audit_events) AS "auditEvents",
           (SELECT count(*)::int FROM organizations WHERE data_key_wrapped IS NOT NULL) AS "dataKeys"`.execute(database.kysely);
  return r.rows[0];
}

/** Every row of every table as JSON text: what a database dump would show. */
async function everything(database: Db = db): Promise<string> {
  const tables = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`.execute(
    database.kysely,
  );
  let out = '';
  for (const { name } of tables.rows) {
    const r = await sql<{ t: string | null }>`SELECT string_agg(row_to_json(x)::text, E'\n') AS t FROM ${sql.table(name)} x`.execute(
      database.kysely,
    );
    out += r.rows[0].t ?? '';
  }
  return out;
}

/** Every token and secret in a fixture or a test row (the values the database and output must never show). */
function secretsIn(text: string): string[] {
  return [...text.matchAll(/"(accessToken|refreshToken|clientSecret)"\s*:\s*"([^"]+)"/g)].map((m) => m[2]);
}

t.test('reading the file: JSON Lines and JSON arrays keep their line numbers', async (t) => {
  const lines = parseLegacyFile('{"a":1}\n\n  {"b":2}\r\n{"c": "x" "d": "CANARY-jsonl-token"}\n[1]\n');
  t.equal(lines.format, 'json_lines');
  t.same(
    lines.entries.map((e) => [e.line, e.value ?? null]),
    [
      [1, { a: 1 }],
      [3, { b: 2 }],
      [4, null],
      [5, [1]],
    ],
    'blank lines are skipped, CRLF is fine',
  );
  t.match(lines.entries[2].error, /^not valid JSON: Expected ',' or '}' after property value \(at line 4, column 11\)$/);
  t.notMatch(lines.entries[2].error, /CANARY/, 'the message does not quote the input');

  const pretty = parseLegacyFile(fixture('integrations.json'));
  t.equal(pretty.format, 'json_array');
  t.same(
    pretty.entries.map((e) => [e.line, e.element]),
    [
      [2, 1],
      [13, 2],
      [27, 3],
      [35, 4],
      [43, 5],
    ],
    'each element carries the line it starts on',
  );

  const compact = parseLegacyFile('\uFEFF[{"a":"[,]"},{"b":"\\"}"} ,\n{"c": }, {"d":"CANARY-array-token" "e":1},]');
  t.same(
    compact.entries.map((e) => [e.line, e.element, e.value ?? e.error]),
    [
      [1, 1, { a: '[,]' }],
      [1, 2, { b: '"}' }],
      [2, 3, "not valid JSON: Unexpected token '}'"],
      [2, 4, "not valid JSON: Expected ',' or '}' after property value (at line 2, column 36)"],
    ],
    'brackets and escaped quotes inside strings do not split elements; a trailing comma is tolerated',
  );
  t.notMatch(JSON.stringify(compact), /CANARY[^"]*"\s*\(/, 'no snippet of the input in messages');
  t.equal(parseLegacyFile('[1,,2]').entries[1].error, 'empty array element (two commas in a row)');
  t.same(parseLegacyFile('  []  ').entries, []);
  t.same(parseLegacyFile('').entries, []);

  t.throws(() => parseLegacyFile('[\n{"a": 1},\n{"b": "never closed}\n'), { name: 'LegacyFileError' });
  t.ok(new LegacyFileError('x') instanceof Error);
  t.throws(() => parseLegacyFile('[\n{"a": 1},\n{"b": "never closed}\n'), {
    message: /the JSON array opened on line 1 is never closed .*the last element starts on line 3/,
  });
  t.throws(() => parseLegacyFile('[{"a":1}]\n\nmore'), { message: 'line 3: unexpected text after the end of the JSON array' });
  t.throws(() => parseLegacyFile('{\n  "integrations": [{"a": 1}]\n}\n'), {
    message: /single JSON value over several lines; if the rows are in its "integrations" array, save that array on its own/,
  });
});

t.test('validating a row', async (t) => {
  const base = { organization: 'acme', provider: 'google_calendar', externalAccount: 'jane@acme.test', accessToken: 'ya29.token' };
  const ok = (extra: object) => validateLegacyRow({ ...base, ...extra });
  const problems = (extra: object) => validateLegacyRow({ ...base, ...extra }).problems.join('; ');

  for (const p of ['GOOGLE_CALENDAR', 'google-calendar', 'Google Calendar', ' google_calendar '])
    t.equal(ok({ provider: p }).row?.provider.key, 'google_calendar', `provider ${p}`);
  t.equal(ok({ provider: 'OUTLOOK' }).row?.provider.key, 'outlook');
  t.equal(ok({ provider: 'Outlook Calendar' }).row?.provider.key, 'outlook', 'names of the old systems');
  t.equal(ok({ provider: 'QuickBooks Online' }).row?.provider.key, 'quickbooks', 'display names');
  t.match(
    problems({ provider: 'google' }),
    /unknown provider "google" \(did you mean google_analytics, google_calendar, google_drive, google_meet\?\)/,
  );
  t.match(problems({ provider: 'APPLE_HEALTH' }), /unknown provider "APPLE_HEALTH" \(GET \/api\/providers lists the keys\)/);
  t.match(problems({ provider: 'stripe' }), /Stripe uses an API key, not OAuth tokens: add it in the admin UI instead/);
  t.match(problems({ provider: 'apple_calendar' }), /uses a username and app password/);

  t.equal(ok({}).row?.name, 'Google Calendar (jane@acme.test)', 'default name');
  t.equal(ok({ externalAccount: 'x'.repeat(300) }).row?.name.length, 120, 'a long default name is shortened to the limit');
  t.equal(ok({ organization: ' ACME ' }).row?.organization, 'acme');

  const aliased = validateLegacyRow({
    organization: 'acme',
    integrationType: 'slack',
    accessToken: 'xoxp-1',
    externalEmail: 'lee@acme.test',
    externalId: 'U1',
    tokenExpiry: { $date: '2030-01-01T00:00:00Z' },
    scope: 'channels:read, users:read',
    userId: 'u1',
    status: 'active',
  });
  t.same(aliased.problems, []);
  t.match(aliased.row, { provider: { key: 'slack' }, externalAccount: 'lee@acme.test', scopes: ['channels:read', 'users:read'] });
  t.equal(aliased.row?.expiresAt?.toISOString(), '2030-01-01T00:00:00.000Z');
  t.same(aliased.ignoredFields, ['userId', 'status'], 'fields outside the format are listed, not refused');
  t.equal(ok({ externalAccount: undefined, externalId: 12345 }).row?.externalAccount, '12345', 'a numeric external id');
  t.match(
    problems({ provider: undefined, integrationType: 'slack', scopes: ['a'], scope: ['b'] }),
    /scopes and scope are both given and differ/,
  );

  const expiry = (expiresAt: unknown) => ok({ expiresAt }).row?.expiresAt?.toISOString();
  t.equal(expiry('2030-01-02T03:04:05Z'), '2030-01-02T03:04:05.000Z');
  t.equal(expiry('2030-01-02 03:04:05+0200'), '2030-01-02T01:04:05.000Z');
  t.equal(expiry(1893456000), '2030-01-01T00:00:00.000Z', 'Unix seconds');
  t.equal(expiry('1893456000'), '2030-01-01T00:00:00.000Z', 'Unix seconds as digits');
  t.equal(expiry({ $date: { $numberLong: '1893456000000' } }), '2030-01-01T00:00:00.000Z', 'mongoexport');
  t.equal(expiry(null), undefined, 'null: no expiry');
  t.match(problems({ expiresAt: 1893456000000 }), /expiresAt 1893456000000 looks like milliseconds/);
  t.match(problems({ expiresAt: '2030-01-02T03:04:05' }), /has no time zone/);
  t.match(problems({ expiresAt: '2030-02-30T00:00:00Z' }), /is not a real date/);
  t.match(problems({ expiresAt: 'soon' }), /expiresAt "soon" is not an ISO 8601 date-time/);
  t.match(problems({ expiresAt: true }), /expiresAt must be an ISO 8601 date-time/);

  t.match(problems({ accessToken: '' }), /accessToken must be a non-empty string/);
  t.match(problems({ accessToken: undefined }), /accessToken is required/);
  t.match(problems({ accessToken: 'ya29 SECRET-with-space' }), /accessToken contains whitespace/);
  t.notMatch(problems({ accessToken: 'ya29 SECRET-with-space', refreshToken: 42 }), /SECRET/, 'token values are never quoted');
  t.match(problems({ clientId: 'id-only' }), /clientId and clientSecret go together/);
  t.match(problems({ externalAccount: undefined }), /externalAccount .* is required: it is how a re-run recognises rows already imported/);
  t.match(
    problems({ organization: undefined, organizationId: { $oid: 'abc' } }),
    /organizationId of the old system is not used, map it to a slug first/,
  );
  t.match(problems({ scopes: ['ok', 'not ok"'] }), /scope "not ok"" is not a valid OAuth scope/);
  t.match(problems({ scopes: 7 }), /scopes must be an array/);
  t.match(problems({ settings: { nope: 'x' } }), /settings.nope is not a setting of Google Calendar/);
  t.match(validateLegacyRow({ ...base, provider: 'zendesk' }).problems.join(), /settings.subdomain .* is required for Zendesk/);
  t.match(
    validateLegacyRow({ ...base, provider: 'salesforce', connectionValues: { instanceUrl: 'http://evil.test' } }).problems.join(),
    /connectionValues.instanceUrl "http:\/\/evil.test" is not valid for Salesforce/,
  );
  t.match(
    problems({ connectionValues: { dc: 'us6' } }),
    /connectionValues.dc is not a connection value of Google Calendar \(it has none\)/,
  );
  t.match(problems({ tokenType: 'Bearer token' }), /tokenType "Bearer token" is not a token type/);
  t.match(validateLegacyRow([1]).problems, ["expected an object with the row's fields, got an array"]);
  const several = validateLegacyRow({ organization: 'acme', provider: 'slack' }).problems;
  t.equal(several.length, 2, 'every problem of the row, not only the first');
});

t.test('a dry run reports what would happen and writes nothing', async (t) => {
  const before = await counts();
  t.equal(before.dataKeys, 0, 'no organization has a data key yet');
  const s = await run(fixture('integrations.json'), { dryRun: true, source: 'integrations.json' });
  t.match(s, {
    dryRun: true,
    format: 'json_array',
    rows: 5,
    created: 5,
    alreadyImported: 0,
    bad: 0,
    needReconnecting: 1,
    withoutOAuthApp: 4,
  });
  t.same(await counts(), before, 'no integration, connection, audit event or data key was written');
  t.same(
    s.outcomes.map((o) => o.outcome),
    ['created', 'created', 'created', 'created', 'created'],
  );
});

t.test('good rows: integrations and connections, encrypted, audited, in their own organization', async (t) => {
  const text = fixture('integrations.json');
  const dry = await run(text, { dryRun: true });
  const before = await counts();
  const progress: string[] = [];
  const s = await run(text, { source: 'integrations.json', progressEvery: 2, onProgress: (l) => progress.push(l) });
  t.match(s, { dryRun: false, rows: 5, created: 5, alreadyImported: 0, bad: 0, needReconnecting: 1, withoutOAuthApp: 4 });
  t.same(progress, [
    '2 of 5 rows (2 created, 0 already imported, 0 bad)',
    '4 of 5 rows (4 created, 0 already imported, 0 bad)',
    '5 of 5 rows (5 created, 0 already imported, 0 bad)',
  ]);
  const strip = (o: RowOutcome) => ({ ...o, integrationId: undefined });
  t.same(s.outcomes.map(strip), dry.outcomes.map(strip), 'the dry run predicted exactly this');
  t.same(await counts(), { ...before, integrations: 5, connections: 5, auditEvents: before.auditEvents + 5, dataKeys: 2 });

  const out = byLine(s.outcomes);
  t.match(out[2], {
    outcome: 'created',
    organization: 'acme',
    provider: 'google_calendar',
    name: 'Google Calendar (jane@acme.test)',
    status: 'ACTIVE',
    hasOAuthApp: false,
  });
  t.match(out[13], { outcome: 'created', provider: 'salesforce', name: 'Salesforce (production)', status: 'ACTIVE', hasOAuthApp: true });
  t.match(out[27], { outcome: 'created', provider: 'zendesk', status: 'ACTIVE' });
  t.match(out[35], {
    outcome: 'created',
    provider: 'github',
    status: 'ERROR',
    lastError: /expired on 2020-01-01T00:00:00.000Z and cannot be refreshed \(there is no refresh token\)/,
  });
  t.match(out[43], { outcome: 'created', organization: 'globex', status: 'ACTIVE' });

  const rows = JSON.parse(text) as Record<string, unknown>[];
  const stored = await db.kysely
    .selectFrom('integrations as i')
    .innerJoin('connections as c', 'c.integration_id', 'i.id')
    .selectAll('c')
    .select([
      'i.id',
      'i.organization_id as org',
      'i.provider',
      'i.name',
      'i.status',
      'i.client_id',
      'i.secret_encrypted',
      'i.secret_hint',
      'i.scopes as requested',
      'i.settings',
      'i.last_error',
    ])
    .execute();
  for (const [i, line] of [2, 13, 27, 35, 43].entries()) {
    const o = out[line] as Extract<RowOutcome, { outcome: 'created' }>;
    const row = stored.find((r) => r.id === o.integrationId)!;
    const legacy = rows[i];
    t.equal(row.org, orgIds[o.organization as 'acme' | 'globex'], `line ${line} landed in ${o.organization} only`);
    t.equal(row.organization_id, row.org, 'the connection too');
    t.equal(row.external_account, legacy.externalAccount);
    t.ok(isCiphertext(row.access_token_encrypted), 'the access token is a vault ciphertext');
    const plain = await inScope(db, { org: row.org }, async (tx) => ({
      access: await vault.decrypt(tx, tokenContext(row.org, row.id, 'access_token_encrypted'), row.access_token_encrypted),
      refresh:
        row.refresh_token_encrypted &&
        (await vault.decrypt(tx, tokenContext(row.org, row.id, 'refresh_token_encrypted'), row.refresh_token_encrypted)),
      secret: row.secret_encrypted && (await vault.decrypt(tx, secretContext(row.org, row.id), row.secret_encrypted)),
    }));
    t.same(
      plain,
      { access: legacy.accessToken, refresh: legacy.refreshToken ?? null, secret: legacy.clientSecret ?? null },
      `line ${line}: tokens decrypt to the imported values`,
    );
  }
  const sf = stored.find((r) => r.provider === 'salesforce')!;
  t.match(sf, {
    client_id: '3MVG9-acme-own-connected-app',
    secret_hint: '••••0002',
    requested: ['api', 'refresh_token'],
    scopes: ['api', 'refresh_token'],
    connection_values: { instanceUrl: 'https://acme.my.salesforce.com' },
  });
  t.equal(sf.expires_at?.toISOString(), '2099-01-01T00:00:00.000Z', 'Unix seconds');
  const zendesk = stored.find((r) => r.provider === 'zendesk')!;
  t.match(zendesk, {
    settings: { subdomain: 'acme' },
    scopes: [],
    secret_encrypted: null,
    expires_at: null,
    refresh_token_encrypted: null,
  });
  t.ok(zendesk.requested.length > 0, 'without scopes the integration requests the provider defaults');
  t.match(
    stored.find((r) => r.provider === 'github'),
    { status: 'ERROR', last_error: /reconnect/ },
  );

  // A ciphertext is bound to its organization and row: acme's token does not open as globex's.
  const jane = stored.find((r) => r.external_account === 'jane@acme.test')!;
  t.equal(jane.token_type, 'bearer', 'token types are stored in lower case, as the OAuth client stores them');
  await t.rejects(
    inScope(db, { org: orgIds.globex }, (tx) =>
      vault.decrypt(tx, tokenContext(orgIds.globex, jane.id, 'access_token_encrypted'), jane.access_token_encrypted),
    ),
  );

  const dump = await everything();
  const secrets = secretsIn(text);
  t.equal(secrets.length, 9);
  for (const secret of secrets) t.notOk(dump.includes(secret), `no column holds ${secret.slice(0, 12)}…`);

  const events = await db.kysely.selectFrom('audit_events').selectAll().where('action', '=', IMPORT_AUDIT_ACTION).orderBy('at').execute();
  t.equal(events.length, 5, 'one integration.imported event per row');
  for (const e of events) {
    const integration = stored.find((r) => r.id === e.target_id)!;
    t.equal(e.organization_id, integration.org, 'in the organization of the integration');
    t.equal(e.chain_key, integration.org, "on that organization's chain");
    t.equal(e.user_agent, 'import-legacy-integrations');
    t.equal(e.actor_id, null, 'audited as the system');
  }
  t.match(events.find((e) => e.target_id === sf.id)!.metadata, {
    provider: 'salesforce',
    name: 'Salesforce (production)',
    externalAccount: 'ops@acme.test',
    status: 'ACTIVE',
    refreshable: true,
    ownOAuthApp: true,
    source: 'integrations.json:13',
    legacyId: 'int_0002',
    connectionValueKeys: ['instanceUrl'],
  });
  const metadata = JSON.stringify(events.map((e) => e.metadata));
  for (const secret of secrets) t.notOk(metadata.includes(secret));
  t.notMatch(metadata, /\[redacted\]/, 'metadata names nothing the scrubber had to hide');
  t.match(await verifyAuditChains(db), { ok: true });

  // Row-level security: each organization sees only its own.
  const seen = async (org: string) => inScope(db, { org }, (tx) => tx.selectFrom('integrations').select('name').orderBy('name').execute());
  t.same(
    (await seen(orgIds.globex)).map((r) => r.name),
    ['Google Calendar (hank@globex.test)'],
  );
  t.equal((await seen(orgIds.acme)).length, 4);
});

t.test('a second run is idempotent and replaces no token', async (t) => {
  const text = fixture('integrations.json');
  const before = await counts();
  const tokensBefore = await db.kysely
    .selectFrom('connections')
    .select(['integration_id', 'access_token_encrypted', 'refresh_token_encrypted'])
    .orderBy('integration_id')
    .execute();
  const again = await run(text);
  t.match(again, { created: 0, alreadyImported: 5, bad: 0 });
  t.match(byLine(again.outcomes)[13], { outcome: 'already_imported', name: 'Salesforce (production)', organization: 'acme' });

  // New tokens for the same accounts (and another case of the address) change nothing.
  const changed = text.replace(/LEGACY-/g, 'NEWER-').replace('jane@acme.test', 'JANE@ACME.TEST');
  t.match(await run(changed), { created: 0, alreadyImported: 5 });
  t.match(await run(changed, { dryRun: true }), { created: 0, alreadyImported: 5 }, 'a dry run agrees');
  t.same(await counts(), before, 'nothing written');
  t.same(
    await db.kysely
      .selectFrom('connections')
      .select(['integration_id', 'access_token_encrypted', 'refresh_token_encrypted'])
      .orderBy('integration_id')
      .execute(),
    tokensBefore,
  );

  // The same key twice in one file: the second is refused, in a dry run as in a real one.
  const twice = jsonl(
    { organization: 'globex', provider: 'hubspot', externalAccount: 'dup@globex.test', accessToken: 'LEGACY-dup-1' },
    { organization: 'globex', provider: 'HubSpot', externalAccount: 'Dup@Globex.test', accessToken: 'LEGACY-dup-2' },
    {
      organization: 'globex',
      provider: 'slack',
      name: 'HUBSPOT (dup@globex.test)',
      externalAccount: 'other@globex.test',
      accessToken: 'LEGACY-dup-3',
    },
  );
  for (const dryRun of [true, false]) {
    const s = await run(twice, { dryRun });
    t.same(
      s.outcomes.map((o) => (o.outcome === 'bad' ? o.reason : o.outcome)),
      [
        'created',
        'same organization, provider and external account as line 1',
        'name "HUBSPOT (dup@globex.test)" is already taken by line 1 in globex; give this row another "name"',
      ],
      dryRun ? 'dry run' : 'real run',
    );
  }
  t.equal((await counts()).integrations, before.integrations + 1);
});

t.test('bad rows are reported with their line and skipped; the good ones are imported', async (t) => {
  const before = await counts();
  const text = jsonl(
    {
      organization: 'acme',
      provider: 'hubspot',
      externalAccount: 'alice@acme.test',
      accessToken: 'LEGACY-bad-test-0001',
      expiresAt: '2030-01-01T00:00:00Z',
    },
    { organization: 'initech', provider: 'hubspot', externalAccount: 'peter@initech.test', accessToken: 'LEGACY-bad-test-0002' },
    { organization: 'acme', provider: 'myspace', externalAccount: 'tom@acme.test', accessToken: 'LEGACY-bad-test-0003' },
    { organization: 'acme', provider: 'slack', externalAccount: 'no-token@acme.test', refreshToken: 'LEGACY-bad-test-0004' },
    {
      organization: 'acme',
      provider: 'slack',
      externalAccount: 'late@acme.test',
      accessToken: 'LEGACY-bad-test-0005',
      expiresAt: 'next tuesday',
    },
    '{"organization": "acme", "provider": "slack", "accessToken": "LEGACY-bad-test-0006" "externalAccount": "x@acme.test"}',
    '',
    {
      organization: 'globex',
      provider: 'salesforce',
      externalAccount: 'bob@globex.test',
      accessToken: 'LEGACY-bad-test-0008',
      refreshToken: 'LEGACY-bad-test-r008',
    },
    {
      organization: 'acme',
      provider: 'notion',
      externalAccount: 'nora@acme.test',
      accessToken: 'LEGACY-bad-test-0009',
      refreshToken: 'LEGACY-bad-test-r009',
      expiresAt: 1700000000,
    },
    {
      organization: 'acme',
      provider: 'linear',
      externalAccount: 'lin@acme.test',
      accessToken: 'LEGACY-bad-test-0010',
      refreshToken: 'LEGACY-bad-test-r010',
      expiresAt: 1700000000,
      clientId: 'lin-app',
      clientSecret: 'LEGACY-bad-test-cs10',
    },
    { organization: 'acme', provider: 'stripe', externalAccount: 'acct_1', accessToken: 'LEGACY-bad-test-0011' },
    { organization: 'acme', provider: 'google_calendar', accessToken: 'LEGACY-bad-test-0012', expiresAt: 1717200000000 },
    { organization: 'acme', provider: 'HUBSPOT', externalAccount: 'ALICE@acme.test', accessToken: 'LEGACY-bad-test-0013' },
    '[1, 2]',
  );
  const reported: string[] = [];
  const s = await run(text, { onRow: (o) => o.outcome === 'bad' && reported.push(`line ${o.line}: ${o.reason}`) });
  t.match(s, { format: 'json_lines', rows: 13, created: 4, bad: 9, alreadyImported: 0, needReconnecting: 2 });
  t.same(reported, [
    'line 2: unknown organization "initech"',
    'line 3: unknown provider "myspace" (GET /api/providers lists the keys)',
    'line 4: accessToken is required',
    'line 5: expiresAt "next tuesday" is not an ISO 8601 date-time (e.g. "2024-05-01T12:00:00Z") or Unix seconds',
    "line 6: not valid JSON: Expected ',' or '}' after property value (at line 6, column 85)",
    'line 11: Stripe uses an API key, not OAuth tokens: add it in the admin UI instead',
    'line 12: externalAccount (the provider account the tokens belong to, e.g. an email) is required: it is how a re-run recognises rows already imported; ' +
      'expiresAt 1717200000000 looks like milliseconds; give Unix time in seconds or an ISO 8601 date',
    'line 13: same organization, provider and external account as line 1',
    "line 14: expected an object with the row's fields, got an array",
  ]);
  const out = byLine(s.outcomes);
  t.match(out[1], { outcome: 'created', status: 'ACTIVE' });
  t.match(out[8], {
    outcome: 'created',
    organization: 'globex',
    status: 'ERROR',
    lastError: /Imported without instanceUrl, which Salesforce reports when connecting/,
  });
  t.match(out[9], {
    outcome: 'created',
    status: 'ERROR',
    lastError: /cannot be refreshed \(there are no OAuth client credentials to refresh it with\)/,
  });
  t.match(out[10], { outcome: 'created', status: 'ACTIVE' }, 'expired but refreshable');
  t.same(await counts(), {
    ...before,
    integrations: before.integrations + 4,
    connections: before.connections + 4,
    auditEvents: before.auditEvents + 4,
  });
  const accounts = (await db.kysely.selectFrom('connections').select('external_account').execute()).map((r) => r.external_account);
  for (const skipped of ['peter@initech.test', 'tom@acme.test', 'no-token@acme.test', 'late@acme.test', 'x@acme.test', 'acct_1'])
    t.notOk(accounts.includes(skipped), `${skipped} was not imported`);
  t.notMatch(JSON.stringify(s), /LEGACY-bad-test/, 'no token in the report');

  const array = [
    '[',
    '  {"organization": "acme", "provider": "todoist", "externalAccount": "t1@acme.test", "accessToken": "LEGACY-todo-1"},',
    '  {"organization": "acme", "provider": "todoist",',
    '   "externalAccount": "t2@acme.test", "accessToken": "LEGACY-todo-2", "expiresAt": "2024-02-30T00:00:00Z"},',
    '  {"organization": "acme", "provider": "todoist", "externalAccount": "t3@acme.test" "accessToken": "LEGACY-todo-3"},',
    '  {"organization": "acme", "provider": "todoist", "externalAccount": "t4@acme.test", "accessToken": "LEGACY-todo-4"}',
    ']',
  ].join('\n');
  const a = await run(array);
  t.same(
    a.outcomes.map((o) => [o.line, o.element, o.outcome === 'bad' ? o.reason : o.outcome]),
    [
      [2, 1, 'created'],
      [3, 2, 'expiresAt "2024-02-30T00:00:00Z" is not a real date'],
      [5, 3, "not valid JSON: Expected ',' or '}' after property value (at line 5, column 85)"],
      [6, 4, 'created'],
    ],
  );
});

t.test('a row that fails part-way through leaves nothing behind', async (t) => {
  const first = await run(
    jsonl({ organization: 'acme', provider: 'hubspot', name: 'CRM', externalAccount: 'crm@acme.test', accessToken: 'LEGACY-crm-1' }),
  );
  t.equal(first.created, 1);

  const before = await counts();
  const clash = await run(
    jsonl({ organization: 'acme', provider: 'salesforce', name: 'crm', externalAccount: 'sf@acme.test', accessToken: 'LEGACY-crm-2' }),
  );
  t.same(
    clash.outcomes.map((o) => o.outcome === 'bad' && o.reason),
    ['an integration named "crm" already exists in acme; give the row another "name"'],
  );
  t.same(await counts(), before, 'no integration, connection or audit event');

  // A failure after the integration row is written (here: the connection insert is refused)
  // rolls the whole row back, and the run goes on with the next row.
  await sql`ALTER TABLE connections ADD CONSTRAINT legacy_import_test_refuse CHECK (external_account IS DISTINCT FROM 'boom@acme.test')`.execute(
    db.kysely,
  );
  try {
    const s = await run(
      jsonl(
        { organization: 'acme', provider: 'dropbox', externalAccount: 'before@acme.test', accessToken: 'LEGACY-boom-1' },
        {
          organization: 'acme',
          provider: 'dropbox',
          externalAccount: 'boom@acme.test',
          accessToken: 'LEGACY-boom-2',
          refreshToken: 'LEGACY-boom-r2',
        },
        { organization: 'acme', provider: 'dropbox', externalAccount: 'after@acme.test', accessToken: 'LEGACY-boom-3' },
      ),
    );
    t.same(
      s.outcomes.map((o) => o.outcome),
      ['created', 'bad', 'created'],
    );
    t.match(byLine(s.outcomes)[2], { reason: /^the database refused the row \(23514\): .*legacy_import_test_refuse/ });
  } finally {
    await sql`ALTER TABLE connections DROP CONSTRAINT legacy_import_test_refuse`.execute(db.kysely);
  }
  t.same(await counts(), {
    ...before,
    integrations: before.integrations + 2,
    connections: before.connections + 2,
    auditEvents: before.auditEvents + 2,
  });
  t.notOk(
    await db.kysely.selectFrom('integrations').select('id').where('name', '=', 'Dropbox (boom@acme.test)').executeTakeFirst(),
    'no orphan integration',
  );
  const events = await db.kysely.selectFrom('audit_events').select('metadata').where('action', '=', IMPORT_AUDIT_ACTION).execute();
  t.notOk(
    events.some((e) => e.metadata.externalAccount === 'boom@acme.test'),
    'no audit event for it',
  );
  t.match(await verifyAuditChains(db), { ok: true }, 'the audit chains have no gap');

  // A failure that is not the row's fault (here a simulated "disk full") stops the run at that row;
  // a second run picks up where it stopped.
  await sql`
    CREATE FUNCTION legacy_import_test_outage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.external_account = 'outage@acme.test' THEN RAISE EXCEPTION 'simulated outage' USING ERRCODE = '53100'; END IF;
      RETURN NEW;
    END $$`.execute(db.kysely);
  await sql`CREATE TRIGGER legacy_import_test_outage BEFORE INSERT ON connections FOR EACH ROW EXECUTE FUNCTION legacy_import_test_outage()`.execute(
    db.kysely,
  );
  const outage = jsonl(
    { organization: 'acme', provider: 'fitbit', externalAccount: 'one@acme.test', accessToken: 'LEGACY-outage-1' },
    { organization: 'acme', provider: 'fitbit', externalAccount: 'outage@acme.test', accessToken: 'LEGACY-outage-2' },
    { organization: 'acme', provider: 'fitbit', externalAccount: 'three@acme.test', accessToken: 'LEGACY-outage-3' },
  );
  try {
    const stopped = await run(outage).then(
      () => null,
      (err: unknown) => err,
    );
    t.type(stopped, ImportStoppedError);
    t.match(stopped, { line: 2, code: '53100', message: 'stopped at line 2: simulated outage', summary: { rows: 2, created: 1, bad: 0 } });
  } finally {
    await sql`DROP TRIGGER legacy_import_test_outage ON connections`.execute(db.kysely);
    await sql`DROP FUNCTION legacy_import_test_outage()`.execute(db.kysely);
  }
  const resumed = await run(outage);
  t.same(
    resumed.outcomes.map((o) => o.outcome),
    ['already_imported', 'created', 'created'],
    'the re-run completes the file',
  );

  // Every token written by this file's tests stays out of the database.
  const dump = await everything();
  t.notMatch(dump, /LEGACY-|NEWER-/);
});

t.test('the import-legacy-integrations script', async (t) => {
  const scriptDb = await createTestDatabase({ onDisk: true });
  t.teardown(() => scriptDb.close());
  await seedDemo(scriptDb.db, 'legacy-import-demo-password', undefined, 10);
  await handOverToScripts(scriptDb);
  const tmp = mkdtempSync(path.join(tmpdir(), 'linkyard-legacy-'));
  t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
  const broken = path.join(tmp, 'broken.json');
  writeFileSync(broken, '[\n{"organization": "acme", "accessToken": "LEGACY-broken-1"}\n');

  const env = scriptEnv({
    omit: ['DATABASE_URL', 'DATA_DIR', 'PORT'],
    set: {
      NODE_ENV: 'test',
      JWT_SECRET: 'legacy-import-test-secret-at-least-32-chars',
      ENCRYPTION_KEY: KEY,
      ...databaseEnv(scriptDb),
    },
  });
  const script = (...args: string[]) => runScript('import-legacy-integrations', args, { env });
  const teamlabs = path.join(fixtures, 'teamlabs-export.json');
  const canonical = path.join(fixtures, 'integrations.json');
  const secrets = [...secretsIn(fixture('teamlabs-export.json')), ...secretsIn(fixture('integrations.json')), 'LEGACY-broken-1'];
  const noSecrets = (r: { stdout: string; stderr: string }) => {
    for (const s of secrets) t.notOk((r.stdout + r.stderr).includes(s), `output does not show ${s.slice(0, 12)}…`);
  };

  const [help, none, missing, both, brokenRun] = await Promise.all([
    script('--help'),
    script(),
    script('nope.json'),
    script('--file', teamlabs, teamlabs),
    script(broken),
  ]);
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: npm run import-legacy-integrations -- \[--dry-run\] \[--verbose\] <file>/);
  t.match(help.stdout, /Exit codes: 0 every row imported or already imported, 1 some rows were bad/);
  t.equal(help.stderr, '');
  t.equal(none.code, 2, 'no file: bad arguments');
  t.match(none.stderr, /^import-legacy-integrations: no file given\n\nUsage:/);
  t.equal(missing.code, 2, 'an unreadable file: bad arguments');
  t.equal(missing.stderr.trim(), 'Cannot read nope.json: no such file');
  t.equal(both.code, 2);
  t.match(both.stderr, /give the file once/);
  t.equal(brokenRun.code, 1, 'a file that cannot be read as rows fails before anything is written');
  t.match(brokenRun.stderr, /broken\.json: the JSON array opened on line 1 is never closed .*\. Nothing was imported\./);
  noSecrets(brokenRun);

  const dry = await script('--dry-run', canonical);
  t.equal(dry.code, 0, dry.stderr);
  t.match(dry.stdout, /^File: .*integrations\.json \(JSON array, 5 rows\)$/m);
  t.match(dry.stdout, /^Dry run: checking every row; nothing will be written…$/m);
  t.match(
    dry.stdout,
    /^ {2}line 35 \(element 4\): would create "GitHub \(acme-bot\)" in acme, ERROR \(The imported access token expired/m,
    'rows to reconnect are shown',
  );
  t.match(dry.stdout, /^ {2}5 of 5 rows \(5 would be created, 0 already imported, 0 bad\)$/m);
  t.match(
    dry.stdout,
    /^Dry run \(nothing written\): 5 would be created \(1 to reconnect\), 0 already imported, 0 bad rows would be skipped\.$/m,
  );
  t.match(dry.stdout, /^4 integrations would be imported without OAuth client credentials/m);
  noSecrets(dry);

  const first = await script(teamlabs);
  t.equal(first.code, 1, 'a bad row: exit 1, the good rows are imported');
  t.match(first.stdout, /^ {2}line 30 \(element 3\): unknown organization "initech"$/m);
  t.match(first.stdout, /^Summary: 3 created, 0 already imported, 1 bad row skipped\.$/m);
  t.match(
    first.stdout,
    /^Ignored fields, not part of the import format: _id \(4 rows\), userId \(3 rows\), organizationId \(2 rows\), isConnected \(3 rows\), externalName \(1 row\), status \(4 rows\)\.$/m,
  );
  t.match(first.stdout, /^Fix the bad rows and run again: rows already imported are skipped\.$/m);
  noSecrets(first);

  const second = await script('--verbose', '--file', teamlabs);
  t.equal(second.code, 1);
  t.match(second.stdout, /^ {2}line 2 \(element 1\): already imported as "Slack \(lee@acme.test\)" in acme$/m);
  t.match(second.stdout, /^Summary: 0 created, 3 already imported, 1 bad row skipped\.$/m);
  noSecrets(second);

  await withDirectDb(scriptDb, async (handle) => {
    const rows = await handle.kysely
      .selectFrom('integrations as i')
      .innerJoin('organizations as o', 'o.id', 'i.organization_id')
      .select(['o.slug', 'i.provider', 'i.name', 'i.status'])
      .orderBy('i.name')
      .execute();
    t.same(
      rows,
      [
        { slug: 'globex', provider: 'dropbox', name: 'Dropbox (gina.globex)', status: 'ACTIVE' },
        { slug: 'acme', provider: 'google_drive', name: 'Google Drive (lee@acme.test)', status: 'ACTIVE' },
        { slug: 'acme', provider: 'slack', name: 'Slack (lee@acme.test)', status: 'ACTIVE' },
      ],
      'the dry run wrote nothing; the second run duplicated nothing',
    );
    t.equal((await handle.kysely.selectFrom('audit_events').select('id').where('action', '=', IMPORT_AUDIT_ACTION).execute()).length, 3);
    const dump = await everything(handle);
    for (const s of secrets) t.notOk(dump.includes(s), `no column holds ${s.slice(0, 12)}…`);
    t.match(await verifyAuditChains(handle), { ok: true });
  });
});
