/**
 * A conflict's field-by-field comparison and the person's choices: which cells changed against the base version
 * (highlighted), which side each field takes, and the body of POST …/conflicts/:conflictId/resolve.
 *
 * The API's rules (docs/api.md, Two-way sync): `local` writes the organization's version, `remote` keeps the
 * provider's, `merged` writes the value chosen for each field (`data`, by path); a field changed on one side only may
 * be left out of `data` (that side wins), every field changed on both sides must be given.
 */

export interface ConflictFieldValues {
  path: string;
  /** null: the field was absent in that version. */
  base: unknown;
  local: unknown;
  remote: unknown;
}

/** Which side a field takes: ours (the organization's), theirs (the provider's), or the base version. */
export type Choice = 'local' | 'remote' | 'base';
export type Choices = Readonly<Record<string, Choice>>;

/** Deep equality of JSON values (key order does not matter). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => sameValue(v, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length && ka.every((k) => k in b && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/**
 * How a field changed since the base: on our side only, on theirs only, on both to different values (the person
 * must choose), on both to the same value, or not at all.
 */
export type FieldChange = 'local' | 'remote' | 'both' | 'same' | 'none';

export function fieldChange(f: ConflictFieldValues): FieldChange {
  const ours = !sameValue(f.local, f.base);
  const theirs = !sameValue(f.remote, f.base);
  if (ours && theirs) return sameValue(f.local, f.remote) ? 'same' : 'both';
  return ours ? 'local' : theirs ? 'remote' : 'none';
}

/** The cells to highlight in a field's row: the versions that differ from the base. */
export function changedCells(f: ConflictFieldValues): { local: boolean; remote: boolean } {
  return { local: !sameValue(f.local, f.base), remote: !sameValue(f.remote, f.base) };
}

/**
 * The choices a conflict opens with: a field changed on one side takes that side (the merge the API would make);
 * a field changed on both sides to different values has no choice yet.
 */
export function initialChoices(fields: readonly ConflictFieldValues[]): Record<string, Choice> {
  const out: Record<string, Choice> = {};
  for (const f of fields) {
    const change = fieldChange(f);
    if (change === 'local' || change === 'same') out[f.path] = 'local';
    else if (change === 'remote') out[f.path] = 'remote';
    else if (change === 'none') out[f.path] = 'remote';
  }
  return out;
}

/** Every field taking the same side ("Take ours" / "Take theirs"). */
export function takeSide(fields: readonly ConflictFieldValues[], side: 'local' | 'remote'): Record<string, Choice> {
  return Object.fromEntries(fields.map((f) => [f.path, side]));
}

/** The fields changed on both sides that have no choice yet: Resolve waits for them. */
export function unchosen(fields: readonly ConflictFieldValues[], choices: Choices): string[] {
  return fields.filter((f) => fieldChange(f) === 'both' && !choices[f.path]).map((f) => f.path);
}

/** The value a field gets under a choice. */
export function chosenValue(f: ConflictFieldValues, choice: Choice): unknown {
  return choice === 'local' ? f.local : choice === 'remote' ? f.remote : f.base;
}

export type ResolveRequest = { resolution: 'local' | 'remote' } | { resolution: 'merged'; data: Record<string, unknown> };

/**
 * The resolve request for the choices: all ours is `local`, all theirs is `remote` (fields equal on both sides count
 * for either), anything else `merged` with every field's chosen value. Null while a field changed on both sides has
 * no choice.
 */
export function resolveRequest(fields: readonly ConflictFieldValues[], choices: Choices): ResolveRequest | null {
  if (unchosen(fields, choices).length > 0) return null;
  const choiceOf = (f: ConflictFieldValues): Choice => choices[f.path] ?? initialChoices([f])[f.path] ?? 'remote';
  const indifferent = (f: ConflictFieldValues) => sameValue(f.local, f.remote);
  if (fields.every((f) => indifferent(f) || choiceOf(f) === 'local')) return { resolution: 'local' };
  if (fields.every((f) => indifferent(f) || choiceOf(f) === 'remote')) return { resolution: 'remote' };
  return { resolution: 'merged', data: Object.fromEntries(fields.map((f) => [f.path, chosenValue(f, choiceOf(f))])) };
}

/** A value as a table cell shows it: absent (null) as "—", text as is, anything else as JSON. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value === '' ? '""' : value;
  return JSON.stringify(value);
}
