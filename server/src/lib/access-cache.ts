import { LRUCache } from 'lru-cache';
import type { ActorRow } from './context.js';

/**
 * A per-process, very short-lived cache of the access gate's lookup (user status, session
 * revocation, membership and organization status), keyed by (user, session family, organization).
 *
 * Why: that lookup is one of the four database round trips of every tenant request, and the same
 * caller asks again within milliseconds. Why it is safe: entries live at most `ttlMs` (1 s:
 * ACCESS_CACHE_TTL_MS), and every change that narrows access made through this process (logout, refresh-token
 * reuse, member role change or removal, suspension) drops the affected entries at once; a change made
 * through another instance takes effect there within the TTL.
 *
 * Storage is lru-cache (bounded, TTL, least recently used evicted first). Forgetting a user or an
 * organization walks the live entries, as the Map before it did: those changes are rare, and an index
 * kept beside the cache would cost every miss on the hot path for them.
 */
export interface AccessCache {
  get(userId: string, sessionFamilyId: string, orgId: string | null): ActorRow | undefined;
  set(userId: string, sessionFamilyId: string, orgId: string | null, row: ActorRow): void;
  forgetUser(userId: string): void;
  forgetOrganization(orgId: string): void;
}

const MAX_ENTRIES = 10_000;
/** Long enough to serve a caller's burst of requests, short enough that another instance's change applies at once. */
export const ACCESS_CACHE_TTL_MS = 1000;

interface Entry {
  row: ActorRow;
  userId: string;
  orgId: string | null;
}

const disabled: AccessCache = { get: () => undefined, set() {}, forgetUser() {}, forgetOrganization() {} };

export function createAccessCache(ttlMs: number): AccessCache {
  if (ttlMs <= 0) return disabled; // lru-cache reads a ttl of 0 as "never expires"
  const entries = new LRUCache<string, Entry>({ max: MAX_ENTRIES, ttl: ttlMs });
  const key = (userId: string, sid: string, orgId: string | null) => `${userId}|${sid}|${orgId ?? ''}`;
  const forgetWhere = (match: (e: Entry) => boolean) => {
    const doomed: string[] = [];
    for (const [k, e] of entries.entries()) if (match(e)) doomed.push(k);
    for (const k of doomed) entries.delete(k);
  };
  return {
    get: (userId, sid, orgId) => entries.get(key(userId, sid, orgId))?.row,
    set(userId, sid, orgId, row) {
      entries.set(key(userId, sid, orgId), { row, userId, orgId });
    },
    forgetUser: (userId) => forgetWhere((e) => e.userId === userId),
    forgetOrganization: (orgId) => forgetWhere((e) => e.orgId === orgId),
  };
}
