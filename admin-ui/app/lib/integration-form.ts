/**
 * The rules of the add-integration and integration-settings forms, written once: the actions check the
 * submitted form with them, and the inputs get the same rules as HTML attributes (required, maxlength,
 * pattern), so the browser and the server agree. The limits are the API's own (integrations.schemas.ts, read
 * through the generated api-field-limits); the API stays the last word and its 400/409 errors land on the
 * inputs their `field` names.
 */
import { requestBodyLimits } from './api-field-limits.generated';
import type { Provider, ProviderSetting } from './types';

export type AuthType = Provider['authType'];
export type CredentialKey = 'clientId' | 'clientSecret' | 'apiKey' | 'username' | 'password';
export type FieldErrors = Record<string, string>;

export interface TextRule {
  label: string;
  required: boolean;
  maxLength: number;
  /** An anchored JavaScript regular expression. */
  pattern?: string;
  /** Shown when the pattern does not match. */
  example?: string;
}

export interface CredentialField {
  key: CredentialKey;
  label: string;
  /** Write-only: never echoed back into the form, a password input. */
  secret: boolean;
  autoComplete: string;
  rule: TextRule;
}

const LIMITS = requestBodyLimits['POST /api/orgs/{orgId}/integrations'];
const NAME_RULE: TextRule = { label: 'Name', required: true, maxLength: LIMITS.name.maxLength };
// A setting's value (integrations.schemas.ts, `Settings`): the generated limits stop at a record's keys.
const SETTING_MAX = 500;
const SCOPES_MAX = LIMITS.scopes.maxItems;
const SCOPE_MAX = LIMITS['scopes[]'].maxLength;
// RFC 6749 §3.3 scope-token: printable ASCII except space, double quote and backslash.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
// What the API accepts for the URL overrides (absolute, no credentials); it decides on https itself.
const OVERRIDE_URL_PATTERN = '^https?://[^\\s/?#@]+(/\\S*)?$';

const CREDENTIALS: Record<AuthType, CredentialField[]> = {
  oauth2: [
    {
      key: 'clientId',
      label: 'Client ID',
      secret: false,
      autoComplete: 'off',
      rule: { label: 'Client ID', required: true, maxLength: LIMITS.clientId.maxLength },
    },
    {
      key: 'clientSecret',
      label: 'Client secret',
      secret: true,
      autoComplete: 'new-password',
      rule: { label: 'Client secret', required: true, maxLength: LIMITS.clientSecret.maxLength },
    },
  ],
  api_key: [
    {
      key: 'apiKey',
      label: 'API key',
      secret: true,
      autoComplete: 'new-password',
      rule: { label: 'API key', required: true, maxLength: LIMITS.apiKey.maxLength },
    },
  ],
  basic: [
    {
      key: 'username',
      label: 'Username',
      secret: false,
      autoComplete: 'off',
      rule: { label: 'Username', required: true, maxLength: LIMITS.username.maxLength },
    },
    {
      key: 'password',
      label: 'Password',
      secret: true,
      autoComplete: 'new-password',
      rule: { label: 'Password', required: true, maxLength: LIMITS.password.maxLength },
    },
  ],
};

/** The credentials an auth type takes, in form order. */
export function credentialFields(authType: AuthType): CredentialField[] {
  return CREDENTIALS[authType];
}

export const nameRule = NAME_RULE;

export interface SettingField {
  key: string;
  /** The form field's name: `settings.<key>`. */
  field: string;
  label: string;
  description?: string;
  example?: string;
  default?: string;
  /** One of the URL overrides for sandboxes and self-hosted editions, shown under "Advanced". */
  advanced: boolean;
  rule: TextRule;
}

/** The provider's own settings, then the URL overrides it does not declare itself. */
export function settingFields(provider: Pick<Provider, 'settings' | 'overrideSettings'>): SettingField[] {
  const own = (provider.settings ?? []).map((s) => ownSetting(s));
  const declared = new Set(own.map((s) => s.key));
  const overrides = (provider.overrideSettings ?? []).filter((key) => !declared.has(key)).map((key) => overrideSetting(key));
  return [...own, ...overrides];
}

function ownSetting(s: ProviderSetting): SettingField {
  return {
    key: s.key,
    field: `settings.${s.key}`,
    label: s.label,
    description: s.description,
    example: s.example,
    default: s.default,
    advanced: false,
    // A setting with a default is never required: the default applies when it is left empty.
    rule: {
      label: s.label,
      required: s.required && s.default === undefined,
      maxLength: SETTING_MAX,
      pattern: s.pattern,
      example: s.example,
    },
  };
}

const OVERRIDE_LABELS: Record<string, string> = {
  apiBaseUrl: 'API base URL',
  authorizationUrl: 'Authorization URL',
  tokenUrl: 'Token URL',
};

function overrideSetting(key: string): SettingField {
  const label = OVERRIDE_LABELS[key] ?? key;
  return {
    key,
    field: `settings.${key}`,
    label,
    advanced: true,
    description: 'Only for a sandbox or a self-hosted edition; leave empty to use the provider’s own.',
    rule: { label, required: false, maxLength: SETTING_MAX, pattern: OVERRIDE_URL_PATTERN, example: 'https://…' },
  };
}

/** The error for one value, or null when it passes the rule. Values are trimmed by the caller. */
export function checkText(value: string, rule: TextRule): string | null {
  if (!value) return rule.required ? `${rule.label} is required` : null;
  if (value.length > rule.maxLength) return `${rule.label} must be at most ${rule.maxLength} characters`;
  if (rule.pattern && !new RegExp(rule.pattern).test(value)) {
    return `${rule.label} is not valid${rule.example ? `; expected something like “${rule.example}”` : ''}`;
  }
  return null;
}

/** Scopes as typed: separated by spaces, commas or new lines; duplicates dropped. */
export function parseScopes(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}

export function checkScopes(scopes: string[]): string | null {
  if (scopes.length > SCOPES_MAX) return `At most ${SCOPES_MAX} scopes`;
  const long = scopes.find((s) => s.length > SCOPE_MAX);
  if (long) return `Scope “${long.slice(0, 40)}…” is longer than ${SCOPE_MAX} characters`;
  const bad = scopes.find((s) => !SCOPE_TOKEN.test(s));
  if (bad !== undefined) return `“${bad}” is not a valid OAuth scope (no quotes or backslashes)`;
  return null;
}

/**
 * HTML attributes for an input following `rule`. Browsers compile `pattern` with the `v` flag, which
 * rejects some patterns that are fine in JavaScript (an unescaped "-" or "/" in a character class); those
 * get the escapes `v` wants, and a pattern that still does not compile is left to the server-side check.
 */
export function inputAttributes(rule: TextRule) {
  const pattern = rule.pattern ? htmlPattern(rule.pattern) : undefined;
  return {
    required: rule.required,
    maxLength: rule.maxLength,
    ...(pattern ? { pattern, title: rule.example ? `For example: ${rule.example}` : `A valid ${rule.label}` } : {}),
  };
}

const V_CLASS_SYNTAX = new Set(['(', ')', '{', '}', '/', '|']);

export function htmlPattern(source: string): string | undefined {
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      out += ch + (source[i + 1] ?? '');
      i++;
      continue;
    }
    if (!inClass) {
      if (ch === '[') inClass = true;
      out += ch;
      continue;
    }
    if (ch === ']') {
      inClass = false;
      out += ch;
      continue;
    }
    const atClassStart = out.endsWith('[') || out.endsWith('[^');
    const isLiteralDash = ch === '-' && (atClassStart || source[i + 1] === ']');
    out += isLiteralDash || V_CLASS_SYNTAX.has(ch) ? `\\${ch}` : ch;
  }
  try {
    new RegExp(out, 'v');
    return out;
  } catch {
    return undefined;
  }
}

export type FormMode = 'create' | 'update';

export interface IntegrationFormResult {
  /** The API body: only the fields that were filled in (and, on update, that this form edits). */
  body: Record<string, unknown>;
  fieldErrors: FieldErrors;
  /** The non-secret values as submitted, to refill the form after an error. */
  values: Record<string, string>;
}

const text = (form: FormData, name: string) => String(form.get(name) ?? '').trim();

/**
 * Reads and checks the add-integration form (mode "create": every credential required) or the settings
 * form's general section (mode "update": name, client id, scopes, settings; credentials are replaced
 * separately with `readCredentialForm`).
 */
export function readIntegrationForm(provider: Provider, form: FormData, mode: FormMode): IntegrationFormResult {
  const body: Record<string, unknown> = {};
  const fieldErrors: FieldErrors = {};
  const values: Record<string, string> = {};
  const take = (field: string, rule: TextRule, target: (value: string) => void) => {
    const value = text(form, field);
    values[field] = value;
    const error = checkText(value, rule);
    if (error) fieldErrors[field] = error;
    else if (value) target(value);
  };

  take('name', NAME_RULE, (v) => {
    body.name = v;
  });

  if (mode === 'create') {
    Object.assign(body, readCredentials(provider.authType, form, 'create', fieldErrors, values));
  } else if (provider.authType === 'oauth2') {
    const clientId = credentialFields('oauth2')[0]!;
    take(clientId.key, clientId.rule, (v) => {
      body.clientId = v;
    });
  }

  if (provider.authType === 'oauth2') {
    values.scopes = String(form.get('scopes') ?? '');
    const scopes = parseScopes(values.scopes);
    const error = checkScopes(scopes);
    if (error) fieldErrors.scopes = error;
    else body.scopes = scopes;
  }

  const settings: Record<string, string> = {};
  for (const setting of settingFields(provider))
    take(setting.field, setting.rule, (v) => {
      settings[setting.key] = v;
    });
  // On create, settings are only sent when there are some; on update the whole object replaces the old one.
  if (mode === 'update' || Object.keys(settings).length) body.settings = settings;

  return { body, fieldErrors, values };
}

/**
 * Reads credentials. "create": every field of the auth type is required. "replace" (the settings page; the
 * client id is edited with the general settings there): the new secret is required, except for basic
 * authentication, where the username may change alone and an empty password keeps the stored one.
 */
export function readCredentials(
  authType: AuthType,
  form: FormData,
  mode: 'create' | 'replace',
  fieldErrors: FieldErrors,
  values: Record<string, string> = {},
) {
  const body: Partial<Record<CredentialKey, string>> = {};
  for (const field of credentialFields(authType)) {
    if (mode === 'replace' && field.key === 'clientId') continue;
    // Secrets are kept as typed (a leading space may be part of a key); other fields are trimmed.
    const value = field.secret ? String(form.get(field.key) ?? '') : text(form, field.key);
    if (!field.secret) values[field.key] = value;
    const required = mode === 'create' || !field.secret || authType !== 'basic';
    const error = checkText(value, { ...field.rule, required });
    if (error) fieldErrors[field.key] = error;
    else if (value) body[field.key] = value;
  }
  return body;
}

/**
 * The inputs of the add-integration form ("create") or of the settings page's general section ("update"),
 * by name; their names are the API body's paths (`settings.shop`), so the API's errors land on them.
 */
export function integrationFormFields(provider: Pick<Provider, 'authType' | 'settings' | 'overrideSettings'>, mode: FormMode): string[] {
  const oauth = provider.authType === 'oauth2';
  const credentials = mode === 'create' ? credentialFields(provider.authType).map((f) => f.key) : oauth ? ['clientId'] : [];
  return ['name', ...credentials, ...(oauth ? ['scopes'] : []), ...settingFields(provider).map((s) => s.field)];
}

/** The inputs of the settings page's credentials section: the credentials but the client id. */
export function credentialFormFields(authType: AuthType): string[] {
  return credentialFields(authType)
    .filter((f) => f.key !== 'clientId')
    .map((f) => f.key);
}
