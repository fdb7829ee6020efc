/** Shapes of the integration endpoints the overview and records pages read (docs/api.md, Integrations and Records). */

/** GET …/integrations/:id/connection: the OAuth connection, never its tokens. */
export interface Connection {
  /** expired and error need a reconnect. */
  status: 'connected' | 'expired' | 'error' | 'not_connected';
  scopes: string[];
  expiresAt: string | null;
  externalAccount: string | null;
  lastRefreshedAt: string | null;
  refreshFailures: number;
}

/** One item of GET …/integrations/:id/records. */
export interface SyncedRecord {
  externalId: string;
  resource: string;
  data: unknown;
  sourceUpdatedAt: string | null;
  updatedAt: string;
  deletedAt?: string | null;
}
