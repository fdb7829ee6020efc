/**
 * The lexical layer of the iCalendar (RFC 5545) reader: unfolding content lines (on octets, before UTF-8
 * decoding), tokenising a line into name, parameters and raw value, and building the component tree
 * (BEGIN/END), leniently; plus the TEXT value helpers and property lookups the other layers use.
 * See icalendar.ts for the robustness rules.
 */

export interface ICalProperty {
  /** Upper-case property name (`DTSTART`, `X-WR-CALNAME`); a vCard-style group prefix is dropped. */
  name: string;
  /** Upper-case parameter names → values (quotes removed, RFC 6868 decoded). */
  params: Record<string, string[]>;
  /** The raw value: not unescaped (see `unescapeText`), since its meaning depends on the value type. */
  value: string;
}

export interface ICalComponent {
  /** Upper-case component name (`VCALENDAR`, `VEVENT`, `VTIMEZONE`). */
  name: string;
  properties: ICalProperty[];
  components: ICalComponent[];
}

export interface ICalParseResult {
  /** Top-level components (normally one VCALENDAR). */
  components: ICalComponent[];
  /** What was skipped or repaired; safe to log (no property values). */
  warnings: string[];
}

const CONTENT_LINE_START = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)?[;:]/;

/**
 * Unfolds the content lines of an iCalendar stream. Works on octets, then decodes UTF-8 (a BOM is dropped).
 * Returns the logical lines, empty ones removed.
 */
export function unfoldLines(input: string | Uint8Array): string[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const out = Buffer.allocUnsafe(bytes.length);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === 13 || b === 10) {
      let next = i + 1;
      if (b === 13 && bytes[next] === 10) next++;
      if (bytes[next] === 32 || bytes[next] === 9) {
        i = next; // a fold: drop the line break and the single whitespace character after it
        continue;
      }
      out[o++] = 10;
      i = next - 1;
      continue;
    }
    out[o++] = b;
  }
  let text = out.subarray(0, o).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.split('\n').filter((line) => line.length > 0);
}

/** RFC 6868: `^n` newline, `^^` caret, `^'` double quote. */
function decodeParamValue(value: string): string {
  return value.replace(/\^([n^'])/g, (_, c: string) => (c === 'n' ? '\n' : c === "'" ? '"' : '^'));
}

/** One unfolded content line → property; null when it is not a content line. */
export function parseContentLine(line: string): ICalProperty | null {
  const nameMatch = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)?/.exec(line);
  if (!nameMatch) return null;
  let name = nameMatch[0].toUpperCase();
  const dot = name.lastIndexOf('.');
  if (dot >= 0) name = name.slice(dot + 1);
  const params: Record<string, string[]> = {};
  let i = nameMatch[0].length;
  while (line[i] === ';') {
    i++;
    const eq = line.indexOf('=', i);
    const stop = /[;:]/.exec(line.slice(i));
    const stopAt = stop ? i + stop.index : -1;
    if (eq < 0 || (stopAt >= 0 && stopAt < eq)) {
      // A parameter without a value (`;RSVP:`): lenient, recorded as an empty value.
      const end = stopAt < 0 ? line.length : stopAt;
      const pname = line.slice(i, end).trim().toUpperCase();
      if (pname) (params[pname] ??= []).push('');
      i = end;
      continue;
    }
    const pname = line.slice(i, eq).trim().toUpperCase();
    i = eq + 1;
    const values: string[] = [];
    for (;;) {
      if (line[i] === '"') {
        const close = line.indexOf('"', i + 1);
        if (close < 0) return null; // unterminated quote: not a usable line
        values.push(decodeParamValue(line.slice(i + 1, close)));
        i = close + 1;
      } else {
        let j = i;
        while (j < line.length && line[j] !== ',' && line[j] !== ';' && line[j] !== ':') j++;
        values.push(decodeParamValue(line.slice(i, j)));
        i = j;
      }
      if (line[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    (params[pname] ??= []).push(...values);
  }
  if (line[i] !== ':') return null;
  return { name, params, value: line.slice(i + 1) };
}

/** Parses an iCalendar stream into its component tree, leniently (see the file comment). */
export function parseICalendar(input: string | Uint8Array): ICalParseResult {
  const warnings: string[] = [];
  const top: ICalComponent[] = [];
  const stack: ICalComponent[] = [];
  let last: ICalProperty | null = null;
  for (const [index, line] of unfoldLines(input).entries()) {
    const prop = CONTENT_LINE_START.test(line) ? parseContentLine(line) : null;
    if (!prop) {
      if (last && stack.length > 0) {
        last.value += `\n${line}`;
        warnings.push(`line ${index + 1}: not a content line; joined to the previous ${last.name} value`);
      } else {
        warnings.push(`line ${index + 1}: not a content line; skipped`);
      }
      continue;
    }
    if (prop.name === 'BEGIN') {
      const component: ICalComponent = { name: prop.value.trim().toUpperCase(), properties: [], components: [] };
      if (stack.length > 0) stack[stack.length - 1].components.push(component);
      else top.push(component);
      stack.push(component);
      last = null;
    } else if (prop.name === 'END') {
      const name = prop.value.trim().toUpperCase();
      const at = stack.map((c) => c.name).lastIndexOf(name);
      if (at < 0) {
        warnings.push(`line ${index + 1}: END:${name} without BEGIN; ignored`);
      } else {
        if (at !== stack.length - 1)
          warnings.push(
            `line ${index + 1}: END:${name} closes unterminated ${stack
              .slice(at + 1)
              .map((c) => c.name)
              .join(', ')}`,
          );
        stack.length = at;
      }
      last = null;
    } else if (stack.length === 0) {
      warnings.push(`line ${index + 1}: ${prop.name} outside any component; skipped`);
    } else {
      stack[stack.length - 1].properties.push(prop);
      last = prop;
    }
  }
  if (stack.length > 0) warnings.push(`unterminated ${stack.map((c) => c.name).join(', ')} at end of input`);
  return { components: top, warnings };
}

/** TEXT value unescaping (RFC 5545 §3.3.11). */
export function unescapeText(value: string): string {
  return value.replace(/\\(.)/gs, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Splits a list-valued TEXT property (CATEGORIES, RESOURCES) on unescaped commas, then unescapes each item. */
export function splitTextList(value: string): string[] {
  const items: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i++;
    } else if (c === ',') {
      items.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  items.push(current);
  return items.map(unescapeText);
}

/** First property of that name, if any. */
export function prop(component: ICalComponent, name: string): ICalProperty | undefined {
  return component.properties.find((p) => p.name === name);
}

export function param(property: ICalProperty | undefined, name: string): string | undefined {
  return property?.params[name]?.[0];
}
