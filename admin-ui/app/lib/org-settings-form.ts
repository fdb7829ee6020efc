/**
 * Organization settings: the form's fields, its rules (checked in the browser and in the action before the API,
 * which checks again with the same bounds and messages), and the time zones to choose from.
 */
import { requestBodyLimits } from './api-field-limits.generated';
import type { Org } from './types';

export const orgLimits = requestBodyLimits['PATCH /api/orgs/{orgId}'];

export type RetentionKey = keyof Org['retention'];

/** Each kind of data the daily pruning deletes, as the form shows it. The API keeps each 1–3650 days. */
export const RETENTION_FIELDS: { key: RetentionKey; label: string; hint: string }[] = [
  { key: 'logsDays', label: 'Logs', hint: 'Run log lines.' },
  { key: 'runsDays', label: 'Runs', hint: 'Finished runs, with their logs.' },
  { key: 'deletedRecordsDays', label: 'Deleted records', hint: 'Records deleted at the source.' },
  { key: 'webhookDeliveriesDays', label: 'Webhook deliveries', hint: 'Deliveries to your endpoints.' },
];
export const RETENTION_MIN_DAYS = 1;
export const RETENTION_MAX_DAYS = 3650;

/** What the form holds, as typed (text, so a wrong value can be shown back as it was). */
export interface OrgSettingsValues {
  name: string;
  defaultTimezone: string;
  retention: Record<RetentionKey, string>;
}
/** Input name → message; retention inputs are named `retention.<key>` (the API's `field` /retention/<key>). */
export type OrgSettingsErrors = Partial<Record<string, string>>;

/** The form's inputs, as dotted paths the API's `field` pointers land on. */
export const ORG_SETTINGS_FIELDS = ['name', 'defaultTimezone', ...RETENTION_FIELDS.map((f) => `retention.${f.key}`)];

export function readOrgSettings(form: FormData): OrgSettingsValues {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === 'string' ? v.trim() : '';
  };
  const retention = Object.fromEntries(RETENTION_FIELDS.map((f) => [f.key, text(`retention.${f.key}`)])) as Record<RetentionKey, string>;
  return { name: text('name'), defaultTimezone: text('defaultTimezone'), retention };
}

/** The values an organization has now, as the form shows them. */
export function orgSettingsValues(org: Org): OrgSettingsValues {
  const retention = Object.fromEntries(RETENTION_FIELDS.map((f) => [f.key, String(org.retention[f.key])])) as Record<RetentionKey, string>;
  return { name: org.name, defaultTimezone: org.defaultTimezone, retention };
}

/**
 * The form's errors; `settings` false checks only the name (a Platform Owner renames, nothing else).
 * Days are whole numbers from 1 to 3650, the API's bounds, with the API's wording.
 */
export function validateOrgSettings(values: OrgSettingsValues, settings = true): OrgSettingsErrors {
  const errors: OrgSettingsErrors = {};
  if (!values.name) errors.name = 'Give the organization a name.';
  else if (values.name.length > orgLimits.name.maxLength) errors.name = `Keep the name to ${orgLimits.name.maxLength} characters or fewer.`;
  if (!settings) return errors;
  if (!values.defaultTimezone) errors.defaultTimezone = 'Choose a time zone.';
  for (const f of RETENTION_FIELDS) {
    const raw = values.retention[f.key];
    const days = Number(raw);
    if (!/^\d+$/.test(raw) || days < RETENTION_MIN_DAYS || days > RETENTION_MAX_DAYS)
      errors[`retention.${f.key}`] = `${f.label} must be kept from ${RETENTION_MIN_DAYS} to ${RETENTION_MAX_DAYS} days (a whole number).`;
  }
  return errors;
}

/** The PATCH body for valid values: only the name without `settings`. */
export function orgSettingsBody(values: OrgSettingsValues, settings: boolean) {
  if (!settings) return { name: values.name };
  const retention = Object.fromEntries(RETENTION_FIELDS.map((f) => [f.key, Number(values.retention[f.key])])) as Record<
    RetentionKey,
    number
  >;
  return { name: values.name, defaultTimezone: values.defaultTimezone, retention };
}

/** "1 day", "30 days", "about 3 months", "about 1 year": a reading of a number of days for the hint. */
export function describeDays(days: number): string {
  if (days === 1) return '1 day';
  if (days < 60) return `${days} days`;
  if (days < 365) return `about ${Math.round(days / 30)} months`;
  const years = Math.round((days / 365) * 10) / 10;
  return `about ${years} year${years === 1 ? '' : 's'}`;
}
