/**
 * FeedCursors (server/src/modules/change-feed/feed-cursor.ts) writes the change feed's cursors from a position's
 * digits. Clients keep the cursors they were given, so these must stay the bytes the feed has always issued: the
 * base64url of `["<integration>","<resource>",` padded with spaces to whole 3-byte groups, then `<position>]` padded
 * in front with spaces to 21 bytes, encoded together (the formula below, as the service and Postgres wrote it).
 */
import t from 'tap';
import { FeedCursors } from '../../../../server/src/modules/change-feed/feed-cursor.js';
import type { FeedKey } from '../../../../server/src/modules/change-feed/change-feed.repo.js';

function expectedCursor(feed: FeedKey, position: bigint | number): string {
  const json = JSON.stringify([feed.integrationId, feed.resource]).slice(0, -1) + ',';
  const prefix = json + ' '.repeat((3 - (Buffer.byteLength(json) % 3)) % 3);
  return Buffer.from(prefix + `${position}]`.padStart(21)).toString('base64url');
}

const feeds: FeedKey[] = [
  { orgId: 'o', integrationId: '0190a3b2-7c4d-7e5f-8a6b-9c0d1e2f3a4b', resource: 'customers' },
  { orgId: 'o', integrationId: 'ffffffff-ffff-7fff-bfff-ffffffffffff', resource: 'a' },
  { orgId: 'o', integrationId: '00000000-0000-7000-8000-000000000000', resource: 'ab' },
  // Quotes, a backslash and characters of 2 to 4 UTF-8 bytes: the prefix's padding counts bytes, not characters.
  { orgId: 'o', integrationId: '0190a3b2-7c4d-7e5f-8a6b-9c0d1e2f3a4b', resource: 'q"\\é€🦄?>~' },
];

/** Positions at every digit count's edges, from 0 to the largest bigint, and a spread between. */
function positions(): bigint[] {
  const out = new Set<bigint>([0n, 1n, 2n, BigInt(Number.MAX_SAFE_INTEGER), BigInt(Number.MAX_SAFE_INTEGER) + 1n, 2n ** 63n - 1n]);
  for (let power = 1n; power < 10n ** 19n; power *= 10n) for (const d of [-1n, 0n, 1n]) out.add(power + d);
  let seed = 12345n;
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) % 2n ** 63n;
    out.add(seed >> BigInt(i % 60));
  }
  return [...out].filter((p) => p >= 0n);
}

t.test('the cursors are byte for byte the ones the feed has always issued, for every digit count', async (t) => {
  const target = Buffer.alloc(256);
  const wrong: string[] = [];
  let checked = 0;
  for (const feed of feeds) {
    const cursors = new FeedCursors(feed);
    for (const position of positions()) {
      // The digits somewhere inside a larger buffer, as they arrive from Postgres.
      const digits = Buffer.from(`{${position}{`, 'latin1');
      target.fill(0x78);
      const written = cursors.write(digits, 1, digits.length - 1, target, 7);
      const cursor = target.toString('latin1', 7, 7 + written);
      const intact = target[6] === 0x78 && target[7 + written] === 0x78;
      if (cursor !== expectedCursor(feed, position) || !intact) wrong.push(`${feed.resource} ${position}: ${cursor}`);
      checked++;
    }
    t.equal(cursors.of(Number.MAX_SAFE_INTEGER), expectedCursor(feed, Number.MAX_SAFE_INTEGER), 'of(): the same cursor');
    t.equal(cursors.of(0), expectedCursor(feed, 0), 'of(0): the cursor of a feed’s start');
  }
  t.same(wrong, [], 'every cursor as expected, nothing written around it');
  t.equal(checked, feeds.length * positions().length, `${checked} cursors checked`);
});

t.test('the cursor decodes to the feed and the position', async (t) => {
  const feed = feeds[3];
  const cursor = new FeedCursors(feed).of(9_007_199_254_740_991);
  t.same(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), [feed.integrationId, feed.resource, 9_007_199_254_740_991]);
});

t.test('a position without digits, or with more than a bigint has, is refused', async (t) => {
  const cursors = new FeedCursors(feeds[0]);
  const target = Buffer.alloc(256);
  t.throws(() => cursors.write(Buffer.from('{'), 0, 0, target, 0), /0 digits/);
  const long = Buffer.from('1'.repeat(21));
  t.throws(() => cursors.write(long, 0, long.length, target, 0), /21 digits/);
});
