import type { Static } from '@sinclair/typebox';
import type { Db } from '../../../../db/client.js';
import { assertCan, subject } from '../../lib/ability.js';
import { actorIdOf, type AuthedContext, type PersonContext } from '../../lib/context.js';
import { inScope, type Tx } from '../../lib/db-scope.js';
import { BadRequest, Conflict, NotFound, isUniqueViolation } from '../../lib/errors.js';
import { uuidv7 } from '../../lib/ids.js';
import { decodeCursor, toPage, type Page } from '../../lib/pagination.js';
import type { ScheduleSink } from '../../lib/schedule-sink.js';
import type { Vault } from '../../lib/crypto/vault.js';
import { recordAudit } from '../audit/audit.service.js';
import { inviteToOrganization } from './invitations.js';
import type { AccessCache } from '../../lib/access-cache.js';
import * as repo from './organizations.repo.js';
import type { OrganizationPatch } from './organizations.repo.js';
import { isValidTimezone } from '../../lib/timezones.js';
import type * as S from './organizations.schemas.js';

/** The API's shapes (organizations.schemas.ts is the one definition). */
export type OrganizationView = Static<typeof S.Organization>;
export type CreateOrganizationInput = Static<typeof S.CreateOrganizationBody>;
export type UpdateOrganizationInput = Static<typeof S.UpdateOrganizationBody>;
type ListQuery = Static<typeof S.ListQuery>;

type OrgRow = NonNullable<Awaited<ReturnType<typeof repo.findOrganization>>>;
const toView = (r: OrgRow): OrganizationView => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  status: r.status,
  role: r.role,
  createdAt: r.created_at.toISOString(),
  defaultTimezone: r.default_timezone,
  retention: {
    logsDays: r.retention_logs_days,
    runsDays: r.retention_runs_days,
    deletedRecordsDays: r.retention_deleted_records_days,
    webhookDeliveriesDays: r.retention_webhook_deliveries_days,
  },
});

const RETENTION_COLUMNS = {
  logsDays: 'retention_logs_days',
  runsDays: 'retention_runs_days',
  deletedRecordsDays: 'retention_deleted_records_days',
  webhookDeliveriesDays: 'retention_webhook_deliveries_days',
} as const;
const RETENTION_LABELS = {
  logsDays: 'Logs',
  runsDays: 'Runs',
  deletedRecordsDays: 'Deleted records',
  webhookDeliveriesDays: 'Webhook deliveries',
};

/** The settings part of a patch as columns, each value checked with a message for people; BadRequest names the field. */
function settingsPatch(patch: UpdateOrganizationInput): OrganizationPatch {
  const out: OrganizationPatch = {};
  if (patch.defaultTimezone !== undefined) {
    if (!isValidTimezone(patch.defaultTimezone))
      throw new BadRequest(
        `"${patch.defaultTimezone}" is not a time zone; choose one from the list (e.g. Europe/Berlin or UTC)`,
        '/defaultTimezone',
      );
    out.default_timezone = patch.defaultTimezone;
  }
  for (const [key, column] of Object.entries(RETENTION_COLUMNS) as [
    keyof typeof RETENTION_COLUMNS,
    (typeof RETENTION_COLUMNS)[keyof typeof RETENTION_COLUMNS],
  ][]) {
    const days = patch.retention?.[key];
    if (days === undefined) continue;
    if (!Number.isInteger(days) || days < 1 || days > 3650)
      throw new BadRequest(`${RETENTION_LABELS[key]} must be kept from 1 to 3650 days`, `/retention/${key}`);
    out[column] = days;
  }
  return out;
}

export interface OrganizationsServiceDeps {
  db: Db;
  /** Deleting an organization forgets its data key in this process as well as destroying the stored one. */
  vault: Pick<Vault, 'forgetKeys'>;
  /** PUBLIC_URL: a new organization's first invitation links to its accept page. */
  publicUrl: string;
  /** Forgotten for an organization that is suspended or reactivated. */
  accessCache: AccessCache;
  /** Told after a suspension or reactivation: a suspended organization's schedules do not fire. */
  scheduler: ScheduleSink;
}

/** One audit event for the settings that changed, with what each was and is now. */
async function auditSettings(tx: Tx, ctx: AuthedContext, before: OrgRow, settings: OrganizationPatch) {
  const changed = Object.entries(settings).filter(([column, value]) => before[column as keyof OrgRow] !== value);
  if (!changed.length) return;
  await recordAudit(tx, ctx, {
    organizationId: before.id,
    action: 'organization.settings_changed',
    target: { type: 'organization', id: before.id },
    metadata: Object.fromEntries(changed.map(([column, value]) => [column, { from: before[column as keyof OrgRow], to: value }])),
  });
}

export function createOrganizationsService(deps: OrganizationsServiceDeps) {
  const { db, publicUrl, accessCache, scheduler } = deps;
  return {
    ...createOrganizationDeletion(deps),
    async list(ctx: PersonContext, q: ListQuery): Promise<Page<OrganizationView>> {
      const actor = ctx.actor;
      const limit = q.limit ?? 50;
      const afterSlug = decodeCursor(q.cursor, ['string'])?.[0] as string | undefined;
      const seesAll = actor.ability.can('read', 'Organization');
      const rows = seesAll
        ? await inScope(db, { platform: true }, (tx) => repo.listOrganizations(tx, { callerId: actor.userId, afterSlug, limit }))
        : await inScope(db, { user: actor.userId }, (tx) =>
            repo.listOrganizations(tx, { memberUserId: actor.userId, callerId: actor.userId, afterSlug, limit }),
          );
      return toPage(rows, limit, toView, (r) => [r.slug]);
    },

    async get(ctx: AuthedContext, orgId: string): Promise<OrganizationView> {
      const row = await inScope(db, { org: orgId }, (tx) => repo.findOrganization(tx, orgId, actorIdOf(ctx.actor)));
      if (!row) throw new NotFound('Organization');
      return toView({ ...row, role: ctx.actor.role });
    },

    async create(ctx: PersonContext, input: CreateOrganizationInput) {
      const id = uuidv7();
      try {
        return await inScope(db, { platform: true }, async (tx) => {
          if (await repo.slugTaken(tx, input.slug)) throw new Conflict(`The slug "${input.slug}" is already taken`, '/slug');
          await repo.insertOrganization(tx, { id, slug: input.slug, name: input.name });
          // The first Super Admin is invited like anyone else: they become one by accepting.
          const invitation = await inviteToOrganization(
            tx,
            id,
            { email: input.superAdminEmail, role: 'super_admin' },
            ctx.actor.userId,
            publicUrl,
          );
          await recordAudit(tx, ctx, {
            organizationId: id,
            action: 'organization.created',
            target: { type: 'organization', id },
            metadata: { slug: input.slug, name: input.name, superAdminEmail: input.superAdminEmail },
          });
          const row = (await repo.findOrganization(tx, id, ctx.actor.userId))!;
          return { ...toView(row), superAdmin: { email: input.superAdminEmail, invitation } };
        });
      } catch (err) {
        if (isUniqueViolation(err)) throw new Conflict(`The slug "${input.slug}" is already taken`, '/slug');
        throw err;
      }
    },

    /** Super Admin renames; the Platform Owner renames, suspends and reactivates. */
    async update(ctx: AuthedContext, orgId: string, patch: UpdateOrganizationInput): Promise<OrganizationView> {
      const ability = ctx.actor.ability;
      const changesSettings = patch.defaultTimezone !== undefined || patch.retention !== undefined;
      if (patch.name === undefined && patch.status === undefined && !changesSettings)
        throw new BadRequest('Nothing to change: send name, status, defaultTimezone or retention');
      const target = subject('Organization', { id: orgId });
      if (patch.name !== undefined) assertCan(ability, 'update', target, 'name');
      if (patch.status !== undefined) assertCan(ability, 'suspend', target);
      if (changesSettings) assertCan(ability, 'update', target, 'settings');
      const settings = settingsPatch(patch);
      const view = await inScope(db, { org: orgId }, async (tx) => {
        const before = await repo.findOrganization(tx, orgId, actorIdOf(ctx.actor));
        if (!before) throw new NotFound('Organization');
        await repo.updateOrganization(tx, orgId, { name: patch.name, status: patch.status, ...settings });
        await auditSettings(tx, ctx, before, settings);
        if (patch.name !== undefined && patch.name !== before.name) {
          await recordAudit(tx, ctx, {
            organizationId: orgId,
            action: 'organization.renamed',
            target: { type: 'organization', id: orgId },
            metadata: { from: before.name, to: patch.name },
          });
        }
        if (patch.status !== undefined && patch.status !== before.status) {
          await recordAudit(tx, ctx, {
            organizationId: orgId,
            action: patch.status === 'suspended' ? 'organization.suspended' : 'organization.reactivated',
            target: { type: 'organization', id: orgId },
          });
        }
        return toView({
          ...before,
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.status ? { status: patch.status } : {}),
          ...settings,
          role: ctx.actor.role,
        });
      });
      if (patch.status !== undefined) {
        accessCache.forgetOrganization(orgId);
        // A suspended organization's schedules do not fire; reactivated, they resume.
        await scheduler.organizationChanged(orgId);
      }
      return view;
    },
  };
}

/** Deleting organizations (Platform Owner): the data key first, then every row. */
function createOrganizationDeletion({ db, vault, accessCache, scheduler }: OrganizationsServiceDeps) {
  /** Stops everything acting for the organization in this process (cached access, schedules, its data key). */
  const forget = async (orgId: string) => {
    vault.forgetKeys(orgId);
    accessCache.forgetOrganization(orgId);
    await scheduler.organizationChanged(orgId);
  };
  return {
    /**
     * Deletes the organization and all its data (Platform Owner), typed slug as confirmation. Its data key goes
     * first, in its own committed transaction with the audit event (in the platform's chain: the organization's
     * own goes with it): from then on no copy of its ciphertexts can be opened, even if deleting the rows fails
     * half-way (then the organization stays suspended and keyless, and deleting it again finishes the job).
     */
    async remove(ctx: PersonContext, orgId: string, confirm: string): Promise<void> {
      await inScope(db, { platform: true }, async (tx) => {
        const org = await repo.lockOrganizationForDeletion(tx, orgId);
        if (!org) throw new NotFound('Organization');
        if (confirm.trim() !== org.slug)
          throw new BadRequest(`Type the organization's slug, "${org.slug}", to confirm that it is deleted with all its data`, '/confirm');
        await repo.destroyDataKey(tx, orgId);
        await recordAudit(tx, ctx, {
          organizationId: null,
          action: 'organization.deleted',
          target: { type: 'organization', id: orgId },
          metadata: { slug: org.slug, name: org.name },
        });
      });
      await forget(orgId);
      await repo.purgeOrganization(db.kysely, orgId);
      // Again: a key or a schedule may have been loaded for it while the rows were going.
      await forget(orgId);
    },
  };
}

export type OrganizationsService = ReturnType<typeof createOrganizationsService>;
