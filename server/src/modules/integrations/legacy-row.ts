/**
 * Validating one row of a legacy export: every check that needs no database. Field aliases of older
 * exports are folded into the format's names, the provider is resolved leniently, and every problem of
 * the row is collected (each naming its field) so a bad row is reported whole. Tokens are never quoted.
 */
import { getProvider, PROVIDER_KEYS, PROVIDERS } from '../../providers/catalog.js';
import type { ProviderDefinition } from '../../providers/provider-definition.js';
import { checkScopes, checkSettings } from './integration-input.js';
import { parseExpiry } from './legacy-expiry.js';
import { CONTROL, isPlainObject, messageOf, quote } from './legacy-values.js';

const MAX_TOKEN = 16_384;
const MAX_SECRET = 4_096;
const MAX_NAME = 120;
const MAX_ACCOUNT = 320;
const MAX_SCOPES = 100;
const MAX_SETTINGS = 30;
/** A row that passed every check that needs no database. */
export interface LegacyRow {
  organization: string;
  provider: ProviderDefinition;
  name: string;
  externalAccount: string;
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
  tokenType: string | null;
  /** Granted scopes as the old system recorded them (null: not recorded). */
  scopes: string[] | null;
  clientId: string | null;
  clientSecret: string | null;
  settings: Record<string, string>;
  connectionValues: Record<string, string>;
  legacyId: string | null;
}

/** Field names of the format, and the names older exports use for some of them (seeds: TeamLabs). */
const CANONICAL = [
  'organization', 'provider', 'name', 'externalAccount', 'accessToken', 'refreshToken', 'expiresAt', 'tokenType',
  'scopes', 'clientId', 'clientSecret', 'settings', 'connectionValues', 'legacyId',
] as const;
const ALIASES: Record<string, (typeof CANONICAL)[number]> = {
  integrationType: 'provider',
  tokenExpiry: 'expiresAt',
  scope: 'scopes',
};
/** Where the external account may come from, first present wins. */
const ACCOUNT_FIELDS = ['externalAccount', 'externalEmail', 'externalUsername', 'externalId'] as const;
const KNOWN_FIELDS = new Set<string>([...CANONICAL, ...Object.keys(ALIASES), ...ACCOUNT_FIELDS]);

/** Provider names of older systems that are neither a key nor a display name here (seeds: "Outlook Calendar"). */
const PROVIDER_ALIASES: Record<string, string> = {
  outlook_calendar: 'outlook',
  microsoft_outlook: 'outlook',
  office365: 'outlook',
  teams: 'microsoft_teams',
};

const normalizeProvider = (value: string) => value.trim().toLowerCase().replace(/[\s-]+/g, '_');
const providersByName = new Map(PROVIDERS.map((p) => [normalizeProvider(p.name), p]));

/** Accepts a provider key in any case, with dashes or spaces ("GOOGLE_CALENDAR", "google-calendar", "Google Calendar"). */
export function resolveProvider(value: string): ProviderDefinition | undefined {
  const key = normalizeProvider(value);
  return getProvider(key) ?? providersByName.get(key) ?? (PROVIDER_ALIASES[key] ? getProvider(PROVIDER_ALIASES[key]) : undefined);
}

function unknownProvider(value: string): string {
  const key = normalizeProvider(value);
  const near = key.length >= 3 ? PROVIDER_KEYS.filter((k) => k.startsWith(key) || key.startsWith(k) || k.includes(key)) : [];
  return `unknown provider ${quote(value)}${near.length ? ` (did you mean ${near.join(', ')}?)` : ' (GET /api/providers lists the keys)'}`;
}

export interface ValidationResult {
  row?: LegacyRow;
  /** Every problem of the row, each naming its field. */
  problems: string[];
  /** Top-level fields that are not part of the format (ignored). */
  ignoredFields: string[];
}

export interface ValidationOptions {
  /** Whether override URLs in settings may be plain http (ALLOW_PRIVATE_NETWORK_TARGETS). */
  allowHttp?: boolean;
}

export function validateLegacyRow(value: unknown, options: ValidationOptions = {}): ValidationResult {
  if (!isPlainObject(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return { problems: [`expected an object with the row's fields, got ${kind}`], ignoredFields: [] };
  }
  const problems: string[] = [];
  const ignoredFields = Object.keys(value).filter((k) => !KNOWN_FIELDS.has(k));

  // Aliases fill their canonical field; both given with different values is ambiguous.
  const v: Record<string, unknown> = {};
  for (const field of CANONICAL) v[field] = value[field];
  for (const [alias, field] of Object.entries(ALIASES)) {
    if (value[alias] === undefined || value[alias] === null) continue;
    if (v[field] === undefined || v[field] === null) v[field] = value[alias];
    else if (JSON.stringify(v[field]) !== JSON.stringify(value[alias])) problems.push(`${field} and ${alias} are both given and differ; keep one`);
  }
  const accountField = ACCOUNT_FIELDS.find((f) => value[f] !== undefined && value[f] !== null && value[f] !== '');

  const present = (field: string) => v[field] !== undefined && v[field] !== null;
  const text = (field: string, max: number, required: boolean): string | null => {
    if (!present(field)) {
      if (required) problems.push(`${field} is required`);
      return null;
    }
    const raw = v[field];
    if (typeof raw !== 'string' || raw.trim() === '') {
      problems.push(`${field} must be a non-empty string`);
      return null;
    }
    const s = raw.trim();
    if (s.length > max) problems.push(`${field} is longer than ${max} characters`);
    else if (CONTROL.test(s)) problems.push(`${field} contains control characters`);
    else return s;
    return null;
  };
  // Tokens are never quoted or trimmed: whitespace inside one means the export is damaged.
  const token = (field: string, max: number, required: boolean): string | null => {
    if (!present(field)) {
      if (required) problems.push(`${field} is required`);
      return null;
    }
    const raw = v[field];
    if (typeof raw !== 'string' || raw === '') problems.push(`${field} must be a non-empty string`);
    else if (raw.length > max) problems.push(`${field} is longer than ${max} characters`);
    else if (/\s/.test(raw) || CONTROL.test(raw)) problems.push(`${field} contains whitespace or control characters (no real token does: check the export)`);
    else return raw;
    return null;
  };

  let organization: string | null = null;
  if (!present('organization') && value.organizationId !== undefined) {
    problems.push('organization (the Linkyard organization slug, e.g. "acme") is required; organizationId of the old system is not used, map it to a slug first');
  } else {
    organization = text('organization', 63, true);
    if (organization !== null) organization = organization.toLowerCase();
  }

  let provider: ProviderDefinition | undefined;
  const providerText = text('provider', 100, true);
  if (providerText !== null) {
    provider = resolveProvider(providerText);
    if (!provider) problems.push(unknownProvider(providerText));
    else if (provider.authType !== 'oauth2') {
      problems.push(`${provider.name} uses ${provider.authType === 'api_key' ? 'an API key' : 'a username and app password'}, not OAuth tokens: add it in the admin UI instead`);
      provider = undefined;
    }
  }

  let externalAccount: string | null = null;
  if (!accountField) {
    problems.push('externalAccount (the provider account the tokens belong to, e.g. an email) is required: it is how a re-run recognises rows already imported');
  } else {
    const raw = value[accountField];
    const s = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
    if (typeof s !== 'string' || s.trim() === '') problems.push(`${accountField} must be a non-empty string`);
    else if (s.trim().length > MAX_ACCOUNT) problems.push(`${accountField} is longer than ${MAX_ACCOUNT} characters`);
    else if (CONTROL.test(s)) problems.push(`${accountField} contains control characters`);
    else externalAccount = s.trim();
  }

  const accessToken = token('accessToken', MAX_TOKEN, true);
  const refreshToken = token('refreshToken', MAX_TOKEN, false);
  const clientId = text('clientId', 500, false);
  const clientSecret = token('clientSecret', MAX_SECRET, false);
  if ((present('clientId') || present('clientSecret')) && !(present('clientId') && present('clientSecret'))) {
    problems.push('clientId and clientSecret go together: give both (the organization\'s own OAuth app) or neither');
  }

  const expiresAt = present('expiresAt') ? parseExpiry(v.expiresAt, problems) : null;

  let tokenType: string | null = null;
  if (present('tokenType')) {
    tokenType = text('tokenType', 40, false);
    if (tokenType !== null && !/^[A-Za-z][A-Za-z0-9_.-]*$/.test(tokenType)) {
      problems.push(`tokenType ${quote(tokenType)} is not a token type (e.g. "Bearer")`);
      tokenType = null;
    } else if (tokenType !== null) {
      // Lower case, as the OAuth client (oauth4webapi) stores the token types it receives.
      tokenType = tokenType.toLowerCase();
    }
  }

  let scopes: string[] | null = null;
  if (present('scopes')) {
    const raw = v.scopes;
    const list = typeof raw === 'string' ? raw.split(/[\s,]+/).filter(Boolean) : raw;
    if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s === '' || s.length > 200)) {
      problems.push('scopes must be an array of scope strings, or one string of scopes separated by spaces or commas');
    } else if (list.length > MAX_SCOPES) {
      problems.push(`scopes holds more than ${MAX_SCOPES} scopes`);
    } else {
      try {
        scopes = checkScopes(list as string[]);
      } catch (err) {
        problems.push(messageOf(err));
      }
    }
  }

  let name: string | null = null;
  if (present('name')) name = text('name', MAX_NAME, false);

  let legacyId: string | null = null;
  if (present('legacyId')) {
    const raw = v.legacyId;
    if ((typeof raw === 'string' && raw.trim() !== '' && raw.length <= 200 && !CONTROL.test(raw)) || (typeof raw === 'number' && Number.isFinite(raw))) {
      legacyId = String(raw).trim();
    } else problems.push('legacyId must be a string of at most 200 characters or a number');
  }

  let settings: Record<string, string> = {};
  if (present('settings') && !isPlainObject(v.settings)) problems.push('settings must be an object of strings');
  else if (present('settings') && Object.keys(v.settings as object).length > MAX_SETTINGS) problems.push(`settings has more than ${MAX_SETTINGS} entries`);
  else if (provider) {
    const raw = (v.settings ?? {}) as Record<string, unknown>;
    const bad = Object.entries(raw).find(([, s]) => typeof s !== 'string' || s.length > 500);
    if (bad) problems.push(`settings.${bad[0]} must be a string of at most 500 characters`);
    else {
      try {
        settings = checkSettings(provider, raw as Record<string, string>, !!options.allowHttp);
      } catch (err) {
        problems.push(messageOf(err));
      }
    }
  }

  let connectionValues: Record<string, string> = {};
  if (present('connectionValues') && !isPlainObject(v.connectionValues)) problems.push('connectionValues must be an object of strings');
  else if (provider && present('connectionValues')) {
    connectionValues = {};
    const declared = new Map((provider.connectionValues ?? []).map((c) => [c.key, c]));
    for (const [key, raw] of Object.entries(v.connectionValues as Record<string, unknown>)) {
      const def = declared.get(key);
      if (!def) {
        problems.push(`connectionValues.${key} is not a connection value of ${provider.name} (${declared.size ? `known: ${[...declared.keys()].join(', ')}` : 'it has none'})`);
      } else if (typeof raw !== 'string' || raw === '' || raw.length > 500) {
        problems.push(`connectionValues.${key} must be a non-empty string of at most 500 characters`);
      } else if (def.pattern && !new RegExp(def.pattern).test(raw)) {
        problems.push(`connectionValues.${key} ${quote(raw)} is not valid for ${provider.name}`);
      } else connectionValues[key] = raw;
    }
  }

  if (problems.length || !provider || !organization || !externalAccount || !accessToken) return { problems, ignoredFields };
  return {
    problems,
    ignoredFields,
    row: {
      organization, provider, externalAccount, accessToken, refreshToken, expiresAt, tokenType, scopes, clientId, clientSecret,
      settings, connectionValues, legacyId,
      name: name ?? defaultName(provider, externalAccount),
    },
  };
}

function defaultName(provider: ProviderDefinition, account: string): string {
  const room = MAX_NAME - provider.name.length - 3;
  const shown = Array.from(account).length > room ? `${Array.from(account).slice(0, room - 1).join('')}…` : account;
  return `${provider.name} (${shown})`;
}
