/**
 * ChangePageStream (server/src/modules/change-feed/change-page.ts) writes a page of the change feed as its items'
 * JSON arrives (each after its position's digits, up to its cursor's value): these pin the bytes it sends (the page
 * parses, items in order, each with its position's cursor, the next cursor the last item's, hasMore after the
 * `limit`-th) whatever the items' sizes and however the caller's buffer is reused afterwards.
 */
import t from 'tap';
import { ChangePageStream } from '../../../../server/src/modules/change-feed/change-page.js';
import { FeedCursors } from '../../../../server/src/modules/change-feed/feed-cursor.js';

/** A feed's cursors (feed-cursor.test.ts pins their bytes). */
const cursors = new FeedCursors({ orgId: 'o', integrationId: '0190a3b2-7c4d-7e5f-8a6b-9c0d1e2f3a4b', resource: 'customers' });

/** A small deterministic generator (the sizes vary from page to page, the same on every run). */
function random(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
}

async function writePage(items: Buffer[], limit: number, yieldEvery = 0) {
  const page = new ChangePageStream(limit, cursors, 'customers');
  const parts: Buffer[] = [];
  page.on('data', (chunk: Buffer) => parts.push(chunk));
  const ended = new Promise((resolve) => page.on('end', resolve));
  // The caller's buffer (the database connection's) is reused after each item.
  const scratch = Buffer.alloc(512 * 1024);
  for (const [i, item] of items.entries()) {
    const at = i % 97;
    item.copy(scratch, at);
    page.item(scratch, at, at + item.length);
    scratch.fill('"cursor":"9');
    if (yieldEvery && i % yieldEvery === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  page.finish();
  await ended;
  return {
    parts,
    json: JSON.parse(Buffer.concat(parts).toString('utf8')) as {
      items: { n: number; cursor: string }[];
      nextCursor: string;
      hasMore: boolean;
    },
  };
}

/** Item `n` as Postgres sends it: its position's digits (positions far apart: 1,000,003 n), its JSON up to the cursor's value. */
const positionOf = (n: number) => 1_000_003 * n;
const item = (n: number, pad: number) =>
  Buffer.from(`${positionOf(n)}${JSON.stringify({ n, text: 'é🦄'.repeat(pad) }).slice(0, -1)},"cursor":"`);

t.test('pages of every size: the items in order, the last one’s cursor next, hasMore past the limit', async (t) => {
  const next = random(7);
  for (let k = 0; k < 150; k++) {
    const count = 1 + Math.floor(next() * 1100);
    const items = Array.from({ length: count }, (_, n) => item(n, Math.floor(next() * 200)));
    const { json } = await writePage(items, 1000, k % 3 === 0 ? 50 : 0);
    const sent = Math.min(count, 1000);
    t.equal(json.items.length, sent);
    t.ok(
      json.items.every((it, n) => it.n === n),
      'in order',
    );
    t.ok(
      json.items.every((it, n) => it.cursor === cursors.of(positionOf(n))),
      "each item's cursor, of its position",
    );
    // Once the cursor was looked for past the last item too, in bytes not written yet: a stale `"cursor":"` there
    // made nextCursor empty and the follower start over (writePage fills the caller's buffer with such bytes).
    t.equal(json.nextCursor, cursors.of(positionOf(sent - 1)), 'the next cursor is the last item’s');
    t.equal(json.hasMore, count > 1000);
  }
});

t.test('a large page goes out in pieces, none of them a single item', async (t) => {
  const items = Array.from({ length: 1000 }, (_, n) => item(n, 40));
  const { parts, json } = await writePage(items, 1000);
  t.equal(json.items.length, 1000);
  t.ok(parts.length > 1, `in ${parts.length} pieces`);
  t.ok(parts.length < 100, 'gathered, not one write per item');
});

t.test('an item larger than a chunk', async (t) => {
  const { json } = await writePage([item(0, 5), item(1, 40_000), item(2, 5)], 10);
  t.same(
    json.items.map((it) => it.n),
    [0, 1, 2],
  );
  t.equal(json.nextCursor, cursors.of(positionOf(2)));
  t.equal(json.hasMore, false);
});

t.test('destroyed after it started: the stream errors and takes no more items', async (t) => {
  const page = new ChangePageStream(1000, cursors, 'customers');
  const parts: Buffer[] = [];
  page.on('data', (chunk: Buffer) => parts.push(chunk));
  const failed = new Promise<Error>((resolve) => page.on('error', resolve));
  const one = item(1, 10);
  page.item(one, 0, one.length);
  await page.started;
  page.destroy(new Error('connection lost'));
  page.item(one, 0, one.length);
  page.finish();
  t.match((await failed).message, 'connection lost');
  t.throws(() => JSON.parse(Buffer.concat(parts).toString('utf8')), 'what was sent is not a page');
});
