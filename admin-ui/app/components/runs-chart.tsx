import { CHART_COLOURS, layoutRunsChart, summarizeRuns } from '~/lib/chart';
import type { Run } from '~/lib/types';
import { useTimeSettings } from './time';
import { EmptyState } from './ui';

// Text and grid take the theme's colours (classes), so the chart reads in the dark theme too.
const FONT = { fontSize: 13, className: 'fill-slate-500' } as const;
const HEADING = { fontSize: 13, fontWeight: 600, className: 'fill-slate-700' } as const;

/**
 * Recent runs as an SVG bar chart, rendered on the server (no chart library): duration per run on top
 * (failed runs red, queued/running sky, cancelled grey) and records created/updated/deleted stacked
 * underneath. Each run's column has a <title> tooltip; the whole chart has an aria-label summary, and the
 * runs table next to it carries the same data for assistive technology. With `runHref`, each column is a link to
 * its run (logs), reachable with Tab and by a tap, named by its tooltip text.
 *
 * `runs` oldest first; `now` (passed from the loader) measures runs still going, identically on server and browser.
 */
export function RunsChart({
  runs,
  now,
  width = 1100,
  caption,
  runHref,
}: {
  runs: Run[];
  now: number;
  width?: number;
  caption?: string;
  runHref?: (run: Run) => string;
}) {
  const { timeZone } = useTimeSettings();
  if (runs.length === 0) {
    return (
      <EmptyState
        title="No runs to chart yet"
        description="Bars for each run's duration and records appear here once the syncs have run."
      />
    );
  }
  const chart = layoutRunsChart(runs, { width, now, timeZone });
  const summary = summarizeRuns(runs);
  const { plot, duration, records } = chart;
  const anyActive = chart.bars.some((b) => b.run.status === 'queued' || b.run.status === 'running');
  const anyCancelled = chart.bars.some((b) => b.run.status === 'cancelled');

  return (
    <figure className="m-0" data-testid="runs-chart">
      <svg
        viewBox={`0 0 ${chart.width} ${chart.height}`}
        width="100%"
        role={runHref ? 'group' : 'img'}
        aria-label={summary}
        className="block h-auto w-full"
        fontFamily="inherit"
        data-bars={chart.bars.length}
      >
        {/* Duration panel */}
        <text x={plot.left} y={duration.top - 10} {...HEADING}>
          Duration
        </text>
        {duration.ticks.map((t) => (
          <g key={`d${t.value}`} data-tick="duration">
            <line
              x1={plot.left}
              x2={plot.right}
              y1={t.y}
              y2={t.y}
              className="stroke-slate-200"
              strokeDasharray={t.value === 0 ? undefined : '3 3'}
            />
            <text x={plot.left - 8} y={t.y} dy="0.32em" textAnchor="end" {...FONT}>
              {t.label}
            </text>
          </g>
        ))}

        {/* Records panel */}
        <text x={plot.left} y={records.top - 10} {...HEADING}>
          Records changed
        </text>
        {records.ticks.map((t) => (
          <g key={`r${t.value}`} data-tick="records">
            <line
              x1={plot.left}
              x2={plot.right}
              y1={t.y}
              y2={t.y}
              className="stroke-slate-200"
              strokeDasharray={t.value === 0 ? undefined : '3 3'}
            />
            <text x={plot.left - 8} y={t.y} dy="0.32em" textAnchor="end" {...FONT}>
              {t.label}
            </text>
          </g>
        ))}

        {chart.bars.map((b) => {
          const column = (
            <g key={b.run.id} data-run-id={b.run.id} data-status={b.run.status} className="group">
              <title>{b.title}</title>
              {/* The whole column answers the hover, not just the (maybe tiny) bars. */}
              <rect
                x={b.x - 2}
                y={duration.top}
                width={b.width + 4}
                height={records.bottom - duration.top}
                fill="transparent"
                className="group-hover:fill-slate-100 group-focus-visible:fill-slate-100"
              />
              {b.durationHeight > 0 && (
                <rect
                  data-bar="duration"
                  x={b.x}
                  y={b.durationY}
                  width={b.width}
                  height={b.durationHeight}
                  rx={Math.min(2, b.width / 4)}
                  fill={b.fill}
                />
              )}
              {b.run.status === 'queued' && (
                <rect data-bar="queued" x={b.x} y={duration.bottom - 2} width={b.width} height={2} fill={CHART_COLOURS.active} />
              )}
              {b.segments.map((s) => (
                <rect key={s.key} data-bar={s.key} x={b.x} y={s.y} width={b.width} height={s.height} fill={s.fill} />
              ))}
              {b.failed && (
                <rect data-marker="failed" x={b.x} y={records.bottom + 2} width={b.width} height={3} fill={CHART_COLOURS.failed} />
              )}
            </g>
          );
          return runHref ? (
            <a key={b.run.id} href={runHref(b.run)} aria-label={b.title} className="group" data-run-link={b.run.id}>
              {column}
            </a>
          ) : (
            column
          );
        })}

        {chart.xLabels.map((l) => (
          <text key={`${l.x}`} data-label="time" x={l.x} y={records.bottom + 22} textAnchor={l.anchor} {...FONT}>
            {l.label}
          </text>
        ))}
        <text x={plot.right} y={chart.height - 4} textAnchor="end" {...FONT} fontSize={12}>
          Run start ({timeZone})
        </text>
      </svg>
      <figcaption className="mt-3 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-600">
        {caption && <span className="mr-2 font-medium text-slate-700">{caption}</span>}
        <ul className="flex flex-wrap items-center gap-x-4 gap-y-1" aria-label="Legend">
          <LegendItem colour={CHART_COLOURS.duration} label="Duration" />
          <LegendItem colour={CHART_COLOURS.failed} label="Failed run" />
          {anyActive && <LegendItem colour={CHART_COLOURS.active} label="Queued / running" />}
          {anyCancelled && <LegendItem colour={CHART_COLOURS.cancelled} label="Cancelled" />}
          <LegendItem colour={CHART_COLOURS.created} label="Created" />
          <LegendItem colour={CHART_COLOURS.updated} label="Updated" />
          <LegendItem colour={CHART_COLOURS.deleted} label="Deleted" />
        </ul>
      </figcaption>
    </figure>
  );
}

function LegendItem({ colour, label }: { colour: string; label: string }) {
  return (
    <li className="flex items-center gap-1.5" data-legend={label}>
      <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ backgroundColor: colour }} />
      {label}
    </li>
  );
}
