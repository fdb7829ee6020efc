import { Writable } from 'node:stream';
import pino from 'pino';
import type { Test } from 'tap';
import { buildApp, type App } from '../../server/src/app.js';
import { loadConfig, type Config } from '../../server/src/config.js';
import { loggerOptions } from '../../server/src/lib/logger.js';
import { seedDemo } from '../../server/src/seed/demo.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const DEMO_PASSWORD = 'linkyard-demo-test';
const TEST_KEY = Buffer.alloc(32, 7).toString('base64');

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    JWT_SECRET: 'test-secret-that-is-at-least-32-characters-long',
    ENCRYPTION_KEY: TEST_KEY,
    DATA_DIR: '/tmp/linkyard-test-unused',
    LOG_LEVEL: 'info',
    // Cheap hashes keep each file's seeding fast; the hashing itself is the same code.
    PASSWORD_HASH_COST: '10',
    // Generous limits: the tests about limits lower them explicitly.
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    RATE_LIMIT_ORG_PER_MINUTE: '100000',
    RATE_LIMIT_LOGIN_IP_PER_MINUTE: '100000',
    RATE_LIMIT_LOGIN_ACCOUNT_PER_MINUTE: '100000',
    ...overrides,
  });
}

export interface TestContext {
  app: App;
  config: Config;
  database: TestDatabase;
  /** Every log line the app wrote, as raw JSON text (the secret-canary tests search it). */
  logs: string[];
  orgs: Record<'acme' | 'globex', string>;
  /** Signs in and returns an Authorization header value. */
  bearer(email: string, password?: string): Promise<string>;
}

/** A migrated, demo-seeded database and an app built on it, torn down when the test ends. */
export async function createTestApp(t: Test, options: { env?: Record<string, string>; seed?: boolean } = {}): Promise<TestContext> {
  const database = await createTestDatabase();
  const config = testConfig(options.env);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(chunk.toString());
      cb();
    },
  });
  if (options.seed !== false) await seedDemo(database.db, DEMO_PASSWORD, undefined, config.passwordHashCost);
  // The production logger options (redaction, URL masking), writing into `logs`.
  const app = await buildApp({
    config,
    db: database.db,
    logger: pino(loggerOptions(config.logLevel) as pino.LoggerOptions, sink) as never,
  });
  await app.ready();
  t.teardown(async () => {
    await app.close();
    await database.close();
  });
  const orgRows = await database.db.kysely.selectFrom('organizations').select(['id', 'slug']).execute();
  const orgs = Object.fromEntries(orgRows.map((o) => [o.slug, o.id])) as TestContext['orgs'];
  const tokens = new Map<string, string>();
  return {
    app,
    config,
    database,
    logs,
    orgs,
    async bearer(email, password = DEMO_PASSWORD) {
      const cached = tokens.get(email);
      if (cached) return cached;
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
      if (res.statusCode !== 200) throw new Error(`login as ${email} failed: ${res.statusCode} ${res.body}`);
      const header = `Bearer ${res.json().accessToken}`;
      tokens.set(email, header);
      return header;
    },
  };
}
