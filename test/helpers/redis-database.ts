import { Redis } from 'ioredis';

/**
 * A Redis logical database (1–15) of the test's own, claimed for as long as it runs, on the Redis in TEST_REDIS_URL
 * (default 127.0.0.1:6379), as test/helpers/database.ts gives each file a Postgres database of its own: the
 * processes a test starts get its URL as REDIS_URL, so their counters (rate limits under the fixed `linkyard-rl:`
 * namespace, keyed by login IP and email among others) never meet those of another file or another checkout's run.
 * The claim is a key set with NX in that database (it expires, so a killed test frees its database within
 * CLAIM_TTL_S); the database is emptied when claimed and at release.
 */
export interface TestRedis {
  /** redis://host:port/<db>, for REDIS_URL. */
  url: string;
  /** The same database, for the test to look into. */
  client: Redis;
  release(): Promise<void>;
}

const CLAIM_KEY = 'linkyard-test:claimed-by';
const CLAIM_TTL_S = 900;

export const testRedisUrl = () => process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether a Redis answers at TEST_REDIS_URL. */
export async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 2000 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export async function claimTestRedis(): Promise<TestRedis> {
  const base = new URL(testRedisUrl());
  const owner = `pid ${process.pid} at ${new Date().toISOString()}`;
  for (let db = 1; db <= 15; db++) {
    const u = new URL(base);
    u.pathname = `/${db}`;
    const client = new Redis(u.toString(), { maxRetriesPerRequest: 1 });
    if ((await client.set(CLAIM_KEY, owner, 'EX', CLAIM_TTL_S, 'NX')) === 'OK') {
      // Whatever an earlier, killed run left behind goes; the claim stays.
      await client.flushdb();
      await client.set(CLAIM_KEY, owner, 'EX', CLAIM_TTL_S);
      return {
        url: u.toString(),
        client,
        async release() {
          await client.flushdb();
          client.disconnect();
        },
      };
    }
    client.disconnect();
  }
  throw new Error(`no free Redis database on ${testRedisUrl()}: 1–15 are all claimed by running tests (key ${CLAIM_KEY})`);
}
