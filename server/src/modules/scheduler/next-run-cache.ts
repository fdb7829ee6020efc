import { Job } from 'agenda';
import { SYNC_JOB } from './jobs.js';

/** At most this many schedules (cron and timezone) are remembered; then the memory starts afresh. */
const MAX_SCHEDULES = 10_000;

type Compute = (this: Job) => Job;

/**
 * Agenda computes a repeating job's next run each time it runs one (Job.computeNextRunAt: luxon and cron-parser,
 * parsing the cron every time): at a burst of due schedules — a worker firing 500 `sync:scheduled` jobs of the
 * same cron at once — that was most of Agenda's CPU per fire (1–4 ms each on a loaded 2-core machine, issue 16).
 * A cron's next run after t is the first cron time after t, so it is the same for every t from one where it was
 * computed up to that next run: this remembers, per schedule, the last interval [from, next) computed, and
 * answers Agenda's computation from it for `sync:scheduled` jobs (their repeatInterval is always a cron,
 * validated by the syncs module; other jobs' human intervals are relative to their last run, so they are
 * left to Agenda). Agenda still decides when every job runs next; this only skips recomputing the same answer.
 */
export function rememberNextRuns(): void {
  const proto = Job.prototype as unknown as { computeNextRunAt: Compute; [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const compute = proto.computeNextRunAt;
  const recent = new Map<string, { from: number; next: number }>();
  proto.computeNextRunAt = function computeNextRunAt(this: Job) {
    const a = this.attrs;
    if (a.name !== SYNC_JOB || typeof a.repeatInterval !== 'string' || !a.lastRunAt || a.startDate || a.endDate || a.skipDays) {
      return compute.call(this);
    }
    const key = `${a.repeatTimezone ?? ''}\u0000${a.repeatInterval}`;
    const t = new Date(a.lastRunAt).getTime();
    const hit = recent.get(key);
    if (hit && hit.from <= t && t < hit.next) {
      a.nextRunAt = new Date(hit.next);
      return this;
    }
    compute.call(this);
    const next = a.nextRunAt ? new Date(a.nextRunAt).getTime() : NaN;
    if (next > t) {
      if (recent.size >= MAX_SCHEDULES) recent.clear();
      recent.set(key, { from: t, next });
    }
    return this;
  };
}

const INSTALLED = Symbol.for('linkyard.rememberNextRuns');
