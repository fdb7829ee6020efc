import { MissingTemplateValueError, renderTemplate } from '../../providers/catalog.js';
import { OVERRIDE_SETTINGS, type OAuthProviderDefinition, type ProviderDefinition } from '../../providers/provider-definition.js';

/**
 * Where an integration's provider lives: OAuth endpoints, API base URL and the request headers that carry
 * its credentials, worked out from the provider definition, the integration's settings and the values
 * learnt while connecting. Shared by the OAuth flow, the token manager and the credential test (and meant
 * for the sync engine too), so every caller builds the same URLs.
 */

export type ProviderLookup = (key: string) => ProviderDefinition | undefined;

/** A provider URL that cannot be built or used; the message names the setting to fix (safe to show). */
export class ProviderUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderUrlError';
  }
}

/**
 * Template values in increasing precedence (provider-definition.ts): connection values, setting defaults,
 * then the integration's own settings. Only string values count; empty strings count as absent.
 */
export function templateValues(
  definition: ProviderDefinition,
  settings: Record<string, unknown>,
  connectionValues: Record<string, unknown> = {},
): Record<string, string> {
  const values: Record<string, string> = {};
  const put = (source: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(source)) if (typeof value === 'string' && value !== '') values[key] = value;
  };
  put(connectionValues);
  for (const setting of definition.settings) if (setting.default !== undefined) values[setting.key] = setting.default;
  put(settings);
  return values;
}

function render(template: string, values: Record<string, string>): string {
  try {
    return renderTemplate(template, values);
  } catch (err) {
    if (err instanceof MissingTemplateValueError) throw new ProviderUrlError(err.message);
    throw err;
  }
}

/**
 * An absolute URL we may call: https, or plain http only where private network targets are allowed
 * (development and tests). The safe HTTP client re-checks the resolved address of every request.
 */
export function checkedUrl(value: string, what: string, allowHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ProviderUrlError(`The ${what} "${value.slice(0, 200)}" is not an absolute URL; check the integration's settings`);
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    throw new ProviderUrlError(`The ${what} must be an https:// URL`);
  }
  if (url.username || url.password) throw new ProviderUrlError(`The ${what} must not contain credentials`);
  return url.href;
}

type OverridableUrl = 'authorizationUrl' | 'tokenUrl' | 'revocationUrl';

/** A setting of the same name overrides the definition's URL (docs/api.md, Integrations: sandboxes, self-hosted editions). */
function overrideSetting(settings: Record<string, unknown>, key: string): string | null {
  if (!(OVERRIDE_SETTINGS as readonly string[]).includes(key)) return null;
  const value = settings[key];
  return typeof value === 'string' && value !== '' ? value : null;
}

export interface OAuthEndpoints {
  authorizationUrl: string;
  tokenUrl: string;
  /** RFC 7009 endpoint; null when the provider has none (or its template cannot be filled). */
  revocationUrl: string | null;
}

export function oauthEndpoints(
  definition: OAuthProviderDefinition,
  settings: Record<string, unknown>,
  connectionValues: Record<string, unknown>,
  allowHttp: boolean,
): OAuthEndpoints {
  const values = templateValues(definition, settings, connectionValues);
  const url = (key: OverridableUrl, label: string): string | null => {
    const template = overrideSetting(settings, key) ?? definition.oauth[key];
    return template === undefined ? null : checkedUrl(render(template, values), label, allowHttp);
  };
  let revocationUrl: string | null = null;
  try {
    revocationUrl = url('revocationUrl', 'revocation URL');
  } catch (err) {
    // Revocation is best effort: a definition whose revocation URL needs an optional, unset setting has none.
    if (!(err instanceof ProviderUrlError)) throw err;
  }
  return {
    authorizationUrl: url('authorizationUrl', 'authorization URL')!,
    tokenUrl: url('tokenUrl', 'token URL')!,
    revocationUrl,
  };
}

/** The API base URL; paths are appended by concatenation (apiUrl), never URL resolution. */
export function apiBaseUrl(
  definition: ProviderDefinition,
  settings: Record<string, unknown>,
  connectionValues: Record<string, unknown>,
  allowHttp: boolean,
): string {
  const values = templateValues(definition, settings, connectionValues);
  const template = overrideSetting(settings, 'apiBaseUrl') ?? definition.apiBaseUrl;
  return checkedUrl(render(template, values), 'API base URL', allowHttp);
}

/** A definition path (`/v1/balance`, `{{listPath}}`) under the API base. */
export function apiUrl(base: string, pathTemplate: string, values: Record<string, string>, allowHttp: boolean): string {
  const path = render(pathTemplate, values);
  if (path.startsWith('//')) throw new ProviderUrlError('A provider path must not start with //');
  // An empty path is the base itself, trailing slash included (CalDAV collections need it).
  const joined = base.endsWith('/') && path.startsWith('/') ? base.slice(0, -1) + path : base + path;
  return checkedUrl(joined, 'API URL', allowHttp);
}

/** Headers that carry a credential: the definition's credentialHeader, else `Authorization: Bearer`. */
export function bearerHeaders(definition: ProviderDefinition, token: string): Record<string, string> {
  if (definition.credentialHeader) return { [definition.credentialHeader.name]: `${definition.credentialHeader.prefix}${token}` };
  return { authorization: `Bearer ${token}` };
}

export function basicHeaders(username: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
}

/** Renders a URL template (a discovery URL) and checks the result like any other provider URL. */
export function renderUrl(template: string, values: Record<string, string>, what: string, allowHttp: boolean): string {
  return checkedUrl(render(template, values), what, allowHttp);
}
