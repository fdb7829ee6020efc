import { Type } from '@sinclair/typebox';
import { ListOf, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';
import { OrgStatus } from '../organizations/organizations.schemas.js';

export const Tenant = Type.Object({
  organization: Type.Object({ id: Uuid, slug: Type.String(), name: Type.String(), status: OrgStatus, createdAt: Timestamp }),
  members: Type.Integer(),
  integrations: Type.Integer(),
  integrationsByStatus: Type.Object({
    INACTIVE: Type.Integer(),
    ACTIVE: Type.Integer(),
    ERROR: Type.Integer(),
    SYNCING: Type.Integer(),
    PAUSED: Type.Integer(),
  }),
  runs24h: Type.Integer({ description: 'Sync runs created in the last 24 hours' }),
  failedRuns24h: Type.Integer({ description: 'Of those, the ones that failed' }),
  lastActivityAt: Type.Union([Timestamp, Type.Null()]),
});
export const TenantList = ListOf(Tenant);
export const TenantsQuery = StrictObject(PageQuery);
