/**
 * Small helpers the legacy import shares for judging raw JSON values and for quoting them in the
 * messages it reports per row.
 */

/** Values shown in messages: never tokens (callers only quote non-secret fields), and short. */
export function quote(value: unknown): string {
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 62 ? `${s.slice(0, 60)}…"` : s;
}

export const CONTROL = /[\u0000-\u001f\u007f]/;
export const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
