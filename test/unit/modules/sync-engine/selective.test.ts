import t from 'tap';
import { keepMask, matchesFilters, valuesAt } from '../../../../server/src/modules/sync-engine/record-filter.js';
import {
  jqlClause,
  planSelection,
  soqlClause,
  withJql,
  withSoqlWhere,
} from '../../../../server/src/modules/sync-engine/selective-request.js';
import { validateFilters, type SyncFilter } from '../../../../server/src/modules/syncs/selective.js';
import { getProvider } from '../../../../server/src/providers/catalog.js';
import { BadRequest } from '../../../../server/src/lib/errors.js';

const resourceOf = (provider: string, key: string) => getProvider(provider)!.resources.find((r) => r.key === key)!;

t.test('local filters: operators, coercions, dotted paths through lists, in and exists', async (t) => {
  const record = {
    id: 7,
    amount: '12.50',
    count: 3,
    active: 'true',
    name: 'Ada Lovelace',
    closedAt: '2024-05-01T12:00:00.000+0000',
    owner: { email: 'ada@example.com', team: null },
    labels: [{ name: 'bug' }, { name: 'ui' }],
    tags: ['vip', 'beta'],
  };
  const m = (f: SyncFilter) => matchesFilters(record, [f]);
  t.ok(m({ field: 'id', op: 'eq', value: '7' }), 'a numeric string equals the number');
  t.ok(m({ field: 'amount', op: 'gt', value: 12 }), 'numeric strings compare as numbers');
  t.notOk(m({ field: 'amount', op: 'gt', value: 100 }));
  t.ok(m({ field: 'count', op: 'lte', value: 3 }));
  t.notOk(m({ field: 'count', op: 'lt', value: 3 }));
  t.ok(m({ field: 'active', op: 'eq', value: true }), '"true" equals true');
  t.ok(m({ field: 'closedAt', op: 'gte', value: '2024-05-01T12:00:00Z' }), 'dates compare as instants across offsets');
  t.ok(m({ field: 'closedAt', op: 'lt', value: '2024-05-02' }));
  t.notOk(m({ field: 'closedAt', op: 'gt', value: '2024-05-02' }));
  t.ok(m({ field: 'name', op: 'contains', value: 'LOVE' }), 'contains is case-insensitive');
  t.notOk(m({ field: 'name', op: 'contains', value: 'babbage' }));
  t.ok(m({ field: 'owner.email', op: 'eq', value: 'ada@example.com' }), 'dotted paths');
  t.ok(m({ field: 'labels.name', op: 'eq', value: 'ui' }), 'a path through a list reads every element');
  t.ok(m({ field: 'labels.name', op: 'neq', value: 'wontfix' }));
  t.notOk(m({ field: 'labels.name', op: 'neq', value: 'bug' }), 'neq fails when any value equals');
  t.ok(m({ field: 'tags', op: 'contains', value: 'vi' }), 'contains on a list looks into its elements');
  t.ok(m({ field: 'tags', op: 'in', value: ['gold', 'beta'] }));
  t.notOk(m({ field: 'tags', op: 'in', value: ['gold'] }));
  t.ok(m({ field: 'count', op: 'in', value: ['3', 4] }), 'in coerces like eq');
  t.ok(m({ field: 'owner.email', op: 'exists' }), 'exists defaults to true');
  t.notOk(m({ field: 'owner.team', op: 'exists', value: true }), 'null is not a value');
  t.ok(m({ field: 'owner.team', op: 'exists', value: false }));
  t.ok(m({ field: 'missing.deep', op: 'exists', value: false }));
  t.ok(m({ field: 'owner.team', op: 'eq', value: null }), 'eq null: absent or null');
  t.notOk(m({ field: 'name', op: 'eq', value: null }));
  t.notOk(m({ field: 'name', op: 'gt', value: 5 }), 'text and numbers do not order');
  t.ok(m({ field: 'name', op: 'gt', value: 'Ada' }), 'text orders as text');
  t.notOk(m({ field: 'owner', op: 'eq', value: 'x' }), 'objects equal no scalar');
  t.notOk(m({ field: '__proto__.polluted', op: 'exists' }), 'prototype keys are not read');
  t.same(valuesAt(record, 'labels.name'), ['bug', 'ui']);
  t.same(keepMask([{ a: 1 }, { a: 2 }, {}], [{ field: 'a', op: 'gte', value: 2 }]), [false, true, false]);
  t.same(keepMask([{ properties: { email: 'x@y' } }], [{ field: 'email', op: 'exists' }], 'properties.'), [true], 'prefix');
  t.ok(matchesFilters(record, []), 'no filters keep everything');
  t.notOk(
    matchesFilters(record, [
      { field: 'count', op: 'eq', value: 3 },
      { field: 'name', op: 'eq', value: 'x' },
    ]),
    'all filters must match',
  );
});

t.test('SOQL: literals are escaped, injection attempts stay inside the string', async (t) => {
  t.equal(soqlClause({ field: 'Name', op: 'eq', value: "' OR Name != '" }), "Name = '\\' OR Name != \\''");
  t.equal(soqlClause({ field: 'Name', op: 'eq', value: 'a\\b\n' }), "Name = 'a\\\\b\\n'");
  t.equal(soqlClause({ field: 'Name', op: 'contains', value: "50%_off'" }), "Name LIKE '%50\\%\\_off\\'%'");
  t.equal(soqlClause({ field: 'Amount', op: 'gte', value: 1000 }), 'Amount >= 1000');
  t.equal(soqlClause({ field: 'Amount', op: 'lt', value: 1e21 }), 'Amount < 1000000000000000000000', 'no exponent');
  t.equal(soqlClause({ field: 'IsWon', op: 'eq', value: true }), 'IsWon = TRUE');
  t.equal(soqlClause({ field: 'CloseDate', op: 'gt', value: '2024-05-01' }), 'CloseDate > 2024-05-01', 'dates are unquoted');
  t.equal(soqlClause({ field: 'CreatedDate', op: 'lt', value: '2024-05-01T00:00:00Z' }), 'CreatedDate < 2024-05-01T00:00:00Z');
  t.equal(
    soqlClause({ field: 'Name', op: 'eq', value: "2024-05-01' OR Id != '" }),
    "Name = '2024-05-01\\' OR Id != \\''",
    'only a whole date is unquoted',
  );
  t.equal(soqlClause({ field: 'Stage', op: 'in', value: ['A', "B'"] }), "Stage IN ('A', 'B\\'')");
  t.equal(soqlClause({ field: 'Email', op: 'exists' }), 'Email != null');
  t.equal(soqlClause({ field: 'Email', op: 'exists', value: false }), 'Email = null');
  t.equal(soqlClause({ field: 'Email', op: 'neq', value: null }), 'Email != null');
  t.equal(
    withSoqlWhere('SELECT Id FROM Contact ORDER BY SystemModstamp ASC', ["Name = 'x'", 'Amount > 1']),
    "SELECT Id FROM Contact WHERE Name = 'x' AND Amount > 1 ORDER BY SystemModstamp ASC",
  );
  t.equal(
    withSoqlWhere('SELECT Id FROM Contact WHERE SystemModstamp >= 2024-01-01T00:00:00Z ORDER BY SystemModstamp ASC', ["Name = 'x'"]),
    "SELECT Id FROM Contact WHERE SystemModstamp >= 2024-01-01T00:00:00Z AND Name = 'x' ORDER BY SystemModstamp ASC",
  );
});

t.test('JQL: strings quoted and escaped, fields quoted, clauses ANDed in front', async (t) => {
  t.equal(jqlClause({ field: 'status', op: 'eq', value: 'Done" OR project = "X' }), '"status" = "Done\\" OR project = \\"X"');
  t.equal(jqlClause({ field: 'summary', op: 'contains', value: 'a\\b' }), '"summary" ~ "a\\\\b"');
  t.equal(jqlClause({ field: 'priority', op: 'in', value: ['High', 3] }), '"priority" in ("High", 3)');
  t.equal(jqlClause({ field: 'assignee', op: 'exists', value: false }), '"assignee" is EMPTY');
  t.equal(jqlClause({ field: 'assignee', op: 'eq', value: null }), '"assignee" is EMPTY');
  t.equal(withJql('updated >= -5m ORDER BY updated ASC', ['"a" = 1']), '"a" = 1 AND updated >= -5m ORDER BY updated ASC');
  t.equal(withJql('ORDER BY updated ASC', ['"a" = 1']), '"a" = 1 ORDER BY updated ASC');
});

t.test('plans: fields and pushed filters per definition, the rest local', async (t) => {
  const hubspot = resourceOf('hubspot', 'contacts');
  const plan = planSelection(hubspot, {
    fields: ['email'],
    filters: [
      { field: 'lifecyclestage', op: 'eq', value: 'customer' },
      { field: 'email', op: 'contains', value: '@acme' },
      { field: 'phone', op: 'exists', value: false },
    ],
  });
  t.same(
    plan.local.map((f) => f.op),
    ['contains', 'exists'],
    'HubSpot applies eq; contains and exists:false stay local',
  );
  const body: Record<string, unknown> = {
    filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' }] }],
  };
  plan.apply('POST', body);
  t.same(body, {
    filterGroups: [
      {
        filters: [
          { propertyName: 'lastmodifieddate', operator: 'GTE', value: '0' },
          { propertyName: 'lifecyclestage', operator: 'EQ', value: 'customer' },
        ],
      },
    ],
    properties: ['lastmodifieddate', 'email'],
  });
  const get: Record<string, unknown> = {};
  plan.apply('GET', get);
  t.same(get, { properties: 'lastmodifieddate,email' }, 'GET listings take the comma-separated list');

  const stripe = resourceOf('stripe', 'customers');
  const full = planSelection(stripe, { fields: [], filters: [{ field: 'created', op: 'gte', value: 1700000000 }] });
  t.same(full.local, []);
  const params: Record<string, unknown> = {};
  full.apply('GET', params);
  t.same(params, { 'created[gte]': '1700000000' });
  const incremental = planSelection(stripe, { fields: [], filters: [{ field: 'created', op: 'gte', value: 1700000000 }] }, 'created[gte]');
  t.equal(incremental.local.length, 1, 'a filter never takes the parameter carrying the incremental bound');

  const github = resourceOf('github', 'issues');
  const labels = planSelection(github, {
    fields: [],
    filters: [
      { field: 'labels', op: 'contains', value: 'bug' },
      { field: 'labels', op: 'contains', value: 'ui' },
      { field: 'state', op: 'eq', value: 'open' },
      { field: 'state', op: 'eq', value: 'closed' },
    ],
  });
  const q: Record<string, unknown> = { state: 'all' };
  labels.apply('GET', q);
  t.same(q, { state: 'open', labels: 'bug,ui' }, 'labels join; a second state cannot');
  t.same(labels.local, [{ field: 'state', op: 'eq', value: 'closed' }]);

  const calendar = resourceOf('google_calendar', 'events');
  const mask: Record<string, unknown> = {};
  planSelection(calendar, { fields: ['summary', 'id'], filters: [] }).apply('GET', mask);
  t.same(mask, { fields: 'nextPageToken,nextSyncToken,items(id,updated,summary)' });

  const salesforce = resourceOf('salesforce', 'contacts');
  const soql: Record<string, unknown> = { q: 'SELECT Id, FirstName, SystemModstamp FROM Contact ORDER BY SystemModstamp ASC' };
  planSelection(salesforce, { fields: ['Email', 'Account.Name'], filters: [{ field: 'Email', op: 'exists' }] }).apply('GET', soql);
  t.equal(soql.q, 'SELECT Id, SystemModstamp, Email, Account.Name FROM Contact WHERE Email != null ORDER BY SystemModstamp ASC');
});

t.test('filter validation: operators, value types, field paths', async (t) => {
  const refused = (input: { field: string; op: string; value?: unknown }[]) => {
    try {
      validateFilters(input);
      return null;
    } catch (err) {
      if (!(err instanceof BadRequest)) throw err;
      return { field: err.field, message: err.message };
    }
  };
  t.same(refused([{ field: 'a', op: 'eq', value: 1 }]), null);
  t.match(
    refused([
      { field: 'a', op: 'eq', value: 1 },
      { field: 'b', op: 'like', value: 'x' },
    ]),
    {
      field: '/filters/1/op',
      message: /"like" is not a filter operator; use one of eq, neq/,
    },
  );
  t.match(refused([{ field: 'a', op: 'in', value: 'x' }]), { field: '/filters/0/value', message: /non-empty list/ });
  t.match(refused([{ field: 'a', op: 'in', value: [{}] }]), { field: '/filters/0/value' });
  t.match(refused([{ field: 'a', op: 'gt', value: true }]), { field: '/filters/0/value', message: /number or a string/ });
  t.match(refused([{ field: 'a', op: 'eq', value: { $ne: 1 } }]), { field: '/filters/0/value', message: /not an object/ });
  t.match(refused([{ field: 'a', op: 'exists', value: 'yes' }]), { field: '/filters/0/value' });
  t.match(refused([{ field: 'a', op: 'contains', value: '' }]), { field: '/filters/0/value' });
  t.match(refused([{ field: "Name' OR", op: 'eq', value: 1 }]), { field: '/filters/0/field', message: /not a field path/ });
  t.match(refused([{ field: 'a.__proto__', op: 'eq', value: 1 }]), { field: '/filters/0/field' });
  t.match(refused([{ field: 'a', op: 'eq', value: 'x'.repeat(1001) }]), { field: '/filters/0/value', message: /longer than/ });
});
