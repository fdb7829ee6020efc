/**
 * Reading a legacy export file into rows: a JSON array of objects or JSON Lines. Each row keeps the line
 * (and array element) it starts on, and a row that is not valid JSON is kept with the reason instead of
 * failing the file; only a file that cannot be split into rows at all is a `LegacyFileError`.
 *
 * Messages about malformed JSON are rebuilt from positions, because V8's own messages quote the input
 * (which could be part of a token).
 */

export type LegacyFileFormat = 'json_array' | 'json_lines';

/** One row of the file as read: its value, or why it is not valid JSON. */
export interface LegacyEntry {
  /** 1-based line of the file where the row starts. */
  line: number;
  /** 1-based position in the JSON array (absent for JSON Lines). */
  element?: number;
  value?: unknown;
  error?: string;
}

export interface LegacyFile {
  format: LegacyFileFormat;
  entries: LegacyEntry[];
}

/** The file as a whole cannot be read as rows (not JSON, an array that never closes…): nothing is imported. */
export class LegacyFileError extends Error {
  override name = 'LegacyFileError';
}

/** "line 12" or "line 12 (element 4)": how every message names a row. */
export function describeRow(e: { line: number; element?: number }): string {
  return e.element === undefined ? `line ${e.line}` : `line ${e.line} (element ${e.element})`;
}

export function parseLegacyFile(input: string): LegacyFile {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const lines = lineStarts(text);
  const first = skipWhitespace(text, 0);
  if (first < text.length && text[first] === '[') return { format: 'json_array', entries: parseArray(text, first, lines) };
  return { format: 'json_lines', entries: parseJsonLines(text, lines) };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(lines: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lines[lo] + 1 };
}

function skipWhitespace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

/**
 * JSON.parse, with an error message that never quotes the input: V8 includes a snippet of the text
 * ("…" is not valid JSON), which could be part of a token. The position becomes a line and column.
 */
function parseJson(source: string, offset: number, lines: number[]): { value?: unknown; error?: string } {
  try {
    return { value: JSON.parse(source) };
  } catch (err) {
    const message = String((err as Error).message);
    const at = /^(.*?) in JSON at position (\d+)/s.exec(message);
    if (at) {
      const p = position(lines, offset + Number(at[2]));
      return { error: `not valid JSON: ${at[1]} (at line ${p.line}, column ${p.column})` };
    }
    if (/^Unexpected end of JSON input/.test(message)) return { error: 'not valid JSON: it ends too early' };
    // "Unexpected token 'x', "<snippet>" is not valid JSON": keep the part before the snippet.
    const head = message
      .split(/, "/)[0]
      .replace(/\s*is not valid JSON.*$/s, '')
      .slice(0, 60);
    return { error: `not valid JSON: ${head}` };
  }
}

function parseJsonLines(text: string, lines: number[]): LegacyEntry[] {
  const entries: LegacyEntry[] = [];
  for (let n = 0; n < lines.length; n++) {
    const start = lines[n];
    const end = n + 1 < lines.length ? lines[n + 1] - 1 : text.length;
    const raw = text.slice(start, end);
    if (raw.trim() === '') continue;
    entries.push({ line: n + 1, ...parseJson(raw, start, lines) });
  }
  const firstBad = entries.find((e) => e.error);
  if (firstBad && firstBad === entries[0] && entries.length > 1) {
    // One JSON value spread over several lines is not JSON Lines: say so once instead of a bad row per line.
    const whole = parseJson(text, 0, lines);
    if (!whole.error) {
      const arrays =
        whole.value && typeof whole.value === 'object' && !Array.isArray(whole.value)
          ? Object.entries(whole.value)
              .filter(([, v]) => Array.isArray(v))
              .map(([k]) => `"${k}"`)
          : [];
      throw new LegacyFileError(
        'expected a JSON array of rows or JSON Lines (one row per line), but the file holds a single JSON value over several lines' +
          (arrays.length ? `; if the rows are in its ${arrays.join(' or ')} array, save that array on its own` : ''),
      );
    }
  }
  return entries;
}

/**
 * Splits a top-level JSON array into its elements without parsing them, so each element can be
 * parsed (and fail) on its own and carry the line it starts on. Strings are skipped with their
 * escapes; brackets are only counted, so a malformed element makes one bad row, not a lost file.
 */
function parseArray(text: string, open: number, lines: number[]): LegacyEntry[] {
  const openedAt = position(lines, open).line;
  const entries: LegacyEntry[] = [];
  let i = open + 1;
  for (;;) {
    i = skipWhitespace(text, i);
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
    }
    if (i >= text.length) {
      const where = start < text.length ? `; the last element starts on line ${position(lines, start).line}` : '';
      throw new LegacyFileError(
        `the JSON array opened on line ${openedAt} is never closed (a missing "]" or "}", or an unterminated string${where})`,
      );
    }
    const source = text.slice(start, i).trimEnd();
    const closing = text[i] === ']';
    if (source === '') {
      // `[]` and a trailing comma before `]` hold no row; `,,` is an element that is missing.
      if (!closing)
        entries.push({
          line: position(lines, start).line,
          element: entries.length + 1,
          error: 'empty array element (two commas in a row)',
        });
    } else {
      entries.push({ line: position(lines, start).line, element: entries.length + 1, ...parseJson(source, start, lines) });
    }
    i++;
    if (closing) break;
  }
  const rest = skipWhitespace(text, i);
  if (rest < text.length) throw new LegacyFileError(`line ${position(lines, rest).line}: unexpected text after the end of the JSON array`);
  return entries;
}
