import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Typed view of the database, one interface per table. Columns mirror db/migrations exactly. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<Record<string, unknown>, string | Record<string, unknown>, string | Record<string, unknown>>;

export type OrgStatus = 'active' | 'suspended';
export type MemberRole = 'viewer' | 'admin' | 'super_admin';
export type PlatformRole = 'platform_owner';
export type UserStatus = 'active' | 'invited' | 'disabled';

export interface OrganizationsTable {
  id: string;
  slug: string;
  name: string;
  status: OrgStatus;
  /** Per-organization data key, wrapped by the master key (see server/src/lib/crypto). */
  data_key_wrapped: Buffer | null;
  data_key_version: number | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string | null;
  platform_role: PlatformRole | null;
  status: UserStatus;
  invitation_token_hash: string | null;
  invitation_expires_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface MembershipsTable {
  organization_id: string;
  user_id: string;
  role: MemberRole;
  created_at: CreatedAt;
}

export interface SessionsTable {
  id: string;
  family_id: string;
  user_id: string;
  token_hash: string;
  expires_at: Date;
  created_at: CreatedAt;
  /** Set when this refresh token was exchanged for the next one; presenting it again is reuse. */
  rotated_at: Date | null;
  revoked_at: Date | null;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditEventsTable {
  id: string;
  organization_id: string | null;
  chain_key: string;
  seq: number;
  at: Date;
  actor_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  metadata: Json;
  ip: string | null;
  user_agent: string | null;
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadsTable {
  chain_key: string;
  organization_id: string | null;
  last_seq: number;
  last_hash: string;
}

export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  sessions: SessionsTable;
  audit_events: AuditEventsTable;
  audit_chain_heads: AuditChainHeadsTable;
}

export type OrganizationRow = Selectable<OrganizationsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type { Generated };
