/**
 * Two-way sync of CalDAV events through the API, against a real CalDAV server (radicale): create, update and delete
 * pushed to a bidirectional sync of an Apple Calendar integration; an event changed directly in radicale between pull
 * and push answers our If-Match with a real 412, which each conflict strategy handles; manual conflicts resolved each
 * way, the resolution re-reading the event and writing with If-Match.
 */
import t, { type Test } from 'tap';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { createSafeHttpClient } from '../../../../server/src/lib/safe-http/index.js';
import { openCalDavWriter } from '../../../../server/src/modules/sync-engine/caldav-push.js';
import { createTestApp } from '../../../helpers/app.js';
import { createSync, runAndWait, type ProviderApp } from '../../../helpers/provider-app.js';
import { findRadicale, startCalDavServer, vcalendar, type CalDavServer } from '../../../fixtures/caldav-server.js';

const ALICE = { username: 'alice', password: 'correct horse battery' };
const INBOUND = [
  { source: 'summary', target: 'title' },
  { source: 'location', target: 'room' },
  { source: 'start', target: 'start' },
  { source: 'end', target: 'end' },
];
const OUTBOUND = INBOUND.map(({ source, target }) => ({ source: target, target: source }));
const DAY = 86_400_000;
const EVENTS = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9', 'e10', 'e11', 'e12', 'e13', 'e14'];

/** `20261210T090000Z` for a time (events are placed a few days ahead: inside the connector's window around today). */
const icsTime = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const isoTime = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}/, '');
const startOf = (i: number) => Math.floor(Date.now() / DAY) * DAY + (i + 2) * DAY + 9 * 3_600_000;

function eventIcs(uid: string, i: number, props: { summary: string; location: string; lastModified: number }): string {
  return vcalendar([
    [
      'BEGIN:VEVENT',
      `UID:${uid}`,
      `DTSTAMP:${icsTime(props.lastModified)}`,
      `LAST-MODIFIED:${icsTime(props.lastModified)}`,
      `DTSTART:${icsTime(startOf(i))}`,
      `DTEND:${icsTime(startOf(i) + 3_600_000)}`,
      `SUMMARY:${props.summary}`,
      `LOCATION:${props.location}`,
      'ATTENDEE;CN=Bob:mailto:bob@example.com',
      'END:VEVENT',
    ].join('\n'),
  ]);
}

interface Setup extends ProviderApp {
  server: CalDavServer;
  sync: { id: string };
}

async function setup(t: Test): Promise<Setup> {
  const server = await startCalDavServer({ users: [ALICE] });
  t.teardown(() => server.close());
  await server.createCalendar('alice', 'work', { displayName: 'Work' });
  const week = Date.now() - 7 * DAY;
  for (const [i, uid] of EVENTS.entries()) {
    await server.putEvent(
      'alice',
      'work',
      `${uid}.ics`,
      eventIcs(uid, i, { summary: `Event ${i}`, location: `Room ${i}`, lastModified: week }),
    );
  }
  const ctx = await createTestApp(t, { env: { ALLOW_PRIVATE_NETWORK_TARGETS: 'true' } });
  const admin = { authorization: await ctx.bearer('admin@acme.test') };
  const base = `/api/orgs/${ctx.orgs.acme}`;
  const created = await ctx.app.inject({
    method: 'POST',
    url: `${base}/integrations`,
    headers: admin,
    payload: { provider: 'apple_calendar', name: 'Calendar', ...ALICE, settings: { calendarUrl: server.baseUrl } },
  });
  if (created.statusCode !== 201) throw new Error(`integration refused: ${created.body}`);
  const app = { ctx, admin, base, integration: created.json() };
  const sync = await createSync(app, {
    resource: 'events',
    mode: 'full',
    mappings: INBOUND,
    outboundMappings: OUTBOUND,
    direction: 'bidirectional',
  });
  const pulled = await runAndWait(ctx, base, admin, sync.id);
  if (pulled.status !== 'succeeded') throw new Error(`pull failed: ${JSON.stringify(pulled)}`);
  return { ...app, server, sync };
}

async function push(s: Setup, records: object[]) {
  const res = await s.ctx.app.inject({
    method: 'POST',
    url: `${s.base}/syncs/${s.sync.id}/records`,
    headers: s.admin,
    payload: { records },
  });
  if (res.statusCode !== 202) throw new Error(`push refused: ${res.statusCode} ${res.body}`);
  await s.ctx.app.services.executor!.drain();
  const runId = res.json().runId;
  const writes = (await s.ctx.app.inject({ url: `${s.base}/runs/${runId}/writes`, headers: s.admin })).json().items;
  const run = (await s.ctx.app.inject({ url: `${s.base}/runs/${runId}`, headers: s.admin })).json();
  return { writes, run };
}

async function setStrategy(s: Setup, strategy: string) {
  const res = await s.ctx.app.inject({
    method: 'PATCH',
    url: `${s.base}/syncs/${s.sync.id}`,
    headers: s.admin,
    payload: { conflictResolution: strategy },
  });
  if (res.statusCode !== 200) throw new Error(`patch refused: ${res.body}`);
}

/** The event as radicale holds it: its iCalendar text and ETag (null when gone). */
async function atServer(s: Setup, name: string) {
  const res = await s.server.request('GET', `/alice/work/${encodeURIComponent(name)}.ics`, { username: 'alice' });
  return res.status === 200 ? { text: res.body, etag: res.headers.etag ?? null } : null;
}

/** The stored record: mapped data, ETag, deleted or not. */
async function stored(s: Setup, externalId: string) {
  return inScope(s.ctx.database.db, { org: s.ctx.orgs.acme }, (tx) =>
    tx
      .selectFrom('records')
      .select(['data', 'etag', 'deleted_at'])
      .where('integration_id', '=', s.integration.id)
      .where('external_id', '=', externalId)
      .executeTakeFirst(),
  );
}

/** Changes an event directly in radicale (no precondition): its ETag moves. */
async function changeAtServer(s: Setup, uid: string, props: { summary: string; location: string; lastModified: number }) {
  await s.server.putEvent('alice', 'work', `${uid}.ics`, eventIcs(uid, EVENTS.indexOf(uid), props));
}

const count412 = (s: Setup) => (s.server.logs().match(/412 Precondition Failed/g) ?? []).length;

const radicale = findRadicale();

t.test('CalDAV push through the API', { skip: radicale ? false : 'radicale is not installed (apt-get install -y radicale)' }, async (t) => {
  const s = await setup(t);

  t.test('the pull stores each event with its ETag, the base of a later If-Match', async (t) => {
    const e1 = await stored(s, 'e1');
    t.match(e1, { data: { title: 'Event 0', room: 'Room 0', start: isoTime(startOf(0)) }, deleted_at: null });
    t.equal(e1!.etag, (await atServer(s, 'e1'))!.etag);
  });

  t.test('create, update and delete are written to radicale and recorded as the run writes', async (t) => {
    const start = startOf(20);
    const { writes, run } = await push(s, [
      { data: { title: 'Planning', room: 'Room 9', start: isoTime(start), end: isoTime(start + 3_600_000) } },
      { externalId: 'e1', data: { title: 'Event 0, moved' } },
      { op: 'delete', externalId: 'e2' },
    ]);
    t.match(run, { trigger: 'push', status: 'succeeded', stats: { pushed: 3, created: 1, updated: 1, deleted: 1, conflicts: 0 } });
    t.match(writes, [
      { op: 'create', status: 'applied', externalId: /^linkyard-.+@linkyard$/ },
      { op: 'update', status: 'applied', externalId: 'e1' },
      { op: 'delete', status: 'applied', externalId: 'e2' },
    ]);
    const uid = writes[0].externalId;
    const createdAt = await atServer(s, uid);
    t.match(createdAt?.text, /SUMMARY:Planning\r\n/);
    t.match(createdAt?.text, /LOCATION:Room 9\r\n/);
    t.match(await stored(s, uid), { data: { title: 'Planning', room: 'Room 9' }, etag: createdAt!.etag });

    const e1 = await atServer(s, 'e1');
    t.match(e1?.text, /SUMMARY:Event 0\\, moved\r\n/);
    t.match(e1?.text, /LOCATION:Room 0\r\n/, 'fields not pushed stay');
    t.match(e1?.text, /ATTENDEE;CN=Bob:mailto:bob@example.com/, 'properties Linkyard does not write stay');
    t.match(await stored(s, 'e1'), { data: { title: 'Event 0, moved' }, etag: e1!.etag });

    t.equal(await atServer(s, 'e2'), null, 'deleted in radicale');
    t.ok((await stored(s, 'e2'))?.deleted_at, 'and out of the live records');

    // The next pull sees what was written as unchanged, the created event included.
    const pulled = await runAndWait(s.ctx, s.base, s.admin, s.sync.id);
    t.match(pulled, { status: 'succeeded', stats: { created: 0, updated: 0 } });
  });

  t.test('a create sent again with the same write key finds its own event instead of making a second', async (t) => {
    const http = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false });
    t.teardown(() => http.close());
    const writer = openCalDavWriter({ baseUrl: s.server.baseUrl, ...ALICE, http, log: () => {} });
    const start = startOf(21);
    const fields = { summary: 'Once', start: isoTime(start), end: isoTime(start + 3_600_000) };
    const first = await writer.write({ op: 'create', fields, idempotencyKey: 'linkyard-retry-0' });
    const again = await writer.write({ op: 'create', fields, idempotencyKey: 'linkyard-retry-0' });
    t.match(first, { outcome: 'applied', externalId: 'linkyard-retry-0@linkyard' });
    t.match(again, {
      outcome: 'applied',
      externalId: 'linkyard-retry-0@linkyard',
      version: { etag: (first as { version: { etag: string } }).version.etag },
    });
    const listing = await s.server.request('PROPFIND', '/alice/work/', { username: 'alice', headers: { depth: '1' } });
    t.equal((listing.body.match(/linkyard-retry-0/g) ?? []).length, 1, 'one event in radicale');
    // A UID the record names and radicale has already: a conflict, nothing overwritten.
    t.match(await writer.write({ op: 'create', fields: { ...fields, uid: 'e1' }, idempotencyKey: 'k' }), {
      outcome: 'conflict',
      status: 412,
    });
  });

  t.test('manual: the 412 opens a conflict (with conflict.created), nothing written; resolved with ours', async (t) => {
    await setStrategy(s, 'manual');
    const endpoint = await s.ctx.app.inject({
      method: 'POST',
      url: `${s.base}/webhook-endpoints`,
      headers: s.admin,
      payload: { url: 'http://127.0.0.1:9/conflicts', events: ['conflict.created'] },
    });
    t.equal(endpoint.statusCode, 201);
    const before = count412(s);
    await changeAtServer(s, 'e3', { summary: 'Remote 2', location: 'Remote room 2', lastModified: Date.now() - DAY });
    const { writes, run } = await push(s, [{ externalId: 'e3', data: { title: 'Local 2' } }]);
    t.ok(count412(s) > before, 'radicale answered 412 to the If-Match of the base ETag');
    t.match(writes, [{ status: 'conflict', externalId: 'e3' }]);
    t.match(run.stats, { conflicts: 1, pushed: 0 });
    t.match((await atServer(s, 'e3'))?.text, /SUMMARY:Remote 2\r\n/, 'nothing written');
    const [conflict] = (await s.ctx.app.inject({ url: `${s.base}/conflicts?status=open&syncId=${s.sync.id}`, headers: s.admin })).json()
      .items;
    t.match(conflict, { externalId: 'e3', resource: 'events', status: 'open' });
    t.match(conflict.fields, [
      { path: 'room', base: 'Room 2', local: 'Room 2', remote: 'Remote room 2' },
      { path: 'title', base: 'Event 2', local: 'Local 2', remote: 'Remote 2' },
    ]);
    const deliveries = await s.ctx.app.inject({
      url: `${s.base}/webhook-endpoints/${endpoint.json().id}/deliveries?event=conflict.created`,
      headers: s.admin,
    });
    t.equal(deliveries.json().items.length, 1, 'conflict.created sent to the subscribed endpoint');

    // The event changes again in radicale: resolving is refused (409), nothing written.
    await changeAtServer(s, 'e3', { summary: 'Remote 2b', location: 'Remote room 2', lastModified: Date.now() - DAY / 2 });
    const moved = await s.ctx.app.inject({
      method: 'POST',
      url: `${s.base}/conflicts/${conflict.id}/resolve`,
      headers: s.admin,
      payload: { resolution: 'local' },
    });
    t.equal(moved.statusCode, 409);
    t.match((await atServer(s, 'e3'))?.text, /SUMMARY:Remote 2b\r\n/);

    const resolved = await s.ctx.app.inject({
      method: 'POST',
      url: `${s.base}/conflicts/${conflict.id}/resolve`,
      headers: s.admin,
      payload: { resolution: 'local' },
    });
    t.equal(resolved.statusCode, 200, resolved.body);
    const e3 = await atServer(s, 'e3');
    t.match(e3?.text, /SUMMARY:Local 2\r\n/);
    t.match(e3?.text, /LOCATION:Room 2\r\n/, 'ours is the base with our change: the room goes back to ours');
    t.match(await stored(s, 'e3'), { data: { title: 'Local 2', room: 'Room 2' }, etag: e3!.etag });
  });

  t.test('manual conflict resolved with theirs: nothing written, their event is the new base', async (t) => {
    await setStrategy(s, 'manual');
    await changeAtServer(s, 'e4', { summary: 'Remote 3', location: 'Room 3', lastModified: Date.now() - DAY });
    const { writes } = await push(s, [{ externalId: 'e4', data: { title: 'Local 3' } }]);
    t.match(writes, [{ status: 'conflict' }]);
    const conflict = (await s.ctx.app.inject({ url: `${s.base}/conflicts?status=open&syncId=${s.sync.id}`, headers: s.admin }))
      .json()
      .items.find((c: { externalId: string }) => c.externalId === 'e4');
    const theirs = await atServer(s, 'e4');
    const resolved = await s.ctx.app.inject({
      method: 'POST',
      url: `${s.base}/conflicts/${conflict.id}/resolve`,
      headers: s.admin,
      payload: { resolution: 'remote' },
    });
    t.equal(resolved.statusCode, 200, resolved.body);
    t.same(await atServer(s, 'e4'), theirs, 'radicale untouched');
    t.match(await stored(s, 'e4'), { data: { title: 'Remote 3', room: 'Room 3' }, etag: theirs!.etag });
  });

  t.test('source, latest and merge decide after the 412, as after a re-read', async (t) => {
    const pastChange = Date.now() - DAY;
    const futureChange = Date.now() + DAY;

    await setStrategy(s, 'source');
    await changeAtServer(s, 'e5', { summary: 'Event 4', location: 'Remote room 4', lastModified: pastChange });
    const source = await push(s, [{ externalId: 'e5', data: { title: 'Local 4' } }]);
    t.match(source, { writes: [{ status: 'skipped' }], run: { stats: { conflicts: 1, pushed: 0 } } });
    const e5 = await atServer(s, 'e5');
    t.match(e5?.text, /SUMMARY:Event 4\r\n/, 'source: nothing written');
    t.match(await stored(s, 'e5'), { data: { title: 'Event 4', room: 'Remote room 4' }, etag: e5!.etag }, "radicale's is the new base");

    await setStrategy(s, 'latest');
    await changeAtServer(s, 'e6', { summary: 'Event 5', location: 'Remote room 5', lastModified: pastChange });
    const latestLocal = await push(s, [{ externalId: 'e6', data: { title: 'Local 5' } }]);
    t.match(latestLocal, { writes: [{ status: 'applied' }], run: { stats: { conflicts: 1, pushed: 1 } } });
    const e6 = await atServer(s, 'e6');
    t.match(e6?.text, /SUMMARY:Local 5\r\n/);
    t.match(e6?.text, /LOCATION:Room 5\r\n/, "latest, ours later: the organization's whole version");
    t.match(await stored(s, 'e6'), { data: { title: 'Local 5', room: 'Room 5' }, etag: e6!.etag });

    await changeAtServer(s, 'e7', { summary: 'Remote 6', location: 'Room 6', lastModified: futureChange });
    const latestRemote = await push(s, [{ externalId: 'e7', data: { title: 'Local 6' } }]);
    t.match(latestRemote, { writes: [{ status: 'skipped' }], run: { stats: { conflicts: 1, pushed: 0 } } });
    t.match((await atServer(s, 'e7'))?.text, /SUMMARY:Remote 6\r\n/, 'latest, theirs later: kept');

    await setStrategy(s, 'merge');
    await changeAtServer(s, 'e8', { summary: 'Event 7', location: 'Remote room 7', lastModified: pastChange });
    const merge = await push(s, [{ externalId: 'e8', data: { title: 'Local 7' } }]);
    t.match(merge, { writes: [{ status: 'applied' }], run: { stats: { conflicts: 1, pushed: 1 } } });
    const e8 = await atServer(s, 'e8');
    t.match(e8?.text, /SUMMARY:Local 7\r\n/);
    t.match(e8?.text, /LOCATION:Remote room 7\r\n/, 'merge: disjoint fields combined');
    t.match(await stored(s, 'e8'), { data: { title: 'Local 7', room: 'Remote room 7' }, etag: e8!.etag });
  });

  t.test('a delete refused with 412 opens a conflict (manual), resolved by deleting; other strategies decide', async (t) => {
    await setStrategy(s, 'manual');
    const endpoint = await s.ctx.app.inject({
      method: 'POST',
      url: `${s.base}/webhook-endpoints`,
      headers: s.admin,
      payload: { url: 'http://127.0.0.1:9/delete-conflicts', events: ['conflict.created'] },
    });
    t.equal(endpoint.statusCode, 201);
    const before = count412(s);
    await changeAtServer(s, 'e9', { summary: 'Remote 8', location: 'Room 8', lastModified: Date.now() - DAY });
    const { writes, run } = await push(s, [{ op: 'delete', externalId: 'e9' }]);
    t.ok(count412(s) > before, 'radicale answered 412 to the If-Match of the base ETag');
    t.match(writes, [{ op: 'delete', status: 'conflict', externalId: 'e9', error: /conflict was opened/ }]);
    t.match(run.stats, { conflicts: 1, pushed: 0, deleted: 0 });
    t.ok(await atServer(s, 'e9'), 'not deleted in radicale');
    t.equal((await stored(s, 'e9'))?.deleted_at, null, 'still a live record here');
    const conflicts = (await s.ctx.app.inject({ url: `${s.base}/conflicts?status=open&syncId=${s.sync.id}`, headers: s.admin })).json()
      .items;
    const conflict = conflicts.find((c: { externalId: string }) => c.externalId === 'e9');
    t.match(conflict, { externalId: 'e9', status: 'open', localDeleted: true });
    t.match(conflict.fields, [
      { path: 'end', local: null },
      { path: 'room', base: 'Room 8', local: null, remote: 'Room 8' },
      { path: 'start', local: null },
      { path: 'title', base: 'Event 8', local: null, remote: 'Remote 8' },
    ]);
    const deliveries = await s.ctx.app.inject({
      url: `${s.base}/webhook-endpoints/${endpoint.json().id}/deliveries?event=conflict.created`,
      headers: s.admin,
    });
    t.equal(deliveries.json().items.length, 1, 'conflict.created sent');

    // Nothing to merge on a deleted record; ours deletes it over the version the conflict showed.
    const merged = await s.ctx.app.inject({
      method: 'POST',
      url: `${s.base}/conflicts/${conflict.id}/resolve`,
      headers: s.admin,
      payload: { resolution: 'merged', data: { title: 'x' } },
    });
    t.match(merged.json(), { statusCode: 400, field: '/resolution' });
    const resolved = await s.ctx.app.inject({
      method: 'POST',
      url: `${s.base}/conflicts/${conflict.id}/resolve`,
      headers: s.admin,
      payload: { resolution: 'local' },
    });
    t.equal(resolved.statusCode, 200, resolved.body);
    t.match(resolved.json(), { status: 'resolved', resolution: 'local', localDeleted: true });
    t.equal(await atServer(s, 'e9'), null, 'deleted in radicale');
    t.ok((await stored(s, 'e9'))?.deleted_at, 'and out of the live records');

    // source: the provider's version is kept and becomes the base.
    await setStrategy(s, 'source');
    await changeAtServer(s, 'e10', { summary: 'Remote 9', location: 'Room 9', lastModified: Date.now() - DAY });
    const source = await push(s, [{ op: 'delete', externalId: 'e10' }]);
    t.match(source, { writes: [{ status: 'skipped' }], run: { stats: { conflicts: 1, pushed: 0, deleted: 0 } } });
    const e10 = await atServer(s, 'e10');
    t.ok(e10, 'source: not deleted');
    t.match(await stored(s, 'e10'), { data: { title: 'Remote 9' }, etag: e10!.etag, deleted_at: null });

    // latest: our delete is later than their change (LAST-MODIFIED a day ago): deleted over it.
    await setStrategy(s, 'latest');
    await changeAtServer(s, 'e11', { summary: 'Remote 10', location: 'Room 10', lastModified: Date.now() - DAY });
    const latest = await push(s, [{ op: 'delete', externalId: 'e11' }]);
    t.match(latest, { writes: [{ status: 'applied' }], run: { stats: { conflicts: 1, pushed: 1, deleted: 1 } } });
    t.equal(await atServer(s, 'e11'), null, 'latest, ours later: deleted');
    t.ok((await stored(s, 'e11'))?.deleted_at);

    // latest: their change is later: kept.
    await changeAtServer(s, 'e12', { summary: 'Remote 11', location: 'Room 11', lastModified: Date.now() + DAY });
    const kept = await push(s, [{ op: 'delete', externalId: 'e12' }]);
    t.match(kept, { writes: [{ status: 'skipped' }], run: { stats: { conflicts: 1, pushed: 0 } } });
    t.ok(await atServer(s, 'e12'), 'latest, theirs later: kept');
  });

  t.test('a bidirectional run pulls, then writes the pending changes with If-Match of the base read before the pull', async (t) => {
    await setStrategy(s, 'manual');
    const { ctx, base, admin, integration } = s;
    // Pushed while the integration is paused: the push run ends without writing, its writes stay pending.
    t.equal(
      (await ctx.app.inject({ method: 'POST', url: `${base}/integrations/${integration.id}/pause`, headers: admin })).statusCode,
      200,
    );
    const accepted = await ctx.app.inject({
      method: 'POST',
      url: `${base}/syncs/${s.sync.id}/records`,
      headers: admin,
      payload: {
        records: [
          { externalId: 'e13', data: { title: 'Local 12' } },
          { externalId: 'e14', data: { title: 'Local 13' } },
        ],
      },
    });
    t.equal(accepted.statusCode, 202, accepted.body);
    await ctx.app.services.executor!.drain();
    const pushRunId = accepted.json().runId;
    t.equal(
      (await ctx.app.inject({ method: 'POST', url: `${base}/integrations/${integration.id}/resume`, headers: admin })).statusCode,
      200,
    );
    t.match((await atServer(s, 'e13'))?.text, /SUMMARY:Event 12\r\n/, 'nothing written while paused');

    // Radicale changes e14 meanwhile: the run's pull stores it, but the pending change was made against the older
    // version, so its If-Match (that version's ETag) gets a 412: a conflict, not an overwrite.
    await changeAtServer(s, 'e14', { summary: 'Remote 13', location: 'Room 13', lastModified: Date.now() - DAY });
    const before = count412(s);
    const run = await runAndWait(ctx, base, admin, s.sync.id);
    t.match(run, { trigger: 'manual', status: 'succeeded', stats: { pushed: 1, conflicts: 1 } });
    t.ok(count412(s) > before, 'radicale refused the stale If-Match');
    const e13 = await atServer(s, 'e13');
    t.match(e13?.text, /SUMMARY:Local 12\r\n/, 'the pending change written');
    t.match(await stored(s, 'e13'), { data: { title: 'Local 12', room: 'Room 12' }, etag: e13!.etag });
    const e14 = await atServer(s, 'e14');
    t.match(e14?.text, /SUMMARY:Remote 13\r\n/, 'not written over the change made in radicale');
    t.match(await stored(s, 'e14'), { data: { title: 'Remote 13' }, etag: e14!.etag }, "the pull stored radicale's version");
    t.match((await ctx.app.inject({ url: `${base}/runs/${pushRunId}/writes`, headers: admin })).json().items, [
      { externalId: 'e13', status: 'applied' },
      { externalId: 'e14', status: 'conflict', error: /conflict was opened/ },
    ]);
    const conflict = (await ctx.app.inject({ url: `${base}/conflicts?status=open&syncId=${s.sync.id}`, headers: admin }))
      .json()
      .items.find((c: { externalId: string }) => c.externalId === 'e14');
    t.match(conflict?.fields, [{ path: 'title', base: 'Event 13', local: 'Local 13', remote: 'Remote 13' }]);

    const next = await runAndWait(ctx, base, admin, s.sync.id);
    t.match(next.stats, { pushed: 0, conflicts: 0, created: 0, updated: 0 }, 'written once; the writes are the new base');
  });
});
