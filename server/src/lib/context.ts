import type { MemberRole, OrgStatus, PlatformRole } from '../../../db/schema.js';
import type { AppAbility } from './ability.js';

/** The authenticated caller, resolved once per request by the access plugin. */
export interface Actor {
  userId: string;
  email: string;
  platformRole: PlatformRole | null;
  /** The organization in the URL, when the route is tenant-scoped. */
  orgId: string | null;
  orgStatus: OrgStatus | null;
  /** The caller's membership role in that organization (null for a Platform Owner reading it). */
  role: MemberRole | null;
  ability: AppAbility;
}

/** What services see of a request: who acts and from where (for audit). Never the request itself. */
export interface RequestContext {
  actor: Actor | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

/** Context for operator scripts and background jobs: audited as the system, not a user. */
export function systemContext(label: string): RequestContext {
  return { actor: null, ip: null, userAgent: label, requestId: null };
}
