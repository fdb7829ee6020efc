import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Db } from '../db/client.js';
import type { Vault } from '../server/src/lib/crypto/vault.js';
import { EXIT_FAILED, plural, runCli, say, step, withDatabase } from './lib/cli.js';

const PROGRESS_EVERY = 100;
const PAGE_SIZE = 500;
export const REWRAP_AUDIT_ACTION = 'encryption.data_key_rewrapped';

const USAGE = `
Usage: npm run rotate-encryption-key [-- --dry-run]
       npx tsx scripts/rotate-encryption-key.ts [--dry-run]

Re-wraps every organization's data key under the current master key (ENCRYPTION_KEY), unwrapping
each with whichever configured key wrapped it (ENCRYPTION_KEY or one of ENCRYPTION_KEY_PREVIOUS).
Stored secrets are not rewritten: they stay sealed with the same data keys. One short transaction
per organization, each audited as ${REWRAP_AUDIT_ACTION} in that organization's trail. Safe to run
again, and while the application is serving: keys already under the current master key are skipped.

Rotating a master key without downtime:
  1. add the new key to ENCRYPTION_KEY_PREVIOUS everywhere and restart, so every process can read it;
  2. set ENCRYPTION_KEY=<new key>, ENCRYPTION_KEY_PREVIOUS=<old key> everywhere and restart;
  3. run this script (with the same settings);
  4. once it reports no failures, remove the old key from ENCRYPTION_KEY_PREVIOUS.

Options:
  --dry-run   check that every data key unwraps and report what would be re-wrapped; change nothing
  -h, --help  show this help

Exit codes: 0 every data key is under the current master key (or would be), 1 failed or some
organizations could not be re-wrapped (listed), 2 bad arguments.
`;

export interface RotationFailure {
  organizationId: string;
  slug: string;
  reason: string;
}

export interface RotationSummary {
  dryRun: boolean;
  currentKeyVersion: number;
  organizations: number;
  rewrapped: number;
  current: number;
  noKey: number;
  failed: RotationFailure[];
}

export interface RotationOptions {
  dryRun?: boolean;
  /** Progress callback every `progressEvery` organizations (default 100), and for each failure. */
  onProgress?: (line: string) => void;
  progressEvery?: number;
}

/**
 * The script's work, callable from tests: every organization, a page at a time (keyset on id),
 * each in its own transaction in its own scope. A vault error on one organization (its master key
 * missing, its wrapped key damaged) is recorded and the others go on; anything else stops the run.
 */
export async function rotateEncryptionKeys(db: Db, vault: Vault, options: RotationOptions = {}): Promise<RotationSummary> {
  const [{ inScope }, { recordAudit }, { systemContext }, { VaultError }] = await Promise.all([
    import('../server/src/lib/db-scope.js'),
    import('../server/src/modules/audit/audit.service.js'),
    import('../server/src/lib/context.js'),
    import('../server/src/lib/crypto/vault-errors.js'),
  ]);
  const dryRun = !!options.dryRun;
  const every = options.progressEvery ?? PROGRESS_EVERY;
  const report = options.onProgress ?? (() => {});
  const ctx = systemContext('rotate-encryption-key');
  const summary: RotationSummary = {
    dryRun,
    currentKeyVersion: vault.currentKeyVersion,
    organizations: 0,
    rewrapped: 0,
    current: 0,
    noKey: 0,
    failed: [],
  };

  const total = await inScope(db, { platform: true }, async (tx) => {
    const r = await tx
      .selectFrom('organizations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  });
  let after: string | null = null;
  let reportedAt = 0;
  for (;;) {
    const page = await inScope(db, { platform: true }, (tx) => {
      let q = tx.selectFrom('organizations').select(['id', 'slug']).orderBy('id').limit(PAGE_SIZE);
      if (after) q = q.where('id', '>', after);
      return q.execute();
    });
    for (const org of page) {
      try {
        const result = await inScope(db, { org: org.id }, async (tx) => {
          const r = await vault.rewrapOrganizationKey(tx, org.id, { dryRun });
          if (r.outcome === 'rewrapped' && !dryRun) {
            await recordAudit(tx, ctx, {
              organizationId: org.id,
              action: REWRAP_AUDIT_ACTION,
              target: { type: 'organization', id: org.id },
              metadata: { fromKeyVersion: r.fromKeyVersion, toKeyVersion: r.toKeyVersion },
            });
          }
          return r;
        });
        if (result.outcome === 'rewrapped') summary.rewrapped++;
        else if (result.outcome === 'current') summary.current++;
        else summary.noKey++;
      } catch (err) {
        if (!(err instanceof VaultError)) throw err;
        summary.failed.push({ organizationId: org.id, slug: org.slug, reason: err.message });
        report(`FAILED ${org.slug} (${org.id}): ${err.message}`);
      }
      summary.organizations++;
      if (summary.organizations % every === 0) {
        report(progressLine(summary, total));
        reportedAt = summary.organizations;
      }
    }
    if (page.length < PAGE_SIZE) break;
    after = page[page.length - 1].id;
  }
  if (summary.organizations !== reportedAt) report(progressLine(summary, total));
  return summary;
}

function progressLine(s: RotationSummary, total: number): string {
  const done = s.dryRun ? 'would re-wrap' : 're-wrapped';
  return `${s.organizations} of ${total} organizations (${s.rewrapped} ${done}, ${s.current} already current, ${s.noKey} without a data key, ${s.failed.length} failed)`;
}

export function summaryLine(s: RotationSummary): string {
  const parts = [
    `${s.dryRun ? 'would re-wrap' : 're-wrapped'} ${plural(s.rewrapped, 'data key')}`,
    `${s.current} already current`,
    `${plural(s.noKey, 'organization')} without a data key yet`,
    `${s.failed.length} failed`,
  ];
  return `${s.dryRun ? 'Dry run (nothing changed)' : 'Summary'}: ${parts.join(', ')}.`;
}

function invokedDirectly(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  await runCli({ name: 'rotate-encryption-key', usage: USAGE, options: { 'dry-run': { type: 'boolean' } } }, async ({ values }) => {
    const dryRun = !!values['dry-run'];
    return withDatabase(async (db, config) => {
      const { createVault } = await import('../server/src/lib/crypto/vault.js');
      const vault = createVault({ currentKey: config.encryptionKey, previousKeys: config.encryptionKeysPrevious });
      const retired = vault.keyVersions.filter((v) => v !== vault.currentKeyVersion);
      say(
        `Master key: version ${vault.currentKeyVersion} (ENCRYPTION_KEY); also readable: ${retired.length ? retired.join(', ') : 'none'} (ENCRYPTION_KEY_PREVIOUS)`,
      );
      say(
        dryRun
          ? "Dry run: checking every organization's data key…"
          : `Re-wrapping every organization's data key under version ${vault.currentKeyVersion}…`,
      );
      const s = await rotateEncryptionKeys(db, vault, { dryRun, onProgress: step });
      vault.forgetKeys();
      say(summaryLine(s));
      if (s.failed.length) {
        say(
          `${plural(s.failed.length, 'organization')} could not be re-wrapped; keep their master key in ENCRYPTION_KEY_PREVIOUS and run again once fixed.`,
        );
        return EXIT_FAILED;
      }
      if (!dryRun && retired.length)
        say(
          'Every data key is now under the current master key: ENCRYPTION_KEY_PREVIOUS can be emptied once every process runs with this ENCRYPTION_KEY.',
        );
      return 0;
    });
  });
}
