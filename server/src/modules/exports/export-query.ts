import type { Static } from '@sinclair/typebox';
import { BadRequest } from '../../lib/errors.js';
import { ENTITY_NAMES, type EntityName } from './export-entities.js';
import type { ExportFormat } from './export-run.js';
import type { TimeRange } from './exports.repo.js';
import type * as S from './exports.schemas.js';

/**
 * The export's query string, checked beyond what the route schema can say: known entity names, real
 * calendar days (2026-02-30 is not one), and a range that does not end before it starts. Every problem
 * is a 400 whose message says what to change.
 */
export type ExportQuery = Static<typeof S.ExportQuery>;

export interface ExportSelection {
  format: ExportFormat;
  /** Null: every entity the caller may read. */
  entities: EntityName[] | null;
  startDate: string | null;
  endDate: string | null;
  range: TimeRange;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Midnight UTC of a YYYY-MM-DD day, or a 400 naming the parameter. */
export function parseDay(name: string, value: string): Date {
  if (!DAY.test(value)) throw new BadRequest(`${name} must be a date written YYYY-MM-DD (got "${value.slice(0, 40)}")`);
  const date = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new BadRequest(`${name} ${value} is not a day of the calendar`);
  }
  if (date.getUTCFullYear() < 1970) throw new BadRequest(`${name} must be 1970-01-01 or later`);
  return date;
}

export function parseEntities(value: string): EntityName[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  if (names.length === 0) throw new BadRequest(`entities must name at least one of: ${ENTITY_NAMES.join(', ')}`);
  const unknown = names.filter((n) => !(ENTITY_NAMES as readonly string[]).includes(n));
  if (unknown.length) {
    throw new BadRequest(
      `entities: ${unknown.map((n) => `"${n.slice(0, 40)}"`).join(', ')} ${unknown.length === 1 ? 'is not an entity' : 'are not entities'}; choose from: ${ENTITY_NAMES.join(', ')}`,
    );
  }
  // Files list entities in one canonical order, whatever order they were asked in.
  return ENTITY_NAMES.filter((n) => names.includes(n));
}

export function parseExportQuery(q: ExportQuery): ExportSelection {
  const from = q.startDate ? parseDay('startDate', q.startDate) : null;
  const endDay = q.endDate ? parseDay('endDate', q.endDate) : null;
  if (from && endDay && endDay < from) throw new BadRequest(`endDate ${q.endDate} is before startDate ${q.startDate}`);
  return {
    format: q.format ?? 'json',
    entities: q.entities === undefined ? null : parseEntities(q.entities),
    startDate: q.startDate ?? null,
    endDate: q.endDate ?? null,
    // endDate is inclusive: everything before the next midnight.
    range: { from, to: endDay ? new Date(endDay.getTime() + DAY_MS) : null },
  };
}
