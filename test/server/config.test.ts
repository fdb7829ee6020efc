import t from 'tap';
import { loadConfig } from '../../server/src/config.js';

const KEY = Buffer.alloc(32, 1).toString('base64');
const prod = { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/linkyard', JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEY: KEY, PUBLIC_URL: 'https://linkyard.example.com' };

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
    [{ ...prod, AGENDA_BACKEND: 'mongo', MONGODB_URL: 'http://db:27017' }, /MONGODB_URL must be a mongodb:\/\/ or mongodb\+srv:\/\/ connection string/],
    [{ ...prod, AGENDA_BACKEND: 'mongo', MONGODB_URL: 'mongodb://' }, /MONGODB_URL must be a mongodb:\/\/ or mongodb\+srv:\/\/ connection string/],
    [{ ...prod, AGENDA_BACKEND: 'redis' }, /AGENDA_BACKEND must be one of postgres, mongo/],
  ];
  for (const [env, message] of cases) {
    t.throws(() => loadConfig(env), message, message.source);
    t.throws(() => loadConfig(env), { name: 'ConfigError' });
  }
});

t.test('the Agenda job store: Postgres by default, MongoDB with AGENDA_BACKEND=mongo and a MongoDB connection string', async (t) => {
  t.same(loadConfig(prod).agenda, { backend: 'postgres', mongodbUrl: null });
  for (const url of ['mongodb://127.0.0.1:27017/linkyard', 'mongodb+srv://cluster0.example.net/linkyard?retryWrites=true', 'mongodb://app:pw@db1:27017,db2:27017,db3:27017/linkyard?replicaSet=rs0&authSource=admin']) {
    t.same(loadConfig({ ...prod, AGENDA_BACKEND: 'mongo', MONGODB_URL: url }).agenda, { backend: 'mongo', mongodbUrl: url }, url);
  }
  const err = t.throws(() => loadConfig({ ...prod, AGENDA_BACKEND: 'mongo', MONGODB_URL: 'postgres://app:hunter2@db/x' })) as Error;
  t.notMatch(err.message, /hunter2/, 'the rejected value (it may hold a password) is not repeated');
});
