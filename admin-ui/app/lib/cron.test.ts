import { describe, expect, it } from 'vitest';
import {
  changePreset,
  describeCron,
  describeSchedule,
  draftFromSchedule,
  formatInZone,
  groupTimezones,
  presetToCron,
  scheduleFromDraft,
  type CronDraft,
} from './cron';

const draft = (patch: Partial<CronDraft>): CronDraft => ({ preset: 'daily', time: '09:00', day: 1, cron: '', timezone: 'UTC', ...patch });

describe('presets → cron', () => {
  it('gives the cron expression of each preset', () => {
    expect(presetToCron(draft({ preset: 'hourly' }))).toBe('0 * * * *');
    expect(presetToCron(draft({ preset: 'every15' }))).toBe('*/15 * * * *');
    expect(presetToCron(draft({ preset: 'daily', time: '06:30' }))).toBe('30 6 * * *');
    expect(presetToCron(draft({ preset: 'weekdays', time: '09:00' }))).toBe('0 9 * * 1-5');
    expect(presetToCron(draft({ preset: 'weekly', time: '17:45', day: 5 }))).toBe('45 17 * * 5');
    expect(presetToCron(draft({ preset: 'weekly', time: '08:00', day: 0 }))).toBe('0 8 * * 0');
    expect(presetToCron(draft({ preset: 'custom', cron: '  0   */2 * * * ' }))).toBe('0 */2 * * *');
  });

  it('manual only has no schedule at all', () => {
    expect(presetToCron(draft({ preset: 'manual' }))).toBeNull();
    expect(scheduleFromDraft(draft({ preset: 'manual' }))).toBeNull();
  });

  it('a schedule carries the chosen timezone', () => {
    expect(scheduleFromDraft(draft({ preset: 'weekdays', time: '09:00', timezone: 'Europe/Berlin' }))).toEqual({
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Berlin',
    });
  });

  it('an invalid time gives no expression rather than a wrong one', () => {
    expect(presetToCron(draft({ preset: 'daily', time: '25:00' }))).toBeNull();
    expect(presetToCron(draft({ preset: 'daily', time: '' }))).toBeNull();
  });
});

describe('cron → preset', () => {
  it('recognises the presets in stored schedules', () => {
    expect(draftFromSchedule({ cron: '0 8 * * *', timezone: 'Europe/Berlin' })).toMatchObject({
      preset: 'daily',
      time: '08:00',
      timezone: 'Europe/Berlin',
    });
    expect(draftFromSchedule({ cron: '30 6 * * 1-5', timezone: 'UTC' })).toMatchObject({ preset: 'weekdays', time: '06:30' });
    expect(draftFromSchedule({ cron: '0 9 * * 3', timezone: 'UTC' })).toMatchObject({ preset: 'weekly', time: '09:00', day: 3 });
    expect(draftFromSchedule({ cron: '*/15 * * * *', timezone: 'UTC' })).toMatchObject({ preset: 'every15' });
    expect(draftFromSchedule({ cron: '0 * * * *', timezone: 'UTC' })).toMatchObject({ preset: 'hourly' });
  });

  it('anything else is a custom expression, kept as written', () => {
    expect(draftFromSchedule({ cron: '0 */6 * * *', timezone: 'UTC' })).toMatchObject({ preset: 'custom', cron: '0 */6 * * *' });
  });

  it('no schedule is manual only, with the fallback timezone', () => {
    expect(draftFromSchedule(null, 'America/Chicago')).toMatchObject({ preset: 'manual', timezone: 'America/Chicago' });
  });

  it('round-trips every preset', () => {
    for (const d of [
      draft({ preset: 'hourly' }),
      draft({ preset: 'every15' }),
      draft({ preset: 'daily', time: '23:59' }),
      draft({ preset: 'weekdays', time: '07:05' }),
      draft({ preset: 'weekly', day: 6, time: '12:00' }),
    ]) {
      const back = draftFromSchedule(scheduleFromDraft(d));
      expect(back.preset).toBe(d.preset);
      expect(presetToCron(back)).toBe(presetToCron(d));
    }
  });

  it('switching to custom starts from the current expression', () => {
    expect(changePreset(draft({ preset: 'weekdays', time: '09:00' }), 'custom').cron).toBe('0 9 * * 1-5');
  });
});

describe('describeCron', () => {
  it.each([
    ['*/15 * * * *', 'Every 15 minutes'],
    ['0 9 * * 1-5', 'Every weekday at 09:00'],
    ['0 * * * *', 'Every hour'],
    ['30 * * * *', 'Every hour at :30'],
    ['* * * * *', 'Every minute'],
    ['0 */6 * * *', 'Every 6 hours'],
    ['0 8 * * *', 'Every day at 08:00'],
    ['0 9 * * 1', 'Every Monday at 09:00'],
    ['0 9 * * 1,3,5', 'Every Monday, Wednesday and Friday at 09:00'],
    ['0 9 * * MON-FRI', 'Every weekday at 09:00'],
    ['0 10 * * 0,6', 'Every Saturday and Sunday at 10:00'],
    ['0 9 * * 7', 'Every Sunday at 09:00'],
    ['0 9,17 * * *', 'Every day at 09:00 and 17:00'],
    ['0 9 1 * *', 'On day 1 of every month at 09:00'],
    ['0 0 1,15 * *', 'On days 1 and 15 of every month at 00:00'],
    ['0 9 1 1 *', 'On January 1 at 09:00'],
    ['*/15 9-17 * * 1-5', 'Every 15 minutes between 09:00 and 17:59, on weekdays'],
  ])('%s → %s', (cron, text) => {
    expect(describeCron(cron)).toBe(text);
  });

  it('reads 6 fields with seconds first', () => {
    expect(describeCron('0 0 9 * * 1-5')).toBe('Every weekday at 09:00');
    expect(describeCron('30 0 9 * * *')).toBe('Every day at 09:00:30');
    expect(describeCron('*/30 * * * * *')).toBe('Every 30 seconds');
  });

  it('gives up (null) on what it cannot put into words', () => {
    expect(describeCron('5 4 L * *')).toBeNull();
    expect(describeCron('0 9 * * 1#2')).toBeNull();
    expect(describeCron('@daily')).toBeNull();
    expect(describeCron('0 9 * *')).toBeNull();
    expect(describeCron('61 9 * * *')).toBeNull();
    expect(describeCron('0 9 1 * 1')).toBeNull(); // day-of-month OR day-of-week: easy to misread
  });
});

describe('describeSchedule', () => {
  it('adds the timezone', () => {
    expect(describeSchedule({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' })).toBe('Every weekday at 09:00 (Europe/Berlin)');
  });
  it('falls back to the raw cron for unknown expressions', () => {
    expect(describeSchedule({ cron: '5 4 L * *', timezone: 'UTC' })).toBe('Cron "5 4 L * *" (UTC)');
  });
  it('says when there is no schedule', () => {
    expect(describeSchedule(null)).toMatch(/^Manual only/);
  });
});

describe('times in a timezone', () => {
  it('formats an instant in the schedule timezone with its offset', () => {
    expect(formatInZone('2025-03-10T08:00:00.000Z', 'Europe/Berlin')).toBe('Mon, Mar 10, 09:00 GMT+1');
    expect(formatInZone('2025-07-01T13:30:00.000Z', 'America/New_York')).toBe('Tue, Jul 1, 09:30 GMT-4');
    expect(formatInZone('2025-07-01T00:00:00.000Z', 'UTC')).toBe('Tue, Jul 1, 00:00 UTC');
  });
  it('groups timezones by region with UTC first', () => {
    const groups = groupTimezones(['Europe/Berlin', 'America/New_York', 'Europe/Amsterdam', 'UTC']);
    expect(groups.map((g) => g.region)).toEqual(['UTC', 'America', 'Europe']);
    expect(groups[2].zones).toEqual(['Europe/Amsterdam', 'Europe/Berlin']);
  });
});
