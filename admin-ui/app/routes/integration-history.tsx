import { Fragment } from 'react';
import { data, Form, Link, useFetcher, useSearchParams } from 'react-router';
import type { Route } from './+types/integration-history';
import { api, loaded, outcome, settled, type ActionOutcome } from '~/lib/api.server';
import { formatDuration, formatNumber } from '~/lib/format';
import { describeErrorKind, remediesFor } from '~/lib/error-kinds';
import type { RunStatus } from '~/lib/types';
import { describeError } from '~/root';
import { useOrg } from './org-layout';
import { useIntegration } from './integration-layout';
import { RunsChart } from '~/components/runs-chart';
import { isActiveRun, LiveIndicator, useAutoRefresh } from '~/components/log-list';
import { UUID, withCursor, withoutCursor } from '~/components/log-filters';
import { Button, Card, EmptyState, ErrorNote, LinkButton, Pager, Select, StatusBadge, Table, Td, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { Time, useTimeText } from '~/components/time';

const STATUSES: RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
const PAGE_SIZE = 25;
const CHART_RUNS = 30;

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const status = url.searchParams.get('status') ?? '';
  const syncId = url.searchParams.get('syncId') ?? '';
  const filters = {
    status: STATUSES.includes(status as RunStatus) ? status : '',
    syncId: UUID.test(syncId) ? syncId : '',
  };
  const path = { orgId: params.orgId };
  const [page, recent] = await Promise.all([
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/runs', {
        params: {
          path,
          query: {
            integrationId: params.integrationId,
            status: (filters.status || undefined) as RunStatus | undefined,
            syncId: filters.syncId || undefined,
            limit: PAGE_SIZE,
            cursor: url.searchParams.get('cursor') ?? undefined,
          },
        },
      }),
    ),
    // The chart shows the latest runs whatever their status, of the chosen sync if any.
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/runs', {
        params: { path, query: { integrationId: params.integrationId, syncId: filters.syncId || undefined, limit: CHART_RUNS } },
      }),
    ),
  ]);
  return {
    page,
    recent: [...recent.items].reverse(),
    filters,
    live: recent.items.some((r) => isActiveRun(r.status)) || page.items.some((r) => isActiveRun(r.status)),
    now: Date.now(),
  };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const form = await request.formData();
  const runId = String(form.get('runId') ?? '');
  const intent = form.get('intent');
  if ((intent !== 'cancel' && intent !== 'retry') || !UUID.test(runId)) {
    throw data({ message: 'Unknown action' }, { status: 400 });
  }
  if (intent === 'retry') {
    const retried = await settled(
      api(context).POST('/api/orgs/{orgId}/runs/{runId}/retry', { params: { path: { orgId: params.orgId, runId } } }),
    );
    return { ...outcome(request, retried, 'Retry queued: it shows at the top of the list.', 'retry'), runId } satisfies ActionOutcome & {
      runId: string;
    };
  }
  const res = await settled(
    api(context).POST('/api/orgs/{orgId}/runs/{runId}/cancel', { params: { path: { orgId: params.orgId, runId } } }),
  );
  const message = res.ok && res.data.status !== 'cancelled' ? 'Cancel requested: the run stops after its current batch.' : 'Run cancelled.';
  return { ...outcome(request, res, message, 'cancel'), runId } satisfies ActionOutcome & { runId: string };
}

export const meta: Route.MetaFunction = ({ matches }) => {
  const layout = matches.find((m) => m?.id === 'routes/integration-layout');
  const name = (layout?.loaderData as { integration?: { name: string } } | undefined)?.integration?.name;
  return [{ title: `History${name ? ` · ${name}` : ''} · Linkyard` }];
};

export default function IntegrationHistory({ loaderData, params }: Route.ComponentProps) {
  const { page, recent, filters, live, now } = loaderData;
  const { syncs, provider } = useIntegration();
  const { permissions } = useOrg();
  const [search] = useSearchParams();
  useAutoRefresh(live);
  const times = useTimeText();

  const base = `/orgs/${params.orgId}/integrations/${params.integrationId}`;
  const here = `${base}/history`;
  const resourceName = (key: string) => provider?.resources.find((r) => r.key === key)?.name ?? key;
  const syncOf = (syncId: string) => syncs.find((s) => s.id === syncId);
  const chosenSync = filters.syncId ? syncOf(filters.syncId) : undefined;
  const filtered = Boolean(filters.status || filters.syncId);

  return (
    <div className="space-y-6">
      <Card
        title={
          <span className="flex items-center gap-3">
            Recent runs <LiveIndicator active={live} />
          </span>
        }
        actions={
          <span className="text-xs text-slate-500">
            Last {CHART_RUNS} runs{chosenSync ? ` of ${resourceName(chosenSync.resource)}` : ''} · hover a bar for details
          </span>
        }
      >
        <RunsChart runs={recent} now={now} runHref={(run) => `${base}/logs?runId=${run.id}`} />
      </Card>

      <section aria-labelledby="runs-heading">
        <div className="mb-3 flex flex-wrap items-end justify-between gap-3">
          <h2 id="runs-heading" className="text-base font-semibold text-slate-900">
            Runs
          </h2>
          <Form method="get" role="search" aria-label="Filter runs" className="flex flex-wrap items-end gap-3">
            <div>
              <label htmlFor="run-status" className="block text-xs font-medium text-slate-600">
                Status
              </label>
              <Select id="run-status" name="status" defaultValue={filters.status}>
                <option value="">Any status</option>
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </Select>
            </div>
            <div>
              <label htmlFor="run-sync" className="block text-xs font-medium text-slate-600">
                Sync
              </label>
              <Select id="run-sync" name="syncId" defaultValue={filters.syncId}>
                <option value="">All syncs</option>
                {syncs.map((s) => (
                  <option key={s.id} value={s.id}>
                    {resourceName(s.resource)} ({s.mode})
                  </option>
                ))}
              </Select>
            </div>
            <Button variant="secondary">Apply</Button>
            {filtered && (
              <LinkButton variant="ghost" to={here}>
                Clear
              </LinkButton>
            )}
          </Form>
        </div>

        {page.items.length === 0 ? (
          filtered ? (
            <EmptyState
              title="No runs match these filters"
              description="Try another status or sync."
              action={
                <LinkButton variant="secondary" to={here}>
                  Clear filters
                </LinkButton>
              }
            />
          ) : (
            <EmptyState
              title="No runs yet"
              description="Runs appear here when a schedule fires, a webhook arrives or someone presses Sync now."
              action={
                <LinkButton variant="secondary" to={`${base}/syncs`}>
                  Syncs & schedules
                </LinkButton>
              }
            />
          )
        ) : (
          <Table head={['Status', 'Resource', 'Started', 'Fetched', 'Created', 'Updated', 'Deleted', 'Failed', 'Logs']}>
            {page.items.map((run) => {
              const sync = syncOf(run.syncId);
              return (
                <Fragment key={run.id}>
                  <tr id={`run-${run.id}`} data-run-id={run.id} className={run.error ? 'border-b-0!' : undefined}>
                    <Td className="px-3 py-2">
                      <StatusBadge status={run.status} />
                      <div className="mt-0.5 text-xs capitalize text-slate-500">{run.trigger}</div>
                    </Td>
                    <Td className="px-3">{sync ? resourceName(sync.resource) : <span className="text-slate-500">deleted sync</span>}</Td>
                    <Td className="px-3 py-2">
                      {run.startedAt ? (
                        <Time at={run.startedAt} />
                      ) : (
                        <span className="text-slate-500">{run.status === 'queued' ? 'Queued' : '—'}</span>
                      )}
                      <div className="mt-0.5 text-xs tabular-nums text-slate-500">
                        {run.status === 'running' && run.startedAt ? (
                          <span className="text-sky-700">running for {formatDuration(now - Date.parse(run.startedAt))}</span>
                        ) : run.durationMs !== null ? (
                          `took ${formatDuration(run.durationMs)}`
                        ) : run.status === 'queued' ? (
                          'waiting for a worker'
                        ) : (
                          ''
                        )}
                      </div>
                    </Td>
                    <Num n={run.stats.fetched} />
                    <Num n={run.stats.created} />
                    <Num n={run.stats.updated} />
                    <Num n={run.stats.deleted} />
                    <Num n={run.stats.failed} bad />
                    <Td className="px-3">
                      <div className="flex items-center gap-2">
                        <Link
                          to={`${base}/logs?runId=${run.id}`}
                          className="text-sm font-medium text-brand-700 hover:underline"
                          aria-label={`Logs of the ${run.status} run started ${times.exact(run.startedAt ?? run.scheduledFor)}`}
                        >
                          Logs →
                        </Link>
                        {permissions.edit && isActiveRun(run.status) && <CancelRun runId={run.id} />}
                        {permissions.edit && run.status === 'cancelled' && <RetryRun runId={run.id} />}
                        {permissions.edit && run.status === 'failed' && remediesFor(run.errorKind).includes('retry') && (
                          <RetryRun runId={run.id} />
                        )}
                        {permissions.edit && run.status === 'failed' && remediesFor(run.errorKind).includes('reconnect') && (
                          <Link
                            to={base}
                            className="text-sm font-medium text-brand-700 hover:underline"
                            aria-label={`Reconnect: the provider refused the credentials of the run started ${times.exact(run.startedAt ?? run.scheduledFor)}`}
                          >
                            Reconnect
                          </Link>
                        )}
                      </div>
                    </Td>
                  </tr>
                  {run.error && (
                    <tr data-run-error={run.id}>
                      <td colSpan={9} className="px-3 pb-2.5 pt-0">
                        <p className="line-clamp-2 rounded bg-red-50 px-2 py-1 text-xs text-red-800" title={run.error}>
                          <span className="font-semibold">{describeErrorKind(run.errorKind)?.label ?? 'Error'}:</span> {run.error}
                        </p>
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </Table>
        )}
        <Pager
          nextCursor={page.nextCursor}
          resetHref={search.get('cursor') ? `${here}${withoutCursor(search)}` : null}
          makeHref={(cursor) => `${here}?${withCursor(search, cursor)}`}
        />
      </section>
      <CancelToast />
    </div>
  );
}

function Num({ n, bad = false }: { n: number; bad?: boolean }) {
  return <Td className={`px-3 tabular-nums ${n === 0 ? 'text-slate-500' : bad ? 'font-medium text-red-700' : ''}`}>{formatNumber(n)}</Td>;
}

/** One fetcher key for every row, so the page keeps showing the outcome after the row's button goes away. */
const CANCEL_FETCHER = 'cancel-run';

function CancelRun({ runId }: { runId: string }) {
  const fetcher = useFetcher<typeof action>({ key: CANCEL_FETCHER });
  const busy = fetcher.state !== 'idle' && fetcher.formData?.get('runId') === runId;
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="cancel" />
      <input type="hidden" name="runId" value={runId} />
      <Button variant="secondary" className="px-2 py-1 text-xs" disabled={busy} aria-label="Cancel this run">
        {busy ? 'Cancelling…' : 'Cancel'}
      </Button>
    </fetcher.Form>
  );
}

/** A failed or cancelled run, again: a new run of its sync (the API refuses while another run of it is active). */
function RetryRun({ runId }: { runId: string }) {
  const fetcher = useFetcher<typeof action>({ key: RETRY_FETCHER });
  const busy = fetcher.state !== 'idle' && fetcher.formData?.get('runId') === runId;
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="intent" value="retry" />
      <input type="hidden" name="runId" value={runId} />
      <Button variant="secondary" className="px-2 py-1 text-xs" disabled={busy} aria-label="Retry this run">
        {busy ? 'Retrying…' : 'Retry'}
      </Button>
    </fetcher.Form>
  );
}
const RETRY_FETCHER = 'retry-run';

/** The last cancel's or retry's outcome as a toast, for a few seconds (a refusal too: it has no field to sit by). */
function CancelToast() {
  const cancel = useFetcher<typeof action>({ key: CANCEL_FETCHER });
  const retry = useFetcher<typeof action>({ key: RETRY_FETCHER });
  return <Toast outcome={useToast([cancel.data, retry.data])} />;
}

export function ErrorBoundary({ error, params }: Route.ErrorBoundaryProps) {
  const { title, message } = describeError(error);
  return (
    <div className="space-y-4">
      <title>{`History: ${title} · Linkyard`}</title>
      <ErrorNote>
        <strong>{title}.</strong> {message}
      </ErrorNote>
      <LinkButton variant="secondary" to={`/orgs/${params.orgId}/integrations/${params.integrationId}/history`}>
        Reload history without filters
      </LinkButton>
    </div>
  );
}
