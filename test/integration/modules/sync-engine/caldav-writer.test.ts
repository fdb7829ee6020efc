/**
 * The CalDAV writer against a real CalDAV server (radicale): creates with If-None-Match: *, updates and deletes
 * with If-Match, a 412 reported as a conflict, and what an update keeps.
 */
import t from 'tap';
import { createSafeHttpClient } from '../../../../server/src/lib/safe-http/index.js';
import { listEventPages, type CalDavContext, type CalDavPage } from '../../../../server/src/modules/sync-engine/caldav-connector.js';
import { createCalDavWriter, splitExternalId } from '../../../../server/src/modules/sync-engine/caldav-writer.js';
import { escapeText, foldLine, serializeComponent } from '../../../../server/src/modules/sync-engine/icalendar-writer.js';
import { parseEvents, parseICalendar } from '../../../../server/src/modules/sync-engine/icalendar.js';
import { BERLIN, MAY, SERIES, UTC_EVENT } from '../../../fixtures/calendar-samples.js';
import { findRadicale, startCalDavServer, vcalendar } from '../../../fixtures/caldav-server.js';

const ALICE = { username: 'alice', password: 'correct horse battery' };

t.test('iCalendar writing: escaping, folding on UTF-8 boundaries, round trip through the reader', async (t) => {
  t.equal(escapeText('a, b; c\\d\ne'), 'a\\, b\\; c\\\\d\\ne');
  const long = `SUMMARY:${'ü'.repeat(60)}`;
  const folded = foldLine(long);
  for (const line of folded.split('\r\n')) t.ok(Buffer.byteLength(line, 'utf8') <= 75, 'each line ≤ 75 octets');
  t.equal(folded.replace(/\r\n /g, ''), long, 'unfolding gives the line back');
  const text = vcalendar([UTC_EVENT]);
  const tree = parseICalendar(text).components[0];
  t.same(parseEvents(serializeComponent(tree)), parseEvents(text), 'a parsed calendar serialises to the same events');
  t.same(splitExternalId('rec-1@x#2024-05-13T07:00:00Z'), { uid: 'rec-1@x', recurrenceId: '2024-05-13T07:00:00Z' });
  t.same(splitExternalId('a#b'), { uid: 'a#b', recurrenceId: null });
});

const radicale = findRadicale();

t.test('radicale', { skip: radicale ? false : 'radicale is not installed (apt-get install -y radicale)' }, async (t) => {
  const server = await startCalDavServer({ users: [ALICE, { username: 'bob', password: 'bob-pass' }] });
  t.teardown(() => server.close());
  const http = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false });
  t.teardown(() => http.close());
  const workUrl = await server.createCalendar('alice', 'work', { displayName: 'Work', components: [BERLIN, UTC_EVENT, SERIES] });
  const logs: unknown[] = [];
  const ctx: CalDavContext = { baseUrl: server.baseUrl, ...ALICE, http, log: (e) => logs.push(e) };
  const writer = createCalDavWriter(ctx, { now: () => Date.UTC(2024, 4, 1, 12) });
  const listed = async () => {
    const pages: CalDavPage[] = [];
    for await (const page of listEventPages(ctx, { window: MAY })) pages.push(page);
    return new Map(pages.flatMap((p) => p.records).map((r) => [r.externalId, r]));
  };

  t.test('create: PUT with If-None-Match: *, the new ETag; the same UID again is a conflict', async (t) => {
    const created = await writer.write({
      op: 'create',
      fields: {
        uid: 'new-1@linkyard.test',
        summary: 'Planning, v2; draft',
        start: '2024-05-21T09:00:00Z',
        end: '2024-05-21T10:00:00Z',
        location: 'Room 3',
      },
    });
    t.equal(created.outcome, 'applied');
    if (created.outcome !== 'applied') return;
    t.equal(created.externalId, 'new-1@linkyard.test');
    t.match(created.version, {
      externalId: 'new-1@linkyard.test',
      etag: /^".+"$/,
      updatedAt: '2024-05-01T12:00:00Z',
      record: { summary: 'Planning, v2; draft', start: '2024-05-21T09:00:00Z', href: `${workUrl}new-1%40linkyard.test.ics` },
    });
    const raw = await server.request('GET', '/alice/work/new-1%40linkyard.test.ics', { username: 'alice' });
    t.equal(raw.status, 200);
    t.equal(raw.headers.etag, created.version!.etag, 'the ETag returned is the stored one');
    t.match(raw.body, /SUMMARY:Planning\\, v2\\; draft\r\n/);
    t.match((await listed()).get('new-1@linkyard.test'), {
      summary: 'Planning, v2; draft',
      location: 'Room 3',
      end: '2024-05-21T10:00:00Z',
    });

    const again = await writer.write({ op: 'create', fields: { uid: 'new-1@linkyard.test', summary: 'Other', start: '2024-05-22' } });
    t.match(again, { outcome: 'conflict', status: 412, message: /exists already/ });
    t.match(
      (await server.request('GET', '/alice/work/new-1%40linkyard.test.ics', { username: 'alice' })).body,
      /Planning/,
      'not overwritten',
    );

    const generated = await writer.write({
      op: 'create',
      fields: { summary: 'All day', start: '2024-05-24', end: '2024-05-25', calendar: workUrl },
    });
    t.match(generated, { outcome: 'applied', externalId: /@linkyard$/, version: { record: { allDay: true, start: '2024-05-24' } } });
  });

  t.test('update: If-Match with the base ETag; unwritten properties and SEQUENCE are kept and bumped', async (t) => {
    const base = await writer.read('utc-1@linkyard.test');
    t.ok(base?.etag);
    const result = await writer.write({
      op: 'update',
      externalId: 'utc-1@linkyard.test',
      etag: base!.etag,
      fields: { summary: 'Budget review (moved)', start: '2024-05-06T12:00:00Z', end: '2024-05-06T13:00:00Z', attendees: [] },
    });
    t.equal(result.outcome, 'applied');
    if (result.outcome !== 'applied') return;
    t.not(result.version!.etag, base!.etag, 'a new ETag');
    t.equal(
      (await server.request('GET', '/alice/work/utc-1%40linkyard.test.ics', { username: 'alice' })).headers.etag,
      result.version!.etag,
    );
    const after = (await listed()).get('utc-1@linkyard.test');
    t.match(after, {
      summary: 'Budget review (moved)',
      start: '2024-05-06T12:00:00Z',
      location: 'Room 1, Floor 2',
      description: 'Agenda:\n1. Numbers\n2. Decisions \\ next steps',
      organizer: { email: 'jane@example.com', name: 'Doe, Jane' },
      sequence: 4,
      lastModified: '2024-05-01T12:00:00Z',
    });
    t.equal(after!.attendees.length, 2, 'attendees are not written by Linkyard: kept');

    // A field set to null removes the property.
    await writer.write({ op: 'update', externalId: 'utc-1@linkyard.test', fields: { location: null } });
    t.equal((await listed()).get('utc-1@linkyard.test')!.location, null);
  });

  t.test('update with a stale ETag: 412 → conflict, nothing written', async (t) => {
    const base = await writer.read('utc-1@linkyard.test');
    // Someone else edits the event at the server.
    const theirs = (await server.request('GET', '/alice/work/utc-1%40linkyard.test.ics', { username: 'alice' })).body.replace(
      /SUMMARY:[^\r]*/,
      'SUMMARY:Theirs',
    );
    const put = await server.request('PUT', '/alice/work/utc-1%40linkyard.test.ics', {
      username: 'alice',
      body: theirs,
      headers: { 'content-type': 'text/calendar' },
    });
    t.ok(put.status >= 200 && put.status < 300);
    const result = await writer.write({ op: 'update', externalId: 'utc-1@linkyard.test', etag: base!.etag, fields: { summary: 'Ours' } });
    t.match(result, { outcome: 'conflict', status: 412, message: /changed since it was last read/ });
    t.equal((await listed()).get('utc-1@linkyard.test')!.summary, 'Theirs');
  });

  t.test('update one occurrence of a series: only that override changes', async (t) => {
    const id = 'rec-1@linkyard.test#2024-05-13T07:00:00Z';
    const result = await writer.write({
      op: 'update',
      externalId: id,
      fields: { summary: 'Standup (moved again)', href: `${workUrl}rec-1%40linkyard.test.ics` },
    });
    t.match(result, {
      outcome: 'applied',
      externalId: id,
      version: { record: { summary: 'Standup (moved again)', recurrenceId: '2024-05-13T07:00:00Z' } },
    });
    const events = await listed();
    t.equal(events.get(id)!.summary, 'Standup (moved again)');
    t.match(events.get('rec-1@linkyard.test'), { summary: 'Standup', rrule: 'FREQ=WEEKLY;COUNT=6', exdates: ['2024-05-20T07:00:00Z'] });
    await t.rejects(writer.write({ op: 'delete', externalId: id }), { code: 'invalid_request', message: /update the series/ });
  });

  t.test('delete: stale ETag → conflict; current → applied; again → gone', async (t) => {
    const base = await writer.read('new-1@linkyard.test');
    const href = `${workUrl}new-1%40linkyard.test.ics`;
    const stale = await writer.write({ op: 'delete', externalId: 'new-1@linkyard.test', etag: '"not-the-etag"', fields: { href } });
    t.match(stale, { outcome: 'conflict', status: 412 });
    t.equal((await server.request('GET', '/alice/work/new-1%40linkyard.test.ics', { username: 'alice' })).status, 200, 'still there');
    t.same(await writer.write({ op: 'delete', externalId: 'new-1@linkyard.test', etag: base!.etag, fields: { href } }), {
      outcome: 'applied',
      externalId: 'new-1@linkyard.test',
      version: null,
    });
    t.equal((await server.request('GET', '/alice/work/new-1%40linkyard.test.ics', { username: 'alice' })).status, 404);
    t.same(await writer.write({ op: 'delete', externalId: 'new-1@linkyard.test', etag: base!.etag, fields: { href } }), {
      outcome: 'gone',
    });
    t.same(await writer.write({ op: 'delete', externalId: 'new-1@linkyard.test' }), { outcome: 'gone' }, 'unknown UID: gone');
    t.equal(await writer.read('new-1@linkyard.test'), null);
  });

  t.test('refused records: clear messages naming the field, no request sent; no secrets anywhere', async (t) => {
    await t.rejects(writer.write({ op: 'create', fields: { summary: 'x', start: 'tomorrow' } }), {
      code: 'invalid_request',
      message: /start must be a date/,
    });
    await t.rejects(writer.write({ op: 'create', fields: { summary: 'x' } }), { message: /needs a start/ });
    await t.rejects(writer.write({ op: 'update', externalId: 'utc-1@linkyard.test', fields: { colour: 'red' } }), {
      message: /colour is not an event field/,
    });
    await t.rejects(writer.write({ op: 'update', externalId: 'utc-1@linkyard.test', fields: { status: 'maybe' } }), {
      message: /status must be/,
    });
    await t.rejects(writer.write({ op: 'update', externalId: 'nobody@linkyard.test', fields: { summary: 'x' } }), { code: 'not_found' });
    const wrong = createCalDavWriter({ ...ctx, password: 'wrong-secret' });
    const err = await wrong.write({ op: 'create', fields: { start: '2024-05-02', calendar: workUrl } }).catch((e: unknown) => e);
    t.match(err, { code: 'unauthorized', status: 401 });
    t.notOk(String((err as Error).message).includes('wrong-secret'));
    // Another user's calendar.
    await t.rejects(writer.write({ op: 'create', fields: { start: '2024-05-02', calendar: server.calendarUrl('bob', 'x') } }), {
      code: 'forbidden',
      status: 403,
    });
    t.notOk(JSON.stringify(logs).includes(ALICE.password), 'the password is never logged');
  });
});
