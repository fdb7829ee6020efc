import { Type } from '@sinclair/typebox';
import { PageQuery } from '../../lib/pagination.js';
import { ListOf, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';

const ConflictStatus = Type.Union([Type.Literal('open'), Type.Literal('resolved')]);
const Resolution = Type.Union([Type.Literal('local'), Type.Literal('remote'), Type.Literal('merged')], {
  description: "local: the organization's version; remote: the provider's; merged: the fields chosen one by one (data)",
});

export const ConflictField = Type.Object({
  path: Type.String({ description: "The field, in the organization's field names (the sync's mappings' targets)" }),
  base: Type.Unknown({ description: 'The value Linkyard last read from the provider (null: absent)' }),
  local: Type.Unknown({ description: "The organization's value (null: absent)" }),
  remote: Type.Unknown({ description: "The provider's value when the conflict was found (null: absent)" }),
});

export const ConflictActor = Type.Object({
  type: Type.Union([Type.Literal('user'), Type.Literal('api_key')]),
  id: Uuid,
  email: Type.Optional(Type.String({ description: "A person's email" })),
  name: Type.Optional(Type.String({ description: "An API key's name" })),
});

export const ConflictView = Type.Object({
  id: Uuid,
  syncId: Uuid,
  integrationId: Uuid,
  resource: Type.String(),
  externalId: Type.String({ description: "The record's id at the provider" }),
  fields: Type.Array(ConflictField, { description: 'Every field on which any two of the three versions differ' }),
  localDeleted: Type.Boolean({
    description:
      'The organization deleted the record and the provider refused (it changed the record since): every local value is null; ' +
      "local deletes it at the provider, remote keeps the provider's version, merged is refused",
  }),
  status: ConflictStatus,
  createdAt: Timestamp,
  resolvedAt: Type.Union([Timestamp, Type.Null()]),
  resolvedBy: Type.Union([ConflictActor, Type.Null()]),
  resolution: Type.Union([Resolution, Type.Null()]),
});
export const ConflictList = ListOf(ConflictView);

export const ConflictParams = StrictObject({ orgId: Uuid, conflictId: Uuid });

export const ConflictsQuery = StrictObject({
  integrationId: Type.Optional(Uuid),
  syncId: Type.Optional(Uuid),
  status: Type.Optional(ConflictStatus),
  ...PageQuery,
});

export const ResolveBody = StrictObject({
  resolution: Resolution,
  data: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), {
      description:
        'With merged: the value of each field chosen (or edited), by path. A field changed on one side only may be left out ' +
        '(that side wins); every field changed on both sides must be given.',
    }),
  ),
});
