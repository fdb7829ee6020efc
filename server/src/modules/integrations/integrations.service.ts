import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import type { Updateable } from 'kysely';
import type { IntegrationRow, IntegrationStatus, IntegrationsTable } from '../../../../db/schema.js';
import type { Config } from '../../config.js';
import type { AuthedContext } from '../../lib/context.js';
import { secretHint, type Vault } from '../../lib/crypto/index.js';
import { inScope, inScopeBatched, readInScope, type Tx } from '../../lib/db-scope.js';
import { Conflict, NotFound, isUniqueViolation } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import type { ScheduleSink } from '../../lib/schedule-sink.js';
import { auditEventQueries, fieldChanges, recordAudit, type AuditEntry } from '../audit/audit.service.js';
import {
  checkCredentialDestinationChange,
  checkCredentials,
  checkScopes,
  checkSettings,
  providerOrBadRequest,
  SECRET_FIELD,
} from './integration-input.js';
import { secretContext, webhookSecretContext } from './integrations.port.js';
import * as repo from './integrations.repo.js';
import type * as S from './integrations.schemas.js';

/** An integration as the API shows it (integrations.schemas.ts is the one definition): never a secret, at most its hint. */
export type IntegrationView = Static<typeof S.Integration>;
export type CreateIntegrationInput = Static<typeof S.CreateIntegrationBody>;
export type UpdateIntegrationInput = Static<typeof S.UpdateIntegrationBody>;
export type ListIntegrationsQuery = Static<typeof S.ListIntegrationsQuery>;

type Row = IntegrationRow & { connected: boolean };

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toIntegrationView(r: Row): IntegrationView {
  const has = r.secret_encrypted !== null;
  return {
    id: r.id,
    organizationId: r.organization_id,
    provider: r.provider,
    name: r.name,
    status: r.status,
    authType: r.auth_type,
    clientId: r.client_id,
    hasClientSecret: has && r.auth_type === 'oauth2',
    hasApiKey: has && r.auth_type === 'api_key',
    hasPassword: has && r.auth_type === 'basic',
    username: r.username,
    secretHint: has ? r.secret_hint : null,
    hasWebhookSecret: r.webhook_secret_encrypted !== null,
    connected: r.connected,
    scopes: r.scopes,
    settings: r.settings,
    errorCount: r.error_count,
    lastError: r.last_error,
    lastErrorKind: r.last_error_kind,
    lastSyncAt: iso(r.last_sync_at),
    nextSyncAt: iso(r.next_sync_at),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The status an integration has when nothing is wrong: ready once it can authenticate. */
function idleStatus(row: { auth_type: string; verified_at: Date | null }, connected: boolean): IntegrationStatus {
  return (row.auth_type === 'oauth2' ? connected : row.verified_at !== null) ? 'ACTIVE' : 'INACTIVE';
}

async function load(tx: Tx, orgId: string, id: string): Promise<Row> {
  const row = await repo.findIntegration(tx, orgId, id);
  if (!row) throw new NotFound('Integration');
  return row;
}

/** The columns that store a secret: sealed by the vault for this integration, and its hint. */
async function sealedSecret(vault: Vault, tx: Tx, orgId: string, id: string, secret: string) {
  return { secret_encrypted: await vault.encrypt(tx, secretContext(orgId, id), secret), secret_hint: secretHint(secret) };
}

/** The webhook secret's column, sealed by the vault for this integration (its own context: a copy elsewhere does not decrypt). */
async function sealedWebhookSecret(vault: Vault, tx: Tx, orgId: string, id: string, secret: string) {
  return { webhook_secret_encrypted: await vault.encrypt(tx, webhookSecretContext(orgId, id), secret) };
}

/** A concurrent insert or rename can still hit the unique name index after the check: the same Conflict. */
function conflictOnDuplicateName<T>(name: string, work: () => Promise<T>): Promise<T> {
  return work().catch((err) => {
    if (isUniqueViolation(err)) throw duplicateName(name);
    throw err;
  });
}

/** The duplicate name's Conflict (create, update, and a concurrent writer caught by the unique name index). */
function duplicateName(name: string): Conflict {
  return new Conflict(`An integration named "${name}" already exists in this organization`, '/name');
}

/** What an update changes beyond its plain fields: its checked settings, its secret and what replacing them does. */
interface UpdateEffects {
  secret: string | undefined;
  settings: Record<string, unknown> | undefined;
  /** The settings that moved the credentials elsewhere (checkCredentialDestinationChange). */
  destinationChanged: string[];
  /** Whether OAuth tokens were dropped (the integration reconnects). */
  dropTokens: boolean;
  /** The sealed secret's and webhook secret's columns, when replaced. */
  sealed: Updateable<IntegrationsTable>;
}

/** The columns an update writes to the locked `row` and its audit event, from the input and its effects. */
function updateWrites(
  orgId: string,
  id: string,
  row: IntegrationRow,
  input: UpdateIntegrationInput,
  { secret, settings, destinationChanged, dropTokens, sealed }: UpdateEffects,
): { patch: Updateable<IntegrationsTable>; audit: AuditEntry } {
  const unproven = secret !== undefined && row.auth_type !== 'oauth2';
  const patch = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.clientId !== undefined ? { client_id: input.clientId } : {}),
    ...(input.username !== undefined ? { username: input.username } : {}),
    ...(input.scopes !== undefined ? { scopes: checkScopes(input.scopes) } : {}),
    ...(settings !== undefined ? { settings: JSON.stringify(settings) } : {}),
    ...sealed,
    // New API-key or basic credentials are unproven until the next test or sync.
    ...(unproven ? { verified_at: null } : {}),
    ...((dropTokens || (unproven && destinationChanged.length > 0)) && row.status !== 'PAUSED' ? { status: 'INACTIVE' as const } : {}),
  };
  const changed = Object.keys(input).filter((k) => k !== SECRET_FIELD[row.auth_type] && k !== 'webhookSecret');
  const audit: AuditEntry = {
    organizationId: orgId,
    action: 'integration.updated',
    target: { type: 'integration', id },
    metadata: {
      changed,
      // Settings may hold credentials of some providers: only their names are compared, never their values.
      changes: fieldChanges({
        name: [row.name, input.name],
        clientId: [row.client_id, input.clientId],
        username: [row.username, input.username],
        scopes: [row.scopes, input.scopes],
      }),
      secretReplaced: secret !== undefined,
      webhookSecretReplaced: input.webhookSecret !== undefined,
      ...(destinationChanged.length ? { destinationChanged, reconnectRequired: dropTokens } : {}),
    },
  };
  return { patch, audit };
}

/**
 * The update, in its transaction: name, client, scopes, settings and secret; a changed credential destination
 * drops OAuth tokens (the integration reconnects) and leaves new API-key or basic credentials unproven.
 */
async function updateInTx(
  tx: Tx,
  ctx: AuthedContext,
  orgId: string,
  id: string,
  input: UpdateIntegrationInput,
  { vault, allowHttp }: { vault: Vault; allowHttp: boolean },
): Promise<IntegrationView> {
  const row = await repo.lockIntegration(tx, orgId, id);
  if (!row) throw new NotFound('Integration');
  const provider = providerOrBadRequest(row.provider);
  checkCredentials(provider, input, false);
  if (input.name !== undefined && input.name !== row.name && (await repo.nameTaken(tx, orgId, input.name, id))) {
    throw duplicateName(input.name);
  }
  const secret = input.clientSecret ?? input.apiKey ?? input.password;
  const settings = input.settings === undefined ? undefined : checkSettings(provider, input.settings, allowHttp);
  const destinationChanged =
    settings === undefined ? [] : checkCredentialDestinationChange(provider, row.settings, settings, secret !== undefined);
  // Tokens issued for the old endpoints are not sent to the new ones: the integration reconnects.
  const dropTokens = destinationChanged.length > 0 && row.auth_type === 'oauth2' && (await repo.deleteConnection(tx, orgId, id));
  const sealed = {
    ...(secret !== undefined ? await sealedSecret(vault, tx, orgId, id, secret) : {}),
    ...(input.webhookSecret !== undefined ? await sealedWebhookSecret(vault, tx, orgId, id, input.webhookSecret) : {}),
  };
  const { patch, audit } = updateWrites(orgId, id, row, input, { secret, settings, destinationChanged, dropTokens, sealed });
  await repo.updateIntegration(tx, orgId, id, patch);
  await recordAudit(tx, ctx, audit);
  return toIntegrationView(await load(tx, orgId, id));
}

/** Whether an update only changes plain fields (name, client id, username, scopes): nothing to seal, no settings to check. */
function plainUpdate(input: UpdateIntegrationInput): boolean {
  const secret = input.clientSecret ?? input.apiKey ?? input.password;
  return secret === undefined && input.webhookSecret === undefined && input.settings === undefined;
}

/**
 * updateInTx for a plain update (a rename, most often: plainUpdate), in two round trips instead of six, each holding
 * the locked row and a pooled connection: BEGIN, the scope, the row's lock and the duplicate-name check in one
 * message; the update, the updated row, the audit event and COMMIT in the other. The same checks in the same order
 * (404, the provider's credential rules, 409 on the name); a concurrent rename to the same name is still caught by
 * the unique name index at the update (conflictOnDuplicateName).
 */
function plainUpdateBatched(db: Db, ctx: AuthedContext, orgId: string, id: string, input: UpdateIntegrationInput) {
  return inScopeBatched(db, { org: orgId }, async (q, send) => {
    const [locked, taken] = await send([
      repo.lockIntegrationQuery(q, orgId, id),
      ...(input.name !== undefined ? [repo.nameTakenQuery(q, orgId, input.name, id).compile()] : []),
    ]);
    const row = (locked as IntegrationRow[])[0];
    if (!row) throw new NotFound('Integration');
    checkCredentials(providerOrBadRequest(row.provider), input, false);
    if (input.name !== undefined && input.name !== row.name && taken!.length > 0) throw duplicateName(input.name);
    const noEffects = { secret: undefined, settings: undefined, destinationChanged: [], dropTokens: false, sealed: {} };
    const { patch, audit } = updateWrites(orgId, id, row, input, noEffects);
    const [, updated] = await send(
      [
        repo.updateIntegrationQuery(q, orgId, id, patch),
        repo.findIntegrationQuery(q, orgId, id).compile(),
        ...auditEventQueries(q, ctx, audit),
      ],
      { commit: true },
    );
    return toIntegrationView((updated as Row[])[0]!);
  });
}

/** Integrations: their definition and credentials (list, get, create, update, remove), and pausing and resuming them. */
export interface IntegrationsServiceDeps {
  db: Db;
  config: Pick<Config, 'allowPrivateNetworkTargets'>;
  vault: Vault;
  /** Told after each commit that may change which of the integration's syncs fire. */
  scheduler: ScheduleSink;
}

export function createIntegrationsService({ db, config, vault, scheduler }: IntegrationsServiceDeps) {
  const allowHttp = config.allowPrivateNetworkTargets;
  const writeSecret = (tx: Tx, orgId: string, id: string, secret: string) => sealedSecret(vault, tx, orgId, id, secret);

  return {
    async list(ctx: AuthedContext, orgId: string, q: ListIntegrationsQuery): Promise<Page<IntegrationView>> {
      const limit = q.limit ?? 50;
      const c = decodeCursor(q.cursor, ['string', 'uuid']);
      // One round trip: the scope's settings and the page in one message (readInScope), not BEGIN, query, COMMIT.
      const rows = await readInScope(db, { org: orgId }, (b) =>
        repo.listIntegrationsQuery(b, orgId, {
          provider: q.provider,
          status: q.status,
          q: q.q,
          limit,
          after: c ? { name: c[0] as string, id: c[1] as string } : undefined,
        }),
      );
      return toPage(rows, limit, toIntegrationView, (r) => [r.name, r.id]);
    },

    async get(ctx: AuthedContext, orgId: string, id: string): Promise<IntegrationView> {
      return toIntegrationView(await inScope(db, { org: orgId }, (tx) => load(tx, orgId, id)));
    },

    async create(ctx: AuthedContext, orgId: string, input: CreateIntegrationInput): Promise<IntegrationView> {
      const provider = providerOrBadRequest(input.provider);
      checkCredentials(provider, input, true);
      const settings = checkSettings(provider, input.settings ?? {}, allowHttp);
      const scopes = checkScopes(input.scopes ?? (provider.authType === 'oauth2' ? [...provider.oauth.defaultScopes] : []));
      const id = uuidv7();
      return conflictOnDuplicateName(input.name, () =>
        inScope(db, { org: orgId }, async (tx) => {
          if (await repo.nameTaken(tx, orgId, input.name)) throw duplicateName(input.name);
          const secret = input.clientSecret ?? input.apiKey ?? input.password;
          await repo.insertIntegration(tx, {
            id,
            organization_id: orgId,
            provider: provider.key,
            name: input.name,
            status: 'INACTIVE',
            auth_type: provider.authType,
            client_id: input.clientId ?? null,
            username: input.username ?? null,
            ...(secret !== undefined ? await writeSecret(tx, orgId, id, secret) : {}),
            ...(input.webhookSecret !== undefined ? await sealedWebhookSecret(vault, tx, orgId, id, input.webhookSecret) : {}),
            scopes,
            settings: JSON.stringify(settings),
            updated_at: new Date(),
          });
          await recordAudit(tx, ctx, {
            organizationId: orgId,
            action: 'integration.created',
            target: { type: 'integration', id },
            metadata: { provider: provider.key, name: input.name, scopes, settingKeys: Object.keys(settings) },
          });
          return toIntegrationView(await load(tx, orgId, id));
        }),
      );
    },

    async update(ctx: AuthedContext, orgId: string, id: string, input: UpdateIntegrationInput): Promise<IntegrationView> {
      return conflictOnDuplicateName(input.name ?? '', () =>
        plainUpdate(input)
          ? plainUpdateBatched(db, ctx, orgId, id, input)
          : inScope(db, { org: orgId }, (tx) => updateInTx(tx, ctx, orgId, id, input, { vault, allowHttp })),
      );
    },

    async remove(ctx: AuthedContext, orgId: string, id: string): Promise<void> {
      await inScope(db, { org: orgId }, async (tx) => {
        const row = await load(tx, orgId, id);
        await repo.deleteIntegration(tx, orgId, id);
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'integration.deleted',
          target: { type: 'integration', id },
          metadata: { provider: row.provider, name: row.name },
        });
      });
      await scheduler.integrationChanged(orgId, id);
    },

    ...createPauseAndResume({ db, scheduler }),
  };
}

/** Pausing stops an integration's schedules and runs; resuming makes it ready again. Both reschedule after the commit. */
function createPauseAndResume({ db, scheduler }: Pick<IntegrationsServiceDeps, 'db' | 'scheduler'>) {
  return {
    async pause(ctx: AuthedContext, orgId: string, id: string): Promise<IntegrationView> {
      await inScope(db, { org: orgId }, async (tx) => {
        const row = await load(tx, orgId, id);
        if (row.status !== 'PAUSED') {
          await repo.updateIntegration(tx, orgId, id, { status: 'PAUSED' });
          await recordAudit(tx, ctx, {
            organizationId: orgId,
            action: 'integration.paused',
            target: { type: 'integration', id },
            metadata: { from: row.status },
          });
        }
      });
      await scheduler.integrationChanged(orgId, id);
      // Read after rescheduling: nextSyncAt shows what the scheduler now holds.
      return toIntegrationView(await inScope(db, { org: orgId }, (tx) => load(tx, orgId, id)));
    },

    async resume(ctx: AuthedContext, orgId: string, id: string): Promise<IntegrationView> {
      await inScope(db, { org: orgId }, async (tx) => {
        const row = await load(tx, orgId, id);
        if (row.status !== 'PAUSED') throw new Conflict(`Integration is ${row.status}, not PAUSED`);
        const status = idleStatus(row, row.connected);
        await repo.updateIntegration(tx, orgId, id, { status });
        await recordAudit(tx, ctx, {
          organizationId: orgId,
          action: 'integration.resumed',
          target: { type: 'integration', id },
          metadata: { to: status },
        });
      });
      await scheduler.integrationChanged(orgId, id);
      return toIntegrationView(await inScope(db, { org: orgId }, (tx) => load(tx, orgId, id)));
    },
  };
}

export type IntegrationsService = ReturnType<typeof createIntegrationsService>;
