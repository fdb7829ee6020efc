import type { ProviderDefinition, ResourceDefinition } from '../provider-definition.js';

/** Intuit retired minor versions below 75; pinning one keeps response shapes stable. */
const MINOR_VERSION = '75';
const COMPANY = '/v3/company/{{realmId}}';

/**
 * An accounting entity listed through the query language, which also carries the page window, hence the
 * `query_offset` pagination.
 */
function entity(key: string, name: string, entityName: string): ResourceDefinition {
  const select = `SELECT * FROM ${entityName}`;
  const orderAndPage = 'ORDERBY MetaData.LastUpdatedTime STARTPOSITION {{offset}} MAXRESULTS {{limit}}';
  return {
    key,
    name,
    method: 'GET',
    listPath: `${COMPANY}/query`,
    defaultParams: { query: `${select} ${orderAndPage}`, minorversion: MINOR_VERSION },
    pagination: { style: 'query_offset', firstOffset: 1 },
    pageSize: { default: 1000, max: 1000 },
    recordsPath: `/QueryResponse/${entityName}`,
    idPath: '/Id',
    updatedAtPath: '/MetaData/LastUpdatedTime',
    incremental: {
      style: 'query_expression',
      param: 'query',
      expression: `${select} WHERE MetaData.LastUpdatedTime >= '{{since}}' ${orderAndPage}`,
      format: 'iso8601',
    },
  };
}

/** Sandbox companies use the `apiBaseUrl` override https://sandbox-quickbooks.api.intuit.com. */
export const definition: ProviderDefinition = {
  key: 'quickbooks',
  name: 'QuickBooks Online',
  category: 'accounting',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://appcenter.intuit.com/connect/oauth2',
    tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    revocationUrl: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    defaultScopes: ['com.intuit.quickbooks.accounting'],
    scopeSeparator: ' ',
    pkce: false,
    tokenAuthMethod: 'client_secret_basic',
  },
  // The company the user picked on the consent screen comes back on the callback, not in the token response.
  connectionValues: [{ key: 'realmId', source: 'callback_query', param: 'realmId', pattern: '^[0-9]{1,32}$' }],
  connector: 'rest',
  apiBaseUrl: 'https://quickbooks.api.intuit.com',
  settings: [],
  // Without it the API answers in XML.
  requestHeaders: { Accept: 'application/json' },
  test: { method: 'GET', path: `${COMPANY}/companyinfo/{{realmId}}` },
  // Base64 HMAC-SHA256 of the raw body keyed with the app's webhook verifier token.
  webhooks: {
    docs: 'https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks',
    registration: [
      'In the Intuit Developer portal open your app → Webhooks, paste this URL as the endpoint and choose the entities you sync.',
      'Copy the verifier token shown there and set it as the webhook secret here.',
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'body' }],
      signature: { header: 'intuit-signature', format: { style: 'value' }, encoding: 'base64' },
    },
    // Intuit moved payloads to CloudEvents (an array of `{ id, type: "qbo.customer.created.v1", … }`,
    // https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks/data-objects); the legacy
    // `eventNotifications` payload names entities and has no id. Both are read.
    eventId: [{ from: 'body', path: '/0/id' }],
    eventType: [
      { source: { from: 'body', path: '/*/type' } },
      { source: { from: 'body', path: '/eventNotifications/*/dataChangeEvent/entities/*/name' } },
    ],
    resourcesByEventType: {
      'qbo.customer.*': ['customers'],
      'qbo.invoice.*': ['invoices'],
      'qbo.payment.*': ['payments'],
      Customer: ['customers'],
      Invoice: ['invoices'],
      Payment: ['payments'],
    },
  },
  resources: [
    entity('customers', 'Customers', 'Customer'),
    entity('invoices', 'Invoices', 'Invoice'),
    entity('payments', 'Payments', 'Payment'),
  ],
};
