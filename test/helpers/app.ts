import { Writable } from 'node:stream';
import pino from 'pino';
import type { Test } from 'tap';
import { buildApp, type App } from '../../server/src/app.js';
import type { Config } from '../../server/src/config.js';
import { loggerOptions } from '../../server/src/lib/logger.js';
import { seedDemo } from '../../server/src/seed/demo.js';
import { testConfig } from './config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export { testConfig };

export const DEMO_PASSWORD = 'linkyard-demo-test';

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
