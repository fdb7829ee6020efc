/**
 * Writing one validated legacy row inside its transaction: the integration, its connection with the tokens
 * sealed by the vault, and the `integration.imported` audit event. A row whose (organization, provider,
 * external account) is already connected is left alone; `rowFailure` tells a row's own fault (skip it)
 * from the environment's (stop the run).
 */
import type { systemContext } from '../../lib/context.js';
import { secretHint, VaultError, type Vault } from '../../lib/crypto/index.js';
import type { Tx } from '../../lib/db-scope.js';
import { AppError, isUniqueViolation } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { recordAudit } from '../audit/audit.service.js';
import { secretContext, tokenContext } from './integrations.port.js';
import * as repo from './integrations.repo.js';
import type { LegacyRow } from './legacy-row.js';
import { messageOf, quote } from './legacy-values.js';

export const IMPORT_AUDIT_ACTION = 'integration.imported';

/** A row refused inside its transaction; everything the transaction wrote is rolled back. */
class RowRejected extends Error {}

export type WriteResult =
  | { outcome: 'created'; integrationId: string; status: 'ACTIVE' | 'ERROR'; lastError: string | null }
  | { outcome: 'already_imported'; integrationId: string; name: string };

/** An organization of the import, looked up by the row's slug. */
export interface Org {
  id: string;
  slug: string;
}

/** Why an imported connection cannot work until it is reconnected, or null when it can. */
export function reconnectReason(row: LegacyRow, now: Date): string | null {
  const expired = row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime();
  if (expired && !(row.refreshToken && row.clientSecret)) {
    const why = !row.refreshToken ? 'there is no refresh token' : 'there are no OAuth client credentials to refresh it with';
    return `The imported access token expired on ${row.expiresAt!.toISOString()} and cannot be refreshed (${why}): reconnect the integration`;
  }
  const missing = (row.provider.connectionValues ?? []).map((c) => c.key).filter((k) => !(k in row.connectionValues));
  if (missing.length) {
    return `Imported without ${missing.join(' and ')}, which ${row.provider.name} reports when connecting: reconnect the integration before syncing`;
  }
  return null;
}

/** Writes the row in `tx`, or finds it already imported; a name already taken rejects the row. */
export async function writeRow(
  tx: Tx,
  vault: Vault,
  ctx: ReturnType<typeof systemContext>,
  org: Org,
  row: LegacyRow,
  key: string,
  meta: { now: Date; source?: string; line: number },
): Promise<WriteResult> {
  // Serialises runs that import the same key at once, so the check below stays true until commit.
  await repo.lockLegacyImportKey(tx, key);
  const existing = await repo.findByExternalAccount(tx, org.id, row.provider.key, row.externalAccount);
  if (existing) return { outcome: 'already_imported', integrationId: existing.id, name: existing.name };
  if (await repo.nameTaken(tx, org.id, row.name)) {
    throw new RowRejected(`an integration named ${quote(row.name)} already exists in ${org.slug}; give the row another "name"`);
  }

  const id = uuidv7();
  const lastError = reconnectReason(row, meta.now);
  const status = lastError ? 'ERROR' : 'ACTIVE';
  const integrationScopes = row.scopes ?? (row.provider.authType === 'oauth2' ? [...row.provider.oauth.defaultScopes] : []);
  await repo.insertIntegration(tx, {
    id,
    organization_id: org.id,
    provider: row.provider.key,
    name: row.name,
    status,
    auth_type: 'oauth2',
    client_id: row.clientId,
    username: null,
    secret_encrypted: row.clientSecret !== null ? await vault.encrypt(tx, secretContext(org.id, id), row.clientSecret) : null,
    secret_hint: row.clientSecret !== null ? secretHint(row.clientSecret) : null,
    scopes: integrationScopes,
    settings: JSON.stringify(row.settings),
    last_error: lastError,
    last_error_kind: lastError ? 'auth' : null,
    updated_at: new Date(),
  });
  await repo.insertConnection(tx, {
    integration_id: id,
    organization_id: org.id,
    access_token_encrypted: await vault.encrypt(tx, tokenContext(org.id, id, 'access_token_encrypted'), row.accessToken),
    refresh_token_encrypted:
      row.refreshToken !== null ? await vault.encrypt(tx, tokenContext(org.id, id, 'refresh_token_encrypted'), row.refreshToken) : null,
    token_type: row.tokenType,
    expires_at: row.expiresAt,
    scopes: row.scopes ?? [],
    external_account: row.externalAccount,
    connection_values: JSON.stringify(row.connectionValues),
    updated_at: new Date(),
  });
  // Names of metadata keys avoid the audit scrubber's secret words: these are facts, not secrets.
  await recordAudit(tx, ctx, {
    organizationId: org.id,
    action: IMPORT_AUDIT_ACTION,
    target: { type: 'integration', id },
    metadata: {
      provider: row.provider.key,
      name: row.name,
      externalAccount: row.externalAccount,
      status,
      scopes: integrationScopes,
      settingKeys: Object.keys(row.settings),
      connectionValueKeys: Object.keys(row.connectionValues),
      expiresAt: row.expiresAt?.toISOString() ?? null,
      refreshable: row.refreshToken !== null,
      ownOAuthApp: row.clientSecret !== null,
      source: meta.source ? `${meta.source}:${meta.line}` : `line ${meta.line}`,
      ...(row.legacyId !== null ? { legacyId: row.legacyId } : {}),
    },
  });
  return { outcome: 'created', integrationId: id, status, lastError };
}

/**
 * The reason a row's transaction failed when the row itself is the cause (it is then skipped), or
 * null when the failure is the environment's (connection lost, disk full…): the run stops.
 */
export function rowFailure(err: unknown, row: LegacyRow, org: Org): string | null {
  if (err instanceof RowRejected || err instanceof AppError) return err.message;
  if (isUniqueViolation(err)) return `an integration named ${quote(row.name)} already exists in ${org.slug}; give the row another "name"`;
  if (err instanceof VaultError) return `cannot encrypt for ${org.slug}: ${err.message}`;
  const code = (err as { code?: unknown } | null)?.code;
  // Data exceptions (22) and integrity violations (23): the database refused this row's values.
  if (typeof code === 'string' && /^(22|23)/.test(code)) return `the database refused the row (${code}): ${messageOf(err)}`;
  return null;
}
