import type { Static } from '@sinclair/typebox';
import type { CompiledQuery } from 'kysely';
import type { Db } from '../../../../db/client.js';
import { beforeCommit, inScope, type Tx } from '../../lib/db-scope.js';
import type { Actor, AuthedContext, RequestContext } from '../../lib/context.js';
import { uuidv7 } from '../../lib/ids.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import type { AuditEventRow } from '../../../../db/schema.js';
import { NotFound } from '../../lib/errors.js';
import { chainKeyFor, eventHash, eventTextAround, GENESIS_HASH, type ChainedFields } from './audit-chain.js';
import * as repo from './audit.repo.js';
import type * as S from './audit.schemas.js';
import type { AuditAction } from './audit.schemas.js';

export interface AuditEntry {
  organizationId: string | null;
  action: AuditAction;
  target: { type: string; id: string | null };
  metadata?: Record<string, unknown>;
}

/** The API's shapes (audit.schemas.ts is the one definition). */
export type AuditEventView = Static<typeof S.AuditEvent>;
export type AuditQuery = Static<typeof S.OrgAuditQuery>;
export type PlatformAuditQuery = Static<typeof S.PlatformAuditQuery>;
export type { AuditAction };

// Defence in depth: callers never pass secrets, and if one slips through it is not written.
const SECRET_KEY = /secret|token|password|api_?key|authorization|cookie|credential/i;

function scrub(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? '[redacted]' : scrub(v)]));
  }
  return value;
}

/** Who acted, as the chain stores it: a person (id, email), an API key (id, name), or the system (nothing). */
function actorFields(actor: Actor | null): Pick<ChainedFields, 'actorId' | 'actorEmail' | 'actorType' | 'actorName'> {
  if (!actor) return { actorId: null, actorEmail: null };
  if (actor.type === 'api_key') return { actorId: actor.apiKeyId, actorEmail: null, actorType: 'api_key', actorName: actor.name };
  return { actorId: actor.userId, actorEmail: actor.email, actorType: 'user' };
}

/** The chain's fields of a stored event (verification recomputes its hash from them). */
function chainedFieldsOf(row: AuditEventRow): ChainedFields {
  return {
    id: row.id,
    organizationId: row.organization_id,
    seq: Number(row.seq),
    at: row.at,
    actorId: row.actor_id,
    actorEmail: row.actor_email,
    ...(row.actor_type ? { actorType: row.actor_type } : {}),
    ...(row.actor_name !== null ? { actorName: row.actor_name } : {}),
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    metadata: row.metadata,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/**
 * Appends an event to its organization's hash chain, inside the caller's transaction, so the event
 * exists exactly when the change it describes does. It is written at the end of the transaction, with its COMMIT
 * (beforeCommit, one message on Postgres): the chain's head is locked from then until the commit only, not across the
 * caller's remaining queries, which every other audited write of the organization would wait for. Its number, time and
 * hash are taken there, under the lock (audit.repo.ts appendEventQueries).
 */
export async function recordAudit(tx: Tx, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  beforeCommit(tx, ...auditEventQueries(tx, ctx, entry));
}

/**
 * recordAudit's queries, for a transaction that sends its queries in batches (inScopeBatched): the caller sends them
 * last, in the message that commits, as beforeCommit would.
 */
export function auditEventQueries(q: Tx, ctx: RequestContext, entry: AuditEntry): CompiledQuery[] {
  const fields = {
    id: uuidv7(),
    organizationId: entry.organizationId,
    ...actorFields(ctx.actor),
    action: entry.action,
    targetType: entry.target.type,
    targetId: entry.target.id,
    metadata: scrub(entry.metadata ?? {}) as Record<string, unknown>,
    ip: ctx.ip,
    userAgent: ctx.userAgent,
  };
  const event: repo.NewEvent = {
    id: fields.id,
    organization_id: fields.organizationId,
    chain_key: chainKeyFor(entry.organizationId),
    actor_id: fields.actorId,
    actor_email: fields.actorEmail,
    actor_type: fields.actorType ?? null,
    actor_name: fields.actorName ?? null,
    action: fields.action,
    target_type: fields.targetType,
    target_id: fields.targetId,
    metadata: fields.metadata,
    ip: fields.ip,
    user_agent: fields.userAgent,
  };
  return repo.appendEventQueries(q, event, eventTextAround(fields));
}

/** Events from before API keys have no actor_type: an actor id there is a person's. */
export function auditActorView(
  row: Pick<AuditEventRow, 'actor_type' | 'actor_id' | 'actor_email' | 'actor_name'>,
): AuditEventView['actor'] {
  if (row.actor_type === 'api_key') return { type: 'api_key', id: row.actor_id!, name: row.actor_name ?? '' };
  if (row.actor_id) return { type: 'user', id: row.actor_id, email: row.actor_email ?? '' };
  return { type: 'system' };
}

function toView(row: AuditEventRow, names: Map<string, repo.TargetName>): AuditEventView {
  const named = row.target_id ? names.get(repo.targetKey(row.target_type, row.target_id)) : undefined;
  return {
    id: row.id,
    organizationId: row.organization_id,
    at: row.at.toISOString(),
    actor: auditActorView(row),
    // Rows are written by recordAudit, which takes only AuditAction values.
    action: row.action as AuditAction,
    target: { type: row.target_type, id: row.target_id, name: named?.name ?? null, integration: named?.integration ?? null },
    metadata: row.metadata,
    ip: row.ip,
  };
}

function parseFilters(q: AuditQuery) {
  const cursor = decodeCursor(q.cursor, ['timestamp', 'uuid']);
  const limit = q.limit ?? 50;
  return {
    action: q.action,
    actorId: q.actorId,
    from: q.from ? new Date(q.from) : undefined,
    to: q.to ? new Date(q.to) : undefined,
    before: cursor ? { at: cursor[0] as string, id: cursor[1] as string } : undefined,
    limit,
  };
}

const cursorOf = (r: AuditEventRow) => [r.at.toISOString(), r.id];

/** A page of events and its targets' names, looked up in one query per kind of target (audit.repo.ts). */
async function withNames(tx: Tx, listed: Promise<AuditEventRow[]>) {
  const rows = await listed;
  const names = await repo.resolveTargetNames(
    tx,
    rows.map((r) => ({ type: r.target_type, id: r.target_id })),
  );
  return { rows, names };
}

export function createAuditService({ db }: { db: Db }) {
  return {
    /** One organization's trail (Admin and above of that org; Platform Owner). */
    async listForOrg(ctx: AuthedContext, orgId: string, q: AuditQuery): Promise<Page<AuditEventView>> {
      const f = parseFilters(q);
      const { rows, names } = await inScope(db, { org: orgId }, (tx) =>
        withNames(tx, repo.listEvents(tx, { ...f, organizationId: orgId })),
      );
      return toPage(rows, f.limit, (r) => toView(r, names), cursorOf);
    },

    /** Every organization's trail and the platform's own events (Platform Owner). */
    async listAll(ctx: AuthedContext, q: PlatformAuditQuery): Promise<Page<AuditEventView>> {
      const f = parseFilters(q);
      const { rows, names } = await inScope(db, { platform: true }, (tx) =>
        withNames(tx, repo.listEvents(tx, { ...f, organizationId: q.orgId })),
      );
      return toPage(rows, f.limit, (r) => toView(r, names), cursorOf);
    },

    verify: () => verifyAuditChains(db),
  };
}

/** The API's answer, plus a human-readable reason for the first break (scripts print it; the API leaves it out). */
export type VerifyResult = Static<typeof S.VerifyResult> & { reason: string | null };

/**
 * Walks every chain from genesis: each event must follow its predecessor's hash and sequence and
 * hash to its stored value; each chain's head must point at its last event (so a deleted tail shows).
 */
export async function verifyAuditChains(db: Db, onProgress?: (checked: number) => void): Promise<VerifyResult> {
  return inScope(db, { platform: true }, async (tx) => {
    let checked = 0;
    for (const head of await repo.listChainHeads(tx)) {
      let prevHash = GENESIS_HASH;
      let prevSeq = 0;
      let lastId: string | null = null;
      for (;;) {
        const batch = await repo.chainBatch(tx, head.chain_key, prevSeq, 1000);
        for (const row of batch) {
          checked++;
          const broken = (reason: string): VerifyResult => ({ ok: false, checked, firstBrokenEventId: row.id, reason });
          if (Number(row.seq) !== prevSeq + 1) return broken(`sequence gap before event ${row.id} in chain ${head.chain_key}`);
          if (row.prev_hash !== prevHash) return broken(`event ${row.id} does not follow the previous event's hash`);
          const expected = eventHash(row.prev_hash, chainedFieldsOf(row));
          if (expected !== row.hash) return broken(`event ${row.id} was modified after it was written`);
          prevHash = row.hash;
          prevSeq = Number(row.seq);
          lastId = row.id;
        }
        onProgress?.(checked);
        if (batch.length < 1000) break;
      }
      if (Number(head.last_seq) !== prevSeq || head.last_hash !== prevHash) {
        return {
          ok: false,
          checked,
          firstBrokenEventId: lastId,
          reason: `chain ${head.chain_key} ends before its recorded head (events were removed)`,
        };
      }
    }
    return { ok: true, checked, firstBrokenEventId: null, reason: null };
  });
}

export type AuditService = ReturnType<typeof createAuditService>;
export { NotFound };

/**
 * `{ field: { from, to } }` for the fields whose value differs (compared as JSON), for an event's `changes`:
 * the audit page shows them as before → after. Never pass secrets: scrub() would redact them by name anyway.
 */
export function fieldChanges(pairs: Record<string, [unknown, unknown]>): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const [field, [from, to]] of Object.entries(pairs)) {
    if (to === undefined) continue;
    if (JSON.stringify(from ?? null) !== JSON.stringify(to ?? null)) out[field] = { from: from ?? null, to: to ?? null };
  }
  return out;
}
