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
import type { LegacyFile, LegacyFileFormat } from './legacy-file.js';
import { validateLegacyRow, type ValidationOptions } from './legacy-row.js';
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
  const dryRun = !!options.dryRun;
  const now = options.now ?? new Date();
  const every = options.progressEvery ?? 100;
  const ctx = systemContext(IMPORT_ACTOR);
  const summary: LegacyImportSummary = {
    dryRun,
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
  const orgs = new Map<string, Org | null>();
  // Rows of this run, so a dry run (whose writes are rolled back) reports in-file clashes like a real run.
  const keysSeen = new Map<string, number>();
  const namesSeen = new Map<string, number>();

  const findOrg = async (slug: string): Promise<Org | null> => {
    if (!orgs.has(slug)) {
      const org = await inScope(db, { platform: true }, (tx) =>
        tx.selectFrom('organizations').select(['id', 'slug']).where('slug', '=', slug).executeTakeFirst(),
      );
      orgs.set(slug, org ?? null);
    }
    return orgs.get(slug)!;
  };

  const record = (outcome: RowOutcome) => {
    summary.outcomes.push(outcome);
    if (outcome.outcome === 'created') {
      summary.created++;
      if (outcome.status === 'ERROR') summary.needReconnecting++;
      if (!outcome.hasOAuthApp) summary.withoutOAuthApp++;
    } else if (outcome.outcome === 'already_imported') summary.alreadyImported++;
    else summary.bad++;
    options.onRow?.(outcome);
    if (summary.rows % every === 0 || summary.rows === file.entries.length)
      options.onProgress?.(progressLine(summary, file.entries.length));
  };

  for (const entry of file.entries) {
    summary.rows++;
    const at = { line: entry.line, ...(entry.element !== undefined ? { element: entry.element } : {}) };
    const bad = (reason: string) => record({ ...at, outcome: 'bad', reason });
    if (entry.error) {
      bad(entry.error);
      continue;
    }
    const checked = validateLegacyRow(entry.value, options);
    for (const f of checked.ignoredFields) summary.ignoredFields[f] = (summary.ignoredFields[f] ?? 0) + 1;
    const problems = [...checked.problems];
    const slug =
      checked.row?.organization ??
      (isPlainObject(entry.value) && typeof entry.value.organization === 'string' ? entry.value.organization.trim().toLowerCase() : null);
    const org = slug && /^[a-z0-9][a-z0-9-]{0,62}$/.test(slug) ? await findOrg(slug) : null;
    if (slug && !org) problems.push(`unknown organization ${quote(slug)}`);
    const row = checked.row;
    if (problems.length || !row || !org) {
      bad(problems.join('; '));
      continue;
    }

    const key = `${org.id}\n${row.provider.key}\n${row.externalAccount.toLowerCase()}`;
    const nameKey = `${org.id}\n${row.name.toLowerCase()}`;
    if (keysSeen.has(key)) {
      bad(`same organization, provider and external account as line ${keysSeen.get(key)}`);
      continue;
    }
    if (namesSeen.has(nameKey)) {
      bad(`name ${quote(row.name)} is already taken by line ${namesSeen.get(nameKey)} in ${org.slug}; give this row another "name"`);
      continue;
    }

    let result: WriteResult;
    try {
      result = await inScope(db, { org: org.id }, async (tx) => {
        const r = await writeRow(tx, vault, ctx, org, row, key, { now, source: options.source, line: entry.line });
        if (dryRun) throw new DryRunRollback(r);
        return r;
      });
    } catch (err) {
      if (err instanceof DryRunRollback) result = err.result;
      else {
        const reason = rowFailure(err, row, org);
        if (reason === null) throw new ImportStoppedError(entry.line, summary, err);
        bad(reason);
        continue;
      }
    }
    if (result.outcome === 'already_imported') {
      record({
        ...at,
        outcome: 'already_imported',
        integrationId: result.integrationId,
        organization: org.slug,
        provider: row.provider.key,
        name: result.name,
      });
      continue;
    }
    keysSeen.set(key, entry.line);
    namesSeen.set(nameKey, entry.line);
    record({
      ...at,
      outcome: 'created',
      integrationId: result.integrationId,
      organization: org.slug,
      provider: row.provider.key,
      name: row.name,
      status: result.status,
      lastError: result.lastError,
      hasOAuthApp: row.clientSecret !== null,
    });
  }
  return summary;
}

export function progressLine(s: LegacyImportSummary, total: number): string {
  return `${s.rows} of ${total} rows (${s.created} ${s.dryRun ? 'would be created' : 'created'}, ${s.alreadyImported} already imported, ${s.bad} bad)`;
}
