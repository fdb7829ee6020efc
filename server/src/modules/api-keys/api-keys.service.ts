import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../../db/client.js';
import type { ApiKeyRow } from '../../../../db/schema.js';
import type { ApiKeyActorRow, AuthedContext, PersonContext } from '../../lib/context.js';
import { inScope } from '../../lib/db-scope.js';
import { API_KEY_PREFIX } from '../../lib/api-key-format.js';
import { BadRequest, NotFound } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import { recordAudit } from '../audit/audit.service.js';
import * as repo from './api-keys.repo.js';
import type * as S from './api-keys.schemas.js';

/** The API's shapes (api-keys.schemas.ts is the one definition). */
export type ApiKeyView = Static<typeof S.ApiKey>;
export type CreatedApiKeyView = Static<typeof S.CreatedApiKey>;
export type CreateApiKeyInput = Static<typeof S.CreateApiKeyBody>;
type ListQuery = Static<typeof S.ApiKeyListQuery>;

/** 32 random bytes: 256 bits, so a plain SHA-256 of the secret is as safe to store as a slow password hash. */
const SECRET_BYTES = 32;
/** `lyk_` and the first 8 characters of the random part: enough to tell keys apart, far too few to guess the rest. */
const DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;
/** lastUsedAt is written at most this often per key (the repo's UPDATE has the same condition). */
const LAST_USED_RESOLUTION_MS = 60_000;

const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdBy: { id: row.created_by, email: row.created_by_email },
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    expiresAt: row.expires_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

function parseExpiry(expiresAt: string | null | undefined, now: Date): Date | null {
  if (expiresAt === undefined || expiresAt === null) return null;
  const at = new Date(expiresAt);
  if (Number.isNaN(at.getTime())) throw new BadRequest('expiresAt must be a date and time, e.g. 2027-01-31T00:00:00Z', '/expiresAt');
  if (at.getTime() <= now.getTime()) throw new BadRequest('expiresAt must be in the future', '/expiresAt');
  return at;
}

export interface ApiKeysServiceDeps {
  db: Db;
  logger: FastifyBaseLogger;
}

export function createApiKeysService({ db, logger }: ApiKeysServiceDeps) {
  return {
    async list(ctx: AuthedContext, orgId: string, q: ListQuery): Promise<Page<ApiKeyView>> {
      const limit = q.limit ?? 50;
      const cursor = decodeCursor(q.cursor, ['timestamp', 'uuid']);
      const before = cursor ? { at: cursor[0], id: cursor[1] } : undefined;
      const rows = await inScope(db, { org: orgId }, (tx) => repo.listApiKeys(tx, orgId, limit, before));
      return toPage(rows, limit, toView, (r) => [r.created_at.toISOString(), r.id]);
    },

    /** A new key; its secret is in this answer only (Super Admins, who are people: keys never make keys). */
    async create(ctx: PersonContext, orgId: string, input: CreateApiKeyInput): Promise<CreatedApiKeyView> {
      const now = new Date();
      const name = input.name.trim();
      if (!name) throw new BadRequest('Give the key a name (what it is for)', '/name');
      const expiresAt = parseExpiry(input.expiresAt, now);
      const secret = API_KEY_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
      const row = await inScope(db, { org: orgId }, async (tx) => {
        const inserted = await repo.insertApiKey(tx, {
          id: uuidv7(now.getTime()),
          organization_id: orgId,
          name,
          role: input.role,
          prefix: secret.slice(0, DISPLAY_PREFIX_LENGTH),
          secret_hash: hashSecret(secret),
          created_by: ctx.actor.userId,
          created_by_email: ctx.actor.email,
          expires_at: expiresAt,
        });
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'api_key.created',
          target: { type: 'api_key', id: inserted.id },
          metadata: { name, role: input.role, prefix: inserted.prefix, expiresAt: expiresAt?.toISOString() ?? null },
        });
        return inserted;
      });
      return { ...toView(row), secret };
    },

    /** Revokes a key: the access gate reads revocation uncached, so it stops working at once on every instance. */
    async revoke(ctx: PersonContext, orgId: string, keyId: string): Promise<void> {
      await inScope(db, { org: orgId }, async (tx) => {
        const key = await repo.findApiKey(tx, orgId, keyId);
        if (!key) throw new NotFound('API key');
        if (key.revoked_at) return; // already revoked: nothing changes, nothing to audit
        await repo.markRevoked(tx, orgId, keyId, new Date());
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'api_key.revoked',
          target: { type: 'api_key', id: keyId },
          metadata: { name: key.name, role: key.role, prefix: key.prefix },
        });
      });
    },

    /**
     * The key a presented secret belongs to, or undefined. Not cached, on purpose: one index probe per request,
     * and a revocation made through any instance refuses the very next request.
     */
    async authenticate(secret: string): Promise<ApiKeyActorRow | undefined> {
      const presented = hashSecret(secret);
      const row = await repo.findKeyForAccess(db.kysely, presented);
      // The lookup matched on the hash already; comparing again in constant time keeps the final decision free of timing.
      if (!row || !timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(presented))) return undefined;
      const { secret_hash: _hash, ...key } = row;
      return key;
    },

    /** Records that a key was used, at most once a minute, off the request's path (never awaited by it). */
    noteUse(key: ApiKeyActorRow, now = new Date()): void {
      if (key.last_used_at && now.getTime() - key.last_used_at.getTime() < LAST_USED_RESOLUTION_MS) return;
      repo
        .touchLastUsed(db.kysely, key.id, now)
        .catch((err: Error) => logger.warn({ err: err.message, apiKeyId: key.id }, 'lastUsedAt not updated'));
    },
  };
}

export type ApiKeysService = ReturnType<typeof createApiKeysService>;
