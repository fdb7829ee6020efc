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
