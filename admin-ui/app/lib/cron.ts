/**
 * Cron schedules in the UI: presets ↔ cron expressions, and an English description of an expression.
 * The API (server/src/modules/syncs/schedule.ts) is the judge of what is valid; these helpers only
 * describe. Expressions have 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first.
 */

import type { Sync } from './types';

export type Schedule = NonNullable<Sync['schedule']>;

export type PresetKind = 'every15' | 'hourly' | 'daily' | 'weekdays' | 'weekly' | 'manual' | 'custom';

export const PRESETS: { kind: PresetKind; label: string }[] = [
  { kind: 'hourly', label: 'Every hour' },
  { kind: 'every15', label: 'Every 15 minutes' },
  { kind: 'daily', label: 'Daily at…' },
  { kind: 'weekdays', label: 'Weekdays at…' },
  { kind: 'weekly', label: 'Weekly on…' },
  { kind: 'manual', label: 'Manual only' },
  { kind: 'custom', label: 'Custom cron' },
];

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** What the cron editor edits; `cron` is the custom expression's text. */
export interface CronDraft {
  preset: PresetKind;
  /** HH:MM, for daily, weekdays and weekly. */
  time: string;
  /** 0 (Sunday) – 6 (Saturday), for weekly. */
  day: number;
  cron: string;
  timezone: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "9:5" → { hour: 9, minute: 5 }; null for anything that is not a time of day. */
export function parseTime(time: string): { hour: number; minute: number } | null {
  const m = /^(\d{1,2}):(\d{2})$/.exec(time.trim());
  if (!m) return null;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  return hour <= 23 && minute <= 59 ? { hour, minute } : null;
}

/** The cron expression of a preset; null for "manual only" and for a time that is not HH:MM. */
export function presetToCron(draft: Pick<CronDraft, 'preset' | 'time' | 'day' | 'cron'>): string | null {
  const t = parseTime(draft.time);
  switch (draft.preset) {
    case 'every15':
      return '*/15 * * * *';
    case 'hourly':
      return '0 * * * *';
    case 'daily':
      return t && `${t.minute} ${t.hour} * * *`;
    case 'weekdays':
      return t && `${t.minute} ${t.hour} * * 1-5`;
    case 'weekly':
      return t && `${t.minute} ${t.hour} * * ${draft.day}`;
    case 'manual':
      return null;
    case 'custom':
      return normaliseCron(draft.cron);
  }
}

export const normaliseCron = (cron: string) => cron.trim().replace(/\s+/g, ' ');

/** The schedule a draft stands for: null when it runs only when started by hand. */
export function scheduleFromDraft(draft: CronDraft): Schedule | null {
  if (draft.preset === 'manual') return null;
  return { cron: presetToCron(draft) ?? '', timezone: draft.timezone };
}

/** Which preset (with its time and day) a stored schedule is; anything else is "custom". */
export function draftFromSchedule(schedule: Schedule | null, fallbackTimezone = 'UTC'): CronDraft {
  const base: CronDraft = { preset: 'manual', time: '09:00', day: 1, cron: '', timezone: schedule?.timezone ?? fallbackTimezone };
  if (!schedule) return base;
  const cron = normaliseCron(schedule.cron);
  base.cron = cron;
  if (cron === '*/15 * * * *') return { ...base, preset: 'every15' };
  if (cron === '0 * * * *') return { ...base, preset: 'hourly' };
  const m = /^(\d{1,2}) (\d{1,2}) \* \* (\*|1-5|[0-6])$/.exec(cron);
  if (m && Number(m[1]) <= 59 && Number(m[2]) <= 23) {
    const time = `${pad(Number(m[2]))}:${pad(Number(m[1]))}`;
    if (m[3] === '*') return { ...base, preset: 'daily', time };
    if (m[3] === '1-5') return { ...base, preset: 'weekdays', time };
    return { ...base, preset: 'weekly', time, day: Number(m[3]) };
  }
  return { ...base, preset: 'custom' };
}

/** Switches the preset, carrying the current expression into the custom field. */
export function changePreset(draft: CronDraft, preset: PresetKind): CronDraft {
  if (preset === 'custom' && draft.preset !== 'custom') return { ...draft, preset, cron: presetToCron(draft) ?? draft.cron ?? '' };
  return { ...draft, preset };
}

// ---------------------------------------------------------------------------------------------------------
// description

type Field = { kind: 'any' } | { kind: 'step'; start: number; step: number } | { kind: 'list'; values: number[] };

const NAMES: Record<string, number> = {
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};

function parseNumber(text: string, min: number, max: number): number | null {
  const lower = text.toLowerCase();
  const n = /^\d+$/.test(text) ? Number(text) : lower in NAMES ? NAMES[lower] : NaN;
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

/** Parses one field; null when it uses syntax this describer does not know (L, W, #, ?, …). */
function parseField(text: string, min: number, max: number): Field | null {
  if (text === '*' || text === '?') return { kind: 'any' };
  const step = /^(\*|\d+)\/(\d+)$/.exec(text);
  if (step) {
    const start = step[1] === '*' ? min : parseNumber(step[1], min, max);
    const by = Number(step[2]);
    if (start === null || by < 1 || by > max) return null;
    return { kind: 'step', start, step: by };
  }
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const range = /^([a-z0-9]+)-([a-z0-9]+)$/i.exec(part);
    if (range) {
      const a = parseNumber(range[1], min, max);
      const b = parseNumber(range[2], min, max);
      if (a === null || b === null || b < a) return null;
      for (let i = a; i <= b; i++) values.add(i);
    } else {
      const n = parseNumber(part, min, max);
      if (n === null) return null;
      values.add(n);
    }
  }
  return { kind: 'list', values: [...values].sort((x, y) => x - y) };
}

function listText(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const isRange = (values: number[]) => values.length > 2 && values.every((v, i) => i === 0 || v === values[i - 1] + 1);

const plural = (n: number, unit: string) => (n === 1 ? unit : `${n} ${unit}s`);

/**
 * "Every weekday at 09:00", "Every 15 minutes", "Every 6 hours", "On day 1 of every month at 06:30"; null
 * when the expression is not one this function can put into words (the caller then shows the raw cron).
 */
export function describeCron(expression: string): string | null {
  const parts = normaliseCron(expression).split(' ');
  if (parts.length !== 5 && parts.length !== 6) return null;
  const [secText, minText, hourText, domText, monText, dowText] = parts.length === 6 ? parts : ['0', ...parts];
  const sec = parseField(secText, 0, 59);
  const min = parseField(minText, 0, 59);
  const hour = parseField(hourText, 0, 23);
  const dom = parseField(domText, 1, 31);
  const mon = parseField(monText, 1, 12);
  const dowRaw = parseField(dowText, 0, 7);
  if (!sec || !min || !hour || !dom || !mon || !dowRaw) return null;
  let dow = dowRaw;
  if (dow.kind === 'list') dow = { kind: 'list', values: [...new Set(dow.values.map((d) => d % 7))].sort((a, b) => a - b) };
  if (dow.kind === 'step') return null;

  const time = describeTime(sec, min, hour);
  const date = describeDate(dom, mon, dow);
  if (!time || !date) return null;
  if (time.kind === 'at') {
    return `${date.every ? date.every : capitalise(date.qualifier!)} at ${time.text}`;
  }
  // A frequency ("Every 15 minutes") with the days it applies to.
  return date.every === 'Every day' ? capitalise(time.text) : `${capitalise(time.text)}, ${date.qualifier}`;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

type TimeText = { kind: 'at'; text: string } | { kind: 'frequency'; text: string };

function describeTime(sec: Field, min: Field, hour: Field): TimeText | null {
  // Seconds: only 0 (or a lone value, shown in the time) is common; sub-minute frequencies are described plainly.
  if (sec.kind !== 'list' || sec.values.length !== 1) {
    if (min.kind === 'any' && hour.kind === 'any') {
      if (sec.kind === 'any') return { kind: 'frequency', text: 'every second' };
      if (sec.kind === 'step' && sec.start === 0) return { kind: 'frequency', text: `every ${plural(sec.step, 'second')}` };
    }
    return null;
  }
  const s = sec.values[0];
  const clock = (h: number, m: number) => `${pad(h)}:${pad(m)}${s ? `:${pad(s)}` : ''}`;
  const minuteMark = (m: number) => `:${pad(m)}${s ? `:${pad(s)}` : ''}`;

  // A fixed minute.
  if (min.kind === 'list' && min.values.length === 1) {
    const m = min.values[0];
    if (hour.kind === 'list') {
      if (isRange(hour.values) && hour.values.length > 4) {
        return {
          kind: 'frequency',
          text: `every hour from ${clock(hour.values[0], m)} to ${clock(hour.values[hour.values.length - 1], m)}`,
        };
      }
      return { kind: 'at', text: listText(hour.values.map((h) => clock(h, m))) };
    }
    const at = m || s ? ` at ${minuteMark(m)}` : '';
    if (hour.kind === 'any') return { kind: 'frequency', text: `every hour${m || s ? ` at ${minuteMark(m)}` : ''}` };
    const from = hour.start ? ` from ${clock(hour.start, m)}` : '';
    return { kind: 'frequency', text: `every ${plural(hour.step, 'hour')}${from || at}` };
  }
  // Several fixed minutes in given hours: list the times when there are few of them.
  if (min.kind === 'list' && hour.kind === 'list' && min.values.length * hour.values.length <= 6) {
    return { kind: 'at', text: listText(hour.values.flatMap((h) => min.values.map((m) => clock(h, m)))) };
  }
  if (s) return null;
  let every: string;
  if (min.kind === 'any') every = 'every minute';
  else if (min.kind === 'step' && min.start === 0) every = `every ${plural(min.step, 'minute')}`;
  else if (min.kind === 'list' && hour.kind === 'any')
    return { kind: 'frequency', text: `every hour at ${listText(min.values.map((m) => `:${pad(m)}`))}` };
  else return null;
  if (hour.kind === 'any') return { kind: 'frequency', text: every };
  if (
    hour.kind === 'list' &&
    (hour.values.length === 1 || isRange(hour.values) || (hour.values.length === 2 && hour.values[1] === hour.values[0] + 1))
  ) {
    const first = hour.values[0];
    const last = hour.values[hour.values.length - 1];
    return { kind: 'frequency', text: `${every} between ${pad(first)}:00 and ${pad(last)}:59` };
  }
  return null;
}

/** `every`: "Every day", "Every weekday", "Every Monday"…; `qualifier`: the same as a trailing phrase ("on weekdays"). */
function describeDate(dom: Field, mon: Field, dow: Exclude<Field, { kind: 'step' }>): { every?: string; qualifier?: string } | null {
  if (dom.kind === 'step' || mon.kind === 'step') return null;
  if (dom.kind === 'list' && dow.kind === 'list') return null; // cron's "either" rule: rare and easy to misread
  const months = mon.kind === 'list' ? listText(mon.values.map((m) => MONTH_NAMES[m - 1])) : null;

  if (dom.kind === 'list') {
    if (months && mon.kind === 'list' && mon.values.length === 1 && dom.values.length === 1) {
      return { qualifier: `on ${months} ${dom.values[0]}` };
    }
    const days = `${dom.values.length === 1 ? 'day' : 'days'} ${listText(dom.values.map(String))}`;
    return { qualifier: `on ${days} of ${months ? months : 'every month'}` };
  }
  const inMonths = months ? ` in ${months}` : '';
  if (dow.kind === 'any') {
    return months ? { every: `Every day${inMonths}`, qualifier: `in ${months}` } : { every: 'Every day', qualifier: 'every day' };
  }
  const d = dow.values;
  if (d.join() === '1,2,3,4,5') return { every: `Every weekday${inMonths}`, qualifier: `on weekdays${inMonths}` };
  if (d.join() === '0,6') return { every: `Every Saturday and Sunday${inMonths}`, qualifier: `on weekends${inMonths}` };
  if (d.length === 7) return { every: `Every day${inMonths}`, qualifier: `every day${inMonths}` };
  const ordered = [...d.filter((x) => x !== 0), ...d.filter((x) => x === 0)]; // Monday first, Sunday last
  const names =
    isRange(ordered) && ordered.length > 2
      ? `${DAY_NAMES[ordered[0]]} to ${DAY_NAMES[ordered[ordered.length - 1]]}`
      : listText(ordered.map((x) => DAY_NAMES[x]));
  const isSpan = isRange(ordered) && ordered.length > 2;
  return {
    every: `Every ${names}${inMonths}`,
    qualifier: `on ${isSpan ? names : listText(ordered.map((x) => `${DAY_NAMES[x]}s`))}${inMonths}`,
  };
}

/** A schedule in words with its timezone; the raw cron when it cannot be put into words. */
export function describeSchedule(schedule: Schedule | null): string {
  if (!schedule) return 'Manual only: runs when someone starts it';
  const cron = normaliseCron(schedule.cron);
  if (!cron) return 'No cron expression yet';
  const text = describeCron(cron);
  return text ? `${text} (${schedule.timezone})` : `Cron "${cron}" (${schedule.timezone})`;
}

// ---------------------------------------------------------------------------------------------------------
// times in a timezone

/**
 * "Mon, Mar 9, 09:00 GMT+1": an instant in the schedule's timezone, built from parts so the server and
 * the browser render the same text.
 */
export function formatInZone(iso: string, timezone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'shortOffset',
    }).formatToParts(date);
  } catch {
    return iso;
  }
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  const hour = get('hour') === '24' ? '00' : get('hour');
  // ICU versions differ on the zero offset ("GMT", "GMT+0"); one spelling keeps server and browser in step.
  const offset = /^(GMT|UTC)([+-]0(:00)?)?$/.test(get('timeZoneName')) ? 'UTC' : get('timeZoneName');
  return `${get('weekday')}, ${get('month')} ${get('day')}, ${hour}:${get('minute')} ${offset}`;
}

/** IANA timezones for a select: UTC first, then the rest sorted and grouped by region. */
export function groupTimezones(zones: readonly string[]): { region: string; zones: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const zone of [...new Set(zones)].sort()) {
    if (zone === 'UTC') continue;
    const region = zone.includes('/') ? zone.slice(0, zone.indexOf('/')) : 'Other';
    groups.set(region, [...(groups.get(region) ?? []), zone]);
  }
  return [{ region: 'UTC', zones: ['UTC'] }, ...[...groups.entries()].map(([region, list]) => ({ region, zones: list }))];
}

/** The timezones this runtime knows (Node 20: `Intl.supportedValuesOf`), always with UTC. */
export function supportedTimezones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  const zones = intl.supportedValuesOf ? intl.supportedValuesOf('timeZone') : [];
  return zones.includes('UTC') ? zones : ['UTC', ...zones];
}
