/**
 * Editing a synced record in the records browser: each top-level field as text (numbers, true, false, null, lists,
 * objects and "quoted text" are read as JSON, anything else is text, as for mapping literals), and back.
 */
import { literalToText, parseLiteral } from './mappings';

export interface EditableField {
  key: string;
  text: string;
}

/** The record's top-level fields as the editor's inputs. */
export function fieldsFromRecord(data: unknown): EditableField[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  return Object.entries(data).map(([key, value]) => ({ key, text: literalToText(value) }));
}

/**
 * The record with the edited fields: a field whose text did not change keeps its stored value exactly (an object
 * shown as JSON is not re-read), one whose text changed is read again.
 */
export function recordFromFields(original: unknown, fields: readonly EditableField[]): Record<string, unknown> {
  const before = original !== null && typeof original === 'object' && !Array.isArray(original) ? (original as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const old = before[f.key];
    out[f.key] = f.key in before && literalToText(old) === f.text ? old : parseLiteral(f.text);
  }
  return out;
}

/** The names of the fields whose value the edit changes. */
export function changedFields(original: unknown, fields: readonly EditableField[]): string[] {
  const before = fieldsFromRecord(original);
  return fields.filter((f) => before.find((b) => b.key === f.key)?.text !== f.text).map((f) => f.key);
}

/** The input an API refusal names: `/records/0/data/email` → `email`; null when it is about the whole push. */
export function fieldOfPushError(field: string | undefined): string | null {
  const m = /^\/records\/0\/data\/([^/]+)/.exec(field ?? '');
  return m ? m[1]!.replace(/~1/g, '/').replace(/~0/g, '~') : null;
}
