import { AbilityBuilder, createMongoAbility, subject as caslSubject, type MongoAbility } from '@casl/ability';
import { rulesToAST } from '@casl/ability/extra';
import type { MemberRole, PlatformRole } from '../../../db/schema.js';
import { Forbidden } from './errors.js';

/**
 * The one place that says who may do what (docs/architecture.md, Roles). Routes declare an action and subject;
 * services call `assertCan` before writes; list queries turn the rules into SQL with `abilityFilter`.
 * Conditions bind every tenant permission to the organization in the URL.
 */
export type Action = 'manage' | 'read' | 'create' | 'update' | 'delete' | 'export' | 'suspend' | 'verify';
export type SubjectName = 'Organization' | 'Member' | 'AuditEvent' | 'Platform' | 'Integration' | 'Sync' | 'Run' | 'Log' | 'Record' | 'all';
export type AppAbility = MongoAbility<[Action, SubjectName | Record<string, unknown>]>;

export interface AbilityInput {
  platformRole: PlatformRole | null;
  orgId: string | null;
  role: MemberRole | null;
}

const ORG_DATA: SubjectName[] = ['Integration', 'Sync', 'Run', 'Log', 'Record'];

// Abilities depend only on (platform role, organization, role) and are never mutated, so one
// instance serves every request with the same inputs.
const abilityCache = new Map<string, AppAbility>();
const ABILITY_CACHE_SIZE = 10_000;

export function defineAbilityFor(input: AbilityInput): AppAbility {
  const key = `${input.platformRole ?? ''}|${input.orgId ?? ''}|${input.role ?? ''}`;
  let ability = abilityCache.get(key);
  if (!ability) {
    if (abilityCache.size >= ABILITY_CACHE_SIZE) abilityCache.delete(abilityCache.keys().next().value!);
    ability = buildAbility(input);
    abilityCache.set(key, ability);
  }
  return ability;
}

function buildAbility({ platformRole, orgId, role }: AbilityInput): AppAbility {
  const { can, build } = new AbilityBuilder<AppAbility>(createMongoAbility);

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
      can('update', 'Organization', ['name'], { id: orgId });
    }
  }

  if (platformRole === 'platform_owner') {
    // Audits every tenant read-only; its only tenant writes are renaming and suspending.
    can('read', 'all');
    can('export', 'Organization');
    can('create', 'Organization');
    can('update', 'Organization', ['name', 'status']);
    can('suspend', 'Organization');
    can('verify', 'AuditEvent');
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

type Condition = { column: string; values: unknown[] };

/**
 * Turns the ability's rules for (action, subject) into column = value conditions for a list query.
 * Returns null when the rules put no condition (e.g. a Platform Owner reading everything), and
 * `false` when nothing is allowed. Only the attributes in `columns` may appear in conditions.
 */
export function abilityFilter(
  ability: AppAbility,
  action: Action,
  subjectName: SubjectName,
  columns: Record<string, string>,
): Condition[] | null | false {
  if (!ability.can(action, subjectName)) return false;
  const ast = rulesToAST(ability, action, subjectName) as AstNode | null;
  if (!ast) return null;
  // Rules are OR-ed; one unconditional rule means no filter at all.
  const alternatives = ast.operator === 'or' ? (ast.value as AstNode[]) : [ast];
  if (alternatives.some((n) => n.operator === 'and' && (n.value as AstNode[]).length === 0)) return null;
  const conditions = new Map<string, unknown[]>();
  for (const alt of alternatives) {
    const leaves = alt.operator === 'and' ? (alt.value as AstNode[]) : [alt];
    if (leaves.length !== 1) throw new Error(`abilityFilter: unsupported rule shape for ${subjectName}`);
    const leaf = leaves[0];
    const column = columns[leaf.field ?? ''];
    if (!column || (leaf.operator !== 'eq' && leaf.operator !== 'in')) {
      throw new Error(`abilityFilter: unsupported condition ${leaf.operator} on ${leaf.field} for ${subjectName}`);
    }
    const values = leaf.operator === 'in' ? (leaf.value as unknown[]) : [leaf.value];
    conditions.set(column, [...(conditions.get(column) ?? []), ...values]);
  }
  return [...conditions].map(([column, values]) => ({ column, values }));
}

interface AstNode {
  operator: string;
  field?: string;
  value: unknown;
}
