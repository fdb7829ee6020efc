import { sql } from 'kysely';
import t, { type Test } from 'tap';
import { createTestDatabase } from '../../helpers/database.js';
import { databaseEnv, handOverToScripts, runScript, scriptEnv, withDirectDb, type ScriptResult } from '../../helpers/run-script.js';
import { migrations } from '../../../db/migrations/index.js';

// The newest migration is the one `down` reverts; the first is listed by `status` like every other.
const FIRST = Object.keys(migrations)[0];
const LAST = Object.keys(migrations).at(-1)!;

/**
 * The operator CLIs in scripts/, run as real child processes against a fresh database, the way an
 * operator runs them. Each process costs about a second (several with PGlite), so the scenario runs
 * once, in order, and the checks that never open the database run side by side.
 */

const TEST_KEY = Buffer.alloc(32, 9).toString('base64');
const OWNER_PASSWORD = 'Correct-Horse-Battery-9';

// PGlite starts slowly, and the migrations and seed each start it afresh in a new process.
t.setTimeout(300_000);

const baseEnv = scriptEnv({
  omit: ['DATABASE_URL', 'DATA_DIR', 'DEMO_PASSWORD', 'PLATFORM_OWNER_PASSWORD', 'PORT', 'SSO_ISSUER', 'PASSWORD_HASH_COST'],
  set: {
    NODE_ENV: 'test',
    JWT_SECRET: 'scripts-test-secret-that-is-at-least-32-chars',
    ENCRYPTION_KEY: TEST_KEY,
    PASSWORD_HASH_COST: '10',
  },
});

// On disk: the scripts open the PGlite directory themselves (onDisk is ignored on Postgres).
const database = await createTestDatabase({ migrate: false, onDisk: true });
t.teardown(() => database.close());
const dbEnv = databaseEnv(database);
// PGlite admits one process per directory: the scripts get it, and this process opens it only between them.
await handOverToScripts(database);

const run = (script: string, args: string[] = [], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) =>
  runScript(script, args, { env: { ...baseEnv, ...dbEnv, ...options.env }, input: options.input });

const noStack = (t: Test, r: ScriptResult) => t.notMatch(r.stdout + r.stderr, /^\s+at .+:\d+:\d+\)?$/m, 'no stack trace');

t.test('without a database: help, bad arguments, configuration errors, refusals', async (t) => {
  const [migrateHelp, seedHelp, ownerHelp, verifyHelp, badCommand, passwordArg, badKey, badPort, production, shortPassword] =
    await Promise.all([
      run('migrate', ['--help']),
      run('seed', ['-h']),
      run('create-platform-owner', ['--help']),
      run('verify-audit-log', ['--help']),
      run('migrate', ['sideways']),
      run('create-platform-owner', ['--email', 'ops@example.test', '--password', OWNER_PASSWORD]),
      run('migrate', ['status'], { env: { ENCRYPTION_KEY: 'not-a-key' } }),
      run('verify-audit-log', [], { env: { PORT: '99999' } }),
      run('seed', ['--demo'], { env: { NODE_ENV: 'production' } }),
      run('create-platform-owner', ['--email', 'short@example.test', '--name', 'Short', '--password-stdin'], { input: 'tooshort1\n' }),
    ]);

  for (const [name, r] of [
    ['migrate', migrateHelp],
    ['seed', seedHelp],
    ['create-platform-owner', ownerHelp],
    ['verify-audit-log', verifyHelp],
  ] as const) {
    t.equal(r.code, 0, `${name} --help exits 0`);
    t.match(r.stdout, new RegExp(`^Usage: npm run ${name}`), `${name} --help prints its usage`);
    t.match(r.stdout, /Exit codes:/);
    t.equal(r.stderr, '', `${name} --help writes nothing to stderr`);
  }
  t.match(migrateHelp.stdout, /up\s+apply every pending migration/);
  t.match(ownerHelp.stdout, /--password-stdin/);

  t.equal(badCommand.code, 2, 'an unknown command exits 2');
  t.match(badCommand.stderr, /^migrate: unknown command "sideways"\n\nUsage: npm run migrate/);
  t.equal(passwordArg.code, 2, 'a password given as an argument is a usage error');
  t.match(passwordArg.stderr, /--password is not accepted \(it would show in the process list\)/);

  t.equal(badKey.code, 1, 'a bad ENCRYPTION_KEY exits 1');
  t.match(badKey.stderr, /^Configuration error: ENCRYPTION_KEY must be 32 bytes/);
  t.equal(badPort.code, 1, 'a bad PORT exits 1');
  t.equal(badPort.stderr.trim(), 'Configuration error: PORT must be a whole number from 0 to 65535, got "99999"');

  t.equal(production.code, 1, 'demo seeding is refused in production');
  t.match(production.stderr, /^Refusing to seed demo data when NODE_ENV=production/);
  t.equal(production.stdout, '');

  t.equal(shortPassword.code, 1, 'a short password is refused');
  t.equal(shortPassword.stderr.trim(), 'Password must be at least 12 characters');
  t.notMatch(shortPassword.stdout + shortPassword.stderr, 'tooshort1', 'the password is not printed');

  for (const r of [badCommand, passwordArg, badKey, badPort, production, shortPassword]) noStack(t, r);
});

t.test('against a fresh database: migrate, seed, create-platform-owner, verify-audit-log', async (t) => {
  const notMigrated = await run('seed', ['--demo']);
  t.equal(notMigrated.code, 1, 'seeding an unmigrated database fails');
  t.equal(notMigrated.stderr.trim(), 'Database is not migrated; run npm run migrate first');
  noStack(t, notMigrated);

  const pending = await run('migrate', ['status']);
  t.equal(pending.code, 0);
  t.match(pending.stdout, new RegExp(`^\\s+pending\\s+${FIRST}$`, 'm'), 'status lists the migration as pending');
  t.match(pending.stdout, /Summary: 0 applied, \d+ pending\./);

  const up = await run('migrate', ['up']);
  t.equal(up.code, 0, up.stderr);
  t.match(up.stdout, new RegExp(`^\\s+applied ${FIRST} \\(\\d+ ms\\)$`, 'm'), 'up prints each applied migration');
  t.match(up.stdout, /Summary: applied \d+ migrations?; the database is up to date\./);

  const applied = await run('migrate', ['status']);
  t.match(
    applied.stdout,
    new RegExp(`^\\s+applied\\s+${FIRST}\\s+\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d`, 'm'),
    'status shows when it was applied',
  );
  t.match(applied.stdout, /Summary: \d+ applied, 0 pending\./);

  const again = await run('migrate');
  t.equal(again.code, 0, 'up is the default and safe to repeat');
  t.match(again.stdout, /Nothing to do: the database is up to date/);
  t.notMatch(again.stdout, new RegExp(`applied ${FIRST}`));

  const down = await run('migrate', ['down']);
  t.equal(down.code, 0, down.stderr);
  t.match(down.stdout, new RegExp(`^\\s+reverted ${LAST}$`, 'm'), 'down names the reverted migration');
  const reapplied = await run('migrate', ['up']);
  t.equal(reapplied.code, 0, reapplied.stderr);
  t.match(reapplied.stdout, new RegExp(`applied ${LAST}`), 'up applies it again after down');

  const seeded = await run('seed', ['--demo']);
  t.equal(seeded.code, 0, seeded.stderr);
  t.match(seeded.stdout, /Summary: created 6 users, 2 organizations, 5 memberships, 7 integrations with syncs and run history\./);
  t.match(seeded.stdout, /organization acme: created/);
  const reseeded = await run('seed', ['--demo']);
  t.equal(reseeded.code, 0, reseeded.stderr);
  t.match(
    reseeded.stdout,
    /Summary: nothing to create; the demo data is already present \(0 users, 0 organizations, 0 memberships created\)\./,
  );
  t.match(reseeded.stdout, /organization acme: exists/);

  const created = await run('create-platform-owner', ['--email', 'ops@example.test', '--name', 'Ops Team', '--password-stdin'], {
    input: `${OWNER_PASSWORD}\n`,
  });
  t.equal(created.code, 0, created.stderr);
  t.match(created.stdout, /Summary: created ops@example.test as a Platform Owner\./);
  const repeated = await run('create-platform-owner', ['--email', 'OPS@example.test', '--password-stdin'], {
    input: `${OWNER_PASSWORD}\n`,
  });
  t.equal(repeated.code, 0, repeated.stderr);
  t.match(repeated.stdout, /Summary: nothing to do; OPS@example.test is already a Platform Owner\./, 'a second run changes nothing');
  const promoted = await run('create-platform-owner', ['--email', 'admin@acme.test'], { env: { PLATFORM_OWNER_PASSWORD: OWNER_PASSWORD } });
  t.equal(promoted.code, 0, promoted.stderr);
  t.match(promoted.stdout, /promoted existing user [0-9a-f-]{36} to Platform Owner \(password unchanged\)/);
  t.match(promoted.stdout, /Summary: promoted admin@acme.test to Platform Owner\./);
  for (const r of [created, repeated, promoted]) t.notMatch(r.stdout + r.stderr, OWNER_PASSWORD, 'the password is never printed');

  const platformEvents = await withDirectDb(database, async (db) => {
    const counts = await sql<{ users: number; organizations: number; memberships: number; owners: number }>`
      SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM organizations) AS organizations,
             (SELECT count(*)::int FROM memberships) AS memberships,
             (SELECT count(*)::int FROM users WHERE platform_role = 'platform_owner') AS owners`.execute(db.kysely);
    t.same(
      counts.rows[0],
      { users: 7, organizations: 2, memberships: 5, owners: 3 },
      'the second seed created no rows; one user created, one promoted',
    );
    const ops = await db.kysely
      .selectFrom('users')
      .select(['name', 'password_hash'])
      .where('email', '=', 'ops@example.test')
      .executeTakeFirstOrThrow();
    t.equal(ops.name, 'Ops Team');
    t.match(ops.password_hash, /^scrypt\$1024\$/, 'the password is stored hashed, at the configured cost');
    t.notOk(
      await db.kysely.selectFrom('users').select('id').where('email', '=', 'short@example.test').executeTakeFirst(),
      'the refused user was not created',
    );
    return db.kysely
      .selectFrom('audit_events')
      .select(['id', 'action', 'target_id', 'metadata', 'user_agent', 'organization_id'])
      .where('chain_key', '=', 'platform')
      .orderBy('seq')
      .execute();
  });
  t.same(
    platformEvents.map((e) => [e.action, e.organization_id, e.user_agent]),
    [
      ['platform_owner.created', null, 'create-platform-owner'],
      ['platform_owner.promoted', null, 'create-platform-owner'],
    ],
    'creation and promotion are audited on the platform chain, the idempotent run is not',
  );
  t.notMatch(JSON.stringify(platformEvents), OWNER_PASSWORD);

  const verified = await run('verify-audit-log');
  t.equal(verified.code, 0, verified.stderr);
  t.match(verified.stdout, /^OK: 9 events verified$/m, '7 seed events and 2 platform events');

  t.test(
    'a tampered audit event is reported',
    { skip: database.url ? false : 'needs superuser access to bypass the append-only trigger: Postgres only (set TEST_DATABASE_URL)' },
    async (t) => {
      const target = platformEvents[0].id;
      await database.db.kysely.transaction().execute(async (tx) => {
        // The superuser way around the append-only trigger, as an attacker with database access would.
        await sql`SET LOCAL session_replication_role = replica`.execute(tx);
        await sql`UPDATE audit_events SET metadata = '{"email":"attacker@example.test"}' WHERE id = ${target}`.execute(tx);
      });
      const broken = await run('verify-audit-log');
      t.equal(broken.code, 3, 'a broken chain exits 3');
      t.match(broken.stdout, new RegExp(`^BROKEN at event ${target}: event ${target} was modified after it was written$`, 'm'));
      noStack(t, broken);
    },
  );
});
