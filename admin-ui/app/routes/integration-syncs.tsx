import { useEffect, useRef, useState } from 'react';
import { Link, useFetcher, type FetcherWithComponents } from 'react-router';
import type { Route } from './+types/integration-syncs';
import { api, formOutcome, loaded, outcome, redirectToLogin, settled, type ActionOutcome } from '~/lib/api.server';
import { formErrorOf } from '~/lib/form-errors';
import {
  draftFromSchedule,
  formatInZone,
  normaliseCron,
  scheduleFromDraft,
  supportedTimezones,
  type CronDraft,
  type Schedule,
} from '~/lib/cron';
import { formatDateTime, formatRelative } from '~/lib/format';
import type { Provider, RequestBody, Sync } from '~/lib/types';
import { CronEditor, SchedulePreviewPanel, type SchedulePreviewState } from '~/components/cron-editor';
import { Button, Card, EmptyState, ErrorNote, errorAttributes, Field, Select, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
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

const resourceName = (provider: Provider | null, key: string) => provider?.resources.find((r) => r.key === key)?.name ?? key;

export default function IntegrationSyncs({ loaderData, params }: Route.ComponentProps) {
  const { integration, provider, syncs } = useIntegration();
  const { permissions } = useOrg();
  const createFetcher = useFetcher<SyncOutcome>();
  const deleteFetcher = useFetcher<SyncOutcome>();
  // Each sync's card shows the outcomes of its own changes.
  const toast = useToast([createFetcher.data, deleteFetcher.data]);

  const fallbackTz = syncs.find((s) => s.schedule)?.schedule?.timezone ?? 'UTC';
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
            now={loaderData.now}
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
  const [resource, setResource] = useState(
    provider.resources.find((r) => !syncs.some((s) => s.resource === r.key))?.key ?? provider.resources[0]?.key ?? '',
  );
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
              {provider.resources.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.name}
                  {syncs.some((s) => s.resource === r.key) ? ' (has a sync)' : ''}
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

const sameSchedule = (a: Schedule | null, b: Schedule | null) =>
  a === b || (!!a && !!b && normaliseCron(a.cron) === normaliseCron(b.cron) && a.timezone === b.timezone);

function SyncCard({
  sync,
  provider,
  canEdit,
  initialPreview,
  timezones,
  fallbackTz,
  now,
  deleteFetcher,
  historyHref,
}: {
  sync: Sync;
  provider: Provider | null;
  canEdit: boolean;
  initialPreview: SchedulePreviewState | null;
  timezones: string[];
  fallbackTz: string;
  now: number;
  deleteFetcher: FetcherWithComponents<SyncOutcome>;
  historyHref: string;
}) {
  const save = useFetcher<SyncOutcome>();
  const toggle = useFetcher<SyncOutcome>();
  const run = useFetcher<SyncOutcome>();
  const previewFetcher = useFetcher<typeof loader>();
  const [draft, setDraft] = useState<CronDraft>(() => draftFromSchedule(sync.schedule, fallbackTz));
  const [mode, setMode] = useState(sync.mode);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const toast = useToast([save.data, toggle.data, run.data]);
  // The last save's field errors show until the schedule is edited, reset or submitted again.
  const [dismissed, setDismissed] = useState<SyncOutcome | undefined>(undefined);
  const saveErrors: { cron?: string; timezone?: string; mode?: string } =
    save.data && !save.data.ok && save.data !== dismissed ? (save.data.fieldErrors ?? {}) : {};
  const clearSaveErrors = () => setDismissed(save.data);
  // A saved custom expression that is a preset shows as that preset from now on (adjusted during render,
  // when the save's answer arrives).
  const [answered, setAnswered] = useState(save.data);
  if (save.data !== answered) {
    setAnswered(save.data);
    if (save.data?.ok) setDraft((d) => ({ ...draftFromSchedule(scheduleFromDraft(d), d.timezone), timezone: d.timezone }));
  }
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);

  const schedule = scheduleFromDraft(draft);
  const scheduleKey = schedule ? `${schedule.cron}|${schedule.timezone}` : '';
  // Live preview: ask the API (through this route's loader) a moment after the user stops typing.
  useEffect(() => {
    if (!canEdit || !schedule || !schedule.cron || sameSchedule(schedule, sync.schedule)) return;
    const t = setTimeout(() => previewFetcher.load(`?${new URLSearchParams({ cron: schedule.cron, timezone: schedule.timezone })}`), 350);
    return () => clearTimeout(t);
  }, [scheduleKey]); // eslint-disable-line react-hooks/exhaustive-deps

  const fetched = previewFetcher.data?.preview ?? null;
  const preview =
    schedule && sameSchedule(schedule, sync.schedule)
      ? initialPreview
      : fetched && schedule && sameSchedule(schedule, fetched)
        ? fetched
        : null;
  const pending = previewFetcher.state !== 'idle' || (!!schedule && !!schedule.cron && !preview);
  const dirty = !sameSchedule(schedule, sync.schedule) || mode !== sync.mode;
  const name = resourceName(provider, sync.resource);
  const resourceInfo = provider?.resources.find((r) => r.key === sync.resource);
  const id = `sync-${sync.id}`;

  const actions = canEdit && (
    <>
      <toggle.Form method="post">
        <input type="hidden" name="intent" value="toggle" />
        <input type="hidden" name="syncId" value={sync.id} />
        <input type="hidden" name="enabled" value={String(!sync.enabled)} />
        <button
          type="submit"
          role="switch"
          aria-checked={sync.enabled}
          disabled={toggle.state !== 'idle'}
          className="group inline-flex items-center gap-2 rounded-md px-2 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-60"
        >
          <span
            aria-hidden
            className={`relative inline-flex h-5 w-9 shrink-0 rounded-full transition ${sync.enabled ? 'bg-brand-600' : 'bg-slate-300'}`}
          >
            <span className={`absolute top-0.5 size-4 rounded-full bg-white shadow transition ${sync.enabled ? 'left-4.5' : 'left-0.5'}`} />
          </span>
          {sync.enabled ? 'Enabled' : 'Disabled'}
          <span className="sr-only">
            : {sync.enabled ? 'disable' : 'enable'} the {name} sync
          </span>
        </button>
      </toggle.Form>
      <run.Form method="post">
        <input type="hidden" name="intent" value="run" />
        <input type="hidden" name="syncId" value={sync.id} />
        <Button variant="secondary" disabled={run.state !== 'idle'}>
          {run.state !== 'idle' ? 'Queuing…' : 'Run now'}
        </Button>
      </run.Form>
      <Button
        type="button"
        variant="ghost"
        className="text-red-700 hover:bg-red-50"
        onClick={() => setConfirming(true)}
        aria-expanded={confirming}
      >
        Delete<span className="sr-only"> the {name} sync</span>
      </Button>
    </>
  );

  return (
    <Card
      className="overflow-hidden"
      actions={actions}
      title={
        <span className="flex flex-wrap items-center gap-2">
          <span className="text-base">{name}</span>
          <code className="rounded bg-slate-100 px-1.5 py-0.5 text-xs font-normal text-slate-600">{sync.resource}</code>
          <span className="rounded-full bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-600 ring-1 ring-inset ring-slate-500/20">
            {sync.mode}
          </span>
          {!canEdit && (
            <span
              className={`rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${sync.enabled ? 'bg-emerald-50 text-emerald-700 ring-emerald-600/20' : 'bg-slate-100 text-slate-600 ring-slate-500/20'}`}
            >
              {sync.enabled ? 'Enabled' : 'Disabled'}
            </span>
          )}
        </span>
      }
    >
      {confirming && (
        <div
          role="alertdialog"
          aria-labelledby={`${id}-confirm`}
          className="mb-4 flex flex-wrap items-center justify-between gap-3 rounded-md bg-red-50 px-4 py-3 ring-1 ring-inset ring-red-600/20"
          onKeyDown={(e) => {
            if (e.key === 'Escape') setConfirming(false);
          }}
        >
          <p id={`${id}-confirm`} className="text-sm text-red-800">
            Delete the <strong>{name}</strong> sync with its run history and logs? This cannot be undone.
          </p>
          <div className="flex gap-2">
            <Button type="button" variant="secondary" ref={confirmRef} onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <deleteFetcher.Form method="post">
              <input type="hidden" name="intent" value="delete" />
              <input type="hidden" name="syncId" value={sync.id} />
              <Button variant="danger" disabled={deleteFetcher.state !== 'idle'}>
                {deleteFetcher.state !== 'idle' ? 'Deleting…' : 'Delete sync'}
              </Button>
            </deleteFetcher.Form>
          </div>
        </div>
      )}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
        <div>
          {canEdit ? (
            <save.Form method="post" className="space-y-4" onSubmit={clearSaveErrors}>
              <input type="hidden" name="intent" value="save" />
              <input type="hidden" name="syncId" value={sync.id} />
              <input type="hidden" name="schedule" value={schedule ? 'cron' : 'manual'} />
              <input type="hidden" name="cron" value={schedule?.cron ?? ''} />
              <input type="hidden" name="timezone" value={schedule?.timezone ?? ''} />
              <CronEditor
                id={id}
                draft={draft}
                onChange={(d) => {
                  setDraft(d);
                  clearSaveErrors();
                }}
                timezones={timezones}
                preview={preview}
                pending={pending}
                errors={saveErrors}
              />
              <div className="flex flex-wrap items-end gap-4 border-t border-slate-100 pt-4">
                <div className="w-64">
                  <Field
                    label="Mode"
                    htmlFor={`${id}-mode`}
                    error={saveErrors.mode}
                    hint={resourceInfo?.incremental === false ? 'This resource supports full syncs only' : undefined}
                  >
                    <Select
                      id={`${id}-mode`}
                      name="mode"
                      value={mode}
                      onChange={(e) => setMode(e.target.value as Sync['mode'])}
                      {...errorAttributes(`${id}-mode`, saveErrors.mode)}
                    >
                      <option value="full">Full (all records)</option>
                      <option value="incremental" disabled={resourceInfo?.incremental === false}>
                        Incremental (changes only)
                      </option>
                    </Select>
                  </Field>
                </div>
                <div className="ml-auto flex items-center gap-3">
                  {dirty && <span className="text-xs text-amber-700">Unsaved changes</span>}
                  {dirty && (
                    <Button
                      type="button"
                      variant="ghost"
                      onClick={() => {
                        setDraft(draftFromSchedule(sync.schedule, fallbackTz));
                        setMode(sync.mode);
                        clearSaveErrors();
                      }}
                    >
                      Reset
                    </Button>
                  )}
                  <Button disabled={!dirty || save.state !== 'idle'}>{save.state !== 'idle' ? 'Saving…' : 'Save schedule'}</Button>
                </div>
              </div>
            </save.Form>
          ) : (
            <div className="space-y-3">
              {sync.schedule && (
                <p className="text-xs text-slate-500">
                  Cron: <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700">{sync.schedule.cron}</code> ·{' '}
                  {sync.schedule.timezone}
                </p>
              )}
              <SchedulePreviewPanel id={id} schedule={sync.schedule} preview={initialPreview} />
            </div>
          )}
        </div>

        <dl className="space-y-3 self-start rounded-md bg-white text-sm lg:border-l lg:border-slate-100 lg:pl-6">
          <div>
            <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Next run</dt>
            <dd className="mt-0.5 text-slate-800">
              {!sync.enabled ? (
                <span className="text-slate-500">Disabled</span>
              ) : !sync.nextRunAt ? (
                <span className="text-slate-500">{sync.schedule ? 'Not scheduled' : 'Manual only'}</span>
              ) : (
                <>
                  {sync.schedule ? formatInZone(sync.nextRunAt, sync.schedule.timezone) : formatDateTime(sync.nextRunAt)}
                  <span className="block text-xs text-slate-500">{formatRelative(sync.nextRunAt, now)}</span>
                </>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Last run</dt>
            <dd className="mt-0.5 text-slate-800">
              {sync.lastRunAt ? (
                <>
                  {formatDateTime(sync.lastRunAt)}
                  <span className="block text-xs text-slate-500">{formatRelative(sync.lastRunAt, now)}</span>
                </>
              ) : (
                <span className="text-slate-500">Never</span>
              )}
            </dd>
          </div>
          <div>
            <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Mode</dt>
            <dd className="mt-0.5 text-slate-800">
              {sync.mode === 'full' ? 'Full: all records each run' : 'Incremental: changes since the last run'}
            </dd>
          </div>
          <div className="flex gap-3 pt-1 text-sm">
            <Link to={historyHref} className="font-medium text-brand-700 hover:underline">
              History →
            </Link>
            <Link to={`../mappings?syncId=${sync.id}`} relative="path" className="font-medium text-brand-700 hover:underline">
              Mappings →
            </Link>
          </div>
        </dl>
      </div>
      <Toast outcome={toast} />
    </Card>
  );
}
