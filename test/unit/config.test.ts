import t from 'tap';
import { ConfigError, loadConfig } from '../../server/src/config.js';
import { testConfig } from '../helpers/config.js';

const KEY = Buffer.alloc(32, 1).toString('base64');
const prod = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db/linkyard',
  JWT_SECRET: 'x'.repeat(40),
  ENCRYPTION_KEY: KEY,
  PUBLIC_URL: 'https://linkyard.example.com',
};

t.test('a valid production config loads', async (t) => {
  const c = loadConfig(prod);
  t.equal(c.nodeEnv, 'production');
  t.equal(c.port, 3000);
  t.equal(c.publicUrl, 'https://linkyard.example.com');
  t.equal(c.sso, null);
});

t.test('bad or missing values name the variable and what is expected', async (t) => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ ...prod, DATABASE_URL: '' }, /DATABASE_URL is required when NODE_ENV=production/],
    [{ ...prod, JWT_SECRET: '' }, /JWT_SECRET is required/],
    [{ ...prod, JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32 characters/],
    [{ ...prod, ENCRYPTION_KEY: 'abc' }, /ENCRYPTION_KEY must be 32 bytes/],
    [{ ...prod, PUBLIC_URL: 'http://linkyard.example.com' }, /PUBLIC_URL must be an https:\/\/ URL/],
    [{ ...prod, PORT: 'eighty' }, /PORT must be a whole number from 0 to 65535, got "eighty"/],
    [{ ...prod, ROLE: 'boss' }, /ROLE must be one of all, api, worker/],
    [{ ...prod, ALLOW_PRIVATE_NETWORK_TARGETS: 'true' }, /must not be true when NODE_ENV=production/],
    [{ ...prod, TRUST_PROXY: 'maybe' }, /TRUST_PROXY must be true or false/],
    [{ ...prod, SSO_ISSUER: 'https://idp.example.com' }, /SSO_CLIENT_ID is required/],
    [{ ...prod, REDIS_URL: 'not a url' }, /REDIS_URL must be a URL/],
    [{ ...prod, NODE_ENV: 'staging' }, /NODE_ENV must be one of development, test, production/],
    [{ ...prod, AGENDA_BACKEND: 'mongo' }, /MONGODB_URL is required when AGENDA_BACKEND=mongo/],
    [
      { ...prod, AGENDA_BACKEND: 'mongo', MONGODB_URL: 'http://db:27017' },
      /MONGODB_URL must be a mongodb:\/\/ or mongodb\+srv:\/\/ connection string/,
    ],
    [
      { ...prod, AGENDA_BACKEND: 'mongo', MONGODB_URL: 'mongodb://' },
      /MONGODB_URL must be a mongodb:\/\/ or mongodb\+srv:\/\/ connection string/,
    ],
    [{ ...prod, AGENDA_BACKEND: 'redis' }, /AGENDA_BACKEND must be one of postgres, mongo/],
  ];
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), message, message.source);
    t.throws(() => loadConfig(env), { name: 'ConfigError' });
  }
});

t.test('an empty variable reads as unset; booleans also take yes/no and 1/0', async (t) => {
  const c = loadConfig({ ...prod, PORT: '', LOG_LEVEL: '', TRUST_PROXY: 'yes', MIGRATE_ON_START: '1' });
  t.equal(c.port, 3000);
  t.equal(c.logLevel, 'info');
  t.equal(c.trustProxy, true);
  t.equal(c.migrateOnStart, true);
  t.equal(loadConfig({ ...prod, NODE_ENV: 'test', DATABASE_URL: '', SEED_DEMO_ON_START: 'No' }).seedDemoOnStart, false);
});

t.test('the Agenda job store: Postgres by default, MongoDB with AGENDA_BACKEND=mongo and a MongoDB connection string', async (t) => {
  t.same(loadConfig(prod).agenda, { backend: 'postgres', mongodbUrl: null });
  for (const url of [
    'mongodb://127.0.0.1:27017/linkyard',
    'mongodb+srv://cluster0.example.net/linkyard?retryWrites=true',
    'mongodb://app:pw@db1:27017,db2:27017,db3:27017/linkyard?replicaSet=rs0&authSource=admin',
  ]) {
    t.same(loadConfig({ ...prod, AGENDA_BACKEND: 'mongo', MONGODB_URL: url }).agenda, { backend: 'mongo', mongodbUrl: url }, url);
  }
  const err = t.throws(() => loadConfig({ ...prod, AGENDA_BACKEND: 'mongo', MONGODB_URL: 'postgres://app:hunter2@db/x' })) as Error;
  t.notMatch(err.message, /hunter2/, 'the rejected value (it may hold a password) is not repeated');
});

t.test('every problem is reported at once, one line each', async (t) => {
  const err = t.throws(() => loadConfig({ NODE_ENV: 'production' }), { name: 'ConfigError' }) as ConfigError;
  t.equal(err.problems.length, 4, err.message);
  for (const [i, name] of ['DATABASE_URL', 'JWT_SECRET', 'ENCRYPTION_KEY', 'PUBLIC_URL'].entries()) {
    t.match(err.problems[i], new RegExp(`^${name} `), `${name} is reported`);
  }
  t.same(err.message.split('\n'), err.problems, 'the message is one line per problem');

  const numbers = t.throws(() => loadConfig({ ...prod, PORT: 'eighty', WORKER_CONCURRENCY: '0' })) as ConfigError;
  t.same(numbers.problems, [
    'PORT must be a whole number from 0 to 65535, got "eighty"',
    'WORKER_CONCURRENCY must be a whole number from 1 to 64, got "0"',
  ]);
  const mixed = t.throws(() =>
    loadConfig({ ...prod, JWT_SECRET: 'short', TRUST_PROXY: 'maybe', LOG_LEVEL: 'loud', SSO_ISSUER: 'https://idp.example.com' }),
  ) as ConfigError;
  t.equal(mixed.problems.length, 5, mixed.message);
});

t.test('DATABASE_URL must be a postgres:// or postgresql:// connection string', async (t) => {
  t.equal(loadConfig({ ...prod, DATABASE_URL: 'postgresql://app@db:5432/linkyard' }).databaseUrl, 'postgresql://app@db:5432/linkyard');
  for (const url of ['mysql://x', 'http://db/linkyard', 'postgres:/db']) {
    const err = t.throws(() => loadConfig({ ...prod, DATABASE_URL: url }), { name: 'ConfigError' }) as ConfigError;
    t.match(err.message, /^DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection string/, url);
  }
  const err = t.throws(() => loadConfig({ ...prod, DATABASE_URL: 'mysql://app:hunter2@db/x' })) as Error;
  t.notMatch(err.message, /hunter2/, 'the rejected value (it may hold a password) is not repeated');
});

t.test('configuration: process roles and worker settings are checked up front', async (t) => {
  t.throws(() => testConfig({ ROLE: 'worker' }), /ROLE=worker needs DATABASE_URL/);
  t.throws(() => testConfig({ WORKER_LOCK_LIFETIME_SECONDS: '1' }), /WORKER_LOCK_LIFETIME_SECONDS must be a whole number from 5 to 600/);
  t.match(testConfig({ ROLE: 'api', DATABASE_URL: 'postgres://db/x', WORKER_CONCURRENCY: '8' }), {
    role: 'api',
    worker: { concurrency: 8, lockLifetimeMs: 30_000 },
  });
});
