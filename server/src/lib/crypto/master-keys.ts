import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DataKeyUnwrapError, MasterKeyUnavailableError, VaultError } from './vault-errors.js';

/**
 * Master keys (ENCRYPTION_KEY and the retired ENCRYPTION_KEY_PREVIOUS) and the wrapping of
 * per-organization data keys under them.
 *
 * Key version: a master key's version is derived from the key itself, the first 31 bits of
 * SHA-256("linkyard master key version\0" || key), a positive integer that fits
 * organizations.data_key_version. Operators therefore never number keys by hand: listing a key in
 * either variable, in any order, is enough for the vault to find it from the version a row names.
 * The version reveals nothing usable about the key (a truncated hash of 256 random bits). Two
 * distinct configured keys with the same version (odds about 1 in 2^31 per pair) are refused at start-up.
 *
 * Wrapped data key (organizations.data_key_wrapped, bytea, 61 bytes):
 *   0x01 (format) || IV (12 bytes) || AES-256-GCM(master key, data key) (32 bytes) || tag (16 bytes)
 * with associated data binding the organization id and the master key version, so a wrapped key
 * copied onto another organization's row does not unwrap there.
 */

const WRAP_FORMAT = 0x01;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;
const WRAPPED_BYTES = 1 + IV_BYTES + DATA_KEY_BYTES + TAG_BYTES;

/** Decodes a 32-byte key given as 64 hex characters or as base64 (standard or URL-safe). */
export function decodeMasterKey(value: string): Buffer {
  const v = value.trim();
  let bytes: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(v)) bytes = Buffer.from(v, 'hex');
  else if (/^[A-Za-z0-9+/_-]+=*$/.test(v)) bytes = Buffer.from(v, 'base64');
  if (!bytes || bytes.length !== 32) {
    throw new VaultError(
      'A master key must be 32 bytes, base64 or hex encoded (generate one with: openssl rand -base64 32)',
      'invalid_argument',
    );
  }
  return bytes;
}

/** The stable version number of a master key (see the file comment). */
export function masterKeyVersion(key: string | Buffer): number {
  const bytes = typeof key === 'string' ? decodeMasterKey(key) : key;
  return createHash('sha256').update('linkyard master key version\0').update(bytes).digest().readUInt32BE(0) >>> 1;
}

function wrapAad(organizationId: string, version: number): Buffer {
  return Buffer.from(JSON.stringify(['linkyard.data-key', WRAP_FORMAT, organizationId, version]), 'utf8');
}

export interface MasterKeyRing {
  /** Version of ENCRYPTION_KEY: every new or re-wrapped data key is wrapped under it. */
  readonly currentVersion: number;
  /** Every version that can unwrap, current first. */
  readonly versions: readonly number[];
  wrap(organizationId: string, dataKey: Buffer): { wrapped: Buffer; version: number };
  /** Returns a fresh buffer the caller owns (and should zero when done with it). */
  unwrap(organizationId: string, wrapped: Uint8Array, version: number | null): Buffer;
}

export function createMasterKeyRing(currentKey: string, previousKeys: readonly string[] = []): MasterKeyRing {
  const keys = new Map<number, Buffer>();
  const add = (encoded: string) => {
    const key = decodeMasterKey(encoded);
    const version = masterKeyVersion(key);
    const existing = keys.get(version);
    if (existing && !existing.equals(key)) {
      throw new VaultError(`Two different master keys share version ${version}; replace one of them`, 'invalid_argument');
    }
    if (!existing) keys.set(version, key);
    return version;
  };
  const currentVersion = add(currentKey);
  for (const k of previousKeys) add(k);
  const versions = [...keys.keys()];

  return {
    currentVersion,
    versions,
    wrap(organizationId, dataKey) {
      if (dataKey.length !== DATA_KEY_BYTES) throw new VaultError('A data key must be 32 bytes', 'invalid_argument');
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', keys.get(currentVersion)!, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(wrapAad(organizationId, currentVersion));
      const sealed = Buffer.concat([cipher.update(dataKey), cipher.final()]);
      return { wrapped: Buffer.concat([Buffer.of(WRAP_FORMAT), iv, sealed, cipher.getAuthTag()]), version: currentVersion };
    },
    unwrap(organizationId, wrapped, version) {
      if (version === null) throw new DataKeyUnwrapError(organizationId, 'it has no master key version');
      const master = keys.get(version);
      if (!master) throw new MasterKeyUnavailableError(organizationId, version, versions);
      const bytes = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
      if (bytes.length !== WRAPPED_BYTES || bytes[0] !== WRAP_FORMAT) {
        throw new DataKeyUnwrapError(organizationId, 'it is not in the expected format');
      }
      const iv = bytes.subarray(1, 1 + IV_BYTES);
      const sealed = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + DATA_KEY_BYTES);
      const tag = bytes.subarray(1 + IV_BYTES + DATA_KEY_BYTES);
      try {
        const decipher = createDecipheriv('aes-256-gcm', master, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(wrapAad(organizationId, version));
        decipher.setAuthTag(tag);
        return Buffer.concat([decipher.update(sealed), decipher.final()]);
      } catch {
        throw new DataKeyUnwrapError(
          organizationId,
          `it does not authenticate under master key version ${version} (altered, or copied from another organization)`,
        );
      }
    },
  };
}
