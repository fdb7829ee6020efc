import { randomBytes } from 'node:crypto';
import t from 'tap';
import { openDb, type Db } from '../../../../db/client.js';
import { loadConfig } from '../../../../server/src/config.js';
import {
  createVault,
  DataKeyUnwrapError,
  isCiphertext,
  MasterKeyUnavailableError,
  masterKeyVersion,
  SecretDecryptionError,
  secretHint,
  VaultError,
  type SecretContext,
  type Vault,
} from '../../../../server/src/lib/crypto/index.js';
import { inScope } from '../../../../server/src/lib/db-scope.js';
import { verifyAuditChains } from '../../../../server/src/modules/audit/audit.service.js';
import { ensureOrganization } from '../../../../server/src/seed/users.js';
import { REWRAP_AUDIT_ACTION, rotateEncryptionKeys } from '../../../../scripts/rotate-encryption-key.js';
import { createTestDatabase, usingPostgres } from '../../../helpers/database.js';
import { databaseEnv, handOverToScripts, runScript, scriptEnv } from '../../../helpers/run-script.js';

/**
 * The credential vault (server/src/lib/crypto) on the real database: envelope encryption with one
 * data key per organization, context binding, the data-key cache, and master-key rotation, both
 * in-process and through the operator script run as a child process.
 */

t.setTimeout(300_000);

// Key A in base64 and key B in hex: both encodings the configuration accepts.
const KEY_A = randomBytes(32).toString('base64');
const KEY_B = randomBytes(32).toString('hex');
const KEY_C = randomBytes(32).toString('base64');
const V_A = masterKeyVersion(KEY_A);
const V_B = masterKeyVersion(KEY_B);

const database = await createTestDatabase();
t.teardown(() => database.close());
const { db } = database;

const acme = (await ensureOrganization(db, { slug: 'acme', name: 'Acme' })).id;
const globex = (await ensureOrganization(db, { slug: 'globex', name: 'Globex' })).id;

const ctxFor = (organizationId: string, over: Partial<SecretContext> = {}): SecretContext => ({
  organizationId,
  table: 'integrations',
  column: 'client_secret',
  rowId: '0190a3c2-0000-7000-8000-000000000001',
  ...over,
});
const enc = (vault: Vault, ctx: SecretContext, plaintext: string, database: Db = db) =>
  inScope(database, { org: ctx.organizationId }, (tx) => vault.encrypt(tx, ctx, plaintext));
const dec = (vault: Vault, ctx: SecretContext, ciphertext: string, database: Db = db) =>
  inScope(database, { org: ctx.organizationId }, (tx) => vault.decrypt(tx, ctx, ciphertext));
const keyRow = (id: string, database: Db = db) =>
  database.kysely
    .selectFrom('organizations')
    .select(['data_key_wrapped', 'data_key_version'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
const keyIdOf = (ciphertext: string) => ciphertext.split('.')[1];

/** Every ciphertext written so far, with its context and plaintext: the rotation checks read them all back. */
const written: { ctx: SecretContext; plaintext: string; ciphertext: string }[] = [];
async function write(vault: Vault, ctx: SecretContext, plaintext: string) {
  const ciphertext = await enc(vault, ctx, plaintext);
  written.push({ ctx, plaintext, ciphertext });
  return ciphertext;
}

t.test('master keys, configuration and hints', async (t) => {
  const bytes = randomBytes(32);
  t.equal(
    masterKeyVersion(bytes.toString('hex')),
    masterKeyVersion(bytes.toString('base64')),
    'the version depends on the key, not its encoding',
  );
  t.equal(masterKeyVersion(bytes.toString('base64url')), masterKeyVersion(bytes));
  t.not(V_A, V_B, 'different keys, different versions');
  t.ok(Number.isInteger(V_A) && V_A >= 0 && V_A < 2 ** 31, 'a version fits organizations.data_key_version (integer)');
  t.throws(() => createVault({ currentKey: 'not-a-key' }), { name: 'VaultError', code: 'invalid_argument' });
  t.throws(() => createVault({ currentKey: KEY_A, previousKeys: ['abc'] }), { name: 'VaultError' });

  const vault = createVault({ currentKey: KEY_B, previousKeys: [KEY_A, KEY_B, bytes.toString('base64')] });
  t.equal(vault.currentKeyVersion, V_B);
  t.same(vault.keyVersions, [V_B, V_A, masterKeyVersion(bytes)], 'current first, duplicates dropped');

  const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), ENCRYPTION_KEY: KEY_B, DATA_DIR: '/tmp/linkyard-test-unused' };
  t.same(loadConfig(base).encryptionKeysPrevious, [], 'no previous keys by default');
  t.same(
    loadConfig({ ...base, ENCRYPTION_KEY_PREVIOUS: ` ${KEY_A} ,${KEY_C},` }).encryptionKeysPrevious,
    [KEY_A, KEY_C],
    'comma-separated, trimmed',
  );
  t.throws(() => loadConfig({ ...base, ENCRYPTION_KEY_PREVIOUS: `${KEY_A},nope` }), {
    name: 'ConfigError',
    message: /ENCRYPTION_KEY_PREVIOUS .*entry 2 is not/,
  });
  t.notMatch(
    String(
      (() => {
        try {
          loadConfig({ ...base, ENCRYPTION_KEY_PREVIOUS: `${KEY_A},nope` });
        } catch (e) {
          return (e as Error).message;
        }
      })(),
    ),
    KEY_A,
    'the error does not echo keys',
  );

  t.equal(secretHint('sk_live_51HxYzAbCdEfGh1234'), '••••1234', 'long secrets show their last 4 characters');
  t.equal(secretHint('short-secret'), '••••cret', '12 characters is the shortest with a hint');
  t.equal(secretHint('elevenchars'), '••••', 'shorter secrets show nothing');
  t.equal(secretHint(''), '••••');
  t.equal(secretHint('secret-with-emoji-🔑🔑🔑🔑'), '••••🔑🔑🔑🔑', 'code points, not UTF-16 halves');
});

t.test('round trip; each organization has its own data key', async (t) => {
  const vault = createVault({ currentKey: KEY_A });
  const plaintext = 'client-secret-3f9a0c7e1b2d4e5f';
  const c1 = await write(vault, ctxFor(acme), plaintext);
  t.match(c1, /^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22,}$/, 'the documented format');
  t.ok(isCiphertext(c1));
  t.notOk(isCiphertext(plaintext));
  t.equal(await dec(vault, ctxFor(acme), c1), plaintext);

  const again = await enc(vault, ctxFor(acme), plaintext);
  t.not(again, c1, 'a fresh IV every time: equal plaintexts do not give equal ciphertexts');
  t.equal(keyIdOf(again), keyIdOf(c1), 'same organization, same data key');

  for (const p of [
    '',
    'ü∑ – 🔑 unicode',
    'x'.repeat(20_000),
    '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\n"}',
  ]) {
    const c = await write(vault, ctxFor(acme, { column: 'api_key', rowId: randomBytes(8).toString('hex') }), p);
    t.equal(await dec(vault, written.at(-1)!.ctx, c), p, `round trip of ${p.length} characters`);
  }

  const g1 = await write(vault, ctxFor(globex), plaintext);
  t.equal(await dec(vault, ctxFor(globex), g1), plaintext);
  t.not(keyIdOf(g1), keyIdOf(c1), 'globex seals with another data key than acme');

  const [a, g] = [await keyRow(acme), await keyRow(globex)];
  t.ok(a.data_key_wrapped && g.data_key_wrapped, 'both organizations got a wrapped data key on first use');
  t.equal(a.data_key_version, V_A, 'the version names the master key that wrapped it');
  t.equal(g.data_key_version, V_A);
  t.notSame(Buffer.from(a.data_key_wrapped!), Buffer.from(g.data_key_wrapped!), 'different wrapped keys');
  t.equal(Buffer.from(a.data_key_wrapped!).length, 61);

  // The stored ciphertexts never contain the plaintext, in any of its usual encodings.
  for (const w of written) {
    if (w.plaintext.length < 4) continue;
    const text = w.ciphertext;
    t.notOk(text.includes(w.plaintext), 'ciphertext does not contain the plaintext');
    for (const form of ['base64', 'base64url', 'hex'] as const) {
      t.notOk(text.includes(Buffer.from(w.plaintext).toString(form).slice(0, 16)), `nor its ${form}`);
    }
  }
  t.notOk(
    Buffer.from(a.data_key_wrapped!).toString('hex').includes(Buffer.from(KEY_A, 'base64').toString('hex').slice(0, 16)),
    'the master key is not stored',
  );

  const fresh = createVault({ currentKey: KEY_A });
  t.equal(await dec(fresh, ctxFor(acme), c1), plaintext, 'another process (a fresh vault) reads it from the stored key');
  t.same(Buffer.from((await keyRow(acme)).data_key_wrapped!), Buffer.from(a.data_key_wrapped!), 'later uses keep the same data key');
});

t.test('a value moved to another row, column, table or organization, or altered, does not decrypt', async (t) => {
  const vault = createVault({ currentKey: KEY_A });
  const ctx = ctxFor(acme, { rowId: 'row-1' });
  const c = await write(vault, ctx, 'hubspot-client-secret-abcdef');

  const rejects = async (p: Promise<unknown>, code: string, what: string) => {
    await t.rejects(p, SecretDecryptionError, what);
    await t.rejects(p, { code, message: /^(?!.*hubspot-client-secret)/ }, `${what}: ${code}, plaintext not in the message`);
  };
  await rejects(dec(vault, { ...ctx, rowId: 'row-2' }, c), 'authentication_failed', 'another row');
  await rejects(dec(vault, { ...ctx, column: 'api_key' }, c), 'authentication_failed', 'another column');
  await rejects(dec(vault, { ...ctx, table: 'connections' }, c), 'authentication_failed', 'another table');
  await rejects(dec(vault, { ...ctx, organizationId: globex }, c), 'data_key_mismatch', 'another organization');
  // An attacker who also rewrites the header to name globex's data key gets no further.
  const globexKeyId = keyIdOf(written.find((w) => w.ctx.organizationId === globex)!.ciphertext);
  await rejects(
    dec(vault, { ...ctx, organizationId: globex }, c.replace(keyIdOf(c), globexKeyId)),
    'authentication_failed',
    'another organization, header rewritten',
  );
  await rejects(
    dec(createVault({ currentKey: KEY_A }), { ...ctx, organizationId: globex }, c),
    'data_key_mismatch',
    'another organization, uncached',
  );

  const [v, keyId, iv, body] = c.split('.');
  const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
  await rejects(dec(vault, ctx, [v, keyId, iv, flip(body, 3)].join('.')), 'authentication_failed', 'altered ciphertext');
  await rejects(dec(vault, ctx, [v, keyId, iv, flip(body, body.length - 3)].join('.')), 'authentication_failed', 'altered tag');
  await rejects(dec(vault, ctx, [v, keyId, flip(iv, 0), body].join('.')), 'authentication_failed', 'altered IV');
  await rejects(dec(vault, ctx, [v, keyId, iv, body.slice(0, -4)].join('.')), 'authentication_failed', 'truncated');
  await rejects(dec(vault, ctx, [v, 'deadbeef', iv, body].join('.')), 'data_key_mismatch', 'altered key id');
  await rejects(dec(vault, ctx, ['v2', keyId, iv, body].join('.')), 'malformed_ciphertext', 'unknown format version');
  await rejects(dec(vault, ctx, [v, keyId, iv, 'short'].join('.')), 'malformed_ciphertext', 'too short to hold a tag');
  await rejects(dec(vault, ctx, 'hubspot-client-secret-abcdef'), 'malformed_ciphertext', 'a plaintext stored by mistake');
  await rejects(dec(vault, ctx, ''), 'malformed_ciphertext', 'empty');

  await t.rejects(
    enc(vault, { ...ctx, table: 'Robert"); DROP TABLE' }, 'x'),
    { name: 'VaultError', code: 'invalid_argument' },
    'contexts are validated',
  );
  await t.rejects(enc(vault, { ...ctx, rowId: '' }, 'x'), { code: 'invalid_argument' });
  await t.rejects(
    inScope(db, { org: acme }, (tx) => vault.encrypt(tx, { ...ctx, organizationId: 'acme' }, 'x')),
    { code: 'invalid_argument' },
  );

  // Run in the wrong scope, the organization row is invisible (row-level security) and nothing is created.
  const other = (await ensureOrganization(db, { slug: 'wrong-scope', name: 'Wrong Scope' })).id;
  await t.rejects(
    inScope(db, { org: acme }, (tx) => createVault({ currentKey: KEY_A }).encrypt(tx, ctxFor(other), 'x')),
    { name: 'VaultError', code: 'organization_not_visible' },
  );
  t.equal((await keyRow(other)).data_key_wrapped, null);

  const empty = (await ensureOrganization(db, { slug: 'keyless', name: 'Keyless' })).id;
  await t.rejects(dec(vault, ctxFor(empty), c), { code: 'no_data_key' }, 'an organization without a data key decrypts nothing');
  t.equal((await keyRow(empty)).data_key_wrapped, null, 'decrypting does not create a data key');
});

t.test('concurrent first uses end with one data key', async (t) => {
  const org = (await ensureOrganization(db, { slug: 'initech', name: 'Initech' })).id;
  const vault = createVault({ currentKey: KEY_A });
  const n = 10;
  // On Postgres every transaction reads "no key yet" before any of them writes, the worst case.
  // PGlite has one connection, so its transactions run one after another and must not wait on each other.
  let arrived = 0;
  let release!: () => void;
  const allRead = new Promise<void>((r) => (release = r));
  const ciphertexts = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      inScope(db, { org }, async (tx) => {
        await tx.selectFrom('organizations').select('data_key_wrapped').where('id', '=', org).execute();
        if (usingPostgres()) {
          if (++arrived === n) release();
          await allRead;
        }
        const ctx = ctxFor(org, { rowId: `row-${i}` });
        const c = await vault.encrypt(tx, ctx, `secret-number-${i}`);
        written.push({ ctx, plaintext: `secret-number-${i}`, ciphertext: c });
        return c;
      }),
    ),
  );
  t.equal(new Set(ciphertexts.map(keyIdOf)).size, 1, 'all ten were sealed with the same data key');
  const fresh = createVault({ currentKey: KEY_A });
  for (let i = 0; i < n; i++) t.equal(await dec(fresh, ctxFor(org, { rowId: `row-${i}` }), ciphertexts[i]), `secret-number-${i}`);
  t.equal((await keyRow(org)).data_key_version, V_A);
});

t.test('a data key created by a transaction that rolled back is never used', async (t) => {
  const org = (await ensureOrganization(db, { slug: 'hooli', name: 'Hooli' })).id;
  const vault = createVault({ currentKey: KEY_A });
  let doomed = '';
  await t.rejects(
    inScope(db, { org }, async (tx) => {
      doomed = await vault.encrypt(tx, ctxFor(org), 'never-committed-secret');
      t.equal(await vault.decrypt(tx, ctxFor(org), doomed), 'never-committed-secret', 'readable inside its own transaction');
      throw new Error('rolled back');
    }),
    /rolled back/,
  );
  t.equal((await keyRow(org)).data_key_wrapped, null, 'the key went with the rollback');

  const kept = await write(vault, ctxFor(org), 'committed-secret');
  t.not(keyIdOf(kept), keyIdOf(doomed), 'the same vault made a new key instead of reusing the uncommitted one');
  t.equal(await dec(createVault({ currentKey: KEY_A }), ctxFor(org), kept), 'committed-secret', 'and another process reads it');
});

t.test('data keys are cached per process, and the stored wrapped key is authenticated', async (t) => {
  const vault = createVault({ currentKey: KEY_A, cacheSize: 2 });
  const c = written.find((w) => w.ctx.organizationId === acme)!;
  t.equal(vault.decryptWithCachedKey(c.ctx, c.ciphertext), null, 'without a transaction, only a cached key decrypts');
  t.equal(await dec(vault, c.ctx, c.ciphertext), c.plaintext, 'warms the cache');
  t.equal(vault.decryptWithCachedKey(c.ctx, c.ciphertext), c.plaintext, 'a cached key decrypts without a transaction');
  t.throws(
    () => vault.decryptWithCachedKey(ctxFor(acme, { rowId: '0190a3c2-0000-7000-8000-0000000000ff' }), c.ciphertext),
    SecretDecryptionError,
    'and still refuses a value moved to another row',
  );
  const original = Buffer.from((await keyRow(acme)).data_key_wrapped!);
  const globexWrapped = Buffer.from((await keyRow(globex)).data_key_wrapped!);
  const restore = () => db.kysely.updateTable('organizations').set({ data_key_wrapped: original }).where('id', '=', acme).execute();
  try {
    const damaged = Buffer.from(original);
    damaged[20] ^= 0xff;
    await db.kysely.updateTable('organizations').set({ data_key_wrapped: damaged }).where('id', '=', acme).execute();
    t.equal(await dec(vault, c.ctx, c.ciphertext), c.plaintext, 'a cached key is used without reading or unwrapping the row again');
    await t.rejects(dec(createVault({ currentKey: KEY_A }), c.ctx, c.ciphertext), DataKeyUnwrapError, 'an uncached vault finds the damage');
    vault.forgetKeys(acme);
    await t.rejects(dec(vault, c.ctx, c.ciphertext), { code: 'data_key_unwrap_failed' }, 'after forgetKeys the row is read again');

    await db.kysely.updateTable('organizations').set({ data_key_wrapped: globexWrapped }).where('id', '=', acme).execute();
    await t.rejects(
      dec(createVault({ currentKey: KEY_A }), c.ctx, c.ciphertext),
      { code: 'data_key_unwrap_failed', message: /copied from another organization/ },
      'a wrapped key copied from another organization does not unwrap',
    );
  } finally {
    await restore();
  }
  t.equal(await dec(vault, c.ctx, c.ciphertext), c.plaintext);

  // cacheSize 2: a third organization evicts the least recently used, which still decrypts by reloading.
  for (const org of [globex, acme]) {
    const w = written.find((x) => x.ctx.organizationId === org)!;
    t.equal(await dec(vault, w.ctx, w.ciphertext), w.plaintext);
  }
  const initech = written.find((w) => w.plaintext === 'secret-number-0')!;
  t.equal(await dec(vault, initech.ctx, initech.ciphertext), initech.plaintext);
  t.equal(await dec(vault, written[0].ctx, written[0].ciphertext), written[0].plaintext);
});

t.test('master key rotation: previous keys, the rotation core, and retiring the old key', async (t) => {
  const readsAll = async (vault: Vault, label: string) => {
    let ok = 0;
    for (const w of written) if ((await dec(vault, w.ctx, w.ciphertext)) === w.plaintext) ok++;
    t.equal(ok, written.length, `${label}: all ${written.length} secrets decrypt`);
  };
  const versions = async () => {
    const rows = await db.kysely.selectFrom('organizations').select(['id', 'data_key_version']).execute();
    return Object.fromEntries(rows.map((r) => [r.id, r.data_key_version]));
  };
  const rewrapEvents = () =>
    db.kysely.selectFrom('audit_events').selectAll().where('action', '=', REWRAP_AUDIT_ACTION).orderBy('organization_id').execute();

  await readsAll(createVault({ currentKey: KEY_A }), 'under key A');

  // Step 2 of a rotation: B is current, A still readable.
  const onlyB = createVault({ currentKey: KEY_B });
  const acmeSecret = written.find((w) => w.ctx.organizationId === acme)!;
  const missing = await dec(onlyB, acmeSecret.ctx, acmeSecret.ciphertext).catch((e) => e);
  t.type(missing, MasterKeyUnavailableError, 'without key A, data keys wrapped under A cannot be read');
  t.equal(missing.keyVersion, V_A);
  t.match(missing.message, new RegExp(`master key version ${V_A}, which is not configured.*ENCRYPTION_KEY_PREVIOUS`));

  const bWithA = createVault({ currentKey: KEY_B, previousKeys: [KEY_A] });
  await readsAll(bWithA, 'key B with A as previous');
  await write(bWithA, ctxFor(acme, { rowId: 'written-during-rotation' }), 'written-while-rotating');
  t.equal((await keyRow(acme)).data_key_version, V_A, 'using a data key does not re-wrap it (the script does)');
  const newcomer = (await ensureOrganization(db, { slug: 'newcomer', name: 'Newcomer' })).id;
  await write(bWithA, ctxFor(newcomer), 'born-under-key-b');
  t.equal((await keyRow(newcomer)).data_key_version, V_B, 'new data keys are wrapped under the current key');

  const before = await versions();
  const expected = {
    rewrapped: Object.values(before).filter((v) => v === V_A).length,
    current: Object.values(before).filter((v) => v === V_B).length,
    noKey: Object.values(before).filter((v) => v === null).length,
  };
  t.ok(expected.rewrapped >= 4 && expected.current === 1 && expected.noKey >= 2, 'a mix of keys under A, under B and absent');

  const dryLines: string[] = [];
  const dry = await rotateEncryptionKeys(db, bWithA, { dryRun: true, onProgress: (l) => dryLines.push(l), progressEvery: 2 });
  t.match(
    dry,
    { dryRun: true, currentKeyVersion: V_B, organizations: Object.keys(before).length, ...expected },
    'the dry run reports what it would do',
  );
  t.same(dry.failed, []);
  t.same(await versions(), before, 'and changes nothing');
  t.equal((await rewrapEvents()).length, 0, 'nor audits anything');
  t.equal(dryLines.length, Math.ceil(dry.organizations / 2), 'a progress line every 2 organizations, and one at the end');
  t.match(
    dryLines.at(-1),
    new RegExp(`^${dry.organizations} of ${dry.organizations} organizations \\(${expected.rewrapped} would re-wrap, `),
  );

  const wrappedBefore = Buffer.from((await keyRow(acme)).data_key_wrapped!);
  const run = await rotateEncryptionKeys(db, bWithA);
  t.match(run, { dryRun: false, ...expected }, 'the rotation re-wraps every key under A');
  t.same(run.failed, []);
  const after = await versions();
  for (const [id, v] of Object.entries(after))
    t.equal(v, before[id] === null ? null : V_B, `organization ${id} is under key B (or has no key)`);
  t.notSame(Buffer.from((await keyRow(acme)).data_key_wrapped!), wrappedBefore, 'the wrapped bytes changed');

  const events = await rewrapEvents();
  t.equal(events.length, expected.rewrapped, 'one audit event per re-wrapped organization');
  for (const e of events) {
    t.equal(e.chain_key, e.organization_id, "in the organization's own chain");
    t.equal(e.target_id, e.organization_id);
    t.same(e.metadata, { fromKeyVersion: V_A, toKeyVersion: V_B });
    t.equal(e.actor_id, null);
    t.equal(e.user_agent, 'rotate-encryption-key');
  }
  t.notOk(
    events.some((e) => e.organization_id === newcomer),
    'keys already current are not audited',
  );
  t.match(await verifyAuditChains(db), { ok: true }, 'the audit chains still verify');

  const again = await rotateEncryptionKeys(db, bWithA);
  t.match(again, { rewrapped: 0, current: expected.rewrapped + expected.current, noKey: expected.noKey }, 'a second run has nothing to do');
  t.same(again.failed, []);
  t.equal((await rewrapEvents()).length, expected.rewrapped, 'and writes no audit event');

  // Step 4: key A retired.
  await readsAll(createVault({ currentKey: KEY_B }), 'key B alone, A removed');
  await readsAll(bWithA, 'the vault that did the rotation');

  const onlyC = createVault({ currentKey: KEY_C, previousKeys: [KEY_A] });
  const lost = await dec(onlyC, acmeSecret.ctx, acmeSecret.ciphertext).catch((e) => e);
  t.type(lost, MasterKeyUnavailableError, 'with neither the current nor a previous key, decryption fails clearly');
  t.type(lost, VaultError);
  t.equal(lost.code, 'master_key_unavailable');
  t.match(lost.message, new RegExp(`version ${V_B}, which is not configured \\(configured: ${onlyC.keyVersions.join(', ')}\\)`));

  const failing = await rotateEncryptionKeys(db, onlyC);
  t.equal(
    failing.failed.length,
    expected.rewrapped + expected.current,
    'rotating without the key that wrapped them fails per organization',
  );
  t.equal(failing.rewrapped, 0);
  t.match(failing.failed[0], { organizationId: String, slug: String, reason: /not configured/ });
  t.same(await versions(), after, 'and changes nothing');
});

t.test('rotate-encryption-key as an operator runs it', async (t) => {
  // A database of its own, on disk: with PGlite, the script opens the directory itself.
  const scriptDb = await createTestDatabase({ onDisk: true });
  t.teardown(() => scriptDb.close());
  let sdb: Db = scriptDb.db;
  const orgs = [];
  for (const slug of ['one', 'two', 'three']) orgs.push((await ensureOrganization(sdb, { slug, name: slug })).id);
  await ensureOrganization(sdb, { slug: 'no-secrets', name: 'No secrets' });
  const vaultA = createVault({ currentKey: KEY_A });
  const secrets = [];
  for (const org of orgs) {
    const ctx = ctxFor(org, { table: 'connections', column: 'refresh_token' });
    secrets.push({ ctx, ciphertext: await enc(vaultA, ctx, `refresh-token-of-${org}`, sdb), plaintext: `refresh-token-of-${org}` });
  }
  await handOverToScripts(scriptDb);

  const env = scriptEnv({
    omit: [/^ENCRYPTION_KEY/, 'DATABASE_URL'],
    set: {
      NODE_ENV: 'test',
      JWT_SECRET: 'vault-test-secret-that-is-at-least-32-chars',
      ENCRYPTION_KEY: KEY_B,
      ENCRYPTION_KEY_PREVIOUS: KEY_A,
      ...databaseEnv(scriptDb),
    },
  });
  const run = (args: string[]) => runScript('rotate-encryption-key', args, { env });

  const help = await run(['--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: npm run rotate-encryption-key/);
  t.match(help.stdout, /--dry-run/);
  t.match(help.stdout, /Exit codes:/);

  const dry = await run(['--dry-run']);
  t.equal(dry.code, 0, dry.stderr);
  t.match(
    dry.stdout,
    /Dry run \(nothing changed\): would re-wrap 3 data keys, 0 already current, 1 organization without a data key yet, 0 failed\./,
  );

  const real = await run([]);
  t.equal(real.code, 0, real.stderr);
  t.match(real.stdout, new RegExp(`Master key: version ${V_B} \\(ENCRYPTION_KEY\\); also readable: ${V_A}`));
  t.match(real.stdout, /^\s+4 of 4 organizations \(3 re-wrapped, 0 already current, 1 without a data key, 0 failed\)$/m, 'a progress line');
  t.match(real.stdout, /Summary: re-wrapped 3 data keys, 0 already current, 1 organization without a data key yet, 0 failed\./);
  t.equal(real.stderr, '');
  for (const out of [help, dry, real]) t.notMatch(out.stdout + out.stderr, KEY_A.slice(0, 12), 'no key material is printed');

  if (!scriptDb.url) {
    const reopened = await openDb({ databaseUrl: null, dataDir: scriptDb.dataDir });
    t.teardown(() => reopened.close());
    sdb = reopened;
  }
  const rows = await sdb.kysely.selectFrom('organizations').select(['slug', 'data_key_version']).orderBy('slug').execute();
  t.same(
    rows.map((r) => [r.slug, r.data_key_version]),
    [
      ['no-secrets', null],
      ['one', V_B],
      ['three', V_B],
      ['two', V_B],
    ],
  );
  const onlyB = createVault({ currentKey: KEY_B });
  for (const s of secrets) t.equal(await dec(onlyB, s.ctx, s.ciphertext, sdb), s.plaintext, 'readable with key A removed');
  const audited = await sdb.kysely.selectFrom('audit_events').select('organization_id').where('action', '=', REWRAP_AUDIT_ACTION).execute();
  t.same(audited.map((a) => a.organization_id).sort(), [...orgs].sort(), 'each re-wrap audited in its organization');
});
