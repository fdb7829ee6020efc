/**
 * API keys: shapes, the create form's rules (checked in the browser and again in the action before the API,
 * which checks a third time with its own schema; the name's limit is that schema's, read through the generated
 * api-field-limits), and how a key's state reads.
 */
import { requestBodyLimits } from './api-field-limits.generated';
import type { ResponseBody } from './types';

export type ApiKey = ResponseBody<'/api/orgs/{orgId}/api-keys', 'get'>['items'][number];
/** The creation answer: the key and, this once, its secret. */
export type CreatedApiKey = ResponseBody<'/api/orgs/{orgId}/api-keys', 'post'>;
export type ApiKeyRole = ApiKey['role'];

export const API_KEY_ROLES: { value: ApiKeyRole; label: string; description: string }[] = [
  { value: 'viewer', label: 'Viewer', description: 'Reads integrations, syncs, runs, logs and records' },
  {
    value: 'admin',
    label: 'Admin',
    description: 'Also changes integrations, syncs and mappings, starts runs, exports and reads the audit log',
  },
];

export const isApiKeyRole = (value: unknown): value is ApiKeyRole => API_KEY_ROLES.some((r) => r.value === value);

export const apiKeyLimits = requestBodyLimits['POST /api/orgs/{orgId}/api-keys'];

export interface CreateApiKeyValues {
  name: string;
  role: string;
  /** The expiry day as the date input gives it (YYYY-MM-DD), or empty for a key that does not expire. */
  expiresOn: string;
  /** The browser's offset from UTC in minutes (Date.getTimezoneOffset), so the day ends where the person is. */
  tzOffset: number;
}
export type CreateApiKeyErrors = Partial<Record<'name' | 'role' | 'expiresAt', string>>;

/** The end of the chosen day in the browser's time zone, as the API takes it; null when no day is chosen. */
export function expiryOf(expiresOn: string, timezoneOffsetMinutes: number): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(expiresOn);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const endOfDay = new Date(Date.UTC(year, month - 1, day, 23, 59, 59, 999));
  // 2027-02-31 would roll over into March: not a day.
  if (endOfDay.getUTCFullYear() !== year || endOfDay.getUTCMonth() !== month - 1 || endOfDay.getUTCDate() !== day) return null;
  return new Date(endOfDay.getTime() + timezoneOffsetMinutes * 60_000).toISOString();
}

export function validateCreateApiKey(values: CreateApiKeyValues, now = new Date()): CreateApiKeyErrors {
  const errors: CreateApiKeyErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = 'Give the key a name: what it is for.';
  else if (name.length > apiKeyLimits.name.maxLength) errors.name = `Keep the name to ${apiKeyLimits.name.maxLength} characters or fewer.`;
  if (!isApiKeyRole(values.role)) errors.role = 'Choose a role.';
  if (values.expiresOn) {
    const at = expiryOf(values.expiresOn, values.tzOffset);
    if (!at) errors.expiresAt = 'Enter a date, or leave it empty for a key that does not expire.';
    else if (new Date(at).getTime() <= now.getTime()) errors.expiresAt = 'Choose a day in the future.';
  }
  return errors;
}

export function readCreateApiKey(form: FormData): CreateApiKeyValues {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === 'string' ? v : '';
  };
  const offset = Number(text('tzOffset'));
  // Offsets on Earth are within ±14 hours; anything else (or none, without JavaScript) reads as UTC.
  const tzOffset = Number.isInteger(offset) && Math.abs(offset) <= 14 * 60 ? offset : 0;
  return { name: text('name').trim(), role: text('role'), expiresOn: text('expiresOn').trim(), tzOffset };
}

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** Whether a key still works: revoked wins over expired. */
export function apiKeyStatus(key: Pick<ApiKey, 'revokedAt' | 'expiresAt'>, now = Date.now()): ApiKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now) return 'expired';
  return 'active';
}
