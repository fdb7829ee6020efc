import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { AccessCache } from '../../lib/access-cache.js';
import type { PersonContext, RequestContext } from '../../lib/context.js';
import type { UserSecretBox } from '../../lib/crypto/index.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { BadRequest, Conflict, Unauthorized } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { newOpaqueToken, sha256 } from '../../lib/passwords.js';
import { recordAudit } from '../audit/audit.service.js';
import * as repo from './mfa.repo.js';
import type * as S from './auth.schemas.js';

/**
 * Two-factor sign-in with time-based one-time codes (TOTP, RFC 6238: SHA-1, 6 digits, 30-second steps — what
 * every authenticator app reads from an otpauth:// URL) through the otpauth library, and single-use recovery codes.
 * The secret is sealed at rest (lib/crypto/user-secrets.ts); recovery codes are kept only as SHA-256 digests.
 * A code is accepted one step either side of now (clock drift) and only once: the step it matched is recorded.
 */
export type MfaChallenge = Static<typeof S.MfaChallenge>;
export type MfaSetup = Static<typeof S.MfaSetup>;
type Factor = { code?: string; recoveryCode?: string };

const SECRET_PURPOSE = 'mfa_secret';
const CHALLENGE_TTL_SECONDS = 300;
/** Wrong codes one sign-in step tolerates before it must start again with the password. */
const MAX_FAILED_ATTEMPTS = 5;
const RECOVERY_CODES = 10;

const totpFor = (secretBase32: string, label: string) =>
  new TOTP({ issuer: 'Linkyard', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secretBase32) });

/** The time step a code matches (within one step of now), or null. */
function matchingStep(secretBase32: string, code: string): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpFor(secretBase32, '').validate({ token, window: 1 });
  return delta === null ? null : Math.floor(Date.now() / 30_000) + delta;
}

/** Recovery codes are typed by people: case, spaces and dashes do not matter. */
const normalizeRecoveryCode = (code: string) => code.toLowerCase().replace(/[\s-]+/g, '');

function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const raw = randomBytes(8).toString('hex').slice(0, 10);
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
}

function oneFactor(f: Factor): Factor {
  if (f.code !== undefined && f.recoveryCode !== undefined)
    throw new BadRequest('Send either a code or a recovery code, not both', '/code');
  if (!f.code?.trim() && !f.recoveryCode?.trim())
    throw new BadRequest('Enter the code from your authenticator app, or a recovery code', '/code');
  return f;
}

export interface MfaServiceDeps {
  db: Db;
  box: UserSecretBox;
  /** Forgotten for a user whose two-factor state changes (PLATFORM_OWNER_MFA=required reads it at the gate). */
  accessCache: AccessCache;
}

/** Checks a code or recovery code of a user with two-factor on; spends what it matched. */
async function verifyFactor(box: UserSecretBox, tx: Tx, user: NonNullable<Awaited<ReturnType<typeof repo.findMfaState>>>, f: Factor) {
  if (!user.mfa_secret_encrypted) return null;
  if (f.recoveryCode !== undefined) {
    const spent = await repo.spendRecoveryCode(tx, user.id, sha256(normalizeRecoveryCode(f.recoveryCode)));
    return spent ? ('recovery_code' as const) : null;
  }
  const { plaintext, stale } = box.open(user.id, SECRET_PURPOSE, user.mfa_secret_encrypted);
  const step = matchingStep(plaintext, f.code ?? '');
  if (step === null || !(await repo.claimStep(tx, user.id, step))) return null;
  // Sealed under a retired master key: seal it again under the current one while it is open.
  if (stale) await repo.resealSecret(tx, user.id, box.seal(user.id, SECRET_PURPOSE, plaintext));
  return 'totp' as const;
}

/** Two-factor sign-in: turning it on and off, and the second step of a sign-in. */
export function createMfaService(deps: MfaServiceDeps) {
  return { ...createEnrolment(deps), ...createSignInStep(deps) };
}

/** Turning two-factor sign-in on (setup, then a first code) and off. */
function createEnrolment({ db, box, accessCache }: MfaServiceDeps) {
  return {
    /** Starts enrolment: a new secret awaits its first code (mfa/enable). Setting up again replaces it. */
    async setup(ctx: PersonContext): Promise<MfaSetup> {
      return inScope(db, { platform: true }, async (tx) => {
        const user = await repo.findMfaState(tx, ctx.actor.userId);
        if (!user) throw new Unauthorized();
        if (user.mfa_enabled_at) throw new Conflict('Two-factor sign-in is already on; turn it off first to set up a new app');
        const secret = new Secret({ size: 20 }).base32;
        await repo.setPendingSecret(tx, user.id, box.seal(user.id, `${SECRET_PURPOSE}_pending`, secret));
        return { otpauthUrl: totpFor(secret, user.email).toString(), secret };
      });
    },

    /** Finishes enrolment with a first code from the app; answers the recovery codes, shown this once. */
    async enable(ctx: PersonContext, code: string): Promise<{ recoveryCodes: string[] }> {
      const codes = await inScope(db, { platform: true }, async (tx) => {
        const user = await repo.findMfaState(tx, ctx.actor.userId);
        if (!user) throw new Unauthorized();
        if (user.mfa_enabled_at) throw new Conflict('Two-factor sign-in is already on');
        if (!user.mfa_pending_secret_encrypted)
          throw new BadRequest('Start with POST /api/auth/mfa/setup, then enter the code your app shows', '/code');
        const secret = box.open(user.id, `${SECRET_PURPOSE}_pending`, user.mfa_pending_secret_encrypted).plaintext;
        const step = matchingStep(secret, code);
        if (step === null)
          throw new BadRequest('That code is not right: enter the 6-digit code your app shows now (check the device clock)', '/code');
        const recoveryCodes = newRecoveryCodes();
        const hashes = recoveryCodes.map((c) => sha256(normalizeRecoveryCode(c)));
        await repo.enableMfa(tx, user.id, box.seal(user.id, SECRET_PURPOSE, secret), step, hashes);
        await recordAudit(tx, ctx, { organizationId: null, action: 'auth.mfa_enabled', target: { type: 'user', id: user.id } });
        return recoveryCodes;
      });
      accessCache.forgetUser(ctx.actor.userId);
      return { recoveryCodes: codes };
    },

    /** Turns two-factor sign-in off, proven by a current code or a recovery code. */
    async disable(ctx: PersonContext, factor: Factor): Promise<void> {
      oneFactor(factor);
      await inScope(db, { platform: true }, async (tx) => {
        const user = await repo.findMfaState(tx, ctx.actor.userId);
        if (!user) throw new Unauthorized();
        if (!user.mfa_enabled_at) throw new Conflict('Two-factor sign-in is not on');
        const used = await verifyFactor(box, tx, user, factor);
        if (!used) throw new BadRequest('That code is not right', factor.recoveryCode !== undefined ? '/recoveryCode' : '/code');
        await repo.disableMfa(tx, user.id);
        await recordAudit(tx, ctx, {
          organizationId: null,
          action: 'auth.mfa_disabled',
          target: { type: 'user', id: user.id },
          metadata: { with: used },
        });
      });
      accessCache.forgetUser(ctx.actor.userId);
    },
  };
}

/** The second step of a sign-in with two-factor on. */
function createSignInStep({ db, box }: MfaServiceDeps) {
  return {
    /** The password was right and two-factor is on: a short-lived token stands for that until a code arrives. */
    async challenge(userId: string): Promise<MfaChallenge> {
      const token = newOpaqueToken();
      await inScope(db, { platform: true }, async (tx) => {
        await repo.deleteStaleChallenges(tx, userId);
        await repo.insertChallenge(tx, {
          id: uuidv7(),
          userId,
          tokenHash: sha256(token),
          expiresAt: new Date(Date.now() + CHALLENGE_TTL_SECONDS * 1000),
        });
      });
      return { mfaRequired: true, mfaToken: token, expiresIn: CHALLENGE_TTL_SECONDS };
    },

    /**
     * The second step of a sign-in: returns the user to start a session for. Wrong codes count against the
     * challenge (committed even though the answer is a refusal); after five it is spent.
     */
    async completeChallenge(mfaToken: string, factor: Factor, ctx: RequestContext): Promise<{ userId: string; factor: string }> {
      oneFactor(factor);
      const outcome = await inScope(db, { platform: true }, async (tx) => {
        const challenge = await repo.lockChallenge(tx, sha256(mfaToken));
        if (
          !challenge ||
          challenge.used_at ||
          challenge.expires_at.getTime() <= Date.now() ||
          challenge.failed_attempts >= MAX_FAILED_ATTEMPTS
        )
          return { expired: true as const };
        const user = await repo.findMfaState(tx, challenge.user_id);
        const used = user && user.status === 'active' ? await verifyFactor(box, tx, user, factor) : null;
        if (!used) {
          await repo.countFailedAttempt(tx, challenge.id);
          await recordAudit(tx, ctx, {
            organizationId: null,
            action: 'auth.mfa_failed',
            target: { type: 'user', id: challenge.user_id },
            metadata: { attempt: challenge.failed_attempts + 1 },
          });
          return { wrong: true as const };
        }
        await repo.markChallengeUsed(tx, challenge.id);
        return { userId: challenge.user_id, factor: used };
      });
      if ('expired' in outcome)
        throw new Unauthorized('This sign-in has expired or had too many wrong codes; sign in again with your password');
      if ('wrong' in outcome) throw new Unauthorized('That code is not right');
      return outcome;
    },
  };
}

export type MfaService = ReturnType<typeof createMfaService>;
