import type { Pagination, ProviderDefinition, ResourceDefinition, WriteEndpoints } from '../provider-definition.js';

const AFTER_CURSOR: Pagination = {
  style: 'cursor_body',
  param: 'after',
  cursorFrom: 'response',
  cursorPath: '/paging/next/after',
};

/**
 * A CRM object. The list endpoint cannot filter by modification time, so incremental syncs use the search
 * endpoint sorted by the last-modified property. Search stops at 10,000 results per query; sorting ascending lets
 * the engine move the cursor forward and search again.
 */
function crmObject(key: string, name: string, lastModifiedProperty: string, knownFields: string[]): ResourceDefinition {
  return {
    key,
    name,
    method: 'GET',
    listPath: `/crm/v3/objects/${key}`,
    defaultParams: { archived: false },
    pagination: AFTER_CURSOR,
    pageSize: { param: 'limit', default: 100, max: 100 },
    recordsPath: '/results',
    idPath: '/id',
    updatedAtPath: '/updatedAt',
    incremental: {
      style: 'endpoint',
      method: 'POST',
      path: `/crm/v3/objects/${key}/search`,
      sinceParam: '/filterGroups/0/filters/0/value',
      format: 'unix_ms',
      defaultParams: {
        filterGroups: [{ filters: [{ propertyName: lastModifiedProperty, operator: 'GTE' }] }],
        sorts: [{ propertyName: lastModifiedProperty, direction: 'ASCENDING' }],
      },
      pageSize: { param: 'limit', default: 200, max: 200 },
      // The search index trails writes by a few seconds.
      lookbackSeconds: 60,
    },
    // `properties` names the properties to return (a comma-separated list on the list endpoint, an array in a
    // search body). Search filters take EQ, NEQ, LT, LTE, GT, GTE, IN (`values`) and HAS_PROPERTY; CONTAINS_TOKEN
    // matches whole words, not substrings, so `contains` is applied by Linkyard.
    selective: {
      fields: { style: 'param', param: 'properties', joiner: ',', required: [lastModifiedProperty] },
      knownFields,
      recordPrefix: 'properties.',
      filters: {
        style: 'search_body',
        path: '/filterGroups/0/filters',
        operators: { eq: 'EQ', neq: 'NEQ', gt: 'GT', gte: 'GTE', lt: 'LT', lte: 'LTE', in: 'IN', exists: 'HAS_PROPERTY' },
        // Search takes at most 6 filters per group; one is the listing's modification-time bound.
        maxFilters: 5,
      },
    },
  };
}

/**
 * CRM objects are written as `{ properties: {…} }` (https://developers.hubspot.com/docs/api/crm/contacts): POST creates
 * (201 with the object), PATCH updates the given properties only (200 with the object and its new `updatedAt`),
 * DELETE archives (204). HubSpot takes no idempotency key and no version precondition: conflicts are found by
 * re-reading the object's `updatedAt`, and creates are not retried after a 5xx.
 */
function crmWrites(key: string): WriteEndpoints {
  const one = `/crm/v3/objects/${key}/{{id}}`;
  return {
    create: { method: 'POST', path: `/crm/v3/objects/${key}`, encoding: 'json', fieldsPath: '/properties', recordPath: '' },
    update: { method: 'PATCH', path: one, encoding: 'json', fieldsPath: '/properties', recordPath: '' },
    delete: { method: 'DELETE', path: one, encoding: 'none', recordPath: null, goneStatuses: [404] },
    read: { path: one, recordPath: '' },
  };
}

export const definition: ProviderDefinition = {
  key: 'hubspot',
  name: 'HubSpot',
  category: 'crm',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: 'https://app.hubspot.com/oauth/authorize',
    tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
    defaultScopes: [
      'oauth',
      'crm.objects.contacts.read',
      'crm.objects.contacts.write',
      'crm.objects.companies.read',
      'crm.objects.deals.read',
    ],
    scopeSeparator: ' ',
    pkce: true,
    tokenAuthMethod: 'client_secret_post',
  },
  connector: 'rest',
  apiBaseUrl: 'https://api.hubapi.com',
  settings: [],
  test: { method: 'GET', path: '/account-info/v3/details' },
  rateLimitHeaders: { remaining: 'x-hubspot-ratelimit-remaining' },
  // v3: base64 HMAC-SHA256 of method + URL + raw body + X-HubSpot-Request-Timestamp (milliseconds) with the app's
  // client secret; the docs reject timestamps older than five minutes. Linkyard's webhook URLs carry no query string
  // or percent-escapes, so the URL is signed exactly as registered.
  webhooks: {
    docs: 'https://developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests',
    registration: [
      "In your HubSpot app's settings open Webhooks, paste this URL as the Target URL and create subscriptions for the objects and properties you sync.",
      "Set the app's client secret as the webhook secret here (HubSpot signs with v3 signatures).",
    ],
    verification: {
      scheme: 'hmac',
      algorithm: 'sha256',
      key: { encoding: 'utf8' },
      signedContent: [{ part: 'method' }, { part: 'url' }, { part: 'body' }, { part: 'timestamp' }],
      signature: { header: 'X-HubSpot-Signature-v3', format: { style: 'value' }, encoding: 'base64' },
      timestamp: { source: { from: 'header', name: 'X-HubSpot-Request-Timestamp' }, format: 'unix_ms', toleranceSeconds: 300 },
    },
    // A delivery is a JSON array of up to 100 events (https://developers.hubspot.com/docs/api/webhooks); a retried
    // batch starts with the same event.
    eventId: [{ from: 'body', path: '/0/eventId' }],
    eventType: [{ source: { from: 'body', path: '/*/subscriptionType' } }],
    resourcesByEventType: { 'contact.*': ['contacts'], 'company.*': ['companies'], 'deal.*': ['deals'] },
  },
  resources: [
    // Contacts name the property without the hs_ prefix that companies and deals use.
    {
      ...crmObject('contacts', 'Contacts', 'lastmodifieddate', [
        'email',
        'firstname',
        'lastname',
        'phone',
        'company',
        'jobtitle',
        'lifecyclestage',
        'hubspot_owner_id',
        'createdate',
        'lastmodifieddate',
      ]),
      write: crmWrites('contacts'),
    },
    crmObject('companies', 'Companies', 'hs_lastmodifieddate', [
      'name',
      'domain',
      'industry',
      'phone',
      'city',
      'country',
      'numberofemployees',
      'hubspot_owner_id',
      'createdate',
      'hs_lastmodifieddate',
    ]),
    crmObject('deals', 'Deals', 'hs_lastmodifieddate', [
      'dealname',
      'amount',
      'dealstage',
      'pipeline',
      'closedate',
      'hubspot_owner_id',
      'createdate',
      'hs_lastmodifieddate',
    ]),
  ],
};
