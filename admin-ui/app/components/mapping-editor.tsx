import { useId, type ReactNode } from 'react';
import {
  addPair,
  addRow,
  DATE_INPUT_FORMATS,
  describeTransform,
  moveRow,
  removePair,
  removeRow,
  SOURCELESS,
  TRANSFORMS,
  updatePair,
  updateRow,
  type DateInputFormat,
  type MappingRow,
  type RowErrors,
  type RowField,
} from '~/lib/mappings';
import { requestBodyLimits } from '~/lib/api-field-limits.generated';
import type { Mapping } from '~/lib/types';
import { Button, Input, Select } from './ui';

/** The API's limits on a mapping's text (syncs.schemas.ts), so the inputs stop where the API would refuse. */
const LIMITS = requestBodyLimits['PATCH /api/orgs/{orgId}/syncs/{syncId}'];

const LABEL = 'block text-xs font-medium text-slate-600';
const ERROR = 'mt-1 text-xs text-red-700';
const ICON_BUTTON =
  'inline-flex size-7 items-center justify-center rounded-md text-slate-500 ring-1 ring-inset ring-slate-200 hover:bg-slate-100 hover:text-slate-800 disabled:cursor-not-allowed disabled:opacity-40';

/**
 * The ordered mapping rows: source path → target field, transform with its args, required, default.
 * Controlled: `onChange` gets the new rows. `errors` are the API's validation messages placed on rows,
 * `previewErrors` the preview's per-field errors (by row id).
 */
/** What the two sides of a row are called: inbound (provider path → your field) or outbound (your field → provider field). */
export interface MappingLabels {
  source: string;
  target: string;
  sourcePlaceholder: string;
  targetPlaceholder: string;
}
export const INBOUND_LABELS: MappingLabels = {
  source: 'Source path',
  target: 'Target field',
  sourcePlaceholder: 'properties.email',
  targetPlaceholder: 'email',
};
export const OUTBOUND_LABELS: MappingLabels = {
  source: 'Your field',
  target: 'Provider field',
  sourcePlaceholder: 'email',
  targetPlaceholder: 'properties.email',
};

export function MappingEditor({
  rows,
  onChange,
  errors = {},
  previewErrors = {},
  labels = INBOUND_LABELS,
  sourceSuggestions = [],
}: {
  rows: MappingRow[];
  onChange: (rows: MappingRow[]) => void;
  errors?: RowErrors;
  previewErrors?: Record<string, string>;
  labels?: MappingLabels;
  /** Field discovery: source paths seen in the last records synced, offered as each source input's suggestions. */
  sourceSuggestions?: readonly string[];
}) {
  const listId = useId();
  return (
    <div data-mapping-editor>
      {sourceSuggestions.length > 0 && (
        <datalist id={listId} data-source-suggestions>
          {sourceSuggestions.map((path) => (
            <option key={path} value={path} />
          ))}
        </datalist>
      )}
      <ol className="space-y-3">
        {rows.map((row, index) => (
          <MappingRowEditor
            key={row.id}
            row={row}
            index={index}
            count={rows.length}
            errors={errors[row.id] ?? {}}
            previewError={previewErrors[row.id]}
            labels={labels}
            suggestions={sourceSuggestions.length > 0 ? listId : undefined}
            onPatch={(patch) => onChange(updateRow(rows, row.id, patch))}
            onMove={(by) => onChange(moveRow(rows, row.id, by))}
            onRemove={() => onChange(removeRow(rows, row.id))}
          />
        ))}
      </ol>
      <div className="mt-3">
        <Button type="button" variant="secondary" onClick={() => onChange(addRow(rows))}>
          + Add field
        </Button>
      </div>
    </div>
  );
}

function MappingRowEditor({
  row,
  index,
  count,
  errors,
  previewError,
  labels,
  suggestions,
  onPatch,
  onMove,
  onRemove,
}: {
  row: MappingRow;
  index: number;
  count: number;
  errors: Partial<Record<RowField, string>>;
  previewError?: string;
  labels: MappingLabels;
  /** The id of the editor's datalist of source paths, when there is one. */
  suggestions?: string;
  onPatch: (patch: Partial<MappingRow>) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}) {
  const id = `m-${row.id}`;
  const n = index + 1;
  const sourceless = SOURCELESS.includes(row.transform);
  const hasError = Object.keys(errors).length > 0;
  const fieldError = (field: RowField) =>
    errors[field] ? (
      <p className={ERROR} id={`${id}-${field}-error`} role="alert">
        {errors[field]}
      </p>
    ) : null;
  const described = (field: RowField) => (errors[field] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-error` } : {});

  return (
    <li
      data-mapping-row={n}
      aria-label={`Field ${n}`}
      className={`rounded-lg bg-white p-3 ring-1 ring-inset ${hasError ? 'ring-red-300' : 'ring-slate-200'}`}
    >
      <div className="grid grid-cols-1 items-start gap-3 sm:grid-cols-[1.5rem_minmax(0,1fr)_minmax(0,1fr)_10rem_auto]">
        <span className="hidden pt-6 text-right text-xs font-semibold tabular-nums text-slate-500 sm:block" aria-hidden>
          {n}
        </span>
        <div>
          <label htmlFor={`${id}-source`} className={LABEL}>
            {labels.source}
            <span className="sr-only"> (field {n})</span>
          </label>
          <Input
            id={`${id}-source`}
            className="mt-1 font-mono"
            value={sourceless ? '' : row.source}
            maxLength={LIMITS['mappings[].source'].maxLength}
            list={suggestions}
            autoComplete="off"
            disabled={sourceless}
            spellCheck={false}
            placeholder={sourceless ? `none for ${row.transform}` : labels.sourcePlaceholder}
            onChange={(e) => onPatch({ source: e.target.value })}
            {...described('source')}
          />
          {fieldError('source')}
        </div>
        <div>
          <label htmlFor={`${id}-target`} className={LABEL}>
            {labels.target}
            <span className="sr-only"> (field {n})</span>
          </label>
          <Input
            id={`${id}-target`}
            className="mt-1 font-mono"
            value={row.target}
            maxLength={LIMITS['mappings[].target'].maxLength}
            spellCheck={false}
            placeholder={labels.targetPlaceholder}
            onChange={(e) => onPatch({ target: e.target.value })}
            {...described('target')}
          />
          {fieldError('target')}
        </div>
        <div>
          <label htmlFor={`${id}-transform`} className={LABEL}>
            Transform<span className="sr-only"> (field {n})</span>
          </label>
          <Select
            id={`${id}-transform`}
            className="mt-1"
            value={row.transform}
            onChange={(e) => onPatch({ transform: e.target.value as MappingRow['transform'] })}
            {...described('transform')}
          >
            <option value="">None (as is)</option>
            {TRANSFORMS.map((t) => (
              <option key={t.key} value={t.key}>
                {t.label}
              </option>
            ))}
          </Select>
          {fieldError('transform')}
        </div>
        <div className="flex gap-1 sm:pt-6">
          <button
            type="button"
            className={ICON_BUTTON}
            onClick={() => onMove(-1)}
            disabled={index === 0}
            aria-label={`Move field ${n} up`}
            title="Move up"
          >
            ↑
          </button>
          <button
            type="button"
            className={ICON_BUTTON}
            onClick={() => onMove(1)}
            disabled={index === count - 1}
            aria-label={`Move field ${n} down`}
            title="Move down"
          >
            ↓
          </button>
          <button
            type="button"
            className={`${ICON_BUTTON} hover:bg-red-50 hover:text-red-700`}
            onClick={onRemove}
            aria-label={`Remove field ${n}`}
            title="Remove"
          >
            ✕
          </button>
        </div>
      </div>

      <div className="mt-3 grid grid-cols-1 items-start gap-3 sm:grid-cols-[1.5rem_minmax(0,1fr)_minmax(0,1fr)_10rem_auto]">
        <span aria-hidden className="hidden sm:block" />
        <div className="sm:col-span-2">
          <ArgsEditor row={row} id={id} n={n} onPatch={onPatch} />
          {fieldError('args')}
        </div>
        <div>
          {row.transform !== 'default' && row.transform !== 'constant' ? (
            <>
              <label htmlFor={`${id}-default`} className={LABEL}>
                Default value<span className="sr-only"> (field {n})</span>
              </label>
              <Input
                id={`${id}-default`}
                className="mt-1"
                value={row.defaultValue}
                placeholder="none"
                onChange={(e) => onPatch({ defaultValue: e.target.value })}
                {...described('default')}
              />
              {fieldError('default')}
            </>
          ) : null}
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-700 sm:pt-6">
          <input
            type="checkbox"
            checked={row.required}
            onChange={(e) => onPatch({ required: e.target.checked })}
            className="size-4 rounded border-slate-300 text-brand-600 focus:ring-brand-600"
          />
          Required<span className="sr-only"> (field {n})</span>
        </label>
      </div>
      {errors.row && (
        <p className={`${ERROR} sm:ml-9`} role="alert">
          {errors.row}
        </p>
      )}
      {errors.required && (
        <p className={`${ERROR} sm:ml-9`} role="alert">
          {errors.required}
        </p>
      )}
      {previewError && (
        <p
          className="mt-2 sm:ml-9 rounded bg-amber-50 px-2 py-1 text-xs text-amber-800 ring-1 ring-inset ring-amber-600/20"
          data-preview-error
        >
          Preview: {row.target || `field ${n}`} {previewError}
        </p>
      )}
    </li>
  );
}

/** The inputs of the row's transform: separator, template, value, input format or value-map pairs. */
function ArgsEditor({ row, id, n, onPatch }: { row: MappingRow; id: string; n: number; onPatch: (patch: Partial<MappingRow>) => void }) {
  const hint = TRANSFORMS.find((t) => t.key === row.transform)?.hint;
  const label = (htmlFor: string, text: string): ReactNode => (
    <label htmlFor={htmlFor} className={LABEL}>
      {text}
      <span className="sr-only"> (field {n})</span>
    </label>
  );
  switch (row.transform) {
    case 'split':
    case 'join':
      return (
        <div className="w-48">
          {label(`${id}-separator`, 'Separator')}
          <Input
            id={`${id}-separator`}
            className="mt-1 font-mono"
            value={row.separator}
            maxLength={LIMITS['mappings[].args.separator'].maxLength}
            onChange={(e) => onPatch({ separator: e.target.value })}
          />
          <p className="mt-1 text-xs text-slate-500">
            {row.transform === 'split' ? 'Text → list at each separator' : 'List → text; may be empty'}
          </p>
        </div>
      );
    case 'template':
      return (
        <div>
          {label(`${id}-template`, 'Template')}
          <Input
            id={`${id}-template`}
            className="mt-1 font-mono"
            value={row.template}
            maxLength={LIMITS['mappings[].args.template'].maxLength}
            placeholder="{{firstName}} {{lastName}}"
            onChange={(e) => onPatch({ template: e.target.value })}
          />
          <p className="mt-1 text-xs text-slate-500">Placeholders are source paths in {'{{ }}'}</p>
        </div>
      );
    case 'constant':
    case 'default':
      return (
        <div>
          {label(`${id}-value`, row.transform === 'constant' ? 'Constant value' : 'Value when missing')}
          <Input id={`${id}-value`} className="mt-1" value={row.value} onChange={(e) => onPatch({ value: e.target.value })} />
          <p className="mt-1 text-xs text-slate-500">Text, or JSON: 42, true, null, ["a", "b"]</p>
        </div>
      );
    case 'date':
      return (
        <div className="w-56">
          {label(`${id}-format`, 'Source format')}
          <Select
            id={`${id}-format`}
            className="mt-1"
            value={row.inputFormat}
            onChange={(e) => onPatch({ inputFormat: e.target.value as DateInputFormat })}
          >
            {DATE_INPUT_FORMATS.map((f) => (
              <option key={f.key} value={f.key}>
                {f.label}
              </option>
            ))}
          </Select>
        </div>
      );
    case 'value_map':
      return (
        <fieldset>
          <legend className={LABEL}>
            Value map<span className="sr-only"> (field {n})</span>
          </legend>
          <div className="mt-1 space-y-1.5">
            {row.pairs.map((pair, i) => (
              <div key={i} className="flex items-center gap-2">
                <label htmlFor={`${id}-from-${i}`} className="sr-only">
                  Provider value {i + 1}
                </label>
                <Input
                  id={`${id}-from-${i}`}
                  value={pair.from}
                  placeholder="provider value"
                  onChange={(e) => onPatch({ pairs: updatePair(row, i, { from: e.target.value }) })}
                />
                <span aria-hidden className="text-slate-500">
                  →
                </span>
                <label htmlFor={`${id}-to-${i}`} className="sr-only">
                  Your value {i + 1}
                </label>
                <Input
                  id={`${id}-to-${i}`}
                  value={pair.to}
                  placeholder="your value"
                  onChange={(e) => onPatch({ pairs: updatePair(row, i, { to: e.target.value }) })}
                />
                <button
                  type="button"
                  className={ICON_BUTTON}
                  aria-label={`Remove value ${i + 1}`}
                  onClick={() => onPatch({ pairs: removePair(row, i) })}
                >
                  ✕
                </button>
              </div>
            ))}
          </div>
          <div className="mt-2 flex flex-wrap items-center gap-3">
            <Button type="button" variant="ghost" className="px-2 py-1 text-xs" onClick={() => onPatch({ pairs: addPair(row) })}>
              + Add value
            </Button>
            <label htmlFor={`${id}-fallback`} className="text-xs font-medium text-slate-600">
              Otherwise
            </label>
            <div className="w-48">
              <Input
                id={`${id}-fallback`}
                value={row.fallback}
                placeholder="error (no fallback)"
                onChange={(e) => onPatch({ fallback: e.target.value })}
              />
            </div>
          </div>
        </fieldset>
      );
    default:
      return <p className="pt-1 text-xs text-slate-500">{hint ?? 'The value is copied as it is.'}</p>;
  }
}

/** The saved mappings as a table, for viewers. */
export function MappingTable({ mappings, labels = INBOUND_LABELS }: { mappings: Mapping[]; labels?: MappingLabels }) {
  return (
    <div className="overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-mapping-table>
        <thead className="bg-slate-50">
          <tr>
            {['#', labels.source, labels.target, 'Transform', 'Required', 'Default'].map((h) => (
              <th key={h} scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {mappings.map((m, i) => (
            <tr key={i}>
              <td className="px-3 py-2 tabular-nums text-slate-500">{i + 1}</td>
              <td className="px-3 py-2 font-mono text-slate-700">{m.source || <span className="text-slate-500">—</span>}</td>
              <td className="px-3 py-2 font-mono text-slate-900">{m.target}</td>
              <td className="max-w-sm truncate px-3 py-2 text-slate-700" title={describeTransform(m)}>
                {describeTransform(m)}
              </td>
              <td className="px-3 py-2 text-slate-700">{m.required ? 'Yes' : 'No'}</td>
              <td className="px-3 py-2 font-mono text-slate-700">{m.default === undefined ? '—' : JSON.stringify(m.default)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
