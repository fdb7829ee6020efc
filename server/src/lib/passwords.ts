import { randomBytes, scrypt as scryptCb, timingSafeEqual, createHash } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

/** log2 of scrypt's N. 15 (N=32768, r=8, p=1) is OWASP's scrypt baseline; PASSWORD_HASH_COST tunes it. */
export const DEFAULT_HASH_COST = 15;
const PARAMS = { r: 8, p: 1, maxmem: 256 * 1024 * 1024 }; // maxmem must allow 128 * N * r bytes
const KEY_LEN = 32;

/** Format: scrypt$N$r$p$salt$hash (base64), so the cost can be raised without breaking old hashes. */
export async function hashPassword(password: string, cost = DEFAULT_HASH_COST): Promise<string> {
  const salt = randomBytes(16);
  const N = 2 ** cost;
  const key = await scrypt(password, salt, KEY_LEN, { ...PARAMS, N });
  return ['scrypt', N, PARAMS.r, PARAMS.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // Unknown users are checked against a dummy hash so both paths do the same kind of work.
  const [scheme, n, r, p, saltB64, keyB64] = (stored ?? DUMMY_HASH).split('$');
  if (scheme !== 'scrypt') return false;
  const expected = Buffer.from(keyB64, 'base64');
  const actual = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: PARAMS.maxmem,
  });
  return stored !== null && timingSafeEqual(actual, expected);
}

const DUMMY_HASH = 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/** Opaque random tokens (refresh, invitation) are stored only as SHA-256 digests. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
