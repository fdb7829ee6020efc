/**
 * One sync on the integration's Syncs & schedules page: its schedule (cron editor with a live preview of the next
 * runs, in the sync's own timezone), mode, enable/pause, run now and delete. Each card shows the outcomes of its
 * own changes; the page's action answers them.
 */
import { useEffect, useRef, useState } from 'react';
import { Link, useFetcher, type FetcherWithComponents } from 'react-router';
import { useUnsavedChanges } from './unsaved-changes';
import type { loader, SyncOutcome } from '~/routes/integration-syncs';
import { draftFromSchedule, formatInZone, normaliseCron, scheduleFromDraft, type CronDraft, type Schedule } from '~/lib/cron';
import type { Provider, Sync } from '~/lib/types';
import { CronEditor, SchedulePreviewPanel, type SchedulePreviewState } from '~/components/cron-editor';
import { Button, Card, errorAttributes, Field, Select, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { SelectionEditor } from '~/components/selection-editor';
import { TwoWayEditor } from '~/components/two-way-editor';
import { Time } from './time';

const resourceName = (provider: Provider | null, key: string) => provider?.resources.find((r) => r.key === key)?.name ?? key;

const sameSchedule = (a: Schedule | null, b: Schedule | null) =>
  a === b || (!!a && !!b && normaliseCron(a.cron) === normaliseCron(b.cron) && a.timezone === b.timezone);

export function SyncCard({
  sync,
  provider,
  canEdit,
  initialPreview,
  timezones,
  fallbackTz,
  deleteFetcher,
  historyHref,
}: {
  sync: Sync;
  provider: Provider | null;
  canEdit: boolean;
  initialPreview: SchedulePreviewState | null;
  timezones: string[];
  fallbackTz: string;
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
  // While a save is on its way (and the page reloads its data after it), the edits are not at risk.
  useUnsavedChanges(dirty && save.state === 'idle');
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

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
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

        <div className="space-y-3 self-start rounded-md bg-white text-sm lg:border-l lg:border-slate-100 lg:pl-6">
          <dl className="space-y-3">
            <div>
              <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Next run</dt>
              <dd className="mt-0.5 text-slate-800">
                {!sync.enabled ? (
                  <span className="text-slate-500">Disabled</span>
                ) : !sync.nextRunAt ? (
                  <span className="text-slate-500">{sync.schedule ? 'Not scheduled' : 'Manual only'}</span>
                ) : (
                  <>
                    {sync.schedule ? formatInZone(sync.nextRunAt, sync.schedule.timezone) : <Time at={sync.nextRunAt} format="short" />}
                    <span className="block text-xs text-slate-500">
                      <Time at={sync.nextRunAt} />
                    </span>
                  </>
                )}
              </dd>
            </div>
            <div>
              <dt className="text-xs font-semibold uppercase tracking-wide text-slate-500">Last run</dt>
              <dd className="mt-0.5 text-slate-800">
                {sync.lastRunAt ? (
                  <>
                    <Time at={sync.lastRunAt} />
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
          </dl>
          <div className="flex gap-3 pt-1 text-sm">
            <Link to={historyHref} className="font-medium text-brand-700 hover:underline">
              History →
            </Link>
            <Link to={`../mappings?syncId=${sync.id}`} relative="path" className="font-medium text-brand-700 hover:underline">
              Mappings →
            </Link>
          </div>
        </div>
      </div>
      <TwoWayEditor sync={sync} resource={resourceInfo} canEdit={canEdit} />
      <SelectionEditor sync={sync} resource={resourceInfo} canEdit={canEdit} />
      <Toast outcome={toast} />
    </Card>
  );
}
