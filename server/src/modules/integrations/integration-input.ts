import { BadRequest } from '../../lib/errors.js';
import { jsonPointer } from '../../lib/input-values.js';
import { getProvider } from '../../providers/catalog.js';
import { OVERRIDE_SETTINGS, type ProviderDefinition } from '../../providers/provider-definition.js';
import { templatePlaceholders } from '../../providers/template.js';

/**
 * Checks an integration's provider-specific input against the provider definition: which credentials
 * the auth type takes, required and well-formed settings, scope syntax. Every failure is a 400 whose
 * message names the field and what is expected.
 */
export interface CredentialInput {
  clientId?: string;
  clientSecret?: string;
  apiKey?: string;
  username?: string;
  password?: string;
}

// RFC 6749 §3.3 scope-token: printable ASCII except space, double quote and backslash.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function providerOrBadRequest(key: string): ProviderDefinition {
  const provider = getProvider(key);
  if (!provider) throw new BadRequest(`Unknown provider "${key}"; GET /api/providers lists the available ones`);
  return provider;
}

/** Which secret field the auth type uses, for messages and updates. */
export const SECRET_FIELD = { oauth2: 'clientSecret', api_key: 'apiKey', basic: 'password' } as const;

export function checkCredentials(provider: ProviderDefinition, input: CredentialInput, creating: boolean): void {
  const allowed: Record<string, (keyof CredentialInput)[]> = {
    oauth2: ['clientId', 'clientSecret'],
    api_key: ['apiKey'],
    basic: ['username', 'password'],
  };
  const accepted = allowed[provider.authType];
  for (const field of ['clientId', 'clientSecret', 'apiKey', 'username', 'password'] as const) {
    if (input[field] !== undefined && !accepted.includes(field)) {
      throw new BadRequest(
        `${field} is not used by ${provider.name} (${provider.authType} authentication takes ${accepted.join(' and ')})`,
        `/${field}`,
      );
    }
  }
  if (creating) {
    const missing = accepted.filter((f) => input[f] === undefined);
    if (missing.length) throw new BadRequest(`${provider.name} needs ${missing.join(' and ')}`, `/${missing[0]}`);
  }
}

/**
 * Settings that decide where the integration's credentials are sent: the URL overrides, and every setting the
 * provider's API base URL or OAuth endpoints are built from (a Zendesk subdomain, a Shopify shop, a CalDAV URL).
 */
export function credentialDestinationSettings(provider: ProviderDefinition): string[] {
  const templates = [provider.apiBaseUrl];
  if (provider.authType === 'oauth2')
    templates.push(provider.oauth.authorizationUrl, provider.oauth.tokenUrl, provider.oauth.revocationUrl ?? '');
  const declared = new Set(provider.settings.map((s) => s.key));
  const fromTemplates = templates.flatMap(templatePlaceholders).filter((key) => declared.has(key));
  return [...new Set<string>([...OVERRIDE_SETTINGS, ...fromTemplates])];
}

/**
 * Stored credentials only ever go where the person who stored them pointed them. A change to where they go
 * must carry the secret again in the same request (else 400); returns the destination settings that change.
 */
export function checkCredentialDestinationChange(
  provider: ProviderDefinition,
  before: Record<string, unknown>,
  after: Record<string, string>,
  secretGiven: boolean,
): string[] {
  const value = (settings: Record<string, unknown>, key: string) => (typeof settings[key] === 'string' ? settings[key] : '');
  const changed = credentialDestinationSettings(provider).filter((key) => value(before, key) !== value(after, key));
  if (changed.length && !secretGiven) {
    const secretField = SECRET_FIELD[provider.authType];
    throw new BadRequest(
      `Changing ${changed.map((k) => `settings.${k}`).join(' and ')} changes where this integration's credentials are sent: ` +
        `enter the ${SECRET_LABEL[secretField]} (${secretField}) again in the same request`,
      `/${secretField}`,
    );
  }
  return changed;
}

const SECRET_LABEL = { clientSecret: 'client secret', apiKey: 'API key', password: 'password' } as const;

export function checkScopes(scopes: string[]): string[] {
  const bad = scopes.findIndex((s) => !SCOPE_TOKEN.test(s));
  if (bad !== -1)
    throw new BadRequest(`scope "${scopes[bad]}" is not a valid OAuth scope (no spaces, quotes or backslashes)`, `/scopes/${bad}`);
  return [...new Set(scopes)];
}

/** The `field` of an error about one setting (a JSON Pointer into the request body). */
const settingField = (key: string) => jsonPointer(['settings', key]);

/**
 * Settings: only the provider's own keys plus the URL overrides; required ones present; each value
 * matching its pattern. Override URLs must be https (plain http only when private network targets
 * are allowed, i.e. development and tests).
 */
export function checkSettings(provider: ProviderDefinition, settings: Record<string, string>, allowHttp: boolean): Record<string, string> {
  const declared = new Map(provider.settings.map((s) => [s.key, s]));
  for (const [key, value] of Object.entries(settings)) {
    if (!declared.has(key) && !(OVERRIDE_SETTINGS as readonly string[]).includes(key)) {
      const known = [...declared.keys(), ...OVERRIDE_SETTINGS].join(', ');
      throw new BadRequest(`settings.${key} is not a setting of ${provider.name} (known settings: ${known})`, settingField(key));
    }
    if (typeof value !== 'string') throw new BadRequest(`settings.${key} must be a string`, settingField(key));
  }
  for (const setting of provider.settings) {
    const value = settings[setting.key];
    if (value === undefined || value === '') {
      if (setting.required && setting.default === undefined) {
        throw new BadRequest(
          `settings.${setting.key} (${setting.label}) is required for ${provider.name}${setting.example ? `, e.g. "${setting.example}"` : ''}`,
          settingField(setting.key),
        );
      }
      continue;
    }
    if (setting.pattern && !new RegExp(setting.pattern).test(value)) {
      throw new BadRequest(
        `settings.${setting.key} (${setting.label}) is not valid${setting.example ? `; expected something like "${setting.example}"` : ''}`,
        settingField(setting.key),
      );
    }
  }
  for (const key of OVERRIDE_SETTINGS) {
    const value = settings[key];
    if (value === undefined || declared.has(key)) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new BadRequest(`settings.${key} must be an absolute URL`, settingField(key));
    }
    if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:'))
      throw new BadRequest(`settings.${key} must be an https:// URL`, settingField(key));
    if (url.username || url.password) throw new BadRequest(`settings.${key} must not contain credentials`, settingField(key));
  }
  return settings;
}
