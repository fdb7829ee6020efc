/** What every organization API key starts with: recognisable in a header, a log line or a secret scanner's rules. */
export const API_KEY_PREFIX = 'lyk_';

/** Looks like a Linkyard API key (not proof that it is one): how the access gate tells keys from session tokens. */
export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}
