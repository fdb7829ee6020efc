/**
 * Dates are shown in UTC on every page: the server renders them without knowing the browser's time zone,
 * and the same text must come out on the server and in the browser. Schedules show their own time zone.
 */
const dateTime = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});
const fullDateTime = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

export function formatDateTime(iso: string | null | undefined, full = false): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return `${(full ? fullDateTime : dateTime).format(d)} UTC`;
}

/** "in 5 min", "3 h ago": relative to `now`, which callers pass so server and browser agree. */
export function formatRelative(iso: string | null | undefined, now: number): string {
  if (!iso) return '—';
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1000, 's'],
  ];
  for (const [ms, unit] of units) {
    if (abs >= ms) {
      const n = Math.round(abs / ms);
      return diff < 0 ? `${n} ${unit} ago` : `in ${n} ${unit}`;
    }
  }
  return 'just now';
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${m} min ${s} s`;
}

export const formatNumber = (n: number) => new Intl.NumberFormat('en-US').format(n);

export function roleLabel(role: string | null | undefined): string {
  return role === 'super_admin' ? 'Super Admin' : role === 'admin' ? 'Admin' : role === 'viewer' ? 'Viewer' : 'Platform Owner';
}
