/**
 * An Admin's edit of one synced record in the records browser: each field's value, then "Push to the provider",
 * which queues a push run (POST …/syncs/:syncId/records with an Idempotency-Key made when the editor opened, so a
 * form sent twice writes once) and links to that run. A refusal naming a field (`/records/0/data/email`) shows on it.
 */
import { useId, useState } from 'react';
import { Link, useFetcher } from 'react-router';
import { changedFields, fieldsFromRecord, type EditableField } from '~/lib/record-edit';
import { Button, ErrorNote, Input } from '~/components/ui';
import { useUnsavedChanges } from '~/components/unsaved-changes';

export type PushOutcome =
  | { ok: true; message: string; intent: 'push'; runId: string; externalId: string }
  | { ok: false; message: string; intent: 'push'; externalId: string; fieldErrors?: Record<string, string> };

export function RecordEditor({
  externalId,
  syncId,
  data,
  runHref,
  onClose,
}: {
  externalId: string;
  syncId: string;
  data: unknown;
  runHref: (runId: string) => string;
  onClose: () => void;
}) {
  const fetcher = useFetcher<PushOutcome>();
  const [fields, setFields] = useState<EditableField[]>(() => fieldsFromRecord(data));
  // One key per opened editor: sending the same change twice (a double click, a retry after a network error)
  // returns the first answer and writes once.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const changed = changedFields(data, fields);
  const result = fetcher.data?.externalId === externalId ? fetcher.data : undefined;
  const pushed = result?.ok ? result : null;
  const errors = result && !result.ok ? (result.fieldErrors ?? {}) : {};
  useUnsavedChanges(changed.length > 0 && !pushed && fetcher.state === 'idle');
  const id = useId();
  const busy = fetcher.state !== 'idle';

  return (
    <fetcher.Form method="post" className="space-y-3" aria-label={`Edit record ${externalId}`} data-record-editor={externalId}>
      <input type="hidden" name="intent" value="push" />
      <input type="hidden" name="syncId" value={syncId} />
      <input type="hidden" name="externalId" value={externalId} />
      <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
      <input type="hidden" name="fields" value={JSON.stringify(fields)} />
      <input type="hidden" name="original" value={JSON.stringify(data)} />
      <div className="grid grid-cols-1 gap-x-4 gap-y-2 sm:grid-cols-2">
        {fields.map((f, i) => {
          const inputId = `${id}-${i}`;
          const error = errors[f.key];
          return (
            <div key={f.key}>
              <label htmlFor={inputId} className="block font-mono text-xs font-medium text-slate-600">
                {f.key}
                {changed.includes(f.key) && <span className="ml-1 font-sans text-amber-700">(changed)</span>}
              </label>
              <Input
                id={inputId}
                className="mt-1"
                value={f.text}
                disabled={Boolean(pushed)}
                onChange={(e) => setFields((all) => all.map((g, j) => (j === i ? { ...g, text: e.target.value } : g)))}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${inputId}-error` : undefined}
                data-field={f.key}
              />
              {error && (
                <p id={`${inputId}-error`} className="mt-1 text-xs text-red-700" role="alert">
                  {error}
                </p>
              )}
            </div>
          );
        })}
      </div>
      <p className="text-xs text-slate-500">Numbers, true, false, null and JSON lists or objects are sent as such; other text as text.</p>
      {result && !result.ok && Object.keys(errors).length === 0 && <ErrorNote>{result.message}</ErrorNote>}
      {pushed ? (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-600/20">
          {pushed.message}{' '}
          <Link to={runHref(pushed.runId)} className="font-medium underline" data-pushed-run>
            See the run
          </Link>
        </p>
      ) : null}
      <div className="flex flex-wrap items-center justify-end gap-3">
        {!pushed && changed.length > 0 && (
          <span className="text-xs text-amber-700">
            {changed.length} field{changed.length === 1 ? '' : 's'} changed
          </span>
        )}
        <Button type="button" variant="ghost" onClick={onClose}>
          {pushed ? 'Close' : 'Cancel'}
        </Button>
        {!pushed && <Button disabled={changed.length === 0 || busy}>{busy ? 'Pushing…' : 'Push to the provider'}</Button>}
      </div>
    </fetcher.Form>
  );
}
