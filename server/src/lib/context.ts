import type { MemberRole, OrgStatus, PlatformRole, UserStatus } from '../../../db/schema.js';
import type { AppAbility } from './ability.js';

/** The claims of an access token (signed by the auth service, verified by the access plugin). */
export interface AccessClaims {
  sub: string;
  /** Refresh-token family: logging out (or reuse) revokes it, and with it every access token it minted. */
  sid: string;
}

/**
 * What the access gate looks up for a token and the organization in the URL, in one round trip (the auth
 * repo's `loadActor`): the user's status, whether the token's session was revoked, and the membership.
 * The access cache keeps these rows for a moment; the access plugin builds the `Actor` from one.
 */
export interface ActorRow {
  email: string;
  status: UserStatus;
  platform_role: PlatformRole | null;
  /** Two-factor sign-in is on (PLATFORM_OWNER_MFA=required withholds platform powers until it is). */
  mfa_enabled: boolean;
  session_revoked: boolean;
  org_exists: boolean;
  org_status: 'active' | 'suspended' | null;
  role: MemberRole | null;
}

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

/**
 * What services see of a signed-in caller's request: the actor is always there. The access plugin resolved it and
 * checked the route's declared permission (`config.access`) before the handler ran, so services do not check it
 * again; they check only what is finer than a route can say (a field, a row, the last Super Admin).
 */
export interface AuthedContext extends RequestContext {
  actor: Actor;
}

/** Context for operator scripts and background jobs: audited as the system, not a user. */
export function systemContext(label: string): RequestContext {
  return { actor: null, ip: null, userAgent: label, requestId: null };
}
