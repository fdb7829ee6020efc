import { Type } from '@sinclair/typebox';
import { ListOf, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';

export const AuditEvent = Type.Object({
  id: Uuid,
  organizationId: Type.Union([Uuid, Type.Null()]),
  at: Timestamp,
  actor: Type.Object({ id: Type.Union([Uuid, Type.Null()]), email: Type.Union([Type.String(), Type.Null()]) }),
  action: Type.String(),
  target: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
});
export const AuditList = ListOf(AuditEvent);

const filters = {
  action: Type.Optional(Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z_.]+$' })),
  actorId: Type.Optional(Uuid),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  ...PageQuery,
};
export const OrgAuditQuery = StrictObject(filters);
export const PlatformAuditQuery = StrictObject({ ...filters, orgId: Type.Optional(Uuid) });

export const VerifyResult = Type.Object({
  ok: Type.Boolean(),
  checked: Type.Integer(),
  firstBrokenEventId: Type.Union([Uuid, Type.Null()]),
});
