/**
 * Timestamps of the records export come from Postgres as `(t AT TIME ZONE 'UTC')::text`, e.g.
 * `2026-01-31 12:34:56.789123` (the fraction has 0–6 digits, trailing zeros dropped): for Postgres that
 * cast costs half of what `to_char(…, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` does, measured at ~0.6 s of its
 * CPU per million records (BENCHMARKS.md, "CSV export"). This turns it into the ISO 8601 text the export
 * has always had, exactly what that to_char gave: milliseconds truncated, `Z`, a BC year's era dropped;
 * an infinite timestamp is null, as to_char made it. Anything else (a DateStyle other than ISO) throws
 * rather than exporting a wrong date.
 */
export function isoFromPgUtc(text: string | null): string | null {
  if (text === null) return null;
  const space = text.indexOf(' ');
  const n = text.length;
  if (
    space >= 4 &&
    n >= space + 9 &&
    text.charCodeAt(space + 3) === 58 &&
    text.charCodeAt(space + 6) === 58 &&
    text.charCodeAt(space - 6) === 45
  ) {
    const end = space + 9;
    let ms = '.000Z';
    if (n > end && text.charCodeAt(end) === 46) {
      let f = end + 1;
      while (f < n && f < end + 4 && text.charCodeAt(f) >= 48 && text.charCodeAt(f) <= 57) f++;
      const digits = f - end - 1;
      ms =
        digits === 3
          ? `${text.slice(end, end + 4)}Z`
          : digits === 2
            ? `${text.slice(end, end + 3)}0Z`
            : digits === 1
              ? `${text.slice(end, end + 2)}00Z`
              : ms;
    }
    return `${text.slice(0, space)}T${text.slice(space + 1, end)}${ms}`;
  }
  if (text === 'infinity' || text === '-infinity') return null;
  throw new Error(`unexpected timestamp text from Postgres: ${JSON.stringify(text)} (DateStyle must be ISO)`);
}
