import { sql, type Kysely } from 'kysely';
import { tenantPolicyExpression } from './0005-rls-once-per-query.js';

/**
 * Organization API keys: machines call the API with `Authorization: Bearer lyk_…` and act as a member of the
 * key's organization with the key's role (viewer or admin). Only the SHA-256 of the secret is stored (the secret
 * is 32 random bytes, so a fast hash is enough: nothing to brute-force); `prefix` is a short, non-secret start of
 * it, shown in lists so people can tell keys apart.
 *
 * Audit events gain the kind of actor: `actor_type` ('user' or 'api_key') and `actor_name` (a key's name). Rows
 * written before this have neither, and their hash was computed without them, so the chain hashes these fields
 * only when `actor_type` is set (audit-chain.ts): old and new events both verify.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE api_keys (
      id uuid PRIMARY KEY,
      organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('viewer', 'admin')),
      prefix text NOT NULL,
      secret_hash text NOT NULL,
      created_by uuid,
      created_by_email text NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      expires_at timestamptz,
      revoked_at timestamptz
    )`.execute(db);
  // The access gate finds a key by the hash of the presented secret on every request: one index probe.
  await sql`CREATE UNIQUE INDEX api_keys_secret_hash_idx ON api_keys (secret_hash)`.execute(db);
  await sql`CREATE INDEX api_keys_org_created_idx ON api_keys (organization_id, created_at DESC, id DESC)`.execute(db);
  await sql.raw(`ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY`).execute(db);
  const expression = tenantPolicyExpression('organization_id');
  await sql.raw(`CREATE POLICY api_keys_tenant ON api_keys USING (${expression}) WITH CHECK (${expression})`).execute(db);
  await sql.raw(`GRANT SELECT, INSERT, UPDATE ON api_keys TO linkyard_app`).execute(db);

  await sql`ALTER TABLE audit_events ADD COLUMN actor_type text CHECK (actor_type IN ('user', 'api_key')), ADD COLUMN actor_name text`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE audit_events DROP COLUMN actor_type, DROP COLUMN actor_name`.execute(db);
  await sql`DROP TABLE api_keys`.execute(db);
}
