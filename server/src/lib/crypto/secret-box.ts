import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { isUuid } from '../ids.js';
import { SecretDecryptionError, VaultError } from './vault-errors.js';

/**
 * The stored form of one secret, sealed with its organization's data key.
 *
 * Ciphertext format (a text column holds it; ASCII, no padding):
 *
 *     v1.<data key id>.<iv>.<sealed>
 *
 *   v1           format version; a later format gets v2 and this parser keeps reading v1.
 *   data key id  8 lowercase hex characters: the first 4 bytes of HMAC-SHA256(data key, "linkyard data key id").
 *                It names the data key the value was sealed with, so a value from another organization
 *                (or sealed before a data key was lost) is reported as such before any decryption. Master
 *                key versions are deliberately not here: they live on the organization row, so rotating
 *                the master key re-wraps one data key per organization and never rewrites secrets.
 *   iv           12 random bytes, base64url (16 characters); never reused with a key in practice (2^-96 odds).
 *   sealed       AES-256-GCM ciphertext followed by its 16-byte tag, base64url.
 *
 * Associated data (authenticated, not stored): the JSON array
 *   ["linkyard.secret", "v1", <data key id>, <organization id>, <table>, <column>, <row id>]
 * so the header cannot be edited and a value copied to another row, column, table or organization
 * fails authentication instead of decrypting. The plaintext's length is visible (within a few bytes)
 * from the ciphertext's, as with any AEAD; secrets' lengths are not considered sensitive here.
 */

export interface SecretContext {
  organizationId: string;
  /** Table and column the ciphertext is stored in, e.g. 'integrations' / 'client_secret'. */
  table: string;
  column: string;
  /** Primary key of the row (stringified when composite). */
  rowId: string;
}

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const CIPHERTEXT_RE = /^v1\.([0-9a-f]{8})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;
const IDENTIFIER_RE = /^[a-z_][a-z0-9_]{0,62}$/;

export interface ParsedCiphertext {
  dataKeyId: string;
  iv: Buffer;
  sealed: Buffer;
}

export function dataKeyId(dataKey: Buffer): string {
  return createHmac('sha256', dataKey).update('linkyard data key id').digest().subarray(0, 4).toString('hex');
}

export function assertSecretContext(ctx: SecretContext): void {
  const bad = (what: string) => new VaultError(`Invalid secret context: ${what}`, 'invalid_argument');
  if (!ctx || typeof ctx !== 'object') throw bad('missing');
  if (!isUuid(ctx.organizationId)) throw bad('organizationId must be a UUID');
  if (typeof ctx.table !== 'string' || !IDENTIFIER_RE.test(ctx.table)) throw bad('table must be a lowercase SQL identifier');
  if (typeof ctx.column !== 'string' || !IDENTIFIER_RE.test(ctx.column)) throw bad('column must be a lowercase SQL identifier');
  if (typeof ctx.rowId !== 'string' || ctx.rowId.length === 0 || ctx.rowId.length > 200)
    throw bad('rowId must be a non-empty string of at most 200 characters');
}

function describe(ctx: SecretContext): string {
  return `${ctx.table}.${ctx.column} of row ${ctx.rowId} in organization ${ctx.organizationId}`;
}

function aad(keyId: string, ctx: SecretContext): Buffer {
  return Buffer.from(JSON.stringify(['linkyard.secret', FORMAT, keyId, ctx.organizationId, ctx.table, ctx.column, ctx.rowId]), 'utf8');
}

/** True when a value has this vault's ciphertext shape (it says nothing about whether it decrypts). */
export function isCiphertext(value: unknown): value is string {
  return typeof value === 'string' && CIPHERTEXT_RE.test(value);
}

export function parseCiphertext(ciphertext: string, ctx: SecretContext): ParsedCiphertext {
  const m = typeof ciphertext === 'string' ? CIPHERTEXT_RE.exec(ciphertext) : null;
  if (!m) {
    throw new SecretDecryptionError(
      `Secret ${describe(ctx)} is not a ciphertext this vault can read (unknown format or truncated)`,
      'malformed_ciphertext',
    );
  }
  const iv = Buffer.from(m[2], 'base64url');
  const sealed = Buffer.from(m[3], 'base64url');
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) {
    throw new SecretDecryptionError(
      `Secret ${describe(ctx)} is not a ciphertext this vault can read (bad lengths)`,
      'malformed_ciphertext',
    );
  }
  return { dataKeyId: m[1], iv, sealed };
}

export function seal(dataKey: Buffer, keyId: string, ctx: SecretContext, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', dataKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(keyId, ctx));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${FORMAT}.${keyId}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

export function open(dataKey: Buffer, keyId: string, ctx: SecretContext, parsed: ParsedCiphertext): string {
  if (parsed.dataKeyId !== keyId) {
    throw new SecretDecryptionError(
      `Secret ${describe(ctx)} was sealed with data key ${parsed.dataKeyId}, but the organization's data key is ${keyId} (copied from another organization?)`,
      'data_key_mismatch',
    );
  }
  const ct = parsed.sealed.subarray(0, parsed.sealed.length - TAG_BYTES);
  const tag = parsed.sealed.subarray(parsed.sealed.length - TAG_BYTES);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', dataKey, parsed.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(keyId, ctx));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(ct), decipher.final()]);
  } catch {
    throw new SecretDecryptionError(
      `Secret ${describe(ctx)} failed authentication: it was altered, or copied from another row, column, table or organization`,
      'authentication_failed',
    );
  }
  try {
    return plain.toString('utf8');
  } finally {
    plain.fill(0);
  }
}
