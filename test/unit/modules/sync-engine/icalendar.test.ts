import t from 'tap';
import {
  CalDavError,
  objectsToRecords,
  parseMultistatus,
  parseXml,
  xmlBytes,
  xmlText,
} from '../../../../server/src/modules/sync-engine/caldav-connector.js';
import {
  parseContentLine,
  parseDuration,
  parseEvents,
  parseICalendar,
  splitTextList,
  unescapeText,
  unfoldLines,
} from '../../../../server/src/modules/sync-engine/icalendar.js';
import { crlf, vcalendar } from '../../../fixtures/caldav-server.js';
import {
  ALLDAY_EVENT,
  BERLIN,
  BERLIN_EVENT,
  DURATION_EVENT,
  FOLDED_EVENT,
  MAY,
  OLD_ALLDAY_EVENT,
  SERIES,
  UTC_EVENT,
} from '../../../fixtures/calendar-samples.js';

interface LogEntry {
  level: string;
  message: string;
  data?: Record<string, unknown>;
}

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
    // In the spring gap: the offset before it (RFC 5545 §3.3.5; ical.js, like libical, takes the one after).
    ['20240331T023000', '2024-03-31T01:30:00Z'],
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
  // Refused in the one parsing pass (fast-xml-parser's parser accepts all three; only its separate validator does not).
  t.throws(() => parseXml('<a><b>'), /unclosed <b>/);
  t.throws(() => parseXml('<a/><b/>'), /more than one root element/);
  t.throws(() => parseXml('junk<a/>'), /text outside the root element/);
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
