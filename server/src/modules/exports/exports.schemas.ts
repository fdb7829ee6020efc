import { Type } from '@sinclair/typebox';
import { StrictObject } from '../../lib/schemas.js';
import { ENTITY_NAMES } from './export-entities.js';

const Day = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description, examples: ['2026-01-31'] });

export const ExportQuery = StrictObject({
  format: Type.Optional(
    Type.Unsafe<'json' | 'csv' | 'pdf'>({
      type: 'string',
      enum: ['json', 'csv', 'pdf'],
      default: 'json',
      description:
        'json: one document keyed by entity; csv: one CSV, or a ZIP of one CSV per entity when several are chosen; pdf: a report',
    }),
  ),
  entities: Type.Optional(
    Type.String({
      maxLength: 200,
      description: `Comma-separated, any of: ${ENTITY_NAMES.join(', ')}. Default: every entity the caller may read.`,
      examples: ['runs,logs'],
    }),
  ),
  startDate: Type.Optional(Day('First UTC day included (YYYY-MM-DD)')),
  endDate: Type.Optional(Day('Last UTC day included (YYYY-MM-DD)')),
});
