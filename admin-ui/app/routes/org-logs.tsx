import { useSearchParams } from 'react-router';
import type { Route } from './+types/org-logs';
import { apiPath, loadApi } from '~/lib/api.server';
import type { Integration, LogLine, Page, Run } from '~/lib/types';
import { describeError } from '~/root';
import { LiveIndicator, LogList, useAutoRefresh } from '~/components/log-list';
import { LogFilters, parseLogFilters, withCursor, withoutCursor } from '~/components/log-filters';
import { EmptyState, ErrorNote, LinkButton, PageHeader, Pager } from '~/components/ui';

const PAGE_SIZE = 100;

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const filters = parseLogFilters(url.searchParams);
  const org = `/api/orgs/${params.orgId}`;
  const [page, integrations, running, queued] = await Promise.all([
    filters.hasErrors
      ? ({ items: [], nextCursor: null } satisfies Page<LogLine>)
      : loadApi<Page<LogLine>>(
          request,
          context,
          apiPath(`${org}/logs`, { ...filters.query, limit: PAGE_SIZE, cursor: url.searchParams.get('cursor') }),
        ),
    loadApi<Page<Integration>>(request, context, apiPath(`${org}/integrations`, { limit: 200 })),
    loadApi<Page<Run>>(
      request,
      context,
      apiPath(`${org}/runs`, { integrationId: filters.query.integrationId, status: 'running', limit: 1 }),
    ),
    loadApi<Page<Run>>(
      request,
      context,
      apiPath(`${org}/runs`, { integrationId: filters.query.integrationId, status: 'queued', limit: 1 }),
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
        description="Sync log lines of every integration in this organization, newest first. Times in UTC."
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
