/**
 * Import of OAuth connections exported from an earlier integrations system
 * (scripts/import-legacy-integrations.ts is the command line; the tests call this module directly).
 *
 * The file is a JSON array of objects or JSON Lines. Every row becomes one integration plus its
 * connection in the row's organization: per-user connections of the old systems map one-to-one onto
 * Linkyard integrations, since a connection belongs to exactly one integration. Tokens and the client
 * secret are sealed by the vault with the organization's data key, bound to their row and column.
 *
 * - A row is written in one transaction together with its `integration.imported` audit event, so it
 *   is imported whole or not at all; a bad row is reported with its line and skipped.
 * - The natural key is (organization, provider, external account), read from the existing columns
 *   (`connections.external_account`, case-insensitive): a row whose key is already connected, by an
 *   earlier import or by an admin, is "already imported" and left alone, tokens included: Linkyard may
 *   hold newer ones by then (refreshed, or rotated by the provider), which stale legacy tokens would break.
 *   A transaction-scoped advisory lock on the key makes two concurrent runs agree.
 * - A dry run does every write of every row in a transaction that is then rolled back, so it reports
 *   exactly what a real run would do (name clashes, constraint failures, vault errors included).
 *
 * Nothing here prints or returns a token, a client secret or a fragment of either; messages about
 * malformed JSON are rebuilt from positions, because V8's own messages quote the input.
 *
 * This file runs the import (row by row, with the summary) and is the public entry point: it re-exports
 * the parts callers use from legacy-file.ts (reading the file), legacy-row.ts and legacy-expiry.ts
 * (validating a row) and legacy-row-writer.ts (writing a row).
 */
import type { Db } from '../../../../db/client.js';
import type { IntegrationStatus } from '../../../../db/schema.js';
import { systemContext } from '../../lib/context.js';
import type { Vault } from '../../lib/crypto/index.js';
import { inScope } from '../../lib/db-scope.js';
import { findOrganizationBySlug } from '../organizations/organizations.port.js';
import type { LegacyEntry, LegacyFile, LegacyFileFormat } from './legacy-file.js';
import { validateLegacyRow, type LegacyRow, type ValidationOptions } from './legacy-row.js';
import { rowFailure, writeRow, type Org, type WriteResult } from './legacy-row-writer.js';
import { isPlainObject, messageOf, quote } from './legacy-values.js';

export { describeRow, LegacyFileError, parseLegacyFile, type LegacyEntry, type LegacyFile, type LegacyFileFormat } from './legacy-file.js';
export { parseExpiry } from './legacy-expiry.js';
export { resolveProvider, validateLegacyRow, type LegacyRow, type ValidationOptions, type ValidationResult } from './legacy-row.js';
export { IMPORT_AUDIT_ACTION, reconnectReason } from './legacy-row-writer.js';

export const IMPORT_ACTOR = 'import-legacy-integrations';

export type RowOutcome =
  | {
      line: number;
      element?: number;
      outcome: 'created';
      integrationId: string;
      organization: string;
      provider: string;
      name: string;
      status: Extract<IntegrationStatus, 'ACTIVE' | 'ERROR'>;
      /** Why the integration must be reconnected (status ERROR). */
      lastError: string | null;
      hasOAuthApp: boolean;
    }
  | {
      line: number;
      element?: number;
      outcome: 'already_imported';
      integrationId: string;
      organization: string;
      provider: string;
      name: string;
    }
  | { line: number; element?: number; outcome: 'bad'; reason: string };

export interface LegacyImportSummary {
  dryRun: boolean;
  format: LegacyFileFormat;
  rows: number;
  /** Created (in a dry run: would be created). */
  created: number;
  alreadyImported: number;
  bad: number;
  /** Among the created: imported with status ERROR, to be reconnected. */
  needReconnecting: number;
  /** Among the created: without the organization's own OAuth client credentials. */
  withoutOAuthApp: number;
  /** Fields outside the format, with how many rows had each (ignored). */
  ignoredFields: Record<string, number>;
  outcomes: RowOutcome[];
}

export interface LegacyImportOptions extends ValidationOptions {
  dryRun?: boolean;
  /** Named in each audit event (the file's base name), with the row's line. */
  source?: string;
  /** What "expired" is measured against (default: now). */
  now?: Date;
  /** Called every `progressEvery` rows (default 100) and after the last. */
  onProgress?: (line: string) => void;
  progressEvery?: number;
  /** Called with each row's outcome, in file order, as soon as it is known. */
  onRow?: (outcome: RowOutcome) => void;
}

/** An error that is not the row's fault (the database went away): the run stops here. */
export class ImportStoppedError extends Error {
  constructor(
    readonly line: number,
    readonly summary: LegacyImportSummary,
    readonly cause: unknown,
  ) {
    super(`stopped at line ${line}: ${messageOf(cause)}`);
    // The CLI's error reporting recognises database errors by their code.
    (this as { code?: unknown }).code = (cause as { code?: unknown } | null)?.code;
  }
}

/** Carries a dry run's result out of the transaction it rolls back. */
class DryRunRollback extends Error {
  constructor(readonly result: WriteResult) {
    super('dry run');
  }
}

export async function importLegacyIntegrations(
  db: Db,
  vault: Vault,
  file: LegacyFile,
  options: LegacyImportOptions = {},
): Promise<LegacyImportSummary> {
  const run = new ImportRun(db, vault, file, options);
  for (const entry of file.entries) run.record(await run.importEntry(entry));
  return run.summary;
}

/** A row that passed validation, with its organization and its natural key. */
interface CheckedRow {
  row: LegacyRow;
  org: Org;
  /** (organization, provider, external account), as the advisory lock and the in-file check use it. */
  key: string;
  /** (organization, name): names are unique per organization. */
  nameKey: string;
}

/** One run of the import: the summary so far, and what earlier rows of the file have claimed. */
class ImportRun {
  readonly summary: LegacyImportSummary;
  private readonly dryRun: boolean;
  private readonly now: Date;
  private readonly ctx = systemContext(IMPORT_ACTOR);
  private readonly orgs = new Map<string, Org | null>();
  // Rows of this run, so a dry run (whose writes are rolled back) reports in-file clashes like a real run.
  private readonly keysSeen = new Map<string, number>();
  private readonly namesSeen = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly file: LegacyFile,
    private readonly options: LegacyImportOptions,
  ) {
    this.dryRun = !!options.dryRun;
    this.now = options.now ?? new Date();
    this.summary = {
      dryRun: this.dryRun,
      format: file.format,
      rows: 0,
      created: 0,
      alreadyImported: 0,
      bad: 0,
      needReconnecting: 0,
      withoutOAuthApp: 0,
      ignoredFields: {},
      outcomes: [],
    };
  }

  /** Validates one entry of the file and writes it (or rehearses the write, in a dry run). */
  async importEntry(entry: LegacyEntry): Promise<RowOutcome> {
    this.summary.rows++;
    const at = { line: entry.line, ...(entry.element !== undefined ? { element: entry.element } : {}) };
    const checked = await this.check(entry);
    if (typeof checked === 'string') return { ...at, outcome: 'bad', reason: checked };
    const { row, org, key, nameKey } = checked;
    const result = await this.write(entry, checked);
    if (typeof result === 'string') return { ...at, outcome: 'bad', reason: result };
    const named = { integrationId: result.integrationId, organization: org.slug, provider: row.provider.key };
    if (result.outcome === 'already_imported') return { ...at, outcome: 'already_imported', ...named, name: result.name };
    this.keysSeen.set(key, entry.line);
    this.namesSeen.set(nameKey, entry.line);
    return {
      ...at,
      outcome: 'created',
      ...named,
      name: row.name,
      status: result.status,
      lastError: result.lastError,
      hasOAuthApp: row.clientSecret !== null,
    };
  }

  /** Adds a row's outcome to the summary, and reports it and the progress. */
  record(outcome: RowOutcome): void {
    const { summary, options } = this;
    summary.outcomes.push(outcome);
    if (outcome.outcome === 'created') {
      summary.created++;
      if (outcome.status === 'ERROR') summary.needReconnecting++;
      if (!outcome.hasOAuthApp) summary.withoutOAuthApp++;
    } else if (outcome.outcome === 'already_imported') summary.alreadyImported++;
    else summary.bad++;
    options.onRow?.(outcome);
    const total = this.file.entries.length;
    if (summary.rows % (options.progressEvery ?? 100) === 0 || summary.rows === total) options.onProgress?.(progressLine(summary, total));
  }

  /** The row with its organization, or why it is bad: unreadable, invalid, of an unknown organization, or clashing with an earlier row. */
  private async check(entry: LegacyEntry): Promise<CheckedRow | string> {
    if (entry.error) return entry.error;
    const checked = validateLegacyRow(entry.value, this.options);
    for (const f of checked.ignoredFields) this.summary.ignoredFields[f] = (this.summary.ignoredFields[f] ?? 0) + 1;
    const problems = [...checked.problems];
    const slug =
      checked.row?.organization ??
      (isPlainObject(entry.value) && typeof entry.value.organization === 'string' ? entry.value.organization.trim().toLowerCase() : null);
    const org = slug && /^[a-z0-9][a-z0-9-]{0,62}$/.test(slug) ? await this.findOrg(slug) : null;
    if (slug && !org) problems.push(`unknown organization ${quote(slug)}`);
    const row = checked.row;
    if (problems.length || !row || !org) return problems.join('; ');

    const key = `${org.id}\n${row.provider.key}\n${row.externalAccount.toLowerCase()}`;
    const nameKey = `${org.id}\n${row.name.toLowerCase()}`;
    if (this.keysSeen.has(key)) return `same organization, provider and external account as line ${this.keysSeen.get(key)}`;
    if (this.namesSeen.has(nameKey)) {
      return `name ${quote(row.name)} is already taken by line ${this.namesSeen.get(nameKey)} in ${org.slug}; give this row another "name"`;
    }
    return { row, org, key, nameKey };
  }

  /**
   * Writes the row in its own transaction (rolled back in a dry run); a failure that is the row's fault is
   * returned as its reason, any other stops the run.
   */
  private async write(entry: LegacyEntry, { row, org, key }: CheckedRow): Promise<WriteResult | string> {
    try {
      return await inScope(this.db, { org: org.id }, async (tx) => {
        const r = await writeRow(tx, this.vault, this.ctx, org, row, key, { now: this.now, source: this.options.source, line: entry.line });
        if (this.dryRun) throw new DryRunRollback(r);
        return r;
      });
    } catch (err) {
      if (err instanceof DryRunRollback) return err.result;
      const reason = rowFailure(err, row, org);
      if (reason === null) throw new ImportStoppedError(entry.line, this.summary, err);
      return reason;
    }
  }

  private async findOrg(slug: string): Promise<Org | null> {
    if (!this.orgs.has(slug)) {
      const org = await inScope(this.db, { platform: true }, (tx) => findOrganizationBySlug(tx, slug));
      this.orgs.set(slug, org ?? null);
    }
    return this.orgs.get(slug)!;
  }
}

export function progressLine(s: LegacyImportSummary, total: number): string {
  return `${s.rows} of ${total} rows (${s.created} ${s.dryRun ? 'would be created' : 'created'}, ${s.alreadyImported} already imported, ${s.bad} bad)`;
}
