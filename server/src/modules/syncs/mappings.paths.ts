import { MAX_SOURCE_LENGTH, RESERVED_SEGMENTS } from './mappings.schemas.js';

/**
 * Source paths of field mappings (the syntax is described in ./mappings.ts): parsed once when mappings
 * are compiled, then read through closures for every record.
 */

export const MAX_PATH_SEGMENTS = 32;

/** A path segment: a string is an object property name, a number an array index. */
export type PathSegment = string | number;

export class PathSyntaxError extends Error {}

const NAME_CHAR = /[A-Za-z0-9_$-]/;
const ALL_DIGITS = /^\d+$/;
const INDEX = /^(?:0|[1-9]\d{0,8})$/;

/** Names no path segment or target may use (they reach into prototypes). */
export const RESERVED = new Set<string>(RESERVED_SEGMENTS);

/** Parses a source path (syntax in ./mappings.ts). Throws with a message saying what is wrong and where. */
export function parsePath(path: string): PathSegment[] {
  if (path.length === 0) throw new PathSyntaxError('is empty');
  if (path.length > MAX_SOURCE_LENGTH) throw new PathSyntaxError(`is longer than ${MAX_SOURCE_LENGTH} characters`);
  const segments: PathSegment[] = [];
  let i = 0;
  let afterDot = false;
  while (i < path.length) {
    const c = path[i];
    if (c === '[' && !afterDot) {
      const close = bracketEnd(path, i);
      const inner = path.slice(i + 1, close);
      if (inner.startsWith('"')) {
        let name: unknown;
        try {
          name = JSON.parse(inner);
        } catch {
          throw new PathSyntaxError(
            `has a malformed quoted name ${inner} at position ${i} (write it as a JSON string, e.g. ["Account Id"])`,
          );
        }
        if (typeof name !== 'string' || name === '') throw new PathSyntaxError(`has an empty quoted name at position ${i}`);
        segments.push(checkName(name));
      } else {
        if (!INDEX.test(inner))
          throw new PathSyntaxError(`has "[${inner}]" at position ${i}; use [0], [1], … for array items or ["name"] for names`);
        segments.push(Number(inner));
      }
      i = close + 1;
    } else if (NAME_CHAR.test(c)) {
      let j = i + 1;
      while (j < path.length && NAME_CHAR.test(path[j])) j++;
      const name = path.slice(i, j);
      if (ALL_DIGITS.test(name))
        throw new PathSyntaxError(`has ".${name}" at position ${i}; write [${name}] for an array item or ["${name}"] for a name`);
      segments.push(checkName(name));
      i = j;
    } else {
      throw new PathSyntaxError(
        afterDot || i === 0
          ? `expects a name at position ${i}, found "${c}" (quote unusual names: ["my name"])`
          : `has an unexpected "${c}" at position ${i}`,
      );
    }
    afterDot = false;
    if (i < path.length) {
      if (path[i] === '.') {
        afterDot = true;
        i++;
        if (i === path.length) throw new PathSyntaxError('ends with "."');
      } else if (path[i] !== '[') {
        throw new PathSyntaxError(`has an unexpected "${path[i]}" at position ${i}`);
      }
    }
    if (segments.length > MAX_PATH_SEGMENTS) throw new PathSyntaxError(`has more than ${MAX_PATH_SEGMENTS} segments`);
  }
  return segments;
}

/** Index of the `]` closing the bracket at `open`, skipping a quoted name's escaped characters. */
function bracketEnd(path: string, open: number): number {
  let j = open + 1;
  if (path[j] === '"') {
    j++;
    while (j < path.length && path[j] !== '"') j += path[j] === '\\' ? 2 : 1;
    j++;
  }
  while (j < path.length && path[j] !== ']') {
    if (path[j] === '[') break;
    j++;
  }
  if (path[j] !== ']') throw new PathSyntaxError(`has an unclosed "[" at position ${open}`);
  return j;
}

function checkName(name: string): string {
  if (RESERVED.has(name)) throw new PathSyntaxError(`uses the reserved name "${name}"`);
  return name;
}

const hasOwn = Object.prototype.hasOwnProperty;

export type Getter = (root: unknown) => unknown;

function readName(value: unknown, name: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && hasOwn.call(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

/** A closure reading one parsed path; undefined when any step is missing or of the wrong kind. */
export function compileGetter(segments: readonly PathSegment[]): Getter {
  if (segments.length === 1 && typeof segments[0] === 'string') {
    const name = segments[0];
    return (root) => readName(root, name);
  }
  if (segments.length === 2 && typeof segments[0] === 'string' && typeof segments[1] === 'string') {
    const [a, b] = segments;
    return (root) => readName(readName(root, a), b);
  }
  const steps = segments.slice();
  const n = steps.length;
  return (root) => {
    let current = root;
    for (let i = 0; i < n; i++) {
      const step = steps[i];
      if (typeof step === 'number') {
        if (!Array.isArray(current)) return undefined;
        current = current[step];
      } else {
        current = readName(current, step);
      }
      if (current === undefined) return undefined;
    }
    return current;
  };
}
