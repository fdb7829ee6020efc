/**
 * A one-line preview of a synced record's `data` for a table cell: the first few top-level values that
 * read well inline (strings, numbers, booleans), each cut short. Nested values are left to the JSON view.
 */
export function summarizeRecord(data: unknown, maxFields = 3, maxValue = 40): { key: string; value: string }[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return [];
  const out: { key: string; value: string }[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (out.length >= maxFields) break;
    if (value === null || value === '' || typeof value === 'object') continue;
    const text = String(value);
    out.push({ key, value: text.length > maxValue ? `${text.slice(0, maxValue - 1)}…` : text });
  }
  return out;
}

/** How many top-level fields a record has, for "12 fields". */
export function fieldCount(data: unknown): number {
  return data !== null && typeof data === 'object' ? Object.keys(data).length : 0;
}
