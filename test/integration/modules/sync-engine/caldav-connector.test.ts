import t, { type Test } from 'tap';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { BlockedDestinationError, createSafeHttpClient, type SafeHttpClient } from '../../../../server/src/lib/safe-http/index.js';
import {
  CalDavAuthError,
  CalDavError,
  discoverCalendars,
  listEventPages,
  testCredentials,
  type CalDavContext,
  type CalDavPage,
  type CalendarEventRecord,
} from '../../../../server/src/modules/sync-engine/caldav-connector.js';
import { findRadicale, startCalDavServer, vcalendar, type CalDavServer } from '../../../fixtures/caldav-server.js';
import {
  ALLDAY_EVENT,
  BERLIN,
  BERLIN_EVENT,
  DURATION_EVENT,
  FLOATING_EVENT,
  FOLDED_EVENT,
  JUNE,
  MAY,
  OLD_ALLDAY_EVENT,
  OUTSIDE_EVENT,
  SERIES,
  TODO,
  UTC_EVENT,
} from '../../../fixtures/calendar-samples.js';

// ---------------------------------------------------------------------------------------------------------
// Test data (the calendars themselves: test/fixtures/calendar-samples.ts)

const ALICE = { username: 'alice', password: 'correct horse battery' };

// ---------------------------------------------------------------------------------------------------------
// Helpers

interface LogEntry {
  level: string;
  message: string;
  data?: Record<string, unknown>;
}

function context(http: SafeHttpClient, baseUrl: string, overrides: Partial<CalDavContext> = {}): CalDavContext & { logs: LogEntry[] } {
  const logs: LogEntry[] = [];
  return { baseUrl, username: ALICE.username, password: ALICE.password, http, log: (e) => logs.push(e), logs, ...overrides };
}

async function collect(pages: AsyncGenerator<CalDavPage>): Promise<CalDavPage[]> {
  const out: CalDavPage[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

const byId = (page: CalDavPage) => new Map(page.records.map((r) => [r.externalId, r]));

// ---------------------------------------------------------------------------------------------------------
// Against a scripted HTTP server: the things a well-behaved radicale never does.

async function scripted(t: Test, handler: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<string> {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const multistatus = (inner: string) =>
  `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav">${inner}</d:multistatus>`;

t.test('scripted server: hrefs to unrelated hosts are refused; odd answers are typed errors', async (t) => {
  const http = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false });
  t.teardown(() => http.close());
  let mode = 'evil';
  const seen: string[] = [];
  const base = await scripted(t, (req, res, body) => {
    seen.push(
      `${req.method} ${req.url} depth=${req.headers.depth} auth=${req.headers.authorization ? 'yes' : 'no'} ${/calendar-query|propfind/.test(body) ? 'xml' : ''}`,
    );
    if (mode === 'evil') {
      res.writeHead(207, { 'content-type': 'application/xml' });
      res.end(
        multistatus(
          '<d:response><d:href>/</d:href><d:propstat><d:prop><d:current-user-principal><d:href>http://attacker.test/p/</d:href></d:current-user-principal></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>',
        ),
      );
    } else if (mode === 'html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    } else if (mode === 'busy') {
      res.writeHead(429, { 'retry-after': '0' });
      res.end();
    }
  });
  const ctx = context(http, base);
  await t.rejects(discoverCalendars(ctx), { name: 'CalDavError', code: 'protocol', message: /attacker\.test.*refused/ });
  t.equal(seen.length, 1, 'no request went to the other host');
  t.match(seen[0], /^PROPFIND \/ depth=0 auth=yes xml/);

  mode = 'html';
  await t.rejects(discoverCalendars(ctx), { code: 'protocol', status: 200 });

  mode = 'busy';
  seen.length = 0;
  await t.rejects(discoverCalendars(ctx), { code: 'rate_limited', status: 429, retryable: true, headers: { 'retry-after': '0' } });
  t.equal(seen.length, 1);
  seen.length = 0;
  const retrying = context(http, base, { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
  await t.rejects(discoverCalendars(retrying), { code: 'rate_limited' });
  t.equal(seen.length, 3, 'ctx.retry retries 429s');
  t.ok(retrying.logs.some((l) => /retrying/.test(l.message)));

  await t.rejects(collect(listEventPages(ctx, { window: { from: MAY.to, to: MAY.from } })), { code: 'invalid_request' });
});

// ---------------------------------------------------------------------------------------------------------
// Against a real CalDAV server (radicale)

const radicale = findRadicale();

t.test(
  'radicale',
  { skip: radicale ? false : 'radicale is not installed (apt-get install -y radicale, or set RADICALE_BIN)' },
  async (t) => {
    const server: CalDavServer = await startCalDavServer({ users: [ALICE, { username: 'bob', password: 'bob-pass' }] });
    t.teardown(() => server.close());
    const http = createSafeHttpClient({ allowPrivateNetworkTargets: true, requireHttps: false });
    t.teardown(() => http.close());

    const workUrl = await server.createCalendar('alice', 'work', {
      displayName: 'Work',
      components: [BERLIN, UTC_EVENT, BERLIN_EVENT, SERIES, FOLDED_EVENT, OUTSIDE_EVENT],
    });
    const homeUrl = await server.createCalendar('alice', 'home', {
      displayName: 'Home',
      components: [ALLDAY_EVENT, DURATION_EVENT, OLD_ALLDAY_EVENT],
    });
    await server.putEvent('alice', 'home', 'floating.ics', FLOATING_EVENT);
    await server.createCalendar('alice', 'tasks', { displayName: 'Reminders', supported: ['VTODO'], components: [TODO] });
    await server.createCalendar('bob', 'private', { displayName: 'Bob only', components: [OUTSIDE_EVENT] });

    t.test('discovery finds both event calendars, not the task list', async (t) => {
      const ctx = context(http, server.baseUrl);
      const calendars = await discoverCalendars(ctx);
      t.same(
        calendars.map((c) => [c.url, c.displayName]),
        [
          [homeUrl, 'Home'],
          [workUrl, 'Work'],
        ],
      );
      t.ok(
        calendars.every((c) => typeof c.ctag === 'string' && c.ctag.length > 0),
        'ctag reported',
      );

      // The ctag changes when the calendar does.
      await server.putEvent(
        'alice',
        'home',
        'ctag-probe.ics',
        vcalendar(['BEGIN:VEVENT\nUID:probe\nDTSTAMP:20240101T000000Z\nDTSTART:20200101T000000Z\nSUMMARY:probe\nEND:VEVENT']),
      );
      const after = await discoverCalendars(ctx);
      t.not(after[0].ctag, calendars[0].ctag);
      t.equal(after[1].ctag, calendars[1].ctag);

      // A base URL that is itself a calendar: just that calendar.
      t.same(
        (await discoverCalendars(context(http, workUrl))).map((c) => c.url),
        [workUrl],
      );
      t.notOk(JSON.stringify(ctx.logs).includes(ALICE.password), 'the password is never logged');
    });

    t.test('listing: exactly the events in the window, one page per calendar', async (t) => {
      const ctx = context(http, server.baseUrl);
      const pages = await collect(listEventPages(ctx, { window: MAY }));
      t.equal(pages.length, 2);
      t.same(
        pages.map((p) => [p.cursor, p.done]),
        [
          [{ calendarIndex: 1, calendarUrl: workUrl }, false],
          [{ calendarIndex: 2 }, true],
        ],
      );

      const [home, work] = pages;
      t.same([...home.externalIds].sort(), ['allday-1@linkyard.test', 'duration-1@linkyard.test', 'floating-1@linkyard.test']);
      t.same([...work.externalIds].sort(), [
        'berlin-1@linkyard.test',
        'folded-1@linkyard.test',
        'rec-1@linkyard.test',
        'rec-1@linkyard.test#2024-05-13T07:00:00Z',
        'utc-1@linkyard.test',
      ]);
      for (const page of pages) {
        t.same(
          page.updatedAt,
          page.records.map((r) => r.lastModified),
        );
        t.same(
          page.externalIds,
          page.records.map((r) => r.externalId),
        );
      }

      const w = byId(work);
      const utc = w.get('utc-1@linkyard.test')!;
      t.match(utc, {
        uid: 'utc-1@linkyard.test',
        recurrenceId: null,
        calendar: workUrl,
        summary: 'Budget review, Q2; final',
        description: 'Agenda:\n1. Numbers\n2. Decisions \\ next steps',
        location: 'Room 1, Floor 2',
        start: '2024-05-06T10:00:00Z',
        end: '2024-05-06T11:00:00Z',
        allDay: false,
        timezone: 'UTC',
        rrule: null,
        status: 'CONFIRMED',
        organizer: { email: 'jane@example.com', name: 'Doe, Jane' },
        lastModified: '2024-04-01T12:00:00Z',
        sequence: 3,
        href: `${workUrl}utc-1%40linkyard.test.ics`,
      } as Partial<CalendarEventRecord>);
      t.match(utc.etag, /^".+"$/);
      t.same(
        utc.attendees.map((a) => [a.email, a.name, a.partstat, a.rsvp]),
        [
          ['bob@example.com', 'Bob', 'ACCEPTED', true],
          ['ann@example.com', 'Ann; Lee', 'NEEDS-ACTION', false],
        ],
      );
      t.match(w.get('berlin-1@linkyard.test'), {
        start: '2024-05-07T07:00:00Z',
        end: '2024-05-07T08:00:00Z',
        timezone: 'Europe/Berlin',
        lastModified: '2024-03-02T00:00:00Z',
      });
      t.match(w.get('rec-1@linkyard.test'), {
        rrule: 'FREQ=WEEKLY;COUNT=6',
        start: '2024-04-29T07:00:00Z',
        end: '2024-04-29T07:15:00Z',
        exdates: ['2024-05-20T07:00:00Z'],
        recurrenceId: null,
      });
      t.match(w.get('rec-1@linkyard.test#2024-05-13T07:00:00Z'), {
        uid: 'rec-1@linkyard.test',
        recurrenceId: '2024-05-13T07:00:00Z',
        summary: 'Standup (moved)',
        start: '2024-05-13T09:00:00Z',
        end: '2024-05-13T09:15:00Z',
        sequence: 1,
        lastModified: '2024-04-11T08:00:00Z',
      });
      t.equal(
        w.get('rec-1@linkyard.test')!.href,
        w.get('rec-1@linkyard.test#2024-05-13T07:00:00Z')!.href,
        'series and override share a resource',
      );
      t.match(w.get('folded-1@linkyard.test'), {
        summary:
          'A very long summary line that has been folded by the producer because it is longer than seventy-five octets — with ümlauts',
        description: 'First line\nSecond line with a comma, and a semicolon; and a tab-fold',
      });

      const h = byId(home);
      t.match(h.get('allday-1@linkyard.test'), {
        start: '2024-05-10',
        end: '2024-05-11',
        allDay: true,
        timezone: null,
        status: 'TENTATIVE',
        calendar: homeUrl,
      });
      t.match(h.get('duration-1@linkyard.test'), { start: '2024-05-08T15:00:00Z', end: '2024-05-08T15:45:00Z' });
      t.match(h.get('floating-1@linkyard.test'), {
        start: '2024-05-20T18:00:00',
        end: '2024-05-20T19:00:00',
        timezone: null,
        href: `${homeUrl}floating.ics`,
      });
    });

    t.test('listing another window', async (t) => {
      const pages = await collect(listEventPages(context(http, server.baseUrl), { window: JUNE }));
      t.same(
        pages.map((p) => [...p.externalIds].sort()),
        [[], ['outside-1@linkyard.test', 'rec-1@linkyard.test', 'rec-1@linkyard.test#2024-06-03T07:00:00Z']],
      );
      t.match(byId(pages[1]).get('rec-1@linkyard.test#2024-06-03T07:00:00Z'), { summary: 'Standup (June)', start: '2024-06-03T10:00:00Z' });
    });

    t.test('resuming from a cursor, and explicit calendars', async (t) => {
      const ctx = context(http, server.baseUrl);
      const resumed = await collect(listEventPages(ctx, { window: MAY, cursor: { calendarIndex: 1 } }));
      t.same(
        resumed.map((p) => [p.records[0]?.calendar, p.done]),
        [[workUrl, true]],
      );
      // The URL wins over a stale index (a calendar was added or removed between runs).
      const byUrl = await collect(listEventPages(ctx, { window: MAY, cursor: { calendarIndex: 0, calendarUrl: workUrl } }));
      t.same(
        byUrl.map((p) => p.records[0]?.calendar),
        [workUrl],
      );
      const finished = await collect(listEventPages(ctx, { window: MAY, cursor: { calendarIndex: 2 } }));
      t.same(finished, [{ records: [], externalIds: [], updatedAt: [], etags: [], cursor: { calendarIndex: 2 }, done: true }]);

      const explicit = await collect(listEventPages(ctx, { window: MAY, calendars: ['/alice/work/'] }));
      t.equal(explicit.length, 1);
      t.equal(explicit[0].records.length, 5);
      t.ok(explicit[0].done);

      // A calendar deleted since discovery is skipped with a warning, not a failed run.
      const gone = await collect(listEventPages(ctx, { window: MAY, calendars: [server.calendarUrl('alice', 'deleted'), workUrl] }));
      t.same(
        gone.map((p) => p.records.length),
        [0, 5],
      );
      t.ok(ctx.logs.some((l) => l.level === 'warn' && /no longer exists/.test(l.message)));
    });

    t.test('wrong password: typed 401 error', async (t) => {
      const ctx = context(http, server.baseUrl, { password: 'wrong' });
      const err = await discoverCalendars(ctx).catch((e: unknown) => e);
      t.ok(err instanceof CalDavAuthError, 'CalDavAuthError');
      t.ok(err instanceof CalDavError);
      t.match(err, { code: 'unauthorized', status: 401, retryable: false, message: /rejected the username or app password/ });
      t.notOk(String((err as Error).message).includes('wrong'));
      await t.rejects(collect(listEventPages(ctx, { window: MAY })), CalDavAuthError);
      await t.rejects(collect(listEventPages(ctx, { window: MAY, calendars: [workUrl] })), CalDavAuthError);
    });

    t.test("another user's calendar is forbidden", async (t) => {
      await t.rejects(
        collect(listEventPages(context(http, server.baseUrl), { window: JUNE, calendars: [server.calendarUrl('bob', 'private')] })),
        { code: 'forbidden', status: 403 },
      );
    });

    t.test('testCredentials', async (t) => {
      t.match(await testCredentials(context(http, server.baseUrl)), {
        ok: true,
        message: /accepted the credentials \(principal \/alice\/\)/,
      });
      t.match(await testCredentials(context(http, server.baseUrl, { password: 'wrong' })), { ok: false, message: /HTTP 401/ });
      t.match(await testCredentials(context(http, server.baseUrl, { username: 'nobody' })), { ok: false, message: /HTTP 401/ });

      // Every call goes through the safe client: a production-like client refuses the loopback server.
      const strict = createSafeHttpClient({ allowPrivateNetworkTargets: false, requireHttps: false });
      t.teardown(() => strict.close());
      t.match(await testCredentials(context(strict, server.baseUrl)), {
        ok: false,
        message: /Could not reach the CalDAV server: Refused to send a request to 127\.0\.0\.1/,
      });
      await t.rejects(discoverCalendars(context(strict, server.baseUrl)), BlockedDestinationError);

      // A port nothing listens on.
      const free = await new Promise<number>((resolve) => {
        const probe = net.createServer();
        probe.listen(0, '127.0.0.1', () => {
          const p = (probe.address() as AddressInfo).port;
          probe.close(() => resolve(p));
        });
      });
      t.match(await testCredentials(context(http, `http://127.0.0.1:${free}/`)), {
        ok: false,
        message: /Could not reach the CalDAV server.*ECONNREFUSED/,
      });
    });
  },
);
