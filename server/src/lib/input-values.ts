/**
 * Values no request may carry, whatever its schema says, found anywhere in the input (free-form JSON
 * included):
 * - text no column can store: NUL (U+0000), which Postgres refuses in `text` and `jsonb`, and a lone
 *   UTF-16 surrogate (\uD800–\uDFFF without its pair), which is not Unicode (jsonb refuses its escape;
 *   text would silently turn it into U+FFFD);
 * - numbers that are not finite: JSON cannot write them, but schema coercion turns the strings
 *   "1e309" or "Infinity" into Infinity, and Ajv's range checks then let it through (a list with
 *   `limit=Infinity`, a preview loop with `count=Infinity`);
 * - arrays and objects nested more than MAX_INPUT_DEPTH levels.
 */

// In `u` mode a surrogate pair is one code point, so \p{Cs} matches only the unpaired halves.
const BAD_TEXT = /\0|\p{Cs}/u;

export type BadValueProblem = 'nul' | 'surrogate' | 'not-finite' | 'too-deep';

/**
 * How deep arrays and objects may nest in any input. Records, settings and mappings are a few levels deep; thousands of
 * levels reach code that recurses (JSON canonicalisation, Postgres's jsonb input, which refuses them) as a 500.
 */
export const MAX_INPUT_DEPTH = 100;

/** What is wrong with a string, or null when any column can store it. */
export function textProblem(value: string): 'nul' | 'surrogate' | null {
  const m = BAD_TEXT.exec(value);
  if (!m) return null;
  return m[0] === '\0' ? 'nul' : 'surrogate';
}

export interface BadValue {
  /** Keys from the root to the offending value (for a bad property name: to the object holding it). */
  path: string[];
  problem: BadValueProblem;
  /** The problem is in a property name, not in a value. */
  inKey: boolean;
}

/**
 * The first bad value (or property name) in `input`, or null; `numbersOnly` skips the text checks (for
 * input whose text was checked before). Iterative, so a value nested thousands of levels deep costs
 * time in proportion to its size and no stack.
 */
export function findBadValue(input: unknown, numbersOnly = false): BadValue | null {
  // Each entry links to its parent, so a path is built only for the value that fails.
  interface Entry {
    value: unknown;
    key: string;
    parent: Entry | null;
    depth: number;
  }
  const pathOf = (e: Entry): string[] => {
    const path: string[] = [];
    for (let at: Entry | null = e; at?.parent; at = at.parent) path.push(at.key);
    return path.reverse();
  };
  const stack: Entry[] = [{ value: input, key: '', parent: null, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { value } = entry;
    if (typeof value === 'string') {
      if (numbersOnly) continue;
      const problem = textProblem(value);
      if (problem) return { path: pathOf(entry), problem, inKey: false };
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { path: pathOf(entry), problem: 'not-finite', inKey: false };
    } else if (ArrayBuffer.isView(value)) {
      // Bytes, not text: a raw body (the webhook endpoint's) is kept and verified as received, never stored as text
      // (what is stored of it is checked where it is stored). Walking its indexes as keys would cost more than the request.
      continue;
    } else if (value !== null && typeof value === 'object' && entry.depth >= MAX_INPUT_DEPTH) {
      return { path: pathOf(entry), problem: 'too-deep', inKey: false };
    } else if (Array.isArray(value)) {
      const depth = entry.depth + 1;
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: String(i), parent: entry, depth });
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      for (const key of numbersOnly ? [] : keys) {
        const problem = textProblem(key);
        if (problem) return { path: pathOf(entry), problem, inKey: true };
      }
      const depth = entry.depth + 1;
      for (let i = keys.length - 1; i >= 0; i--)
        stack.push({ value: (value as Record<string, unknown>)[keys[i]], key: keys[i], parent: entry, depth });
    }
  }
  return null;
}

/** What a person is told about a bad value at `where` (e.g. "body.settings.subdomain"). */
export function badValueMessage(where: string, bad: BadValue): string {
  if (bad.inKey) {
    return bad.problem === 'nul'
      ? `${where} has a property name containing a NUL character (\\u0000), which cannot be stored`
      : `${where} has a property name that is not valid Unicode text (it contains an unpaired surrogate)`;
  }
  switch (bad.problem) {
    case 'nul':
      return `${where} must not contain NUL characters (\\u0000)`;
    case 'surrogate':
      return `${where} must be valid Unicode text (it contains an unpaired surrogate)`;
    case 'too-deep':
      // The path down to the hundredth level is no help to read: its start says where.
      return `${where.length > 80 ? `${where.slice(0, 80)}…` : where} is nested more than ${MAX_INPUT_DEPTH} levels deep`;
    default:
      return `${where} must be a finite number`;
  }
}

/** RFC 6901 JSON Pointer of a path of keys ('' is the whole document). */
export function jsonPointer(path: string[]): string {
  return path.map((key) => '/' + key.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
