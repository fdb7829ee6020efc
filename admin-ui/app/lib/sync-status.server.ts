import type { AppLoadContext } from 'react-router';
import { api, settled } from './api.server';
import type { ResponseBody } from './types';

/** GET /api/orgs/:orgId/sync-status */
export type SyncStatusSummary = ResponseBody<'/api/orgs/{orgId}/sync-status', 'get'>;

/** The status widget's figures; null when the caller may not read them (the widget then stays hidden). */
export async function loadSyncStatus(context: AppLoadContext, orgId: string): Promise<SyncStatusSummary | null> {
  const res = await settled(api(context).GET('/api/orgs/{orgId}/sync-status', { params: { path: { orgId } } }));
  return res.ok ? res.data : null;
}
