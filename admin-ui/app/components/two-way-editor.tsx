/**
 * Two-way sync on a sync's card: the direction (pull, push, both ways), the conflict strategy (each with its one-line
 * meaning) and a link to the outbound mappings. A refusal lands on the input it names (`/direction`,
 * `/conflictResolution`); leaving with unsaved choices asks first, like the other editors.
 */
import { useState } from 'react';
import { Link, useFetcher } from 'react-router';
import type { SyncOutcome } from '~/routes/integration-syncs';
import { DIRECTIONS, STRATEGIES, writesToProvider, type ConflictStrategy, type Direction } from '~/lib/two-way';
import type { Provider, Sync } from '~/lib/types';
import { Button, errorAttributes, Field, Select, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { useUnsavedChanges } from '~/components/unsaved-changes';

type ResourceInfo = Provider['resources'][number];

export function TwoWayEditor({ sync, resource, canEdit }: { sync: Sync; resource: ResourceInfo | undefined; canEdit: boolean }) {
  const fetcher = useFetcher<SyncOutcome>();
  const toast = useToast([fetcher.data]);
  const [direction, setDirection] = useState<Direction>(sync.direction);
  const [strategy, setStrategy] = useState<ConflictStrategy>(sync.conflictResolution);
  // The last save's field errors show until a choice changes or the form is sent again.
  const [dismissed, setDismissed] = useState<SyncOutcome | undefined>(undefined);
  const errors = fetcher.data && !fetcher.data.ok && fetcher.data !== dismissed ? (fetcher.data.fieldErrors ?? {}) : {};
  const dirty = direction !== sync.direction || strategy !== sync.conflictResolution;
  useUnsavedChanges(dirty && fetcher.state === 'idle');
  const writable = resource?.writable ?? false;
  const id = `sync-${sync.id}-twoway`;
  const outbound = sync.outboundMappings.length;
  const mappingsHref = `../mappings?syncId=${sync.id}&side=outbound`;
  const hint = DIRECTIONS.find((d) => d.key === direction)?.hint;

  return (
    <fetcher.Form
      method="post"
      className="space-y-4 border-t border-slate-100 pt-4"
      aria-labelledby={`${id}-title`}
      onSubmit={() => setDismissed(fetcher.data)}
      data-two-way-editor
    >
      <input type="hidden" name="intent" value="twoway" />
      <input type="hidden" name="syncId" value={sync.id} />
      <div>
        <h3 id={`${id}-title`} className="text-sm font-semibold text-slate-900">
          Two-way sync
        </h3>
        <p className="text-xs text-slate-500">
          {writable
            ? 'Write your changes back to the provider, and choose what happens when a record changed on both sides.'
            : 'This resource has no write endpoints: its sync can only pull.'}
        </p>
      </div>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-[16rem_minmax(0,1fr)]">
        <div className="space-y-3">
          <Field label="Direction" htmlFor={`${id}-direction`} error={errors.direction} hint={hint}>
            <Select
              id={`${id}-direction`}
              name="direction"
              value={direction}
              disabled={!canEdit}
              onChange={(e) => {
                setDirection(e.target.value as Direction);
                setDismissed(fetcher.data);
              }}
              {...errorAttributes(`${id}-direction`, errors.direction)}
            >
              {DIRECTIONS.map((d) => (
                <option key={d.key} value={d.key} disabled={d.key !== 'pull' && !writable && d.key !== sync.direction}>
                  {d.label}
                </option>
              ))}
            </Select>
          </Field>
          <p className="text-sm">
            <Link to={mappingsHref} relative="path" className="font-medium text-brand-700 hover:underline" data-outbound-link>
              Outbound mappings ({outbound ? `${outbound} field${outbound === 1 ? '' : 's'}` : 'your fields as they are'}) →
            </Link>
          </p>
        </div>
        <fieldset aria-describedby={errors.conflictResolution ? `${id}-strategy-error` : undefined}>
          <legend className="text-sm font-medium text-slate-700">When a record changed on both sides</legend>
          {!writesToProvider(direction) && <p className="text-xs text-slate-500">Used once the sync pushes changes.</p>}
          <div className="mt-1 grid grid-cols-1 gap-2 sm:grid-cols-2">
            {STRATEGIES.map((s) => (
              <label
                key={s.key}
                className={`flex cursor-pointer gap-2 rounded-md p-2.5 text-sm ring-1 ring-inset ${strategy === s.key ? 'bg-brand-50 ring-brand-600/40' : 'ring-slate-200 hover:bg-slate-50'}`}
              >
                <input
                  type="radio"
                  name="conflictResolution"
                  value={s.key}
                  checked={strategy === s.key}
                  disabled={!canEdit}
                  onChange={() => {
                    setStrategy(s.key);
                    setDismissed(fetcher.data);
                  }}
                  className="mt-0.5 size-4 border-slate-300 text-brand-600 focus:ring-brand-600"
                  aria-invalid={errors.conflictResolution ? true : undefined}
                />
                <span>
                  <span className="font-medium text-slate-900">{s.label}</span>
                  <span className="block text-xs text-slate-600">{s.hint}</span>
                </span>
              </label>
            ))}
          </div>
          {errors.conflictResolution && (
            <p className="mt-1 text-sm text-red-700" id={`${id}-strategy-error`} role="alert">
              {errors.conflictResolution}
            </p>
          )}
        </fieldset>
      </div>
      {canEdit && (
        <div className="flex flex-wrap items-center justify-end gap-3">
          {dirty && <span className="text-xs text-amber-700">Unsaved changes</span>}
          {dirty && (
            <Button
              type="button"
              variant="ghost"
              onClick={() => {
                setDirection(sync.direction);
                setStrategy(sync.conflictResolution);
                setDismissed(fetcher.data);
              }}
            >
              Reset
            </Button>
          )}
          <Button disabled={!dirty || fetcher.state !== 'idle'}>{fetcher.state !== 'idle' ? 'Saving…' : 'Save two-way settings'}</Button>
        </div>
      )}
      <Toast outcome={toast} />
    </fetcher.Form>
  );
}
