import { Form, Link, useSearchParams, useSubmit } from 'react-router';
import type { Route } from './+types/conflicts';
import { api, loaded } from '~/lib/api.server';
import { fieldChange } from '~/lib/conflicts';
import { UUID } from '~/components/log-filters';
import { EmptyState, LinkButton, PageHeader, Pager, Select, StatusBadge, Table, Td } from '~/components/ui';
import { RouteError } from '~/components/route-error';
import { Time } from '~/components/time';

const PAGE_SIZE = 25;
const STATUSES = ['open', 'resolved'] as const;

/** The list's filters from the address; an id that is not one is no filter (the API would refuse it). */
function filtersOf(url: URL) {
  const id = (name: string) => {
    const value = url.searchParams.get(name) ?? '';
    return UUID.test(value) ? value : '';
  };
  const status = url.searchParams.get('status');
  return {
    integrationId: id('integrationId'),
    syncId: id('syncId'),
    // Open conflicts are what needs a person; `all` lists both.
    status: status === 'all' ? ('all' as const) : (STATUSES.find((s) => s === status) ?? ('open' as const)),
  };
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const filters = filtersOf(url);
  const path = { orgId: params.orgId };
  const [page, integrations, syncs] = await Promise.all([
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/conflicts', {
        params: {
          path,
          query: {
            integrationId: filters.integrationId || undefined,
            syncId: filters.syncId || undefined,
            status: filters.status === 'all' ? undefined : filters.status,
            limit: PAGE_SIZE,
            cursor: url.searchParams.get('cursor') ?? undefined,
          },
        },
      }),
    ),
    loaded(request, api(context).GET('/api/orgs/{orgId}/integrations', { params: { path, query: { limit: 200 } } })),
    // The sync filter lists the syncs of the chosen integration.
    filters.integrationId
      ? loaded(
          request,
          api(context).GET('/api/orgs/{orgId}/integrations/{id}/syncs', {
            params: { path: { ...path, id: filters.integrationId }, query: { limit: 200 } },
          }),
        )
      : Promise.resolve({ items: [], nextCursor: null }),
  ]);
  return {
    page,
    filters,
    integrations: integrations.items.map((i) => ({ id: i.id, name: i.name })),
    syncs: syncs.items.map((s) => ({ id: s.id, resource: s.resource })),
  };
}

export const meta: Route.MetaFunction = () => [{ title: 'Conflicts · Linkyard' }];

export default function Conflicts({ loaderData, params }: Route.ComponentProps) {
  const { page, filters, integrations, syncs } = loaderData;
  const [search] = useSearchParams();
  const submit = useSubmit();
  const base = `/orgs/${params.orgId}/conflicts`;
  const integrationName = (id: string) => integrations.find((i) => i.id === id)?.name ?? 'Deleted integration';
  const query = new URLSearchParams(search);
  query.delete('cursor');
  const filtered = Boolean(filters.integrationId || filters.syncId || filters.status !== 'open');

  return (
    <>
      <PageHeader
        title="Conflicts"
        description="Records changed both here and at the provider since Linkyard last read them, under the “Ask me” strategy. Nothing was written: choose what each field keeps."
      />
      <Form
        method="get"
        action={base}
        className="mb-4 flex flex-wrap items-end gap-3"
        role="search"
        aria-label="Filter conflicts"
        onChange={(e) => submit(e.currentTarget)}
      >
        <div className="w-full sm:w-56">
          <label htmlFor="conflicts-integration" className="text-xs font-medium text-slate-600">
            Integration
          </label>
          <Select id="conflicts-integration" name="integrationId" defaultValue={filters.integrationId} key={filters.integrationId}>
            <option value="">All integrations</option>
            {integrations.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </Select>
        </div>
        <div className="w-full sm:w-48">
          <label htmlFor="conflicts-sync" className="text-xs font-medium text-slate-600">
            Sync
          </label>
          <Select
            id="conflicts-sync"
            name="syncId"
            defaultValue={filters.syncId}
            key={`${filters.integrationId}-${filters.syncId}`}
            disabled={!filters.integrationId}
          >
            <option value="">{filters.integrationId ? 'All syncs' : 'Choose an integration first'}</option>
            {syncs.map((s) => (
              <option key={s.id} value={s.id}>
                {s.resource}
              </option>
            ))}
          </Select>
        </div>
        <div className="w-full sm:w-40">
          <label htmlFor="conflicts-status" className="text-xs font-medium text-slate-600">
            Status
          </label>
          <Select id="conflicts-status" name="status" defaultValue={filters.status} key={filters.status}>
            <option value="open">Open</option>
            <option value="resolved">Resolved</option>
            <option value="all">All</option>
          </Select>
        </div>
        <noscript>
          <button type="submit" className="rounded-md px-3 py-1.5 text-sm font-semibold ring-1 ring-slate-300">
            Show
          </button>
        </noscript>
        {filtered && (
          <Link to={base} className="pb-1.5 text-sm font-medium text-brand-700 hover:underline">
            Clear filters
          </Link>
        )}
      </Form>

      {page.items.length === 0 ? (
        <EmptyState
          title={filters.status === 'open' && !filtered ? 'No open conflicts' : 'No conflicts match these filters'}
          description={
            filters.status === 'open' && !filtered
              ? 'When a record changes both here and at the provider under the “Ask me” strategy, it waits here for you to choose what each field keeps.'
              : 'Try another integration, sync or status.'
          }
          action={
            filtered ? (
              <LinkButton variant="secondary" to={base}>
                Show open conflicts
              </LinkButton>
            ) : undefined
          }
        />
      ) : (
        <Table
          head={[
            'Record',
            'Integration',
            'Fields',
            'Status',
            'Found',
            <span key="actions" className="sr-only">
              Actions
            </span>,
          ]}
        >
          {page.items.map((c) => {
            const both = c.fields.filter((f) => fieldChange(f) === 'both').length;
            return (
              <tr key={c.id} data-conflict={c.externalId}>
                <Td>
                  <span className="block max-w-56 truncate font-mono text-slate-900" title={c.externalId}>
                    {c.externalId}
                  </span>
                  <span className="text-xs text-slate-500">{c.resource}</span>
                </Td>
                <Td>{integrationName(c.integrationId)}</Td>
                <Td>
                  {c.fields.length} field{c.fields.length === 1 ? '' : 's'}
                  {both > 0 && <span className="block text-xs text-amber-800">{both} changed on both sides</span>}
                </Td>
                <Td>
                  <StatusBadge status={c.status} />
                </Td>
                <Td>
                  <Time at={c.createdAt} />
                </Td>
                <Td>
                  <Link to={`${base}/${c.id}`} className="font-medium text-brand-700 hover:underline">
                    {c.status === 'open' ? 'Review' : 'View'}
                    <span className="sr-only"> the conflict on {c.externalId}</span>
                  </Link>
                </Td>
              </tr>
            );
          })}
        </Table>
      )}
      <Pager
        nextCursor={page.nextCursor}
        resetHref={search.get('cursor') ? `${base}${query.size ? `?${query}` : ''}` : null}
        makeHref={(cursor) => `${base}?${new URLSearchParams([...query, ['cursor', cursor]])}`}
      />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Conflicts" />;
}
