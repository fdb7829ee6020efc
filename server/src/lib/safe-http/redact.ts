/**
 * URLs for logs: credentials in the query string, the fragment (OAuth implicit flow) or the userinfo are
 * masked; everything else is kept byte for byte so the logged URL still matches what was requested.
 */
export const REDACTED = '[redacted]';

/** Query parameter names (compared lower-case, with `-` and `_` removed) whose values are always masked. */
const SECRET_NAMES = new Set(
  [
    'access_token',
    'refresh_token',
    'id_token',
    'token',
    'key',
    'api_key',
    'apikey',
    'client_secret',
    'client_assertion',
    'assertion',
    'code',
    'code_verifier',
    'password',
    'passwd',
    'pwd',
    'secret',
    'signature',
    'sig',
    'auth',
    'authorization',
    'session',
    'sessionid',
    'private_token',
    'x-amz-credential',
    'x-amz-security-token',
    'x-goog-credential',
  ].map(normalize),
);

/** Parameter names containing one of these (e.g. `hapikey`, `oauth_token_secret`, `X-Amz-Signature`) too. */
const SECRET_FRAGMENTS = ['token', 'secret', 'password', 'signature', 'apikey', 'credential'];

function normalize(name: string): string {
  return name.toLowerCase().replace(/[-_]/g, '');
}

/** True when a query parameter called `name` should never be logged. */
export function isSecretParam(name: string): boolean {
  let decoded = name;
  try {
    decoded = decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    // keep the raw name
  }
  const n = normalize(decoded);
  return SECRET_NAMES.has(n) || SECRET_FRAGMENTS.some((f) => n.includes(f));
}

function redactParams(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      return isSecretParam(pair.slice(0, eq)) ? `${pair.slice(0, eq + 1)}${REDACTED}` : pair;
    })
    .join('&');
}

/**
 * `https://api.example.com/x?access_token=abc&page=2` → `https://api.example.com/x?access_token=[redacted]&page=2`.
 * Accepts a string or URL; a string that is not an absolute URL is redacted as a path + query.
 */
export function redactUrl(url: string | URL): string {
  // Nothing to mask (the common case of a provider request): the URL as it is.
  if (typeof url !== 'string' && url.search === '' && url.hash === '' && !url.username && !url.password) return url.href;
  let text = String(url);
  try {
    const u = new URL(text);
    // URL would percent-encode "[redacted]" in the userinfo, so rebuild the string around it.
    if (u.username || u.password) text = `${u.protocol}//${REDACTED}@${u.host}${u.pathname}${u.search}${u.hash}`;
  } catch {
    // relative URL or garbage: still mask what looks like a query
  }
  const hashAt = text.indexOf('#');
  const beforeHash = hashAt === -1 ? text : text.slice(0, hashAt);
  const hash = hashAt === -1 ? null : text.slice(hashAt + 1);
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt === -1 ? null : beforeHash.slice(queryAt + 1);
  return base + (query === null ? '' : `?${redactParams(query)}`) + (hash === null ? '' : `#${redactParams(hash)}`);
}
