/**
 * Geometry of the "recent runs" chart (components/runs-chart.tsx): pure functions, no React, so the
 * scales, ticks, bar positions and the accessible summary can be unit-tested and rendered on the server.
 */
import type { Run, RunStatus } from './types';
import { formatExact, formatShort } from './time';

/** "Nice" axis ticks from 0 up to at least `max`: steps of 1, 2 or 5 × 10^k; `integer` keeps steps ≥ 1. */
export function niceTicks(max: number, count = 4, integer = false): number[] {
  if (!Number.isFinite(max) || max <= 0) return [0, 1];
  const raw = max / Math.max(1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  if (integer) step = Math.max(1, Math.ceil(step));
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 1e-9; v += step) ticks.push(round(v));
  if (ticks[ticks.length - 1]! < max) ticks.push(round(ticks[ticks.length - 1]! + step));
  return ticks;
}

const round = (v: number) => Math.round(v * 1e6) / 1e6;

/** A linear scale from [0, domainMax] onto [0, rangePx] (heights grow upwards from the baseline). */
export function linearScale(domainMax: number, rangePx: number): (v: number) => number {
  if (domainMax <= 0) return () => 0;
  return (v) => (Math.max(0, Math.min(v, domainMax)) / domainMax) * rangePx;
}

/** Short axis labels for durations: "0", "500 ms", "2 s", "1.5 min". */
export function formatDurationTick(ms: number): string {
  if (ms === 0) return '0';
  if (ms < 1000) return `${trim(ms)} ms`;
  if (ms < 60_000) return `${trim(ms / 1000)} s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)} min`;
  return `${trim(ms / 3_600_000)} h`;
}

/** Compact counts for axis labels: 1200 → "1.2k". */
export function formatCountTick(n: number): string {
  if (n >= 1_000_000) return `${trim(n / 1_000_000)}M`;
  if (n >= 1000) return `${trim(n / 1000)}k`;
  return String(trim(n));
}

const trim = (v: number) => Number(v.toFixed(1)).toString();

/** "Jun 3, 14:05" in the person's time zone (UTC unless given), like every other time in the UI. */
export function formatTimeLabel(iso: string | null, timeZone = 'UTC'): string {
  return formatShort(iso, timeZone);
}

export const CHART_COLOURS = {
  duration: '#6366f1', // indigo-500 (brand)
  failed: '#dc2626', // red-600
  active: '#38bdf8', // sky-400: queued or running
  cancelled: '#94a3b8', // slate-400
  created: '#10b981', // emerald-500
  updated: '#f59e0b', // amber-500
  deleted: '#475569', // slate-600
} as const;

export function durationColour(status: RunStatus): string {
  if (status === 'failed') return CHART_COLOURS.failed;
  if (status === 'queued' || status === 'running') return CHART_COLOURS.active;
  if (status === 'cancelled') return CHART_COLOURS.cancelled;
  return CHART_COLOURS.duration;
}

/** How long a run took; a run still going counts until `now`, one not started yet counts 0. */
export function runDuration(run: Pick<Run, 'durationMs' | 'startedAt' | 'status'>, now: number): number {
  if (run.durationMs !== null && run.durationMs >= 0) return run.durationMs;
  if (run.status === 'running' && run.startedAt) return Math.max(0, now - new Date(run.startedAt).getTime());
  return 0;
}

export interface ChartSegment {
  key: 'created' | 'updated' | 'deleted';
  value: number;
  y: number;
  height: number;
  fill: string;
}

export interface ChartBar {
  run: Run;
  x: number;
  width: number;
  /** Centre of the slot, for labels. */
  cx: number;
  duration: number;
  durationY: number;
  durationHeight: number;
  fill: string;
  failed: boolean;
  segments: ChartSegment[];
  records: number;
  /** Text of the bar's tooltip (an SVG <title>). */
  title: string;
}

export interface Tick {
  value: number;
  y: number;
  label: string;
}

export interface ChartLayout {
  width: number;
  height: number;
  plot: { left: number; right: number };
  duration: { top: number; bottom: number; ticks: Tick[] };
  records: { top: number; bottom: number; ticks: Tick[] };
  bars: ChartBar[];
  xLabels: { x: number; label: string; anchor: 'start' | 'middle' | 'end' }[];
}

export interface ChartOptions {
  width?: number;
  /** Fewer runs than this still get slots this wide, so 2 runs do not become 2 huge bars. */
  minSlots?: number;
  now?: number;
  /** The zone of the time labels: the person's (lib/time.ts). */
  timeZone?: string;
}

/** Vertical bands of the chart, in SVG units (the SVG scales to its container with a viewBox). */
export const CHART_GEOMETRY = {
  height: 292,
  left: 64,
  right: 16,
  durationTop: 22,
  durationHeight: 130,
  recordsTop: 186,
  recordsHeight: 64,
  barFill: 0.68,
} as const;

/** Room one time label ("Nov 21, 22:44" at 13 units) takes along the x axis, in SVG units. */
export const TIME_LABEL_WIDTH = 96;

/** Where a time label starts and ends along the x axis, given its anchor. */
export function labelExtent(l: { x: number; anchor: 'start' | 'middle' | 'end' }): [number, number] {
  if (l.anchor === 'start') return [l.x, l.x + TIME_LABEL_WIDTH];
  if (l.anchor === 'end') return [l.x - TIME_LABEL_WIDTH, l.x];
  return [l.x - TIME_LABEL_WIDTH / 2, l.x + TIME_LABEL_WIDTH / 2];
}

/**
 * Bars for runs given oldest first: durations on top (failed runs red), records created/updated/deleted
 * stacked underneath on their own axis, time labels along the bottom.
 */
export function layoutRunsChart(runs: Run[], options: ChartOptions = {}): ChartLayout {
  const width = options.width ?? 960;
  const now = options.now ?? Date.now();
  const g = CHART_GEOMETRY;
  const plot = { left: g.left, right: width - g.right };
  const durationBottom = g.durationTop + g.durationHeight;
  const recordsBottom = g.recordsTop + g.recordsHeight;

  const durations = runs.map((r) => runDuration(r, now));
  const recordCounts = runs.map((r) => r.stats.created + r.stats.updated + r.stats.deleted);
  const durationTicks = niceTicks(Math.max(0, ...durations) || 1000, 4);
  const recordTicks = niceTicks(Math.max(0, ...recordCounts), 2, true);
  const durationMax = durationTicks[durationTicks.length - 1]!;
  const recordsMax = recordTicks[recordTicks.length - 1]!;
  const yDuration = linearScale(durationMax, g.durationHeight);
  const yRecords = linearScale(recordsMax, g.recordsHeight);

  const slots = Math.max(runs.length, options.minSlots ?? 12);
  const slot = (plot.right - plot.left) / slots;
  const barWidth = Math.max(2, slot * g.barFill);

  const bars: ChartBar[] = runs.map((run, i) => {
    const x = plot.left + i * slot + (slot - barWidth) / 2;
    const duration = durations[i]!;
    // A run that took any time at all stays visible (≥ 1 unit) even next to a very long one.
    const dh = duration > 0 ? Math.max(1, yDuration(duration)) : 0;
    let stackTop = recordsBottom;
    const segments: ChartSegment[] = [];
    for (const key of ['created', 'updated', 'deleted'] as const) {
      const value = run.stats[key];
      if (value <= 0) continue;
      const h = Math.max(1, yRecords(value));
      stackTop -= h;
      segments.push({ key, value, y: r2(stackTop), height: r2(h), fill: CHART_COLOURS[key] });
    }
    return {
      run,
      x: r2(x),
      width: r2(barWidth),
      cx: r2(x + barWidth / 2),
      duration,
      durationY: r2(durationBottom - dh),
      durationHeight: r2(dh),
      fill: durationColour(run.status),
      failed: run.status === 'failed',
      segments,
      records: recordCounts[i]!,
      title: barTitle(run, duration, options.timeZone),
    };
  });

  // About 6 time labels, never overlapping, always including the newest run; labels near an edge hang
  // inwards so they are never cut off.
  const half = TIME_LABEL_WIDTH / 2;
  const every = Math.max(1, Math.ceil(runs.length / 6), Math.ceil((TIME_LABEL_WIDTH * 1.5) / slot));
  const xLabels = bars
    .map((b, i) => ({ i, x: b.cx, label: formatTimeLabel(b.run.startedAt ?? b.run.scheduledFor, options.timeZone) }))
    .filter(({ i }) => (runs.length - 1 - i) % every === 0)
    .map(({ x, label }) => ({
      x,
      label,
      anchor: x + half > plot.right ? ('end' as const) : x - half < plot.left ? ('start' as const) : ('middle' as const),
    }));

  return {
    width,
    height: g.height,
    plot,
    duration: {
      top: g.durationTop,
      bottom: durationBottom,
      ticks: durationTicks.map((v) => ({ value: v, y: r2(durationBottom - yDuration(v)), label: formatDurationTick(v) })),
    },
    records: {
      top: g.recordsTop,
      bottom: recordsBottom,
      ticks: recordTicks.map((v) => ({ value: v, y: r2(recordsBottom - yRecords(v)), label: formatCountTick(v) })),
    },
    bars,
    xLabels,
  };
}

const r2 = (v: number) => Math.round(v * 100) / 100;

function durationText(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function barTitle(run: Run, duration: number, timeZone = 'UTC'): string {
  const s = run.stats;
  const when = formatExact(run.startedAt ?? run.scheduledFor, timeZone);
  const took =
    run.status === 'queued' ? 'not started' : run.status === 'running' ? `running for ${durationText(duration)}` : durationText(duration);
  const lines = [
    `${run.status} · ${run.trigger} · ${when}`,
    `Duration: ${took}`,
    `Fetched ${s.fetched} · created ${s.created} · updated ${s.updated} · deleted ${s.deleted} · failed ${s.failed}`,
  ];
  if (run.error) lines.push(`Error: ${run.error.length > 160 ? `${run.error.slice(0, 157)}…` : run.error}`);
  return lines.join('\n');
}

/** One sentence for screen readers (the SVG's aria-label): counts by status, durations and records. */
export function summarizeRuns(runs: Run[]): string {
  if (runs.length === 0) return 'No runs yet.';
  const byStatus = new Map<RunStatus, number>();
  for (const r of runs) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const order: RunStatus[] = ['succeeded', 'failed', 'cancelled', 'running', 'queued'];
  const statusText = order
    .filter((s) => byStatus.has(s))
    .map((s) => `${byStatus.get(s)} ${s}`)
    .join(', ');
  const finished = runs
    .filter((r) => r.durationMs !== null)
    .map((r) => r.durationMs!)
    .sort((a, b) => a - b);
  const durationPart = finished.length
    ? ` Durations from ${durationText(finished[0]!)} to ${durationText(finished[finished.length - 1]!)}, median ${durationText(median(finished))}.`
    : '';
  const sum = (k: 'created' | 'updated' | 'deleted') => runs.reduce((n, r) => n + r.stats[k], 0);
  const noun = runs.length === 1 ? 'run' : 'runs';
  return `Last ${runs.length} ${noun}: ${statusText}.${durationPart} Records: ${sum('created')} created, ${sum('updated')} updated, ${sum('deleted')} deleted.`;
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
