// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RunsChart } from './runs-chart';
import { CHART_COLOURS, CHART_GEOMETRY } from '~/lib/chart';
import type { Run } from '~/lib/types';

function makeRun(over: Omit<Partial<Run>, 'stats'> & { stats?: Partial<Run['stats']> } = {}, i = 0): Run {
  const startedAt = new Date(Date.UTC(2025, 5, 3, 12, i * 10)).toISOString();
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
    durationMs: over.durationMs === undefined ? 1000 : over.durationMs,
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

/** The attributes of every element carrying `marker` (an attribute selector such as `[data-bar="duration"]`), in document order. */
function attrs(container: HTMLElement, marker: string): Record<string, string>[] {
  return [...container.querySelectorAll(marker)].map((el) =>
    Object.fromEntries([['tag', el.tagName.toLowerCase()], ...[...el.attributes].map((a) => [a.name, a.value])]),
  );
}

const texts = (container: HTMLElement, selector: string) => [...container.querySelectorAll(selector)].map((el) => el.textContent);

afterEach(cleanup);

describe('RunsChart', () => {
  const runs = [
    makeRun({ durationMs: 1000, stats: { created: 2, updated: 1 } }, 0),
    makeRun({ durationMs: 2000 }, 1),
    makeRun({ durationMs: 4000, status: 'failed', error: 'Provider answered 503' }, 2),
  ];
  const chart = () => render(<RunsChart runs={runs} now={0} width={960} />).container;

  it('renders an accessible SVG with a summary', () => {
    chart();
    const svg = screen.getByRole('img', {
      name: 'Last 3 runs: 2 succeeded, 1 failed. Durations from 1.0 s to 4.0 s, median 2.0 s. Records: 2 created, 1 updated, 0 deleted.',
    });
    expect(svg.tagName.toLowerCase()).toBe('svg');
    expect(svg.getAttribute('viewBox')).toBe('0 0 960 292');
  });

  it('draws one duration bar per run, scaled with its duration', () => {
    const bars = attrs(chart(), '[data-bar="duration"]');
    expect(bars).toHaveLength(3);
    const heights = bars.map((b) => Number(b.height));
    expect(heights[2]).toBe(CHART_GEOMETRY.durationHeight);
    expect(heights[1]).toBeCloseTo(heights[2]! / 2, 1);
    expect(heights[0]).toBeCloseTo(heights[2]! / 4, 1);
    expect(Number(bars[0]!.x)).toBeLessThan(Number(bars[1]!.x));
  });

  it('marks failed runs red', () => {
    const container = chart();
    const bars = attrs(container, '[data-bar="duration"]');
    expect(bars.map((b) => b.fill)).toEqual([CHART_COLOURS.duration, CHART_COLOURS.duration, CHART_COLOURS.failed]);
    const groups = attrs(container, '[data-run-id]');
    expect(groups.map((g) => g['data-status'])).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(attrs(container, '[data-marker="failed"]')).toHaveLength(1);
  });

  it('gives every run a tooltip', () => {
    const titles = texts(chart(), '[data-run-id] > title');
    expect(titles).toHaveLength(3);
    expect(titles[0]).toContain('succeeded · schedule · Jun 3, 2025, 12:00:00 UTC');
    expect(titles[0]).toContain('Duration: 1.0 s');
    expect(titles[2]).toContain('Error: Provider answered 503');
  });

  it('labels the axes with nice ticks and times', () => {
    const container = chart();
    expect(texts(container, '[data-tick="duration"] text')).toEqual(['0', '1 s', '2 s', '3 s', '4 s']);
    expect(texts(container, '[data-tick="records"] text')).toEqual(['0', '2', '4']);
    // every other run at this width, so the labels do not overlap; always the newest
    expect(texts(container, '[data-label="time"]')).toEqual(['Jun 3, 12:00', 'Jun 3, 12:20']);
    const svgTexts = texts(container, 'svg > text');
    expect(svgTexts).toContain('Duration');
    expect(svgTexts).toContain('Records changed');
    cleanup();
    const wide = render(<RunsChart runs={Array.from({ length: 30 }, (_, i) => makeRun({}, i))} now={0} />).container;
    expect(texts(wide, '[data-label="time"]')).toEqual([
      'Jun 3, 12:40',
      'Jun 3, 13:30',
      'Jun 3, 14:20',
      'Jun 3, 15:10',
      'Jun 3, 16:00',
      'Jun 3, 16:50',
    ]);
  });

  it('stacks the record counts and shows a legend', () => {
    const container = chart();
    expect(attrs(container, '[data-bar="created"]')).toHaveLength(1);
    expect(attrs(container, '[data-bar="updated"]')).toHaveLength(1);
    expect(attrs(container, '[data-bar="deleted"]')).toHaveLength(0);
    const legend = screen.getByRole('list', { name: 'Legend' });
    expect([...legend.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Duration',
      'Failed run',
      'Created',
      'Updated',
      'Deleted',
    ]);
    for (const label of ['Duration', 'Failed run', 'Created', 'Updated', 'Deleted'])
      expect(container.querySelector(`[data-legend="${label}"]`)).not.toBeNull();
    expect(container.querySelector('[data-legend="Cancelled"]')).toBeNull();
  });

  it('shows running and queued runs in their own colour', () => {
    const live = render(
      <RunsChart
        now={Date.parse('2025-06-03T12:00:05.000Z')}
        runs={[
          makeRun({ durationMs: 10_000 }, 0),
          { ...makeRun({ durationMs: null, status: 'running' }, 0), id: 'r' },
          { ...makeRun({ durationMs: null, status: 'queued', startedAt: null }, 0), id: 'q' },
        ]}
      />,
    ).container;
    const bars = attrs(live, '[data-bar="duration"]');
    expect(bars).toHaveLength(2);
    expect(bars[1]!.fill).toBe(CHART_COLOURS.active);
    expect(Number(bars[1]!.height)).toBeCloseTo(Number(bars[0]!.height) / 2, 1);
    expect(attrs(live, '[data-bar="queued"]')).toHaveLength(1);
    expect(live.querySelector('[data-legend="Queued / running"]')?.textContent).toBe('Queued / running');
  });

  it('renders an empty state without runs', () => {
    const empty = render(<RunsChart runs={[]} now={0} />).container;
    expect(empty.querySelector('[data-empty-state]')).not.toBeNull();
    expect(screen.getByText('No runs to chart yet')).toBeTruthy();
    expect(empty.querySelector('svg')).toBeNull();
  });
});
