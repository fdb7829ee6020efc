import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
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
    ...over,
    durationMs: over.durationMs === undefined ? 1000 : over.durationMs,
    stats: { fetched: 10, created: 0, updated: 0, unchanged: 10, deleted: 0, failed: 0, ...over.stats },
  };
}

/** Attribute values of every element matching `selector`-ish `<tag … data-x="v" …>` in static markup. */
function attrs(html: string, marker: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  for (const m of html.matchAll(/<(rect|g|text)\b([^>]*)>/g)) {
    if (!m[2]!.includes(marker)) continue;
    const a: Record<string, string> = { tag: m[1]! };
    for (const [, k, v] of m[2]!.matchAll(/([\w-:]+)="([^"]*)"/g)) a[k!] = v!;
    out.push(a);
  }
  return out;
}

describe('RunsChart', () => {
  const runs = [
    makeRun({ durationMs: 1000, stats: { created: 2, updated: 1 } }, 0),
    makeRun({ durationMs: 2000 }, 1),
    makeRun({ durationMs: 4000, status: 'failed', error: 'Provider answered 503' }, 2),
  ];
  const html = renderToStaticMarkup(<RunsChart runs={runs} now={0} width={960} />);

  it('renders an accessible SVG with a summary', () => {
    expect(html).toContain('role="img"');
    expect(html).toContain(
      'aria-label="Last 3 runs: 2 succeeded, 1 failed. Durations from 1.0 s to 4.0 s, median 2.0 s. Records: 2 created, 1 updated, 0 deleted."',
    );
    expect(html).toContain('viewBox="0 0 960 292"');
  });

  it('draws one duration bar per run, scaled with its duration', () => {
    const bars = attrs(html, 'data-bar="duration"');
    expect(bars).toHaveLength(3);
    const heights = bars.map((b) => Number(b.height));
    expect(heights[2]).toBe(CHART_GEOMETRY.durationHeight);
    expect(heights[1]).toBeCloseTo(heights[2]! / 2, 1);
    expect(heights[0]).toBeCloseTo(heights[2]! / 4, 1);
    expect(Number(bars[0]!.x)).toBeLessThan(Number(bars[1]!.x));
  });

  it('marks failed runs red', () => {
    const bars = attrs(html, 'data-bar="duration"');
    expect(bars.map((b) => b.fill)).toEqual([CHART_COLOURS.duration, CHART_COLOURS.duration, CHART_COLOURS.failed]);
    const groups = attrs(html, 'data-run-id');
    expect(groups.map((g) => g['data-status'])).toEqual(['succeeded', 'succeeded', 'failed']);
    expect(attrs(html, 'data-marker="failed"')).toHaveLength(1);
  });

  it('gives every run a tooltip', () => {
    const titles = [...html.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => m[1]);
    expect(titles).toHaveLength(3);
    expect(titles[0]).toContain('succeeded · schedule · Jun 3, 12:00 UTC');
    expect(titles[0]).toContain('Duration: 1.0 s');
    expect(titles[2]).toContain('Error: Provider answered 503');
  });

  it('labels the axes with nice ticks and times', () => {
    const duration = [...html.matchAll(/data-tick="duration">.*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(duration).toEqual(['0', '1 s', '2 s', '3 s', '4 s']);
    const records = [...html.matchAll(/data-tick="records">.*?<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(records).toEqual(['0', '2', '4']);
    const times = [...html.matchAll(/data-label="time"[^>]*>([^<]*)</g)].map((m) => m[1]);
    // every other run at this width, so the labels do not overlap; always the newest
    expect(times).toEqual(['Jun 3, 12:00', 'Jun 3, 12:20']);
    const wide = renderToStaticMarkup(<RunsChart runs={Array.from({ length: 30 }, (_, i) => makeRun({}, i))} now={0} />);
    expect([...wide.matchAll(/data-label="time"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      'Jun 3, 12:40',
      'Jun 3, 13:30',
      'Jun 3, 14:20',
      'Jun 3, 15:10',
      'Jun 3, 16:00',
      'Jun 3, 16:50',
    ]);
    expect(html).toContain('Duration</text>');
    expect(html).toContain('Records changed</text>');
  });

  it('stacks the record counts and shows a legend', () => {
    expect(attrs(html, 'data-bar="created"')).toHaveLength(1);
    expect(attrs(html, 'data-bar="updated"')).toHaveLength(1);
    expect(attrs(html, 'data-bar="deleted"')).toHaveLength(0);
    for (const label of ['Duration', 'Failed run', 'Created', 'Updated', 'Deleted']) expect(html).toContain(`data-legend="${label}"`);
    expect(html).not.toContain('data-legend="Cancelled"');
  });

  it('shows running and queued runs in their own colour', () => {
    const live = renderToStaticMarkup(
      <RunsChart
        now={Date.parse('2025-06-03T12:00:05.000Z')}
        runs={[
          makeRun({ durationMs: 10_000 }, 0),
          { ...makeRun({ durationMs: null, status: 'running' }, 0), id: 'r' },
          { ...makeRun({ durationMs: null, status: 'queued', startedAt: null }, 0), id: 'q' },
        ]}
      />,
    );
    const bars = attrs(live, 'data-bar="duration"');
    expect(bars).toHaveLength(2);
    expect(bars[1]!.fill).toBe(CHART_COLOURS.active);
    expect(Number(bars[1]!.height)).toBeCloseTo(Number(bars[0]!.height) / 2, 1);
    expect(attrs(live, 'data-bar="queued"')).toHaveLength(1);
    expect(live).toContain('data-legend="Queued / running"');
  });

  it('renders an empty state without runs', () => {
    const empty = renderToStaticMarkup(<RunsChart runs={[]} now={0} />);
    expect(empty).toContain('data-empty-state');
    expect(empty).toContain('No runs to chart yet');
    expect(empty).not.toContain('<svg');
  });
});
