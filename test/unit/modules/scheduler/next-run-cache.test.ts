import t from 'tap';
import { Job } from 'agenda';
import { SYNC_JOB } from '../../../../server/src/modules/scheduler/jobs.js';
import { rememberNextRuns } from '../../../../server/src/modules/scheduler/next-run-cache.js';

/** Agenda's own computation (the prototype's method before rememberNextRuns replaces it). */
const agendaCompute = (Job.prototype as unknown as { computeNextRunAt: (this: Job) => Job }).computeNextRunAt;

const job = (name: string, repeatInterval: string, repeatTimezone: string, lastRunAt: Date) =>
  new Job({ attrs: { name: 'x' } } as never, { name, repeatInterval, repeatTimezone, lastRunAt, data: {} } as never);
const computed = (j: Job) => {
  (j as unknown as { computeNextRunAt(): Job }).computeNextRunAt();
  return j.attrs.nextRunAt?.toISOString();
};
const agendas = (j: Job) => {
  agendaCompute.call(j);
  return j.attrs.nextRunAt?.toISOString();
};

t.test("remembered next runs are Agenda's own, for every last run in and around a burst", async (t) => {
  rememberNextRuns();
  rememberNextRuns(); // installing twice is harmless
  const schedules = [
    { cron: '54 21 * * *', tz: 'UTC', around: Date.parse('2026-12-07T21:54:00Z') },
    { cron: '*/5 * * * *', tz: 'Europe/Berlin', around: Date.parse('2026-03-29T00:55:00Z') }, // the spring DST change
    { cron: '30 2 * * *', tz: 'Europe/Berlin', around: Date.parse('2026-10-25T00:30:00Z') }, // the autumn one
    { cron: '0 9 * * 1-5', tz: 'America/New_York', around: Date.parse('2026-11-20T14:00:00Z') },
  ];
  let compared = 0;
  for (const s of schedules) {
    // Fires a second before the slot, at it, through the burst, and across the next cron time.
    for (const offset of [-1000, -1, 0, 1, 250, 999, 1000, 2500, 59_000, 60_000, 299_999, 300_000, 301_000, 86_400_000]) {
      const at = new Date(s.around + offset);
      t.equal(
        computed(job(SYNC_JOB, s.cron, s.tz, at)),
        agendas(job(SYNC_JOB, s.cron, s.tz, at)),
        `${s.cron} ${s.tz} last run ${at.toISOString()}`,
      );
      compared++;
    }
  }
  t.equal(compared, 56);
});

t.test('other jobs are left to Agenda: human intervals count from their last run', async (t) => {
  rememberNextRuns();
  const first = job('schedule:reconcile', '10 minutes', 'UTC', new Date('2026-12-07T21:00:00Z'));
  const second = job('schedule:reconcile', '10 minutes', 'UTC', new Date('2026-12-07T21:01:00Z'));
  t.equal(computed(first), '2026-12-07T21:10:00.000Z');
  t.equal(computed(second), '2026-12-07T21:11:00.000Z');
});
