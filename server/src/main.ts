import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { checkDatabaseConnection, openDb, type Db } from '../../db/client.js';
import { ConfigError, loadConfig, type Config } from './config.js';

/**
 * Entry point: read config, check that DATABASE_URL answers (embedded: lock the data folder), open the
 * database (migrating it unless told not to), seed demo data into an empty development database, build
 * the app, start the scheduler, listen, and shut down gracefully on SIGTERM/SIGINT.
 * The role (ROLE or `--role`) decides the parts: `all` (default) serves the API and works the job queue,
 * `api` serves the API and only enqueues, `worker` works the queue (health routes only).
 */
async function main() {
  let config: Config;
  try {
    config = loadConfig(withRoleArgument(process.env, process.argv.slice(2)));
  } catch (err) {
    if (err instanceof ConfigError) {
      // Every problem at once, one line each: one restart to fix them all.
      for (const problem of err.problems) console.error(`Configuration error: ${problem}`);
      process.exit(1);
    }
    throw err;
  }

  // The signal handlers go in before anything needs cleaning up: until a process listens for SIGTERM the kernel's
  // default ends it on the spot, and an embedded data folder's lock would stay behind (a supervisor, or a test, signals
  // as soon as the URL is printed). A signal during start-up stops the server once it has started; a second one at once.
  let server: Pick<FastifyInstance, 'close' | 'log'> | undefined;
  let stopRequested: string | undefined;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (!server) {
      if (stopRequested) process.exit(1);
      stopRequested = signal;
      console.log(`${signal} received while starting: stopping once started (send it again to stop at once)`);
      return;
    }
    if (closing) return;
    closing = true;
    server.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000).unref();
    try {
      // Stops accepting and waits for in-flight requests; then (onClose) agenda.drain(), the runs in flight, the HTTP client.
      await server.close();
      await db.close();
      clearTimeout(force);
      process.exit(0);
    } catch (err) {
      server.log.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  // A database that does not answer stops start-up here, with its answer, instead of a server that never listens.
  if (config.databaseUrl) await checkDatabaseConnection(config.databaseUrl);
  // Embedded: this takes the data folder's lock (one process per folder) or fails naming its holder.
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (config.migrateOnStart) {
    const { migrateToLatest } = await import('../../db/migrate.js');
    const applied = await migrateToLatest(db.kysely);
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
  }
  const database = `Database: ${db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}` : 'PostgreSQL (DATABASE_URL)'}`;
  const urlOf = (address: AddressInfo | string | null) => {
    const port = typeof address === 'object' && address ? address.port : config.port;
    return `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}`;
  };

  // Each role loads only its own part of the server (the production bundle splits at these imports): a worker never
  // loads the API's routes, OpenAPI document, admin UI or their packages, nor an API process the demo seeds.
  if (config.role === 'worker') {
    const { startWorker } = await import('./worker.js');
    const worker = await startWorker({ config, db });
    server = worker;
    console.log(`\nLinkyard worker is running (health: ${urlOf(worker.server.address())}/healthz)`);
    console.log(database);
  } else {
    const seeded = await seedIfEmpty(db, config);
    const { buildApp } = await import('./app.js');
    const app = await buildApp({ config, db });
    // `all` also works the job queue; `api` only enqueues (connecting now fails fast on a bad job store).
    if (config.role === 'all') {
      await app.services.scheduler.start();
      app.services.webhookEvents.start();
      app.services.deliveries?.start();
    } else {
      await app.services.scheduler.connect();
      // Demo syncs are written straight to the database: give them their jobs now, not at the workers' next reconciliation.
      if (seeded) await app.services.scheduler.reconcileAll();
    }
    await app.listen({ host: config.host, port: config.port });
    server = app;

    const url = urlOf(app.server.address());
    console.log(
      `\nLinkyard is running at ${url}  (API docs: ${url}/docs)${config.role === 'api' ? '  [role: api; sync runs go to the workers]' : ''}`,
    );
    console.log(database);
    if (config.seedDemoOnStart || seeded) await printDemoLogins(config);
  }

  if (stopRequested) void shutdown(stopRequested);
}

/** `--role api|worker|all` (or `--role=…`) overrides ROLE; it is validated with the rest of the configuration. */
function withRoleArgument(env: NodeJS.ProcessEnv, args: string[]): NodeJS.ProcessEnv {
  const at = args.findIndex((a) => a === '--role' || a.startsWith('--role='));
  if (at === -1) return env;
  const value = args[at].startsWith('--role=') ? args[at].slice('--role='.length) : args[at + 1];
  if (!value || value.startsWith('--')) throw new ConfigError('--role needs a value: all, api or worker');
  return { ...env, ROLE: value };
}

/** A development database with no organizations gets the demo data, so every page has something to show. */
async function seedIfEmpty(db: Db, config: Config): Promise<boolean> {
  if (!config.seedDemoOnStart) return false;
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM organizations`.execute(db.kysely);
  if (rows[0].n > 0) return false;
  console.log('Empty database: seeding demo data…');
  const [{ seedDemo }, { seedDemoIntegrations }, { createVault }] = await Promise.all([
    import('./seed/demo.js'),
    import('./seed/demo-integrations.js'),
    import('./lib/crypto/index.js'),
  ]);
  const progress = (line: string) => console.log(`  ${line}`);
  await seedDemo(db, config.demoPassword, progress, config.passwordHashCost);
  await seedDemoIntegrations(db, createVault({ currentKey: config.encryptionKey, previousKeys: config.encryptionKeysPrevious }), progress);
  return true;
}

async function printDemoLogins(config: Config) {
  const { DEMO_LOGINS } = await import('./seed/demo.js');
  const password = process.env.DEMO_PASSWORD ? '(the value of DEMO_PASSWORD)' : config.demoPassword;
  console.log(`\nDemo logins (password: ${password}):`);
  for (const l of DEMO_LOGINS) console.log(`  ${l.email.padEnd(22)} ${l.role}`);
  console.log('');
}

main().catch((err) => {
  console.error('Linkyard failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
