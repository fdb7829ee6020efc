/**
 * Shapes of the API's answers the UI reads, named for the routes. None is written here: each is an alias of the
 * types generated from the API's OpenAPI document (api-types.generated.ts; `npm run generate:api-types`).
 */
import type { components, paths } from './api-types.generated';

type Json<R> = R extends { content: { 'application/json': infer Body } } ? Body : never;
type Success<R> = R extends { 200: infer A } ? A : R extends { 201: infer A } ? A : R extends { 202: infer A } ? A : never;

/** The JSON body of a path's successful answer, e.g. `ResponseBody<'/api/orgs/{orgId}', 'get'>`. */
export type ResponseBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R }
  ? Json<Success<R>>
  : never;

/** The JSON body a path's operation takes, e.g. `RequestBody<'/api/orgs/{orgId}/integrations/{id}', 'patch'>`. */
export type RequestBody<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer Body } };
}
  ? Body
  : never;

/** The API's error body (docs/api.md). */
export type ApiErrorBody = components['schemas']['Error'];

/** Every list's envelope (`{ items, nextCursor }`) around items of type T. */
export type Page<T> = Omit<ResponseBody<'/api/orgs', 'get'>, 'items'> & { items: T[] };

export type Me = ResponseBody<'/api/auth/me', 'get'>;
export type Org = ResponseBody<'/api/orgs/{orgId}', 'get'>;
export type Role = NonNullable<Org['role']>;

export type Provider = ResponseBody<'/api/providers', 'get'>['items'][number];
/** One provider with its setup help (GET /api/providers/:key): only the pages that show the help load it. */
export type ProviderDetail = ResponseBody<'/api/providers/{key}', 'get'>;
export type ProviderSetting = Provider['settings'][number];

export type Integration = ResponseBody<'/api/orgs/{orgId}/integrations/{id}', 'get'>;
export type IntegrationStatus = Integration['status'];

export type Sync = ResponseBody<'/api/orgs/{orgId}/syncs/{syncId}', 'get'>;
export type Mapping = Sync['mappings'][number];

export type Run = ResponseBody<'/api/orgs/{orgId}/runs/{runId}', 'get'>;
export type RunStatus = Run['status'];
export type RunStats = Run['stats'];

/** A sync log line: every line belongs to a run of one sync of one integration. */
export type LogLine = ResponseBody<'/api/orgs/{orgId}/logs', 'get'>['items'][number];
export type LogLevel = LogLine['level'];

/** What a role may do in the UI; the API enforces the same rules whatever the UI shows. */
export function can(role: Role | null, platformOwner: boolean) {
  const admin = role === 'admin' || role === 'super_admin';
  return {
    edit: admin,
    manageMembers: role === 'super_admin',
    manageApiKeys: role === 'super_admin',
    export: admin || platformOwner,
    readAudit: admin || platformOwner,
  };
}
