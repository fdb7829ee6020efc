/** Shapes of the integration endpoints the overview and records pages read (aliases of the generated API types). */
import type { ResponseBody } from './types';

/** GET …/integrations/:id/connection: the OAuth connection, never its tokens (expired and error need a reconnect). */
export type Connection = ResponseBody<'/api/orgs/{orgId}/integrations/{id}/connection', 'get'>;

/** One item of GET …/integrations/:id/records. */
export type SyncedRecord = ResponseBody<'/api/orgs/{orgId}/integrations/{id}/records', 'get'>['items'][number];
