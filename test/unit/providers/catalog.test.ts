import t from 'tap';
import { Value } from '@sinclair/typebox/value';
import type { ValueError } from '@sinclair/typebox/errors';
import {
  MissingTemplateValueError,
  PROVIDERS,
  PROVIDER_KEYS,
  getProvider,
  renderExpression,
  renderTemplate,
  templatePlaceholders,
} from '../../../server/src/providers/catalog.js';
import { readJsonPointer, writeJsonPointer } from '../../../server/src/providers/json-pointer.js';
import {
  OVERRIDE_SETTINGS,
  ProviderDefinitionSchema,
  type ProviderDefinition,
  type ResourceDefinition,
} from '../../../server/src/providers/provider-definition.js';

const EXPECTED_KEYS = [
  'salesforce',
  'hubspot',
  'quickbooks',
  'stripe',
  'google_analytics',
  'zendesk',
  'jira',
  'mailchimp',
  'slack',
  'microsoft_teams',
  'shopify',
  'google_calendar',
  'google_drive',
  'google_meet',
  'outlook',
  'notion',
  'clickup',
  'linear',
  'todoist',
  'github',
  'dropbox',
  'fitbit',
  'apple_calendar',
  'fastmail',
  'custom',
];

/**
 * Union errors nest the reasons every branch failed. Only the closest branch (fewest errors: the one whose
 * discriminant matched) says what is actually wrong, so report that one.
 */
function describeErrors(errors: Iterable<ValueError>): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    if (error.errors.length === 0) {
      lines.push(`${error.path || '/'}: ${error.message}`);
      continue;
    }
    const branches = error.errors.map((branch) => describeErrors(branch));
    lines.push(...branches.reduce((closest, branch) => (branch.length < closest.length ? branch : closest)));
  }
  return lines;
}

interface TemplateUse {
  where: string;
  template: string;
  /** Values that may fill the template's placeholders. */
  declared: Set<string>;
}

/** Every URL or path template of a provider. */
function templatesOf(provider: ProviderDefinition): TemplateUse[] {
  const declared = new Set([
    ...provider.settings.map((setting) => setting.key),
    ...(provider.connectionValues ?? []).map((value) => value.key),
  ]);
  const providerTemplates: [string, string | undefined][] = [
    ['apiBaseUrl', provider.apiBaseUrl],
    ['test.path', provider.test.path],
    ...(provider.connectionValues ?? []).map((value): [string, string | undefined] => [
      `connectionValues.${value.key}.url`,
      value.source === 'discovery' ? value.url : undefined,
    ]),
  ];
  if (provider.authType === 'oauth2') {
    providerTemplates.push(
      ['oauth.authorizationUrl', provider.oauth.authorizationUrl],
      ['oauth.tokenUrl', provider.oauth.tokenUrl],
      ['oauth.revocationUrl', provider.oauth.revocationUrl],
    );
  }
  const uses = providerTemplates.map(([where, template]) => ({ where, template, declared }));
  for (const resource of provider.resources) {
    const resourceDeclared = new Set([...declared, ...Object.keys(resource.pathDefaults ?? {})]);
    for (const [where, template] of resourcePaths(resource)) {
      uses.push({ where: `${resource.key}.${where}`, template, declared: resourceDeclared });
    }
    // Write paths may also name the record's external id.
    const writeDeclared = new Set([...resourceDeclared, 'id']);
    for (const kind of ['create', 'update', 'delete', 'read'] as const) {
      const operation = resource.write?.[kind];
      if (operation) uses.push({ where: `${resource.key}.write.${kind}.path`, template: operation.path, declared: writeDeclared });
    }
  }
  return uses.filter((use): use is TemplateUse => use.template !== undefined);
}

function resourcePaths(resource: ResourceDefinition): [string, string | undefined][] {
  const { incremental } = resource;
  const paginations = [resource.pagination];
  if (incremental?.style === 'endpoint' && incremental.pagination) paginations.push(incremental.pagination);
  return [
    ['listPath', resource.listPath],
    ['incremental.path', incremental?.style === 'endpoint' || incremental?.style === 'sync_token' ? incremental.path : undefined],
    ...paginations.map((pagination): [string, string | undefined] => [
      'pagination.continuePath',
      pagination.style === 'cursor_body' ? pagination.continuePath : undefined,
    ]),
  ];
}

t.test('every definition matches ProviderDefinitionSchema', async (t) => {
  for (const provider of PROVIDERS) {
    const valid = Value.Check(ProviderDefinitionSchema, provider);
    const diagnostics = valid ? {} : { errors: describeErrors(Value.Errors(ProviderDefinitionSchema, provider)) };
    t.ok(valid, `${provider.key} is a valid definition`, diagnostics);
  }
});

t.test('the catalog holds exactly the providers users named, once each, ordered by name', async (t) => {
  t.same([...PROVIDER_KEYS].sort(), [...EXPECTED_KEYS].sort());
  t.equal(new Set(PROVIDER_KEYS).size, PROVIDER_KEYS.length, 'keys are unique');
  const names = PROVIDERS.map((provider) => provider.name);
  t.same(
    names,
    [...names].sort((a, b) => a.localeCompare(b, 'en')),
  );
  for (const key of EXPECTED_KEYS) t.equal(getProvider(key)?.key, key);
  t.equal(getProvider('myspace'), undefined);
  t.equal(getProvider('__proto__'), undefined);
});

t.test('definitions cannot be changed at run time', async (t) => {
  const stripe = getProvider('stripe')!;
  t.throws(() => {
    (stripe.resources[0] as { listPath: string }).listPath = '/v1/evil';
  }, TypeError);
});

t.test('auth types follow the design', async (t) => {
  t.equal(getProvider('stripe')?.authType, 'api_key');
  t.equal(getProvider('apple_calendar')?.authType, 'basic');
  t.equal(getProvider('fastmail')?.authType, 'basic');
  t.equal(getProvider('apple_calendar')?.connector, 'caldav');
  t.equal(getProvider('fastmail')?.connector, 'caldav');
  for (const provider of PROVIDERS) {
    if (['stripe', 'apple_calendar', 'fastmail'].includes(provider.key)) continue;
    t.equal(provider.authType, 'oauth2', `${provider.key} uses OAuth 2`);
  }
});

t.test('oauth2 providers have https authorization and token URLs, or templates', async (t) => {
  const httpsOrTemplate = /^(https:\/\/[^/\s]+|\{\{[a-z][A-Za-z0-9]*\}\})/;
  for (const provider of PROVIDERS) {
    if (provider.authType !== 'oauth2') continue;
    t.match(provider.oauth.authorizationUrl, httpsOrTemplate, `${provider.key} authorization URL`);
    t.match(provider.oauth.tokenUrl, httpsOrTemplate, `${provider.key} token URL`);
  }
  const custom = getProvider('custom')!;
  t.equal(custom.authType === 'oauth2' && custom.oauth.authorizationUrl, '{{authorizationUrl}}');
});

t.test('each provider has resources with unique keys', async (t) => {
  for (const provider of PROVIDERS) {
    const keys = provider.resources.map((resource) => resource.key);
    t.ok(keys.length >= 1, `${provider.key} has a resource`);
    t.equal(new Set(keys).size, keys.length, `${provider.key} resource keys are unique`);
  }
  const expectedResources: Record<string, string[]> = {
    hubspot: ['contacts', 'companies', 'deals'],
    salesforce: ['contacts', 'accounts', 'opportunities'],
    stripe: ['customers', 'charges', 'invoices'],
    github: ['issues', 'pull_requests', 'repos'],
    jira: ['issues'],
    google_calendar: ['events'],
    apple_calendar: ['events'],
    fastmail: ['events'],
  };
  for (const [key, expected] of Object.entries(expectedResources)) {
    const keys = getProvider(key)!.resources.map((resource) => resource.key);
    for (const resource of expected) t.ok(keys.includes(resource), `${key}.${resource} exists`);
  }
});

t.test('every placeholder is declared by a setting, a connection value or a resource default', async (t) => {
  for (const provider of PROVIDERS) {
    for (const { where, template, declared } of templatesOf(provider)) {
      for (const name of templatePlaceholders(template)) {
        t.ok(declared.has(name), `${provider.key} ${where}: {{${name}}} is declared`);
      }
    }
  }
});

t.test('a placeholder that opens a template is inserted verbatim, so its value must be pattern-checked', async (t) => {
  for (const provider of PROVIDERS) {
    const patterns = new Map<string, string | undefined>([
      ...provider.settings.map((setting) => [setting.key, setting.pattern] as const),
      ...(provider.connectionValues ?? []).map((value) => [value.key, value.pattern] as const),
    ]);
    for (const { where, template } of templatesOf(provider)) {
      const leading = /^\{\{([a-zA-Z0-9]+)\}\}/.exec(template)?.[1];
      if (leading) t.ok(patterns.get(leading), `${provider.key} ${where}: {{${leading}}} has a pattern`);
    }
  }
});

t.test('settings are coherent: valid patterns that accept their examples and defaults', async (t) => {
  for (const provider of PROVIDERS) {
    const keys = provider.settings.map((setting) => setting.key);
    t.equal(new Set(keys).size, keys.length, `${provider.key} setting keys are unique`);
    for (const setting of provider.settings) {
      const label = `${provider.key}.${setting.key}`;
      t.notOk(setting.required && setting.default !== undefined, `${label} is not both required and defaulted`);
      if ((OVERRIDE_SETTINGS as readonly string[]).includes(setting.key)) {
        t.ok(provider.key === 'custom', `${label} overrides are implicit except where a URL is nothing but the setting`);
      }
      if (!setting.pattern) continue;
      t.match(setting.pattern, /^\^.*\$$/, `${label} pattern is anchored`);
      const pattern = new RegExp(setting.pattern);
      if (setting.example !== undefined) t.match(setting.example, pattern, `${label} example matches its pattern`);
      if (setting.default !== undefined) t.match(setting.default, pattern, `${label} default matches its pattern`);
    }
    for (const value of provider.connectionValues ?? []) {
      if (value.pattern) t.doesNotThrow(() => new RegExp(value.pattern!), `${provider.key}.${value.key} pattern compiles`);
    }
  }
  const zendesk = getProvider('zendesk')!.settings.find((setting) => setting.key === 'subdomain')!;
  t.equal(zendesk.required, true);
  t.notMatch('evil.com/', new RegExp(zendesk.pattern!), 'a subdomain cannot smuggle in another host');
  t.equal(getProvider('apple_calendar')!.settings[0].default, 'https://caldav.icloud.com/');
  t.equal(getProvider('fastmail')!.settings[0].default, 'https://caldav.fastmail.com/dav/calendars/');
  const customSettings = getProvider('custom')!.settings;
  for (const key of ['authorizationUrl', 'tokenUrl', 'apiBaseUrl']) {
    t.equal(customSettings.find((setting) => setting.key === key)?.required, true, `custom requires ${key}`);
  }
});

t.test('page sizes and pagination are usable', async (t) => {
  for (const provider of PROVIDERS) {
    for (const resource of provider.resources) {
      const label = `${provider.key}.${resource.key}`;
      if (resource.pageSize) {
        t.ok(resource.pageSize.default <= resource.pageSize.max, `${label} default page size within max`);
      }
      if (resource.pagination.style === 'query_offset') {
        const query = Object.values(resource.defaultParams ?? {}).join(' ');
        t.match(query, /\{\{offset\}\}.*\{\{limit\}\}/, `${label} query carries the page window`);
        t.ok(resource.pageSize, `${label} has a page size for {{limit}}`);
      }
      if (resource.incremental?.style === 'query_expression') {
        t.match(resource.incremental.expression, /\{\{since\}\}/, `${label} incremental expression uses {{since}}`);
      }
      if (resource.incremental?.style === 'stop_at_older') {
        t.not(resource.updatedAtPath, null, `${label} can compare update times`);
      }
    }
  }
});

t.test('renderTemplate', async (t) => {
  t.equal(renderTemplate('https://{{subdomain}}.zendesk.com/api/v2', { subdomain: 'acme' }), 'https://acme.zendesk.com/api/v2');
  t.equal(
    renderTemplate('/calendars/{{calendarId}}/events', { calendarId: 'team@group.calendar.google.com' }),
    '/calendars/team%40group.calendar.google.com/events',
    'values are URL-component-encoded',
  );
  t.equal(
    renderTemplate('/repos/{{owner}}/x', { owner: '../a b?c#d' }),
    '/repos/..%2Fa%20b%3Fc%23d/x',
    'a value cannot add segments, a query or a fragment',
  );
  t.equal(
    renderTemplate('{{calendarUrl}}', { calendarUrl: 'https://caldav.icloud.com/' }),
    'https://caldav.icloud.com/',
    'a leading placeholder is a whole URL',
  );
  t.equal(renderTemplate('/plain/path', {}), '/plain/path');

  const shopUrl = 'https://{{shop}}.myshopify.com';
  t.throws(() => renderTemplate(shopUrl, {}), { name: 'MissingTemplateValueError', setting: 'shop', message: /"shop"/ });
  t.throws(() => renderTemplate(shopUrl, { shop: '' }), MissingTemplateValueError, 'empty counts as missing');
  t.throws(() => renderTemplate('/{{constructor}}', {}), MissingTemplateValueError, 'inherited properties are not values');
});

t.test('renderExpression inserts values verbatim for the HTTP client to encode', async (t) => {
  t.equal(renderExpression("modifiedTime >= '{{since}}'", { since: '2024-05-01T12:00:00Z' }), "modifiedTime >= '2024-05-01T12:00:00Z'");
  t.throws(() => renderExpression('updated >= {{since}}', {}), MissingTemplateValueError);
});

t.test('JSON Pointers read responses and write request bodies', async (t) => {
  const response = { '@odata.nextLink': 'https://next', paging: { next: { after: '42' } }, items: [{ id: 'a' }] };
  t.equal(readJsonPointer(response, '/@odata.nextLink'), 'https://next');
  t.equal(readJsonPointer(response, '/paging/next/after'), '42');
  t.equal(readJsonPointer(response, '/items/0/id'), 'a');
  t.equal(readJsonPointer(response, ''), response);
  t.equal(readJsonPointer(response, '/paging/missing/after'), undefined);
  t.equal(readJsonPointer(response, '/__proto__'), undefined);
  t.equal(readJsonPointer({ 'a/b': 1, 'c~d': 2 }, '/a~1b'), 1);
  t.equal(readJsonPointer({ 'a/b': 1, 'c~d': 2 }, '/c~0d'), 2);

  const body: Record<string, unknown> = { filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate' }] }] };
  writeJsonPointer(body, '/filterGroups/0/filters/0/value', '1714564800000');
  writeJsonPointer(body, '/variables/filter/updatedAt/gt', '2024-05-01T12:00:00Z');
  t.same(body, {
    filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', value: '1714564800000' }] }],
    variables: { filter: { updatedAt: { gt: '2024-05-01T12:00:00Z' } } },
  });
  t.throws(() => writeJsonPointer({}, '/__proto__/polluted', true));
  t.equal(({} as Record<string, unknown>).polluted, undefined);
});

t.test('every provider API.md lists under Webhooks in declares how its webhooks are verified, with the source', async (t) => {
  const named = ['stripe', 'github', 'slack', 'shopify', 'hubspot', 'linear', 'zendesk', 'jira', 'notion', 'todoist', 'clickup'];
  named.push('dropbox', 'quickbooks', 'fitbit', 'google_calendar', 'microsoft_teams', 'outlook', 'custom');
  for (const key of named) {
    const webhooks = getProvider(key)?.webhooks;
    t.ok(webhooks, `${key} declares webhooks`);
    t.match(webhooks?.docs, /^https:\/\/[^/\s]+\//, `${key} names the documentation it follows`);
  }
  const stripe = getProvider('stripe')?.webhooks?.verification;
  t.equal(stripe?.scheme === 'hmac' ? stripe.timestamp?.toleranceSeconds : undefined, 300, 'Stripe: five-minute tolerance');
});

t.test('webhook declarations are coherent with their provider definitions', async (t) => {
  for (const provider of PROVIDERS) {
    const webhooks = provider.webhooks;
    if (!webhooks) continue;
    const label = provider.key;
    const resourceKeys = new Set(provider.resources.map((resource) => resource.key));
    for (const [type, resources] of Object.entries(webhooks.resourcesByEventType ?? {})) {
      for (const resource of resources) t.ok(resourceKeys.has(resource), `${label}: event ${type} maps to its resource ${resource}`);
      t.ok(!type.slice(0, -1).includes('*'), `${label}: ${type} has * only at its end`);
    }
    for (const { pattern } of webhooks.eventType ?? []) {
      if (pattern === undefined) continue;
      // An alternation with the empty pattern always matches, and its match has one slot per capture group.
      const groups = new RegExp(`${pattern}|`).exec('')!.length - 1;
      t.ok(groups >= 1, `${label}: event type pattern ${pattern} has a capture group`);
    }
    const verification = webhooks.verification;
    if (verification.scheme === 'hmac') {
      const signsTimestamp = verification.signedContent.some((part) => part.part === 'timestamp');
      t.equal(
        Boolean(verification.timestamp),
        signsTimestamp || verification.timestamp?.source.from === 'body',
        `${label}: a checked timestamp is signed`,
      );
      if (verification.timestamp?.source.from === 'signature_header') {
        t.equal(
          verification.signature.format.style,
          'key_value_pairs',
          `${label}: a timestamp in the signature header needs key=value pairs`,
        );
      }
      t.ok(
        verification.signedContent.some((part) => part.part === 'body'),
        `${label}: the raw body is signed`,
      );
    }
    for (const handshake of webhooks.handshakes ?? []) {
      if (handshake.kind === 'verify_query') {
        t.ok(
          provider.settings.some((setting) => setting.key === handshake.setting),
          `${label}: handshake setting ${handshake.setting} exists`,
        );
      }
      if (handshake.kind === 'capture_body')
        t.equal(verification.scheme, 'hmac', `${label}: a captured token can only sign later deliveries`);
    }
  }
});

/** Where API.md's two-way sync is declared so far; the remaining providers of issue 14 are added to this list. */
const WRITABLE: Record<string, string[]> = {
  stripe: ['customers'],
  hubspot: ['contacts'],
  salesforce: ['contacts'],
  google_calendar: ['events'],
  jira: ['issues'],
  linear: ['issues'],
  todoist: ['tasks'],
  notion: ['pages'],
  apple_calendar: ['events'],
  fastmail: ['events'],
};

t.test('write endpoints are declared where two-way sync needs them, and are coherent', async (t) => {
  for (const [provider, resources] of Object.entries(WRITABLE)) {
    for (const key of resources) {
      const write = getProvider(provider)?.resources.find((r) => r.key === key)?.write;
      t.ok(write?.create && write.update && write.delete, `${provider}.${key} declares create, update and delete`);
    }
  }
  // GitHub has no way to delete an issue through its REST API: a push's delete is refused with this sentence.
  const github = getProvider('github')!.resources.find((r) => r.key === 'repo_issues')!.write!;
  t.ok(github.create && github.update && !github.delete && github.deleteRefusal, 'github.repo_issues: create and update, delete refused');
  for (const provider of PROVIDERS) {
    for (const resource of provider.resources) {
      const write = resource.write;
      if (!write) continue;
      const where = `${provider.key}.${resource.key}.write`;
      t.ok(write.create || write.update || write.delete, `${where} declares at least one operation`);
      for (const kind of ['update', 'delete'] as const) {
        const path = write[kind]?.path;
        const graphql = write[kind]?.encoding === 'graphql';
        if (path !== undefined && !graphql) t.ok(templatePlaceholders(path).includes('id'), `${where}.${kind} names the record ({{id}})`);
        if (write[kind]?.encoding === 'graphql') t.ok(write[kind]?.idParam, `${where}.${kind} says where the id goes`);
      }
      if (write.read?.encoding === 'graphql') {
        t.ok(write.read.query && write.read.idParam, `${where}.read: a GraphQL document and where the id goes`);
      } else if (write.read) t.ok(templatePlaceholders(write.read.path).includes('id'), `${where}.read names the record`);
      if (write.create?.idempotencyField) {
        t.ok(write.read, `${where}.create: a create named by its own id is read back by it when refused`);
        t.not(write.create.encoding, 'form', `${where}.create: the id field goes into a JSON or GraphQL body`);
      }
      if (write.create) t.notOk(templatePlaceholders(write.create.path).includes('id'), `${where}.create has no id yet`);
      for (const kind of ['create', 'update', 'delete'] as const) {
        const op = write[kind];
        if (!op) continue;
        const label = `${where}.${kind}`;
        t.equal(op.encoding === 'graphql', op.query !== undefined, `${label}: a GraphQL document exactly for graphql`);
        if (op.encoding === 'none') t.equal(op.fieldsPath, undefined, `${label}: no body, no fieldsPath`);
        if (op.encoding === 'form') t.equal(op.fieldsPath, undefined, `${label}: form fields are the body`);
        if (op.method === 'DELETE') t.equal(op.encoding, 'none', `${label}: DELETE has no body`);
        else t.not(op.encoding, 'none', `${label}: ${op.method} carries the record`);
        // Only the caldav connector's writer builds iCalendar; the REST writer refuses it.
        if (op.encoding === 'icalendar') t.equal(provider.connector, 'caldav', `${label}: iCalendar only for CalDAV`);
        if (provider.connector === 'caldav' && op.method !== 'DELETE')
          t.equal(op.encoding, 'icalendar', `${label}: CalDAV writes iCalendar`);
        if (op.precondition?.value === 'etag') {
          t.ok(op.version ?? write.read?.version, `${label}: an ETag precondition needs a place to read the version from`);
        }
        if (kind === 'create') t.equal(op.goneStatuses, undefined, `${label}: only deletes treat "gone" as done`);
        if (kind !== 'delete' && op.recordPath === null) t.ok(write.read, `${label}: without a record in the answer, it is re-read`);
      }
    }
  }
});

t.test('Stripe customers are written form-encoded with an idempotency key; HubSpot contacts as JSON properties', async (t) => {
  const stripe = getProvider('stripe')!.resources.find((r) => r.key === 'customers')!.write!;
  t.match(stripe.create, { method: 'POST', path: '/v1/customers', encoding: 'form', idempotencyHeader: 'Idempotency-Key' });
  t.match(stripe.update, { method: 'POST', path: '/v1/customers/{{id}}', encoding: 'form', idempotencyHeader: 'Idempotency-Key' });
  t.match(stripe.delete, { method: 'DELETE', encoding: 'none' });
  t.equal(stripe.delete?.idempotencyHeader, undefined, 'Stripe takes no idempotency key on DELETE');
  const hubspot = getProvider('hubspot')!.resources.find((r) => r.key === 'contacts')!.write!;
  t.match(hubspot.update, { method: 'PATCH', path: '/crm/v3/objects/contacts/{{id}}', encoding: 'json', fieldsPath: '/properties' });
  t.equal(hubspot.create?.idempotencyHeader, undefined, 'HubSpot takes no idempotency key');
});

t.test('selective sync declarations fit the resources they belong to', async (t) => {
  const declaring = new Set<string>();
  for (const provider of PROVIDERS) {
    for (const resource of provider.resources) {
      const selective = resource.selective;
      if (!selective) continue;
      const where = `${provider.key}.${resource.key}`;
      declaring.add(where);
      const topKey = (pointer: string | null) => (pointer ?? '').split('/')[1];
      const fields = selective.fields;
      if (fields?.style === 'soql_select') {
        const query = resource.defaultParams?.[fields.param];
        t.match(query, /^SELECT .+ FROM \w+/, `${where}: the SOQL select list is in defaultParams.${fields.param}`);
        t.ok(
          resource.incremental?.style === 'query_expression' && resource.incremental.param === fields.param,
          `${where}: the incremental expression is the same SOQL parameter`,
        );
      }
      if (fields) {
        t.ok(fields.required.includes(topKey(resource.idPath)) || selective.recordPrefix !== undefined, `${where}: the id stays selected`);
        // Outside the prefix (HubSpot's top-level updatedAt) a record always carries it.
        const prefix = selective.recordPrefix ? `/${selective.recordPrefix.slice(0, -1)}/` : '/';
        const updated = resource.updatedAtPath?.startsWith(prefix) ? resource.updatedAtPath.split('/').at(-1) : undefined;
        if (updated) t.ok(fields.required.includes(updated), `${where}: the modification time stays selected (${updated})`);
      }
      if (fields?.style === 'param' && fields.template && resource.pagination.style === 'page_token') {
        t.ok(fields.template.includes(topKey(resource.pagination.tokenPath)), `${where}: the field mask keeps the page token`);
        if (resource.incremental?.style === 'sync_token') {
          t.ok(fields.template.includes(topKey(resource.incremental.tokenPath)), `${where}: the field mask keeps the sync token`);
        }
      }
      for (const known of selective.knownFields ?? []) t.match(known, /^[A-Za-z_][A-Za-z0-9_.]*$/, `${where}: known field ${known}`);
      const filters = selective.filters;
      if (filters?.style === 'soql_where' || filters?.style === 'jql') {
        t.type(resource.defaultParams?.[filters.param], 'string', `${where}: the ${filters.style} query is defaultParams.${filters.param}`);
        t.ok(
          resource.incremental?.style === 'query_expression' && resource.incremental.param === filters.param,
          `${where}: incremental listings use the same query parameter`,
        );
      }
      if (filters?.style === 'search_body') {
        const incremental = resource.incremental;
        t.equal(incremental?.style, 'endpoint', `${where}: search filters go with an endpoint listing`);
        if (incremental?.style === 'endpoint') {
          t.equal(incremental.method, 'POST', `${where}: search bodies are POSTed`);
          t.ok(Array.isArray(readJsonPointer(incremental.defaultParams ?? {}, filters.path)), `${where}: ${filters.path} is a filter list`);
        }
      }
      if (filters?.style === 'params') {
        const keys = filters.params.map((p) => `${p.field} ${p.op}`);
        t.equal(new Set(keys).size, keys.length, `${where}: one parameter per field and operator`);
      }
    }
  }
  for (const expected of [
    'salesforce.contacts',
    'hubspot.contacts',
    'jira.issues',
    'google_calendar.events',
    'github.issues',
    'stripe.customers',
  ]) {
    t.ok(declaring.has(expected), `${expected} declares selective sync`);
  }
  t.notOk(
    getProvider('stripe')!.resources.some((r) => r.selective?.fields),
    'Stripe cannot select fields',
  );
  t.notOk(
    getProvider('github')!.resources.some((r) => r.selective?.fields),
    'GitHub cannot select fields',
  );
});
