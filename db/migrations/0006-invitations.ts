import { sql, type Kysely } from 'kysely';
import { tenantPolicyExpression } from './0005-rls-once-per-query.js';

/**
 * Invitations to join an organization. Adding a person — new to Linkyard or not — creates an invitation,
 * and the membership exists only once they accept it (with a new password, or their current one): nobody
 * joins an organization without consenting, and a pending invitation grants nothing.
 *
 * Before this, a new email got an 'invited' user with the token on the users row and an immediate
 * membership, and an existing user was made a member outright. Pending rows of that kind move here (same
 * token hash, so tokens already handed out keep working); their memberships go until accepted.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE invitations (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      email text NOT NULL,
      name text,
      role text NOT NULL CHECK (role IN ('viewer', 'admin', 'super_admin')),
      token_hash text NOT NULL UNIQUE,
      expires_at timestamptz NOT NULL,
      invited_by uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      accepted_at timestamptz,
      accepted_user_id uuid REFERENCES users(id) ON DELETE SET NULL
    )`.execute(db);
  // One pending invitation per person and organization.
  await sql`CREATE UNIQUE INDEX invitations_pending_email_idx ON invitations (organization_id, lower(email)) WHERE accepted_at IS NULL`.execute(
    db,
  );
  await sql.raw(`ALTER TABLE invitations ENABLE ROW LEVEL SECURITY`).execute(db);
  const expression = tenantPolicyExpression('organization_id');
  await sql.raw(`CREATE POLICY invitations_tenant ON invitations USING (${expression}) WITH CHECK (${expression})`).execute(db);
  await sql.raw(`GRANT SELECT, INSERT, UPDATE, DELETE ON invitations TO linkyard_app`).execute(db);

  // Pending invitations of the old kind: the first membership of each invited user keeps the token.
  await sql`
    INSERT INTO invitations (id, organization_id, email, name, role, token_hash, expires_at, created_at)
    SELECT gen_random_uuid(), m.organization_id, u.email, u.name, m.role,
           CASE WHEN row_number() OVER (PARTITION BY u.id ORDER BY m.created_at) = 1
                THEN u.invitation_token_hash ELSE md5(random()::text || m.organization_id::text) END,
           coalesce(u.invitation_expires_at, now()), m.created_at
      FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE u.status = 'invited' AND u.invitation_token_hash IS NOT NULL`.execute(db);
  await sql`DELETE FROM memberships m USING users u WHERE u.id = m.user_id AND u.status = 'invited'`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN invitation_token_hash, DROP COLUMN invitation_expires_at`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE users ADD COLUMN invitation_token_hash text UNIQUE, ADD COLUMN invitation_expires_at timestamptz`.execute(db);
  await sql`DROP TABLE invitations`.execute(db);
}
