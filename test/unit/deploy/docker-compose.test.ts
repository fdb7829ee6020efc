// docker-compose.yml and the Dockerfile cannot run here (no Docker engine in CI), so what can be checked without one
// is checked: the compose file parses, describes the scale-out topology the README promises (the one
// test/integration/scale-out.test.ts runs as local processes), and gives every Linkyard process an environment that
// the server's own configuration loader accepts as a production configuration.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse } from 'yaml';
import { loadConfig } from '../../../server/src/config.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    { image?: string; build?: string; command?: string[]; environment?: Record<string, string>; profiles?: string[] }
  >;
};

/** Compose's `${NAME:-default}` interpolation with nothing set in the shell: the default. */
const interpolate = (value: string) => String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');

const linkyardServices = Object.entries(compose.services).filter(([, s]) => s.image === 'linkyard:local');

t.test('the compose file describes two API and two worker processes of one image, after a migration', async (t) => {
  const roles = Object.fromEntries(linkyardServices.map(([name, s]) => [name, s.environment?.ROLE ?? null]));
  t.same(roles, { migrate: null, 'api-1': 'api', 'api-2': 'api', 'worker-1': 'worker', 'worker-2': 'worker' });
  for (const [name, s] of linkyardServices) t.equal(s.build, '.', `${name} is built from the Dockerfile`);
  t.same(compose.services.migrate!.command, ['npm', 'run', 'migrate']);
  t.ok(compose.services.postgres && compose.services.redis, 'Postgres and Redis are services of the stack');
});

t.test("every Linkyard process's environment is a valid production configuration", async (t) => {
  for (const [name, s] of linkyardServices) {
    const env = Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(v)]));
    const config = loadConfig(env);
    t.equal(config.nodeEnv, 'production', `${name} runs in production mode`);
    t.ok(config.databaseUrl?.startsWith('postgres://'), `${name} shares the Postgres database`);
    t.ok(env.REDIS_URL, `${name} shares rate limits through Redis`);
  }
});

t.test('the Dockerfile copies files that exist and starts with npm start', async (t) => {
  const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const sources = [...dockerfile.matchAll(/^COPY (.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/)).filter((s) => s !== '.');
  t.ok(sources.length > 0, 'the Dockerfile copies files');
  for (const source of sources) t.ok(existsSync(path.join(root, source)), `${source} exists`);
  t.match(dockerfile, /^RUN npm run build$/m, 'the image holds the production build');
  t.match(dockerfile, /^CMD \["npm", "start"\]$/m);
});
