import type { ProviderDefinition, ResourceDefinition, WriteEndpoints } from '../provider-definition.js';

/**
 * A Stripe list endpoint: newest first, paged by the id of the last object. Stripe has no updated-since filter,
 * so incremental syncs pick up new objects only; changes to existing ones need a full sync (or events).
 */
function list(key: string, name: string, equalityFilters: string[], defaultParams?: Record<string, string>): ResourceDefinition {
  return {
    key,
    name,
    method: 'GET',
    listPath: `/v1/${key}`,
    ...(defaultParams ? { defaultParams } : {}),
    pagination: {
      style: 'cursor_body',
      param: 'starting_after',
      cursorFrom: 'last_record',
      cursorPath: '/id',
      hasMorePath: '/has_more',
    },
    pageSize: { param: 'limit', default: 100, max: 100 },
    recordsPath: '/data',
    idPath: '/id',
    updatedAtPath: null,
    incremental: { style: 'since_param', param: 'created[gte]', format: 'unix_seconds' },
    // No field selection (Stripe returns whole objects). Lists filter by creation time (`created[gt|gte|lt|lte]`,
    // Unix seconds) and by a few exact fields per resource.
    selective: {
      filters: {
        style: 'params',
        params: [
          ...(['gt', 'gte', 'lt', 'lte'] as const).map((op) => ({
            field: 'created',
            op,
            param: `created[${op}]`,
            valueType: 'integer' as const,
          })),
          ...equalityFilters.map((field) => ({ field, op: 'eq' as const, param: field, valueType: 'string' as const })),
        ],
      },
    },
  };
}

/**
 * Customers are written with form-encoded POSTs (https://docs.stripe.com/api/customers/create, …/update: "any
 * parameters not provided will be left unchanged") and removed with DELETE, which answers `{ id, deleted: true }`.
 * Every POST takes an `Idempotency-Key` (https://docs.stripe.com/api/idempotent_requests); DELETE is idempotent by
 * definition and takes none. Customers have no version or modification time: conflicts are found by re-reading.
 */
const CUSTOMER_WRITES: WriteEndpoints = {
  create: { method: 'POST', path: '/v1/customers', encoding: 'form', recordPath: '', idempotencyHeader: 'Idempotency-Key' },
  update: { method: 'POST', path: '/v1/customers/{{id}}', encoding: 'form', recordPath: '', idempotencyHeader: 'Idempotency-Key' },
  delete: { method: 'DELETE', path: '/v1/customers/{{id}}', encoding: 'none', recordPath: null, goneStatuses: [404] },
  read: { path: '/v1/customers/{{id}}', recordPath: '' },
};

/** Authenticates with a secret (or restricted) key sent as a Bearer token. */
export const definition: ProviderDefinition = {
  key: 'stripe',
  name: 'Stripe',
  category: 'payments',
  authType: 'api_key',
  connector: 'rest',
  apiBaseUrl: 'https://api.stripe.com',
  settings: [],
  test: { method: 'GET', path: '/v1/balance' },
  // Stripe signs `{t}.{raw body}` with the endpoint's signing secret (`whsec_…`, used as text) and sends
  // `t=…,v1=…`, with one v1 per active secret while a secret is rolled. Other schemes are ignored, as the docs ask.
  webhooks: {
    docs: 'https://docs.stripe.com/webhooks#verify-manually',
    registration: [
      'In the Stripe Dashboard open Developers → Webhooks → Add endpoint (or call POST /v1/webhook_endpoints), paste this URL and select the events of the resources you sync (for example customer.* and invoice.*).',
      "Reveal the endpoint's signing secret (whsec_…) and set it as the webhook secret here.",
      'Send a test event from the Dashboard and look for it in the event list.',
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'timestamp' }, { part: 'literal', value: '.' }, { part: 'body' }],
      signature: {
        header: 'Stripe-Signature',
        format: { style: 'key_value_pairs', pairSeparator: ',', keyValueSeparator: '=', key: 'v1' },
        encoding: 'hex',
      },
      // Five minutes, the tolerance of Stripe's own libraries.
      timestamp: { source: { from: 'signature_header', key: 't' }, format: 'unix_seconds', toleranceSeconds: 300 },
    },
    // Event objects: https://docs.stripe.com/api/events/object
    eventId: [{ from: 'body', path: '/id' }],
    eventType: [{ source: { from: 'body', path: '/type' } }],
    resourcesByEventType: {
      'customer.subscription.*': ['subscriptions'],
      'customer.*': ['customers'],
      'charge.*': ['charges'],
      'invoice.*': ['invoices'],
    },
  },
  resources: [
    { ...list('customers', 'Customers', ['email']), write: CUSTOMER_WRITES },
    list('charges', 'Charges', ['customer']),
    list('invoices', 'Invoices', ['customer', 'status']),
    // The default hides canceled subscriptions; a `status` filter replaces it.
    list('subscriptions', 'Subscriptions', ['customer', 'status'], { status: 'all' }),
  ],
};
