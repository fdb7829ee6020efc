import type { ActorRow } from './context.js';

/**
 * A per-process, very short-lived cache of the access gate's lookup (user status, session
 * revocation, membership and organization status), keyed by (user, session family, organization).
 *
 * Why: that lookup is one of the four database round trips of every tenant request, and the same
 * caller asks again within milliseconds. Why it is safe: entries live at most `ttlMs` (1 s by
 * default), and every change that narrows access made through this process (logout, refresh-token
 * reuse, member role change or removal, suspension) drops the affected entries at once; a change made
 * through another instance takes effect there within the TTL.
 */
export interface AccessCache {
  get(userId: string, sessionFamilyId: string, orgId: string | null): ActorRow | undefined;
  set(userId: string, sessionFamilyId: string, orgId: string | null, row: ActorRow): void;
  forgetUser(userId: string): void;
  forgetOrganization(orgId: string): void;
}

const MAX_ENTRIES = 10_000;

export function createAccessCache(ttlMs = 1000): AccessCache {
  const entries = new Map<string, { row: ActorRow; expires: number; userId: string; orgId: string | null }>();
  const key = (userId: string, sid: string, orgId: string | null) => `${userId}|${sid}|${orgId ?? ''}`;
  const forgetWhere = (match: (e: { userId: string; orgId: string | null }) => boolean) => {
    for (const [k, e] of entries) if (match(e)) entries.delete(k);
  };
  return {
    get(userId, sid, orgId) {
      if (ttlMs <= 0) return undefined;
      const k = key(userId, sid, orgId);
      const e = entries.get(k);
      if (!e) return undefined;
      if (e.expires <= Date.now()) {
        entries.delete(k);
        return undefined;
      }
      return e.row;
    },
    set(userId, sid, orgId, row) {
      if (ttlMs <= 0) return;
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      entries.set(key(userId, sid, orgId), { row, expires: Date.now() + ttlMs, userId, orgId });
    },
    forgetUser: (userId) => forgetWhere((e) => e.userId === userId),
    forgetOrganization: (orgId) => forgetWhere((e) => e.orgId === orgId),
  };
}
