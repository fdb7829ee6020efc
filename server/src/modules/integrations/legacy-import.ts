import { sql } from 'kysely';
import type { Db } from '../../../../db/client.js';
import type { IntegrationStatus } from '../../../../db/schema.js';
import { systemContext } from '../../lib/context.js';
import { secretHint, VaultError, type Vault } from '../../lib/crypto/index.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { AppError, isUniqueViolation } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { getProvider, PROVIDER_KEYS, PROVIDERS } from '../../providers/catalog.js';
import type { ProviderDefinition } from '../../providers/provider-definition.js';
import { recordAudit } from '../audit/audit.service.js';
import { checkScopes, checkSettings } from './integration-input.js';
import { secretContext, tokenContext } from './integrations.service.js';
import * as repo from './integrations.repo.js';

/**
 * Import of OAuth connections exported from an earlier integrations system
 * (scripts/import-legacy-integrations.ts is the command line; the tests call this module directly).
 *
 * The file is a JSON array of objects or JSON Lines. Every row becomes one integration plus its
 * connection in the row's organization: per-user connections of the old systems map one-to-one onto
 * Linkyard integrations, since a connection belongs to exactly one integration. Tokens and the client
 * secret are sealed by the vault with the organization's data key, bound to their row and column.
 *
 * - A row is written in one transaction together with its `integration.imported` audit event, so it
 *   is imported whole or not at all; a bad row is reported with its line and skipped.
 * - The natural key is (organization, provider, external account), read from the existing columns
 *   (`connections.external_account`, case-insensitive): a row whose key is already connected, by an
 *   earlier import or by an admin, is "already imported" and left alone, tokens included: Linkyard may
 *   hold newer ones by then (refreshed, or rotated by the provider), which stale legacy tokens would break.
 *   A transaction-scoped advisory lock on the key makes two concurrent runs agree.
 * - A dry run does every write of every row in a transaction that is then rolled back, so it reports
 *   exactly what a real run would do (name clashes, constraint failures, vault errors included).
 *
 * Nothing here prints or returns a token, a client secret or a fragment of either; messages about
 * malformed JSON are rebuilt from positions, because V8's own messages quote the input.
 */

export const IMPORT_AUDIT_ACTION = 'integration.imported';
export const IMPORT_ACTOR = 'import-legacy-integrations';

const MAX_TOKEN = 16_384;
const MAX_SECRET = 4_096;
const MAX_NAME = 120;
const MAX_ACCOUNT = 320;
const MAX_SCOPES = 100;
const MAX_SETTINGS = 30;
// Up to year 5138 in seconds; anything larger is almost certainly milliseconds.
const MAX_UNIX_SECONDS = 1e11;


// ---------------------------------------------------------------------------------------------
// Reading the file

export type LegacyFileFormat = 'json_array' | 'json_lines';

/** One row of the file as read: its value, or why it is not valid JSON. */
export interface LegacyEntry {
  /** 1-based line of the file where the row starts. */
  line: number;
  /** 1-based position in the JSON array (absent for JSON Lines). */
  element?: number;
  value?: unknown;
  error?: string;
}

export interface LegacyFile {
  format: LegacyFileFormat;
  entries: LegacyEntry[];
}

/** The file as a whole cannot be read as rows (not JSON, an array that never closes…): nothing is imported. */
export class LegacyFileError extends Error {
  override name = 'LegacyFileError';
}

/** "line 12" or "line 12 (element 4)": how every message names a row. */
export function describeRow(e: { line: number; element?: number }): string {
  return e.element === undefined ? `line ${e.line}` : `line ${e.line} (element ${e.element})`;
}

export function parseLegacyFile(input: string): LegacyFile {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lines = lineStarts(text);
  const first = skipWhitespace(text, 0);
  if (first < text.length && text[first] === '[') return { format: 'json_array', entries: parseArray(text, first, lines) };
  return { format: 'json_lines', entries: parseJsonLines(text, lines) };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(lines: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lines[lo] + 1 };
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

/**
 * JSON.parse, with an error message that never quotes the input: V8 includes a snippet of the text
 * ("…" is not valid JSON), which could be part of a token. The position becomes a line and column.
 */
function parseJson(source: string, offset: number, lines: number[]): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(source) };
  } catch (err) {
    const message = String((err as Error).message);
    const at = /^(.*?) in JSON at position (\d+)/s.exec(message);
    if (at) {
      const p = position(lines, offset + Number(at[2]));
      return { error: `not valid JSON: ${at[1]} (at line ${p.line}, column ${p.column})` };
    }
    if (/^Unexpected end of JSON input/.test(message)) return { error: 'not valid JSON: it ends too early' };
    // "Unexpected token 'x', "<snippet>" is not valid JSON": keep the part before the snippet.
    const head = message.split(/, "/)[0].replace(/\s*is not valid JSON.*$/s, '').slice(0, 60);
    return { error: `not valid JSON: ${head}` };
  }
}

function parseJsonLines(text: string, lines: number[]): LegacyEntry[] {
  const entries: LegacyEntry[] = [];
  for (let n = 0; n < lines.length; n++) {
    const start = lines[n];
    const end = n + 1 < lines.length ? lines[n + 1] - 1 : text.length;
    const raw = text.slice(start, end);
    if (raw.trim() === '') continue;
    entries.push({ line: n + 1, ...parseJson(raw, start, lines) });
  }
  const firstBad = entries.find((e) => e.error);
  if (firstBad && firstBad === entries[0] && entries.length > 1) {
    // One JSON value spread over several lines is not JSON Lines: say so once instead of a bad row per line.
    const whole = parseJson(text, 0, lines);
    if (!whole.error) {
      const arrays = whole.value && typeof whole.value === 'object' && !Array.isArray(whole.value)
        ? Object.entries(whole.value).filter(([, v]) => Array.isArray(v)).map(([k]) => `"${k}"`)
        : [];
      throw new LegacyFileError(
        'expected a JSON array of rows or JSON Lines (one row per line), but the file holds a single JSON value over several lines'
        + (arrays.length ? `; if the rows are in its ${arrays.join(' or ')} array, save that array on its own` : ''),
      );
    }
  }
  return entries;
}

/**
 * Splits a top-level JSON array into its elements without parsing them, so each element can be
 * parsed (and fail) on its own and carry the line it starts on. Strings are skipped with their
 * escapes; brackets are only counted, so a malformed element makes one bad row, not a lost file.
 */
function parseArray(text: string, open: number, lines: number[]): LegacyEntry[] {
  const openedAt = position(lines, open).line;
  const entries: LegacyEntry[] = [];
  let i = open + 1;
  for (;;) {
    i = skipWhitespace(text, i);
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
    }
    if (i >= text.length) {
      const where = start < text.length ? `; the last element starts on line ${position(lines, start).line}` : '';
      throw new LegacyFileError(`the JSON array opened on line ${openedAt} is never closed (a missing "]" or "}", or an unterminated string${where})`);
    }
    const source = text.slice(start, i).trimEnd();
    const closing = text[i] === ']';
    if (source === '') {
      // `[]` and a trailing comma before `]` hold no row; `,,` is an element that is missing.
      if (!closing) entries.push({ line: position(lines, start).line, element: entries.length + 1, error: 'empty array element (two commas in a row)' });
    } else {
      entries.push({ line: position(lines, start).line, element: entries.length + 1, ...parseJson(source, start, lines) });
    }
    i++;
    if (closing) break;
  }
  const rest = skipWhitespace(text, i);
  if (rest < text.length) throw new LegacyFileError(`line ${position(lines, rest).line}: unexpected text after the end of the JSON array`);
  return entries;
}

// ---------------------------------------------------------------------------------------------
// Validating a row

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

/** Values shown in messages: never tokens (callers only quote non-secret fields), and short. */
function quote(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 62 ? `${s.slice(0, 60)}…"` : s;
}

const CONTROL = /[\u0000-\u001f\u007f]/;
const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

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

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * expiresAt: ISO 8601 with a time zone, Unix seconds (number or digits), or MongoDB extended JSON
 * ({"$date": …}, as mongoexport writes Date fields). A date without a time zone is refused rather
 * than guessed; milliseconds given as seconds are caught by their size.
 */
export function parseExpiry(raw: unknown, problems: string[], field = 'expiresAt'): Date | null {
  if (isPlainObject(raw) && '$date' in raw) {
    const d = raw.$date;
    if (typeof d === 'string') return parseExpiry(d, problems, field);
    const ms = typeof d === 'number' ? d : isPlainObject(d) && typeof d.$numberLong === 'string' && /^-?\d+$/.test(d.$numberLong) ? Number(d.$numberLong) : NaN;
    if (Number.isFinite(ms) && ms > 0) return new Date(ms);
    problems.push(`${field} {"$date": …} must hold an ISO date or milliseconds`);
    return null;
  }
  if (typeof raw === 'string' && /^\d+$/.test(raw.trim())) raw = Number(raw.trim());
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw <= 0) {
      problems.push(`${field} must be a positive number of seconds since 1970 (Unix time)`);
      return null;
    }
    if (raw >= MAX_UNIX_SECONDS) {
      problems.push(`${field} ${raw} looks like milliseconds; give Unix time in seconds or an ISO 8601 date`);
      return null;
    }
    return new Date(raw * 1000);
  }
  if (typeof raw !== 'string') {
    problems.push(`${field} must be an ISO 8601 date-time (e.g. "2024-05-01T12:00:00Z") or Unix seconds`);
    return null;
  }
  const s = raw.trim();
  const m = ISO_DATE_TIME.exec(s);
  if (!m) {
    const noZone = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$/i.test(s);
    problems.push(noZone
      ? `${field} ${quote(s)} has no time zone; add one (e.g. "2024-05-01T12:00:00Z")`
      : `${field} ${quote(s)} is not an ISO 8601 date-time (e.g. "2024-05-01T12:00:00Z") or Unix seconds`);
    return null;
  }
  const [year, month, day, hour, minute, second = '0'] = m.slice(1, 7).map((x) => x ?? '0');
  const fields = [year, month, day, hour, minute, second].map(Number);
  const utc = new Date(Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]));
  const roundTrips = utc.getUTCFullYear() === fields[0] && utc.getUTCMonth() === fields[1] - 1 && utc.getUTCDate() === fields[2]
    && utc.getUTCHours() === fields[3] && utc.getUTCMinutes() === fields[4] && utc.getUTCSeconds() === fields[5];
  const date = new Date(s.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  if (!roundTrips || Number.isNaN(date.getTime())) {
    problems.push(`${field} ${quote(s)} is not a real date`);
    return null;
  }
  return date;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

// ---------------------------------------------------------------------------------------------
// Importing

export type RowOutcome =
  | {
    line: number; element?: number; outcome: 'created';
    integrationId: string; organization: string; provider: string; name: string;
    status: Extract<IntegrationStatus, 'ACTIVE' | 'ERROR'>;
    /** Why the integration must be reconnected (status ERROR). */
    lastError: string | null;
    hasOAuthApp: boolean;
  }
  | { line: number; element?: number; outcome: 'already_imported'; integrationId: string; organization: string; provider: string; name: string }
  | { line: number; element?: number; outcome: 'bad'; reason: string };

export interface LegacyImportSummary {
  dryRun: boolean;
  format: LegacyFileFormat;
  rows: number;
  /** Created (in a dry run: would be created). */
  created: number;
  alreadyImported: number;
  bad: number;
  /** Among the created: imported with status ERROR, to be reconnected. */
  needReconnecting: number;
  /** Among the created: without the organization's own OAuth client credentials. */
  withoutOAuthApp: number;
  /** Fields outside the format, with how many rows had each (ignored). */
  ignoredFields: Record<string, number>;
  outcomes: RowOutcome[];
}

export interface LegacyImportOptions extends ValidationOptions {
  dryRun?: boolean;
  /** Named in each audit event (the file's base name), with the row's line. */
  source?: string;
  /** What "expired" is measured against (default: now). */
  now?: Date;
  /** Called every `progressEvery` rows (default 100) and after the last. */
  onProgress?: (line: string) => void;
  progressEvery?: number;
  /** Called with each row's outcome, in file order, as soon as it is known. */
  onRow?: (outcome: RowOutcome) => void;
}

/** An error that is not the row's fault (the database went away): the run stops here. */
export class ImportStoppedError extends Error {
  constructor(readonly line: number, readonly summary: LegacyImportSummary, readonly cause: unknown) {
    super(`stopped at line ${line}: ${messageOf(cause)}`);
    // The CLI's error reporting recognises database errors by their code.
    (this as { code?: unknown }).code = (cause as { code?: unknown } | null)?.code;
  }
}

/** A row refused inside its transaction; everything the transaction wrote is rolled back. */
class RowRejected extends Error {}
/** Carries a dry run's result out of the transaction it rolls back. */
class DryRunRollback extends Error {
  constructor(readonly result: WriteResult) {
    super('dry run');
  }
}

type WriteResult =
  | { outcome: 'created'; integrationId: string; status: 'ACTIVE' | 'ERROR'; lastError: string | null }
  | { outcome: 'already_imported'; integrationId: string; name: string };

interface Org { id: string; slug: string }

export async function importLegacyIntegrations(db: Db, vault: Vault, file: LegacyFile, options: LegacyImportOptions = {}): Promise<LegacyImportSummary> {
  const dryRun = !!options.dryRun;
  const now = options.now ?? new Date();
  const every = options.progressEvery ?? 100;
  const ctx = systemContext(IMPORT_ACTOR);
  const summary: LegacyImportSummary = {
    dryRun, format: file.format, rows: 0, created: 0, alreadyImported: 0, bad: 0, needReconnecting: 0, withoutOAuthApp: 0, ignoredFields: {}, outcomes: [],
  };
  const orgs = new Map<string, Org | null>();
  // Rows of this run, so a dry run (whose writes are rolled back) reports in-file clashes like a real run.
  const keysSeen = new Map<string, number>();
  const namesSeen = new Map<string, number>();

  const findOrg = async (slug: string): Promise<Org | null> => {
    if (!orgs.has(slug)) {
      const org = await inScope(db, { platform: true }, (tx) =>
        tx.selectFrom('organizations').select(['id', 'slug']).where('slug', '=', slug).executeTakeFirst());
      orgs.set(slug, org ?? null);
    }
    return orgs.get(slug)!;
  };

  const record = (outcome: RowOutcome) => {
    summary.outcomes.push(outcome);
    if (outcome.outcome === 'created') {
      summary.created++;
      if (outcome.status === 'ERROR') summary.needReconnecting++;
      if (!outcome.hasOAuthApp) summary.withoutOAuthApp++;
    } else if (outcome.outcome === 'already_imported') summary.alreadyImported++;
    else summary.bad++;
    options.onRow?.(outcome);
    if (summary.rows % every === 0 || summary.rows === file.entries.length) options.onProgress?.(progressLine(summary, file.entries.length));
  };

  for (const entry of file.entries) {
    summary.rows++;
    const at = { line: entry.line, ...(entry.element !== undefined ? { element: entry.element } : {}) };
    const bad = (reason: string) => record({ ...at, outcome: 'bad', reason });
    if (entry.error) {
      bad(entry.error);
      continue;
    }
    const checked = validateLegacyRow(entry.value, options);
    for (const f of checked.ignoredFields) summary.ignoredFields[f] = (summary.ignoredFields[f] ?? 0) + 1;
    const problems = [...checked.problems];
    const slug = checked.row?.organization
      ?? (isPlainObject(entry.value) && typeof entry.value.organization === 'string' ? entry.value.organization.trim().toLowerCase() : null);
    const org = slug && /^[a-z0-9][a-z0-9-]{0,62}$/.test(slug) ? await findOrg(slug) : null;
    if (slug && !org) problems.push(`unknown organization ${quote(slug)}`);
    const row = checked.row;
    if (problems.length || !row || !org) {
      bad(problems.join('; '));
      continue;
    }

    const key = `${org.id}\n${row.provider.key}\n${row.externalAccount.toLowerCase()}`;
    const nameKey = `${org.id}\n${row.name.toLowerCase()}`;
    if (keysSeen.has(key)) {
      bad(`same organization, provider and external account as line ${keysSeen.get(key)}`);
      continue;
    }
    if (namesSeen.has(nameKey)) {
      bad(`name ${quote(row.name)} is already taken by line ${namesSeen.get(nameKey)} in ${org.slug}; give this row another "name"`);
      continue;
    }

    let result: WriteResult;
    try {
      result = await inScope(db, { org: org.id }, async (tx) => {
        const r = await writeRow(tx, vault, ctx, org, row, key, { now, source: options.source, line: entry.line });
        if (dryRun) throw new DryRunRollback(r);
        return r;
      });
    } catch (err) {
      if (err instanceof DryRunRollback) result = err.result;
      else {
        const reason = rowFailure(err, row, org);
        if (reason === null) throw new ImportStoppedError(entry.line, summary, err);
        bad(reason);
        continue;
      }
    }
    if (result.outcome === 'already_imported') {
      record({ ...at, outcome: 'already_imported', integrationId: result.integrationId, organization: org.slug, provider: row.provider.key, name: result.name });
      continue;
    }
    keysSeen.set(key, entry.line);
    namesSeen.set(nameKey, entry.line);
    record({
      ...at, outcome: 'created', integrationId: result.integrationId, organization: org.slug, provider: row.provider.key, name: row.name,
      status: result.status, lastError: result.lastError, hasOAuthApp: row.clientSecret !== null,
    });
  }
  return summary;
}

/** Why an imported connection cannot work until it is reconnected, or null when it can. */
export function reconnectReason(row: LegacyRow, now: Date): string | null {
  const expired = row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime();
  if (expired && !(row.refreshToken && row.clientSecret)) {
    const why = !row.refreshToken ? 'there is no refresh token' : 'there are no OAuth client credentials to refresh it with';
    return `The imported access token expired on ${row.expiresAt!.toISOString()} and cannot be refreshed (${why}): reconnect the integration`;
  }
  const missing = (row.provider.connectionValues ?? []).map((c) => c.key).filter((k) => !(k in row.connectionValues));
  if (missing.length) {
    return `Imported without ${missing.join(' and ')}, which ${row.provider.name} reports when connecting: reconnect the integration before syncing`;
  }
  return null;
}

async function writeRow(
  tx: Tx, vault: Vault, ctx: ReturnType<typeof systemContext>, org: Org, row: LegacyRow, key: string,
  meta: { now: Date; source?: string; line: number },
): Promise<WriteResult> {
  // Serialises runs that import the same key at once, so the check below stays true until commit.
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`legacy-import\n${key}`}))`.execute(tx);
  const existing = await tx
    .selectFrom('integrations as i')
    .innerJoin('connections as c', 'c.integration_id', 'i.id')
    .select(['i.id', 'i.name'])
    .where('i.organization_id', '=', org.id)
    .where('i.provider', '=', row.provider.key)
    .where(sql<string>`lower(c.external_account)`, '=', row.externalAccount.toLowerCase())
    .orderBy('i.created_at')
    .executeTakeFirst();
  if (existing) return { outcome: 'already_imported', integrationId: existing.id, name: existing.name };
  if (await repo.nameTaken(tx, org.id, row.name)) {
    throw new RowRejected(`an integration named ${quote(row.name)} already exists in ${org.slug}; give the row another "name"`);
  }

  const id = uuidv7();
  const lastError = reconnectReason(row, meta.now);
  const status = lastError ? 'ERROR' : 'ACTIVE';
  const integrationScopes = row.scopes ?? (row.provider.authType === 'oauth2' ? [...row.provider.oauth.defaultScopes] : []);
  await repo.insertIntegration(tx, {
    id, organization_id: org.id, provider: row.provider.key, name: row.name, status, auth_type: 'oauth2',
    client_id: row.clientId, username: null,
    secret_encrypted: row.clientSecret !== null ? await vault.encrypt(tx, secretContext(org.id, id), row.clientSecret) : null,
    secret_hint: row.clientSecret !== null ? secretHint(row.clientSecret) : null,
    scopes: integrationScopes, settings: JSON.stringify(row.settings), last_error: lastError, updated_at: new Date(),
  });
  await tx.insertInto('connections').values({
    integration_id: id,
    organization_id: org.id,
    access_token_encrypted: await vault.encrypt(tx, tokenContext(org.id, id, 'access_token_encrypted'), row.accessToken),
    refresh_token_encrypted: row.refreshToken !== null ? await vault.encrypt(tx, tokenContext(org.id, id, 'refresh_token_encrypted'), row.refreshToken) : null,
    token_type: row.tokenType,
    expires_at: row.expiresAt,
    scopes: row.scopes ?? [],
    external_account: row.externalAccount,
    connection_values: JSON.stringify(row.connectionValues),
    updated_at: new Date(),
  }).execute();
  // Names of metadata keys avoid the audit scrubber's secret words: these are facts, not secrets.
  await recordAudit(tx, ctx, {
    organizationId: org.id,
    action: IMPORT_AUDIT_ACTION,
    target: { type: 'integration', id },
    metadata: {
      provider: row.provider.key,
      name: row.name,
      externalAccount: row.externalAccount,
      status,
      scopes: integrationScopes,
      settingKeys: Object.keys(row.settings),
      connectionValueKeys: Object.keys(row.connectionValues),
      expiresAt: row.expiresAt?.toISOString() ?? null,
      refreshable: row.refreshToken !== null,
      ownOAuthApp: row.clientSecret !== null,
      source: meta.source ? `${meta.source}:${meta.line}` : `line ${meta.line}`,
      ...(row.legacyId !== null ? { legacyId: row.legacyId } : {}),
    },
  });
  return { outcome: 'created', integrationId: id, status, lastError };
}

/**
 * The reason a row's transaction failed when the row itself is the cause (it is then skipped), or
 * null when the failure is the environment's (connection lost, disk full…): the run stops.
 */
function rowFailure(err: unknown, row: LegacyRow, org: Org): string | null {
  if (err instanceof RowRejected || err instanceof AppError) return err.message;
  if (isUniqueViolation(err)) return `an integration named ${quote(row.name)} already exists in ${org.slug}; give the row another "name"`;
  if (err instanceof VaultError) return `cannot encrypt for ${org.slug}: ${err.message}`;
  const code = (err as { code?: unknown } | null)?.code;
  // Data exceptions (22) and integrity violations (23): the database refused this row's values.
  if (typeof code === 'string' && /^(22|23)/.test(code)) return `the database refused the row (${code}): ${messageOf(err)}`;
  return null;
}

export function progressLine(s: LegacyImportSummary, total: number): string {
  return `${s.rows} of ${total} rows (${s.created} ${s.dryRun ? 'would be created' : 'created'}, ${s.alreadyImported} already imported, ${s.bad} bad)`;
}
