import { sql } from 'kysely';
import type { Tx } from '../../lib/db-scope.js';

/** Two-factor sign-in state on users, and the sign-in challenges awaiting a code (platform-level, no tenant rows). */

export function findMfaState(tx: Tx, userId: string) {
  return tx
    .selectFrom('users')
    .select(['id', 'email', 'status', 'mfa_secret_encrypted', 'mfa_pending_secret_encrypted', 'mfa_enabled_at', 'mfa_last_step'])
    .where('id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
}

export async function setPendingSecret(tx: Tx, userId: string, sealed: string) {
  await tx.updateTable('users').set({ mfa_pending_secret_encrypted: sealed, updated_at: new Date() }).where('id', '=', userId).execute();
}

export async function enableMfa(tx: Tx, userId: string, sealed: string, step: number, recoveryCodeHashes: string[]) {
  await tx
    .updateTable('users')
    .set({
      mfa_secret_encrypted: sealed,
      mfa_pending_secret_encrypted: null,
      mfa_enabled_at: new Date(),
      mfa_last_step: String(step),
      mfa_recovery_code_hashes: recoveryCodeHashes,
      updated_at: new Date(),
    })
    .where('id', '=', userId)
    .execute();
}

export async function disableMfa(tx: Tx, userId: string) {
  await tx
    .updateTable('users')
    .set({
      mfa_secret_encrypted: null,
      mfa_pending_secret_encrypted: null,
      mfa_enabled_at: null,
      mfa_last_step: null,
      mfa_recovery_code_hashes: [],
      updated_at: new Date(),
    })
    .where('id', '=', userId)
    .execute();
}

/** Records a code's time step as used; false when that step (or a later one) was used already: a code works once. */
export async function claimStep(tx: Tx, userId: string, step: number): Promise<boolean> {
  const r = await tx
    .updateTable('users')
    .set({ mfa_last_step: String(step) })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', String(step))]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Spends a recovery code: true when it was one of the user's unused codes (it is gone afterwards). */
export async function spendRecoveryCode(tx: Tx, userId: string, codeHash: string): Promise<boolean> {
  const r = await sql`
    UPDATE users SET mfa_recovery_code_hashes = array_remove(mfa_recovery_code_hashes, ${codeHash})
     WHERE id = ${userId} AND ${codeHash} = ANY(mfa_recovery_code_hashes)`.execute(tx);
  return Number(r.numAffectedRows ?? 0) === 1;
}

export async function resealSecret(tx: Tx, userId: string, sealed: string) {
  await tx.updateTable('users').set({ mfa_secret_encrypted: sealed }).where('id', '=', userId).execute();
}

export async function insertChallenge(tx: Tx, c: { id: string; userId: string; tokenHash: string; expiresAt: Date }) {
  await tx.insertInto('mfa_challenges').values({ id: c.id, user_id: c.userId, token_hash: c.tokenHash, expires_at: c.expiresAt }).execute();
}

export function lockChallenge(tx: Tx, tokenHash: string) {
  return tx.selectFrom('mfa_challenges').selectAll().where('token_hash', '=', tokenHash).forUpdate().executeTakeFirst();
}

export async function countFailedAttempt(tx: Tx, id: string) {
  await tx
    .updateTable('mfa_challenges')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', id)
    .execute();
}

export async function markChallengeUsed(tx: Tx, id: string) {
  await tx.updateTable('mfa_challenges').set({ used_at: new Date() }).where('id', '=', id).execute();
}

/** Challenges of the user past their expiry or used: nothing needs them any more. */
export async function deleteStaleChallenges(tx: Tx, userId: string) {
  await tx
    .deleteFrom('mfa_challenges')
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('expires_at', '<', new Date()), eb('used_at', 'is not', null)]))
    .execute();
}
