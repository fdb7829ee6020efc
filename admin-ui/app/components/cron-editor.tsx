import {
  changePreset,
  DAY_NAMES,
  describeSchedule,
  formatInZone,
  groupTimezones,
  normaliseCron,
  PRESETS,
  scheduleFromDraft,
  type CronDraft,
  type PresetKind,
} from '~/lib/cron';
import { requestBodyLimits } from '~/lib/api-field-limits.generated';
import { Field, Input, Select } from './ui';

const CRON_MAX_LENGTH = requestBodyLimits['PATCH /api/orgs/{orgId}/syncs/{syncId}']['schedule.cron'].maxLength;

/**
 * What the schedule-preview API said about the current expression; a refusal names the input at fault
 * (the error's `field`), else it is about the expression.
 */
export type SchedulePreviewState =
  | { ok: true; cron: string; timezone: string; nextRuns: string[] }
  | { ok: false; cron: string; timezone: string; message: string; field?: 'cron' | 'timezone' };

/**
 * The cron editor: a preset (or a custom expression), a time and a day where the preset needs them, the
 * timezone, the schedule in words, and the next run times the API computed. Controlled: the parent holds
 * the draft and fetches the preview.
 */
export function CronEditor({
  id,
  draft,
  onChange,
  timezones,
  preview,
  pending = false,
  errors = {},
}: {
  id: string;
  draft: CronDraft;
  onChange: (draft: CronDraft) => void;
  timezones: readonly string[];
  preview: SchedulePreviewState | null;
  pending?: boolean;
  /** Errors from saving (they win over the preview's). */
  errors?: { cron?: string; timezone?: string };
}) {
  const schedule = scheduleFromDraft(draft);
  const previewError = preview && !preview.ok ? preview : null;
  const previewOn = (field: 'cron' | 'timezone') =>
    previewError && (previewError.field ?? 'cron') === field ? previewError.message : undefined;
  const cronError = errors.cron ?? previewOn('cron');
  const tzError = errors.timezone ?? previewOn('timezone');
  const needsTime = draft.preset === 'daily' || draft.preset === 'weekdays' || draft.preset === 'weekly';
  const zones = timezones.includes(draft.timezone) ? timezones : [draft.timezone, ...timezones];

  return (
    <div className="space-y-4" data-cron-editor>
      <div className="grid grid-cols-2 gap-3 xl:grid-cols-3">
        <Field label="Frequency" htmlFor={`${id}-preset`}>
          <Select id={`${id}-preset`} value={draft.preset} onChange={(e) => onChange(changePreset(draft, e.target.value as PresetKind))}>
            {PRESETS.map((p) => (
              <option key={p.kind} value={p.kind}>
                {p.label}
              </option>
            ))}
          </Select>
        </Field>
        {draft.preset === 'weekly' && (
          <Field label="Day" htmlFor={`${id}-day`}>
            <Select id={`${id}-day`} value={draft.day} onChange={(e) => onChange({ ...draft, day: Number(e.target.value) })}>
              {[1, 2, 3, 4, 5, 6, 0].map((d) => (
                <option key={d} value={d}>
                  {DAY_NAMES[d]}
                </option>
              ))}
            </Select>
          </Field>
        )}
        {needsTime && (
          <Field label="Time" htmlFor={`${id}-time`}>
            <Input
              id={`${id}-time`}
              type="time"
              required
              value={draft.time}
              onChange={(e) => onChange({ ...draft, time: e.target.value })}
            />
          </Field>
        )}
        {draft.preset !== 'manual' && (
          <Field label="Timezone" htmlFor={`${id}-timezone`} error={tzError}>
            <Select
              id={`${id}-timezone`}
              value={draft.timezone}
              aria-invalid={tzError ? true : undefined}
              aria-describedby={tzError ? `${id}-timezone-error` : undefined}
              onChange={(e) => onChange({ ...draft, timezone: e.target.value })}
            >
              {groupTimezones(zones).map((g) => (
                <optgroup key={g.region} label={g.region}>
                  {g.zones.map((z) => (
                    <option key={z} value={z}>
                      {z.replace(/_/g, ' ')}
                    </option>
                  ))}
                </optgroup>
              ))}
            </Select>
          </Field>
        )}
      </div>

      {draft.preset === 'custom' ? (
        <Field
          label="Cron expression"
          htmlFor={`${id}-cron`}
          error={cronError}
          hint="5 fields: minute hour day-of-month month day-of-week (6 with seconds first), e.g. 0 9 * * 1-5"
        >
          <Input
            id={`${id}-cron`}
            value={draft.cron}
            maxLength={CRON_MAX_LENGTH}
            spellCheck={false}
            autoComplete="off"
            className="font-mono"
            aria-invalid={cronError ? true : undefined}
            aria-describedby={cronError ? `${id}-cron-error` : undefined}
            placeholder="0 9 * * 1-5"
            onChange={(e) => onChange({ ...draft, cron: e.target.value })}
          />
        </Field>
      ) : (
        <>
          {schedule && (
            <p className="text-xs text-slate-500">
              Cron: <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-700">{schedule.cron || '—'}</code>
            </p>
          )}
          {cronError && (
            <p className="text-sm text-red-700" role="alert" id={`${id}-cron-error`}>
              {cronError}
            </p>
          )}
        </>
      )}

      <SchedulePreviewPanel id={id} schedule={schedule} preview={preview} pending={pending} />
    </div>
  );
}

/** The schedule in words and its next run times (read-only; also used for viewers). */
export function SchedulePreviewPanel({
  id,
  schedule,
  preview,
  pending = false,
}: {
  id: string;
  schedule: { cron: string; timezone: string } | null;
  preview: SchedulePreviewState | null;
  pending?: boolean;
}) {
  const matches =
    preview && schedule && normaliseCron(preview.cron) === normaliseCron(schedule.cron) && preview.timezone === schedule.timezone;
  return (
    <div className="rounded-md bg-slate-50 px-4 py-3 ring-1 ring-inset ring-slate-200" aria-live="polite" id={`${id}-preview`}>
      <p className="text-sm font-medium text-slate-900" data-cron-description>
        {describeSchedule(schedule)}
      </p>
      {schedule && (
        <div className="mt-2">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">
            Next runs {pending && <span className="ml-1 font-normal normal-case text-slate-500">updating…</span>}
          </h4>
          {matches && preview.ok ? (
            <ol className="mt-1 space-y-0.5 text-sm tabular-nums text-slate-700" data-next-runs>
              {preview.nextRuns.map((t) => (
                <li key={t}>{formatInZone(t, preview.timezone)}</li>
              ))}
            </ol>
          ) : matches && !preview.ok ? (
            <p className="mt-1 text-sm text-slate-500">Fix the schedule to see its next runs.</p>
          ) : (
            <p className="mt-1 text-sm text-slate-500">{pending ? 'Calculating…' : 'Next runs appear here.'}</p>
          )}
        </div>
      )}
    </div>
  );
}
