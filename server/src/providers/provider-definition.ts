import { Type, type Static, type TOptional, type TProperties, type TString } from '@sinclair/typebox';
import { WebhookDeclarationSchema } from './webhook-definition.js';

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

const strict = { additionalProperties: false } as const;

/** Stable snake_case identifiers: provider and resource keys are stored in the database and used by the API. */
const SnakeCaseKey = Type.String({ pattern: '^[a-z][a-z0-9]*(_[a-z0-9]+)*$', maxLength: 64 });
/** camelCase names shared by settings, connection values and template placeholders (`subdomain`, `calendarId`). */
const TemplateName = Type.String({ pattern: '^[a-z][A-Za-z0-9]*$', maxLength: 64 });
const Label = Type.String({ minLength: 1, maxLength: 120 });
const Description = Type.String({ minLength: 1, maxLength: 500 });
/** An https URL, or a template whose leading placeholder supplies the whole URL (a pattern-checked setting). */
const UrlTemplate = Type.String({ pattern: '^(https://|\\{\\{[a-z][A-Za-z0-9]*\\}\\})', maxLength: 500 });
/**
 * A path appended to the API base by string concatenation (never URL resolution, which would let `//host` escape
 * the base): starts with `/`, or with a placeholder for an admin-defined path; `''` is the base itself. May carry
 * a query string.
 */
const PathTemplate = Type.String({ pattern: '^(/|\\{\\{[a-z][A-Za-z0-9]*\\}\\}|$)', maxLength: 500 });
const JsonPointer = Type.String({ pattern: '^(/([^~/]|~[01])*)*$', maxLength: 200 });
/** A query parameter name (`page[size]`, `$top`) or, for POST, a body field or JSON Pointer into the body. */
const ParamName = Type.String({ minLength: 1, maxLength: 100 });
/** Header names and values, or extra authorization URL parameters. */
const StringMap = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ maxLength: 200 }));
/** Free-form JSON: query values for GET (scalars only), body fields for POST. */
const Params = Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.Unknown());

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

/**
 * Two-way sync (README, "Two-way sync"): how one record is created, updated, deleted or read back at the provider.
 * Paths are templates like `listPath`, plus `{{id}}`: the record's external id. The record's provider fields (the
 * sync's outbound mappings' output) are the body, or go at `fieldsPath` inside it.
 */
const WriteEncodingSchema = Type.Union([
  Type.Literal('json'),
  // application/x-www-form-urlencoded with bracketed nesting: Stripe's `metadata[plan]=pro`, `tax_id_data[0][type]`.
  Type.Literal('form'),
  // A JSON `{ query, variables }` POST: the fields go to `fieldsPath` (`/variables/input`), the id to `idParam`.
  Type.Literal('graphql'),
  // No body (DELETE).
  Type.Literal('none'),
]);
export type WriteEncoding = Static<typeof WriteEncodingSchema>;

/** Where a record's version (an ETag) is read after a read or a write. */
const VersionSourceSchema = Type.Union([
  // A response header (`ETag`), compared and sent back verbatim, quotes included.
  Type.Object({ from: Type.Literal('header'), name: Type.String({ minLength: 1, maxLength: 100 }) }, strict),
  // A field of the record (Google Calendar's `/etag`).
  Type.Object({ from: Type.Literal('record'), path: JsonPointer }, strict),
]);
export type VersionSource = Static<typeof VersionSourceSchema>;

/**
 * A precondition header carrying the base version, so the provider itself refuses a write over a newer version
 * (`If-Match: <etag>`, answered 412). `any` sends `*` (CalDAV creates with `If-None-Match: *`: never overwrite).
 */
const PreconditionSchema = Type.Object(
  {
    header: Type.String({ minLength: 1, maxLength: 100 }),
    value: Type.Union([Type.Literal('etag'), Type.Literal('any')]),
  },
  strict,
);

/** What the provider's answer to a write (or read) holds. */
const WriteResponseFields = {
  /** Where the written record is in the response (`''`: the body); null: no record in the answer (204). */
  recordPath: Type.Union([JsonPointer, Type.Null()]),
  /** Within the record; default the resource's `idPath` / `updatedAtPath`. */
  idPath: Type.Optional(JsonPointer),
  updatedAtPath: Type.Optional(Type.Union([JsonPointer, Type.Null()])),
  version: Type.Optional(VersionSourceSchema),
} satisfies TProperties;

export const WriteOperationSchema = Type.Object(
  {
    method: Type.Union([Type.Literal('POST'), Type.Literal('PUT'), Type.Literal('PATCH'), Type.Literal('DELETE')]),
    path: PathTemplate,
    encoding: WriteEncodingSchema,
    /** Where the provider fields go inside a JSON or GraphQL body (HubSpot `/properties`); default the body itself. */
    fieldsPath: Type.Optional(JsonPointer),
    /** The GraphQL document (encoding `graphql`). */
    query: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    /** GraphQL: the pointer the external id is written to (`/variables/id`). */
    idParam: Type.Optional(JsonPointer),
    ...WriteResponseFields,
    precondition: Type.Optional(PreconditionSchema),
    /**
     * The provider's idempotency header (Stripe `Idempotency-Key`). Each record of a push gets its own key, derived
     * from the push, so a retried or resumed write is applied once. Writes without one are retried only after a
     * 429 (the provider did nothing), never after a 5xx or a lost connection that may have applied them.
     */
    idempotencyHeader: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    /** Answers that mean "changed since your base version" (412 for If-Match, 409 for providers that say so). */
    conflictStatuses: Type.Optional(Type.Array(Type.Integer({ minimum: 400, maximum: 499 }), { maxItems: 5 })),
    /** Delete: answers that mean the record is already gone (404, 410), counted as applied. */
    goneStatuses: Type.Optional(Type.Array(Type.Integer({ minimum: 400, maximum: 499 }), { maxItems: 5 })),
  },
  strict,
);
export type WriteOperation = Static<typeof WriteOperationSchema>;

/** One record by id: re-read before an update to compare with the base version when there is no precondition. */
const RecordReadSchema = Type.Object({ path: PathTemplate, ...WriteResponseFields }, strict);
export type RecordRead = Static<typeof RecordReadSchema>;

export const WriteEndpointsSchema = Type.Object(
  {
    create: Type.Optional(WriteOperationSchema),
    update: Type.Optional(WriteOperationSchema),
    delete: Type.Optional(WriteOperationSchema),
    read: Type.Optional(RecordReadSchema),
  },
  strict,
);
export type WriteEndpoints = Static<typeof WriteEndpointsSchema>;
export type WriteOperationKind = 'create' | 'update' | 'delete';

/** The filter operators of selective sync (API.md, Two-way sync: `filters`). */
export const FILTER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'contains', 'in', 'exists'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
const FilterOpSchema = Type.Union(FILTER_OPS.map((op) => Type.Literal(op)));
/** A provider field name as the provider's API names it in selections and filters (`Email`, `lastmodifieddate`). */
const ProviderFieldName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*$', maxLength: 100 });

/**
 * How a resource's listing asks the provider for only some fields (selective sync's `fields`).
 * - `param`: one parameter holding the names, joined by `joiner` (Jira `fields=a,b`, HubSpot `properties=a,b`);
 *   in a POST body (HubSpot search) the names go as a JSON array. `template` wraps the joined list where the
 *   parameter is a partial-response mask (Google `fields=nextPageToken,items({{fields}})`).
 * - `soql_select`: the select list of the resource's SOQL query (defaultParams and incremental expression) is
 *   replaced by the chosen fields.
 * `required` are always added: what the engine reads (id, modification time) and the paging fields of a mask.
 */
export const FieldSelectionSchema = Type.Union([
  Type.Object(
    {
      style: Type.Literal('param'),
      param: ParamName,
      joiner: Type.Literal(','),
      template: Type.Optional(Type.String({ pattern: '\\{\\{fields\\}\\}', maxLength: 300 })),
      required: Type.Array(ProviderFieldName, { maxItems: 10 }),
    },
    strict,
  ),
  Type.Object(
    { style: Type.Literal('soql_select'), param: ParamName, required: Type.Array(ProviderFieldName, { minItems: 1, maxItems: 10 }) },
    strict,
  ),
]);
export type FieldSelection = Static<typeof FieldSelectionSchema>;

/**
 * Which filters the provider applies itself (selective sync's `filters`); the rest are applied by Linkyard
 * before storing.
 * - `soql_where` / `jql`: any field, these operators, written into the query language's WHERE clause (SOQL) or
 *   ANDed in front of the JQL, with values escaped as the language's string literals.
 * - `search_body`: HubSpot's CRM search: filters appended at `path` (`/filterGroups/0/filters`) as
 *   `{ propertyName, operator, value | values }`; a full listing uses the resource's `endpoint` incremental listing
 *   with the epoch as its lower bound, so filters can go with it.
 * - `params`: named query parameters for a field and an operator (GitHub `state`, Stripe `created[gte]`); a
 *   parameter already carrying the incremental bound is never used for a filter.
 */
export const FilterPushdownSchema = Type.Union([
  Type.Object(
    {
      style: Type.Union([Type.Literal('soql_where'), Type.Literal('jql')]),
      /** The parameter holding the query (`q`, `jql`), in the default parameters and the incremental expression. */
      param: ParamName,
      ops: Type.Array(FilterOpSchema, { minItems: 1 }),
    },
    strict,
  ),
  Type.Object(
    {
      style: Type.Literal('search_body'),
      path: JsonPointer,
      /** The provider's operator for each filter operator it applies (`exists` only as true). */
      operators: Type.Object(
        Object.fromEntries(FILTER_OPS.map((op) => [op, Type.Optional(Type.String({ minLength: 1, maxLength: 40 }))])) as Record<
          FilterOp,
          TOptional<TString>
        >,
        strict,
      ),
      /** Filters the provider takes besides the listing's own bound; the rest are applied by Linkyard. */
      maxFilters: Type.Integer({ minimum: 1, maximum: 20 }),
    },
    strict,
  ),
  Type.Object(
    {
      style: Type.Literal('params'),
      params: Type.Array(
        Type.Object(
          {
            field: ProviderFieldName,
            op: FilterOpSchema,
            param: ParamName,
            /** Several filters on one parameter are joined (GitHub `labels=bug,ui`: issues with all of them). */
            joiner: Type.Optional(Type.Literal(',')),
            /** What the value must be, checked when the sync is saved: Stripe wants Unix seconds, GitHub ISO-8601. */
            valueType: Type.Union([Type.Literal('string'), Type.Literal('integer'), Type.Literal('iso8601')]),
          },
          strict,
        ),
        { minItems: 1, maxItems: 30 },
      ),
    },
    strict,
  ),
]);
export type FilterPushdown = Static<typeof FilterPushdownSchema>;

/** Selective sync for one resource; absent parts mean the provider cannot (fields → 400, filters → applied locally). */
export const SelectiveSyncSchema = Type.Object(
  {
    fields: Type.Optional(FieldSelectionSchema),
    /** Suggestions for the admin UI's fields picker (the resource's usual fields); any valid name may be chosen. */
    knownFields: Type.Optional(Type.Array(ProviderFieldName, { maxItems: 100 })),
    /**
     * Where a provider field sits in a record as listed, for filters applied locally: HubSpot's properties are
     * under `properties.`, Jira's fields under `fields.`. Absent: at the top level.
     */
    recordPrefix: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*\\.$', maxLength: 50 })),
    filters: Type.Optional(FilterPushdownSchema),
  },
  strict,
);
export type SelectiveSync = Static<typeof SelectiveSyncSchema>;

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
