import { createHash } from 'node:crypto';
import { canonicalJson } from '../../lib/canonical-json.js';

/** The hash every chain starts from. */
export const GENESIS_HASH = '0'.repeat(64);

export const PLATFORM_CHAIN = 'platform';

export function chainKeyFor(organizationId: string | null): string {
  return organizationId ?? PLATFORM_CHAIN;
}

export interface ChainedFields {
  id: string;
  organizationId: string | null;
  seq: number;
  at: Date;
  actorId: string | null;
  actorEmail: string | null;
  /**
   * The kind of actor and an API key's name. Events written before API keys existed have neither, and were hashed
   * without these keys; undefined keys are left out of the canonical JSON, so those events still verify.
   */
  actorType?: 'user' | 'api_key';
  actorName?: string;
  action: string;
  targetType: string;
  targetId: string | null;
  metadata: Record<string, unknown>;
  ip: string | null;
  userAgent: string | null;
}

/** hash = sha256(prev_hash || canonical event): changing any field, or the order, breaks the chain. */
export function eventHash(prevHash: string, e: ChainedFields): string {
  return createHash('sha256')
    .update(prevHash)
    .update(canonicalJson({ ...e, at: e.at.toISOString() }))
    .digest('hex');
}

/** The canonical text of an event around its `at` and `seq`: canonical = beforeAt + ISO time + beforeSeq + seq + after. */
export interface EventTextAround {
  beforeAt: string;
  beforeSeq: string;
  after: string;
}

/**
 * An event's canonical text (as eventHash hashes it) cut where its time and sequence number go, for Postgres to fill in
 * while it holds the chain's head (audit.repo.ts appendEventQueries), so that the hash is computed there, in the
 * statement that appends the event, and the time and number are those of the moment it takes its place in the chain.
 * The top-level keys are in canonical order: action, actor…, at, id, ip, metadata, organizationId, seq, targetId,
 * targetType, userAgent. `"at":"` is found from the start (the values before it are strings or null, in which a quote is
 * escaped) and `"seq":0` from the end (the values after it are too; metadata, before it, may hold a key "seq").
 */
export function eventTextAround(e: Omit<ChainedFields, 'at' | 'seq'>): EventTextAround {
  const text = canonicalJson({ ...e, at: '', seq: 0 });
  const at = text.indexOf('"at":"') + '"at":"'.length;
  const seq = text.lastIndexOf('"seq":0') + '"seq":'.length;
  return { beforeAt: text.slice(0, at), beforeSeq: text.slice(at, seq), after: text.slice(seq + 1) };
}
