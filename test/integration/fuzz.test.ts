import { randomUUID } from 'node:crypto';
import t from 'tap';
import { createTestApp } from '../helpers/app.js';
import { createVault } from '../../server/src/lib/crypto/vault.js';
import { seedDemoIntegrations } from '../../server/src/seed/demo-integrations.js';

/**
 * Bad input never makes a 5xx. Every operation of /openapi.json gets bad values in each path
 * parameter, query parameter and body field in turn (the other fields keep plausible values):
 * NUL characters, lone surrogates, cursors the server never issued, impossible dates, huge strings,
 * deeply nested arrays and values of the wrong type. Text no column can store and forged cursors must
 * also be a 400 that names the field.
 */

type Schema = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON Schema from /openapi.json
interface Operation {
  method: string;
  path: string;
  parameters: { name: string; in: string; required?: boolean; schema: Schema }[];
  body?: Schema;
}
interface Sent {
  method: string;
  url: string;
  payload?: string;
  field: string;
  kind: string;
  expectField?: string;
  mayPass?: boolean;
  auth?: string;
}

const MB = 1_048_576;
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const FORGED_CURSORS: Record<string, string> = {
  'cursor: impossible date': b64(['2026-13-45T99:99:99Z', 'x']),
  'cursor: valid date, id not a uuid': b64(['2026-01-01T00:00:00.000Z', 'x']),
  'cursor: numbers': b64([1, 2, 3]),
  'cursor: object': b64({}),
  'cursor: NUL inside': b64(['a\u0000b', '00000000-0000-0000-0000-000000000000']),
  'cursor: one part, not a uuid': b64(['x']),
  'cursor: one part with NUL': b64(['a\u0000b']),
  'cursor: one part, a number': b64([1e308]),
  'cursor: not base64': 'not-base64!',
};

/** Raw JSON text for body values (spliced in, so 5,000 levels never go through JSON.stringify). */
const BODY_VALUES: Record<string, string> = {
  NUL: JSON.stringify('a\u0000b'),
  'lone high surrogate': JSON.stringify('\uD800'),
  'lone low surrogate': JSON.stringify('x\uDC00'),
  'NUL in a property name': JSON.stringify({ 'a\u0000b': 'x' }),
  ...Object.fromEntries(Object.entries(FORGED_CURSORS).map(([k, v]) => [k, JSON.stringify(v)])),
  'impossible date': JSON.stringify('2026-13-45T99:99:99Z'),
  'impossible day': JSON.stringify('2026-02-30'),
  'huge string (1 MB)': JSON.stringify('x'.repeat(MB)),
  'large string (100 kB)': JSON.stringify('x'.repeat(100_000)),
  'nested arrays (5,000 levels)': '['.repeat(5000) + ']'.repeat(5000),
  'empty string': '""',
  number: '12345',
  'negative number': '-1',
  fraction: '1.5',
  'huge number': '1e308',
  object: '{}',
  array: '[]',
  'array of strings': '["a","b"]',
  null: 'null',
  true: 'true',
  false: 'false',
};

/** Query values as they appear in a URL (already encoded); `null` means "the parameter twice". */
const QUERY_VALUES: Record<string, string | null> = {
  NUL: '%00',
  'NUL inside': 'a%00b',
  'encoded surrogate (CESU-8)': '%ED%A0%80',
  'broken percent escape': '%E0%A4%A',
  'lone percent': '%',
  ...Object.fromEntries(Object.entries(FORGED_CURSORS).map(([k, v]) => [k, encodeURIComponent(v)])),
  'impossible date': encodeURIComponent('2026-13-45T99:99:99Z'),
  'impossible day': '2026-02-30',
  'huge string (1 MB)': 'x'.repeat(MB),
  'empty string': '',
  number: '12345',
  'negative number': '-1',
  'huge number': '1e309',
  NaN: 'NaN',
  null: 'null',
  true: 'true',
  object: '%7B%7D',
  'array (repeated parameter)': null,
};

const PATH_VALUES: Record<string, string> = {
  NUL: '%00',
  'NUL inside': 'a%00b',
  'encoded surrogate (CESU-8)': '%ED%A0%80',
  'lone percent': '%',
  ...Object.fromEntries(Object.entries(FORGED_CURSORS).map(([k, v]) => [k, encodeURIComponent(v)])),
  'impossible date': encodeURIComponent('2026-13-45T99:99:99Z'),
  'huge string (1 MB)': 'x'.repeat(MB),
  number: '12345',
  null: 'null',
  true: 'true',
  object: '%7B%7D',
  'encoded slash': 'a%2Fb',
  'dot dot': '..',
};

/**
 * Lists keyed by text alone (slug, email, resource and external id): a made-up cursor of the right
 * number of strings is a position like any other there, so these may answer 200 to the all-text forgeries.
 */
const TEXT_KEYED_LISTS = new Set([
  '/api/orgs',
  '/api/orgs/{orgId}/members',
  '/api/platform/tenants',
  '/api/orgs/{orgId}/integrations/{id}/records',
]);
const ALL_TEXT_CURSORS = new Set(['cursor: impossible date', 'cursor: valid date, id not a uuid', 'cursor: one part, not a uuid']);
const TEXT_KINDS = new Set(['NUL', 'NUL inside', 'lone high surrogate', 'lone low surrogate', 'NUL in a property name']);
const SENTINEL = '__fuzz_value__';

const pointer = (segments: string[]) => segments.map((s) => '/' + s.replace(/~/g, '~0').replace(/\//g, '~1')).join('');

t.test('no bad input in any field of any operation gives a 5xx', async (t) => {
  const ctx = await createTestApp(t);
  const { app, orgs } = ctx;
  const owner = await ctx.bearer('owner@linkyard.test');
  const superAcme = await ctx.bearer('super@acme.test');
  const doc = (await app.inject({ url: '/openapi.json' })).json();
  const kysely = ctx.database.db.kysely;

  // Real rows of Acme (the demo integrations, syncs, runs, logs and records), so valid path parameters
  // reach the deeper checks.
  await seedDemoIntegrations(ctx.database.db, createVault({ currentKey: ctx.config.encryptionKey, previousKeys: [] }), () => {});
  const sync = await kysely
    .selectFrom('syncs')
    .innerJoin('integrations', 'integrations.id', 'syncs.integration_id')
    .select(['syncs.id', 'syncs.integration_id', 'integrations.provider'])
    .where('syncs.organization_id', '=', orgs.acme)
    .executeTakeFirstOrThrow();
  const run = await kysely.selectFrom('sync_runs').select('id').where('sync_id', '=', sync.id).executeTakeFirstOrThrow();
  const viewer = await kysely.selectFrom('users').select('id').where('email', '=', 'viewer@acme.test').executeTakeFirstOrThrow();
  const providers = (await app.inject({ url: '/api/providers', headers: { authorization: superAcme } })).json().items as {
    key: string;
    resources: { key: string }[];
  }[];
  const provider = providers.find((p) => p.key === sync.provider)!;
  const pathValues: Record<string, string> = {
    orgId: orgs.acme,
    id: sync.integration_id,
    syncId: sync.id,
    runId: run.id,
    userId: viewer.id,
  };

  const resolve = (s: Schema | undefined): Schema => {
    if (s && typeof s.$ref === 'string') return resolve(doc.components.schemas[s.$ref.split('/').pop()!]);
    return s ?? {};
  };
  /** The branch of an anyOf to follow: the first that is not null (objects preferred when going deeper). */
  const branch = (s: Schema, deeper = false): Schema => {
    s = resolve(s);
    if (!s.anyOf) return s;
    const options = s.anyOf.map(resolve).filter((o: Schema) => o.type !== 'null');
    return branch((deeper && options.find((o: Schema) => o.type === 'object' || o.type === 'array')) || options[0] || {}, deeper);
  };

  let serial = 0;
  function plausible(schema: Schema, name = ''): unknown {
    const s = branch(schema);
    if (s.enum) return s.enum[0];
    if (s.default !== undefined) return s.default;
    switch (s.type) {
      case 'object': {
        const o: Record<string, unknown> = {};
        for (const key of s.required ?? []) o[key] = plausible(s.properties?.[key] ?? {}, key);
        return o;
      }
      case 'array':
        return s.minItems ? [plausible(s.items ?? {})] : [];
      case 'integer':
      case 'number':
        return s.minimum ?? 1;
      case 'boolean':
        return false;
      case 'string': {
        if (s.format === 'uuid') return pathValues[name] ?? randomUUID();
        if (s.format === 'email') return `fuzz-${++serial}@example.test`;
        if (s.format === 'date-time') return new Date().toISOString();
        const known: Record<string, string> = {
          provider: provider.key,
          resource: provider.resources[0]?.key ?? 'contacts',
          slug: `fuzz-${++serial}`,
          cron: '0 9 * * 1-5',
          timezone: 'Europe/Berlin',
          target: 'name',
          source: 'name',
          password: 'correct-horse-battery-staple',
          startDate: '2026-01-01',
          endDate: '2026-01-31',
        };
        return known[name] ?? 'fuzz';
      }
      default:
        return {}; // free-form JSON (e.g. a sample record)
    }
  }

  /** Every field of a body schema as a path of keys (free-form objects get a made-up key "k"). */
  function fields(schema: Schema, path: string[] = [], depth = 0): string[][] {
    const out: string[][] = [path];
    if (depth > 6) return out;
    const s = branch(schema, true);
    if (s.type === 'object') {
      for (const [key, child] of Object.entries(s.properties ?? {})) out.push(...fields(child as Schema, [...path, key], depth + 1));
      if (s.additionalProperties && typeof s.additionalProperties === 'object')
        out.push(...fields(s.additionalProperties, [...path, 'k'], depth + 1));
    } else if (s.type === 'array') {
      out.push(...fields(s.items ?? {}, [...path, '0'], depth + 1));
    } else if (!s.type && !s.enum && path.length > 0) {
      out.push([...path, 'k']); // free-form JSON: a value inside it too
    }
    return out;
  }

  /** A plausible body with the sentinel at `path`, creating the containers on the way. */
  function bodyWith(schema: Schema, path: string[], name = ''): unknown {
    if (path.length === 0) return SENTINEL;
    const s = branch(schema, true);
    const [key, ...rest] = path;
    if (s.type === 'array') return [bodyWith(s.items ?? {}, rest)];
    const o = (s.type === 'object' ? plausible(s, name) : {}) as Record<string, unknown>;
    const child = s.properties?.[key] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : {});
    o[key] = bodyWith(child, rest, key);
    return o;
  }

  const operations: Operation[] = [];
  for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, op] of Object.entries(ops)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  t.ok(operations.length >= 45, `the document lists every operation (${operations.length})`);

  const requests: Sent[] = [];
  for (const op of operations) {
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const queryParams = op.parameters.filter((p) => p.in === 'query');
    // The org routes run as Acme's Super Admin, everything else as the Platform Owner; sign-out goes
    // without a token (it would revoke the session the rest of the run uses).
    const auth = op.path === '/api/auth/logout' ? undefined : op.path.startsWith('/api/orgs/{orgId}') ? superAcme : owner;
    const urlWith = (pathOverride: Record<string, string> = {}, query: string[] = []) => {
      const base = op.path.replace(
        /\{(\w+)\}/g,
        (_, name: string) => pathOverride[name] ?? encodeURIComponent(pathValues[name] ?? randomUUID()),
      );
      return query.length ? `${base}?${query.join('&')}` : base;
    };
    const requiredQuery = queryParams
      .filter((p) => p.required)
      .map((p) => `${p.name}=${encodeURIComponent(String(plausible(p.schema, p.name)))}`);
    const plausibleBody = op.body ? JSON.stringify(plausible(op.body)) : undefined;

    for (const p of pathParams) {
      for (const [kind, value] of Object.entries(PATH_VALUES)) {
        requests.push({
          method: op.method,
          url: urlWith({ [p.name]: value }, requiredQuery),
          payload: plausibleBody,
          field: `params.${p.name}`,
          kind,
          auth,
          expectField: kind.startsWith('NUL') ? `params.${p.name}` : undefined,
        });
      }
    }
    for (const p of queryParams) {
      const others = requiredQuery.filter((q) => !q.startsWith(`${p.name}=`));
      for (const [kind, value] of Object.entries(QUERY_VALUES)) {
        const query = value === null ? [`${p.name}=a`, `${p.name}=b`] : [`${p.name}=${value}`];
        const expectField = kind.startsWith('NUL') || (p.name === 'cursor' && kind.startsWith('cursor:')) ? `query.${p.name}` : undefined;
        const mayPass = p.name === 'cursor' && TEXT_KEYED_LISTS.has(op.path) && ALL_TEXT_CURSORS.has(kind);
        requests.push({
          method: op.method,
          url: urlWith({}, [...others, ...query]),
          payload: plausibleBody,
          field: `query.${p.name}`,
          kind,
          auth,
          expectField,
          mayPass,
        });
      }
    }
    if (op.body) {
      for (const path of fields(op.body)) {
        const text = JSON.stringify(bodyWith(op.body, path));
        for (const [kind, raw] of Object.entries(BODY_VALUES)) {
          const field = pointer(path);
          requests.push({
            method: op.method,
            url: urlWith({}, requiredQuery),
            payload: text.replace(`"${SENTINEL}"`, () => raw),
            field: field || '(the whole body)',
            kind,
            auth,
            expectField: TEXT_KINDS.has(kind) && field ? field : undefined,
          });
        }
      }
    }
  }

  // Only bad values are sent, so nothing should be deleted; deletions still go last, so that one getting
  // through could not take away a row the other requests use.
  requests.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));

  const started = Date.now();
  const failures: string[] = [];
  const unnamed: string[] = [];
  for (const r of requests) {
    const res = await app.inject({
      method: r.method as 'GET',
      url: r.url,
      payload: r.payload,
      headers: { ...(r.auth ? { authorization: r.auth } : {}), ...(r.payload !== undefined ? { 'content-type': 'application/json' } : {}) },
    });
    const shortUrl = r.url.length > 160 ? `${r.url.slice(0, 160)}…` : r.url;
    if (res.statusCode >= 500) failures.push(`${r.method} ${shortUrl} ${r.field} ← ${r.kind}: ${res.statusCode} ${res.body.slice(0, 300)}`);
    else if (r.expectField && !(r.mayPass && res.statusCode === 200)) {
      const body = (() => {
        try {
          return res.json();
        } catch {
          return {};
        }
      })();
      // A bad property name may be reported at the property itself (an unknown property of a strict object).
      if (res.statusCode !== 400 || !(body.field === r.expectField || String(body.field).startsWith(`${r.expectField}/`))) {
        unnamed.push(
          `${r.method} ${shortUrl} ${r.field} ← ${r.kind}: ${res.statusCode} field=${JSON.stringify(body.field)} ${res.body.slice(0, 200)}`,
        );
      }
    }
  }
  t.comment(`${requests.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  t.same(failures, [], `no 5xx (${failures.length} of ${requests.length} requests failed)`);
  t.same(unnamed, [], `text no column can store and forged cursors are a 400 naming the field (${unnamed.length} did not)`);
});
