import { Type, type Static } from '@sinclair/typebox';

/**
 * How a provider pushes changes to Linkyard (`POST /api/webhooks/:integrationId`), declared as data like the rest of
 * a provider definition: how to tell a genuine delivery from a forged one, which handshakes to answer, and how to
 * read the event's id, type and affected resources. `server/src/modules/webhooks-in/verify-signature.ts` interprets
 * it; no provider has code of its own. docs/webhooks-in.md explains every field with the providers that use it.
 *
 * The secret a declaration verifies with is the integration's write-only `webhookSecret` (API.md, Webhooks in): the
 * provider's signing secret, client secret, verifier token or channel token, as each provider's `docs` page says.
 */

const strict = { additionalProperties: false } as const;

/** HTTP header names are case-insensitive; declarations spell them as the provider's documentation does. */
const HeaderName = Type.String({ pattern: '^[A-Za-z0-9-]+$', maxLength: 100 });
const QueryParam = Type.String({ pattern: '^[A-Za-z0-9_.-]+$', maxLength: 100 });
/**
 * A JSON Pointer (RFC 6901) into the parsed JSON body, where a `*` segment stands for every element of an array (or
 * every value of an object): `/value`, then `*`, then `/clientState` reads the client state of each Microsoft Graph
 * notification in a batch.
 */
const BodyPointer = Type.String({ pattern: '^(/([^~/]|~[01])*)*$', maxLength: 200 });
/** camelCase key of a provider setting (`ProviderSettingSchema.key`). */
const SettingKey = Type.String({ pattern: '^[a-z][A-Za-z0-9]*$', maxLength: 64 });

/** Where a value is read from in the incoming request. */
export const RequestValueSchema = Type.Union([
  Type.Object({ from: Type.Literal('header'), name: HeaderName }, strict),
  Type.Object({ from: Type.Literal('query'), name: QueryParam }, strict),
  Type.Object({ from: Type.Literal('body'), path: BodyPointer }, strict),
]);
export type RequestValue = Static<typeof RequestValueSchema>;

/**
 * One piece of the byte string a provider signs, concatenated in order. `timestamp` is the timestamp exactly as
 * received (its string form, before parsing); `url` is the full URL the provider called.
 */
export const SignedPartSchema = Type.Union([
  Type.Object({ part: Type.Literal('body') }, strict),
  Type.Object({ part: Type.Literal('literal'), value: Type.String({ minLength: 1, maxLength: 20 }) }, strict),
  Type.Object({ part: Type.Literal('timestamp') }, strict),
  Type.Object({ part: Type.Literal('method') }, strict),
  Type.Object({ part: Type.Literal('url') }, strict),
  Type.Object({ part: Type.Literal('header'), name: HeaderName }, strict),
]);
export type SignedPart = Static<typeof SignedPartSchema>;

/** How the signature(s) are written in their header. */
export const SignatureFormatSchema = Type.Union([
  // The whole header value, after an optional prefix (GitHub `sha256=`, Slack `v0=`).
  Type.Object({ style: Type.Literal('value'), prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })) }, strict),
  // `t=1492774577,v1=5257…,v1=…` (Stripe): every pair whose key is `key` is a candidate signature.
  Type.Object(
    {
      style: Type.Literal('key_value_pairs'),
      pairSeparator: Type.Literal(','),
      keyValueSeparator: Type.Literal('='),
      key: Type.String({ minLength: 1, maxLength: 20 }),
    },
    strict,
  ),
  // `v1,g0hM… v1,bm9…` (Standard Webhooks): entries split by `separator`, each starting with `prefix`.
  Type.Object(
    { style: Type.Literal('prefixed_list'), separator: Type.Literal(' '), prefix: Type.String({ minLength: 1, maxLength: 20 }) },
    strict,
  ),
]);
export type SignatureFormat = Static<typeof SignatureFormatSchema>;

const TimestampSourceSchema = Type.Union([
  Type.Object({ from: Type.Literal('header'), name: HeaderName }, strict),
  // A pair of the signature header itself (Stripe's `t=`); only with the `key_value_pairs` format.
  Type.Object({ from: Type.Literal('signature_header'), key: Type.String({ minLength: 1, maxLength: 20 }) }, strict),
  // A field of the signed body (Linear's `webhookTimestamp`): covered by the signature because the body is.
  Type.Object({ from: Type.Literal('body'), path: BodyPointer }, strict),
]);

/** A signed timestamp, checked against the current time to refuse replayed deliveries. */
export const SignedTimestampSchema = Type.Object(
  {
    source: TimestampSourceSchema,
    format: Type.Union([Type.Literal('unix_seconds'), Type.Literal('unix_ms'), Type.Literal('iso8601')]),
    /** Deliveries whose timestamp is further than this from now (either way) are `stale_timestamp`. */
    toleranceSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
  },
  strict,
);
export type SignedTimestamp = Static<typeof SignedTimestampSchema>;

/** How the webhook secret becomes the HMAC key. */
const HmacKeySchema = Type.Object(
  {
    /** `base64`: the secret is base64 after an optional prefix (Standard Webhooks' `whsec_`), and the key is its bytes. */
    encoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')]),
    stripPrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    /** Appended to the secret before use (Fitbit signs with `client_secret&`, after OAuth 1.0a). */
    suffix: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  },
  strict,
);

export const WebhookVerificationSchema = Type.Union([
  // An HMAC over a template of parts of the request, sent in a header.
  Type.Object(
    {
      scheme: Type.Literal('hmac'),
      algorithm: Type.Union([Type.Literal('sha256'), Type.Literal('sha1'), Type.Literal('sha512')]),
      key: HmacKeySchema,
      signedContent: Type.Array(SignedPartSchema, { minItems: 1, maxItems: 10 }),
      signature: Type.Object(
        {
          header: HeaderName,
          format: SignatureFormatSchema,
          encoding: Type.Union([Type.Literal('hex'), Type.Literal('base64')]),
          /** The header value is percent-encoded after base64 (Fitbit), so `%2B` must read as `+`. */
          percentEncoded: Type.Optional(Type.Boolean()),
        },
        strict,
      ),
      timestamp: Type.Optional(SignedTimestampSchema),
    },
    strict,
  ),
  // A shared token the provider echoes back unsigned (Google channel token, Microsoft Graph `clientState`). Every
  // value the source yields must equal the secret, and at least one must be present.
  Type.Object({ scheme: Type.Literal('token'), token: RequestValueSchema }, strict),
]);
export type WebhookVerification = Static<typeof WebhookVerificationSchema>;

/** A request the provider makes to prove the URL is ours, answered instead of being processed as an event. */
export const WebhookHandshakeSchema = Type.Union([
  // Echo a query parameter as text/plain (Dropbox `GET ?challenge=`, Microsoft Graph `POST ?validationToken=`).
  // Comes before verification: the provider sends no signature with it.
  Type.Object(
    { kind: Type.Literal('echo_query'), method: Type.Union([Type.Literal('GET'), Type.Literal('POST')]), param: QueryParam },
    strict,
  ),
  // Echo a body field as text/plain when another field has a value (Slack `type: url_verification` → `challenge`).
  // Comes after verification: the provider signs it like any event.
  Type.Object(
    { kind: Type.Literal('echo_body'), when: BodyPointer, equals: Type.String({ minLength: 1, maxLength: 100 }), field: BodyPointer },
    strict,
  ),
  // Compare a query parameter with a provider setting: `matchStatus` when equal, else `mismatchStatus` (Fitbit's
  // subscriber verification `GET ?verify=`: 204 for the right code, 404 for a wrong one). Before verification.
  Type.Object(
    {
      kind: Type.Literal('verify_query'),
      method: Type.Union([Type.Literal('GET'), Type.Literal('POST')]),
      param: QueryParam,
      setting: SettingKey,
      matchStatus: Type.Integer({ minimum: 200, maximum: 299 }),
      mismatchStatus: Type.Integer({ minimum: 400, maximum: 499 }),
    },
    strict,
  ),
  // An unsigned POST whose body carries the value that will sign later deliveries (Notion's `verification_token`):
  // answered 200 and handed to the caller, who shows it to an admin; it must never replace a stored secret on its
  // own, since anyone can send it. Before verification, and only when the request has no signature header.
  Type.Object({ kind: Type.Literal('capture_body'), field: BodyPointer }, strict),
]);
export type WebhookHandshake = Static<typeof WebhookHandshakeSchema>;

/** Where an event's type is read, optionally narrowed to one capture group of a regular expression. */
const EventTypeSourceSchema = Type.Object(
  {
    source: RequestValueSchema,
    /** Applied to each value; group 1 becomes the event type, a value that does not match is skipped. */
    pattern: Type.Optional(Type.String({ minLength: 3, maxLength: 200 })),
  },
  strict,
);

/** A `{{name}}` path template under the provider's API base (provider-definition.ts); values are URL-encoded. */
const ApiPath = Type.String({ pattern: '^/', minLength: 1, maxLength: 300 });

/**
 * How Linkyard registers the integration's webhook URL through the provider's own API (`POST …/webhook/register`),
 * for providers where an API creates the subscription, as data like the rest of the declaration.
 *
 * `hook_resource`: the subscription is a resource of the provider's API that is created once and updated afterwards
 * (GitHub repository hooks). Bodies are JSON templates: every string that is exactly `{{webhookUrl}}` or
 * `{{webhookSecret}}` becomes the integration's URL or webhook secret, other strings and values are sent as written.
 * Paths take the integration's settings (`{{owner}}`) and `{{hookId}}`, the provider's id of the registered hook.
 */
export const WebhookApiRegistrationSchema = Type.Object(
  {
    style: Type.Literal('hook_resource'),
    /** The provider's documentation of these endpoints, the source every field was written from. */
    docs: Type.String({ pattern: '^https://', maxLength: 300 }),
    /** The OAuth scopes of which the connection needs at least one (the provider's own scope names). */
    anyScope: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 10 }),
    /** Settings the paths need: missing ones are a 400 naming `/settings/<key>`, before the provider is called. */
    settings: Type.Array(SettingKey, { maxItems: 5 }),
    /** What the hook is registered on, for messages and the stored registration (`{{owner}}/{{repo}}`). */
    target: Type.String({ minLength: 1, maxLength: 200 }),
    /** Create a hook: its answer's `idPath` is the hook's id. */
    create: Type.Object({ method: Type.Literal('POST'), path: ApiPath, body: Type.Unknown() }, strict),
    /** Update the registered hook (re-registering updates, never duplicates); a 404 means it was deleted: create again. */
    update: Type.Object({ method: Type.Union([Type.Literal('PATCH'), Type.Literal('PUT')]), path: ApiPath, body: Type.Unknown() }, strict),
    /**
     * The hooks already on the target, read when `create` answers `duplicateStatus` (a hook with this URL exists,
     * registered by hand or by a Linkyard whose record was lost): the one whose `urlPath` is our URL is updated.
     */
    list: Type.Object({ method: Type.Literal('GET'), path: ApiPath, urlPath: BodyPointer }, strict),
    duplicateStatus: Type.Integer({ minimum: 400, maximum: 499 }),
    /** Where the hook's id is in the answers to `create`, `update` and each listed hook. */
    idPath: BodyPointer,
    /** The answer that means the target does not exist or the connection cannot see it (the settings are wrong). */
    unknownTargetStatus: Type.Integer({ minimum: 400, maximum: 499 }),
  },
  strict,
);
export type WebhookApiRegistration = Static<typeof WebhookApiRegistrationSchema>;

export const WebhookDeclarationSchema = Type.Object(
  {
    /** The provider's documentation of the scheme, the source every field here was written from. */
    docs: Type.String({ pattern: '^https://', maxLength: 300 }),
    /**
     * How an admin registers the integration's URL at the provider and which of the provider's values is the webhook
     * secret, in the order to do it (from the same documentation); shown on the integration's Webhooks tab.
     */
    registration: Type.Array(Type.String({ minLength: 10, maxLength: 400 }), { minItems: 1, maxItems: 5 }),
    /** Where the provider's API registers the URL itself, how (`POST …/webhook/register`); absent: by hand only. */
    apiRegistration: Type.Optional(WebhookApiRegistrationSchema),
    verification: WebhookVerificationSchema,
    handshakes: Type.Optional(Type.Array(WebhookHandshakeSchema, { maxItems: 4 })),
    /**
     * The provider's id for the event, for deduplication: the parts are joined with `:` (Google's channel id and
     * message number). Absent, or a part missing from the request: the event has no id and is not deduplicated,
     * because providers without ids (Dropbox, Fitbit) legitimately send identical bodies for distinct changes.
     */
    eventId: Type.Optional(Type.Array(RequestValueSchema, { minItems: 1, maxItems: 3 })),
    /** Every source is read and all values kept: one delivery may batch several events (HubSpot, QuickBooks). */
    eventType: Type.Optional(Type.Array(EventTypeSourceSchema, { minItems: 1, maxItems: 3 })),
    /**
     * Event type → resource keys of this provider. A key ending in `*` matches by prefix (the longest prefix wins;
     * an exact key beats any prefix). `[]` means the event concerns no sync (pings, Google's `sync` message). A type
     * that matches no key concerns every enabled sync of the integration (API.md, Webhooks in).
     */
    resourcesByEventType: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 100 }),
        Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]*$' }), { maxItems: 20 }),
      ),
    ),
    /** The provider's documented success answer, where it is not any 2xx (Fitbit: 204 within 5 seconds). */
    successStatus: Type.Optional(Type.Integer({ minimum: 200, maximum: 299 })),
  },
  strict,
);
export type WebhookDeclaration = Static<typeof WebhookDeclarationSchema>;
