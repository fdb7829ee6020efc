/**
 * JSON with object keys sorted at every depth: the same value always gives the same string.
 *
 * It is written directly, without building sorted copies first (the sync engine serialises every synced
 * record with it, and the copies were most of the cost). The text is exactly what the first version,
 * `JSON.stringify` of a copy with keys inserted in `sort()` order, gave, because stored content hashes
 * and the audit chain hash this text: Dates become their ISO string, `undefined` / functions / symbols are
 * left out of objects and are `null` in arrays, non-finite numbers are `null`, array-index keys ("0",
 * "17") come first in numeric order (as any object enumerates them) and the other keys follow in
 * `sort()` order, and an own `__proto__` key (JSON.parse can make one) is left out, as assigning it to
 * the copy did.
 */
export function canonicalJson(value: unknown): string {
  // JSON.stringify's contract: undefined (not a string) for undefined, a function or a symbol.
  return writeValue(value) as string;
}

function writeValue(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return writeArray(value);
      if (value instanceof Date) return JSON.stringify(value.toISOString());
      return writeObject(value as Record<string, unknown>);
    case 'bigint':
      return JSON.stringify(value); // throws the TypeError JSON.stringify throws for a BigInt
    default:
      return undefined;
  }
}

function writeArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += writeValue(items[i]) ?? 'null';
  }
  return out + ']';
}

function writeObject(object: Record<string, unknown>): string {
  const { order, prefixes } = layoutOf(Object.keys(object));
  let out = '{';
  let first = true;
  for (let i = 0; i < order.length; i++) {
    const text = writeValue(object[order[i]]);
    if (text === undefined) continue;
    out += first ? prefixes[i] + text : `,${prefixes[i]}${text}`;
    first = false;
  }
  return out + '}';
}

/** How to write an object with a given key list: the keys in canonical order and each one's `"key":`. */
interface Layout {
  keys: readonly string[];
  order: string[];
  prefixes: string[];
}

/**
 * Records of one sync share a few key lists (the mapped record, its nested targets), so the last layouts
 * are kept and found again by comparing key lists, which is much cheaper than sorting and quoting keys
 * for every object. A miss costs what it always did.
 */
const layouts: Layout[] = [];
const MAX_LAYOUTS = 16;
let nextEvicted = 0;

function layoutOf(keys: string[]): Layout {
  search: for (let l = 0; l < layouts.length; l++) {
    const known = layouts[l].keys;
    if (known.length !== keys.length) continue;
    for (let i = 0; i < keys.length; i++) if (known[i] !== keys[i]) continue search;
    return layouts[l];
  }
  const order = canonicalOrder(keys);
  const layout = { keys, order, prefixes: order.map((key) => `${JSON.stringify(key)}:`) };
  if (layouts.length < MAX_LAYOUTS) layouts.push(layout);
  else {
    layouts[nextEvicted] = layout;
    nextEvicted = (nextEvicted + 1) % MAX_LAYOUTS;
  }
  return layout;
}

/**
 * Keys in canonical order, without `__proto__`. Object.keys already lists array-index keys first, in
 * numeric order; only the keys after them are sorted.
 */
function canonicalOrder(keys: readonly string[]): string[] {
  let indexKeys = 0;
  while (indexKeys < keys.length && isArrayIndex(keys[indexKeys])) indexKeys++;
  const order = keys.slice(0, indexKeys).concat(keys.slice(indexKeys).sort());
  const proto = order.indexOf('__proto__');
  if (proto !== -1) order.splice(proto, 1);
  return order;
}

const MAX_ARRAY_INDEX = 4_294_967_294; // 2^32 - 2: larger integer keys enumerate as ordinary names

function isArrayIndex(key: string): boolean {
  if (key.length === 0) return false;
  const first = key.charCodeAt(0);
  if (first < 48 || first > 57 || (first === 48 && key.length > 1) || key.length > 10) return false;
  for (let i = 1; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return Number(key) <= MAX_ARRAY_INDEX;
}
