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
  /** IANA zone new schedules and the admin UI default to. */
  default_timezone: Generated<string>;
  /** Days each kind of data is kept; the daily pruning job deletes what is older. */
  retention_logs_days: Generated<number>;
  retention_runs_days: Generated<number>;
  retention_deleted_records_days: Generated<number>;
  retention_webhook_deliveries_days: Generated<number>;
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
  /** IANA zone the admin UI shows times in; null follows the browser. */
  timezone: string | null;
  /** Two-factor sign-in: the TOTP secret, sealed (lib/crypto/user-secrets.ts); set once enabled. */
  mfa_secret_encrypted: string | null;
  /** A secret from mfa/setup awaiting its first code (mfa/enable). */
  mfa_pending_secret_encrypted: string | null;
  mfa_enabled_at: Date | null;
  /** The TOTP time step last accepted: a code is good once. */
  mfa_last_step: string | null;
  /** SHA-256 of each unused recovery code. */
  mfa_recovery_code_hashes: Generated<string[]>;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** The second step of a sign-in with two-factor on: the password is proven, a code is awaited. */
export interface MfaChallengesTable {
  id: string;
  user_id: string;
  token_hash: string;
  expires_at: Date;
  failed_attempts: Generated<number>;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface MembershipsTable {
  organization_id: string;
  user_id: string;
  role: MemberRole;
  created_at: CreatedAt;
}

/** A pending or accepted invitation to join an organization (the membership exists once accepted). */
export interface InvitationsTable {
  id: string;
  organization_id: string;
  email: string;
  /** The name the inviter gave (a new user's default name); never the invitee's own name. */
  name: string | null;
  role: MemberRole;
  token_hash: string;
  expires_at: Date;
  invited_by: string | null;
  created_at: CreatedAt;
  accepted_at: Date | null;
  accepted_user_id: string | null;
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
  /** 'user' or 'api_key'; null on events written before API keys existed (and on the system's own). */
  actor_type: ColumnType<'user' | 'api_key' | null, 'user' | 'api_key' | null | undefined, never>;
  /** An API key's name when it acted. */
  actor_name: ColumnType<string | null, string | null | undefined, never>;
  action: string;
  target_type: string;
  target_id: string | null;
  metadata: Json;
  ip: string | null;
  user_agent: string | null;
  prev_hash: string;
  hash: string;
}

/** An organization API key. Only the SHA-256 of its secret is stored; `prefix` is the non-secret start of it. */
export interface ApiKeysTable {
  id: string;
  organization_id: string;
  name: string;
  role: ApiKeyRole;
  prefix: string;
  secret_hash: string;
  created_by: string | null;
  created_by_email: string;
  created_at: CreatedAt;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

export type ApiKeyRole = 'viewer' | 'admin';

export interface AuditChainHeadsTable {
  chain_key: string;
  organization_id: string | null;
  last_seq: number;
  last_hash: string;
}

export type IntegrationStatus = 'INACTIVE' | 'ACTIVE' | 'ERROR' | 'SYNCING' | 'PAUSED';
export type AuthType = 'oauth2' | 'api_key' | 'basic';

/** What kind of failure (server/src/lib/error-kind.ts; migration 0016). */
export type ErrorKind = 'auth' | 'network' | 'provider' | 'rate_limit' | 'mapping';

export interface IntegrationsTable {
  id: string;
  organization_id: string;
  provider: string;
  name: string;
  status: IntegrationStatus;
  auth_type: AuthType;
  client_id: string | null;
  username: string | null;
  /** Vault ciphertext of the auth type's secret: client secret, API key or password. */
  secret_encrypted: string | null;
  secret_hint: string | null;
  /** Vault ciphertext of the write-only webhook secret that inbound webhooks are verified with. */
  webhook_secret_encrypted: Generated<string | null>;
  scopes: string[];
  settings: Json;
  error_count: Generated<number>;
  last_error: string | null;
  /** The kind of `last_error` (null for errors recorded before migration 0016). */
  last_error_kind: Generated<ErrorKind | null>;
  verified_at: Date | null;
  last_sync_at: Date | null;
  next_sync_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface ConnectionsTable {
  integration_id: string;
  organization_id: string;
  access_token_encrypted: string;
  refresh_token_encrypted: string | null;
  token_type: string | null;
  expires_at: Date | null;
  scopes: string[];
  external_account: string | null;
  connection_values: Json;
  connected_at: CreatedAt;
  last_refreshed_at: Date | null;
  refresh_count: Generated<number>;
  refresh_failures: Generated<number>;
  last_refresh_error: string | null;
  updated_at: Timestamp;
}

export interface OauthStatesTable {
  id: string;
  organization_id: string;
  integration_id: string;
  user_id: string;
  state_hash: string;
  browser_binding_hash: string;
  code_verifier_encrypted: string;
  redirect_uri: string;
  return_to: string | null;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export type SyncMode = 'full' | 'incremental';
export type RunTrigger = 'schedule' | 'manual' | 'webhook' | 'retry' | 'push';
export type SyncDirection = 'pull' | 'push' | 'bidirectional';
export type ConflictResolution = 'manual' | 'latest' | 'source' | 'merge';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
type JsonValue = ColumnType<unknown, string | null, string | null>;

/** One stored selective-sync filter; its shape is validated by the syncs service before it is saved. */
export interface SyncFilterRow {
  field: string;
  op: string;
  value?: unknown;
}

export interface SyncsTable {
  id: string;
  organization_id: string;
  integration_id: string;
  resource: string;
  mode: SyncMode;
  cron: string | null;
  timezone: string | null;
  enabled: boolean;
  cursor: JsonValue;
  /** Provider fields to fetch (empty: whole records); selective sync. */
  fields: ColumnType<string[], string | undefined, string>;
  /** `{ field, op, value }` filters (syncs.schemas.ts); selective sync. */
  filters: ColumnType<SyncFilterRow[], string | undefined, string>;
  next_run_at: Date | null;
  last_run_at: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  /** Two-way sync (migration 0013). */
  direction: Generated<SyncDirection>;
  /** The organization's fields → the provider's: FieldMapping[] like `field_mappings`, as one JSON array. */
  outbound_mappings: ColumnType<unknown, string | undefined, string>;
  conflict_resolution: Generated<ConflictResolution>;
}

export interface FieldMappingsTable {
  sync_id: string;
  organization_id: string;
  position: number;
  source: string;
  target: string;
  transform: string | null;
  args: JsonValue;
  required: boolean;
  default_value: JsonValue;
}

export interface SyncRunsTable {
  id: string;
  organization_id: string;
  integration_id: string;
  sync_id: string;
  trigger: RunTrigger;
  status: RunStatus;
  scheduled_for: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  fetched: Generated<number>;
  created: Generated<number>;
  updated: Generated<number>;
  unchanged: Generated<number>;
  deleted: Generated<number>;
  failed: Generated<number>;
  /** Two-way sync (migration 0013). */
  pushed: Generated<number>;
  conflicts: Generated<number>;
  /** Records not stored on purpose: left out by selective sync's filters, or writes the provider's version won. */
  skipped: Generated<number>;
  cursor_before: JsonValue;
  cursor_after: JsonValue;
  resume_cursor: JsonValue;
  error: string | null;
  /** The kind of `error` of a failed run (migration 0016). */
  error_kind: Generated<ErrorKind | null>;
  cancel_requested: Generated<boolean>;
  heartbeat_at: Date | null;
  /** The process that last claimed the run, `host:pid` (migration 0020); null until a run is claimed. */
  claimed_by: Generated<string | null>;
  created_at: CreatedAt;
}

export interface SyncLogsTable {
  id: string;
  organization_id: string;
  run_id: string;
  integration_id: string;
  sync_id: string;
  at: Date;
  level: LogLevel;
  message: string;
  data: JsonValue;
}

export interface RecordsTable {
  organization_id: string;
  integration_id: string;
  resource: string;
  external_id: string;
  data: Json;
  content_hash: string;
  source_updated_at: Date | null;
  first_seen_at: CreatedAt;
  updated_at: Timestamp;
  last_seen_run_id: string | null;
  deleted_at: Date | null;
  /** Where the record's latest change sits in its (integration, resource) feed (migration 0009). */
  feed_position: Generated<number>;
  /** What that latest change was. */
  feed_action: Generated<FeedAction>;
  /** The provider's ETag of the version last read or written: the base a write's precondition names (0013). */
  etag: Generated<string | null>;
}

export type FeedAction = 'added' | 'updated' | 'deleted';

/** One row per (integration, resource) feed: the lock its writers take before drawing positions (migration 0009). */
export interface RecordFeedsTable {
  organization_id: string;
  integration_id: string;
  resource: string;
  last_write_at: Generated<Date>;
}

/** An organization's webhook endpoint (API.md, Webhooks out). Secrets are vault ciphertexts. */
export interface WebhookEndpointsTable {
  id: string;
  organization_id: string;
  url: string;
  description: Generated<string>;
  events: string[];
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  secret_encrypted: string;
  /** The secret before the last rotation; deliveries carry its signature too until it expires. */
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | null;
  /** Since when every attempt to this endpoint failed (null after a success); the endpoint is disabled after the window. */
  failing_since: Date | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** Webhooks out's transactional outbox: one row per event, written in the transaction of the change it reports. */
export interface WebhookOutboxTable {
  id: string;
  organization_id: string;
  type: string;
  payload: Json;
  created_at: CreatedAt;
}

export type WebhookDeliveryStatus = 'pending' | 'succeeded' | 'failed';

/** One event to one endpoint; `next_attempt_at` is also the claim's lease while an attempt is in flight. */
export interface WebhookDeliveriesTable {
  id: string;
  organization_id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: Generated<WebhookDeliveryStatus>;
  attempts: Generated<number>;
  next_attempt_at: Date | null;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: CreatedAt;
}

export interface WebhookAttemptsTable {
  id: string;
  organization_id: string;
  delivery_id: string;
  attempted_at: Date;
  status_code: number | null;
  duration_ms: number;
  /** The first 2 KB of the response body. */
  response_excerpt: string | null;
  error: string | null;
}

export interface Database {
  organizations: OrganizationsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  mfa_challenges: MfaChallengesTable;
  audit_events: AuditEventsTable;
  audit_chain_heads: AuditChainHeadsTable;
  api_keys: ApiKeysTable;
  integrations: IntegrationsTable;
  connections: ConnectionsTable;
  oauth_states: OauthStatesTable;
  syncs: SyncsTable;
  field_mappings: FieldMappingsTable;
  sync_runs: SyncRunsTable;
  sync_logs: SyncLogsTable;
  records: RecordsTable;
  record_feeds: RecordFeedsTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_registrations: WebhookRegistrationsTable;
  webhook_outbox: WebhookOutboxTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
  push_requests: PushRequestsTable;
  run_writes: RunWritesTable;
  conflicts: ConflictsTable;
}

export type OrganizationRow = Selectable<OrganizationsTable>;
export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type MembershipRow = Selectable<MembershipsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type IntegrationRow = Selectable<IntegrationsTable>;
export type ConnectionRow = Selectable<ConnectionsTable>;
export type SyncRow = Selectable<SyncsTable>;
export type SyncRunRow = Selectable<SyncRunsTable>;
export type SyncLogRow = Selectable<SyncLogsTable>;
export type { Generated };

export type WebhookEventStatus = 'accepted' | 'rejected' | 'duplicate' | 'ignored';

/** Inbound webhook deliveries: the event list and the workers' durable queue (migration 0012). */
export interface WebhookEventsTable {
  id: string;
  organization_id: string;
  integration_id: string;
  provider_event_id: string | null;
  /** The provider event id while it deduplicates (the first delivery, for 7 days); null otherwise. */
  dedup_key: string | null;
  type: string | null;
  /** The provider's resources the event concerns; null: every enabled sync of the integration. */
  resources: string[] | null;
  received_at: CreatedAt;
  status: WebhookEventStatus;
  reason: string | null;
  run_id: string | null;
  payload: ColumnType<unknown, string | null, string | null>;
  processed_at: Date | null;
  process_after: Date | null;
}
export type WebhookEventRow = Selectable<WebhookEventsTable>;

/** The hook a provider's API created for an integration (`POST …/webhook/register`, migration 0015). */
export interface WebhookRegistrationsTable {
  integration_id: string;
  organization_id: string;
  provider: string;
  /** What the hook is registered on (GitHub: owner/repo). */
  target: string;
  provider_hook_id: string;
  /** When the provider lets the subscription lapse; null when it does not (GitHub). */
  expires_at: Date | null;
  registered_at: CreatedAt;
  updated_at: Timestamp;
}

/** An accepted `POST …/syncs/:syncId/records` and its answer, for `Idempotency-Key` repeats (migration 0013). */
export interface PushRequestsTable {
  id: string;
  organization_id: string;
  sync_id: string;
  idempotency_key: string | null;
  run_id: string;
  response: ColumnType<unknown, string, never>;
  created_at: CreatedAt;
}

export type WriteOp = 'create' | 'update' | 'delete';
export type WriteStatus = 'pending' | 'applied' | 'conflict' | 'failed' | 'skipped';

/** One record of a push run: the outbox item while pending, its outcome after (migration 0013). */
export interface RunWritesTable {
  run_id: string;
  position: number;
  organization_id: string;
  sync_id: string;
  op: WriteOp;
  external_id: string | null;
  data: ColumnType<unknown, string | null, string | null>;
  idempotency_key: string;
  status: Generated<WriteStatus>;
  error: string | null;
  conflict_id: string | null;
  changed_at: Generated<Date>;
  finished_at: Date | null;
}
export type RunWriteRow = Selectable<RunWritesTable>;

export type ConflictStatus = 'open' | 'resolved';
export type ConflictResolutionChoice = 'local' | 'remote' | 'merged';

/** A record changed on both sides, left for a person under the `manual` strategy (migration 0013). */
export interface ConflictsTable {
  id: string;
  organization_id: string;
  integration_id: string;
  sync_id: string;
  resource: string;
  external_id: string;
  run_id: string | null;
  fields: ColumnType<unknown, string, string>;
  base_data: ColumnType<unknown, string | null, string | null>;
  local_data: ColumnType<unknown, string, string>;
  remote_data: ColumnType<unknown, string, string>;
  remote_updated_at: Date | null;
  remote_etag: string | null;
  /** The organization's version is "deleted": the conflict is over a delete the provider refused (0018). */
  local_deleted: Generated<boolean>;
  status: Generated<ConflictStatus>;
  resolution: ConflictResolutionChoice | null;
  resolved_by: ColumnType<unknown, string | null, string | null>;
  resolved_at: Date | null;
  created_at: CreatedAt;
}
export type ConflictRow = Selectable<ConflictsTable>;
