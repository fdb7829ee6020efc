import { sql } from 'kysely';
import type { Db } from '../../../db/client.js';
import type { MemberRole } from '../../../db/schema.js';
import { inScope } from '../lib/db-scope.js';
import { uuidv7 } from '../lib/ids.js';
import { hashPassword } from '../lib/passwords.js';

/**
 * Idempotent building blocks for operator scripts and the demo seed: running them twice changes
 * nothing the second time (and says so through the returned `created` flags).
 */
export async function ensureUser(db: Db, u: { email: string; name: string; password: string; platformOwner?: boolean; hashCost?: number }) {
  const existing = await db.kysely
    .selectFrom('users')
    .select(['id', 'platform_role'])
    .where(sql`lower(email)`, '=', u.email.toLowerCase())
    .executeTakeFirst();
  if (existing) {
    if (u.platformOwner && existing.platform_role !== 'platform_owner') {
      await db.kysely
        .updateTable('users')
        .set({ platform_role: 'platform_owner', updated_at: new Date() })
        .where('id', '=', existing.id)
        .execute();
      return { id: existing.id, created: false, promoted: true };
    }
    return { id: existing.id, created: false, promoted: false };
  }
  const id = uuidv7();
  await db.kysely
    .insertInto('users')
    .values({
      id,
      email: u.email,
      name: u.name,
      password_hash: await hashPassword(u.password, u.hashCost),
      platform_role: u.platformOwner ? 'platform_owner' : null,
      status: 'active',
      updated_at: new Date(),
    })
    .execute();
  return { id, created: true, promoted: false };
}

export async function ensureOrganization(db: Db, o: { slug: string; name: string }) {
  return inScope(db, { platform: true }, async (tx) => {
    const existing = await tx.selectFrom('organizations').select('id').where('slug', '=', o.slug).executeTakeFirst();
    if (existing) return { id: existing.id, created: false };
    const id = uuidv7();
    await tx.insertInto('organizations').values({ id, slug: o.slug, name: o.name, status: 'active', updated_at: new Date() }).execute();
    return { id, created: true };
  });
}

export async function ensureMembership(db: Db, orgId: string, userId: string, role: MemberRole) {
  return inScope(db, { org: orgId }, async (tx) => {
    const r = await tx
      .insertInto('memberships')
      .values({ organization_id: orgId, user_id: userId, role })
      .onConflict((oc) => oc.columns(['organization_id', 'user_id']).doNothing())
      .executeTakeFirst();
    return { created: Number(r.numInsertedOrUpdatedRows ?? 0) > 0 };
  });
}
