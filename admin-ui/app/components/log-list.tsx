import { useEffect, useEffectEvent, useState } from 'react';
import { Link, useRevalidator } from 'react-router';
import { formatDuration, formatNumber } from '~/lib/format';
import { describeGroupLines, groupLogsByRun } from '~/lib/log-groups';
import type { LogLine, Run, RunStatus } from '~/lib/types';
import { StatusBadge } from './ui';
import { Time } from './time';

export const LIVE_INTERVAL_MS = 3000;
/** The logs pages follow an active run closer (issue 15 item 9: a live tail at 2 s). */
export const LOGS_LIVE_INTERVAL_MS = 2000;

export const isActiveRun = (status: RunStatus) => status === 'queued' || status === 'running';

/**
 * Reloads the page's data every few seconds while `active` (a run is queued or running), only while the tab
 * is visible and no reload is already under way. Stops by itself when the reloaded data says the run is over.
 */
export function useAutoRefresh(active: boolean, intervalMs = LIVE_INTERVAL_MS) {
  const revalidator = useRevalidator();
  // An effect event: each tick sees the revalidator of the latest render without restarting the interval.
  const tick = useEffectEvent(() => {
    if (document.visibilityState === 'visible' && revalidator.state === 'idle') void revalidator.revalidate();
  });
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => tick(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
}

/** "Live" pill shown while the page refreshes itself. */
export function LiveIndicator({ active, label = 'Live' }: { active: boolean; label?: string }) {
  return (
    <span
      role="status"
      aria-live="polite"
      data-live={active ? 'on' : 'off'}
      className={
        active
          ? 'inline-flex items-center gap-1.5 rounded-full bg-sky-50 px-2.5 py-0.5 text-xs font-medium text-sky-700 ring-1 ring-inset ring-sky-600/20'
          : 'sr-only'
      }
    >
      {active ? (
        <>
          <span className="relative flex size-2" aria-hidden>
            <span className="absolute inline-flex size-full animate-ping rounded-full bg-sky-400 opacity-75" />
            <span className="relative inline-flex size-2 rounded-full bg-sky-500" />
          </span>
          {label} · refreshing every {LIVE_INTERVAL_MS / 1000} s
        </>
      ) : (
        'Not refreshing: no run is active'
      )}
    </span>
  );
}

/**
 * A live refresh the person can pause: reloads every `intervalMs` while `active` and not paused. Returns the
 * pause state for <LiveControl>.
 */
export function usePausableRefresh(active: boolean, intervalMs = LOGS_LIVE_INTERVAL_MS) {
  const [paused, setPaused] = useState(false);
  useAutoRefresh(active && !paused, intervalMs);
  return { paused, setPaused };
}

/**
 * "Live · every 2 s" with Pause / Resume while a run is active, a quiet "Not live" otherwise. Always the same
 * height and always shown, so the page does not move when a run starts or ends.
 */
export function LiveControl({
  active,
  paused,
  onPausedChange,
  intervalMs = LOGS_LIVE_INTERVAL_MS,
}: {
  active: boolean;
  paused: boolean;
  onPausedChange: (paused: boolean) => void;
  intervalMs?: number;
}) {
  const state = !active ? 'off' : paused ? 'paused' : 'on';
  return (
    <div className="inline-flex h-7 items-center gap-2 text-xs" data-live={state}>
      <span
        role="status"
        aria-live="polite"
        className={
          state === 'on'
            ? 'inline-flex items-center gap-1.5 rounded-full bg-sky-50 px-2.5 py-0.5 font-medium text-sky-700 ring-1 ring-inset ring-sky-600/20'
            : state === 'paused'
              ? 'inline-flex items-center gap-1.5 rounded-full bg-amber-50 px-2.5 py-0.5 font-medium text-amber-800 ring-1 ring-inset ring-amber-600/20'
              : 'inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-slate-500 ring-1 ring-inset ring-slate-200'
        }
      >
        {state === 'on' ? (
          <>
            <span className="relative flex size-2" aria-hidden>
              <span className="absolute inline-flex size-full animate-ping rounded-full bg-sky-400 opacity-75" />
              <span className="relative inline-flex size-2 rounded-full bg-sky-500" />
            </span>
            Live · every {intervalMs / 1000} s
          </>
        ) : state === 'paused' ? (
          <>
            <span className="inline-flex size-2 rounded-full bg-amber-500" aria-hidden />
            Paused
          </>
        ) : (
          <>
            <span className="inline-flex size-2 rounded-full bg-slate-300" aria-hidden />
            Not live: no run is active
          </>
        )}
      </span>
      {active && (
        <button
          type="button"
          onClick={() => onPausedChange(!paused)}
          aria-label={paused ? 'Resume live updates' : 'Pause live updates'}
          data-live-toggle
          className="rounded-md px-2 py-1 font-medium text-slate-700 ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
      )}
    </div>
  );
}

/** Structured log data as a few readable chips: request logs as method, URL, status, duration; stats as counts. */
export function LogData({ data }: { data: Record<string, unknown> }) {
  const chips: { key: string; node: React.ReactNode; tone?: string }[] = [];
  const rest: [string, unknown][] = [];
  const method = typeof data.method === 'string' ? data.method : null;
  const url = typeof data.url === 'string' ? data.url : null;
  if (method || url) {
    chips.push({
      key: 'request',
      node: (
        <span className="font-mono">
          <span className="font-semibold">{method}</span>
          {method && url ? ' ' : ''}
          {url && <span className="break-all">{url}</span>}
        </span>
      ),
    });
  }
  for (const [k, v] of Object.entries(data)) {
    if (k === 'method' || k === 'url') continue;
    if (k === 'status') {
      const code = typeof v === 'number' ? v : null;
      chips.push({
        key: k,
        node: code === null ? 'no response' : `HTTP ${code}`,
        tone: code === null || code >= 500 ? 'red' : code >= 400 ? 'amber' : code >= 300 ? 'slate' : 'green',
      });
    } else if ((k === 'durationMs' || k === 'delayMs' || k === 'retryAfterMs') && typeof v === 'number') {
      chips.push({ key: k, node: `${k === 'durationMs' ? '' : k === 'delayMs' ? 'wait ' : 'retry after '}${formatDuration(v)}` });
    } else if (k === 'attempt' && typeof v === 'number') {
      chips.push({ key: k, node: `attempt ${v}` });
    } else if (k === 'stats' && v && typeof v === 'object') {
      const s = v as Record<string, unknown>;
      const order = ['fetched', 'created', 'updated', 'unchanged', 'deleted', 'failed'];
      const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
      const parts = Object.entries(s)
        .filter(([, n]) => typeof n === 'number')
        .sort(([a], [b]) => rank(a) - rank(b))
        .map(([name, n]) => `${formatNumber(n as number)} ${name}`);
      chips.push({ key: k, node: parts.join(' · ') });
    } else if (v !== null && v !== undefined) {
      rest.push([k, v]);
    }
  }
  for (const [k, v] of rest.slice(0, 4)) {
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    chips.push({
      key: k,
      node: (
        <>
          <span className="text-slate-500">{k}:</span> {text.length > 80 ? `${text.slice(0, 77)}…` : text}
        </>
      ),
    });
  }
  const TONES: Record<string, string> = {
    red: 'bg-red-50 text-red-700 ring-red-600/20',
    amber: 'bg-amber-50 text-amber-800 ring-amber-600/20',
    green: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
    slate: 'bg-slate-50 text-slate-700 ring-slate-500/20',
  };
  return (
    <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs" data-log-data>
      {chips.map((c) => (
        <span key={c.key} data-chip={c.key} className={`max-w-full rounded px-1.5 py-0.5 ring-1 ring-inset ${TONES[c.tone ?? 'slate']}`}>
          {c.node}
        </span>
      ))}
      <details className="open:w-full">
        <summary className="inline cursor-pointer rounded text-slate-500 hover:text-slate-700">JSON</summary>
        <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-900 p-2 text-[11px] leading-relaxed text-slate-100">
          {JSON.stringify(data, null, 2)}
        </pre>
      </details>
    </div>
  );
}

/**
 * Log lines with time (UTC), level, message and compact data. `runHref` adds a link to each line's run;
 * `integration` names the line's integration (organization-wide logs).
 */
export function LogList({
  logs,
  runHref,
  integration,
  timeOnly = false,
  framed = true,
  id,
}: {
  logs: LogLine[];
  runHref?: (log: LogLine) => string;
  integration?: (log: LogLine) => { name: string; href: string } | null;
  /** Run-scoped logs: the date is in the run summary, the lines only need the time of day. */
  timeOnly?: boolean;
  /** False inside a card that frames it already (a run's group). */
  framed?: boolean;
  id?: string;
}) {
  return (
    <ol
      id={id}
      className={`divide-y divide-slate-100 ${framed ? 'overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200' : ''}`}
      aria-label="Log lines"
      data-log-list
    >
      {logs.map((log) => {
        const i = integration?.(log) ?? null;
        return (
          <li
            key={log.id}
            data-log-level={log.level}
            className={`grid grid-cols-[auto_minmax(0,1fr)_auto] items-start gap-x-3 gap-y-1 px-4 py-2 text-sm sm:grid-cols-[9.5rem_4.25rem_minmax(0,1fr)_auto] sm:gap-3 ${log.level === 'error' ? 'bg-red-50/40' : log.level === 'warn' ? 'bg-amber-50/30' : ''}`}
          >
            <Time at={log.at} format={timeOnly ? 'clock' : 'short'} className="pt-0.5 font-mono text-xs tabular-nums text-slate-500" />
            <span>
              <StatusBadge status={log.level} />
            </span>
            {/* On a phone: time, level and links on one line, the message under them at full width. */}
            <div className="order-last col-span-3 min-w-0 sm:order-none sm:col-span-1">
              <p className="whitespace-pre-wrap break-words text-slate-800 [overflow-wrap:anywhere]">{log.message}</p>
              {log.data && Object.keys(log.data).length > 0 && <LogData data={log.data} />}
            </div>
            <div className="flex flex-col items-end gap-0.5 whitespace-nowrap pt-0.5 text-xs">
              {i && (
                <Link to={i.href} className="font-medium text-slate-700 hover:text-brand-700">
                  {i.name}
                </Link>
              )}
              {runHref && (
                <Link to={runHref(log)} className="text-brand-700 hover:underline">
                  Run logs →
                </Link>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}

/** What a group's header says about its run (null when the run is gone). */
export type GroupRun = Pick<Run, 'id' | 'status' | 'trigger' | 'startedAt' | 'scheduledFor' | 'stats'>;

/**
 * A page of log lines grouped by run (lib/log-groups.ts), newest first: each run a collapsible card headed by its
 * status, trigger, start and counts, with a link to the run's own log. Collapsed groups stay collapsed across
 * live refreshes and pages.
 */
export function LogGroups({
  logs,
  runs,
  title,
  runHref,
  integration,
}: {
  logs: LogLine[];
  /** The runs of the page's lines, by id (missing or null: not found). */
  runs: Record<string, GroupRun | null>;
  /** The group's heading: what ran ("contacts", "HubSpot CRM · contacts"). */
  title: (firstLine: LogLine) => string;
  runHref: (firstLine: LogLine) => string;
  /** Organization-wide logs: a link to the group's integration. */
  integration?: (firstLine: LogLine) => { name: string; href: string } | null;
}) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (runId: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (!next.delete(runId)) next.add(runId);
      return next;
    });
  return (
    <div className="space-y-3" data-log-groups>
      {groupLogsByRun(logs).map((group) => {
        const first = group.lines[0]!;
        const run = runs[group.runId] ?? null;
        const isCollapsed = collapsed.has(group.runId);
        const i = integration?.(first) ?? null;
        const headingId = `run-group-${group.runId}`;
        const linesId = `run-group-${group.runId}-lines`;
        return (
          <section
            key={group.runId}
            aria-labelledby={headingId}
            data-run-group={group.runId}
            data-collapsed={isCollapsed ? 'true' : 'false'}
            className="overflow-hidden rounded-lg bg-white shadow-sm ring-1 ring-slate-200"
          >
            <header
              className={`flex flex-wrap items-center gap-x-3 gap-y-1.5 bg-slate-50 px-4 py-2 ${isCollapsed ? '' : 'border-b border-slate-200'}`}
            >
              <h3 id={headingId} className="min-w-0 text-sm font-semibold text-slate-900">
                <button
                  type="button"
                  aria-expanded={!isCollapsed}
                  aria-controls={linesId}
                  onClick={() => toggle(group.runId)}
                  className="flex min-w-0 items-center gap-1.5 rounded text-left hover:text-brand-700"
                  data-group-toggle
                >
                  <svg
                    aria-hidden
                    viewBox="0 0 20 20"
                    className={`size-4 shrink-0 text-slate-500 transition-transform ${isCollapsed ? '-rotate-90' : ''}`}
                    fill="currentColor"
                  >
                    <path d="M5.2 7.2a.75.75 0 0 1 1.06 0L10 10.94l3.74-3.74a.75.75 0 1 1 1.06 1.06l-4.27 4.27a.75.75 0 0 1-1.06 0L5.2 8.26a.75.75 0 0 1 0-1.06Z" />
                  </svg>
                  <span className="break-words [overflow-wrap:anywhere]">
                    {run ? (
                      <>
                        <span className="capitalize">{run.trigger}</span> run of
                      </>
                    ) : (
                      'Run of'
                    )}{' '}
                    {title(first)}
                  </span>
                </button>
              </h3>
              {run && <StatusBadge status={run.status} />}
              <span className="text-xs text-slate-600" data-run-started>
                {run?.startedAt ? (
                  <>
                    Started <Time at={run.startedAt} />
                  </>
                ) : run?.status === 'queued' ? (
                  'Not started yet'
                ) : (
                  <>
                    Last line <Time at={group.newestAt} />
                  </>
                )}
              </span>
              <span className="ml-auto flex flex-wrap items-center gap-x-3 gap-y-1 text-xs">
                {i && (
                  <Link to={i.href} className="font-medium text-slate-700 hover:text-brand-700">
                    {i.name}
                  </Link>
                )}
                <Link to={runHref(first)} className="whitespace-nowrap font-medium text-brand-700 hover:underline">
                  Run logs →
                </Link>
              </span>
              <p className="flex w-full flex-wrap gap-x-3 gap-y-0.5 text-xs text-slate-600" data-run-counts>
                {run && (
                  <span>
                    {formatNumber(run.stats.fetched)} fetched · {formatNumber(run.stats.created)} created ·{' '}
                    {formatNumber(run.stats.updated)} updated
                    {run.stats.failed > 0 && <span className="font-semibold text-red-700"> · {formatNumber(run.stats.failed)} failed</span>}
                  </span>
                )}
                <span className="text-slate-500">{describeGroupLines(group)} on this page</span>
              </p>
            </header>
            <div id={linesId} hidden={isCollapsed}>
              <LogList logs={group.lines} timeOnly framed={false} />
            </div>
          </section>
        );
      })}
    </div>
  );
}
