import { MAX_SOURCE_LENGTH, RESERVED_SEGMENTS } from '../syncs/mappings.schemas.js';

/**
 * Field discovery for the mapping editor: the paths seen in a handful of stored records, written in the mapping
 * source syntax (./syncs/mappings.ts: `properties.email`, `lines[0].sku`, `["Account Id"]`) so a suggestion can be
 * used as it is. Leaves only (what a mapping reads); an array contributes its first item's paths, as `[0]`.
 */
export interface ObservedPath {
  path: string;
  /** The JSON types seen at the path (several when records disagree). */
  types: ('string' | 'number' | 'boolean' | 'null' | 'array' | 'object')[];
  /** In how many of the sampled records the path was present. */
  seen: number;
}

/** How deep and how many: records of hundreds of nested fields still give a list a person can scan. */
export const MAX_DEPTH = 8;
export const MAX_PATHS = 300;

const PLAIN_NAME = /^[A-Za-z_$-][A-Za-z0-9_$-]*$/;
const RESERVED = new Set<string>(RESERVED_SEGMENTS);

function segment(name: string, first: boolean): string {
  if (PLAIN_NAME.test(name)) return first ? name : `.${name}`;
  return `[${JSON.stringify(name)}]`;
}

function typeOf(value: unknown): ObservedPath['types'][number] {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : (typeof value as 'string' | 'number' | 'boolean');
}

/** The leaf paths of the records, most common first (then alphabetical), at most MAX_PATHS. */
export function observedPaths(records: readonly unknown[]): ObservedPath[] {
  const found = new Map<string, { types: Set<ObservedPath['types'][number]>; seen: number }>();
  for (const record of records) {
    const inThisRecord = new Set<string>();
    const walk = (value: unknown, path: string, depth: number) => {
      // Longer than a mapping's source may be: no use as a suggestion.
      if (path.length > MAX_SOURCE_LENGTH) return;
      const isContainer = value !== null && typeof value === 'object';
      const empty = isContainer && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
      if (path && (!isContainer || empty || depth >= MAX_DEPTH)) {
        const entry = found.get(path) ?? { types: new Set(), seen: 0 };
        if (!found.has(path)) {
          if (found.size >= MAX_PATHS) return;
          found.set(path, entry);
        }
        entry.types.add(typeOf(value));
        if (!inThisRecord.has(path)) {
          inThisRecord.add(path);
          entry.seen++;
        }
        return;
      }
      if (Array.isArray(value)) walk(value[0], `${path}[0]`, depth + 1);
      else if (isContainer) {
        for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
          if (RESERVED.has(name)) continue;
          walk(child, path + segment(name, path === ''), depth + 1);
        }
      }
    };
    if (record !== null && typeof record === 'object' && !Array.isArray(record)) walk(record, '', 0);
  }
  return [...found.entries()]
    .map(([path, { types, seen }]) => ({ path, types: [...types].sort(), seen }))
    .sort((a, b) => b.seen - a.seen || a.path.localeCompare(b.path, 'en'));
}
