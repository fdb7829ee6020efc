/**
 * RFC 6901 JSON Pointers, the path syntax of provider definitions: reading records, cursors and totals out of
 * responses, and writing POST parameters into request bodies.
 */

/** Parsed pointers: they come from provider definitions (a few dozen), read for every record. */
const parsed = new Map<string, readonly string[]>();
const MAX_PARSED = 1000;

function segments(pointer: string): readonly string[] {
  const known = parsed.get(pointer);
  if (known) return known;
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`Not a JSON Pointer: "${pointer}"`);
  const path = pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (parsed.size >= MAX_PARSED) parsed.clear();
  parsed.set(pointer, path);
  return path;
}

/** The value at `pointer`, or undefined when any step is missing. Own properties only, so `/__proto__` reads nothing. */
export function readJsonPointer(document: unknown, pointer: string): unknown {
  let current: unknown = document;
  for (const segment of segments(pointer)) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Sets the value at `pointer` in `document`, creating missing containers on the way (an array when the next
 * segment is a number). Refuses prototype-polluting segments, since pointers come from definitions but the
 * document may be built from tenant-supplied parameters.
 */
export function writeJsonPointer(document: Record<string, unknown>, pointer: string, value: unknown): void {
  const path = segments(pointer);
  if (path.length === 0) throw new Error('Cannot replace the whole document through a JSON Pointer');
  if (path.some((segment) => segment === '__proto__' || segment === 'constructor' || segment === 'prototype')) {
    throw new Error(`Refusing to write JSON Pointer "${pointer}"`);
  }
  let current: Record<string, unknown> = document;
  for (const [index, segment] of path.slice(0, -1).entries()) {
    const next = current[segment];
    if (next === null || typeof next !== 'object') {
      current[segment] = /^\d+$/.test(path[index + 1]) ? [] : {};
    }
    current = current[segment] as Record<string, unknown>;
  }
  current[path[path.length - 1]] = value;
}
