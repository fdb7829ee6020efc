/** Shapes of the API's responses the UI reads (docs/api.md). */
export type Role = 'viewer' | 'admin' | 'super_admin';
export type IntegrationStatus = 'INACTIVE' | 'ACTIVE' | 'ERROR' | 'SYNCING' | 'PAUSED';
export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface Me {
  user: { id: string; email: string; name: string; platformRole: 'platform_owner' | null };
  memberships: { organizationId: string; organizationSlug: string; organizationName: string; role: Role }[];
}

export interface Org {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  role: Role | null;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Provider {
  key: string;
  name: string;
  category: string;
  authType: 'oauth2' | 'api_key' | 'basic';
  defaultScopes: string[];
  pkce: boolean;
  /** Provider-specific, non-secret values an integration takes (`subdomain`, `shop`, …). */
  settings: ProviderSetting[];
  /** URL settings every provider accepts for sandboxes and self-hosted editions (apiBaseUrl, …). */
  overrideSettings: string[];
  resources: { key: string; name: string; incremental?: boolean }[];
}

export interface ProviderSetting {
  key: string;
  label: string;
  required: boolean;
  default?: string;
  /** An anchored JavaScript regular expression the value must match. */
  pattern?: string;
  description?: string;
  example?: string;
}

export interface Integration {
  id: string;
  organizationId: string;
  provider: string;
  name: string;
  status: IntegrationStatus;
  authType: Provider['authType'];
  clientId: string | null;
  hasClientSecret: boolean;
  hasApiKey?: boolean;
  hasPassword?: boolean;
  username?: string | null;
  /** The last characters of the stored secret, when the API gives them ("…a1b2"). */
  secretHint?: string | null;
  /** OAuth tokens are stored for this integration. */
  connected?: boolean;
  scopes: string[];
  settings: Record<string, unknown>;
  errorCount: number;
  lastError: string | null;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Mapping {
  source: string;
  target: string;
  transform?: string;
  args?: unknown;
  required?: boolean;
  default?: unknown;
}

export interface Sync {
  id: string;
  integrationId: string;
  resource: string;
  mode: 'full' | 'incremental';
  schedule: { cron: string; timezone: string } | null;
  enabled: boolean;
  mappings: Mapping[];
  nextRunAt: string | null;
  lastRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RunStats {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  failed: number;
}

export interface Run {
  id: string;
  integrationId: string;
  syncId: string;
  trigger: 'schedule' | 'manual' | 'webhook' | 'retry';
  status: RunStatus;
  scheduledFor: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  stats: RunStats;
  error: string | null;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A sync log line (runs.schemas.ts `Log`): every line belongs to a run of one sync of one integration. */
export interface LogLine {
  id: string;
  runId: string;
  integrationId: string;
  syncId: string;
  level: LogLevel;
  message: string;
  data: Record<string, unknown> | null;
  at: string;
}

/** What a role may do in the UI; the API enforces the same rules whatever the UI shows. */
export function can(role: Role | null, platformOwner: boolean) {
  const admin = role === 'admin' || role === 'super_admin';
  return {
    edit: admin,
    manageMembers: role === 'super_admin',
    export: admin || platformOwner,
    readAudit: admin || platformOwner,
  };
}
