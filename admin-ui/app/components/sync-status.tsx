import { useEffect } from 'react';
import { Link, useFetcher } from 'react-router';
import type { SyncStatusSummary } from '~/lib/sync-status.server';
import type { ActionOutcome } from '~/lib/api.server';
import { Button, Toast } from './ui';
import { useToast } from './use-toast';
import { Time } from './time';

const REFRESH_MS = 30_000;

/**
 * Sync status of an organization: a compact pill for the header, or a full panel with counts by status and
 * "Sync all". It loads its own data and refreshes every 30 seconds (also when the tab comes back into view).
 */
export function SyncStatus({
  orgId,
  variant,
  initial,
  canSync = false,
}: {
  orgId: string;
  variant: 'compact' | 'full';
  initial?: SyncStatusSummary | null;
  canSync?: boolean;
}) {
  const status = useFetcher<{ summary: SyncStatusSummary | null; at: string }>({ key: `sync-status-${orgId}` });
  const syncAll = useFetcher<ActionOutcome>();
  const href = `/orgs/${orgId}/sync-status`;

  useEffect(() => {
    // A page that loaded the figures with its own data passes them as `initial`: no second request at mount.
    if (!initial && status.state === 'idle' && !status.data) status.load(href);
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') status.load(href);
    }, REFRESH_MS);
    return () => clearInterval(timer);
    // `status` changes identity on every load; the interval only needs the URL.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [href]);
  useEffect(() => {
    if (syncAll.data) status.load(href); /* show the queued runs at once */
  }, [syncAll.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const toast = useToast([syncAll.data]);

  const summary = status.data ? status.data.summary : (initial ?? null);
  // Not loaded yet: a placeholder in the header; not readable (answered null): nothing.
  if (!summary) return variant === 'compact' && !status.data ? <span className="text-xs text-slate-500">…</span> : null;
  const active = summary.runningRuns + summary.queuedRuns;
  const byStatus = summary.integrationsByStatus;

  const integrations = `/orgs/${orgId}/integrations`;
  if (variant === 'compact') {
    // Leads to what needs attention: the integrations in error, else those syncing, else all of them.
    const filter = byStatus.ERROR ? '?status=ERROR' : active ? '?status=SYNCING' : '';
    return (
      <Link
        to={integrations + filter}
        data-testid="sync-status-compact"
        title="Sync status (refreshes every 30 s)"
        className="inline-flex items-center gap-1.5 whitespace-nowrap rounded-full bg-slate-100 px-2.5 py-1 text-xs font-medium text-slate-700 ring-1 ring-inset ring-slate-200 hover:bg-slate-200 sm:gap-2 sm:px-3"
      >
        <span
          className={`size-2 rounded-full ${byStatus.ERROR ? 'bg-red-500' : active ? 'animate-pulse bg-sky-500' : 'bg-emerald-500'}`}
          aria-hidden
        />
        {/* On a phone the header has little room: the dot alone says "idle" (read out to screen readers), errors alone when there are any. */}
        <span className={byStatus.ERROR > 0 ? 'hidden sm:inline' : active ? undefined : 'sr-only sm:not-sr-only'}>
          {active ? `${active} syncing` : 'Idle'}
        </span>
        {byStatus.ERROR > 0 && (
          <span className="text-red-700">
            <span className="hidden sm:inline">· </span>
            {byStatus.ERROR} error{byStatus.ERROR > 1 ? 's' : ''}
          </span>
        )}
      </Link>
    );
  }

  // Each tile leads to the list it counts: integrations by status, or the organization's error logs.
  const tiles: { label: string; value: number; tone: string; to: string }[] = [
    { label: 'Active', value: byStatus.ACTIVE, tone: 'text-emerald-700', to: `${integrations}?status=ACTIVE` },
    { label: 'Syncing', value: byStatus.SYNCING, tone: 'text-sky-700', to: `${integrations}?status=SYNCING` },
    { label: 'Errors', value: byStatus.ERROR, tone: 'text-red-700', to: `${integrations}?status=ERROR` },
    { label: 'Paused', value: byStatus.PAUSED, tone: 'text-amber-700', to: `${integrations}?status=PAUSED` },
    { label: 'Not connected', value: byStatus.INACTIVE, tone: 'text-slate-600', to: `${integrations}?status=INACTIVE` },
    { label: 'Runs in flight', value: active, tone: 'text-slate-900', to: `${integrations}?status=SYNCING` },
    {
      label: 'Failed runs (24 h)',
      value: summary.failedRuns24h,
      tone: summary.failedRuns24h ? 'text-red-700' : 'text-slate-900',
      to: `/orgs/${orgId}/logs?level=error`,
    },
    {
      label: 'Open conflicts',
      value: summary.openConflicts,
      tone: summary.openConflicts ? 'text-amber-700' : 'text-slate-900',
      to: `/orgs/${orgId}/conflicts`,
    },
  ];
  return (
    <section
      data-testid="sync-status-full"
      aria-label="Sync status"
      className="mb-6 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
    >
      <div className="flex flex-col gap-3 sm:flex-row sm:flex-wrap sm:items-center sm:justify-between">
        <ul className="grid min-w-0 flex-1 grid-cols-3 gap-1 sm:grid-cols-4 lg:grid-cols-8">
          {tiles.map((t) => (
            <li key={t.label} className="min-w-0">
              <Link
                to={t.to}
                data-tile={t.label}
                className="block rounded-md px-2 py-1 hover:bg-slate-50 hover:ring-1 hover:ring-slate-200"
              >
                <span className={`block text-2xl font-semibold tabular-nums ${t.tone}`}>{t.value}</span>
                <span className="block text-xs text-slate-500">{t.label}</span>
              </Link>
            </li>
          ))}
        </ul>
        <div className="flex flex-row-reverse items-center justify-between gap-1 sm:flex-col sm:items-end">
          {canSync && (
            <syncAll.Form method="post" action={`/orgs/${orgId}/sync-status`}>
              <Button disabled={syncAll.state !== 'idle'}>{syncAll.state !== 'idle' ? 'Queuing…' : 'Sync all'}</Button>
            </syncAll.Form>
          )}
          <span className="text-xs text-slate-500">
            Last sync <Time at={summary.lastSyncAt} />
          </span>
        </div>
      </div>
      <Toast outcome={toast} />
    </section>
  );
}
