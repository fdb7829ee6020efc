import { Type, type Static, type TProperties } from '@sinclair/typebox';
import {
  Description,
  JsonPointer,
  Label,
  ParamName,
  Params,
  PathTemplate,
  SnakeCaseKey,
  StringMap,
  strict,
  TemplateName,
  UrlTemplate,
} from './definition-primitives.js';
import { SelectiveSyncSchema } from './selection-definition.js';
import { WebhookDeclarationSchema } from './webhook-definition.js';
import { WriteEndpointsSchema } from './write-definition.js';

// The write and selective-sync parts of a definition live in their own files; callers import them from here too.
export * from './selection-definition.js';
export * from './write-definition.js';

/**
 * A provider definition is data: everything the integrations service (OAuth connect, credential test) and the
 * sync engine (paging, incremental cursors, rate limits) need to talk to one provider, with no provider-specific
 * code. This file is the contract; `definitions/` holds one definition per provider and `catalog.ts` the list.
 *
 * Conventions used throughout:
 * - **Templates.** URLs and paths may contain `{{name}}` placeholders, filled by `renderTemplate` (template.ts)
 *   from, in increasing precedence: a resource's `pathDefaults`, the connection values captured at connect time,
 *   setting defaults, and the integration's settings. A placeholder that opens a template (`{{instanceUrl}}`,
 *   `{{calendarUrl}}`) supplies a whole URL and is inserted verbatim, so its value must be pattern-checked; any
 *   other placeholder is URL-component-encoded.
 * - **Response paths** are JSON Pointers (RFC 6901: `/paging/next/after`, `''` for the document itself) rather
 *   than dotted paths, because real keys contain dots (Microsoft Graph's `@odata.nextLink`).
 * - **Request parameters** go in the query string for GET and into the JSON body for POST. A POST parameter name
 *   that starts with `/` is a JSON Pointer into the body (GraphQL `/variables/after`, HubSpot's search filter
 *   value); any other name is a top-level body field.
 */

export const PROVIDER_CATEGORIES = [
  'crm',
  'payments',
  'support',
  'communication',
  'calendar',
  'productivity',
  'developer',
  'analytics',
  'accounting',
  'marketing',
  'ecommerce',
  'storage',
  'health',
  'custom',
] as const;
const ProviderCategorySchema = Type.Union(PROVIDER_CATEGORIES.map((category) => Type.Literal(category)));
export type ProviderCategory = (typeof PROVIDER_CATEGORIES)[number];

export const AUTH_TYPES = ['oauth2', 'api_key', 'basic'] as const;
export type AuthType = (typeof AUTH_TYPES)[number];

/**
 * Every provider implicitly accepts these settings (docs/api.md, Integrations): they replace the definition's URL of
 * the same name for sandboxes and self-hosted editions (Salesforce sandbox, GitHub Enterprise, Jira Data Center,
 * a self-hosted CalDAV server). They are not declared per provider, except where a definition's URL is nothing
 * but the setting (Custom), which makes it required there.
 */
export const OVERRIDE_SETTINGS = ['apiBaseUrl', 'authorizationUrl', 'tokenUrl'] as const;
export type OverrideSetting = (typeof OVERRIDE_SETTINGS)[number];

/**
 * Placeholders the sync engine fills at run time inside query expressions and expression-valued parameters
 * (SOQL, JQL, QuickBooks queries, Google filters): the incremental lower bound and the page window.
 */
export const RUNTIME_PLACEHOLDERS = ['since', 'offset', 'limit'] as const;

/** How a timestamp is written in a provider's responses. */
const TimestampFormatSchema = Type.Union([
  Type.Literal('iso8601'), // 2024-05-01T12:00:00Z (any ISO-8601 with offset)
  Type.Literal('unix_seconds'),
  Type.Literal('unix_ms'), // number or numeric string (ClickUp)
]);
export type TimestampFormat = Static<typeof TimestampFormatSchema>;

/** How the sync engine writes the incremental lower bound ("since") into a request. */
const SinceFormatSchema = Type.Union([
  Type.Literal('iso8601'), // UTC, second precision: 2024-05-01T12:00:00Z (SOQL rejects fractional seconds)
  Type.Literal('unix_seconds'),
  Type.Literal('unix_ms'),
  Type.Literal('date'), // 2024-05-01, for APIs that only filter by day
  // Minutes before now, rounded up: -90m. JQL reads absolute times in the Jira user's own time zone, which the
  // engine does not know; a relative bound is time-zone free.
  Type.Literal('jql_relative_minutes'),
]);
export type SinceFormat = Static<typeof SinceFormatSchema>;

/** How the access token or API key is sent when it is not `Authorization: Bearer <token>`. */
const CredentialHeaderSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    /** Text before the token, including any space: `'OAuth '` for Mailchimp's metadata call, `''` for Shopify. */
    prefix: Type.String({ maxLength: 20 }),
  },
  strict,
);

export const OAuthConfigSchema = Type.Object(
  {
    authorizationUrl: UrlTemplate,
    tokenUrl: UrlTemplate,
    /** RFC 7009 revocation endpoint, called on disconnect when present. */
    revocationUrl: Type.Optional(UrlTemplate),
    /** Scopes requested when the integration does not name its own; may be empty (providers without scopes). */
    defaultScopes: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 }),
    /** RFC 6749 says space, but several providers (Slack, Shopify, Linear, Todoist) want commas. */
    scopeSeparator: Type.Union([Type.Literal(' '), Type.Literal(',')]),
    /** Whether the provider supports PKCE; when true we always send S256 (RFC 9700). */
    pkce: Type.Boolean(),
    /** Extra query parameters on the authorization URL (Google `access_type=offline`, Atlassian `audience`). */
    extraAuthorizationParams: Type.Optional(StringMap),
    /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1): Authorization header or form body. */
    tokenAuthMethod: Type.Union([Type.Literal('client_secret_basic'), Type.Literal('client_secret_post')]),
  },
  strict,
);
export type OAuthConfig = Static<typeof OAuthConfigSchema>;

/** A provider-specific, non-secret value an admin enters on the integration (stored in `integrations.settings`). */
export const ProviderSettingSchema = Type.Object(
  {
    key: TemplateName,
    label: Label,
    required: Type.Boolean(),
    /** Used when the admin leaves the setting empty; a setting with a default is never required. */
    default: Type.Optional(Type.String({ maxLength: 500 })),
    /**
     * Anchored regular expression the value must match before it is stored. Mandatory in spirit for values that
     * land in a host name or open a URL template: this check, not URL encoding, is what keeps a tenant's
     * `subdomain` from pointing requests at another host.
     */
    pattern: Type.Optional(Type.String({ minLength: 2, maxLength: 300 })),
    description: Type.Optional(Description),
    example: Type.Optional(Type.String({ maxLength: 200 })),
  },
  strict,
);
export type ProviderSetting = Static<typeof ProviderSettingSchema>;

/**
 * A value learnt while connecting, stored with the connection and usable as a template placeholder like a setting.
 * `pattern` plays the same role as on settings: several of these end up in host names or open a URL.
 */
export const ConnectionValueSchema = Type.Union([
  // A field of the token response (Salesforce `instance_url`).
  Type.Object(
    { key: TemplateName, source: Type.Literal('token_response'), path: JsonPointer, pattern: Type.Optional(Type.String()) },
    strict,
  ),
  // A query parameter of the OAuth callback (QuickBooks `realmId`).
  Type.Object(
    { key: TemplateName, source: Type.Literal('callback_query'), param: ParamName, pattern: Type.Optional(Type.String()) },
    strict,
  ),
  // An authenticated GET right after the token exchange (Atlassian cloud id, Mailchimp data center).
  Type.Object(
    {
      key: TemplateName,
      source: Type.Literal('discovery'),
      url: UrlTemplate,
      path: JsonPointer,
      pattern: Type.Optional(Type.String()),
      credentialHeader: Type.Optional(CredentialHeaderSchema),
    },
    strict,
  ),
]);
export type ConnectionValue = Static<typeof ConnectionValueSchema>;

/** Request-size parameter; `param` is absent when the size only fills `{{limit}}` in a query expression. */
const PageSizeSchema = Type.Object(
  {
    param: Type.Optional(ParamName),
    default: Type.Integer({ minimum: 1 }),
    max: Type.Integer({ minimum: 1 }),
  },
  strict,
);
export type PageSize = Static<typeof PageSizeSchema>;

/**
 * How to get from one page to the next. Every style also stops on an empty page, so a provider that
 * misreports "more" cannot loop forever.
 */
export const PaginationSchema = Type.Union([
  // A cursor read from each response and sent back as a parameter (HubSpot, Slack, Notion, Stripe, GraphQL).
  Type.Object(
    {
      style: Type.Literal('cursor_body'),
      param: ParamName,
      /** Where the next cursor comes from: a response field, or a field of the page's last record (Stripe's id). */
      cursorFrom: Type.Union([Type.Literal('response'), Type.Literal('last_record')]),
      cursorPath: JsonPointer,
      /** Boolean that is true while more pages exist; without it a missing or empty cursor ends the listing. */
      hasMorePath: Type.Optional(JsonPointer),
      /** Boolean that is true on the last page (Zendesk incremental exports' `end_of_stream`). */
      endPath: Type.Optional(JsonPointer),
      /** Later pages are requested from this path with only the cursor (Dropbox `list_folder/continue`). */
      continuePath: Type.Optional(PathTemplate),
      /** Later pages send only the cursor to the same path, without the first request's parameters. */
      cursorOnly: Type.Optional(Type.Boolean()),
    },
    strict,
  ),
  // The response holds the next page's URL (Salesforce `nextRecordsUrl`, Graph `@odata.nextLink`); it may be
  // relative to the API base, and the engine follows it only on the API base's origin.
  Type.Object({ style: Type.Literal('next_url_body'), nextUrlPath: JsonPointer }, strict),
  // RFC 8288 `Link: <…>; rel="next"` (GitHub); same-origin rule as above.
  Type.Object({ style: Type.Literal('link_header') }, strict),
  // Offset and page size parameters; stops when the offset reaches the total, or on a short page without one.
  Type.Object(
    {
      style: Type.Literal('offset_total'),
      offsetParam: ParamName,
      totalPath: Type.Optional(JsonPointer),
      firstOffset: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
    },
    strict,
  ),
  // Offset and page size are clauses of a query expression (QuickBooks `STARTPOSITION {{offset}} MAXRESULTS {{limit}}`);
  // stops on a short page.
  Type.Object({ style: Type.Literal('query_offset'), firstOffset: Type.Union([Type.Literal(0), Type.Literal(1)]) }, strict),
  // Google-style opaque page tokens (`pageToken` / `nextPageToken`), also Jira's enhanced search.
  Type.Object({ style: Type.Literal('page_token'), param: ParamName, tokenPath: JsonPointer }, strict),
  // Page numbers with a fixed page size (ClickUp `page` / `last_page`).
  Type.Object(
    {
      style: Type.Literal('page_number'),
      param: ParamName,
      firstPage: Type.Union([Type.Literal(0), Type.Literal(1)]),
      lastPagePath: Type.Optional(JsonPointer),
    },
    strict,
  ),
  // One response holds everything (CalDAV reports, small collections).
  Type.Object({ style: Type.Literal('none') }, strict),
]);
export type Pagination = Static<typeof PaginationSchema>;

const lookbackSeconds = Type.Optional(Type.Integer({ minimum: 0, maximum: 7 * 24 * 3600 }));

/**
 * How an incremental sync asks only for what changed since the stored cursor. Records fetched twice are harmless
 * (the content hash reports them unchanged), so `lookbackSeconds` widens the window against clock skew and
 * eventually consistent search indexes.
 */
export const IncrementalSchema = Type.Union([
  // One parameter bounds the modification time (GitHub `since`, Stripe `created[gte]`, Linear's filter variable).
  Type.Object({ style: Type.Literal('since_param'), param: ParamName, format: SinceFormatSchema, lookbackSeconds }, strict),
  // The bound is part of a query language expression that replaces `defaultParams[param]` (SOQL, JQL, Drive `q`).
  Type.Object(
    {
      style: Type.Literal('query_expression'),
      param: ParamName,
      /** Contains `{{since}}`, and for `query_offset` pagination `{{offset}}` and `{{limit}}`. */
      expression: Type.String({ minLength: 1, maxLength: 2000 }),
      format: SinceFormatSchema,
      lookbackSeconds,
    },
    strict,
  ),
  // A token returned at the end of the previous listing (Google `nextSyncToken`, Dropbox cursor). When the
  // provider rejects an expired token (Google answers 410) the engine falls back to a full sync.
  Type.Object(
    {
      style: Type.Literal('sync_token'),
      param: ParamName,
      tokenPath: JsonPointer,
      /** Changes are listed from another path than the full listing (Dropbox `list_folder/continue`). */
      path: Type.Optional(PathTemplate),
    },
    strict,
  ),
  // Changes come from a separate endpoint (HubSpot CRM search, Zendesk incremental exports); records are read with
  // the resource's records, id and updated-at paths.
  Type.Object(
    {
      style: Type.Literal('endpoint'),
      method: Type.Union([Type.Literal('GET'), Type.Literal('POST')]),
      path: PathTemplate,
      sinceParam: ParamName,
      format: SinceFormatSchema,
      defaultParams: Type.Optional(Params),
      /** Defaults to the resource's pagination and page size. */
      pagination: Type.Optional(PaginationSchema),
      pageSize: Type.Optional(PageSizeSchema),
      lookbackSeconds,
    },
    strict,
  ),
  // The listing is sorted by `updatedAtPath`, newest first, without a filter: stop at the first record that is
  // not newer than the cursor (Notion search, GitHub pull requests).
  Type.Object({ style: Type.Literal('stop_at_older') }, strict),
]);
export type Incremental = Static<typeof IncrementalSchema>;

/** A listable collection a sync can target (`syncs.resource` stores its key). */
export const ResourceDefinitionSchema = Type.Object(
  {
    /** Plural noun from the provider's own API (`customers`, `pull_requests`), unique within the provider. */
    key: SnakeCaseKey,
    name: Label,
    /** GET and POST for REST and GraphQL; REPORT for CalDAV. */
    method: Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('REPORT')]),
    listPath: PathTemplate,
    /** Values for listPath placeholders that are neither settings nor connection values (`calendarId: 'primary'`). */
    pathDefaults: Type.Optional(Type.Record(TemplateName, Type.String({ minLength: 1, maxLength: 200 }), strict)),
    /** Sent with every listing request; string values may contain runtime placeholders (`{{offset}}`). */
    defaultParams: Type.Optional(Params),
    pagination: PaginationSchema,
    pageSize: Type.Optional(PageSizeSchema),
    /**
     * Pointer to the array of records (`''` when the body is the array). A missing array is an empty page
     * (QuickBooks omits it). For the caldav connector, the paths here address the connector's parsed events.
     */
    recordsPath: JsonPointer,
    /** Pointer, within one record, to its stable external id. */
    idPath: JsonPointer,
    /** Pointer, within one record, to its last-modified time; null when the provider exposes none. */
    updatedAtPath: Type.Union([JsonPointer, Type.Null()]),
    /** Defaults to iso8601. */
    updatedAtFormat: Type.Optional(TimestampFormatSchema),
    /** Absent: the resource only supports full syncs. */
    incremental: Type.Optional(IncrementalSchema),
    /** Absent: the resource is read-only (syncs stay `pull`). */
    write: Type.Optional(WriteEndpointsSchema),

    /** Field selection and provider-side filters (selective sync); absent: neither. */
    selective: Type.Optional(SelectiveSyncSchema),
  },
  strict,
);
export type ResourceDefinition = Static<typeof ResourceDefinitionSchema>;

/** One cheap authenticated call that proves the credentials work (`POST …/integrations/:id/test`). */
const CredentialTestSchema = Type.Object(
  {
    method: Type.Union([Type.Literal('GET'), Type.Literal('POST'), Type.Literal('PROPFIND')]),
    path: PathTemplate,
    body: Type.Optional(Type.Unknown()),
  },
  strict,
);

/** Response headers the engine reads to slow down before it is throttled, and to wait the right time after a 429. */
const RateLimitHeadersSchema = Type.Object(
  {
    remaining: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    reset: Type.Optional(
      Type.Object(
        {
          header: Type.String({ minLength: 1, maxLength: 100 }),
          format: Type.Union([
            Type.Literal('unix_seconds'),
            Type.Literal('unix_ms'),
            Type.Literal('seconds_until'),
            Type.Literal('iso8601'),
          ]),
        },
        strict,
      ),
    ),
    /** Listed where the provider documents it; the engine honours the standard `retry-after` regardless. */
    retryAfter: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  strict,
);

/** Fields every provider has, whatever its auth type. */
const providerFields = {
  key: SnakeCaseKey,
  name: Label,
  category: ProviderCategorySchema,
  /** `caldav` speaks WebDAV discovery and iCalendar; `rest` covers JSON REST and GraphQL over POST. */
  connector: Type.Union([Type.Literal('rest'), Type.Literal('caldav')]),
  /** Resource and test paths are appended to this. */
  apiBaseUrl: UrlTemplate,
  /** Beyond OVERRIDE_SETTINGS, which every provider accepts. */
  settings: Type.Array(ProviderSettingSchema, { maxItems: 20 }),
  connectionValues: Type.Optional(Type.Array(ConnectionValueSchema, { maxItems: 10 })),
  /** Absent means `Authorization: Bearer <token>` (oauth2, api_key); basic auth always uses `Authorization: Basic`. */
  credentialHeader: Type.Optional(CredentialHeaderSchema),
  /** Sent on every API call (API version pins such as `Notion-Version`). */
  requestHeaders: Type.Optional(StringMap),
  /** A value here in a 2xx body means the call failed (Slack `/error` with `ok: false`, GraphQL `/errors`). */
  errorPath: Type.Optional(JsonPointer),
  test: CredentialTestSchema,
  rateLimitHeaders: Type.Optional(RateLimitHeadersSchema),
  resources: Type.Array(ResourceDefinitionSchema, { minItems: 1, maxItems: 50 }),
  /** How the provider pushes changes to Linkyard, where it can (webhook-definition.ts). */
  webhooks: Type.Optional(WebhookDeclarationSchema),
} satisfies TProperties;

/** Discriminated on `authType`, so `definition.oauth` is typed as present exactly for oauth2 providers. */
export const ProviderDefinitionSchema = Type.Union([
  Type.Object({ ...providerFields, authType: Type.Literal('oauth2'), oauth: OAuthConfigSchema }, strict),
  Type.Object({ ...providerFields, authType: Type.Literal('api_key') }, strict),
  Type.Object({ ...providerFields, authType: Type.Literal('basic') }, strict),
]);
export type ProviderDefinition = Static<typeof ProviderDefinitionSchema>;
export type OAuthProviderDefinition = Extract<ProviderDefinition, { authType: 'oauth2' }>;
