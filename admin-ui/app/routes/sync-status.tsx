import { data } from 'react-router';
import type { Route } from './+types/sync-status';
import { callApi, outcome } from '~/lib/api.server';
import { loadSyncStatus } from '~/lib/sync-status.server';

/** The sync status widget's data (GET, polled every 30 s) and its "Sync all" action (POST). */
export async function loader({ context, params }: Route.LoaderArgs) {
  const summary = await loadSyncStatus(context, params.orgId);
  if (!summary) throw data({ message: 'Sync status is not available' }, { status: 404 });
  return { summary, at: new Date().toISOString() };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const res = await callApi<{ total: number; queued: number }>(context, 'POST', `/api/orgs/${params.orgId}/sync-all`);
  const queued = res.ok ? res.data.queued : 0;
  const total = res.ok ? res.data.total : 0;
  const message = queued === 0 && total > 0 ? `All ${total} syncs are already running or queued` : `Queued ${queued} of ${total} syncs`;
  return outcome(request, res, message, 'sync-all');
}
