import { randomBytes } from 'node:crypto';
import type { Tx } from '../db-scope.js';
import { DataKeyCache, type CachedDataKey } from './data-key-cache.js';
import { createMasterKeyRing, DATA_KEY_BYTES } from './master-keys.js';
import { readKeyRow, replaceWrappedKey, storeFirstKey } from './organization-key-row.js';
import { assertSecretContext, dataKeyId, open, parseCiphertext, seal, type SecretContext } from './secret-box.js';
import { SecretDecryptionError, VaultError } from './vault-errors.js';

/**
 * The credential vault: AES-256-GCM envelope encryption of secrets at rest (docs/architecture.md, "Secrets at rest").
 *
 *   master key (ENCRYPTION_KEY, + retired ENCRYPTION_KEY_PREVIOUS)      master-keys.ts
 *     └─ wraps one data key per organization   organizations.data_key_wrapped / data_key_version
 *          └─ seals each secret, bound to (org, table, column, row id)      secret-box.ts
 *
 * A data key is created on an organization's first encryption and never replaced afterwards; master
 * key rotation only re-wraps it (rewrapOrganizationKey, scripts/rotate-encryption-key.ts), so no
 * stored secret is ever rewritten. Rotation without downtime:
 *   1. give every process the new key as a previous key (ENCRYPTION_KEY_PREVIOUS=<new>), so all of them
 *      can read what is wrapped under it;
 *   2. swap: ENCRYPTION_KEY=<new>, ENCRYPTION_KEY_PREVIOUS=<old>; new data keys are wrapped under <new>;
 *   3. run rotate-encryption-key: every data key is re-wrapped under <new>;
 *   4. remove <old> from ENCRYPTION_KEY_PREVIOUS.
 *
 * Every method takes the caller's transaction, which must be in the organization's scope
 * (inScope(db, { org: id }) — row-level security lets that scope read and update its own
 * organizations row) or the platform scope. The vault performs no network calls and no writes
 * other than the organization's key columns.
 *
 * Unwrapped data keys are cached per process (LRU, `cacheSize` organizations, default 1000), so hot
 * paths neither unwrap nor read the organization row again. Only keys known to be committed are
 * cached: a key created by a transaction that may still roll back is used by that transaction alone.
 */

export type { SecretContext } from './secret-box.js';

export interface VaultOptions {
  /** ENCRYPTION_KEY: wraps new data keys and is the target of re-wrapping. */
  currentKey: string;
  /** ENCRYPTION_KEY_PREVIOUS: retired keys that still unwrap data keys wrapped under them. */
  previousKeys?: readonly string[];
  /** How many organizations' unwrapped data keys to keep in memory (default 1000). */
  cacheSize?: number;
}

export interface RewrapResult {
  /** rewrapped: now wrapped under the current master key; current: it already was; no_key: the organization has no data key yet. */
  outcome: 'rewrapped' | 'current' | 'no_key';
  /** Master key version that wrapped the data key before (null when there is no data key). */
  fromKeyVersion: number | null;
  toKeyVersion: number;
}

export interface Vault {
  /** Version of ENCRYPTION_KEY (see masterKeyVersion in master-keys.ts). */
  readonly currentKeyVersion: number;
  /** Every master key version this vault can unwrap, current first. */
  readonly keyVersions: readonly number[];
  /** Seals `plaintext` for the row and column in `ctx`, creating the organization's data key on first use. */
  encrypt(tx: Tx, ctx: SecretContext, plaintext: string): Promise<string>;
  /**
   * Opens a ciphertext made by encrypt() for exactly the same context. Throws SecretDecryptionError
   * (never returns garbage) for altered or moved values, MasterKeyUnavailableError when the master
   * key that wrapped the organization's data key is not configured, DataKeyUnwrapError when the
   * stored data key is damaged.
   */
  decrypt(tx: Tx, ctx: SecretContext, ciphertext: string): Promise<string>;
  /**
   * decrypt() without a transaction, for a caller that would open one only for it: the plaintext when the
   * organization's data key is in memory (throwing as decrypt() does), else null (then decrypt() in a transaction).
   */
  decryptWithCachedKey(ctx: SecretContext, ciphertext: string): string | null;
  /**
   * Re-wraps the organization's data key under the current master key (the data key itself, and so
   * every ciphertext, stays the same). Idempotent. Locks the organization row for the rest of the
   * transaction. With dryRun it only checks that the key unwraps and reports what it would do.
   */
  rewrapOrganizationKey(tx: Tx, organizationId: string, options?: { dryRun?: boolean }): Promise<RewrapResult>;
  /** Evicts (and zeroes) the cached data key of one organization, or of all. */
  forgetKeys(organizationId?: string): void;
}

export function createVault(options: VaultOptions): Vault {
  const ring = createMasterKeyRing(options.currentKey, options.previousKeys ?? []);
  const cache = new DataKeyCache(options.cacheSize ?? 1000);
  // Organizations whose data key the transaction created: not committed, so not cacheable.
  const createdIn = new WeakMap<Tx, Set<string>>();

  function unwrapRow(organizationId: string, row: { data_key_wrapped: Uint8Array; data_key_version: number | null }) {
    const key = ring.unwrap(organizationId, row.data_key_wrapped, row.data_key_version);
    return { key, keyId: dataKeyId(key), masterKeyVersion: row.data_key_version! };
  }

  /** The organization's committed-or-own data key, loaded from its row (created when `create` and absent). */
  async function loadDataKey(tx: Tx, organizationId: string, create: boolean): Promise<(CachedDataKey & { cacheable: boolean }) | null> {
    let row = await readKeyRow(tx, organizationId, { forUpdate: false });
    if (!row.data_key_wrapped) {
      if (!create) return null;
      const key = randomBytes(DATA_KEY_BYTES);
      const { wrapped, version } = ring.wrap(organizationId, key);
      // A concurrent first use may win the race: then this key is dropped and the stored one read below.
      if (await storeFirstKey(tx, organizationId, { wrapped, version })) {
        let set = createdIn.get(tx);
        if (!set) createdIn.set(tx, (set = new Set()));
        set.add(organizationId);
        return { key, keyId: dataKeyId(key), masterKeyVersion: version, cacheable: false };
      }
      key.fill(0);
      row = await readKeyRow(tx, organizationId, { forUpdate: false });
      if (!row.data_key_wrapped)
        throw new VaultError(`Organization ${organizationId} lost its data key while it was being created`, 'no_data_key');
    }
    const loaded = unwrapRow(organizationId, { data_key_wrapped: row.data_key_wrapped, data_key_version: row.data_key_version });
    return { ...loaded, cacheable: !createdIn.get(tx)?.has(organizationId) };
  }

  /**
   * Runs `use` with the organization's data key. `use` is synchronous on purpose: a cached key is
   * never held across an await, so eviction may zero it at any time.
   */
  async function withDataKey<T>(tx: Tx, organizationId: string, create: boolean, use: (k: CachedDataKey) => T): Promise<T | null> {
    const cached = cache.get(organizationId);
    if (cached) return use(cached);
    const loaded = await loadDataKey(tx, organizationId, create);
    if (!loaded) return null;
    const { cacheable, ...entry } = loaded;
    if (cacheable) {
      cache.set(organizationId, entry);
      return use(entry);
    }
    try {
      return use(entry);
    } finally {
      entry.key.fill(0);
    }
  }

  return {
    currentKeyVersion: ring.currentVersion,
    keyVersions: ring.versions,

    async encrypt(tx, ctx, plaintext) {
      assertSecretContext(ctx);
      if (typeof plaintext !== 'string') throw new VaultError('Only strings can be encrypted', 'invalid_argument');
      return (await withDataKey(tx, ctx.organizationId, true, (k) => seal(k.key, k.keyId, ctx, plaintext)))!;
    },

    async decrypt(tx, ctx, ciphertext) {
      assertSecretContext(ctx);
      const parsed = parseCiphertext(ciphertext, ctx);
      const plaintext = await withDataKey(tx, ctx.organizationId, false, (k) => open(k.key, k.keyId, ctx, parsed));
      if (plaintext === null) {
        throw new SecretDecryptionError(
          `Secret ${ctx.table}.${ctx.column} of row ${ctx.rowId} cannot be decrypted: organization ${ctx.organizationId} has no data key`,
          'no_data_key',
        );
      }
      return plaintext;
    },

    decryptWithCachedKey(ctx, ciphertext) {
      assertSecretContext(ctx);
      const cached = cache.get(ctx.organizationId);
      return cached ? open(cached.key, cached.keyId, ctx, parseCiphertext(ciphertext, ctx)) : null;
    },

    async rewrapOrganizationKey(tx, organizationId, opts = {}) {
      const toKeyVersion = ring.currentVersion;
      const row = await readKeyRow(tx, organizationId, { forUpdate: !opts.dryRun });
      if (!row.data_key_wrapped) return { outcome: 'no_key', fromKeyVersion: null, toKeyVersion };
      const fromKeyVersion = row.data_key_version;
      // Unwrapping first proves the key is readable, even when it is already current.
      const { key } = unwrapRow(organizationId, { data_key_wrapped: row.data_key_wrapped, data_key_version: fromKeyVersion });
      try {
        if (fromKeyVersion === toKeyVersion) return { outcome: 'current', fromKeyVersion, toKeyVersion };
        if (!opts.dryRun) {
          await replaceWrappedKey(tx, organizationId, ring.wrap(organizationId, key));
          // The data key is unchanged, so a cached copy would still be right; dropping it keeps
          // plaintext keys out of memory once the operator is done with them.
          cache.delete(organizationId);
        }
        return { outcome: 'rewrapped', fromKeyVersion, toKeyVersion };
      } finally {
        key.fill(0);
      }
    },

    forgetKeys(organizationId) {
      if (organizationId === undefined) cache.clear();
      else cache.delete(organizationId);
    },
  };
}

/**
 * What the UI may show of a secret: '••••' and its last 4 characters, only when the secret is
 * at least 12 characters long (so at most a third of it shows); shorter secrets show no character.
 * Counts code points, so an emoji is never cut in half.
 */
export function secretHint(plaintext: string): string {
  const chars = Array.from(plaintext ?? '');
  return chars.length >= 12 ? `••••${chars.slice(-4).join('')}` : '••••';
}
