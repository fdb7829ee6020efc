import type { Route } from './+types/sync-status';
import { api, outcome, settled } from '~/lib/api.server';
import { loadSyncStatus } from '~/lib/sync-status.server';

/** The sync status widget's data (GET, polled every 30 s) and its "Sync all" action (POST). */
/**
 * A background widget must never take the page down: when the status cannot be read (organization
 * suspended, membership removed, session ended) the loader answers null and the widget hides itself.
 */
export async function loader({ context, params }: Route.LoaderArgs) {
  const summary = await loadSyncStatus(context, params.orgId);
  return { summary, at: new Date().toISOString() };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const res = await settled(api(context).POST('/api/orgs/{orgId}/sync-all', { params: { path: { orgId: params.orgId } } }));
  const queued = res.ok ? res.data.queued : 0;
  const total = res.ok ? res.data.total : 0;
  const message = queued === 0 && total > 0 ? `All ${total} syncs are already running or queued` : `Queued ${queued} of ${total} syncs`;
  return outcome(request, res, message, 'sync-all');
}
