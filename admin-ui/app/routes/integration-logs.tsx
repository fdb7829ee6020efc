import { data, Link, useSearchParams } from 'react-router';
import type { Route } from './+types/integration-logs';
import { api, loaded } from '~/lib/api.server';
import { formatDuration, formatNumber } from '~/lib/format';
import type { Run } from '~/lib/types';
import { loadLogPage } from '~/lib/logs-page.server';
import { describeError } from '~/root';
import { useIntegration } from './integration-layout';
import { isActiveRun, LiveControl, LogGroups, LogList, usePausableRefresh } from '~/components/log-list';
import { emptyTitle, LogFilters, parseLogFilters, UUID, withCursor, withoutCursor } from '~/components/log-filters';
import { EmptyState, ErrorNote, LinkButton, Pager, StatusBadge } from '~/components/ui';
import { RunWrites } from '~/components/run-writes';
import { describeErrorKind } from '~/lib/error-kinds';
import { Time, TimeZoneNote } from '~/components/time';

const PAGE_SIZE = 100;
/** A run's log reads as a story, oldest first: one long page so a live run's new lines show up at the end. */
const RUN_PAGE_SIZE = 200;
const WRITES_PAGE_SIZE = 50;

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const cursor = url.searchParams.get('cursor') ?? undefined;
  const runId = url.searchParams.get('runId') ?? '';
  const path = { orgId: params.orgId };

  if (runId) {
    if (!UUID.test(runId)) throw data({ message: 'There is no run with this id.' }, { status: 404 });
    // A run's log filters by level only: no range, so no time zone to read it in.
    const filters = parseLogFilters(url.searchParams, { timeZone: 'UTC', now: Date.now() });
    const writesStatus = url.searchParams.get('writes') === 'failed' ? ('failed' as const) : undefined;
    const [run, page, writes] = await Promise.all([
      loaded(request, api(context).GET('/api/orgs/{orgId}/runs/{runId}', { params: { path: { ...path, runId } } })),
      loaded(
        request,
        api(context).GET('/api/orgs/{orgId}/runs/{runId}/logs', {
          params: { path: { ...path, runId }, query: { level: filters.query.level, limit: RUN_PAGE_SIZE, cursor } },
        }),
      ),
      loaded(
        request,
        api(context).GET('/api/orgs/{orgId}/runs/{runId}/writes', {
          params: {
            path: { ...path, runId },
            query: { status: writesStatus, limit: WRITES_PAGE_SIZE, cursor: url.searchParams.get('writesCursor') ?? undefined },
          },
        }),
      ),
    ]);
    if (run.integrationId !== params.integrationId) throw data({ message: 'This run belongs to another integration.' }, { status: 404 });
    const runWrites = { page: writes, failedOnly: writesStatus === 'failed' };
    return { run, activeRun: isActiveRun(run.status) ? run : null, page, runs: {}, writes: runWrites, ...filters, now: Date.now() };
  }

  const [list, running, queued] = await Promise.all([
    loadLogPage(request, context, { orgId: params.orgId, integrationId: params.integrationId, limit: PAGE_SIZE }),
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/runs', {
        params: { path, query: { integrationId: params.integrationId, status: 'running', limit: 1 } },
      }),
    ),
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/runs', {
        params: { path, query: { integrationId: params.integrationId, status: 'queued', limit: 1 } },
      }),
    ),
  ]);
  return { run: null, activeRun: running.items[0] ?? queued.items[0] ?? null, writes: null, ...list, now: Date.now() };
}

export const meta: Route.MetaFunction = ({ matches, loaderData }) => {
  const layout = matches.find((m) => m?.id === 'routes/integration-layout');
  const name = (layout?.loaderData as { integration?: { name: string } } | undefined)?.integration?.name;
  return [{ title: `${loaderData?.run ? 'Run logs' : 'Logs'}${name ? ` · ${name}` : ''} · Linkyard` }];
};

export default function IntegrationLogs({ loaderData, params }: Route.ComponentProps) {
  const { run, activeRun, page, values, errors, filtered, writes, range, runs } = loaderData;
  const { syncs, provider } = useIntegration();
  const [search] = useSearchParams();
  const live = activeRun !== null;
  const { paused, setPaused } = usePausableRefresh(live);
  const liveControl = <LiveControl active={live} paused={paused} onPausedChange={setPaused} />;

  const base = `/orgs/${params.orgId}/integrations/${params.integrationId}`;
  const here = `${base}/logs`;
  const resourceName = (syncId: string) => {
    const sync = syncs.find((s) => s.id === syncId);
    return sync ? (provider?.resources.find((r) => r.key === sync.resource)?.name ?? sync.resource) : 'deleted sync';
  };

  return (
    <div className="space-y-4">
      {run ? (
        <RunSummary
          run={run}
          resource={resourceName(run.syncId)}
          now={loaderData.now}
          allLogsHref={here}
          historyHref={`${base}/history`}
          liveControl={liveControl}
        />
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <div>
            <h2 className="text-base font-semibold text-slate-900">Logs</h2>
            <p className="text-sm text-slate-500">
              Every run's log lines for this integration, newest first. <TimeZoneNote />
            </p>
          </div>
          <div className="flex flex-wrap items-center gap-3">
            {liveControl}
            {activeRun && (
              <Link to={`${here}?runId=${activeRun.id}`} className="text-sm font-medium text-brand-700 hover:underline">
                Follow the {activeRun.status} run of {resourceName(activeRun.syncId)} →
              </Link>
            )}
          </div>
        </div>
      )}

      {run && writes && (run.trigger === 'push' || writes.page.items.length > 0 || writes.failedOnly) && (
        <RunWrites page={writes.page} failedOnly={writes.failedOnly} search={search} here={here} live={live} />
      )}

      <LogFilters
        values={values}
        errors={errors}
        range={run ? undefined : range}
        runId={run?.id ?? null}
        filtered={Boolean(run ? values.level : filtered)}
        clearHref={run ? `${here}?runId=${run.id}` : here}
      />

      {page.items.length === 0 ? (
        run ? (
          values.level ? (
            <EmptyState
              title="No lines at this level"
              description="This run logged nothing at this level or above."
              action={
                <LinkButton variant="secondary" to={`${here}?runId=${run.id}`}>
                  Show all levels
                </LinkButton>
              }
            />
          ) : (
            <EmptyState
              title={isActiveRun(run.status) ? 'Waiting for the first lines…' : 'This run logged nothing'}
              description={isActiveRun(run.status) ? 'Lines appear here as the run writes them.' : undefined}
            />
          )
        ) : filtered ? (
          <EmptyState
            title={emptyTitle(errors, range.preset)}
            description="Try another level, a shorter text or a wider time range."
            action={
              <LinkButton variant="secondary" to={here}>
                Clear filters
              </LinkButton>
            }
          />
        ) : (
          <EmptyState
            title="No logs yet"
            description="Each sync run writes its progress and any errors here."
            action={
              <LinkButton variant="secondary" to={`${base}/history`}>
                See the run history
              </LinkButton>
            }
          />
        )
      ) : run ? (
        <LogList logs={page.items} timeOnly />
      ) : (
        <LogGroups
          logs={page.items}
          runs={runs}
          title={(log) => resourceName(log.syncId)}
          runHref={(log) => `${here}?runId=${log.runId}`}
        />
      )}
      <Pager
        nextCursor={page.nextCursor}
        resetHref={search.get('cursor') ? `${here}${withoutCursor(search)}` : null}
        makeHref={(cursor) => `${here}?${withCursor(search, cursor)}`}
      />
    </div>
  );
}

function RunSummary({
  run,
  resource,
  now,
  allLogsHref,
  historyHref,
  liveControl,
}: {
  run: Run;
  resource: string;
  now: number;
  allLogsHref: string;
  historyHref: string;
  liveControl: React.ReactNode;
}) {
  const s = run.stats;
  const duration = run.durationMs ?? (run.status === 'running' && run.startedAt ? now - Date.parse(run.startedAt) : null);
  const facts: [string, React.ReactNode][] = [
    ['Trigger', <span className="capitalize">{run.trigger}</span>],
    ['Resource', resource],
    ['Started', run.startedAt ? <Time at={run.startedAt} /> : run.status === 'queued' ? 'Not yet' : '—'],
    ['Finished', run.finishedAt ? <Time at={run.finishedAt} /> : isActiveRun(run.status) ? 'Still going' : '—'],
    ['Duration', `${formatDuration(duration)}${run.status === 'running' ? ' so far' : ''}`],
  ];
  const counts: [string, number][] = [
    ['fetched', s.fetched],
    ['created', s.created],
    ['updated', s.updated],
    ['unchanged', s.unchanged],
    ['deleted', s.deleted],
    ['failed', s.failed],
    ['skipped', s.skipped],
    ['pushed', s.pushed],
    ['conflicts', s.conflicts],
  ];
  // Write counts only where the run wrote (a push) or they are not zero: a pull run keeps its short list.
  const shown = counts.filter(([k, n]) => n > 0 || run.trigger === 'push' || !['skipped', 'pushed', 'conflicts'].includes(k));
  return (
    <section
      aria-labelledby="run-heading"
      className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
      data-run-summary={run.status}
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-center gap-3">
          <h2 id="run-heading" className="text-base font-semibold text-slate-900">
            Run of {resource}
          </h2>
          <StatusBadge status={run.status} />
          {liveControl}
        </div>
        <nav aria-label="Run" className="flex items-center gap-4 text-sm">
          <Link to={historyHref} className="font-medium text-slate-600 hover:text-slate-900">
            ← History
          </Link>
          <Link to={allLogsHref} className="font-medium text-brand-700 hover:underline">
            All logs of this integration
          </Link>
        </nav>
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-5">
        {facts.map(([k, v]) => (
          <div key={k}>
            <dt className="text-xs text-slate-500">{k}</dt>
            <dd className="text-slate-800">{v}</dd>
          </div>
        ))}
      </dl>
      <dl className="mt-3 flex flex-wrap gap-2 text-xs" aria-label="Records">
        {shown.map(([k, n]) => (
          <div
            key={k}
            data-count={k}
            className={`flex gap-1 rounded px-2 py-1 ring-1 ring-inset ${k === 'failed' && n > 0 ? 'bg-red-50 text-red-700 ring-red-600/20' : k === 'conflicts' && n > 0 ? 'bg-amber-50 text-amber-800 ring-amber-600/20' : 'bg-slate-50 text-slate-700 ring-slate-200'}`}
          >
            <dd className="font-semibold tabular-nums">{formatNumber(n)}</dd>
            <dt>{k}</dt>
          </div>
        ))}
      </dl>
      {run.error && (
        <div className="mt-3">
          <ErrorNote>
            <strong>{describeErrorKind(run.errorKind)?.label ?? 'Error'}:</strong> {run.error}
            {describeErrorKind(run.errorKind) && <span className="mt-1 block">{describeErrorKind(run.errorKind)!.advice}</span>}
          </ErrorNote>
        </div>
      )}
    </section>
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
      <LinkButton variant="secondary" to={`/orgs/${params.orgId}/integrations/${params.integrationId}/logs`}>
        All logs of this integration
      </LinkButton>
    </div>
  );
}
