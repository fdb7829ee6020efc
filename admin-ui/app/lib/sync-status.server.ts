import type { AppLoadContext } from 'react-router';
import { callApi } from './api.server';
import type { Integration, IntegrationStatus, Page, Run } from './types';

export interface SyncStatusSummary {
  byStatus: Record<IntegrationStatus, number>;
  total: number;
  running: number;
  queued: number;
  lastFinishedAt: string | null;
  lastFailedAt: string | null;
}

const STATUSES: IntegrationStatus[] = ['ACTIVE', 'SYNCING', 'ERROR', 'PAUSED', 'INACTIVE'];

/** Counts for the sync status widget: integrations by status and the runs in flight. Null when not readable. */
export async function loadSyncStatus(context: AppLoadContext, orgId: string): Promise<SyncStatusSummary | null> {
  const [integrations, running, queued, recent] = await Promise.all([
    callApi<Page<Integration>>(context, 'GET', `/api/orgs/${orgId}/integrations?limit=200`),
    callApi<Page<Run>>(context, 'GET', `/api/orgs/${orgId}/runs?status=running&limit=200`),
    callApi<Page<Run>>(context, 'GET', `/api/orgs/${orgId}/runs?status=queued&limit=200`),
    callApi<Page<Run>>(context, 'GET', `/api/orgs/${orgId}/runs?limit=20`),
  ]);
  if (!integrations.ok || !running.ok || !queued.ok || !recent.ok) return null;
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<IntegrationStatus, number>;
  for (const i of integrations.data.items) byStatus[i.status] += 1;
  const finished = recent.data.items.filter((r) => r.finishedAt);
  return {
    byStatus,
    total: integrations.data.items.length,
    running: running.data.items.length,
    queued: queued.data.items.length,
    lastFinishedAt: finished[0]?.finishedAt ?? null,
    lastFailedAt: finished.find((r) => r.status === 'failed')?.finishedAt ?? null,
  };
}
