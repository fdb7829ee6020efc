import { Type } from '@sinclair/typebox';
import { ErrorKind, ListOf, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';

const RunStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('running'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);
const Level = Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]);

export const Run = Type.Object({
  id: Uuid,
  integrationId: Uuid,
  syncId: Uuid,
  trigger: Type.Union([
    Type.Literal('schedule'),
    Type.Literal('manual'),
    Type.Literal('webhook'),
    Type.Literal('retry'),
    Type.Literal('push'),
  ]),
  status: RunStatus,
  scheduledFor: Type.Union([Timestamp, Type.Null()]),
  startedAt: Type.Union([Timestamp, Type.Null()]),
  finishedAt: Type.Union([Timestamp, Type.Null()]),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
  stats: Type.Object({
    fetched: Type.Integer(),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    deleted: Type.Integer(),
    failed: Type.Integer(),
    /** Records not stored or not written on purpose: left out by the sync's filters (selective sync), or writes the provider's version won (two-way sync). */
    skipped: Type.Integer(),
    /** Records written to the provider (two-way sync). */
    pushed: Type.Integer(),
    /** Records changed on both sides found by this run (two-way sync). */
    conflicts: Type.Integer(),
  }),
  error: Type.Union([Type.String(), Type.Null()]),
  errorKind: Type.Union([ErrorKind, Type.Null()], {
    description: "The kind of a failed run's error (null when the run did not fail, or failed before errors were classified)",
  }),
});

export const RunList = ListOf(Run);
export const RunParams = StrictObject({ orgId: Uuid, runId: Uuid });
export const RunsQuery = StrictObject({
  // The logs page reads the runs of a page of log lines in one request instead of one per run.
  ids: Type.Optional(
    Type.Array(Uuid, { minItems: 1, maxItems: 100, description: 'Only these runs (repeat the parameter: ids=…&ids=…; at most 100)' }),
  ),
  integrationId: Type.Optional(Uuid),
  syncId: Type.Optional(Uuid),
  status: Type.Optional(RunStatus),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  ...PageQuery,
});

export const Log = Type.Object({
  id: Uuid,
  runId: Uuid,
  integrationId: Uuid,
  syncId: Uuid,
  at: Timestamp,
  level: Level,
  message: Type.String(),
  data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export const LogList = ListOf(Log);
export const RunLogsQuery = StrictObject({ level: Type.Optional(Level), ...PageQuery });
export const OrgLogsQuery = StrictObject({
  integrationId: Type.Optional(Uuid),
  level: Type.Optional(Level),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  ...PageQuery,
});

export const SyncRecord = Type.Object({
  externalId: Type.String(),
  resource: Type.String(),
  data: Type.Unknown(),
  sourceUpdatedAt: Type.Union([Timestamp, Type.Null()]),
  updatedAt: Timestamp,
  deletedAt: Type.Union([Timestamp, Type.Null()]),
  action: Type.Union([Type.Literal('added'), Type.Literal('updated'), Type.Literal('deleted')], {
    description: "The record's latest change in the change feed (GET …/changes): added, updated or deleted",
  }),
  modifiedAt: Type.String({
    format: 'date-time',
    description: "When that change was stored: the change feed's modifiedAt (the same instant as updatedAt)",
  }),
});
export const RecordList = ListOf(SyncRecord);
export const RecordsQuery = StrictObject({
  resource: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  includeDeleted: Type.Optional(Type.Boolean()),
  ...PageQuery,
});

const Step = (description: string, extra = {}) =>
  Type.Object({ done: Type.Boolean(), integrationId: Type.Union([Uuid, Type.Null()]), ...extra }, { description });
export const Onboarding = Type.Object({
  complete: Type.Boolean({ description: 'Every step is done (the admin UI then stops showing the checklist)' }),
  steps: Type.Object({
    integration: Step('An integration was added (the first one)'),
    connected: Step('An integration was connected: signed in, or ran once (any status but INACTIVE)'),
    sync: Step('A sync was created (on this integration)'),
    run: Step('A sync ran (the first run, on this integration)', { runId: Type.Union([Uuid, Type.Null()]) }),
  }),
});

export const RECORD_PATHS_SAMPLE = 50;
export const RecordPathsQuery = StrictObject({
  resource: Type.String({ minLength: 1, maxLength: 64, description: 'The resource whose records are looked at' }),
});
export const RecordPaths = Type.Object({
  resource: Type.String(),
  sampled: Type.Integer({
    minimum: 0,
    description: `How many of the most recently changed records were looked at (at most ${RECORD_PATHS_SAMPLE})`,
  }),
  items: Type.Array(
    Type.Object({
      path: Type.String({ description: 'A field path in the mapping source syntax (`properties.email`, `lines[0].sku`)' }),
      types: Type.Array(Type.Union(['string', 'number', 'boolean', 'null', 'array', 'object'].map((t) => Type.Literal(t)))),
      seen: Type.Integer({ minimum: 0, description: 'In how many of the sampled records it was present' }),
    }),
  ),
});

export const RunQueued = Type.Object({ runId: Uuid });
export const RunsQueued = Type.Object({ total: Type.Integer(), queued: Type.Integer() });

const StatusCount = Type.Integer({ minimum: 0 });
export const SyncStatus = Type.Object({
  integrationsByStatus: Type.Object({
    ACTIVE: StatusCount,
    INACTIVE: StatusCount,
    ERROR: StatusCount,
    SYNCING: StatusCount,
    PAUSED: StatusCount,
  }),
  runningRuns: StatusCount,
  queuedRuns: StatusCount,
  failedRuns24h: StatusCount,
  openConflicts: Type.Integer({ minimum: 0, description: 'Conflicts waiting for a person to resolve (two-way sync)' }),
  lastSyncAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
