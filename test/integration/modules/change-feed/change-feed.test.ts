import t, { type Test } from 'tap';
import { sql } from 'kysely';
import { createTestApp } from '../../../helpers/app.js';
import { usingPostgres } from '../../../helpers/database.js';
import { startFakeProvider } from '../../../fixtures/providers/index.js';
import { waitUntil } from '../../../helpers/wait-until.js';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { uuidv7 } from '../../../../server/src/lib/ids.js';
import { upsertRecords } from '../../../../server/src/modules/sync-engine/records-writer.js';
import { changesAfterCopyQuery, changesAfterQuery } from '../../../../server/src/modules/change-feed/change-feed.repo.js';

/**
 * The records change feed (API.md, "Records change feed"): a follower that saves nextCursor sees every change
 * exactly once, in commit order, while runs write. One app and one Stripe integration for the whole file.
 *
 * The big run is 100,000 records on Postgres. On PGlite (one connection: every transaction, the follower's
 * reads included, runs one at a time, so there is no concurrency to get wrong) it is 10,000, which exercises the
 * same code in a fraction of the time.
 */
const RECORDS = usingPostgres() ? 100_000 : 10_000;

const fake = await startFakeProvider('stripe', { records: RECORDS, recordRequests: false, warm: true });
t.teardown(() => fake.close());
const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
const { db } = ctx.database;
const orgId = ctx.orgs.acme;
const base = `/api/orgs/${orgId}`;
const admin = { authorization: await ctx.bearer('admin@acme.test') };
const viewer = { authorization: await ctx.bearer('viewer@acme.test') };

const integration = (
  await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations`,
    headers: admin,
    payload: { provider: 'stripe', name: 'Stripe feed', apiKey: fake.token, settings: { apiBaseUrl: fake.apiBaseUrl } },
  })
).json<{ id: string }>();
const sync = (
  await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations/${integration.id}/syncs`,
    headers: admin,
    payload: {
      resource: 'customers',
      mode: 'full',
      mappings: [
        { source: 'id', target: 'id', required: true },
        { source: 'email', target: 'email' },
        { source: 'name', target: 'name' },
      ],
    },
  })
).json<{ id: string }>();
const feedUrl = `${base}/integrations/${integration.id}/changes`;

interface Change {
  externalId: string;
  resource: string;
  action: 'added' | 'updated' | 'deleted';
  data: unknown;
  firstSeenAt: string;
  modifiedAt: string;
  deletedAt: string | null;
  cursor: string;
}
interface ChangePage {
  items: Change[];
  nextCursor: string;
  hasMore: boolean;
}

async function read(query: Record<string, string>, headers = viewer) {
  return ctx.app.inject({ url: `${feedUrl}?${new URLSearchParams(query)}`, headers });
}

async function readPage(after: string | null, limit = 1000): Promise<ChangePage> {
  const res = await read({ resource: 'customers', limit: String(limit), ...(after ? { after } : {}) });
  if (res.statusCode !== 200) throw new Error(`feed read failed: ${res.statusCode} ${res.body}`);
  return res.json<ChangePage>();
}

/** The position a cursor names. The cursor is opaque to clients; the test looks inside to check the order. */
const positionOf = (cursor: string) => (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string, number])[2];
const forge = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');

/** A client following the feed: applies each change to its copy and saves nextCursor after every page. */
class Follower {
  cursor: string | null;
  copy = new Map<string, Change>();
  positions: number[] = [];
  pagesWithChanges = 0;
  constructor(from: string | null = null) {
    this.cursor = from;
  }
  async step(): Promise<ChangePage> {
    const page = await readPage(this.cursor);
    for (const change of page.items) {
      this.copy.set(change.externalId, change);
      this.positions.push(positionOf(change.cursor));
    }
    if (page.items.length) this.pagesWithChanges++;
    this.cursor = page.nextCursor;
    return page;
  }
  async catchUp(): Promise<void> {
    while ((await this.step()).hasMore);
  }
}

/** The feed as stored: every record of the resource with its position. */
async function table() {
  const { rows } = await sql<{
    external_id: string;
    feed_position: number;
    feed_action: string;
    data: unknown;
    updated_at: Date;
    deleted_at: Date | null;
  }>`
    SELECT external_id, feed_position, feed_action, data, updated_at, deleted_at FROM records
     WHERE integration_id = ${integration.id} AND resource = 'customers' ORDER BY feed_position`.execute(db.kysely);
  return rows;
}

/** Every record's latest change is in the copy, as stored: same position, action and content. */
function compareWithTable(t: Test, follower: Follower, rows: Awaited<ReturnType<typeof table>>, what: string) {
  let missing = 0;
  let different = 0;
  for (const row of rows) {
    const seen = follower.copy.get(row.external_id);
    if (!seen) missing++;
    else if (
      positionOf(seen.cursor) !== row.feed_position ||
      seen.action !== row.feed_action ||
      JSON.stringify(seen.data) !== JSON.stringify(row.data) ||
      seen.modifiedAt !== row.updated_at.toISOString() ||
      seen.deletedAt !== (row.deleted_at?.toISOString() ?? null)
    )
      different++;
  }
  t.equal(missing, 0, `${what}: no record's latest change was missed`);
  t.equal(different, 0, `${what}: each record as the table holds it (position, action, content, modification and deletion times)`);
  t.equal(follower.copy.size, rows.length, `${what}: nothing the table does not hold`);
  const increasing = follower.positions.every((p, i) => i === 0 || p > follower.positions[i - 1]);
  t.ok(increasing, `${what}: ${follower.positions.length} changes seen, each once, in feed order (positions strictly increase)`);
}

async function runStatus(runId: string): Promise<string> {
  return (await ctx.app.inject({ url: `${base}/runs/${runId}`, headers: admin })).json<{ status: string }>().status;
}

async function startRun(): Promise<string> {
  const res = await ctx.app.inject({ method: 'POST', url: `${base}/syncs/${sync.id}/runs`, headers: admin });
  if (res.statusCode !== 202) throw new Error(`run refused: ${res.statusCode} ${res.body}`);
  return res.json<{ runId: string }>().runId;
}

t.test('an empty feed: no changes, a cursor to come back with, nothing more', async (t) => {
  const page = await readPage(null);
  t.same(page.items, []);
  t.equal(page.hasMore, false);
  t.type(page.nextCursor, 'string', 'nextCursor is always a string');
  const again = await readPage(page.nextCursor);
  t.equal(again.nextCursor, page.nextCursor, 'nothing changed: the same cursor');
});

let savedCursor = '';
const follower = new Follower();

t.test(
  `a follower reading in a tight loop while a ${RECORDS.toLocaleString('en')}-record run and a second writer write the same feed sees every change once, in commit order`,
  async (t) => {
    const runId = await startRun();
    let running = true;
    let readsWhileRunning = 0;
    let writerBatches = 0;

    // The follower: reads as fast as it can while anything writes; saves a cursor mid-way for the resume test.
    const following = (async () => {
      while (running) {
        const page = await follower.step();
        if (page.items.length) readsWhileRunning++;
        if (!savedCursor && follower.positions.length >= RECORDS / 4) savedCursor = follower.cursor!;
        if (!page.hasMore) await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    // A second writer of the same feed, in its own transactions, all along the run: rewrites 50 records the run
    // wrote (or has not yet reached) with other content. Its positions and the run's interleave; the feed lock
    // must keep each writer's positions invisible until committed, and behind everything committed before.
    const writerRunId = uuidv7();
    const ids = fake.ids();
    const writing = (async () => {
      for (let i = 0; running; i++) {
        const batch = Array.from({ length: 50 }, (_, k) => ({
          externalId: ids[(i * 7919 + k * 104_729) % ids.length],
          data: { id: 'rewritten', writerBatch: i },
          sourceUpdatedAt: null,
        }));
        await inScope(db, { org: orgId }, (tx) =>
          upsertRecords(tx, { organizationId: orgId, integrationId: integration.id, resource: 'customers', runId: writerRunId }, batch),
        );
        writerBatches++;
        // A breath between batches leaves the run most of the machine; the batches still land between its pages.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    await waitUntil(async () => ['succeeded', 'failed'].includes(await runStatus(runId)), 'the big run to end', 600_000);
    running = false;
    await Promise.all([following, writing]);
    t.equal(await runStatus(runId), 'succeeded');
    await follower.catchUp();

    t.ok(readsWhileRunning > 2, `the follower saw the feed grow while the run wrote (${readsWhileRunning} reads with changes)`);
    t.ok(writerBatches > 2, `the second writer committed ${writerBatches} batches during the run`);
    const rows = await table();
    t.equal(rows.filter((r) => r.deleted_at === null).length + rows.filter((r) => r.deleted_at !== null).length, RECORDS);
    t.ok(
      rows.some((r) => r.feed_action === 'deleted'),
      'records the second writer took over were marked deleted by the full run (not seen by it last) and appear as deleted',
    );
    compareWithTable(t, follower, rows, 'after the run');

    const idle = await readPage(follower.cursor);
    t.same(idle, { items: [], nextCursor: follower.cursor, hasMore: false }, 'caught up: no changes, the same cursor, nothing more');
  },
);

t.test('a full run that finds records gone upstream: they appear as deleted; unchanged records do not move', async (t) => {
  const before = follower.cursor!;
  const removed = fake.ids().slice(0, 25);
  fake.remove(removed);
  const runId = await startRun();
  await waitUntil(async () => ['succeeded', 'failed'].includes(await runStatus(runId)), 'the run to end', 600_000);
  t.equal(await runStatus(runId), 'succeeded');

  const next = new Follower(before);
  await next.catchUp();
  const rows = await table();
  const moved = rows.filter((r) => r.feed_position > positionOf(before));
  // (Compared as text: tap's deep comparison of arrays this long takes seconds.)
  t.equal(
    [...next.copy.keys()].sort().join('\n'),
    moved
      .map((r) => r.external_id)
      .sort()
      .join('\n'),
    'exactly the records whose latest change came after the saved cursor',
  );
  for (const id of removed) {
    const change = next.copy.get(id);
    t.match(change, { action: 'deleted', deletedAt: String }, `${id} appears as deleted`);
  }
  t.ok(moved.length < RECORDS / 2, `unchanged records keep their place: ${moved.length} of ${RECORDS} moved`);
  t.ok(
    [...next.copy.values()].some((c) => c.action === 'added' && c.deletedAt === null),
    'records the run found again after they were marked deleted come back as added',
  );
  for (const [id, change] of next.copy) follower.copy.set(id, change);
  follower.positions.push(...next.positions);
  follower.cursor = next.cursor;
  compareWithTable(t, follower, rows, 'after the second run');
});

t.test('resuming from a saved cursor replays exactly the changes after it', async (t) => {
  t.ok(savedCursor, 'a cursor was saved mid-run');
  const resumed = new Follower(savedCursor);
  await resumed.catchUp();
  const rows = (await table()).filter((r) => r.feed_position > positionOf(savedCursor));
  t.equal(resumed.copy.size, rows.length, 'every record changed after the cursor, once');
  t.equal(resumed.positions.join(','), rows.map((r) => r.feed_position).join(','), 'in the feed order');
});

t.test('pages: limit, hasMore and each item cursor continue exactly behind it', async (t) => {
  const first = await readPage(null, 3);
  t.equal(first.items.length, 3);
  t.equal(first.hasMore, true);
  t.equal(first.nextCursor, first.items[2].cursor, "nextCursor is the last item's cursor");
  const fromSecond = await readPage(first.items[1].cursor, 2);
  t.equal(fromSecond.items[0].externalId, first.items[2].externalId, "an item's cursor continues right behind it");
  t.same(
    Object.keys(first.items[0]).sort(),
    ['action', 'cursor', 'data', 'deletedAt', 'externalId', 'firstSeenAt', 'modifiedAt', 'resource'],
    'an item has the fields of the contract, no more',
  );
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
  t.ok(
    first.items.every((c) => iso.test(c.firstSeenAt) && iso.test(c.modifiedAt) && (c.deletedAt === null || iso.test(c.deletedAt))),
    'timestamps are ISO 8601 UTC with milliseconds',
  );
  t.match(first.items[0], {
    externalId: String,
    resource: 'customers',
    action: /^(added|updated|deleted)$/,
    data: Object,
    firstSeenAt: String,
    modifiedAt: String,
  });
});

t.test('bad input: forged or foreign cursors, unknown resources, limits; other organizations', async (t) => {
  const head = follower.cursor!;
  const [, , position] = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as [string, string, number];
  const badAfter: [string, string][] = [
    ['not a cursor at all', 'garbage'],
    ['valid base64 of something else', forge({ position: 1 })],
    ['a position past the feed head', forge([integration.id, 'customers', position + 1_000_000])],
    ['a negative position', forge([integration.id, 'customers', -1])],
    ['a fractional position', forge([integration.id, 'customers', 1.5])],
    ['a cursor of another resource', forge([integration.id, 'charges', 1])],
    ['a cursor of another integration', forge([uuidv7(), 'customers', 1])],
    ['a NUL in the cursor', forge([integration.id, 'customers\u0000', 1])],
    ['an empty cursor', ''],
  ];
  for (const [what, after] of badAfter) {
    const res = await read({ resource: 'customers', after });
    t.equal(res.statusCode, 400, `${what}: 400`);
    t.equal(res.json().field, 'query.after', `${what}: field query.after`);
    t.match(res.json().message, /after|cursor/i, `${what}: a sentence`);
  }
  const charges = await read({ resource: 'charges' });
  t.equal(charges.statusCode, 200, 'another resource of the integration has its own (empty) feed');
  const wrongFeed = await read({ resource: 'charges', after: head });
  t.equal(wrongFeed.statusCode, 400, "customers' cursor on the charges feed: 400");

  const noResource = await read({});
  t.match(
    { status: noResource.statusCode, field: noResource.json().field },
    { status: 400, field: 'query.resource' },
    'resource is required',
  );
  const unknown = await read({ resource: 'planets' });
  t.equal(unknown.statusCode, 400);
  t.equal(unknown.json().field, 'query.resource');
  t.match(unknown.json().message, /not a resource of Stripe \(available: customers, charges/);
  const tooMany = await read({ resource: 'customers', limit: '1001' });
  t.equal(tooMany.statusCode, 400);
  t.equal(tooMany.json().field, 'query.limit');

  const stranger = { authorization: await ctx.bearer('super@globex.test') };
  t.equal((await read({ resource: 'customers' }, stranger)).statusCode, 404, "another organization's member: 404");
  const globexUrl = `/api/orgs/${ctx.orgs.globex}/integrations/${integration.id}/changes?resource=customers`;
  t.equal(
    (await ctx.app.inject({ url: globexUrl, headers: stranger })).statusCode,
    404,
    'the integration through another organization: 404',
  );
  t.equal((await ctx.app.inject({ url: feedUrl + '?resource=customers' })).statusCode, 401, 'anonymous: 401');
});

t.test(
  'a feed read is one range scan of the feed index (as text and as binary columns)',
  { skip: !usingPostgres() && 'EXPLAIN plans are checked on Postgres' },
  async (t) => {
    await sql`ANALYZE records`.execute(db.kysely);
    const feed = { orgId, integrationId: integration.id, resource: 'customers' };
    for (const query of [changesAfterQuery, changesAfterCopyQuery]) {
      const plan = await inScope(db, { org: orgId }, (tx) => query(tx, feed, 1000, 1000).explain('json'));
      const text = JSON.stringify(plan);
      const nodes: string[] = [];
      const walk = (node: { 'Node Type': string; 'Index Name'?: string; Plans?: unknown[] }) => {
        nodes.push(node['Node Type'] + (node['Index Name'] ? ` ${node['Index Name']}` : ''));
        for (const child of node.Plans ?? []) walk(child as typeof node);
      };
      walk((plan[0] as { 'QUERY PLAN': [{ Plan: Parameters<typeof walk>[0] }] })['QUERY PLAN'][0].Plan);
      t.ok(nodes.includes('Index Scan records_feed_idx'), `${query.name}: an index scan of records_feed_idx (${nodes.join(' → ')})`);
      t.notOk(/"Sort"|Seq Scan|Bitmap/.test(text), `${query.name}: no sort, no sequential or bitmap scan`);
      t.match(
        text,
        /Index Cond[^"]*":\s*"\(\(integration_id = [^)]*\) AND \(resource = [^)]*\) AND \(feed_position > /,
        `${query.name}: the cursor is part of the index condition`,
      );
    }
  },
);

t.test(
  'a second writer of the same feed waits for the first to commit, so its positions come after',
  { skip: !usingPostgres() && 'PGlite has one connection: writers cannot overlap there' },
  async (t) => {
    const target = { organizationId: orgId, integrationId: integration.id, resource: 'customers', runId: uuidv7() };
    const rows = (tag: string) =>
      Array.from({ length: 20 }, (_, i) => ({ externalId: `lock-${tag}-${i}`, data: { tag }, sourceUpdatedAt: null }));
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));
    const first = inScope(db, { org: orgId }, async (tx) => {
      await upsertRecords(tx, target, rows('first'));
      firstWrote();
      await firstHolds;
    });
    await firstHasWritten;
    let secondDone = false;
    const second = inScope(db, { org: orgId }, (tx) => upsertRecords(tx, target, rows('second'))).then(() => (secondDone = true));
    await waitUntil(async () => {
      const { rows: waiting } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%record_feeds%'`.execute(
        db.kysely,
      );
      return waiting[0].n === 1;
    }, 'the second writer to wait on the feed lock');
    t.equal(secondDone, false, 'the second writer has not drawn positions while the first is uncommitted');
    const during = await readPage(follower.cursor);
    t.same(during.items, [], "a follower sees neither writer's changes yet");
    releaseFirst();
    await Promise.all([first, second]);
    const positions = async (tag: string) =>
      (
        await sql<{ p: number }>`SELECT feed_position AS p FROM records WHERE external_id LIKE ${`lock-${tag}-%`}`.execute(db.kysely)
      ).rows.map((r) => r.p);
    const [a, b] = [await positions('first'), await positions('second')];
    t.ok(Math.min(...b) > Math.max(...a), "every position of the second writer is after the first writer's");
    const after = await readPage(follower.cursor);
    t.same(
      after.items.map((c) => c.externalId),
      [...rows('first'), ...rows('second')].map((r) => r.externalId),
      'the follower then sees both, first then second',
    );
  },
);

t.test('text outside ASCII and JSON escapes come through byte for byte (the page is written as UTF-8 bytes)', async (t) => {
  // From the follower's cursor (after the runs), not from the start: the feed's end without paging through every record.
  const tail = new Follower(follower.cursor);
  await tail.catchUp();
  const target = { organizationId: orgId, integrationId: integration.id, resource: 'customers', runId: uuidv7() };
  const samples = [
    { externalId: 'utf8-accents', data: { name: 'Zoë Ångström-Núñez', city: 'Kraków' } },
    { externalId: 'utf8-wide', data: { name: '山田太郎', note: 'Ελληνικά, עברית, العربية' } },
    { externalId: 'utf8-astral', data: { name: 'Unicorn 🦄', tags: ['🎉', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢'] } },
    { externalId: 'json-escapes', data: { quote: 'say "hi"\\n', line: 'one\ntwo\ttab', control: '\u0001' } },
  ];
  await inScope(db, { org: orgId }, (tx) =>
    upsertRecords(
      tx,
      target,
      samples.map((s) => ({ ...s, sourceUpdatedAt: null })),
    ),
  );
  const page = await readPage(tail.cursor);
  t.same(
    page.items.map((c) => [c.externalId, c.data]),
    samples.map((s) => [s.externalId, s.data]),
    'each record as written, in order, the page parsing as JSON',
  );
  const res = await read({ resource: 'customers', after: tail.cursor! });
  t.equal(res.headers['transfer-encoding'], 'chunked', 'a page with items streams (no Content-Length to compute)');
  t.same(JSON.parse(res.rawPayload.toString('utf8')), page, 'its bytes are the page');
  const empty = await read({ resource: 'customers', after: page.nextCursor });
  t.equal(Number(empty.headers['content-length']), empty.rawPayload.length, 'an empty page has its Content-Length');
});

t.test('items written from binary columns are byte for byte the text Postgres wrote: escapes, timestamps, positions', async (t) => {
  // A feed of its own, written directly (the owner connection), with values no sync writes: BC and five-digit
  // years, microseconds to truncate, an infinite deletion time, every control character's escape, a position past
  // 2^53. On Postgres the page is written from a binary COPY (ChangePageStream.tuple); the reference is the same
  // read as changesAfterQuery's text (the PGlite form, Postgres's to_char and to_json), with the binary read
  // switched off. On PGlite both are that text: the expected values below pin it there.
  const resource = 'bytes-check';
  const samples = [
    {
      id: 'plain',
      action: 'added',
      first: `'2026-01-31 12:34:56.789999+00'`,
      modified: `'2026-02-01 00:00:00+00'`,
      deleted: 'NULL',
      expected: ['2026-01-31T12:34:56.789Z', '2026-02-01T00:00:00.000Z', null],
    },
    {
      id: 'say "hi" \\ back\\slash \\"',
      action: 'deleted',
      first: `'1969-12-31 23:59:59.9995+00'`,
      modified: `'1900-01-01 00:00:00.001+00'`,
      deleted: `'2026-03-01 10:00:00.5+00'`,
      expected: ['1969-12-31T23:59:59.999Z', '1900-01-01T00:00:00.001Z', '2026-03-01T10:00:00.500Z'],
    },
    {
      id: Array.from({ length: 32 }, (_, c) => String.fromCharCode(c === 0 ? 0x7f : c)).join('') + ' end',
      action: 'updated',
      first: `'0044-03-15 12:00:00.123456 BC'::timestamp AT TIME ZONE 'UTC'`,
      modified: `'12345-06-07 08:09:10.011'::timestamp AT TIME ZONE 'UTC'`,
      deleted: `'infinity'`,
      expected: ['0044-03-15T12:00:00.123Z', '12345-06-07T08:09:10.011Z', null],
    },
    {
      id: 'ünï 山 🦄 \u2028 /',
      action: 'added',
      first: `'2000-01-01 00:00:00+00'`,
      modified: `'1999-12-31 23:59:59.999999+00'`,
      deleted: `'0001-01-01 00:00:00 BC'::timestamp AT TIME ZONE 'UTC'`,
      expected: ['2000-01-01T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '0001-01-01T00:00:00.000Z'],
    },
  ];
  const data = `{"a": [1, 2.50, "x\\"y\\u0001"], "é": null, "nested": {"k": true}}`;
  const hugePosition = '9007199254740995';
  for (const [i, s] of samples.entries()) {
    const position = i === samples.length - 1 ? sql.raw(hugePosition) : sql`nextval('records_feed_position_seq')`;
    await sql`
        INSERT INTO records (organization_id, integration_id, resource, external_id, data, content_hash, first_seen_at, updated_at, deleted_at, feed_action, feed_position)
        VALUES (${orgId}, ${integration.id}, ${resource}, ${s.id}, ${data}::jsonb, 'h', ${sql.raw(s.first)}, ${sql.raw(s.modified)}, ${sql.raw(s.deleted)}, ${s.action}, ${position})`.execute(
      db.kysely,
    );
  }
  const url = { resource, limit: '3' };
  const pages = [await read(url), await read({ resource, limit: '10' })];
  const copyTuplesAfter = db.copyTuplesAfter;
  db.copyTuplesAfter = undefined;
  let reference;
  try {
    reference = [await read(url), await read({ resource, limit: '10' })];
  } finally {
    db.copyTuplesAfter = copyTuplesAfter;
  }
  for (const [i, res] of pages.entries()) {
    t.equal(res.statusCode, 200);
    t.equal(res.rawPayload.toString('latin1'), reference[i].rawPayload.toString('latin1'), `page ${i + 1}: the same bytes as the text`);
  }
  const page = pages[1].json<ChangePage>();
  t.same(
    page.items.map((c) => [c.externalId, c.resource, c.action, c.firstSeenAt, c.modifiedAt, c.deletedAt]),
    samples.map((s) => [s.id, resource, s.action, ...s.expected]),
    'ids, actions and times as Postgres writes them (milliseconds truncated, a BC year without its era, five-digit years)',
  );
  t.same(page.items[0].data, JSON.parse(data), 'the data');
  t.match(
    pages[1].rawPayload.toString('utf8'),
    /"data":\{"a": \[1, 2\.50, "x\\"y\\u0001"\], "é": null, "nested": \{"k": true\}\}/,
    "the data as jsonb's text",
  );
  t.ok(Buffer.from(page.nextCursor, 'base64url').toString('utf8').endsWith(`${hugePosition}]`), 'a position past 2^53 keeps its digits');
  t.equal(pages[0].json<ChangePage>().hasMore, true, 'hasMore past the limit');
  await sql`DELETE FROM records WHERE integration_id = ${integration.id} AND resource = ${resource}`.execute(db.kysely);
});

/** The app on a real port (once for the file), for what inject cannot show: a response cut short, a client gone. */
let origin: string | null = null;
async function listening(): Promise<string> {
  if (!origin) {
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(ctx.app.server.address() as { port: number }).port}`;
    // fetch's connection pool opens sockets ahead of requests when one is aborted, and leaves them open without
    // sending a request on them. The server counts such a socket as busy (not idle), so app.close() at the file's
    // teardown waited for it to time out: 70 s of the file's ~135 s. This file's requests are all over by its
    // teardown, which runs before createTestApp's (last registered first), so they go at once.
    t.teardown(() => ctx.app.server.closeAllConnections());
  }
  return origin;
}

t.test(
  'a read that fails after the page has started going out ends the response cut short, never as a valid page',
  { skip: !usingPostgres() && 'the page streams from Postgres (Db.copyTuplesAfter); PGlite reads it whole first' },
  async (t) => {
    const copyTuplesAfter = db.copyTuplesAfter!;
    t.teardown(() => {
      db.copyTuplesAfter = copyTuplesAfter;
    });
    // The database read fails once the client has the response's head: the page has started going out.
    let headSeen!: () => void;
    const seen = new Promise<void>((resolve) => (headSeen = resolve));
    db.copyTuplesAfter = (prelude, query, columns, onTuple) =>
      copyTuplesAfter(prelude, query, columns, onTuple).then(async () => {
        await seen;
        throw new Error('connection lost');
      });
    const res = await fetch(`${await listening()}${feedUrl}?resource=customers&limit=1000`, { headers: viewer });
    headSeen();
    t.equal(res.status, 200, 'the response had started');
    const body = await res.text().then(
      (text) => ({ text }),
      (err: unknown) => ({ err }),
    );
    t.ok('err' in body, `reading the body fails (the connection is closed before the chunked body's end)`);
    if ('text' in body) t.throws(() => JSON.parse(body.text), 'and what arrived is no page');

    db.copyTuplesAfter = copyTuplesAfter;
    const again = await readPage(null);
    t.equal(again.items.length, 1000, 'the next read is whole');
  },
);

t.test('a client that goes away in the middle of a page breaks nothing: the next reads are whole', async (t) => {
  for (let i = 0; i < 3; i++) {
    const abort = new AbortController();
    const res = await fetch(`${await listening()}${feedUrl}?resource=customers&limit=1000`, { headers: viewer, signal: abort.signal });
    t.equal(res.status, 200);
    await res.body!.getReader().read();
    abort.abort();
  }
  const page = await readPage(null);
  t.equal(page.items.length, 1000, 'a page read after them is whole');
  t.equal(page.nextCursor, page.items[999].cursor, "and ends with its last item's cursor");
});
