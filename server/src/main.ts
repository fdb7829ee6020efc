import { sql } from 'kysely';
import { openDb, type Db } from '../../db/client.js';
import { migrateToLatest } from '../../db/migrate.js';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DEMO_LOGINS, seedDemo } from './seed/demo.js';
import { seedDemoIntegrations } from './seed/demo-integrations.js';
import { createVault } from './lib/crypto/index.js';

/**
 * Entry point: read config, open the database (migrating it unless told not to), seed demo data into
 * an empty development database, build the app, listen, and shut down gracefully on SIGTERM/SIGINT.
 */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }

  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (config.migrateOnStart) {
    const applied = await migrateToLatest(db.kysely);
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  }
  const seeded = await seedIfEmpty(db, config);

  const app = await buildApp({ config, db });
  await app.listen({ host: config.host, port: config.port });

  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  console.log(`\nLinkyard is running at ${url}  (API docs: ${url}/docs)`);
  console.log(`Database: ${db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`);
  if (config.seedDemoOnStart || seeded) printDemoLogins(config);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      await app.close(); // stops accepting, waits for in-flight requests
      await db.close();
      clearTimeout(force);
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** A development database with no organizations gets the demo data, so every page has something to show. */
async function seedIfEmpty(db: Db, config: Config): Promise<boolean> {
  if (!config.seedDemoOnStart) return false;
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM organizations`.execute(db.kysely);
  if (rows[0].n > 0) return false;
  console.log('Empty database: seeding demo data…');
  const progress = (line: string) => console.log(`  ${line}`);
  await seedDemo(db, config.demoPassword, progress, config.passwordHashCost);
  await seedDemoIntegrations(db, createVault({ currentKey: config.encryptionKey, previousKeys: config.encryptionKeysPrevious }), progress);
  return true;
}

function printDemoLogins(config: Config) {
  const password = process.env.DEMO_PASSWORD ? '(the value of DEMO_PASSWORD)' : config.demoPassword;
  console.log(`\nDemo logins (password: ${password}):`);
  for (const l of DEMO_LOGINS) console.log(`  ${l.email.padEnd(22)} ${l.role}`);
  console.log('');
}

main().catch((err) => {
  console.error('Linkyard failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
