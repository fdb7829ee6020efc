import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { LegacyImportSummary, RowOutcome } from '../server/src/modules/integrations/legacy-import.js';
import { CliError, EXIT_FAILED, EXIT_USAGE, plural, runCli, say, step, UsageError, withDatabase } from './lib/cli.js';

const USAGE = `
Usage: npm run import-legacy-integrations -- [--dry-run] [--verbose] <file>
       npx tsx scripts/import-legacy-integrations.ts [--dry-run] [--verbose] (<file> | --file <file>)

Imports OAuth connections exported from an earlier integrations system. Each row becomes one
integration with its connection in the row's organization; tokens and client secrets are encrypted
with that organization's data key. Each row is written in its own transaction together with its
audit event (integration.imported): a row is imported whole or not at all. Bad rows are reported
by line and skipped; the other rows are imported. Safe to run again: a row whose organization,
provider and external account are already connected is reported as already imported and left
alone (its tokens are not replaced).

The file: a JSON array of objects, or JSON Lines (one object per line). Fields of a row:
  organization       required  Linkyard organization slug, e.g. "acme"
  provider           required  provider key from GET /api/providers, e.g. "google_calendar";
                               case, spaces and dashes do not matter ("GOOGLE_CALENDAR", "Google Calendar")
  externalAccount    required  the provider account the tokens belong to (email, username or id)
  accessToken        required
  refreshToken       optional
  expiresAt          optional  when the access token expires: ISO 8601 with a time zone
                               ("2024-05-01T12:00:00Z") or Unix seconds; absent: does not expire
  scopes             optional  granted scopes: an array, or one string separated by spaces or commas
                               (the integration requests the provider's default scopes when absent)
  name               optional  integration name, unique in the organization
                               (default: "<Provider> (<externalAccount>)")
  clientId, clientSecret       optional, together: the organization's own OAuth app
  settings           optional  provider settings, e.g. {"subdomain": "acme"} for Zendesk
  connectionValues   optional  values learnt when connecting, e.g. {"instanceUrl": "https://…"}
                               for Salesforce, {"realmId": "…"} for QuickBooks
  tokenType          optional  e.g. "Bearer"
  legacyId           optional  the row's id in the old system, recorded in the audit event
Older exports' names are accepted too: integrationType (provider), tokenExpiry (expiresAt),
scope (scopes), externalEmail, externalUsername or externalId (externalAccount). Other fields
are ignored and listed in the summary. Only OAuth 2 providers are imported: API-key and CalDAV
integrations (Stripe, Apple Calendar, Fastmail) are added in the admin UI.

Status of an imported integration: ACTIVE, or ERROR with the reason when it cannot work until it
is reconnected: its access token has expired and cannot be refreshed (no refresh token, or no
client credentials), or a connection value the provider needs is missing. A row without
clientId and clientSecret (the old system's shared OAuth app) is imported without them: add the
organization's own OAuth app credentials before its access token expires.

Options:
  --file <path>  the file to import (or give it as the only argument)
  --dry-run      check every row, including the writes, and report what would be imported; write nothing
  --verbose      print every row's outcome, not only the bad ones
  -h, --help     show this help

Exit codes: 0 every row imported or already imported, 1 some rows were bad (reported; the others
were imported) or the import failed, 2 bad arguments or an unreadable file.

The file holds live tokens: keep it out of version control and delete it once imported. Tokens
and secrets are never printed.
`;

const where = (o: { line: number; element?: number }) =>
  o.element === undefined ? `line ${o.line}` : `line ${o.line} (element ${o.element})`;

function describeOutcome(o: RowOutcome, dryRun: boolean): string {
  if (o.outcome === 'bad') return `${where(o)}: ${o.reason}`;
  if (o.outcome === 'already_imported') return `${where(o)}: already imported as "${o.name}" in ${o.organization}`;
  const verb = dryRun ? 'would create' : 'created';
  return `${where(o)}: ${verb} "${o.name}" in ${o.organization}, ${o.status}${o.lastError ? ` (${o.lastError})` : ''}`;
}

function summaryLine(s: LegacyImportSummary): string {
  const reconnect = s.needReconnecting ? ` (${s.needReconnecting} to reconnect)` : '';
  return s.dryRun
    ? `Dry run (nothing written): ${s.created} would be created${reconnect}, ${s.alreadyImported} already imported, ${plural(s.bad, 'bad row')} would be skipped.`
    : `Summary: ${s.created} created${reconnect}, ${s.alreadyImported} already imported, ${plural(s.bad, 'bad row')} skipped.`;
}

function notes(s: LegacyImportSummary): string[] {
  const out: string[] = [];
  const will = s.dryRun ? 'would be' : 'were';
  if (s.withoutOAuthApp) {
    out.push(
      `${plural(s.withoutOAuthApp, 'integration')} ${will} imported without OAuth client credentials (the old system's shared app): ` +
        "add the organization's own client ID and secret to each (admin UI, or PATCH /api/orgs/:orgId/integrations/:id) " +
        'before its access token expires; without them it cannot be refreshed.',
    );
  }
  if (s.needReconnecting)
    out.push(
      `${plural(s.needReconnecting, 'integration')} ${will} imported with status ERROR: each shows why; reconnect them in the admin UI.`,
    );
  const ignored = Object.entries(s.ignoredFields);
  if (ignored.length) {
    const shown = ignored
      .slice(0, 20)
      .map(([f, n]) => `${f} (${plural(n, 'row')})`)
      .join(', ');
    out.push(`Ignored fields, not part of the import format: ${shown}${ignored.length > 20 ? `, and ${ignored.length - 20} more` : ''}.`);
  }
  if (s.bad) out.push('Fix the bad rows and run again: rows already imported are skipped.');
  return out;
}

await runCli(
  {
    name: 'import-legacy-integrations',
    usage: USAGE,
    maxPositionals: 1,
    options: { file: { type: 'string' }, 'dry-run': { type: 'boolean' }, verbose: { type: 'boolean' } },
  },
  async ({ values, positionals }) => {
    if (values.file !== undefined && positionals.length) throw new UsageError('give the file once: either --file <path> or <path>');
    const file = values.file ?? positionals[0];
    if (!file) throw new UsageError('no file given');
    const dryRun = !!values['dry-run'];
    const verbose = !!values.verbose;

    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      const why =
        e.code === 'ENOENT'
          ? 'no such file'
          : e.code === 'EISDIR'
            ? 'it is a directory'
            : e.code === 'EACCES'
              ? 'permission denied'
              : e.message;
      throw new CliError(`Cannot read ${file}: ${why}`, EXIT_USAGE);
    }

    const { importLegacyIntegrations, ImportStoppedError, LegacyFileError, parseLegacyFile } =
      await import('../server/src/modules/integrations/legacy-import.js');
    let parsed: ReturnType<typeof parseLegacyFile>;
    try {
      parsed = parseLegacyFile(text);
    } catch (err) {
      if (err instanceof LegacyFileError) throw new CliError(`${file}: ${err.message}. Nothing was imported.`);
      throw err;
    }
    const total = parsed.entries.length;
    say(`File: ${file} (${parsed.format === 'json_array' ? 'JSON array' : 'JSON Lines'}, ${plural(total, 'row')})`);
    if (!total) {
      say('Summary: the file holds no rows; nothing to import.');
      return 0;
    }

    return withDatabase(async (db, config) => {
      const { createVault } = await import('../server/src/lib/crypto/index.js');
      const vault = createVault({ currentKey: config.encryptionKey, previousKeys: config.encryptionKeysPrevious });
      say(dryRun ? 'Dry run: checking every row; nothing will be written…' : 'Importing…');
      let summary: LegacyImportSummary;
      try {
        summary = await importLegacyIntegrations(db, vault, parsed, {
          dryRun,
          source: path.basename(file),
          allowHttp: config.allowPrivateNetworkTargets,
          onProgress: step,
          onRow: (o) => {
            if (verbose || o.outcome === 'bad' || (o.outcome === 'created' && o.status === 'ERROR')) step(describeOutcome(o, dryRun));
          },
        });
      } catch (err) {
        if (!(err instanceof ImportStoppedError)) throw err;
        say(summaryLine(err.summary));
        say(
          `Stopped at line ${err.line}: the rows before it are ${dryRun ? 'checked' : 'imported'}; run again once the problem is fixed (imported rows are skipped).`,
        );
        throw err.cause;
      } finally {
        vault.forgetKeys();
      }
      say(summaryLine(summary));
      for (const line of notes(summary)) say(line);
      return summary.bad ? EXIT_FAILED : 0;
    });
  },
);
