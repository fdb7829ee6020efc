import { Type, type Static } from '@sinclair/typebox';
import { ListOf, StrictObject, Timestamp, Uuid } from '../../lib/schemas.js';
import { PageQuery } from '../../lib/pagination.js';

/**
 * Every action the audit trail records. recordAudit accepts only these, the list filter takes only these, and the
 * OpenAPI document shows them as an enum, which the admin UI's action filter reads (api-field-limits.generated.ts).
 */
const AUDIT_ACTIONS = [
  'api_key.created',
  'api_key.revoked',
  'auth.login',
  'auth.refresh_token_reused',
  'auth.profile_updated',
  'auth.password_changed',
  'auth.mfa_enabled',
  'auth.mfa_disabled',
  'auth.mfa_failed',
  'encryption.data_key_rewrapped',
  'integration.created',
  'integration.updated',
  'integration.deleted',
  'integration.imported',
  'integration.connect_started',
  'integration.connected',
  'integration.connect_failed',
  'integration.disconnected',
  'integration.tested',
  'integration.paused',
  'integration.resumed',
  'integration.sync_requested',
  'integration.token_refresh_failed',
  'integration.token_refresh_recovered',
  'integration.webhook_registered',
  'member.invited',
  'member.joined',
  'member.invitation_revoked',
  'member.invitation_resent',
  'member.added',
  'member.role_changed',
  'member.removed',
  'organization.created',
  'organization.renamed',
  'organization.suspended',
  'organization.reactivated',
  'organization.settings_changed',
  'organization.deleted',
  'organization.data_pruned',
  'organization.exported',
  'organization.sync_all_requested',
  'platform_owner.created',
  'platform_owner.promoted',
  'run.cancel_requested',
  'run.retry_requested',
  'sync.created',
  'sync.updated',
  'sync.deleted',
  'sync.run_requested',
  'sync.push_requested',
  'conflict.resolved',
  'webhook_endpoint.created',
  'webhook_endpoint.updated',
  'webhook_endpoint.deleted',
  'webhook_endpoint.secret_rotated',
  'webhook_endpoint.disabled',
] as const;

// An enum rather than a union of literals, so OpenAPI (and the types generated from it) show one named list.
export const AuditAction = Type.Unsafe<(typeof AUDIT_ACTIONS)[number]>(Type.String({ enum: [...AUDIT_ACTIONS] }));
export type AuditAction = Static<typeof AuditAction>;

/** Who acted: a person, an organization's API key, or Linkyard itself (scripts, scheduled jobs). */
export const AuditActor = Type.Union(
  [
    Type.Object(
      {
        type: Type.Literal('user', { description: 'A person' }),
        id: Type.String({ format: 'uuid', description: "The person's user id" }),
        email: Type.String({ description: "The person's email when they acted" }),
      },
      { title: 'UserActor' },
    ),
    Type.Object(
      {
        type: Type.Literal('api_key', { description: "An organization's API key" }),
        id: Type.String({ format: 'uuid', description: "The key's id" }),
        name: Type.String({ description: "The key's name" }),
      },
      { title: 'ApiKeyActor' },
    ),
    Type.Object(
      {
        type: Type.Literal('system', { description: 'Linkyard itself: an operator script or a background job' }),
      },
      { title: 'SystemActor' },
    ),
  ],
  { description: 'Who acted' },
);

export const AuditEvent = Type.Object({
  id: Uuid,
  organizationId: Type.Union([Uuid, Type.Null()]),
  at: Timestamp,
  actor: AuditActor,
  action: AuditAction,
  target: Type.Object({
    type: Type.String({
      description: 'What was acted on: integration, sync, run, conflict, user, api_key, webhook_endpoint, organization, invitation',
    }),
    id: Type.Union([Type.String(), Type.Null()]),
    name: Type.Union([Type.String(), Type.Null()], {
      description:
        "What the target is called today (an integration's or API key's name, a sync's resource, a person's email, a webhook URL without its query); null once deleted",
    }),
    integration: Type.Union([Type.Object({ id: Uuid, name: Type.String() }), Type.Null()], {
      description: 'The integration a sync, run or conflict belongs to; null for other targets',
    }),
  }),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  ip: Type.Union([Type.String(), Type.Null()]),
});
export const AuditList = ListOf(AuditEvent);

const filters = {
  action: Type.Optional(AuditAction),
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
