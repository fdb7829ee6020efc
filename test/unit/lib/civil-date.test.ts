import t from 'tap';
import { civilFromDays, daysFromCivil } from '../../../server/src/lib/civil-date.js';

const DAY_MS = 86_400_000;

t.test('civilFromDays agrees with Date for every day of 1600–2400 and inverts daysFromCivil', async (t) => {
  const first = daysFromCivil(1600, 1, 1);
  const last = daysFromCivil(2400, 12, 31);
  let mismatches = 0;
  for (let days = first; days <= last; days++) {
    const date = new Date(days * DAY_MS);
    const civil = civilFromDays(days);
    if (civil.year !== date.getUTCFullYear() || civil.month !== date.getUTCMonth() + 1 || civil.day !== date.getUTCDate()) mismatches++;
    if (daysFromCivil(civil.year, civil.month, civil.day) !== days) mismatches++;
  }
  t.equal(mismatches, 0);
});

t.test('civilFromDays counts astronomical years before year 1 (0 is 1 BC) and leap days in them', async (t) => {
  t.same(civilFromDays(daysFromCivil(0, 2, 29)), { year: 0, month: 2, day: 29 });
  t.same(civilFromDays(daysFromCivil(0, 3, 1) - 1), { year: 0, month: 2, day: 29 });
  t.same(civilFromDays(daysFromCivil(-1, 12, 31) + 1), { year: 0, month: 1, day: 1 });
  t.same(civilFromDays(daysFromCivil(-4713, 11, 24)), { year: -4713, month: 11, day: 24 });
  t.same(civilFromDays(0), { year: 1970, month: 1, day: 1 });
  t.same(civilFromDays(10_957), { year: 2000, month: 1, day: 1 }, "Postgres's epoch");
});
