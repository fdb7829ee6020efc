import { AbilityBuilder, createMongoAbility, subject as caslSubject, type MongoAbility } from '@casl/ability';
import type { MemberRole, PlatformRole } from '../../../db/schema.js';
import { Forbidden } from './errors.js';

/**
 * The one place that says who may do what (docs/architecture.md, Roles). Every route declares an action and
 * subject, checked by the access plugin against the organization in the URL before the handler runs; services
 * call `assertCan` only for what is finer than a route can declare (e.g. which fields of an organization).
 * Row-level security keeps every query inside that organization. Conditions bind every tenant permission to it.
 */
export type Action = 'manage' | 'read' | 'create' | 'update' | 'delete' | 'export' | 'suspend' | 'verify';
export type SubjectName =
  | 'Organization'
  | 'Member'
  | 'ApiKey'
  | 'AuditEvent'
  | 'Platform'
  | 'Integration'
  | 'Sync'
  | 'Run'
  | 'Log'
  | 'Record'
  | 'WebhookEndpoint'
  | 'Conflict'
  | 'all';
export type AppAbility = MongoAbility<[Action, SubjectName | Record<string, unknown>]>;

export interface AbilityInput {
  platformRole: PlatformRole | null;
  orgId: string | null;
  role: MemberRole | null;
  /** The caller is an API key: it never manages members or API keys, whatever its role. */
  apiKey?: boolean;
}

const ORG_DATA: SubjectName[] = ['Integration', 'Sync', 'Run', 'Log', 'Record', 'WebhookEndpoint', 'Conflict'];

// Abilities depend only on (platform role, organization, role) and are never mutated, so one
// instance serves every request with the same inputs.
const abilityCache = new Map<string, AppAbility>();
const ABILITY_CACHE_SIZE = 10_000;

export function defineAbilityFor(input: AbilityInput): AppAbility {
  const key = `${input.platformRole ?? ''}|${input.orgId ?? ''}|${input.role ?? ''}|${input.apiKey ? 'key' : ''}`;
  let ability = abilityCache.get(key);
  if (!ability) {
    if (abilityCache.size >= ABILITY_CACHE_SIZE) abilityCache.delete(abilityCache.keys().next().value!);
    ability = buildAbility(input);
    abilityCache.set(key, ability);
  }
  return ability;
}

function buildAbility({ platformRole, orgId, role, apiKey }: AbilityInput): AppAbility {
  const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);

  if (platformRole === 'platform_owner') {
    // Audits every tenant read-only; its only tenant writes are renaming and suspending.
    can('read', 'all');
    // API keys are their organization's Super Admins' business (API.md): the owner sees them only in the audit trail.
    cannot('read', 'ApiKey');
    can('export', 'Organization');
    can('create', 'Organization');
    can('update', 'Organization', ['name', 'status']);
    can('suspend', 'Organization');
    // Deleting an organization and all its data (its data key first): the Platform Owner only.
    can('delete', 'Organization');
    can('verify', 'AuditEvent');
  }

  // Later rules win in CASL: a Platform Owner who is also a Super Admin of this organization manages its keys.
  if (orgId && role) {
    const inOrg = { organizationId: orgId };
    can('read', 'Organization', { id: orgId });
    can('read', 'Member', inOrg);
    can('read', ORG_DATA, inOrg);
    if (role === 'admin' || role === 'super_admin') {
      can(['create', 'update', 'delete'], ORG_DATA, inOrg);
      can('export', 'Organization', { id: orgId });
      can('read', 'AuditEvent', inOrg);
    }
    if (role === 'super_admin') {
      can(['create', 'update', 'delete'], 'Member', inOrg);
      can(['read', 'create', 'delete'], 'ApiKey', inOrg);
      // `settings`: the default time zone and data retention.
      can('update', 'Organization', ['name', 'settings'], { id: orgId });
    }
    if (apiKey) {
      // Keys have viewer or admin roles, which grant neither; stated anyway, so no future role can.
      cannot(['create', 'update', 'delete'], 'Member');
      cannot(['read', 'create', 'update', 'delete'], 'ApiKey');
    }
  }

  return build();
}

/** A subject instance carrying the attributes the rules' conditions look at. */
export function subject(type: Exclude<SubjectName, 'all'>, attrs: Record<string, unknown>) {
  return caslSubject(type, { ...attrs });
}

export function assertCan(ability: AppAbility, action: Action, target: SubjectName | Record<string, unknown>, field?: string): void {
  if (!ability.can(action, target as never, field)) throw new Forbidden();
}
