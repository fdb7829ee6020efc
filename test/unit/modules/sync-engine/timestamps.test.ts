import t from 'tap';
import { formatSince, normaliseTimestamp } from '../../../../server/src/modules/sync-engine/timestamps.js';

t.test('timestamps and since formats', async (t) => {
  t.equal(normaliseTimestamp('2024-05-01T12:00:00.000+0000'), '2024-05-01T12:00:00.000Z');
  t.equal(normaliseTimestamp('2024-05-01T12:00:00'), '2024-05-01T12:00:00.000Z', 'zone-less reads as UTC');
  t.equal(normaliseTimestamp(1714564800, 'unix_seconds'), '2024-05-01T12:00:00.000Z');
  t.equal(normaliseTimestamp('1714564800000', 'unix_ms'), '2024-05-01T12:00:00.000Z');
  t.equal(normaliseTimestamp('not a date'), null);
  t.equal(normaliseTimestamp(42), null);

  const since = '2024-05-01T12:00:00.500Z';
  t.equal(formatSince(since, 'iso8601'), '2024-05-01T12:00:00Z');
  t.equal(formatSince(since, 'iso8601', 60), '2024-05-01T11:59:00Z');
  t.equal(formatSince(since, 'unix_seconds'), '1714564800');
  t.equal(formatSince(since, 'unix_ms'), '1714564800500');
  t.equal(formatSince(since, 'date', 24 * 3600), '2024-04-30');
  t.equal(formatSince(since, 'jql_relative_minutes', 0, Date.parse(since) + 89.5 * 60_000), '-91m', 'rounded up, plus a minute');
});
