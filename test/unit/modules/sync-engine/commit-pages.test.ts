import t from 'tap';
import { commitEveryPage } from '../../../../server/src/modules/sync-engine/execute-run.js';
import type { SourcePage } from '../../../../server/src/modules/sync-engine/page-source.js';

const page = (n: number, done: boolean): SourcePage => ({ records: [n], externalIds: [String(n)], updatedAt: [null], cursor: n, done });

async function* listing(count: number, complete: boolean) {
  for (let n = 1; n <= count; n++) yield page(n, complete && n === count);
}

t.test('the next page is prepared while this one commits; commits stay in order, one at a time', async (t) => {
  const events: string[] = [];
  let releaseCommit: (() => void) | null = null;
  const run = commitEveryPage(
    listing(3, true),
    (p) => {
      events.push(`prepare ${p.cursor}`);
      return p.cursor as number;
    },
    (n) => {
      events.push(`commit ${n} begins`);
      return new Promise<void>((resolve) => {
        releaseCommit = () => {
          events.push(`commit ${n} ends`);
          resolve();
        };
      });
    },
  );
  // Let page 1's commit start and page 2's fetch settle, then finish the commits one by one.
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setImmediate(r));
    releaseCommit!();
  }
  t.same(await run, { lastCursor: 3, complete: true, ended: false });
  t.same(events, [
    'prepare 1',
    'commit 1 begins',
    'prepare 2',
    'commit 1 ends',
    'commit 2 begins',
    'prepare 3',
    'commit 2 ends',
    'commit 3 begins',
    'commit 3 ends',
  ]);
});

t.test(
  'a listing that ends without a last page is not complete; a failed preparation fails the run after the commit before it',
  async (t) => {
    t.same(
      await commitEveryPage(
        listing(2, false),
        (p) => p,
        async () => {},
      ),
      { lastCursor: 2, complete: false, ended: false },
    );
    const committed: unknown[] = [];
    await t.rejects(
      commitEveryPage(
        listing(3, true),
        (p) => {
          if (p.cursor === 2) throw new Error('page 2 does not map');
          return p.cursor;
        },
        async (n) => void committed.push(n),
      ),
      { message: 'page 2 does not map' },
    );
    t.same(committed, [1], 'page 1 was committed; nothing after the page that failed');
  },
);

t.test(
  'with commitLast, the last page of a complete listing goes there instead (it ends the run); an incomplete one never does',
  async (t) => {
    const events: string[] = [];
    const commit = async (n: unknown) => void events.push(`commit ${String(n)}`);
    const commitLast = async (n: unknown) => void events.push(`commit last ${String(n)}`);
    t.same(await commitEveryPage(listing(3, true), (p) => p.cursor, commit, commitLast), { lastCursor: 3, complete: true, ended: true });
    t.same(events, ['commit 1', 'commit 2', 'commit last 3']);
    events.length = 0;
    t.same(await commitEveryPage(listing(2, false), (p) => p.cursor, commit, commitLast), { lastCursor: 2, complete: false, ended: false });
    t.same(events, ['commit 1', 'commit 2'], 'no page was the last: the run ends on its own');
  },
);
