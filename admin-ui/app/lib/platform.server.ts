import type { AppLoadContext } from 'react-router';
import { api, formOutcome, outcome, settled, type ActionOutcome } from './api.server';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Suspends or reactivates an organization (PATCH /api/orgs/:orgId { status }); the API allows the Platform Owner only. */
export async function changeTenantStatus(
  request: Request,
  context: AppLoadContext,
  form: FormData,
): Promise<ActionOutcome & { orgId?: string }> {
  const orgId = String(form.get('orgId') ?? '');
  const status = form.get('status');
  const name = String(form.get('name') ?? 'The organization');
  if (!UUID.test(orgId)) return { ok: false, intent: 'status', message: 'This organization could not be identified; reload the page.' };
  if (status !== 'active' && status !== 'suspended')
    return { ok: false, intent: 'status', orgId, message: 'Choose suspend or reactivate.' };
  const res = await settled(api(context).PATCH('/api/orgs/{orgId}', { params: { path: { orgId } }, body: { status } }));
  return {
    ...outcome(
      request,
      res,
      status === 'suspended' ? `${name} is suspended: its members are refused and its schedules stop` : `${name} is active again`,
      'status',
    ),
    orgId,
  };
}

/** Deletes an organization and all its data (DELETE /api/orgs/:orgId { confirm: slug }); the API allows the Platform Owner only. */
export async function deleteTenant(request: Request, context: AppLoadContext, form: FormData): Promise<ActionOutcome & { orgId?: string }> {
  const orgId = String(form.get('orgId') ?? '');
  const name = String(form.get('name') ?? 'The organization');
  if (!UUID.test(orgId)) return { ok: false, intent: 'delete', message: 'This organization could not be identified; reload the page.' };
  const confirm = String(form.get('confirm') ?? '').trim();
  const res = await settled(api(context).DELETE('/api/orgs/{orgId}', { params: { path: { orgId } }, body: { confirm } }));
  return { ...formOutcome(request, res, `${name} is deleted with all its data`, ['confirm'], 'delete'), orgId };
}
