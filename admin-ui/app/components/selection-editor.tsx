/**
 * Selective sync on a sync's card: the provider fields to fetch (a comma-separated list, with the resource's usual
 * fields offered as suggestions) and the filters (rows of field, operator and value). A refusal lands on the input
 * it names (`/fields`, `/filters/2/value`) through the form-error pattern: highlighted, aria-invalid and described.
 */
import { useState } from 'react';
import { useFetcher } from 'react-router';
import type { SyncOutcome } from '~/routes/integration-syncs';
import { FILTER_OPS, filterValueText, type FilterRow } from '~/lib/selective';
import type { Provider, Sync } from '~/lib/types';
import { Button, errorAttributes, Field, Input, Select, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';

type ResourceInfo = Provider['resources'][number];

const OP_LABELS: Record<string, string> = {
  eq: 'equals',
  neq: 'does not equal',
  gt: 'greater than',
  gte: 'at least',
  lt: 'less than',
  lte: 'at most',
  contains: 'contains',
  in: 'is one of',
  exists: 'exists',
};

export function SelectionEditor({ sync, resource, canEdit }: { sync: Sync; resource: ResourceInfo | undefined; canEdit: boolean }) {
  const fetcher = useFetcher<SyncOutcome>();
  const toast = useToast([fetcher.data]);
  const [fields, setFields] = useState(sync.fields.join(', '));
  const [rows, setRows] = useState<FilterRow[]>(() =>
    sync.filters.map((f) => ({ field: f.field, op: f.op, value: filterValueText(f.op, f.value) })),
  );
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors ?? {}) : {};
  const id = `sync-${sync.id}-selection`;
  const selectable = resource?.selective.fields ?? false;
  const known = resource?.selective.knownFields ?? [];
  const chosen = fields
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  const suggestions = known.filter((f) => !chosen.includes(f));
  const listId = `${id}-known`;
  const update = (i: number, patch: Partial<FilterRow>) => setRows((all) => all.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  return (
    <fetcher.Form method="post" className="space-y-4 border-t border-slate-100 pt-4" aria-labelledby={`${id}-title`}>
      <input type="hidden" name="intent" value="selection" />
      <input type="hidden" name="syncId" value={sync.id} />
      <input type="hidden" name="filterCount" value={rows.length} />
      <div>
        <h3 id={`${id}-title`} className="text-sm font-semibold text-slate-900">
          Selective sync
        </h3>
        <p className="text-xs text-slate-500">
          {resource?.selective.providerFilters
            ? `The provider applies: ${resource.selective.providerFilters}. Other filters are applied before storing; records they leave out count as skipped.`
            : 'Filters are applied before storing; records they leave out count as skipped.'}
        </p>
      </div>
      <datalist id={listId}>
        {known.map((f) => (
          <option key={f} value={f} />
        ))}
      </datalist>
      <Field
        label="Fields to fetch"
        htmlFor={`${id}-fields`}
        error={errors.fields}
        hint={
          selectable
            ? 'Comma-separated provider field names; empty fetches whole records.'
            : 'This provider cannot select fields: whole records are fetched.'
        }
      >
        <Input
          id={`${id}-fields`}
          name="fields"
          value={fields}
          disabled={!canEdit || (!selectable && fields === '')}
          placeholder={selectable ? 'All fields' : 'Whole records'}
          onChange={(e) => setFields(e.target.value)}
          {...errorAttributes(`${id}-fields`, errors.fields)}
        />
      </Field>
      {canEdit && selectable && suggestions.length > 0 && (
        <div className="flex flex-wrap items-center gap-1.5 text-xs" aria-label="Suggested fields">
          <span className="text-slate-500">Add:</span>
          {suggestions.slice(0, 16).map((f) => (
            <button
              key={f}
              type="button"
              className="rounded-full bg-slate-100 px-2 py-0.5 font-mono text-slate-700 hover:bg-brand-50 hover:text-brand-700"
              onClick={() => setFields([...chosen, f].join(', '))}
            >
              + {f}
            </button>
          ))}
        </div>
      )}

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium text-slate-700">Filters (all must match)</legend>
        {rows.length === 0 && <p className="text-xs text-slate-500">No filters: every record is kept.</p>}
        {rows.map((row, i) => {
          const base = `${id}-filter-${i}`;
          const fieldError = errors[`filters.${i}.field`];
          const opError = errors[`filters.${i}.op`];
          const valueError = errors[`filters.${i}.value`];
          return (
            <div key={i} className="grid grid-cols-1 gap-2 sm:grid-cols-[minmax(0,1fr)_10rem_minmax(0,1fr)_auto] sm:items-start">
              <Field label={`Filter ${i + 1} field`} htmlFor={`${base}-field`} error={fieldError}>
                <Input
                  id={`${base}-field`}
                  name={`filter.${i}.field`}
                  list={listId}
                  value={row.field}
                  disabled={!canEdit}
                  onChange={(e) => update(i, { field: e.target.value })}
                  {...errorAttributes(`${base}-field`, fieldError)}
                />
              </Field>
              <Field label="Operator" htmlFor={`${base}-op`} error={opError}>
                <Select
                  id={`${base}-op`}
                  name={`filter.${i}.op`}
                  value={row.op}
                  disabled={!canEdit}
                  onChange={(e) => update(i, { op: e.target.value })}
                  {...errorAttributes(`${base}-op`, opError)}
                >
                  {FILTER_OPS.map((op) => (
                    <option key={op} value={op}>
                      {OP_LABELS[op]}
                    </option>
                  ))}
                </Select>
              </Field>
              <Field
                label="Value"
                htmlFor={`${base}-value`}
                error={valueError}
                hint={row.op === 'in' ? 'Comma-separated' : row.op === 'exists' ? 'true or false' : undefined}
              >
                <Input
                  id={`${base}-value`}
                  name={`filter.${i}.value`}
                  value={row.value}
                  disabled={!canEdit}
                  placeholder={row.op === 'exists' ? 'true' : ''}
                  onChange={(e) => update(i, { value: e.target.value })}
                  {...errorAttributes(`${base}-value`, valueError)}
                />
              </Field>
              {canEdit && (
                <div className="sm:pt-6">
                  <Button type="button" variant="ghost" onClick={() => setRows((all) => all.filter((_, j) => j !== i))}>
                    Remove<span className="sr-only"> filter {i + 1}</span>
                  </Button>
                </div>
              )}
            </div>
          );
        })}
        {canEdit && (
          <p className="text-xs text-slate-500">Numbers, true, false and null are sent as such; put text in "quotes" to keep it text.</p>
        )}
      </fieldset>
      {canEdit && (
        <div className="flex flex-wrap gap-3">
          <Button type="button" variant="secondary" onClick={() => setRows((all) => [...all, { field: '', op: 'eq', value: '' }])}>
            Add filter
          </Button>
          <Button disabled={fetcher.state !== 'idle'}>{fetcher.state !== 'idle' ? 'Saving…' : 'Save selection'}</Button>
        </div>
      )}
      <Toast outcome={toast} />
    </fetcher.Form>
  );
}
