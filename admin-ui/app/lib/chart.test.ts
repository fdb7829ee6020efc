import { describe, expect, it } from 'vitest';
import {
  CHART_COLOURS,
  CHART_GEOMETRY,
  formatCountTick,
  labelExtent,
  formatDurationTick,
  formatTimeLabel,
  layoutRunsChart,
  linearScale,
  niceTicks,
  runDuration,
  summarizeRuns,
} from './chart';
import type { Run } from './types';

function makeRun(over: Omit<Partial<Run>, 'stats'> & { stats?: Partial<Run['stats']> } = {}, i = 0): Run {
  const startedAt = new Date(Date.UTC(2025, 5, 3, 12, i * 10)).toISOString();
  const durationMs = over.durationMs === undefined ? 1000 : over.durationMs;
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    integrationId: 'i',
    syncId: 's',
    trigger: 'schedule',
    status: 'succeeded',
    scheduledFor: startedAt,
    startedAt,
    finishedAt: startedAt,
    error: null,
    errorKind: null,
    ...over,
    durationMs,
    stats: {
      fetched: 10,
      created: 0,
      updated: 0,
      unchanged: 10,
      deleted: 0,
      failed: 0,
      skipped: 0,
      pushed: 0,
      conflicts: 0,
      ...over.stats,
    },
  };
}

describe('niceTicks', () => {
  it('steps of 1, 2 or 5 × 10^k from 0 to at least the maximum', () => {
    expect(niceTicks(9600, 4)).toEqual([0, 5000, 10000]);
    expect(niceTicks(8000, 4)).toEqual([0, 2000, 4000, 6000, 8000]);
    expect(niceTicks(7, 4)).toEqual([0, 2, 4, 6, 8]);
    expect(niceTicks(100, 4)).toEqual([0, 50, 100]);
    expect(niceTicks(0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
  });
  it('keeps integer steps for counts and handles 0', () => {
    expect(niceTicks(3, 4, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 4, true)).toEqual([0, 1]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});

describe('scales and labels', () => {
  it('maps linearly and clamps', () => {
    const y = linearScale(200, 100);
    expect(y(0)).toBe(0);
    expect(y(50)).toBe(25);
    expect(y(200)).toBe(100);
    expect(y(400)).toBe(100);
    expect(linearScale(0, 100)(5)).toBe(0);
  });
  it('formats duration and count ticks', () => {
    expect(formatDurationTick(0)).toBe('0');
    expect(formatDurationTick(500)).toBe('500 ms');
    expect(formatDurationTick(2000)).toBe('2 s');
    expect(formatDurationTick(2500)).toBe('2.5 s');
    expect(formatDurationTick(90_000)).toBe('1.5 min');
    expect(formatDurationTick(7_200_000)).toBe('2 h');
    expect(formatCountTick(40)).toBe('40');
    expect(formatCountTick(1200)).toBe('1.2k');
    expect(formatTimeLabel('2025-06-03T14:05:00.000Z')).toBe('Jun 3, 14:05');
    expect(formatTimeLabel(null)).toBe('—');
  });
  it('measures a running run until now and a queued one as 0', () => {
    const now = Date.parse('2025-06-03T12:00:10.000Z');
    expect(runDuration({ status: 'running', durationMs: null, startedAt: '2025-06-03T12:00:00.000Z' }, now)).toBe(10_000);
    expect(runDuration({ status: 'queued', durationMs: null, startedAt: null }, now)).toBe(0);
    expect(runDuration({ status: 'succeeded', durationMs: 1234, startedAt: null }, now)).toBe(1234);
  });
});

describe('layoutRunsChart', () => {
  const runs = [
    makeRun({ durationMs: 2000, stats: { created: 4, updated: 2, deleted: 1 } }, 0),
    makeRun({ durationMs: 4000, stats: { created: 1 } }, 1),
    makeRun({ durationMs: 8000, status: 'failed', error: 'HTTP 503' }, 2),
  ];
  const chart = layoutRunsChart(runs, { width: 960, now: 0 });

  it('scales bar heights with durations against the nice axis maximum', () => {
    const [a, b, c] = chart.bars;
    expect(chart.duration.ticks.map((t) => t.value)).toEqual([0, 2000, 4000, 6000, 8000]);
    expect(c!.durationHeight).toBe(CHART_GEOMETRY.durationHeight);
    expect(b!.durationHeight).toBeCloseTo(c!.durationHeight / 2, 1);
    expect(a!.durationHeight).toBeCloseTo(c!.durationHeight / 4, 1);
    // bars stand on the baseline
    for (const bar of chart.bars) expect(bar.durationY + bar.durationHeight).toBeCloseTo(chart.duration.bottom, 1);
  });

  it('colours failed runs red and the others in the duration colour', () => {
    expect(chart.bars.map((b) => b.fill)).toEqual([CHART_COLOURS.duration, CHART_COLOURS.duration, CHART_COLOURS.failed]);
    expect(chart.bars.map((b) => b.failed)).toEqual([false, false, true]);
    expect(chart.bars[2]!.title).toContain('Error: HTTP 503');
  });

  it('stacks created, updated and deleted on their own integer axis', () => {
    expect(chart.records.ticks.map((t) => t.value)).toEqual([0, 5, 10]);
    const segs = chart.bars[0]!.segments;
    expect(segs.map((s) => [s.key, s.value])).toEqual([
      ['created', 4],
      ['updated', 2],
      ['deleted', 1],
    ]);
    // contiguous from the baseline upwards
    expect(segs[0]!.y + segs[0]!.height).toBeCloseTo(chart.records.bottom, 1);
    expect(segs[1]!.y + segs[1]!.height).toBeCloseTo(segs[0]!.y, 1);
    expect(segs[0]!.height).toBeCloseTo(CHART_GEOMETRY.recordsHeight * 0.4, 1);
    expect(chart.bars[2]!.segments).toEqual([]);
  });

  it('places bars left to right in equal slots inside the plot and labels the newest run', () => {
    const xs = chart.bars.map((b) => b.x);
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[2]! - xs[1]!, 1);
    expect(xs[0]).toBeGreaterThanOrEqual(chart.plot.left);
    expect(chart.bars[2]!.x + chart.bars[2]!.width).toBeLessThanOrEqual(chart.plot.right);
    expect(chart.xLabels.at(-1)!.x).toBe(chart.bars[2]!.cx);
    expect(chart.xLabels.at(-1)!.label).toBe('Jun 3, 12:20');
  });

  it('never lets time labels overlap or leave the plot', () => {
    for (const n of [1, 2, 3, 5, 8, 13, 21, 30]) {
      for (const width of [600, 960, 1100]) {
        const c = layoutRunsChart(
          Array.from({ length: n }, (_, i) => makeRun({}, i)),
          { width, now: 0 },
        );
        const extents = c.xLabels.map(labelExtent);
        expect(c.xLabels.length).toBeGreaterThan(0);
        expect(extents[0]![0]).toBeGreaterThanOrEqual(c.plot.left - 0.01);
        expect(extents.at(-1)![1]).toBeLessThanOrEqual(c.plot.right + 0.01);
        for (let i = 1; i < extents.length; i++) expect(extents[i]![0]).toBeGreaterThan(extents[i - 1]![1]);
      }
    }
  });

  it('shows about six time labels for 30 runs', () => {
    const many = Array.from({ length: 30 }, (_, i) => makeRun({ durationMs: 1000 + i * 100 }, i));
    const c = layoutRunsChart(many, { now: 0 });
    expect(c.bars).toHaveLength(30);
    expect(c.xLabels).toHaveLength(6);
    expect(new Set(c.bars.map((b) => b.width)).size).toBe(1);
  });

  it('keeps tiny durations visible next to long ones', () => {
    const c = layoutRunsChart([makeRun({ durationMs: 1 }, 0), makeRun({ durationMs: 3_600_000 }, 1)], { now: 0 });
    expect(c.bars[0]!.durationHeight).toBeGreaterThanOrEqual(1);
  });
});

describe('summarizeRuns', () => {
  it('counts statuses, durations and records in one sentence', () => {
    const runs = [
      makeRun({ durationMs: 1000, stats: { created: 3, updated: 1 } }, 0),
      makeRun({ durationMs: 3000, stats: { updated: 2, deleted: 1 } }, 1),
      makeRun({ durationMs: 9500, status: 'failed' }, 2),
      makeRun({ durationMs: null, status: 'running' }, 3),
    ];
    expect(summarizeRuns(runs)).toBe(
      'Last 4 runs: 2 succeeded, 1 failed, 1 running. Durations from 1.0 s to 9.5 s, median 3.0 s. Records: 3 created, 3 updated, 1 deleted.',
    );
    expect(summarizeRuns([])).toBe('No runs yet.');
    expect(summarizeRuns([makeRun({ durationMs: 250 }, 0)])).toBe(
      'Last 1 run: 1 succeeded. Durations from 250 ms to 250 ms, median 250 ms. Records: 0 created, 0 updated, 0 deleted.',
    );
  });
});
