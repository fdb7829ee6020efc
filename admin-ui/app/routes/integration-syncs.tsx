import { useState } from 'react';
import { useFetcher, type FetcherWithComponents } from 'react-router';
import type { Route } from './+types/integration-syncs';
import { api, formOutcome, loaded, outcome, redirectToLogin, settled, type ActionOutcome } from '~/lib/api.server';
import { formErrorOf } from '~/lib/form-errors';
import { fieldsOf, filterOf } from '~/lib/selective';
import { supportedTimezones } from '~/lib/cron';
import type { Provider, RequestBody, Sync } from '~/lib/types';
import type { SchedulePreviewState } from '~/components/cron-editor';
import { Button, Card, EmptyState, ErrorNote, errorAttributes, Field, Select, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { SyncCard } from '~/components/sync-card';
import { resourceChoices } from '~/lib/sync-resources';
import { useIntegration } from './integration-layout';
import { useOrg } from './org-layout';

type AppContext = Route.LoaderArgs['context'];

async function schedulePreview(
  request: Request,
  context: AppContext,
  orgId: string,
  cron: string,
  timezone: string,
): Promise<SchedulePreviewState> {
  const res = await settled(
    api(context).GET('/api/orgs/{orgId}/schedule-preview', { params: { path: { orgId }, query: { cron, timezone, count: 5 } } }),
  );
  if (res.ok) return { ok: true, cron, timezone, nextRuns: res.data.nextRuns };
  if (res.status === 401) throw redirectToLogin(request);
  const { field, message } = formErrorOf(res, { 'query.cron': 'cron', 'query.timezone': 'timezone' });
  return { ok: false, cron, timezone, message, ...(field === 'cron' || field === 'timezone' ? { field } : {}) };
}

/**
 * The page's data: the next runs of each sync's saved schedule, and the timezones the server knows. With
 * `?cron=…&timezone=…` (the cron editor's fetcher) only the preview of that schedule.
 */
export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const cron = url.searchParams.get('cron');
  const timezone = url.searchParams.get('timezone');
  if (cron !== null && timezone !== null) {
    return {
      preview: await schedulePreview(request, context, params.orgId, cron, timezone),
      initial: {} as Record<string, SchedulePreviewState>,
      timezones: [] as string[],
      now: Date.now(),
    };
  }
  const syncs = await loaded(
    request,
    api(context).GET('/api/orgs/{orgId}/integrations/{id}/syncs', {
      params: { path: { orgId: params.orgId, id: params.integrationId }, query: { limit: 200 } },
    }),
  );
  const initial: Record<string, SchedulePreviewState> = {};
  await Promise.all(
    syncs.items
      .filter((s) => s.schedule)
      .map(async (s) => {
        initial[s.id] = await schedulePreview(request, context, params.orgId, s.schedule!.cron, s.schedule!.timezone);
      }),
  );
  return { preview: null, initial, timezones: supportedTimezones(), now: Date.now() };
}

export type SyncOutcome = ActionOutcome & { syncId?: string; fieldErrors?: Record<string, string> };

export async function action({ request, context, params }: Route.ActionArgs): Promise<SyncOutcome> {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const syncId = String(form.get('syncId') ?? '');
  const syncPath = { orgId: params.orgId, syncId };
  switch (intent) {
    case 'create': {
      const resource = String(form.get('resource') ?? '');
      const mode = String(form.get('mode') ?? 'full');
      if (!resource) return { ok: false, intent, message: 'Choose a resource to sync.', fieldErrors: { resource: 'Choose a resource' } };
      const res = await settled(
        api(context).POST('/api/orgs/{orgId}/integrations/{id}/syncs', {
          params: { path: { orgId: params.orgId, id: params.integrationId } },
          body: { resource, mode: mode as Sync['mode'], enabled: true },
        }),
      );
      const out = formOutcome(
        request,
        res,
        `Sync added. It runs only when started until you give it a schedule.`,
        ['resource', 'mode'],
        intent,
      );
      return { ...out, syncId: res.ok ? res.data.id : undefined };
    }
    case 'save': {
      const manual = form.get('schedule') === 'manual';
      const schedule = manual ? null : { cron: String(form.get('cron') ?? ''), timezone: String(form.get('timezone') ?? '') };
      const body: Record<string, unknown> = { schedule };
      const mode = form.get('mode');
      if (mode === 'full' || mode === 'incremental') body.mode = mode;
      const res = await settled(
        api(context).PATCH('/api/orgs/{orgId}/syncs/{syncId}', {
          params: { path: syncPath },
          body: body as RequestBody<'/api/orgs/{orgId}/syncs/{syncId}', 'patch'>,
        }),
      );
      const done = manual ? 'Schedule removed: the sync runs only when started.' : 'Schedule saved.';
      return {
        ...formOutcome(request, res, done, { 'schedule.cron': 'cron', 'schedule.timezone': 'timezone', mode: 'mode' }, intent),
        syncId,
      };
    }
    case 'selection': {
      const count = Math.min(Number(form.get('filterCount') ?? 0) || 0, 100);
      const rows = Array.from({ length: count }, (_, i) => ({
        field: String(form.get(`filter.${i}.field`) ?? ''),
        op: String(form.get(`filter.${i}.op`) ?? 'eq'),
        value: String(form.get(`filter.${i}.value`) ?? ''),
      }));
      const fieldsText = form.get('fields');
      const body = {
        ...(fieldsText === null ? {} : { fields: fieldsOf(String(fieldsText)) }),
        filters: rows.map(filterOf),
      };
      const res = await settled(
        api(context).PATCH('/api/orgs/{orgId}/syncs/{syncId}', {
          params: { path: syncPath },
          body: body as RequestBody<'/api/orgs/{orgId}/syncs/{syncId}', 'patch'>,
        }),
      );
      // `/filters/2/value` lands on the input named filters.2.value.
      const inputs = ['fields', ...rows.flatMap((_, i) => [`filters.${i}.field`, `filters.${i}.op`, `filters.${i}.value`])];
      return { ...formOutcome(request, res, 'Selection saved: the next run lists everything once.', inputs, intent), syncId };
    }
    case 'twoway': {
      const body = { direction: String(form.get('direction') ?? ''), conflictResolution: String(form.get('conflictResolution') ?? '') };
      const res = await settled(
        api(context).PATCH('/api/orgs/{orgId}/syncs/{syncId}', {
          params: { path: syncPath },
          body: body as RequestBody<'/api/orgs/{orgId}/syncs/{syncId}', 'patch'>,
        }),
      );
      return { ...formOutcome(request, res, 'Two-way settings saved.', ['direction', 'conflictResolution'], intent), syncId };
    }
    case 'toggle': {
      const enabled = form.get('enabled') === 'true';
      const res = await settled(api(context).PATCH('/api/orgs/{orgId}/syncs/{syncId}', { params: { path: syncPath }, body: { enabled } }));
      return {
        ...outcome(request, res, enabled ? 'Sync enabled: its schedule runs again.' : 'Sync disabled: its schedule is paused.', intent),
        syncId,
      };
    }
    case 'run': {
      const res = await settled(api(context).POST('/api/orgs/{orgId}/syncs/{syncId}/runs', { params: { path: syncPath } }));
      if (!res.ok && res.status === 409) {
        return {
          ok: false,
          intent,
          syncId,
          message: /already/i.test(res.message) ? `Already running: ${res.message}. Follow it in History.` : res.message,
        };
      }
      return { ...outcome(request, res, 'Run queued. Follow it in History.', intent), syncId };
    }
    case 'delete': {
      const res = await settled(api(context).DELETE('/api/orgs/{orgId}/syncs/{syncId}', { params: { path: syncPath } }));
      return { ...outcome(request, res, 'Sync deleted with its history.', intent), syncId };
    }
    default:
      return { ok: false, intent, message: 'Unknown action.' };
  }
}

export const meta: Route.MetaFunction = ({ matches }) => {
  const layout = matches.find((m) => m?.id === 'routes/integration-layout')?.data as { integration?: { name: string } } | undefined;
  return [{ title: `Syncs & schedules · ${layout?.integration?.name ?? 'Integration'} · Linkyard` }];
};

export default function IntegrationSyncs({ loaderData, params }: Route.ComponentProps) {
  const { integration, provider, syncs } = useIntegration();
  const { org, permissions } = useOrg();
  const createFetcher = useFetcher<SyncOutcome>();
  const deleteFetcher = useFetcher<SyncOutcome>();
  // Each sync's card shows the outcomes of its own changes.
  const toast = useToast([createFetcher.data, deleteFetcher.data]);

  // A new schedule starts in the organization's default time zone (its settings page).
  const fallbackTz = org.defaultTimezone;
  const historyHref = `/orgs/${params.orgId}/integrations/${params.integrationId}/history`;

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 className="text-lg font-semibold text-slate-900">Syncs & schedules</h2>
          <p className="text-sm text-slate-600">
            Each sync copies one {provider?.name ?? integration.provider} resource on its own schedule. Times are in the schedule's
            timezone.
          </p>
        </div>
      </div>
      {integration.status === 'PAUSED' && (
        <div role="note" className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-800 ring-1 ring-inset ring-amber-600/20">
          This integration is paused: schedules do not fire until it is resumed in Settings.
        </div>
      )}

      {syncs.length === 0 ? (
        <EmptyState
          title="No syncs yet"
          description={`A sync copies one resource (such as ${
            provider?.resources
              .slice(0, 2)
              .map((r) => r.name)
              .join(' or ') || 'contacts'
          }) from ${provider?.name ?? 'the provider'} on a schedule you choose.`}
          action={!permissions.edit ? <span className="text-sm text-slate-500">Ask an admin to add one.</span> : undefined}
        />
      ) : (
        syncs.map((sync) => (
          <SyncCard
            key={sync.id}
            sync={sync}
            provider={provider}
            canEdit={permissions.edit}
            initialPreview={loaderData.initial[sync.id] ?? null}
            timezones={loaderData.timezones}
            fallbackTz={fallbackTz}
            deleteFetcher={deleteFetcher}
            historyHref={historyHref}
          />
        ))
      )}

      {permissions.edit && provider && <AddSync provider={provider} syncs={syncs} fetcher={createFetcher} />}
      {!provider && (
        <ErrorNote>The provider "{integration.provider}" is no longer in the catalog; its resources cannot be listed.</ErrorNote>
      )}
      <Toast outcome={toast} />
    </div>
  );
}

function AddSync({ provider, syncs, fetcher }: { provider: Provider; syncs: Sync[]; fetcher: FetcherWithComponents<SyncOutcome> }) {
  // One sync per resource: those that have one are shown, disabled.
  const { choices, firstFree } = resourceChoices(provider.resources, syncs);
  const [picked, setResource] = useState(firstFree ?? '');
  // Once a sync of the picked resource exists (just added), the next free one is picked.
  const resource = choices.some((c) => c.key === picked && !c.taken) ? picked : (firstFree ?? '');
  const info = provider.resources.find((r) => r.key === resource);
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors ?? {}) : {};
  const busy = fetcher.state !== 'idle';
  return (
    <Card title="Add sync">
      <fetcher.Form method="post" className="flex flex-wrap items-start gap-4">
        <input type="hidden" name="intent" value="create" />
        <div className="w-64">
          <Field label="Resource" htmlFor="new-resource" error={errors.resource}>
            <Select
              id="new-resource"
              name="resource"
              value={resource}
              onChange={(e) => setResource(e.target.value)}
              {...errorAttributes('new-resource', errors.resource)}
            >
              {!firstFree && <option value="">Every resource has a sync</option>}
              {choices.map((r) => (
                <option key={r.key} value={r.key} disabled={r.taken}>
                  {r.name}
                  {r.taken ? ' (has a sync)' : ''}
                </option>
              ))}
            </Select>
          </Field>
        </div>
        <div className="w-64">
          <Field
            label="Mode"
            htmlFor="new-mode"
            error={errors.mode}
            hint={info?.incremental === false ? `${info.name}: full syncs only` : 'Incremental fetches only changes'}
          >
            <Select id="new-mode" name="mode" defaultValue="full" {...errorAttributes('new-mode', errors.mode)}>
              <option value="full">Full (all records)</option>
              <option value="incremental" disabled={info?.incremental === false}>
                Incremental (changes only)
              </option>
            </Select>
          </Field>
        </div>
        <div className="pt-6">
          <Button disabled={busy || !resource}>{busy ? 'Adding…' : 'Add sync'}</Button>
        </div>
      </fetcher.Form>
    </Card>
  );
}
