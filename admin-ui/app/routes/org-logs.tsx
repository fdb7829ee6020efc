import { useSearchParams } from 'react-router';
import type { Route } from './+types/org-logs';
import { api, loaded } from '~/lib/api.server';
import type { LogLine, Page } from '~/lib/types';
import { describeError } from '~/root';
import { LiveIndicator, LogList, useAutoRefresh } from '~/components/log-list';
import { LogFilters, parseLogFilters, withCursor, withoutCursor } from '~/components/log-filters';
import { EmptyState, ErrorNote, LinkButton, PageHeader, Pager } from '~/components/ui';
import { TimeZoneNote } from '~/components/time';

const PAGE_SIZE = 100;

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const filters = parseLogFilters(url.searchParams);
  const path = { orgId: params.orgId };
  const [page, integrations, running, queued] = await Promise.all([
    filters.hasErrors
      ? ({ items: [], nextCursor: null } satisfies Page<LogLine>)
      : loaded(
          request,
          api(context).GET('/api/orgs/{orgId}/logs', {
            params: { path, query: { ...filters.query, limit: PAGE_SIZE, cursor: url.searchParams.get('cursor') ?? undefined } },
          }),
        ),
    loaded(request, api(context).GET('/api/orgs/{orgId}/integrations', { params: { path, query: { limit: 200 } } })),
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/runs', {
        params: { path, query: { integrationId: filters.query.integrationId, status: 'running', limit: 1 } },
      }),
    ),
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/runs', {
        params: { path, query: { integrationId: filters.query.integrationId, status: 'queued', limit: 1 } },
      }),
    ),
  ]);
  return {
    page,
    integrations: integrations.items.map((i) => ({ id: i.id, name: i.name })).sort((a, b) => a.name.localeCompare(b.name)),
    live: running.items.length + queued.items.length > 0,
    ...filters,
  };
}

export const meta: Route.MetaFunction = () => [{ title: 'Logs · Linkyard' }];

export default function OrgLogs({ loaderData, params }: Route.ComponentProps) {
  const { page, integrations, live, values, errors, filtered } = loaderData;
  const [search] = useSearchParams();
  useAutoRefresh(live);
  const here = `/orgs/${params.orgId}/logs`;
  const integrationBase = (id: string) => `/orgs/${params.orgId}/integrations/${id}`;
  const names = new Map(integrations.map((i) => [i.id, i.name]));

  return (
    <>
      <PageHeader
        title="Logs"
        description={
          <>
            Sync log lines of every integration in this organization, newest first, grouped by run. <TimeZoneNote />
          </>
        }
        actions={<LiveIndicator active={live} />}
      />
      <LogFilters values={values} errors={errors} integrations={integrations} filtered={filtered} clearHref={here} />
      {page.items.length === 0 ? (
        filtered ? (
          <EmptyState
            title={Object.keys(errors).length ? 'Fix the filters to see logs' : 'No log lines match these filters'}
            description="Try another integration or level, a shorter text or a wider time range."
            action={
              <LinkButton variant="secondary" to={here}>
                Clear filters
              </LinkButton>
            }
          />
        ) : (
          <EmptyState
            title="No logs yet"
            description="Sync runs write their progress and errors here once integrations start syncing."
            action={
              <LinkButton variant="secondary" to={`/orgs/${params.orgId}/integrations`}>
                Go to integrations
              </LinkButton>
            }
          />
        )
      ) : (
        <LogList
          logs={page.items}
          integration={(log) => ({
            name: names.get(log.integrationId) ?? 'Deleted integration',
            href: `${integrationBase(log.integrationId)}/logs`,
          })}
          runHref={(log) => `${integrationBase(log.integrationId)}/logs?runId=${log.runId}`}
        />
      )}
      <Pager
        nextCursor={page.nextCursor}
        resetHref={search.get('cursor') ? `${here}${withoutCursor(search)}` : null}
        makeHref={(cursor) => `${here}?${withCursor(search, cursor)}`}
      />
    </>
  );
}

export function ErrorBoundary({ error, params }: Route.ErrorBoundaryProps) {
  const { title, message } = describeError(error);
  return (
    <div className="space-y-4">
      <title>{`Logs: ${title} · Linkyard`}</title>
      <ErrorNote>
        <strong>{title}.</strong> {message}
      </ErrorNote>
      <LinkButton variant="secondary" to={`/orgs/${params.orgId}/logs`}>
        Logs without filters
      </LinkButton>
    </div>
  );
}
