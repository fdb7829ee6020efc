import { Type } from '@sinclair/typebox';
import { ListOf, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';
import { FieldMappingSchema, FieldMappingsSchema, MappingErrorSchema } from './mappings.js';
import { FieldsSchema, FiltersSchema } from './selective.js';

export const ScheduleSchema = StrictObject({
  cron: Type.String({ minLength: 1, maxLength: 120, description: '5 fields, or 6 with seconds first, e.g. "0 9 * * 1-5"' }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA timezone, e.g. "Europe/Berlin"' }),
});

const Mode = Type.Union([Type.Literal('full'), Type.Literal('incremental')]);
const Direction = Type.Union([Type.Literal('pull'), Type.Literal('push'), Type.Literal('bidirectional')], {
  description: 'pull: provider → Linkyard (default); push: Linkyard → provider; bidirectional: both, conflicts checked',
});
const ConflictResolution = Type.Union([Type.Literal('manual'), Type.Literal('latest'), Type.Literal('source'), Type.Literal('merge')], {
  description: 'What happens to a record changed on both sides (default manual: a conflict is opened, nothing written)',
});
const TwoWayFields = {
  direction: Type.Optional(Direction),
  outboundMappings: Type.Optional(FieldMappingsSchema),
  conflictResolution: Type.Optional(ConflictResolution),
};

export const Sync = Type.Object({
  id: Uuid,
  integrationId: Uuid,
  resource: Type.String(),
  mode: Mode,
  schedule: Type.Union([Type.Object({ cron: Type.String(), timezone: Type.String() }), Type.Null()]),
  enabled: Type.Boolean(),
  mappings: Type.Array(FieldMappingSchema),
  direction: Direction,
  outboundMappings: Type.Array(FieldMappingSchema),
  conflictResolution: ConflictResolution,
  fields: Type.Array(Type.String(), { description: 'Provider fields fetched (empty: whole records)' }),
  filters: Type.Array(Type.Object({ field: Type.String(), op: Type.String(), value: Type.Optional(Type.Unknown()) }), {
    description: 'Records kept: all filters must match',
  }),
  nextRunAt: Type.Union([Timestamp, Type.Null()]),
  lastRunAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const SyncList = ListOf(Sync);

export const CreateSyncBody = StrictObject({
  resource: Type.String({ minLength: 1, maxLength: 64 }),
  mode: Type.Optional(Mode),
  schedule: Type.Optional(Type.Union([ScheduleSchema, Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
  mappings: Type.Optional(FieldMappingsSchema),
  ...TwoWayFields,
  fields: Type.Optional(FieldsSchema),
  filters: Type.Optional(FiltersSchema),
});

export const UpdateSyncBody = StrictObject({
  mode: Type.Optional(Mode),
  schedule: Type.Optional(Type.Union([ScheduleSchema, Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
  mappings: Type.Optional(FieldMappingsSchema),
  ...TwoWayFields,
  fields: Type.Optional(FieldsSchema),
  filters: Type.Optional(FiltersSchema),
});

export const SyncParams = StrictObject({ orgId: Uuid, syncId: Uuid });
export const ListSyncsQuery = StrictObject(PageQuery);

export const PreviewBody = StrictObject({
  record: Type.Unknown({ description: 'A sample provider record (JSON object)' }),
  mappings: Type.Optional(FieldMappingsSchema),
});
export const PreviewResult = Type.Object({
  output: Type.Record(Type.String(), Type.Unknown()),
  errors: Type.Array(MappingErrorSchema),
});

export const ScheduleQuery = StrictObject({
  cron: Type.String({ minLength: 1, maxLength: 120 }),
  timezone: Type.String({ minLength: 1, maxLength: 64 }),
  count: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 5 })),
});
export const SchedulePreview = Type.Object({ cron: Type.String(), timezone: Type.String(), nextRuns: Type.Array(Timestamp) });
