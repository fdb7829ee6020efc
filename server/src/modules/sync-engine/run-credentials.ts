import { REFRESH_MARGIN_SECONDS, type IntegrationCredentials, type TokenRequestOptions } from '../oauth/token-manager.js';

/** Reads an integration's OAuth credentials through the token manager (which refreshes them when due or forced). */
export type ReadCredentials = (options?: TokenRequestOptions) => Promise<IntegrationCredentials>;

export interface RunCredentials {
  /** The access token for the next request. */
  accessToken(): Promise<string>;
  /** The provider refused the token last handed out (401): after this, accessToken() gives one worth trying. */
  refused(): Promise<void>;
  /** Values learnt at connect time, from the first read. */
  readonly connectionValues: Record<string, string>;
}

/**
 * A run's OAuth credentials: read once and kept while they stay valid for more than the token manager's refresh margin,
 * instead of a database transaction per request (per page); near their expiry they are read again (and refreshed
 * there when due). After a 401 the stored token is read first — another process may have refreshed it meanwhile — and
 * only when it is the token the provider refused is a refresh forced, so one refusal never costs two refreshes.
 */
export async function runCredentials(read: ReadCredentials, now: () => number = Date.now): Promise<RunCredentials> {
  let credentials = await read();
  const usable = () => credentials.expiresAt === null || credentials.expiresAt.getTime() - now() > REFRESH_MARGIN_SECONDS * 1000;
  return {
    async accessToken() {
      if (!usable()) credentials = await read();
      return credentials.accessToken;
    },
    async refused() {
      const refusedToken = credentials.accessToken;
      credentials = await read();
      if (credentials.accessToken === refusedToken) credentials = await read({ forceRefresh: true });
    },
    connectionValues: credentials.connectionValues,
  };
}
