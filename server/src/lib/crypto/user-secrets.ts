import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { decodeMasterKey, masterKeyVersion } from './master-keys.js';
import { SecretDecryptionError } from './vault-errors.js';

/**
 * Secrets that belong to a person rather than an organization (a two-factor TOTP secret), sealed at rest.
 * Organizations' secrets use their own data keys (vault.ts); a user belongs to no organization, so theirs are
 * sealed under a key derived from the master key (HKDF-SHA256, its own label, so it is never the master key
 * itself nor any organization's data key).
 *
 * Format: u1.<master key version>.<iv base64url>.<AES-256-GCM ciphertext and tag, base64url>, with associated data
 * binding the user id and the purpose, so a value copied to another user or column does not open. A value sealed
 * under a retired master key (ENCRYPTION_KEY_PREVIOUS) still opens; `stale` says it should be sealed again.
 */
export interface UserSecretBox {
  seal(userId: string, purpose: string, plaintext: string): string;
  open(userId: string, purpose: string, sealed: string): { plaintext: string; stale: boolean };
}

const FORMAT_RE = /^u1\.(\d{1,10})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

export function createUserSecretBox(currentKey: string, previousKeys: readonly string[] = []): UserSecretBox {
  const keys = new Map<number, Buffer>();
  for (const encoded of [currentKey, ...previousKeys]) {
    const master = decodeMasterKey(encoded);
    const version = masterKeyVersion(master);
    if (!keys.has(version)) keys.set(version, Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'linkyard user secrets v1', 32)));
  }
  const currentVersion = masterKeyVersion(currentKey);
  const aad = (userId: string, purpose: string) => Buffer.from(JSON.stringify(['linkyard.user-secret', 'u1', userId, purpose]), 'utf8');

  return {
    seal(userId, purpose, plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys.get(currentVersion)!, iv, { authTagLength: 16 });
      cipher.setAAD(aad(userId, purpose));
      const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `u1.${currentVersion}.${iv.toString('base64url')}.${sealed.toString('base64url')}`;
    },
    open(userId, purpose, value) {
      const m = FORMAT_RE.exec(value);
      const fail = (why: string, code: 'malformed_ciphertext' | 'authentication_failed' = 'authentication_failed') =>
        new SecretDecryptionError(`The ${purpose} of user ${userId} cannot be decrypted: ${why}`, code);
      if (!m) throw fail('it is not in the expected format', 'malformed_ciphertext');
      const version = Number(m[1]);
      const key = keys.get(version);
      if (!key) throw fail(`master key version ${version} is not configured`);
      const bytes = Buffer.from(m[3], 'base64url');
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(m[2], 'base64url'), { authTagLength: 16 });
        decipher.setAAD(aad(userId, purpose));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        const plaintext = Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
        return { plaintext, stale: version !== currentVersion };
      } catch {
        throw fail('it does not authenticate (altered, or copied from another user)');
      }
    },
  };
}
