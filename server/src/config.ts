import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * One typed, validated configuration object read from the environment.
 * Bad or missing values stop start-up with one message listing every problem, each naming the variable and what it expects.
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
  /** PLATFORM_OWNER_MFA: 'required' gives a Platform Owner their platform powers only once two-factor sign-in is on. */
  platformOwnerMfa: 'optional' | 'required';
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
  /**
   * GET /metrics (README, Metrics): served on the main port to bearers of `token` (METRICS_TOKEN; unset: 404), and,
   * when `port` is set (METRICS_PORT), without a token on 127.0.0.1:`port` only. Both unset: no metrics are collected.
   */
  metrics: { token: string | null; port: number | null };
  /** Outbound webhooks (README, Webhooks out): how the delivery worker sends, retries and gives up. */
  webhooks: {
    /** How long a receiver has to answer one attempt (WEBHOOK_TIMEOUT, default 10s). */
    timeoutMs: number;
    /** The delay before each retry (WEBHOOK_RETRY_SCHEDULE); the number of attempts is one more than its length. */
    retryDelaysMs: number[];
    /** An endpoint whose attempts have all failed for this long is disabled (WEBHOOK_DISABLE_AFTER, default 5d). */
    disableAfterMs: number;
    /** Deliveries one worker sends at once (WEBHOOK_CONCURRENCY). */
    concurrency: number;
    /** Of those, at most this many to one endpoint, so a slow receiver never takes every slot (WEBHOOK_ENDPOINT_CONCURRENCY). */
    endpointConcurrency: number;
    /** How often an idle worker looks for due deliveries (WEBHOOK_POLL_INTERVAL, default 200ms). */
    pollMs: number;
  };
}

/**
 * Every problem of the configuration at once, so one start reports all of them: `problems` lists them,
 * and the message has one line per problem.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string | string[]) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super(list.join('\n'));
    this.problems = list;
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads variables and notes what is wrong with them instead of stopping at the first problem. A bad value
 * reads as its fallback (or empty), so the checks after it still run; loadConfig throws them all together.
 */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  /** The raw value, undefined when unset or empty. */
  raw(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  str(name: string, fallback?: string): string {
    const v = this.raw(name);
    if (v !== undefined) return v;
    if (fallback !== undefined) return fallback;
    this.problem(`${name} is required`);
    return '';
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problem(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
    this.problem(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  /** A duration such as 250ms, 5s, 30m, 2h or 5d, in milliseconds. */
  duration(name: string, fallback: string, minMs: number, maxMs: number): number {
    return this.durations(name, fallback, minMs, maxMs, 1, 1)[0];
  }

  /** A comma-separated list of durations (e.g. "5s,5m,30m"), in milliseconds. */
  durations(name: string, fallback: string, minMs: number, maxMs: number, minCount = 1, maxCount = 100): number[] {
    const raw = this.raw(name) ?? fallback;
    const parts = raw.split(',').map((p) => p.trim());
    const values = parts.map(parseDuration);
    if (parts.length < minCount || parts.length > maxCount || values.some((v) => v === null || v < minMs || v > maxMs)) {
      const count = maxCount === 1 ? 'a duration' : `${minCount} to ${maxCount} comma-separated durations`;
      this.problem(
        `${name} must be ${count} like 250ms, 5s, 30m, 2h or 5d, each from ${minMs} ms to ${maxMs / 86_400_000} days, got "${raw}"`,
      );
      return fallback.split(',').map((p) => parseDuration(p.trim())!);
    }
    return values as number[];
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    if (allowed.includes(raw as T)) return raw as T;
    this.problem(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  }

  url(name: string, fallback: string | null): string | null {
    const raw = this.raw(name);
    if (raw === undefined) return fallback;
    try {
      new URL(raw);
    } catch {
      // The value may hold a password: it is not repeated.
      this.problem(`${name} must be a URL, got something that is not`);
      return fallback;
    }
    return raw;
  }

  /** A postgres:// or postgresql:// connection string (the value is never repeated: it may hold a password). */
  postgresUrl(name: string): string | null {
    const raw = this.raw(name);
    if (raw === undefined) return null;
    let valid = /^postgres(ql)?:\/\//i.test(raw);
    if (valid) {
      try {
        new URL(raw);
      } catch {
        valid = false;
      }
    }
    if (valid) return raw;
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1];
    this.problem(
      `${name} must be a postgres:// or postgresql:// connection string, e.g. postgres://linkyard:password@db:5432/linkyard` +
        (scheme && !/^postgres(ql)?$/i.test(scheme) ? ` (got a ${scheme}: URL)` : ''),
    );
    return null;
  }
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text);
  return m ? Math.round(Number(m[1]) * DURATION_UNITS[m[2]]) : null;
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

/** GET /metrics' protection (README, Metrics). */
function metricsSettings(r: Reader): Config['metrics'] {
  const token = r.raw('METRICS_TOKEN') ?? null;
  // The token is never repeated in a message.
  if (token !== null && (token.length < 16 || /\s/.test(token)))
    r.problem('METRICS_TOKEN must be at least 16 characters without spaces (generate one with: openssl rand -hex 32)');
  const port = r.raw('METRICS_PORT') === undefined ? null : r.int('METRICS_PORT', 0, 0, 65535);
  return { token, port };
}

/** The delivery worker's settings (README, Webhooks out). */
function webhookSettings(r: Reader): Config['webhooks'] {
  return {
    timeoutMs: r.duration('WEBHOOK_TIMEOUT', '10s', 10, 60_000),
    // Standard Webhooks' schedule: 8 attempts over about 27.6 hours (jitter added per retry).
    retryDelaysMs: r.durations('WEBHOOK_RETRY_SCHEDULE', '5s,5m,30m,2h,5h,10h,10h', 1, 7 * 86_400_000),
    disableAfterMs: r.duration('WEBHOOK_DISABLE_AFTER', '5d', 1, 365 * 86_400_000),
    concurrency: r.int('WEBHOOK_CONCURRENCY', 64, 1, 1000),
    endpointConcurrency: r.int('WEBHOOK_ENDPOINT_CONCURRENCY', 16, 1, 1000),
    pollMs: r.duration('WEBHOOK_POLL_INTERVAL', '200ms', 10, 60_000),
  };
}

export function loadConfig(env: Env = process.env): Config {
  const r = new Reader(env);
  const nodeEnv = r.oneOf('NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const production = nodeEnv === 'production';
  const dataDir = path.resolve(r.str('DATA_DIR', '.data'));
  const port = r.int('PORT', 3000, 0, 65535);
  const host = r.str('HOST', '127.0.0.1');
  const databaseUrl = r.postgresUrl('DATABASE_URL');
  // Set but malformed is reported above; these checks are about it being absent.
  const databaseUrlSet = r.raw('DATABASE_URL') !== undefined;
  if (production && !databaseUrlSet)
    r.problem('DATABASE_URL is required when NODE_ENV=production (the embedded PGlite database is for development)');

  const jwtSecret = production ? r.str('JWT_SECRET') : env.JWT_SECRET || devSecret(dataDir, 'jwt-secret');
  if (jwtSecret && jwtSecret.length < 32) r.problem('JWT_SECRET must be at least 32 characters');
  const encryptionKey = production ? r.str('ENCRYPTION_KEY') : env.ENCRYPTION_KEY || devSecret(dataDir, 'encryption-key');
  if (encryptionKey && !isKey(encryptionKey))
    r.problem('ENCRYPTION_KEY must be 32 bytes, base64 or hex encoded (generate one with: openssl rand -base64 32)');
  const encryptionKeysPrevious = (env.ENCRYPTION_KEY_PREVIOUS ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  encryptionKeysPrevious.forEach((k, i) => {
    if (!isKey(k))
      r.problem(`ENCRYPTION_KEY_PREVIOUS must be a comma-separated list of 32-byte keys, base64 or hex encoded; entry ${i + 1} is not`);
  });

  const publicUrl = r.url('PUBLIC_URL', `http://localhost:${port}`)!;
  if (production && !publicUrl.startsWith('https://')) r.problem('PUBLIC_URL must be an https:// URL when NODE_ENV=production');

  const ssoIssuer = r.url('SSO_ISSUER', null);
  let sso: Config['sso'] = null;
  if (ssoIssuer) {
    sso = {
      issuer: ssoIssuer,
      clientId: r.str('SSO_CLIENT_ID'),
      clientSecret: r.str('SSO_CLIENT_SECRET'),
      name: r.str('SSO_NAME', 'Single sign-on'),
    };
  }

  const role = r.oneOf('ROLE', ['all', 'api', 'worker'] as const, 'all');
  if (role !== 'all' && !databaseUrlSet) {
    r.problem(
      `ROLE=${role} needs DATABASE_URL: the embedded PGlite database serves a single process, so run ROLE=all (the default) or point every process at one Postgres`,
    );
  }
  const agendaBackend = r.oneOf('AGENDA_BACKEND', ['postgres', 'mongo'] as const, 'postgres');
  const mongodbUrl = env.MONGODB_URL || null;
  if (agendaBackend === 'mongo' && !mongodbUrl) r.problem('MONGODB_URL is required when AGENDA_BACKEND=mongo');
  // Not `new URL()`: a replica-set connection string lists several host:port pairs, which WHATWG URLs refuse.
  if (mongodbUrl && !/^mongodb(\+srv)?:\/\/[^\s/?#]+(\/[^\s?#]*)?(\?\S*)?$/.test(mongodbUrl)) {
    r.problem('MONGODB_URL must be a mongodb:// or mongodb+srv:// connection string, e.g. mongodb://127.0.0.1:27017/linkyard');
  }

  const allowPrivateNetworkTargets = r.bool('ALLOW_PRIVATE_NETWORK_TARGETS', false);
  if (production && allowPrivateNetworkTargets) r.problem('ALLOW_PRIVATE_NETWORK_TARGETS must not be true when NODE_ENV=production');

  const config: Config = {
    nodeEnv,
    host,
    port,
    publicUrl: publicUrl.replace(/\/$/, ''),
    role,
    databaseUrl,
    dataDir,
    jwtSecret,
    jwtIssuer: r.str('JWT_ISSUER', 'linkyard'),
    jwtAudience: r.str('JWT_AUDIENCE', 'linkyard-api'),
    accessTokenTtlSeconds: r.int('ACCESS_TOKEN_TTL_SECONDS', 900, 60, 3600),
    refreshTokenTtlSeconds: r.int('REFRESH_TOKEN_TTL_SECONDS', 30 * 24 * 3600, 3600, 365 * 24 * 3600),
    encryptionKey,
    encryptionKeysPrevious,
    redisUrl: r.url('REDIS_URL', null),
    logLevel: r.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    demoPassword: r.str('DEMO_PASSWORD', 'linkyard-demo'),
    rateLimit: {
      perUserPerMinute: r.int('RATE_LIMIT_USER_PER_MINUTE', 600, 1, 10_000_000),
      perOrgPerMinute: r.int('RATE_LIMIT_ORG_PER_MINUTE', 3000, 1, 10_000_000),
      loginPerIpPerMinute: r.int('RATE_LIMIT_LOGIN_IP_PER_MINUTE', 20, 1, 100_000),
      loginPerAccountPerMinute: r.int('RATE_LIMIT_LOGIN_ACCOUNT_PER_MINUTE', 5, 1, 100_000),
    },
    trustProxy: r.bool('TRUST_PROXY', false),
    allowPrivateNetworkTargets,
    sso,
    bodyLimitBytes: r.int('BODY_LIMIT_BYTES', 1_048_576, 1024, 100 * 1_048_576),
    platformOwnerMfa: r.oneOf('PLATFORM_OWNER_MFA', ['optional', 'required'] as const, 'optional'),
    passwordHashCost: r.int('PASSWORD_HASH_COST', 15, production ? 14 : 10, 20),
    migrateOnStart: r.bool('MIGRATE_ON_START', !production),
    seedDemoOnStart: !production && r.bool('SEED_DEMO_ON_START', true),
    agenda: { backend: agendaBackend, mongodbUrl },
    adminUi: r.oneOf('ADMIN_UI', ['build', 'vite', 'off'] as const, production ? 'build' : nodeEnv === 'test' ? 'off' : 'vite'),
    worker: {
      concurrency: r.int('WORKER_CONCURRENCY', 4, 1, 64),
      lockLifetimeMs: r.int('WORKER_LOCK_LIFETIME_SECONDS', 30, 5, 600) * 1000,
      pollMs: r.int('WORKER_POLL_SECONDS', 5, 1, 300) * 1000,
    },
    webhooks: webhookSettings(r),
    metrics: metricsSettings(r),
  };
  if (r.problems.length) throw new ConfigError(r.problems);
  return config;
}
