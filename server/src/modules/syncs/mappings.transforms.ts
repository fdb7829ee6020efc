import { DAY_MS, YEAR_10000_MS, YEAR_ZERO_MS, daysFromCivil, daysInMonth, formatIsoUtc, utcMillisecondIso } from './mappings.dates.js';
import type { DateInputFormat } from './mappings.schemas.js';
import type { Getter } from './mappings.paths.js';

/**
 * The per-record side of field mappings: transforms, templates and value maps as closures built once per
 * compiled mapping (their rules are described in ./mappings.ts). None of them throws for a bad value: a
 * failure is returned as a `Failure`, a missing value as `MISSING`.
 */

export const MAX_PRODUCED_STRING_LENGTH = 10_000;
export const MAX_SPLIT_ITEMS = 1000;

const hasOwn = Object.prototype.hasOwnProperty;

/** What a transform or a template returns instead of throwing. */
export class Failure {
  constructor(readonly message: string) {}
}

/** "No value": the default applies (and `required` fails without one). */
export const MISSING: unique symbol = Symbol('missing');
export type Produced = unknown;
export type Transform = (value: unknown) => Produced;

export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

const isBlank = (value: unknown): boolean => typeof value === 'string' && value.trim() === '';
export const isEmptyResult = (value: unknown): boolean =>
  value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0);

export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  return undefined;
}

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export const toNumber: Transform = (value) => {
  if (typeof value === 'number') return Number.isFinite(value) ? value : new Failure(`expected a number, got ${describe(value)}`);
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return MISSING;
    if (DECIMAL.test(text)) {
      const n = Number(text);
      if (Number.isFinite(n)) return n;
    }
  }
  return new Failure(`expected a number, got ${describe(value)}`);
};

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, false: false, yes: true, no: false, 1: true, 0: false };
export const toBoolean: Transform = (value) => {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (word === '') return MISSING;
    if (hasOwn.call(BOOLEAN_WORDS, word)) return BOOLEAN_WORDS[word];
  }
  return new Failure(`expected true/false, yes/no or 1/0, got ${describe(value)}`);
};

export const toText: Transform = (value) =>
  scalarText(value) ?? new Failure(`expected text, a number or a boolean, got ${describe(value)}`);
export const textOnly =
  (fn: (text: string) => string): Transform =>
  (value) =>
    typeof value === 'string' ? fn(value) : new Failure(`expected text, got ${describe(value)}`);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

function isoOutput(ms: number, value: unknown, hint: string): Produced {
  if (!Number.isFinite(ms) || ms < YEAR_ZERO_MS || ms >= YEAR_10000_MS) {
    return new Failure(`${describe(value)} is outside the supported date range (years 0000–9999)${hint}`);
  }
  return formatIsoUtc(ms);
}

function parseIsoDate(value: unknown): Produced {
  if (typeof value !== 'string') {
    return new Failure(
      `expected an ISO 8601 date, got ${describe(value)}${typeof value === 'number' ? ' (set args.inputFormat to "unix_seconds" or "unix_ms" for timestamps)' : ''}`,
    );
  }
  const utc = utcMillisecondIso(value);
  if (utc !== null) return utc;
  const m = ISO_DATE.exec(value) ?? ISO_DATE.exec(value.trim());
  if (!m) {
    if (value.trim() === '') return MISSING;
    return new Failure(`expected an ISO 8601 date such as 2024-03-07 or 2024-03-07T09:30:00Z, got ${describe(value)}`);
  }
  const year = +m[1],
    month = +m[2],
    day = +m[3];
  const hour = m[4] ? +m[4] : 0,
    minute = m[5] ? +m[5] : 0,
    second = m[6] ? +m[6] : 0;
  const millis = m[7] ? +(m[7] + '00').slice(0, 3) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return new Failure(`${describe(value)} is not a valid calendar date or time`);
  }
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = +digits.slice(0, 2),
      om = digits.length > 2 ? +digits.slice(2, 4) : 0;
    if (oh > 23 || om > 59) return new Failure(`${describe(value)} has an invalid UTC offset`);
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + millis;
  return isoOutput(ms, value, '');
}

export function dateTransform(format: DateInputFormat): Transform {
  if (format === 'iso') return parseIsoDate;
  const scale = format === 'unix_seconds' ? 1000 : 1;
  const hint = format === 'unix_seconds' ? '; is it in milliseconds? then set args.inputFormat to "unix_ms"' : '';
  return (value) => {
    let n: number;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string') {
      const text = value.trim();
      if (text === '') return MISSING;
      n = DECIMAL.test(text) ? Number(text) : NaN;
    } else n = NaN;
    if (!Number.isFinite(n))
      return new Failure(`expected a Unix timestamp in ${format === 'unix_ms' ? 'milliseconds' : 'seconds'}, got ${describe(value)}`);
    return isoOutput(Math.round(n * scale), value, hint);
  };
}

export function splitTransform(separator: string): Transform {
  return (value) => {
    if (typeof value !== 'string') return new Failure(`expected text to split, got ${describe(value)}`);
    const parts: string[] = [];
    for (const piece of value.split(separator)) {
      const part = piece.trim();
      if (part === '') continue;
      if (parts.length === MAX_SPLIT_ITEMS) return new Failure(`splitting gives more than ${MAX_SPLIT_ITEMS} items`);
      parts.push(part);
    }
    return parts;
  };
}

export function joinTransform(separator: string): Transform {
  return (value) => {
    if (!Array.isArray(value)) return new Failure(`expected an array to join, got ${describe(value)}`);
    let out = '';
    let first = true;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (item === null || item === undefined) continue;
      const text = scalarText(item);
      if (text === undefined) return new Failure(`item ${i} is ${describe(item)}; join takes text, numbers and booleans`);
      out = first ? text : out + separator + text;
      first = false;
      if (out.length > MAX_PRODUCED_STRING_LENGTH)
        return new Failure(`the joined text is longer than ${MAX_PRODUCED_STRING_LENGTH} characters`);
    }
    return out;
  };
}

/** Arrays written from a mapping's own literals are copied so records never share (and mutate) them. */
export const literalValue = (value: unknown): (() => unknown) => (Array.isArray(value) ? () => value.slice() : () => value);

export function valueMapTransform(map: Map<string, unknown>, fallback: { value: unknown } | undefined): Transform {
  const fallbackValue = fallback && literalValue(fallback.value);
  const entries = new Map([...map].map(([k, v]) => [k, literalValue(v)]));
  return (value) => {
    const key = scalarText(value);
    if (key === undefined) return new Failure(`expected text, a number or a boolean to look up, got ${describe(value)}`);
    const hit = entries.get(key);
    if (hit) return hit();
    return fallbackValue ? fallbackValue() : new Failure(`${describe(value)} is not in the value map and there is no fallback`);
  };
}

export const defaultTransform: Transform = (value) => (isBlank(value) || (Array.isArray(value) && value.length === 0) ? MISSING : value);

export interface TemplatePart {
  literal: string;
  placeholder?: { text: string; get: Getter };
}

export function renderTemplate(parts: readonly TemplatePart[]): (record: unknown) => Produced {
  return (record) => {
    let out = '';
    let anyValue = false;
    for (const part of parts) {
      out += part.literal;
      if (part.placeholder) {
        const value = part.placeholder.get(record);
        if (value !== null && value !== undefined) {
          const text = scalarText(value);
          if (text === undefined) return new Failure(`placeholder {{${part.placeholder.text}}} is ${describe(value)}, not text`);
          if (text !== '') anyValue = true;
          out += text;
        }
      }
      if (out.length > MAX_PRODUCED_STRING_LENGTH)
        return new Failure(`the template result is longer than ${MAX_PRODUCED_STRING_LENGTH} characters`);
    }
    const result = anyValue ? out.trim() : '';
    return result === '' ? MISSING : result;
  };
}
