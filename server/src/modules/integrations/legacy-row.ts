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
  'organization',
  'provider',
  'name',
  'externalAccount',
  'accessToken',
  'refreshToken',
  'expiresAt',
  'tokenType',
  'scopes',
  'clientId',
  'clientSecret',
  'settings',
  'connectionValues',
  'legacyId',
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

const normalizeProvider = (value: string) =>
  value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
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
  const r = new RowReader(foldAliases(value, problems), problems);

  // The order of the checks is the order of the problems reported.
  const organization = readOrganization(r, value);
  const provider = readProvider(r);
  const externalAccount = readExternalAccount(value, problems);
  const accessToken = r.token('accessToken', MAX_TOKEN, true);
  const refreshToken = r.token('refreshToken', MAX_TOKEN, false);
  const clientId = r.text('clientId', 500, false);
  const clientSecret = r.token('clientSecret', MAX_SECRET, false);
  if ((r.present('clientId') || r.present('clientSecret')) && !(r.present('clientId') && r.present('clientSecret'))) {
    problems.push("clientId and clientSecret go together: give both (the organization's own OAuth app) or neither");
  }
  const expiresAt = r.present('expiresAt') ? parseExpiry(r.v.expiresAt, problems) : null;
  const tokenType = readTokenType(r);
  const scopes = readScopes(r);
  const name = r.present('name') ? r.text('name', MAX_NAME, false) : null;
  const legacyId = readLegacyId(r);
  const settings = readSettings(r, provider, !!options.allowHttp);
  const connectionValues = readConnectionValues(r, provider);

  if (problems.length || !provider || !organization || !externalAccount || !accessToken) return { problems, ignoredFields };
  return {
    problems,
    ignoredFields,
    row: {
      organization,
      provider,
      externalAccount,
      accessToken,
      refreshToken,
      expiresAt,
      tokenType,
      scopes,
      clientId,
      clientSecret,
      settings,
      connectionValues,
      legacyId,
      name: name ?? defaultName(provider, externalAccount),
    },
  };
}

/** The row's canonical fields; aliases fill their canonical field, and both given with different values is ambiguous. */
function foldAliases(value: Record<string, unknown>, problems: string[]): Record<string, unknown> {
  const v: Record<string, unknown> = {};
  for (const field of CANONICAL) v[field] = value[field];
  for (const [alias, field] of Object.entries(ALIASES)) {
    if (value[alias] === undefined || value[alias] === null) continue;
    if (v[field] === undefined || v[field] === null) v[field] = value[alias];
    else if (JSON.stringify(v[field]) !== JSON.stringify(value[alias]))
      problems.push(`${field} and ${alias} are both given and differ; keep one`);
  }
  return v;
}

/** Reads the canonical fields of one row, adding a problem (naming the field) for each value it refuses. */
class RowReader {
  constructor(
    readonly v: Record<string, unknown>,
    readonly problems: string[],
  ) {}

  present(field: string): boolean {
    return this.v[field] !== undefined && this.v[field] !== null;
  }

  /** A trimmed single-line string of at most `max` characters. */
  text(field: string, max: number, required: boolean): string | null {
    if (!this.present(field)) {
      if (required) this.problems.push(`${field} is required`);
      return null;
    }
    const raw = this.v[field];
    if (typeof raw !== 'string' || raw.trim() === '') {
      this.problems.push(`${field} must be a non-empty string`);
      return null;
    }
    const s = raw.trim();
    if (s.length > max) this.problems.push(`${field} is longer than ${max} characters`);
    else if (CONTROL.test(s)) this.problems.push(`${field} contains control characters`);
    else return s;
    return null;
  }

  /** Tokens are never quoted or trimmed: whitespace inside one means the export is damaged. */
  token(field: string, max: number, required: boolean): string | null {
    if (!this.present(field)) {
      if (required) this.problems.push(`${field} is required`);
      return null;
    }
    const raw = this.v[field];
    if (typeof raw !== 'string' || raw === '') this.problems.push(`${field} must be a non-empty string`);
    else if (raw.length > max) this.problems.push(`${field} is longer than ${max} characters`);
    else if (/\s/.test(raw) || CONTROL.test(raw))
      this.problems.push(`${field} contains whitespace or control characters (no real token does: check the export)`);
    else return raw;
    return null;
  }
}

/** The Linkyard organization slug (lower case); the old system's organizationId is refused with a hint. */
function readOrganization(r: RowReader, value: Record<string, unknown>): string | null {
  if (!r.present('organization') && value.organizationId !== undefined) {
    r.problems.push(
      'organization (the Linkyard organization slug, e.g. "acme") is required; organizationId of the old system is not used, map it to a slug first',
    );
    return null;
  }
  const organization = r.text('organization', 63, true);
  return organization !== null ? organization.toLowerCase() : null;
}

/** The provider, resolved leniently; only OAuth providers come with tokens to import. */
function readProvider(r: RowReader): ProviderDefinition | undefined {
  const providerText = r.text('provider', 100, true);
  if (providerText === null) return undefined;
  const provider = resolveProvider(providerText);
  if (!provider) {
    r.problems.push(unknownProvider(providerText));
    return undefined;
  }
  if (provider.authType !== 'oauth2') {
    r.problems.push(
      `${provider.name} uses ${provider.authType === 'api_key' ? 'an API key' : 'a username and app password'}, not OAuth tokens: add it in the admin UI instead`,
    );
    return undefined;
  }
  return provider;
}

/** The provider account the tokens belong to, from the first account field present (a safe integer is accepted). */
function readExternalAccount(value: Record<string, unknown>, problems: string[]): string | null {
  const accountField = ACCOUNT_FIELDS.find((f) => value[f] !== undefined && value[f] !== null && value[f] !== '');
  if (!accountField) {
    problems.push(
      'externalAccount (the provider account the tokens belong to, e.g. an email) is required: it is how a re-run recognises rows already imported',
    );
    return null;
  }
  const raw = value[accountField];
  const s = typeof raw === 'number' && Number.isSafeInteger(raw) ? String(raw) : raw;
  if (typeof s !== 'string' || s.trim() === '') problems.push(`${accountField} must be a non-empty string`);
  else if (s.trim().length > MAX_ACCOUNT) problems.push(`${accountField} is longer than ${MAX_ACCOUNT} characters`);
  else if (CONTROL.test(s)) problems.push(`${accountField} contains control characters`);
  else return s.trim();
  return null;
}

function readTokenType(r: RowReader): string | null {
  if (!r.present('tokenType')) return null;
  const tokenType = r.text('tokenType', 40, false);
  if (tokenType === null) return null;
  if (!/^[A-Za-z][A-Za-z0-9_.-]*$/.test(tokenType)) {
    r.problems.push(`tokenType ${quote(tokenType)} is not a token type (e.g. "Bearer")`);
    return null;
  }
  // Lower case, as the OAuth client (oauth4webapi) stores the token types it receives.
  return tokenType.toLowerCase();
}

/** Granted scopes: an array, or one string separated by spaces or commas. */
function readScopes(r: RowReader): string[] | null {
  if (!r.present('scopes')) return null;
  const raw = r.v.scopes;
  const list = typeof raw === 'string' ? raw.split(/[\s,]+/).filter(Boolean) : raw;
  if (!Array.isArray(list) || list.some((s) => typeof s !== 'string' || s === '' || s.length > 200)) {
    r.problems.push('scopes must be an array of scope strings, or one string of scopes separated by spaces or commas');
  } else if (list.length > MAX_SCOPES) {
    r.problems.push(`scopes holds more than ${MAX_SCOPES} scopes`);
  } else {
    try {
      return checkScopes(list as string[]);
    } catch (err) {
      r.problems.push(messageOf(err));
    }
  }
  return null;
}

function readLegacyId(r: RowReader): string | null {
  if (!r.present('legacyId')) return null;
  const raw = r.v.legacyId;
  if (
    (typeof raw === 'string' && raw.trim() !== '' && raw.length <= 200 && !CONTROL.test(raw)) ||
    (typeof raw === 'number' && Number.isFinite(raw))
  ) {
    return String(raw).trim();
  }
  r.problems.push('legacyId must be a string of at most 200 characters or a number');
  return null;
}

/** The provider's settings, checked as the admin UI checks them (known keys, override URLs). */
function readSettings(r: RowReader, provider: ProviderDefinition | undefined, allowHttp: boolean): Record<string, string> {
  if (r.present('settings') && !isPlainObject(r.v.settings)) r.problems.push('settings must be an object of strings');
  else if (r.present('settings') && Object.keys(r.v.settings as object).length > MAX_SETTINGS)
    r.problems.push(`settings has more than ${MAX_SETTINGS} entries`);
  else if (provider) {
    const raw = (r.v.settings ?? {}) as Record<string, unknown>;
    const bad = Object.entries(raw).find(([, s]) => typeof s !== 'string' || s.length > 500);
    if (bad) r.problems.push(`settings.${bad[0]} must be a string of at most 500 characters`);
    else {
      try {
        return checkSettings(provider, raw as Record<string, string>, allowHttp);
      } catch (err) {
        r.problems.push(messageOf(err));
      }
    }
  }
  return {};
}

/** Values the provider declares for a connection (e.g. a Zendesk subdomain), each checked against its pattern. */
function readConnectionValues(r: RowReader, provider: ProviderDefinition | undefined): Record<string, string> {
  const connectionValues: Record<string, string> = {};
  if (r.present('connectionValues') && !isPlainObject(r.v.connectionValues)) {
    r.problems.push('connectionValues must be an object of strings');
    return connectionValues;
  }
  if (!provider || !r.present('connectionValues')) return connectionValues;
  const declared = new Map((provider.connectionValues ?? []).map((c) => [c.key, c]));
  for (const [key, raw] of Object.entries(r.v.connectionValues as Record<string, unknown>)) {
    const def = declared.get(key);
    if (!def) {
      r.problems.push(
        `connectionValues.${key} is not a connection value of ${provider.name} (${declared.size ? `known: ${[...declared.keys()].join(', ')}` : 'it has none'})`,
      );
    } else if (typeof raw !== 'string' || raw === '' || raw.length > 500) {
      r.problems.push(`connectionValues.${key} must be a non-empty string of at most 500 characters`);
    } else if (def.pattern && !new RegExp(def.pattern).test(raw)) {
      r.problems.push(`connectionValues.${key} ${quote(raw)} is not valid for ${provider.name}`);
    } else connectionValues[key] = raw;
  }
  return connectionValues;
}

function defaultName(provider: ProviderDefinition, account: string): string {
  const room = MAX_NAME - provider.name.length - 3;
  const shown =
    Array.from(account).length > room
      ? `${Array.from(account)
          .slice(0, room - 1)
          .join('')}…`
      : account;
  return `${provider.name} (${shown})`;
}
