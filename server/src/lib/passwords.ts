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

/**
 * Checks a password against a stored hash. With no stored hash (unknown email, invited user), the same
 * scrypt work is done against a dummy hash of `costForUnknown` — the cost new hashes get — so the answer
 * takes as long as a wrong password on a real account and timing does not tell which emails have accounts.
 */
export async function verifyPassword(password: string, stored: string | null, costForUnknown = DEFAULT_HASH_COST): Promise<boolean> {
  const params = scryptParamsOf(stored, costForUnknown);
  if (!params) return false;
  const actual = await scrypt(password, params.salt, params.key.length, { N: params.N, r: params.r, p: params.p, maxmem: PARAMS.maxmem });
  return stored !== null && timingSafeEqual(actual, params.key);
}

/** The scrypt parameters a check of `stored` runs with (a dummy hash of `costForUnknown` when there is none). */
export function scryptParamsOf(stored: string | null, costForUnknown: number) {
  const [scheme, n, r, p, saltB64, keyB64] = (stored ?? dummyHash(costForUnknown)).split('$');
  if (scheme !== 'scrypt') return null;
  return { N: Number(n), r: Number(r), p: Number(p), salt: Buffer.from(saltB64, 'base64'), key: Buffer.from(keyB64, 'base64') };
}

const dummyHash = (cost: number) =>
  ['scrypt', 2 ** cost, PARAMS.r, PARAMS.p, Buffer.alloc(16).toString('base64'), Buffer.alloc(KEY_LEN).toString('base64')].join('$');

/** Opaque random tokens (refresh, invitation) are stored only as SHA-256 digests. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}
