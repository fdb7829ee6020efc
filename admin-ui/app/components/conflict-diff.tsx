/**
 * A conflict's fields side by side: base (what Linkyard last read), ours (the organization's change) and theirs (the
 * provider's), the cells that differ from the base highlighted (and said so to screen readers), with a choice per
 * field for Admins. A table with row headers, so each value is announced with its field and version.
 */
import { cellText, changedCells, fieldChange, type Choice, type Choices, type ConflictFieldValues } from '~/lib/conflicts';

const CHANGED = 'bg-amber-50 text-amber-900 ring-1 ring-inset ring-amber-600/30';
const CHOICES: { key: Choice; label: string }[] = [
  { key: 'local', label: 'Ours' },
  { key: 'remote', label: 'Theirs' },
  { key: 'base', label: 'Base' },
];

function Cell({ value, changed, chosen, label }: { value: unknown; changed: boolean; chosen: boolean; label: string }) {
  return (
    <td
      data-label={label}
      data-changed={changed || undefined}
      data-chosen={chosen || undefined}
      className={`px-3 py-2 align-top font-mono text-xs break-all ${changed ? CHANGED : 'text-slate-700'} ${chosen ? 'font-semibold' : ''}`}
    >
      {cellText(value)}
      {changed && <span className="sr-only"> (changed)</span>}
      {chosen && (
        <span className="ml-1 font-sans text-[11px] font-medium text-emerald-700" aria-hidden>
          ✓ kept
        </span>
      )}
    </td>
  );
}

export function ConflictDiff({
  fields,
  choices,
  onChoose,
  disabled = false,
}: {
  fields: readonly ConflictFieldValues[];
  /** Absent: read-only (a Viewer, or a resolved conflict). */
  choices?: Choices;
  onChoose?: (path: string, choice: Choice) => void;
  disabled?: boolean;
}) {
  const choosing = Boolean(choices && onChoose);
  return (
    <div className="relative overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
      <table className="table-stack min-w-full divide-y divide-slate-200 text-sm" data-conflict-diff>
        <caption className="sr-only">
          Each field in three versions: base (last read from the provider), ours and theirs. Changed values are marked.
        </caption>
        <thead className="bg-slate-50">
          <tr>
            {['Field', 'Base', 'Ours (Linkyard)', 'Theirs (provider)', ...(choosing ? ['Keep'] : [])].map((h) => (
              <th key={h} scope="col" className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {fields.map((f) => {
            const changed = changedCells(f);
            const change = fieldChange(f);
            const choice = choices?.[f.path];
            return (
              <tr key={f.path} data-field={f.path} data-change={change}>
                <th scope="row" className="px-3 py-2 text-left align-top font-mono max-sm:block text-xs font-semibold text-slate-900">
                  {f.path}
                  {change === 'both' && (
                    <span className="mt-0.5 block font-sans text-[11px] font-medium text-amber-800">changed on both sides</span>
                  )}
                </th>
                <Cell value={f.base} changed={false} chosen={choice === 'base'} label="Base" />
                <Cell value={f.local} changed={changed.local} chosen={choice === 'local'} label="Ours" />
                <Cell value={f.remote} changed={changed.remote} chosen={choice === 'remote'} label="Theirs" />
                {choosing && (
                  <td data-label="Keep" className="px-3 py-2 align-top">
                    <fieldset className="flex flex-wrap justify-end gap-1 sm:justify-start">
                      <legend className="sr-only">Keep for {f.path}</legend>
                      {CHOICES.map((c) => (
                        <label
                          key={c.key}
                          className={`inline-flex cursor-pointer items-center gap-1 rounded-md px-2 py-1 text-xs font-medium ring-1 ring-inset ${choice === c.key ? 'bg-brand-50 text-brand-700 ring-brand-600/40' : 'text-slate-700 ring-slate-300 hover:bg-slate-50'}`}
                        >
                          <input
                            type="radio"
                            name={`keep-${f.path}`}
                            value={c.key}
                            checked={choice === c.key}
                            disabled={disabled}
                            onChange={() => onChoose!(f.path, c.key)}
                            className="size-3.5 border-slate-300 text-brand-600 focus:ring-brand-600"
                          />
                          {c.label}
                        </label>
                      ))}
                    </fieldset>
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
