import { useEffect } from 'react';
import { useFetcher } from 'react-router';
import type { SyncStatusSummary } from '~/lib/sync-status.server';
import type { ActionOutcome } from '~/lib/api.server';
import { formatDateTime } from '~/lib/format';
import { Button, Toast } from './ui';
import { useToast } from './use-toast';

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
  if (!summary) return variant === 'compact' && !status.data ? <span className="text-xs text-slate-400">…</span> : null;
  const active = summary.runningRuns + summary.queuedRuns;
  const byStatus = summary.integrationsByStatus;

  if (variant === 'compact') {
    return (
      <a
        href={`/orgs/${orgId}/integrations`}
        data-testid="sync-status-compact"
        title="Sync status (refreshes every 30 s)"
        className="hidden items-center gap-2 rounded-full bg-slate-100 px-3 py-1 text-xs font-medium text-slate-700 ring-1 ring-inset ring-slate-200 hover:bg-slate-200 sm:inline-flex"
      >
        <span
          className={`size-2 rounded-full ${byStatus.ERROR ? 'bg-red-500' : active ? 'animate-pulse bg-sky-500' : 'bg-emerald-500'}`}
          aria-hidden
        />
        {active ? `${active} syncing` : 'Idle'}
        {byStatus.ERROR > 0 && (
          <span className="text-red-700">
            · {byStatus.ERROR} error{byStatus.ERROR > 1 ? 's' : ''}
          </span>
        )}
      </a>
    );
  }

  const tiles: { label: string; value: number; tone: string }[] = [
    { label: 'Active', value: byStatus.ACTIVE, tone: 'text-emerald-700' },
    { label: 'Syncing', value: byStatus.SYNCING, tone: 'text-sky-700' },
    { label: 'Errors', value: byStatus.ERROR, tone: 'text-red-700' },
    { label: 'Paused', value: byStatus.PAUSED, tone: 'text-amber-700' },
    { label: 'Not connected', value: byStatus.INACTIVE, tone: 'text-slate-600' },
    { label: 'Runs in flight', value: active, tone: 'text-slate-900' },
    { label: 'Failed runs (24 h)', value: summary.failedRuns24h, tone: summary.failedRuns24h ? 'text-red-700' : 'text-slate-900' },
  ];
  return (
    <section
      data-testid="sync-status-full"
      aria-label="Sync status"
      className="mb-6 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200"
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="grid flex-1 grid-cols-4 gap-3 lg:grid-cols-7">
          {tiles.map((t) => (
            <div key={t.label}>
              <div className={`text-2xl font-semibold tabular-nums ${t.tone}`}>{t.value}</div>
              <div className="text-xs text-slate-500">{t.label}</div>
            </div>
          ))}
        </div>
        <div className="flex flex-col items-end gap-1">
          {canSync && (
            <syncAll.Form method="post" action={`/orgs/${orgId}/sync-status`}>
              <Button disabled={syncAll.state !== 'idle'}>{syncAll.state !== 'idle' ? 'Queuing…' : 'Sync all'}</Button>
            </syncAll.Form>
          )}
          <span className="text-xs text-slate-500">Last sync {formatDateTime(summary.lastSyncAt)}</span>
        </div>
      </div>
      <Toast outcome={toast} />
    </section>
  );
}
