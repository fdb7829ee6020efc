/**
 * API errors placed on forms. A refusal about one input names it in the error body's `field` (docs/api.md):
 * a JSON Pointer into the request body (`/settings/shop`, `/mappings/2/target`), or `query.<name>` /
 * `params.<name>`. Forms find the input from that path, never from the wording of the message.
 */

/** An API error as a form shows it: next to `field` (one of the form's inputs), or above the form when null. */
export interface FormError {
  field: string | null;
  message: string;
}

/**
 * The segments of an error's `field`: `/mappings/2/target` → `['mappings', '2', 'target']` (JSON Pointer
 * escapes undone), `query.cron` → `['query', 'cron']`. None when the error names no input.
 */
export function fieldPath(field: string | null | undefined): string[] {
  if (!field) return [];
  if (field.startsWith('/')) {
    return field
      .slice(1)
      .split('/')
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  }
  const dot = field.indexOf('.');
  return dot === -1 ? [field] : [field.slice(0, dot), field.slice(dot + 1)];
}

/**
 * The form's inputs an error can land on: a list of dotted paths that are also the inputs' names
 * (`['name', 'settings.shop', 'scopes']`), or, when the inputs are named otherwise, a map from dotted path
 * to input name (`{ 'schedule.cron': 'cron' }`).
 */
export type FormFields = readonly string[] | Readonly<Record<string, string>>;

/**
 * Places an API error on a form: on the input whose path is the longest prefix of the error's path
 * (`/scopes/3` lands on `scopes`, `/settings/shop` on `settings.shop`), or on the form as a whole.
 */
export function formErrorOf(error: { message: string; field?: string | null }, fields: FormFields): FormError {
  const path = fieldPath(error.field);
  const entries: [string, string][] = Array.isArray(fields) ? fields.map((f) => [f, f]) : Object.entries(fields);
  let best: { input: string; depth: number } | null = null;
  for (const [dotted, input] of entries) {
    const parts = dotted.split('.');
    const matches = parts.length <= path.length && parts.every((part, i) => part === path[i]);
    if (matches && (!best || parts.length > best.depth)) best = { input, depth: parts.length };
  }
  return { field: best?.input ?? null, message: error.message };
}

/** The field errors of a form (input name → message) holding one placed error; empty when it is about the whole form. */
export function fieldErrorsOf(error: FormError): Record<string, string> {
  return error.field ? { [error.field]: error.message } : {};
}
