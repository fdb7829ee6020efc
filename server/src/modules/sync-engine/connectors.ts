import type { Db } from '../../../../db/client.js';
import type { IntegrationRow, SyncRow } from '../../../../db/schema.js';
import type { Vault } from '../../lib/crypto/index.js';
import { inScope } from '../../lib/db-scope.js';
import type { SafeHttpClient } from '../../lib/safe-http/index.js';
import { getProvider } from '../../providers/catalog.js';
import type { ProviderDefinition } from '../../providers/provider-definition.js';
import { secretContext } from '../integrations/integrations.port.js';
import { basicHeaders, bearerHeaders, templateValues } from '../oauth/provider-endpoints.js';
import type { TokenManager } from '../oauth/token-manager.js';
import { ConnectorError } from './connector-errors.js';
import type { OpenSource, OpenSourceArgs } from './page-source.js';
import { createRestWriter, type ProviderWriter } from './rest-writer.js';
import { runCredentials } from './run-credentials.js';
import { calDavContext, openCalDavWriter } from './caldav-push.js';
import { listPages, type ConnectorCursor } from './rest-connector.js';
import { listEventPages, type CalDavCursor } from './caldav-connector.js';
import type { Selection, SyncFilter } from '../syncs/selective.js';
import { keepMatching } from './selective-request.js';
import type { SourcePage } from './page-source.js';

export interface SourceOpenerDeps {
  db: Db;
  vault: Vault;
  http: SafeHttpClient;
  tokens: TokenManager;
  /** Development and tests only (ALLOW_PRIVATE_NETWORK_TARGETS): provider URLs may be plain http. */
  allowHttp: boolean;
}

const DAY_MS = 86_400_000;
const CALENDAR_PAST_DAYS = 30;
const CALENDAR_FUTURE_DAYS = 365;

interface Auth {
  /** Headers for the next request; called before every attempt so a refreshed token is used. */
  headers: () => Promise<Record<string, string>>;
  onUnauthorized: () => Promise<void>;
  connectionValues: Record<string, string>;
}

/**
 * Builds the page source of a run: the provider definition's connector, the integration's settings
 * and credentials (OAuth tokens through the token manager, API keys and passwords from the vault).
 */
export function createSourceOpener({ db, vault, http, tokens, allowHttp }: SourceOpenerDeps): OpenSource & { openWriter: OpenWriter } {
  async function storedSecret(orgId: string, integration: IntegrationRow): Promise<string> {
    const sealed = integration.secret_encrypted;
    if (!sealed) throw new ConnectorError('unsupported', `${integration.name} has no stored credentials`, false);
    const ctx = secretContext(orgId, integration.id);
    // Most runs find the organization's data key in memory: no transaction (two round trips) for them.
    return vault.decryptWithCachedKey(ctx, sealed) ?? inScope(db, { org: orgId }, (tx) => vault.decrypt(tx, ctx, sealed));
  }

  async function authFor(orgId: string, integration: IntegrationRow, definition: ProviderDefinition): Promise<Auth> {
    if (definition.authType === 'oauth2') {
      const credentials = await runCredentials((options) => tokens.getCredentials(orgId, integration.id, options));
      return {
        headers: async () => bearerHeaders(definition, await credentials.accessToken()),
        onUnauthorized: () => credentials.refused(),
        connectionValues: credentials.connectionValues,
      };
    }
    const secret = await storedSecret(orgId, integration);
    const headers =
      definition.authType === 'api_key' ? bearerHeaders(definition, secret) : basicHeaders(integration.username ?? '', secret);
    return {
      headers: async () => headers,
      // A rejected API key or password does not get better by retrying.
      onUnauthorized: async () => {
        throw new ConnectorError(
          'http_status',
          `${definition.name} refused the stored credentials (401); replace them in the integration's settings`,
          false,
          { kind: 'auth' },
        );
      },
      connectionValues: {},
    };
  }

  /** The writer of a push run or a conflict resolution: the REST writer of the declaration, or the CalDAV writer. */
  async function openWriter({ orgId, integration, sync, signal }: WriterArgs): Promise<ProviderWriter> {
    const definition = getProvider(integration.provider);
    const resource = definition?.resources.find((r) => r.key === sync.resource);
    if (!definition || !resource?.write) {
      throw new ConnectorError('unsupported', `${integration.provider}.${sync.resource} cannot be written to`, false);
    }
    if (definition.connector === 'caldav') {
      const password = await storedSecret(orgId, integration);
      return openCalDavWriter(calDavContext({ definition, integration, password, http, log: () => {}, signal, allowHttp }));
    }
    const auth = await authFor(orgId, integration, definition);
    const values = { ...resource.pathDefaults, ...templateValues(definition, integration.settings, auth.connectionValues) };
    return createRestWriter({
      definition,
      resource,
      templateValues: values,
      credentials: auth.headers,
      onUnauthorized: auth.onUnauthorized,
      http,
      signal,
      allowHttp,
    });
  }

  const open = async ({ orgId, integration, sync, mode, cursor, log, signal }: OpenSourceArgs) => {
    const definition = getProvider(integration.provider);
    const resource = definition?.resources.find((r) => r.key === sync.resource);
    if (!definition || !resource)
      throw new ConnectorError('unsupported', `Unknown provider resource ${integration.provider}.${sync.resource}`, false);
    if (definition.connector === 'caldav') {
      // Calendars have no "changed since" listing: every run reads a window around today.
      const now = Date.now();
      const window = { from: new Date(now - CALENDAR_PAST_DAYS * DAY_MS), to: new Date(now + CALENDAR_FUTURE_DAYS * DAY_MS) };
      const password = await storedSecret(orgId, integration);
      const ctx = calDavContext({ definition, integration, password, http, log, signal, allowHttp });
      const pages = listEventPages(ctx, {
        window,
        cursor: (cursor as CalDavCursor | null)?.calendarIndex !== undefined ? (cursor as CalDavCursor) : null,
      });
      // CalDAV reports cannot filter by field: every filter is applied to the parsed events.
      return filterLocally(pages, selectionOf(sync).filters);
    }
    const auth = await authFor(orgId, integration, definition);
    const values = { ...resource.pathDefaults, ...templateValues(definition, integration.settings, auth.connectionValues) };
    return listPages(
      {
        definition,
        resource,
        templateValues: values,
        credentials: auth.headers,
        onUnauthorized: auth.onUnauthorized,
        http,
        log,
        signal,
        allowHttp,
        selection: selectionOf(sync),
      },
      { mode, cursor: (cursor as ConnectorCursor | null) ?? null },
    );
  };
  return Object.assign(open, { openWriter });
}

/** A writer keeps no request log: its caller records each write's outcome (run_writes, the conflict's resolution). */
type WriterArgs = Omit<OpenSourceArgs, 'mode' | 'cursor' | 'log'>;
export type OpenWriter = (args: WriterArgs) => Promise<ProviderWriter>;
/** The sync's stored selection (validated when it was saved). */
function selectionOf(sync: SyncRow): Selection {
  return {
    fields: Array.isArray(sync.fields) ? sync.fields : [],
    filters: Array.isArray(sync.filters) ? (sync.filters as SyncFilter[]) : [],
  };
}

async function* filterLocally(pages: AsyncIterable<SourcePage>, filters: readonly SyncFilter[]): AsyncGenerator<SourcePage> {
  for await (const page of pages) yield { ...page, ...keepMatching(page, filters, '') };
}
