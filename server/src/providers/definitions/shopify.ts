import type { Incremental, ProviderDefinition } from '../provider-definition.js';
import { HOST_LABEL_PATTERN, graphqlConnection } from './shared.js';

/** Stable versions are supported for a year; move this forward each summer (the override covers stragglers). */
const API_VERSION = '2026-07';
const SHOP = 'https://{{shop}}.myshopify.com';
const GRAPHQL_PATH = '/graphql.json';
const PAGE_SIZE = { default: 100, max: 250 };

/** Shopify's search syntax goes into the connection's `query` argument. */
const UPDATED_SINCE: Incremental = {
  style: 'query_expression',
  param: '/variables/query',
  expression: "updated_at:>='{{since}}'",
  format: 'iso8601',
};

/** Shared by every connection: the search variable and update-time ordering that incremental syncs rely on. */
const searchable = {
  variables: '$query: String',
  args: 'query: $query, sortKey: UPDATED_AT',
  pageSize: PAGE_SIZE,
  incremental: UPDATED_SINCE,
};

/** The GraphQL Admin API: REST is legacy, and new public apps must use GraphQL. */
export const definition: ProviderDefinition = {
  key: 'shopify',
  name: 'Shopify',
  category: 'ecommerce',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: `${SHOP}/admin/oauth/authorize`,
    tokenUrl: `${SHOP}/admin/oauth/access_token`,
    defaultScopes: ['read_products', 'read_orders', 'read_customers'],
    scopeSeparator: ',',
    pkce: false,
    tokenAuthMethod: 'client_secret_post',
  },
  connector: 'rest',
  apiBaseUrl: `${SHOP}/admin/api/${API_VERSION}`,
  settings: [
    {
      key: 'shop',
      label: 'Shop name',
      required: true,
      pattern: HOST_LABEL_PATTERN,
      description: 'The name in your-shop.myshopify.com (not a custom domain).',
      example: 'acme-store',
    },
  ],
  credentialHeader: { name: 'X-Shopify-Access-Token', prefix: '' },
  errorPath: '/errors',
  test: { method: 'POST', path: GRAPHQL_PATH, body: { query: '{ shop { id name } }' } },
  rateLimitHeaders: { retryAfter: 'retry-after' },
  // Base64 HMAC-SHA256 of the raw body with the app's client secret.
  webhooks: {
    docs: 'https://shopify.dev/docs/apps/build/webhooks/verify-deliveries',
    registration: [
      'In the Shopify admin open Settings → Notifications → Webhooks → Create webhook (or, for an app, the webhookSubscriptionCreate Admin API mutation), format JSON, and paste this URL for each topic you sync.',
      "Set the app's client secret (or the signing key shown under the store's webhooks list) as the webhook secret here.",
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'body' }],
      signature: { header: 'X-Shopify-Hmac-Sha256', format: { style: 'value' }, encoding: 'base64' },
    },
    // The same page: X-Shopify-Webhook-Id stays the same when a delivery is retried.
    eventId: [{ from: 'header', name: 'X-Shopify-Webhook-Id' }],
    eventType: [{ source: { from: 'header', name: 'X-Shopify-Topic' } }],
    resourcesByEventType: { 'products/*': ['products'], 'orders/*': ['orders'], 'customers/*': ['customers'] },
  },
  resources: [
    graphqlConnection({
      key: 'products',
      name: 'Products',
      path: GRAPHQL_PATH,
      connection: 'products',
      fields: 'id title handle status vendor productType tags createdAt updatedAt',
      ...searchable,
    }),
    graphqlConnection({
      // Without the read_all_orders scope Shopify returns only the last 60 days of orders.
      key: 'orders',
      name: 'Orders',
      path: GRAPHQL_PATH,
      connection: 'orders',
      fields:
        'id name email createdAt updatedAt displayFinancialStatus displayFulfillmentStatus ' +
        'totalPriceSet { shopMoney { amount currencyCode } }',
      ...searchable,
    }),
    graphqlConnection({
      key: 'customers',
      name: 'Customers',
      path: GRAPHQL_PATH,
      connection: 'customers',
      fields: 'id displayName defaultEmailAddress { emailAddress } numberOfOrders createdAt updatedAt',
      ...searchable,
    }),
  ],
};
