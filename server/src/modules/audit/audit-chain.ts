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
