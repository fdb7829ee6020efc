import t from 'tap';
import { nextRunTimes } from '../../../../server/src/modules/syncs/schedule.js';

t.test('daylight saving: a daily 09:00 schedule fires once per local day across both 2026 changes', async (t) => {
  for (const [timezone, changes] of [
    ['America/New_York', ['2026-03-08', '2026-11-01']],
    ['Europe/Berlin', ['2026-03-29', '2026-10-25']],
  ] as const) {
    for (const day of changes) {
      const from = new Date(`${day}T00:00:00Z`);
      from.setUTCDate(from.getUTCDate() - 3);
      const runs = nextRunTimes({ cron: '0 9 * * *', timezone }, from, 7);
      const local = runs.map((d) =>
        new Intl.DateTimeFormat('en-CA', {
          timeZone: timezone,
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
          hour12: false,
        }).format(d),
      );
      const days = local.map((s) => s.slice(0, 10));
      t.equal(new Set(days).size, 7, `${timezone} around ${day}: 7 runs on 7 different local days`);
      t.ok(
        local.every((s) => s.endsWith('09:00')),
        `${timezone} around ${day}: always 09:00 local (${local.join(' | ')})`,
      );
      const gaps = runs.slice(1).map((d, i) => (d.getTime() - runs[i].getTime()) / 3_600_000);
      t.ok(
        gaps.some((h) => h === 23 || h === 25),
        `${timezone} around ${day}: one 23 h or 25 h gap marks the change (${gaps.join(', ')})`,
      );
    }
  }
});
