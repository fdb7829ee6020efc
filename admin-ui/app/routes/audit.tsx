import { useSearchParams } from 'react-router';
import type { Route } from './+types/audit';
import { api, loaded, settled } from '~/lib/api.server';
import { filterActors, parseAuditFilters } from '~/lib/audit';
import { useOrg } from './org-layout';
import { AuditFilterForm, AuditTable } from '~/components/audit-table';
import { EmptyState, LinkButton, PageHeader, Pager } from '~/components/ui';
import { RouteError } from '~/components/route-error';
import { TimeZoneNote } from '~/components/time';

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const filters = parseAuditFilters(url.searchParams);
  const [page, members, apiKeys] = await Promise.all([
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/audit', {
        params: {
          path: { orgId: params.orgId },
          query: { ...filters.query, orgId: undefined, limit: 50, cursor: url.searchParams.get('cursor') ?? undefined },
        },
      }),
    ),
    // Only for the actor filter's names: the page works without it.
    settled(api(context).GET('/api/orgs/{orgId}/members', { params: { path: { orgId: params.orgId }, query: { limit: 200 } } })),
    // Super Admins only (others get a 403, and the filter lists the keys on the page shown).
    settled(api(context).GET('/api/orgs/{orgId}/api-keys', { params: { path: { orgId: params.orgId }, query: { limit: 200 } } })),
  ]);
  return {
    page,
    filters: { values: filters.values, errors: filters.errors, active: filters.active },
    actors: filterActors(members.ok ? members.data.items : [], apiKeys.ok ? apiKeys.data.items : [], page.items),
  };
}

export const meta: Route.MetaFunction = () => [{ title: 'Audit log · Linkyard' }];

export default function Audit({ loaderData, params }: Route.ComponentProps) {
  const { page, filters, actors } = loaderData;
  const { org } = useOrg();
  const [search] = useSearchParams();
  const base = `/orgs/${params.orgId}/audit`;
  const withCursor = (cursor: string | null) => {
    const next = new URLSearchParams(search);
    if (cursor) next.set('cursor', cursor);
    else next.delete('cursor');
    const qs = next.toString();
    return qs ? `${base}?${qs}` : base;
  };

  return (
    <>
      <PageHeader
        title="Audit log"
        description={
          <>
            Who did what in {org.name}, newest first. Events are chained by hash, so any change to the trail is detectable. <TimeZoneNote />
          </>
        }
      />
      <AuditFilterForm values={filters.values} errors={filters.errors} actors={actors} resetHref={base} active={filters.active} />
      {page.items.length === 0 ? (
        filters.active ? (
          <EmptyState
            title="No events match these filters"
            description="Try another action, actor or date range."
            action={
              <LinkButton variant="secondary" to={base}>
                Clear filters
              </LinkButton>
            }
          />
        ) : (
          <EmptyState
            title="No audit events yet"
            description="Sign-ins, changes to integrations, syncs and members, and exports will show up here."
          />
        )
      ) : (
        <AuditTable events={page.items} />
      )}
      <Pager nextCursor={page.nextCursor} resetHref={search.get('cursor') ? withCursor(null) : null} makeHref={withCursor} />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Audit log" />;
}
