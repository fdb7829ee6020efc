import { Type } from '@sinclair/typebox';
import { BadRequest } from './errors.js';
import { isUuid } from './ids.js';
import { textProblem } from './input-values.js';

/** Query parameters every list accepts (docs/api.md, Conventions: limit 1–200, default 50, opaque cursor). */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
};

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The type of each part of a cursor, as the list's query uses it:
 * - 'timestamp': a `Date.toISOString()` value (the only form toPage writes);
 * - 'uuid': an id;
 * - 'string': text (compared with a text column);
 * - 'number': a finite number;
 * - 'integer': a whole number an `integer` column can hold (0 to 2,147,483,647) — a forged `1e308` is a 400, not a
 *   database range error.
 */
export type CursorPart = 'string' | 'number' | 'integer' | 'timestamp' | 'uuid';

const MAX_INTEGER_COLUMN = 2_147_483_647;

type PartValue<P extends CursorPart> = P extends 'number' | 'integer' ? number : string;
export type CursorValues<S extends readonly CursorPart[]> = { [K in keyof S]: PartValue<S[K]> };

/** Keyset cursors: the sort key of the last row, opaque to clients. */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function partIsValid(value: unknown, part: CursorPart): boolean {
  switch (part) {
    case 'uuid':
      return isUuid(value);
    case 'timestamp':
      return (
        typeof value === 'string' &&
        ISO_TIMESTAMP.test(value) &&
        !Number.isNaN(Date.parse(value)) &&
        new Date(value).toISOString() === value
      );
    case 'string':
      return typeof value === 'string' && textProblem(value) === null;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_INTEGER_COLUMN;
  }
}

/**
 * The parts of a cursor, each checked against its declared type and value before any query sees it:
 * a cursor the server did not issue (edited, truncated, made up) is a 400, never a database error. `param`
 * names the query parameter that carried it (the change feed's is `after`).
 */
export function decodeCursor<const S extends readonly CursorPart[]>(
  cursor: string | undefined,
  shape: S,
  param = 'cursor',
): CursorValues<S> | null {
  if (!cursor) return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === shape.length && parts.every((p, i) => partIsValid(p, shape[i])))
      return parts as CursorValues<S>;
  } catch {
    // fall through to the error below
  }
  throw new BadRequest(`${param} is not valid; use the nextCursor value from the previous page`, `query.${param}`);
}

/** Fetch limit + 1 rows; the extra row only tells whether another page exists. */
export function toPage<R, T>(rows: R[], limit: number, map: (row: R) => T, cursorOf: (row: R) => (string | number)[]): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(map),
    nextCursor: more ? encodeCursor(cursorOf(pageRows[pageRows.length - 1])) : null,
  };
}
