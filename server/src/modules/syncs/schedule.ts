import { CronExpressionParser } from 'cron-parser';
import { BadRequest } from '../../lib/errors.js';
import { isValidTimezone } from '../../lib/timezones.js';

/**
 * Cron schedules: 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading seconds
 * field, evaluated in an IANA timezone so "09:00 every day" stays 09:00 local across DST changes.
 */
export interface Schedule {
  cron: string;
  timezone: string;
}

const MIN_INTERVAL_MS = 60_000;

export { isValidTimezone };

/**
 * Throws a 400 that says what is wrong with the schedule, or returns it normalised. `fieldOf` names the
 * input at fault in the error's `field`: by default the body's `schedule` object.
 */
export function validateSchedule(schedule: Schedule, fieldOf: (key: keyof Schedule) => string = (key) => `/schedule/${key}`): Schedule {
  const cron = schedule.cron.trim().replace(/\s+/g, ' ');
  const fields = cron.split(' ').length;
  if (fields !== 5 && fields !== 6) {
    throw new BadRequest(
      `schedule.cron must have 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; "${cron}" has ${fields}`,
      fieldOf('cron'),
    );
  }
  if (!isValidTimezone(schedule.timezone)) {
    throw new BadRequest(
      `schedule.timezone "${schedule.timezone}" is not an IANA timezone (e.g. "Europe/Berlin", "America/New_York", "UTC")`,
      fieldOf('timezone'),
    );
  }
  let next: Date[];
  try {
    next = nextRunTimes({ cron, timezone: schedule.timezone }, new Date(), 2);
  } catch (err) {
    throw new BadRequest(`schedule.cron "${cron}" is not a valid cron expression: ${(err as Error).message}`, fieldOf('cron'));
  }
  if (next.length === 2 && next[1].getTime() - next[0].getTime() < MIN_INTERVAL_MS) {
    throw new BadRequest('schedule.cron fires more than once a minute; the shortest interval is one minute', fieldOf('cron'));
  }
  return { cron, timezone: schedule.timezone };
}

/** The next `count` run times after `from`, in UTC instants. */
export function nextRunTimes(schedule: Schedule, from: Date, count: number): Date[] {
  const it = CronExpressionParser.parse(schedule.cron, { tz: schedule.timezone, currentDate: from, strict: false });
  const out: Date[] = [];
  for (let i = 0; i < count && it.hasNext(); i++) out.push(it.next().toDate());
  return out;
}

export function nextRunAt(schedule: Schedule | null, from = new Date()): Date | null {
  return schedule ? (nextRunTimes(schedule, from, 1)[0] ?? null) : null;
}
