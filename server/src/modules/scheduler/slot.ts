import { CronExpressionParser } from 'cron-parser';
import type { Schedule } from '../syncs/schedule.js';

/**
 * How far ahead of a cron time a fire still counts for it. Agenda never runs a job before its due
 * time on the worker's clock, but the due time may have been computed on another machine; schedules
 * are at least a minute apart (validateSchedule), so a couple of seconds cannot reach a neighbouring slot.
 */
export const SLOT_TOLERANCE_MS = 2_000;

/**
 * The slot a fire belongs to: the latest cron time at or before `firedAt` (plus the tolerance), in
 * the schedule's timezone. Computed from the schedule rather than taken from the job, because Agenda
 * has already replaced the job's due time with the next one when the handler starts; and every
 * worker computes the same slot for the same minute, which is what lets the unique index on
 * (sync_id, scheduled_for) refuse a second run of it. A fire that comes late (workers were down)
 * runs the latest missed slot once; older missed slots are skipped, not replayed.
 */
export function slotOf(schedule: Schedule, firedAt: Date, toleranceMs = SLOT_TOLERANCE_MS): Date {
  const at = firedAt.getTime() + toleranceMs;
  const key = `${schedule.timezone}\u0000${schedule.cron}`;
  const hit = recent.get(key);
  if (hit && hit.slot <= at && at < hit.next) return new Date(hit.slot);
  // prev() is strictly before currentDate, hence the extra millisecond: a fire exactly on time is that slot.
  const slot = CronExpressionParser.parse(schedule.cron, { tz: schedule.timezone, currentDate: new Date(at + 1), strict: false })
    .prev()
    .toDate();
  const next = CronExpressionParser.parse(schedule.cron, { tz: schedule.timezone, currentDate: slot, strict: false }).next().toDate();
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(key, { slot: slot.getTime(), next: next.getTime() });
  return slot;
}

/**
 * The last slot computed per schedule, with the cron time after it: every fire of a burst (many syncs
 * sharing a cron, due at the same minute) falls between the two, so cron-parser runs once per
 * schedule and slot instead of once per fire (it was a tenth of a worker's CPU in such a burst).
 */
const recent = new Map<string, { slot: number; next: number }>();
const RECENT_MAX = 10_000;
