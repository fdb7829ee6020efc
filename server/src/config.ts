import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * One typed, validated configuration object read from the environment.
 * A bad or missing value stops start-up with a message naming the variable and what it expects.
 */
export interface Config {
  nodeEnv: 'development' | 'test' | 'production';
  host: string;
  port: number;
  publicUrl: string;
  role: 'all' | 'api' | 'worker';
  databaseUrl: string | null;
  dataDir: string;
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  encryptionKey: string;
  /** Retired master keys that still unwrap data keys until rotate-encryption-key has re-wrapped them. */
  encryptionKeysPrevious: string[];
  redisUrl: string | null;
  logLevel: string;
  demoPassword: string;
  rateLimit: { perUserPerMinute: number; perOrgPerMinute: number; loginPerIpPerMinute: number; loginPerAccountPerMinute: number };
  trustProxy: boolean;
  allowPrivateNetworkTargets: boolean;
  sso: { issuer: string; clientId: string; clientSecret: string; name: string } | null;
  bodyLimitBytes: number;
  /** log2 of scrypt's N for new password hashes. */
  passwordHashCost: number;
  /** Apply pending migrations when the server starts (default: outside production). */
  migrateOnStart: boolean;
  /** Seed the demo data into an empty database at start (never in production). */
  seedDemoOnStart: boolean;
  /** Where Agenda keeps its jobs: the Postgres database (default) or MongoDB. */
  agenda: { backend: 'postgres' | 'mongo'; mongodbUrl: string | null };
  /**
   * How the admin UI is served: 'build' renders the production build of admin-ui/ (npm run build:ui);
   * 'vite' compiles it on demand through Vite's middleware (development, hot reload); 'off' serves the API only.
   */
  adminUi: 'build' | 'vite' | 'off';
  worker: {
    /** Sync runs one process executes at once (per job type). */
    concurrency: number;
    /** Agenda lock lifetime; a dead worker's runs are taken over after about this long. */
    lockLifetimeMs: number;
    /** How often a worker looks for due jobs (Postgres also wakes it by LISTEN/NOTIFY). */
    pollMs: number;
  };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

function str(env: Env, name: string, fallback?: string): string {
  const v = env[name];
  if (v === undefined || v === '') {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`${name} is required`);
  }
  return v;
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return n;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!allowed.includes(raw as T)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function url(env: Env, name: string, fallback: string | null): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  try {
    new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be a URL, got something that is not`);
  }
  return raw;
}

/** A 32-byte key, base64 or hex encoded. */
function isKey(value: string): boolean {
  const b64 = Buffer.from(value, 'base64');
  if (b64.length === 32 && /^[A-Za-z0-9+/=_-]+$/.test(value)) return true;
  return /^[0-9a-fA-F]{64}$/.test(value);
}

/**
 * In development the embedded mode keeps its generated secrets in DATA_DIR so a restart keeps
 * sessions and encrypted data readable. Production must set them explicitly.
 */
function devSecret(dataDir: string, file: string): string {
  const p = path.join(dataDir, file);
  if (existsSync(p)) return readFileSync(p, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const value = randomBytes(32).toString('base64');
  writeFileSync(p, value + '\n', { mode: 0o600 });
  return value;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const production = nodeEnv === 'production';
  const dataDir = path.resolve(str(env, 'DATA_DIR', '.data'));
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = str(env, 'HOST', '127.0.0.1');
  const databaseUrl = url(env, 'DATABASE_URL', null);
  if (production && !databaseUrl) throw new ConfigError('DATABASE_URL is required when NODE_ENV=production (the embedded PGlite database is for development)');

  const jwtSecret = production ? str(env, 'JWT_SECRET') : env.JWT_SECRET || devSecret(dataDir, 'jwt-secret');
  if (jwtSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  const encryptionKey = production ? str(env, 'ENCRYPTION_KEY') : env.ENCRYPTION_KEY || devSecret(dataDir, 'encryption-key');
  if (!isKey(encryptionKey)) throw new ConfigError('ENCRYPTION_KEY must be 32 bytes, base64 or hex encoded (generate one with: openssl rand -base64 32)');
  const encryptionKeysPrevious = (env.ENCRYPTION_KEY_PREVIOUS ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  encryptionKeysPrevious.forEach((k, i) => {
    if (!isKey(k)) throw new ConfigError(`ENCRYPTION_KEY_PREVIOUS must be a comma-separated list of 32-byte keys, base64 or hex encoded; entry ${i + 1} is not`);
  });

  const publicUrl = url(env, 'PUBLIC_URL', `http://localhost:${port}`)!;
  if (production && !publicUrl.startsWith('https://')) throw new ConfigError('PUBLIC_URL must be an https:// URL when NODE_ENV=production');

  const ssoIssuer = url(env, 'SSO_ISSUER', null);
  let sso: Config['sso'] = null;
  if (ssoIssuer) {
    sso = {
      issuer: ssoIssuer,
      clientId: str(env, 'SSO_CLIENT_ID'),
      clientSecret: str(env, 'SSO_CLIENT_SECRET'),
      name: str(env, 'SSO_NAME', 'Single sign-on'),
    };
  }

  const role = oneOf(env, 'ROLE', ['all', 'api', 'worker'] as const, 'all');
  if (role !== 'all' && !databaseUrl) {
    throw new ConfigError(`ROLE=${role} needs DATABASE_URL: the embedded PGlite database serves a single process, so run ROLE=all (the default) or point every process at one Postgres`);
  }
  const agendaBackend = oneOf(env, 'AGENDA_BACKEND', ['postgres', 'mongo'] as const, 'postgres');
  const mongodbUrl = env.MONGODB_URL || null;
  if (agendaBackend === 'mongo' && !mongodbUrl) throw new ConfigError('MONGODB_URL is required when AGENDA_BACKEND=mongo');
  // Not `new URL()`: a replica-set connection string lists several host:port pairs, which WHATWG URLs refuse.
  if (mongodbUrl && !/^mongodb(\+srv)?:\/\/[^\s/?#]+(\/[^\s?#]*)?(\?\S*)?$/.test(mongodbUrl)) {
    throw new ConfigError('MONGODB_URL must be a mongodb:// or mongodb+srv:// connection string, e.g. mongodb://127.0.0.1:27017/linkyard');
  }

  const allowPrivateNetworkTargets = bool(env, 'ALLOW_PRIVATE_NETWORK_TARGETS', false);
  if (production && allowPrivateNetworkTargets) throw new ConfigError('ALLOW_PRIVATE_NETWORK_TARGETS must not be true when NODE_ENV=production');

  return {
    nodeEnv,
    host,
    port,
    publicUrl: publicUrl.replace(/\/$/, ''),
    role,
    databaseUrl,
    dataDir,
    jwtSecret,
    jwtIssuer: str(env, 'JWT_ISSUER', 'linkyard'),
    jwtAudience: str(env, 'JWT_AUDIENCE', 'linkyard-api'),
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 60, 3600),
    refreshTokenTtlSeconds: int(env, 'REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 3600, 365 * 24 * 3600),
    encryptionKey,
    encryptionKeysPrevious,
    redisUrl: url(env, 'REDIS_URL', null),
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, production ? 'info' : 'info'),
    demoPassword: str(env, 'DEMO_PASSWORD', 'linkyard-demo'),
    rateLimit: {
      perUserPerMinute: int(env, 'RATE_LIMIT_USER_PER_MINUTE', 600, 1, 10_000_000),
      perOrgPerMinute: int(env, 'RATE_LIMIT_ORG_PER_MINUTE', 3000, 1, 10_000_000),
      loginPerIpPerMinute: int(env, 'RATE_LIMIT_LOGIN_IP_PER_MINUTE', 20, 1, 100_000),
      loginPerAccountPerMinute: int(env, 'RATE_LIMIT_LOGIN_ACCOUNT_PER_MINUTE', 5, 1, 100_000),
    },
    trustProxy: bool(env, 'TRUST_PROXY', false),
    allowPrivateNetworkTargets,
    sso,
    bodyLimitBytes: int(env, 'BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    passwordHashCost: int(env, 'PASSWORD_HASH_COST', 15, production ? 14 : 10, 20),
    migrateOnStart: bool(env, 'MIGRATE_ON_START', !production),
    seedDemoOnStart: !production && bool(env, 'SEED_DEMO_ON_START', true),
    agenda: { backend: agendaBackend, mongodbUrl },
    adminUi: oneOf(env, 'ADMIN_UI', ['build', 'vite', 'off'] as const, production ? 'build' : nodeEnv === 'test' ? 'off' : 'vite'),
    worker: {
      concurrency: int(env, 'WORKER_CONCURRENCY', 4, 1, 64),
      lockLifetimeMs: int(env, 'WORKER_LOCK_LIFETIME_SECONDS', 30, 5, 600) * 1000,
      pollMs: int(env, 'WORKER_POLL_SECONDS', 5, 1, 300) * 1000,
    },
  };
}
