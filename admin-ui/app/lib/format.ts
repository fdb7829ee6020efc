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
