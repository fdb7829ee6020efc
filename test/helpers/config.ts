import { loadConfig, type Config } from '../../server/src/config.js';

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
