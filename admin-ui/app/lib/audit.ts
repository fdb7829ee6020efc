/** Audit events (docs/api.md, Audit and platform): shapes, the filter form's rules and compact metadata. */
import { queryLimits } from './api-field-limits.generated';
import { isCalendarDay } from './export-form';
import type { ResponseBody } from './types';

export type AuditEvent = ResponseBody<'/api/orgs/{orgId}/audit', 'get'>['items'][number];
export type AuditAction = AuditEvent['action'];
export type AuditActor = AuditEvent['actor'];

/** Who acted, for people: a person's email, an API key's name, or the system. */
export function actorLabel(actor: AuditActor): string {
  if (actor.type === 'user') return actor.email;
  if (actor.type === 'api_key') return `API key “${actor.name}”`;
  return 'System';
}

/** The actors of some events (people and API keys) for the actor filter, by id. */
export function actorsOf(events: AuditEvent[], into = new Map<string, string>()): Map<string, string> {
  for (const e of events) if (e.actor.type !== 'system' && !into.has(e.actor.id)) into.set(e.actor.id, actorLabel(e.actor));
  return into;
}

/**
 * The actor filter's choices: the organization's members and its API keys (each list as far as the caller may read
 * it; API keys are Super Admin only), and whoever else acted on the page shown, e.g. a removed member. Listing API
 * keys only from the page shown left out every key that had not acted on it, so a key's events could not be found.
 */
export function filterActors(
  members: { userId: string; email: string }[],
  apiKeys: { id: string; name: string }[],
  events: AuditEvent[],
): { id: string; email: string }[] {
  const actors = new Map<string, string>();
  for (const m of members) actors.set(m.userId, m.email);
  for (const k of apiKeys) actors.set(k.id, actorLabel({ type: 'api_key', id: k.id, name: k.name } as AuditActor));
  actorsOf(events, actors);
  return [...actors].map(([id, email]) => ({ id, email })).sort((a, b) => a.email.localeCompare(b.email));
}

/** Actions the platform records, for the filter's list: the API's own enum (the filter takes only these). */
export const KNOWN_AUDIT_ACTIONS: readonly AuditAction[] = queryLimits['GET /api/orgs/{orgId}/audit'].action.enum;
const isAuditAction = (value: string): value is AuditAction => (KNOWN_AUDIT_ACTIONS as readonly string[]).includes(value);

export interface AuditFilterValues {
  action: string;
  actorId: string;
  from: string;
  to: string;
  orgId: string;
}

export interface AuditFilters {
  values: AuditFilterValues;
  errors: Partial<Record<keyof AuditFilterValues, string>>;
  /** Query for the API: only the valid, set filters; `from`/`to` as the start and end of those UTC days. */
  query: { action?: AuditAction; actorId?: string; from?: string; to?: string; orgId?: string };
  active: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads the audit filters from a page's URL. Invalid values are reported and left out of the API query, so
 * the page still shows something and says what to fix, instead of failing with the API's 400.
 */
export function parseAuditFilters(search: URLSearchParams): AuditFilters {
  const get = (k: string) => (search.get(k) ?? '').trim();
  const values: AuditFilterValues = {
    action: get('action'),
    actorId: get('actorId'),
    from: get('from'),
    to: get('to'),
    orgId: get('orgId'),
  };
  const errors: AuditFilters['errors'] = {};
  const query: AuditFilters['query'] = {};
  if (values.action) {
    if (isAuditAction(values.action)) query.action = values.action;
    else errors.action = 'Choose an action from the list.';
  }
  if (values.actorId) {
    if (UUID.test(values.actorId)) query.actorId = values.actorId;
    else errors.actorId = 'Choose an actor from the list.';
  }
  if (values.orgId) {
    if (UUID.test(values.orgId)) query.orgId = values.orgId;
    else errors.orgId = 'Choose an organization from the list.';
  }
  const fromOk = !values.from || isCalendarDay(values.from);
  const toOk = !values.to || isCalendarDay(values.to);
  if (!fromOk) errors.from = 'Enter a real date (YYYY-MM-DD).';
  if (!toOk) errors.to = 'Enter a real date (YYYY-MM-DD).';
  if (fromOk && toOk && values.from && values.to && values.to < values.from) {
    errors.to = 'The end date must be on or after the start date.';
  } else {
    if (values.from && fromOk) query.from = `${values.from}T00:00:00.000Z`;
    if (values.to && toOk) query.to = `${values.to}T23:59:59.999Z`;
  }
  return { values, errors, query, active: Object.values(values).some(Boolean) };
}

function short(value: unknown, max = 40): string {
  let text: string;
  if (value === null || value === undefined) text = String(value);
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Metadata as one short line, "role: admin · email: a@b.c", at most `maxKeys` keys; "" when there is none. */
export function summarizeMetadata(metadata: Record<string, unknown> | null | undefined, maxKeys = 3): string {
  const entries = Object.entries(metadata ?? {});
  if (entries.length === 0) return '';
  const shown = entries.slice(0, maxKeys).map(([k, v]) => `${k}: ${short(v)}`);
  const more = entries.length - maxKeys;
  return more > 0 ? `${shown.join(' · ')} · +${more} more` : shown.join(' · ');
}

/** A UUID shortened for a table cell (the full value goes in a title). */
export function shortId(id: string | null | undefined): string {
  if (!id) return '—';
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

// ---------------------------------------------------------------------------------------------------------
// events as sentences: "admin@acme.test updated sync companies on HubSpot CRM", and what changed

const TARGET_WORDS: Record<string, string> = {
  api_key: 'API key',
  integration: 'integration',
  sync: 'sync',
  run: 'a run of',
  conflict: 'conflict',
  user: 'member',
  invitation: 'invitation for',
  organization: 'organization',
  webhook_endpoint: 'webhook endpoint',
};

/** The verb of an action, in the past tense: "sync.run_requested" → "requested a run of". */
const VERBS: Record<string, string> = {
  created: 'created',
  updated: 'updated',
  deleted: 'deleted',
  imported: 'imported',
  revoked: 'revoked',
  renamed: 'renamed',
  connect_started: 'started connecting',
  connected: 'connected',
  connect_failed: 'failed to connect',
  disconnected: 'disconnected',
  tested: 'tested',
  paused: 'paused',
  resumed: 'resumed',
  sync_requested: 'asked to sync',
  run_requested: 'asked to run',
  push_requested: 'pushed records to',
  cancel_requested: 'asked to cancel',
  retry_requested: 'asked to retry',
  invited: 'invited',
  joined: 'joined',
  invitation_revoked: 'revoked the invitation of',
  invitation_resent: 'resent the invitation of',
  added: 'added',
  role_changed: 'changed the role of',
  removed: 'removed',
  suspended: 'suspended',
  reactivated: 'reactivated',
  settings_changed: 'changed the settings of',
  resolved: 'resolved',
  secret_rotated: 'rotated the signing secret of',
  disabled: 'disabled',
  webhook_registered: 'registered the webhook of',
  login: 'signed in',
  refresh_token_reused: 'reused an old sign-in token (all sessions ended)',
  profile_updated: 'updated their profile',
  password_changed: 'changed their password',
  mfa_enabled: 'turned on two-factor sign-in',
  mfa_disabled: 'turned off two-factor sign-in',
  mfa_failed: 'entered a wrong two-factor code',
  data_key_rewrapped: 're-wrapped the data key of',
  data_pruned: 'pruned old data of',
  exported: 'exported',
  sync_all_requested: 'asked to sync everything in',
  promoted: 'promoted to Platform Owner',
};

/** "updated" for "sync.updated"; the action itself, spaced, when it has no wording yet. */
export function actionVerb(action: string): string {
  const verb = action.slice(action.indexOf('.') + 1);
  return VERBS[verb] ?? action.replaceAll(/[._]/g, ' ');
}

/** "sync", "API key": what the target is, in words, before its name (" " when the verb says it: "invited x@y"). */
export function targetPhrase(e: AuditEvent): string {
  if (e.action.startsWith('auth.') || e.action.startsWith('member.')) return ' ';
  return ` ${TARGET_WORDS[e.target.type] ?? e.target.type.replaceAll('_', ' ')} `;
}

/** Where a target lives in the admin UI, when it has a page (null for deleted targets and platform events). */
export function targetHref(e: AuditEvent): string | null {
  const org = e.organizationId;
  const { type, id, integration } = e.target;
  if (!org || !id) return null;
  const inIntegration = (path: string) => (integration ? `/orgs/${org}/integrations/${integration.id}${path}` : null);
  if (e.target.name === null && type !== 'organization') return null;
  switch (type) {
    case 'integration':
      return `/orgs/${org}/integrations/${id}`;
    case 'sync':
      return inIntegration('/syncs');
    case 'run':
      return inIntegration(`/logs?runId=${id}`);
    case 'conflict':
      return `/orgs/${org}/conflicts/${id}`;
    case 'user':
    case 'invitation':
      return `/orgs/${org}/members`;
    case 'api_key':
      return `/orgs/${org}/api-keys`;
    case 'webhook_endpoint':
      return `/orgs/${org}/webhooks/${id}`;
    case 'organization':
      return `/orgs/${id}/settings`;
    default:
      return null;
  }
}

/** A target's name: its current one, else the one the event recorded (a deleted integration's), else a short id. */
export function targetLabel(e: AuditEvent): string {
  if (e.target.name) return e.target.name;
  const m = e.metadata ?? {};
  const recorded = [m.name, m.email, m.resource, m.url].find((v): v is string => typeof v === 'string' && v.length > 0);
  if (recorded) return recorded;
  return e.target.id ? `${shortId(e.target.id)} (deleted)` : '';
}

export interface FieldChange {
  field: string;
  from: string;
  to: string;
}

const FIELD_LABELS: Record<string, string> = {
  logsDays: 'Keep logs (days)',
  runsDays: 'Keep runs (days)',
  deletedRecordsDays: 'Keep deleted records (days)',
  webhookDeliveriesDays: 'Keep webhook deliveries (days)',
  default_timezone: 'Default time zone',
  defaultTimezone: 'Default time zone',
  clientId: 'Client ID',
};
const fieldLabel = (field: string) =>
  FIELD_LABELS[field] ??
  field
    .replaceAll('_', ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();

const isChange = (v: unknown): v is { from: unknown; to: unknown } =>
  Boolean(v && typeof v === 'object' && !Array.isArray(v) && 'from' in v && 'to' in v && Object.keys(v).length === 2);

/** A value of a change for people: a schedule as its cron and zone, on/off, lists joined, nothing as "none". */
export function changeValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return 'none';
  if (v === '[redacted]') return 'hidden';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  if (Array.isArray(v)) return v.length ? v.map(changeValue).join(', ') : 'none';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.cron === 'string') return `${o.cron} (${typeof o.timezone === 'string' ? o.timezone : 'UTC'})`;
    return short(v, 80);
  }
  return short(v, 80);
}

/**
 * What an event says changed, as before → after per field (from `changes`, from per-field `{ from, to }` values as the
 * organization settings write them, or from one top-level from/to as a rename or role change writes them), and the
 * rest of its details as labelled values. Redacted values never show.
 */
export function eventChanges(e: AuditEvent): { changes: FieldChange[]; details: [string, string][] } {
  const m = { ...(e.metadata ?? {}) };
  const changes: FieldChange[] = [];
  const add = (field: string, c: { from: unknown; to: unknown }) =>
    changes.push({ field: fieldLabel(field), from: changeValue(c.from), to: changeValue(c.to) });
  if ('from' in m && 'to' in m && !isChange(m.from) && !isChange(m.to)) {
    add(e.action === 'member.role_changed' ? 'role' : e.action === 'organization.renamed' ? 'name' : 'value', { from: m.from, to: m.to });
    delete m.from;
    delete m.to;
  }
  if (m.changes && typeof m.changes === 'object' && !Array.isArray(m.changes)) {
    for (const [field, c] of Object.entries(m.changes as Record<string, unknown>)) if (isChange(c)) add(field, c);
    delete m.changes;
  }
  for (const [field, v] of Object.entries(m)) {
    if (isChange(v)) {
      add(field, v);
      delete m[field];
    } else if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every(isChange)) {
      // retention: { logsDays: { from, to } }
      for (const [inner, c] of Object.entries(v)) add(inner, c as { from: unknown; to: unknown });
      delete m[field];
    }
  }
  // `changed` lists the request's fields: the diff above says it better when there is one.
  if (changes.length) delete m.changed;
  const details = Object.entries(m)
    .filter(([, v]) => v !== '[redacted]' && v !== undefined)
    .map(([k, v]): [string, string] => [fieldLabel(k), changeValue(v)]);
  return { changes, details };
}
