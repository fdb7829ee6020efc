import { sql, type Kysely } from 'kysely';
import type { Insertable } from 'kysely';
import type { Static } from '@sinclair/typebox';
import type { Database, SessionsTable } from '../../../../db/schema.js';
import type { ActorRow } from '../../lib/context.js';
import type { Tx } from '../../lib/db-scope.js';
import type { MembershipView as MembershipViewSchema } from './auth.schemas.js';

/** Users and sessions are platform-level identity tables (no tenant rows), read with the owner connection. */
type Conn = Kysely<Database>;

export function findUserByEmail(db: Conn, email: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
}

export function findUserById(db: Conn, id: string) {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A person's first password: an account created for an invitation, or one invited before invitations had a table of their own. */
export async function activateWithPassword(db: Conn, id: string, passwordHash: string, name: string | undefined) {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, status: 'active', updated_at: new Date(), ...(name ? { name } : {}) })
    .where('id', '=', id)
    .execute();
}

export async function insertActiveUser(db: Conn, u: { id: string; email: string; name: string; passwordHash: string }) {
  await db
    .insertInto('users')
    .values({
      id: u.id,
      email: u.email,
      name: u.name,
      password_hash: u.passwordHash,
      platform_role: null,
      status: 'active',
      updated_at: new Date(),
    })
    .execute();
}

/**
 * Everything the access gate needs, in one round trip: the user, whether the token's session was
 * revoked, and the user's membership in the organization of the URL (if any).
 */
export async function loadActor(db: Conn, userId: string, sessionFamilyId: string, orgId: string | null): Promise<ActorRow | undefined> {
  const result = await sql<ActorRow>`
    SELECT u.email, u.status, u.platform_role, u.mfa_enabled_at IS NOT NULL AS mfa_enabled,
           -- The token's session must be one of this user's, and none of its family revoked (logout, reuse).
           NOT EXISTS (SELECT 1 FROM sessions s WHERE s.family_id = ${sessionFamilyId} AND s.user_id = u.id)
             OR EXISTS (SELECT 1 FROM sessions s WHERE s.family_id = ${sessionFamilyId} AND s.revoked_at IS NOT NULL) AS session_revoked,
           o.id IS NOT NULL AS org_exists, o.status AS org_status, m.role
      FROM users u
      LEFT JOIN organizations o ON o.id = ${orgId}::uuid
      LEFT JOIN memberships m ON m.organization_id = o.id AND m.user_id = u.id
     WHERE u.id = ${userId}`.execute(db);
  return result.rows[0];
}

export type MembershipView = Static<typeof MembershipViewSchema>;

/** The caller's memberships (run in the caller's user scope, so RLS shows only their own rows). */
export function listMembershipsOfUser(tx: Tx, userId: string): Promise<MembershipView[]> {
  return tx
    .selectFrom('memberships as m')
    .innerJoin('organizations as o', 'o.id', 'm.organization_id')
    .select(['o.id as organizationId', 'o.slug as organizationSlug', 'o.name as organizationName', 'm.role'])
    .where('m.user_id', '=', userId)
    .orderBy('o.name')
    .execute();
}

export async function insertSession(db: Conn, s: Insertable<SessionsTable>) {
  await db.insertInto('sessions').values(s).execute();
}

export function findSessionByTokenHash(db: Conn, tokenHash: string) {
  return db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Marks a refresh token used; false when another request used it first (a race counts as reuse). */
export async function markRotated(db: Conn, sessionId: string): Promise<boolean> {
  const r = await db
    .updateTable('sessions')
    .set({ rotated_at: new Date() })
    .where('id', '=', sessionId)
    .where('rotated_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function revokeFamily(db: Conn, familyId: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function updateProfile(db: Conn, id: string, patch: { name?: string; timezone?: string | null }) {
  await db
    .updateTable('users')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

export async function updatePasswordHash(db: Conn, id: string, passwordHash: string) {
  await db.updateTable('users').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', id).execute();
}

/** Ends every session of the user except the one of `keepFamilyId`; returns how many ended. */
export async function revokeOtherFamilies(db: Conn, userId: string, keepFamilyId: string): Promise<number> {
  const r = await db
    .updateTable('sessions')
    .set({ revoked_at: new Date() })
    .where('user_id', '=', userId)
    .where('family_id', '<>', keepFamilyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}
