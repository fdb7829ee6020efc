import { useSearchParams } from 'react-router';
import type { Route } from './+types/org-logs';
import { api, loaded } from '~/lib/api.server';
import { loadLogPage } from '~/lib/logs-page.server';
import { describeError } from '~/root';
import { LiveControl, LogGroups, usePausableRefresh } from '~/components/log-list';
import { emptyTitle, LogFilters, UUID, withCursor, withoutCursor } from '~/components/log-filters';
import { EmptyState, ErrorNote, LinkButton, PageHeader, Pager } from '~/components/ui';
import { TimeZoneNote } from '~/components/time';

const PAGE_SIZE = 100;

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const path = { orgId: params.orgId };
  const integrationId = url.searchParams.get('integrationId') ?? '';
  // Only a well-formed id narrows the live check (a bad one is the filter's error, shown on its field).
  const liveScope = UUID.test(integrationId) ? integrationId : undefined;
  const [list, integrations, running, queued] = await Promise.all([
    loadLogPage(request, context, { orgId: params.orgId, limit: PAGE_SIZE }),
    loaded(request, api(context).GET('/api/orgs/{orgId}/integrations', { params: { path, query: { limit: 200 } } })),
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/runs', {
        params: { path, query: { integrationId: liveScope, status: 'running', limit: 1 } },
      }),
    ),
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/runs', {
        params: { path, query: { integrationId: liveScope, status: 'queued', limit: 1 } },
      }),
    ),
  ]);
  return {
    ...list,
    integrations: integrations.items.map((i) => ({ id: i.id, name: i.name })).sort((a, b) => a.name.localeCompare(b.name)),
    live: running.items.length + queued.items.length > 0,
  };
}

export const meta: Route.MetaFunction = () => [{ title: 'Logs · Linkyard' }];

export default function OrgLogs({ loaderData, params }: Route.ComponentProps) {
  const { page, integrations, live, values, errors, filtered, range, runs } = loaderData;
  const [search] = useSearchParams();
  const { paused, setPaused } = usePausableRefresh(live);
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
        actions={<LiveControl active={live} paused={paused} onPausedChange={setPaused} />}
      />
      <LogFilters values={values} errors={errors} range={range} integrations={integrations} filtered={filtered} clearHref={here} />
      {page.items.length === 0 ? (
        filtered ? (
          <EmptyState
            title={emptyTitle(errors, range.preset)}
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
        <LogGroups
          logs={page.items}
          runs={runs}
          title={(log) => names.get(log.integrationId) ?? 'a deleted integration'}
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
