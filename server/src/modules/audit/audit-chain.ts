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
