import { Type } from '@sinclair/typebox';
import { ListOf, StrictObject, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';

/** At most this many records per push request (API.md, Two-way sync). */
export const MAX_PUSH_RECORDS = 1000;

export const PushRecord = StrictObject({
  externalId: Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: "The provider's id: absent creates the record, present updates or deletes it",
    }),
  ),
  data: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description: "The record in the organization's field names (outboundMappings translate it)",
    }),
  ),
  op: Type.Optional(Type.Union([Type.Literal('upsert'), Type.Literal('delete')], { description: 'Default upsert' })),
});

export const PushBody = StrictObject({
  records: Type.Array(PushRecord, { minItems: 1, maxItems: MAX_PUSH_RECORDS, description: `1 to ${MAX_PUSH_RECORDS} records` }),
});

export const PushHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ minLength: 1, maxLength: 255, description: 'A repeat with the same key returns the first answer and writes nothing' }),
  ),
});

export const PushAccepted = Type.Object({
  runId: Uuid,
  accepted: Type.Integer({ description: 'Records queued for writing' }),
});

const writeStatus = (description?: string) =>
  Type.Union([Type.Literal('applied'), Type.Literal('conflict'), Type.Literal('failed'), Type.Literal('skipped')], { description });

export const Write = Type.Object({
  externalId: Type.Union([Type.String(), Type.Null()], { description: 'Null for a create the provider refused' }),
  op: Type.Union([Type.Literal('create'), Type.Literal('update'), Type.Literal('delete')]),
  status: writeStatus(),
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the record was not written, for people' }),
});
export const WriteList = ListOf(Write);
export const WritesQuery = StrictObject({
  ...PageQuery,
  status: Type.Optional(writeStatus('Only the writes with this outcome, e.g. failed')),
});
