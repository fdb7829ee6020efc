import t, { type Test } from 'tap';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { BlockedDestinationError, createSafeHttpClient, type SafeHttpClient } from '../../server/src/lib/safe-http/index.js';
import {
  CalDavAuthError,
  CalDavError,
  discoverCalendars,
  listEventPages,
  objectsToRecords,
  parseMultistatus,
  parseXml,
  testCredentials,
  xmlBytes,
  xmlText,
  type CalDavContext,
  type CalDavPage,
  type CalendarEventRecord,
} from '../../server/src/modules/sync-engine/caldav-connector.js';
import {
  parseContentLine,
  parseDuration,
  parseEvents,
  parseICalendar,
  splitTextList,
  unescapeText,
  unfoldLines,
} from '../../server/src/modules/sync-engine/icalendar.js';
import { crlf, findRadicale, startCalDavServer, vcalendar, type CalDavServer } from '../fixtures/caldav-server.js';

// ---------------------------------------------------------------------------------------------------------
// Test data

const BERLIN = `BEGIN:VTIMEZONE
TZID:Europe/Berlin
BEGIN:DAYLIGHT
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
TZNAME:CEST
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
TZNAME:CET
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE`;

const UTC_EVENT = `BEGIN:VEVENT
UID:utc-1@linkyard.test
DTSTAMP:20240301T000000Z
LAST-MODIFIED:20240401T120000Z
SEQUENCE:3
DTSTART:20240506T100000Z
DTEND:20240506T110000Z
SUMMARY:Budget review\\, Q2\\; final
DESCRIPTION:Agenda:\\n1. Numbers\\n2. Decisions \\\\ next steps
LOCATION:Room 1\\, Floor 2
STATUS:CONFIRMED
ORGANIZER;CN="Doe, Jane":mailto:jane@example.com
ATTENDEE;CN=Bob;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=TRUE:mailto:bob@example.com
ATTENDEE;CN="Ann; Lee";PARTSTAT=NEEDS-ACTION:mailto:ann@example.com
END:VEVENT`;

const BERLIN_EVENT = `BEGIN:VEVENT
UID:berlin-1@linkyard.test
DTSTAMP:20240302T000000Z
DTSTART;TZID=Europe/Berlin:20240507T090000
DTEND;TZID=Europe/Berlin:20240507T100000
SUMMARY:Team lunch in Berlin
END:VEVENT`;

const SERIES = `BEGIN:VEVENT
UID:rec-1@linkyard.test
DTSTAMP:20240303T000000Z
LAST-MODIFIED:20240410T080000Z
DTSTART;TZID=Europe/Berlin:20240429T090000
DTEND;TZID=Europe/Berlin:20240429T091500
RRULE:FREQ=WEEKLY;COUNT=6
EXDATE;TZID=Europe/Berlin:20240520T090000
SUMMARY:Standup
END:VEVENT
BEGIN:VEVENT
UID:rec-1@linkyard.test
DTSTAMP:20240303T000000Z
LAST-MODIFIED:20240411T080000Z
RECURRENCE-ID;TZID=Europe/Berlin:20240513T090000
DTSTART;TZID=Europe/Berlin:20240513T110000
DTEND;TZID=Europe/Berlin:20240513T111500
SEQUENCE:1
SUMMARY:Standup (moved)
END:VEVENT
BEGIN:VEVENT
UID:rec-1@linkyard.test
DTSTAMP:20240303T000000Z
RECURRENCE-ID;TZID=Europe/Berlin:20240603T090000
DTSTART;TZID=Europe/Berlin:20240603T120000
DTEND;TZID=Europe/Berlin:20240603T121500
SUMMARY:Standup (June)
END:VEVENT`;

// Folded by the producer: a space fold inside a word boundary and a tab fold.
const FOLDED_EVENT = `BEGIN:VEVENT
UID:folded-1@linkyard.test
DTSTAMP:20240304T000000Z
DTSTART:20240515T140000Z
DTEND:20240515T150000Z
SUMMARY:A very long summary line that has been folded by the producer because 
 it is longer than seventy-five octets — with ümlauts
DESCRIPTION:First line\\nSecond line with a comma\\, and a semicolon\\; and
\t a tab-fold
END:VEVENT`;

const OUTSIDE_EVENT = `BEGIN:VEVENT
UID:outside-1@linkyard.test
DTSTAMP:20240305T000000Z
DTSTART:20240615T100000Z
DTEND:20240615T110000Z
SUMMARY:Mid-June planning
END:VEVENT`;

const ALLDAY_EVENT = `BEGIN:VEVENT
UID:allday-1@linkyard.test
DTSTAMP:20240306T000000Z
DTSTART;VALUE=DATE:20240510
DTEND;VALUE=DATE:20240511
SUMMARY:Holiday
STATUS:TENTATIVE
END:VEVENT`;

const DURATION_EVENT = `BEGIN:VEVENT
UID:duration-1@linkyard.test
DTSTAMP:20240307T000000Z
DTSTART:20240508T150000Z
DURATION:PT45M
SUMMARY:Dentist
END:VEVENT`;

const OLD_ALLDAY_EVENT = `BEGIN:VEVENT
UID:outside-2@linkyard.test
DTSTAMP:20221201T000000Z
DTSTART;VALUE=DATE:20230101
SUMMARY:New year 2023
END:VEVENT`;

const FLOATING_EVENT = vcalendar([
  `BEGIN:VEVENT
UID:floating-1@linkyard.test
DTSTAMP:20240308T000000Z
DTSTART:20240520T180000
DTEND:20240520T190000
SUMMARY:Dinner (floating time)
END:VEVENT`,
]);

const TODO = `BEGIN:VTODO
UID:todo-1@linkyard.test
DTSTAMP:20240301T000000Z
SUMMARY:Buy milk
END:VTODO`;

const MAY = { from: new Date('2024-05-01T00:00:00Z'), to: new Date('2024-06-01T00:00:00Z') };
const JUNE = { from: new Date('2024-06-01T00:00:00Z'), to: new Date('2024-07-01T00:00:00Z') };

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
// iCalendar parser (no server)

t.test('iCalendar: unfolding works on octets, with CRLF, LF and tab folds', async (t) => {
  t.same(unfoldLines('A:one\r\n two\r\nB:x\n\tthree\rC:end\r\n'), ['A:onetwo', 'B:xthree', 'C:end']);
  // A fold that splits the two octets of "ü" (0xC3 0xBC) still decodes.
  const bytes = Buffer.concat([
    Buffer.from('SUMMARY:gr'),
    Buffer.from([0xc3]),
    Buffer.from('\r\n '),
    Buffer.from([0xbc]),
    Buffer.from('n\r\n'),
  ]);
  t.same(unfoldLines(bytes), ['SUMMARY:grün']);
  t.same(unfoldLines('\ufeffA:1\r\n\r\nB:2'), ['A:1', 'B:2'], 'BOM and empty lines dropped');
});

t.test('iCalendar: content lines with quoted and RFC 6868 parameters', async (t) => {
  t.same(parseContentLine('ATTENDEE;CN="Doe, Jane; Sr.";ROLE=CHAIR;DELEGATED-TO="mailto:a@x","mailto:b@x":mailto:jane@x'), {
    name: 'ATTENDEE',
    params: { CN: ['Doe, Jane; Sr.'], ROLE: ['CHAIR'], 'DELEGATED-TO': ['mailto:a@x', 'mailto:b@x'] },
    value: 'mailto:jane@x',
  });
  t.same(parseContentLine("x-custom;x-p=a^nb^^c^':v:with:colons"), {
    name: 'X-CUSTOM',
    params: { 'X-P': ['a\nb^c"'] },
    value: 'v:with:colons',
  });
  t.same(parseContentLine('item1.URL:https://x'), { name: 'URL', params: {}, value: 'https://x' }, 'group prefix dropped');
  t.equal(parseContentLine('no colon here'), null);
  t.equal(parseContentLine('X;P="unterminated:v'), null);
});

t.test('iCalendar: text escapes and lists', async (t) => {
  t.equal(unescapeText('a\\, b\\; c\\nd\\Ne\\\\f\\:g'), 'a, b; c\nd\ne\\f:g');
  t.same(splitTextList('one,two\\,three,four\\\\'), ['one', 'two,three', 'four\\']);
  t.same(parseDuration('PT45M'), { days: 0, seconds: 2700 });
  t.same(parseDuration('-P1W2DT3H'), { days: -9, seconds: -10800 });
  t.equal(parseDuration('P'), null);
  t.equal(parseDuration('PT'), null);
  t.equal(parseDuration('1H'), null);
});

t.test('iCalendar: component tree, leniency and warnings', async (t) => {
  const { components, warnings } = parseICalendar(
    crlf(`BEGIN:VCALENDAR
BEGIN:VEVENT
UID:x
DESCRIPTION:first line
second line without fold
END:VEVENT
END:VTODO
BEGIN:VEVENT
UID:y
END:VCALENDAR
`),
  );
  t.equal(components.length, 1);
  t.same(
    components[0].components.map((c) => c.name),
    ['VEVENT', 'VEVENT'],
  );
  t.equal(components[0].components[0].properties.find((p) => p.name === 'DESCRIPTION')!.value, 'first line\nsecond line without fold');
  t.equal(warnings.length, 3, warnings.join('; '));
});

t.test('iCalendar: VEVENT fields, time zones and recurrence', async (t) => {
  const warnings: string[] = [];
  const events = parseEvents(
    vcalendar([BERLIN, UTC_EVENT, BERLIN_EVENT, SERIES, FOLDED_EVENT, ALLDAY_EVENT, DURATION_EVENT, OLD_ALLDAY_EVENT]),
    (w) => warnings.push(w),
  );
  t.same(warnings, []);
  const utc = events.find((e) => e.uid === 'utc-1@linkyard.test')!;
  t.match(utc, {
    summary: 'Budget review, Q2; final',
    description: 'Agenda:\n1. Numbers\n2. Decisions \\ next steps',
    location: 'Room 1, Floor 2',
    start: '2024-05-06T10:00:00Z',
    end: '2024-05-06T11:00:00Z',
    allDay: false,
    timezone: 'UTC',
    status: 'CONFIRMED',
    sequence: 3,
    lastModified: '2024-04-01T12:00:00Z',
    organizer: { email: 'jane@example.com', name: 'Doe, Jane', uri: 'mailto:jane@example.com' },
  });
  t.same(utc.attendees, [
    { email: 'bob@example.com', name: 'Bob', uri: 'mailto:bob@example.com', role: 'REQ-PARTICIPANT', partstat: 'ACCEPTED', rsvp: true },
    { email: 'ann@example.com', name: 'Ann; Lee', uri: 'mailto:ann@example.com', role: null, partstat: 'NEEDS-ACTION', rsvp: false },
  ]);
  t.match(
    events.find((e) => e.uid === 'berlin-1@linkyard.test'),
    {
      start: '2024-05-07T07:00:00Z',
      end: '2024-05-07T08:00:00Z',
      timezone: 'Europe/Berlin',
      lastModified: '2024-03-02T00:00:00Z',
    },
  );
  const series = events.filter((e) => e.uid === 'rec-1@linkyard.test');
  t.same(
    series.map((e) => e.recurrenceId),
    [null, '2024-05-13T07:00:00Z', '2024-06-03T07:00:00Z'],
  );
  t.match(series[0], { rrule: 'FREQ=WEEKLY;COUNT=6', exdates: ['2024-05-20T07:00:00Z'], recurring: true, start: '2024-04-29T07:00:00Z' });
  t.match(series[1], { start: '2024-05-13T09:00:00Z', end: '2024-05-13T09:15:00Z', sequence: 1, rrule: null, recurring: false });
  t.match(
    events.find((e) => e.uid === 'folded-1@linkyard.test'),
    {
      summary: 'A very long summary line that has been folded by the producer because it is longer than seventy-five octets — with ümlauts',
      description: 'First line\nSecond line with a comma, and a semicolon; and a tab-fold',
    },
  );
  t.match(
    events.find((e) => e.uid === 'allday-1@linkyard.test'),
    { start: '2024-05-10', end: '2024-05-11', allDay: true, timezone: null, status: 'TENTATIVE' },
  );
  t.match(
    events.find((e) => e.uid === 'duration-1@linkyard.test'),
    { start: '2024-05-08T15:00:00Z', end: '2024-05-08T15:45:00Z' },
  );
  t.match(
    events.find((e) => e.uid === 'outside-2@linkyard.test'),
    { start: '2023-01-01', end: '2023-01-02', allDay: true },
    'all-day without DTEND lasts one day',
  );
});

t.test('iCalendar: TZID conversion edge cases', async (t) => {
  const one = (lines: string, extra: string[] = []) => {
    const warnings: string[] = [];
    const [event] = parseEvents(vcalendar([...extra, `BEGIN:VEVENT\nUID:z\nDTSTAMP:20240101T000000Z\n${lines}\nEND:VEVENT`]), (w) =>
      warnings.push(w),
    );
    return { event, warnings };
  };
  t.equal(one('DTSTART;TZID=Europe/Berlin:20240115T120000').event.start, '2024-01-15T11:00:00Z', 'winter: UTC+1');
  t.equal(one('DTSTART;TZID=Europe/Berlin:20240331T023000').event.start, '2024-03-31T01:30:00Z', 'DST gap: offset before the gap');
  t.equal(one('DTSTART;TZID=America/New_York:20241103T013000').event.start, '2024-11-03T05:30:00Z', 'ambiguous: first occurrence');
  t.equal(one('DTSTART;TZID="America/New_York":20240704T120000').event.start, '2024-07-04T16:00:00Z', 'quoted TZID');
  t.match(one('DTSTART;TZID=/mozilla.org/20070129_1/Asia/Tokyo:20240501T090000').event, {
    start: '2024-05-01T00:00:00Z',
    timezone: 'Asia/Tokyo',
  });
  t.equal(one('DTSTART;TZID=Europe/Berlin:20240506T090000Z').event.start, '2024-05-06T09:00:00Z', 'Z wins over TZID');
  t.match(one('DTSTART;TZID=Europe/Berlin;VALUE=DATE:20240506').event, { start: '2024-05-06', allDay: true });
  t.match(one('DTSTART:20240506T240000Z').event, { start: '2024-05-07T00:00:00Z' }, 'T240000 is the next midnight');

  // A Windows zone name, resolved with the calendar's own VTIMEZONE.
  const windowsZone = BERLIN.replace('TZID:Europe/Berlin', 'TZID:W. Europe Standard Time');
  for (const [local, utc] of [
    ['20240706T090000', '2024-07-06T07:00:00Z'],
    ['20241227T090000', '2024-12-27T08:00:00Z'],
    ['20241027T023000', '2024-10-27T00:30:00Z'],
    ['20241027T033000', '2024-10-27T02:30:00Z'],
  ]) {
    t.match(
      one(`DTSTART;TZID=W. Europe Standard Time:${local}`, [windowsZone]).event,
      { start: utc, timezone: 'W. Europe Standard Time' },
      local,
    );
  }
  // A zoned DURATION of whole days keeps the wall-clock time across the DST change.
  t.equal(one('DTSTART;TZID=Europe/Berlin:20240330T090000\nDURATION:P1D').event.end, '2024-03-31T07:00:00Z');

  const unknown = one('DTSTART;TZID=Mars/Olympus_Mons:20240506T090000');
  t.match(unknown.event, { start: '2024-05-06T09:00:00', timezone: 'Mars/Olympus_Mons' }, 'unknown zone: floating local time');
  t.match(unknown.warnings, [/unknown TZID/]);
  t.match(one('DTSTART:20240506T090000').event, { start: '2024-05-06T09:00:00', timezone: null }, 'floating');
  t.match(one('DTSTART:20240231T090000').event, { start: null }, 'invalid date');
  t.match(one('LAST-MODIFIED:20240102T030405Z\nDTSTART:20240506T090000Z').event, { lastModified: '2024-01-02T03:04:05Z', sequence: 0 });
});

// ---------------------------------------------------------------------------------------------------------
// WebDAV XML (no server)

t.test('XML: namespaces by URI whatever the prefix, CDATA, entities; DTDs refused', async (t) => {
  const body = `<?xml version="1.0"?>
<!-- comment -->
<X:multistatus xmlns:X="DAV:" xmlns:cal="urn:ietf:params:xml:ns:caldav">
  <X:response>
    <X:href>/cal/a%20b.ics</X:href>
    <X:propstat>
      <X:prop>
        <X:getetag>&quot;e1&quot;</X:getetag>
        <cal:calendar-data><![CDATA[BEGIN:VCALENDAR
BEGIN:VEVENT
UID:cdata
SUMMARY:Caf&#233; <b>
END:VEVENT
END:VCALENDAR
]]></cal:calendar-data>
        <displayname xmlns="DAV:">Caf&#233; &amp; Bar</displayname>
      </X:prop>
      <X:status>HTTP/1.1 200 OK</X:status>
    </X:propstat>
    <X:propstat><X:prop><cal:missing/></X:prop><X:status>HTTP/1.1 404 Not Found</X:status></X:propstat>
  </X:response>
</X:multistatus>`;
  const [r] = parseMultistatus(body, 'http://h.test/cal/');
  t.equal(r.href, 'http://h.test/cal/a%20b.ics');
  t.equal(xmlText(r.props.get('DAV: getetag')), '"e1"');
  t.equal(xmlText(r.props.get('DAV: displayname')), 'Café & Bar');
  t.notOk(r.props.has('urn:ietf:params:xml:ns:caldav missing'), '404 propstat ignored');
  const [event] = parseEvents(xmlBytes(r.props.get('urn:ietf:params:xml:ns:caldav calendar-data')));
  t.equal(event.summary, 'Caf&#233; <b>', 'CDATA is literal');

  // calendar-data keeps its octets: a fold that splits "ü" inside the XML body still decodes.
  const split = Buffer.concat([
    Buffer.from(
      '<d:multistatus xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"><d:response><d:href>/x.ics</d:href><d:propstat><d:prop>' +
        '<d:displayname>Kalender für Jörg</d:displayname><c:calendar-data>BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:s\r\nSUMMARY:gr',
    ),
    Buffer.from([0xc3]),
    Buffer.from('\r\n '),
    Buffer.from([0xbc]),
    Buffer.from(
      'n\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n</c:calendar-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response></d:multistatus>',
    ),
  ]);
  const [s] = parseMultistatus(split, 'http://h.test/');
  t.equal(xmlText(s.props.get('DAV: displayname')), 'Kalender für Jörg');
  t.equal(parseEvents(xmlBytes(s.props.get('urn:ietf:params:xml:ns:caldav calendar-data')))[0].summary, 'grün');

  t.throws(() => parseXml('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'), CalDavError);
  t.throws(() => parseXml('<a><b></a></b>'), /malformed XML/);
  t.throws(() => parseXml('<p:a/>'), /undeclared namespace prefix/);
  t.throws(() => parseMultistatus('<a xmlns="DAV:"/>', 'http://h.test/'), /multistatus/);
  t.equal(parseXml('<a x=\'1>2\' y="&lt;"/>').attrs.x, '1>2');
});

t.test('records: overrides outside the window are dropped, duplicates kept once', async (t) => {
  const logs: LogEntry[] = [];
  const data = vcalendar([BERLIN, SERIES]);
  const records = objectsToRecords(
    { log: (e) => logs.push(e) },
    'http://h.test/cal/',
    [
      { href: 'http://h.test/cal/rec.ics', etag: '"1"', data },
      { href: 'http://h.test/cal/rec-copy.ics', etag: '"2"', data },
      { href: 'http://h.test/cal/nouid.ics', etag: null, data: vcalendar(['BEGIN:VEVENT\nDTSTART:20240510T100000Z\nEND:VEVENT']) },
    ],
    MAY,
  );
  t.same(
    records.map((r) => r.externalId),
    ['rec-1@linkyard.test', 'rec-1@linkyard.test#2024-05-13T07:00:00Z', 'http://h.test/cal/nouid.ics'],
  );
  t.equal(records[0].href, 'http://h.test/cal/rec.ics');
  t.ok(logs.some((l) => /Duplicate/.test(l.message)) && logs.some((l) => /without UID/.test(l.message)));
});

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
      t.same(finished, [{ records: [], externalIds: [], updatedAt: [], cursor: { calendarIndex: 2 }, done: true }]);

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
