import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import { formatClock, formatExact, formatRelativeTime, formatShort, TIME_ZONE_COOKIE, timeZoneCookie } from '~/lib/time';

/** The zone times are shown in, and the clock relative times count from (see lib/time.ts for the rule). */
export interface TimeSettings {
  timeZone: string;
  now: number;
}

const TimeContext = createContext<TimeSettings>({ timeZone: 'UTC', now: Date.now() });
export const useTimeSettings = () => useContext(TimeContext);

/** How often relative times ("3 min ago") move on. */
const TICK_MS = 30_000;

/**
 * Provides the time zone and a ticking clock to every <Time> below. The first render uses the loader's zone and
 * `now`, so it matches the server's HTML; then the clock starts, and when the person has no profile zone the
 * browser's own zone takes over (and is remembered in a cookie, so the next page comes from the server in it).
 */
export function TimeProvider({
  timeZone,
  followBrowser,
  now,
  children,
}: {
  timeZone: string;
  /** True when the profile names no zone: this browser's zone applies. */
  followBrowser: boolean;
  now: number;
  children: React.ReactNode;
}) {
  const [zone, setZone] = useState(timeZone);
  const [clock, setClock] = useState(now);
  // A profile change (saved on the profile page) arrives as a new loader value.
  const [given, setGiven] = useState(timeZone);
  if (given !== timeZone) {
    setGiven(timeZone);
    setZone(timeZone);
  }
  // Both start right after hydration (a timer, not during the effect, so the first paint matches the server's).
  useEffect(() => {
    if (!followBrowser) return;
    const browser = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!browser) return;
    if (!document.cookie.includes(`${TIME_ZONE_COOKIE}=${encodeURIComponent(browser)}`)) document.cookie = timeZoneCookie(browser);
    const timer = setTimeout(() => setZone(browser), 0);
    return () => clearTimeout(timer);
  }, [followBrowser, timeZone]);
  useEffect(() => {
    const first = setTimeout(() => setClock(Date.now()), 0);
    const timer = setInterval(() => setClock(Date.now()), TICK_MS);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
  }, []);
  const value = useMemo(() => ({ timeZone: zone, now: clock }), [zone, clock]);
  return <TimeContext.Provider value={value}>{children}</TimeContext.Provider>;
}

/**
 * One instant, shown by the one rule: relative ("3 min ago", "in 2 h") with the exact time, in the person's zone
 * and with its offset, on hover and for machines (`dateTime`). `format="clock"` shows the time of day instead
 * (the lines of one run's log), `format="short"` the date and time ("Dec 7, 16:02").
 */
export function Time({
  at,
  format = 'relative',
  fallback = '—',
  className,
  prefix,
}: {
  at: string | null | undefined;
  format?: 'relative' | 'clock' | 'short';
  fallback?: React.ReactNode;
  className?: string;
  /** Words before the time inside the same element ("until "). */
  prefix?: string;
}) {
  const { timeZone, now } = useTimeSettings();
  if (!at || Number.isNaN(Date.parse(at))) return <>{fallback}</>;
  const text =
    format === 'clock' ? formatClock(at, timeZone) : format === 'short' ? formatShort(at, timeZone) : formatRelativeTime(at, now, timeZone);
  return (
    <time dateTime={at} title={formatExact(at, timeZone)} className={className} data-time={format}>
      {prefix}
      {text}
    </time>
  );
}

/** Strings for places a <Time> element cannot go (aria-labels, chart labels, option text). */
export function useTimeText() {
  const { timeZone, now } = useTimeSettings();
  return useMemo(
    () => ({
      timeZone,
      exact: (iso: string | null | undefined) => formatExact(iso, timeZone),
      short: (iso: string | null | undefined) => formatShort(iso, timeZone),
      relative: (iso: string | null | undefined) => formatRelativeTime(iso, now, timeZone),
    }),
    [timeZone, now],
  );
}

/** "Times in Europe/Berlin; hover a time for the exact moment.": the line under a page's title. */
export function TimeZoneNote() {
  const { timeZone } = useTimeSettings();
  return (
    <>
      Times in <span data-time-zone>{timeZone.replaceAll('_', ' ')}</span>; hover one for the exact moment.
    </>
  );
}
