import { FILTER_OPS, type ProviderDefinition, type ResourceDefinition, type WriteEndpoints } from '../provider-definition.js';

/** REST API version in every data path; bump it here when Salesforce retires it. */
const API_VERSION = 'v60.0';
const LOGIN = 'https://login.salesforce.com/services/oauth2';

/**
 * An sObject listed through a SOQL query. SystemModstamp (not LastModifiedDate) is the change marker because it
 * also moves on system changes such as roll-ups, and it is indexed.
 */
function sobject(key: string, name: string, sobjectName: string, fields: string[]): ResourceDefinition {
  const select = `SELECT ${['Id', ...fields, 'SystemModstamp'].join(', ')} FROM ${sobjectName}`;
  return {
    key,
    name,
    method: 'GET',
    listPath: `/services/data/${API_VERSION}/query`,
    defaultParams: { q: `${select} ORDER BY SystemModstamp ASC` },
    pagination: { style: 'next_url_body', nextUrlPath: '/nextRecordsUrl' },
    recordsPath: '/records',
    idPath: '/Id',
    updatedAtPath: '/SystemModstamp',
    incremental: {
      style: 'query_expression',
      param: 'q',
      expression: `${select} WHERE SystemModstamp >= {{since}} ORDER BY SystemModstamp ASC`,
      format: 'iso8601',
    },
    // SOQL selects any field and filters on any field with every operator (Id and SystemModstamp stay selected:
    // the engine reads them).
    selective: {
      fields: { style: 'soql_select', param: 'q', required: ['Id', 'SystemModstamp'] },
      knownFields: ['Id', ...fields, 'SystemModstamp'],
      filters: { style: 'soql_where', param: 'q', ops: [...FILTER_OPS] },
    },
  };
}

/**
 * sObject Rows (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_sobject_create.htm,
 * …/dome_update_fields.htm, …/dome_delete_record.htm): a create answers 201 `{ id, success, errors }`, an update 204
 * with no body (the writer reads the record back), a delete 204, and a record already deleted 404
 * `ENTITY_IS_DELETED`. No idempotency key: creates are not retried after a 5xx. Conflicts are found by re-reading
 * SystemModstamp.
 */
function sobjectWrites(sobjectName: string): WriteEndpoints {
  const one = `/services/data/${API_VERSION}/sobjects/${sobjectName}/{{id}}`;
  return {
    create: {
      method: 'POST',
      path: `/services/data/${API_VERSION}/sobjects/${sobjectName}`,
      encoding: 'json',
      recordPath: '',
      idPath: '/id',
      updatedAtPath: null,
    },
    update: { method: 'PATCH', path: one, encoding: 'json', recordPath: null },
    delete: { method: 'DELETE', path: one, encoding: 'none', recordPath: null, goneStatuses: [404] },
    read: { path: one, recordPath: '' },
  };
}

/**
 * Sandboxes connect through the override settings (`authorizationUrl` and `tokenUrl` on test.salesforce.com or
 * the org's My Domain). Data lives on the org's own instance, which the token response names in `instance_url`.
 */
export const definition: ProviderDefinition = {
  key: 'salesforce',
  name: 'Salesforce',
  category: 'crm',
  authType: 'oauth2',
  oauth: {
    authorizationUrl: `${LOGIN}/authorize`,
    tokenUrl: `${LOGIN}/token`,
    revocationUrl: `${LOGIN}/revoke`,
    defaultScopes: ['api', 'refresh_token'],
    scopeSeparator: ' ',
    pkce: true,
    tokenAuthMethod: 'client_secret_post',
  },
  connectionValues: [{ key: 'instanceUrl', source: 'token_response', path: '/instance_url', pattern: '^https://[A-Za-z0-9.-]+$' }],
  connector: 'rest',
  apiBaseUrl: '{{instanceUrl}}',
  settings: [],
  test: { method: 'GET', path: `/services/data/${API_VERSION}/` },
  resources: [
    {
      ...sobject('contacts', 'Contacts', 'Contact', [
        'FirstName',
        'LastName',
        'Email',
        'Phone',
        'Title',
        'AccountId',
        'OwnerId',
        'CreatedDate',
      ]),
      write: sobjectWrites('Contact'),
    },
    sobject('accounts', 'Accounts', 'Account', [
      'Name',
      'Type',
      'Industry',
      'Website',
      'Phone',
      'BillingCity',
      'BillingCountry',
      'OwnerId',
      'CreatedDate',
    ]),
    sobject('opportunities', 'Opportunities', 'Opportunity', [
      'Name',
      'StageName',
      'Amount',
      'CloseDate',
      'Probability',
      'IsClosed',
      'IsWon',
      'AccountId',
      'OwnerId',
      'CreatedDate',
    ]),
    sobject('leads', 'Leads', 'Lead', [
      'FirstName',
      'LastName',
      'Company',
      'Email',
      'Status',
      'LeadSource',
      'IsConverted',
      'OwnerId',
      'CreatedDate',
    ]),
  ],
};
