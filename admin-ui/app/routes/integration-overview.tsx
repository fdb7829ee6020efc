import type { ReactNode } from 'react';
import { Form, Link, redirect, useNavigation, useSearchParams } from 'react-router';
import type { Route } from './+types/integration-overview';
import { api, loaded, outcome, settled, type ActionOutcome } from '~/lib/api.server';
import { describeErrorKind, remediesFor } from '~/lib/error-kinds';
import type { Connection } from '~/lib/integration-api';
import type { Integration, Provider, Sync } from '~/lib/types';
import { useIntegration } from './integration-layout';
import { useOrg } from './org-layout';
import { Button, Card, EmptyState, ErrorNote, LinkButton, StatusBadge, Table, Td, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { RouteError } from '~/components/route-error';
import { Time } from '~/components/time';
import { describeSchedule, formatInZone } from '~/lib/cron';

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const connection = await loaded(
    request,
    api(context).GET('/api/orgs/{orgId}/integrations/{id}/connection', {
      params: { path: { orgId: params.orgId, id: params.integrationId } },
    }),
  );
  return { connection };
}

export const meta: Route.MetaFunction = ({ matches }) => {
  const layout = matches.find((m) => m?.id === 'routes/integration-layout')?.data as { integration?: Integration } | undefined;
  return [{ title: `${layout?.integration?.name ?? 'Integration'} · Overview · Linkyard` }];
};

export async function action({ request, context, params }: Route.ActionArgs): Promise<ActionOutcome> {
  const intent = String((await request.formData()).get('intent') ?? '');
  const path = { orgId: params.orgId, id: params.integrationId };
  switch (intent) {
    case 'connect': {
      // The provider sends the browser back to this page (?connected=1 or ?error=…). The API's response also
      // sets the cookie that binds the attempt to this browser; the bridge passes it on with the redirect.
      const returnTo = `/orgs/${params.orgId}/integrations/${params.integrationId}`;
      const res = await settled(api(context).POST('/api/orgs/{orgId}/integrations/{id}/connect', { params: { path }, body: { returnTo } }));
      if (res.ok) throw redirect(res.data.authorizationUrl);
      return outcome(request, res, '', intent);
    }
    case 'disconnect':
      return outcome(
        request,
        await settled(api(context).POST('/api/orgs/{orgId}/integrations/{id}/disconnect', { params: { path } })),
        'Disconnected: the tokens were revoked and forgotten.',
        intent,
      );
    case 'test': {
      const res = await settled(api(context).POST('/api/orgs/{orgId}/integrations/{id}/test', { params: { path } }));
      if (res.ok)
        return {
          ok: res.data.ok,
          message: res.data.ok ? `Connection works. ${res.data.message}` : `Test failed: ${res.data.message}`,
          intent,
        };
      return outcome(request, res, '', intent);
    }
    case 'sync': {
      const res = await settled(api(context).POST('/api/orgs/{orgId}/integrations/{id}/sync', { params: { path } }));
      const message = res.ok
        ? res.data.total === 0
          ? 'This integration has no enabled syncs to run.'
          : `Queued ${res.data.queued} of ${res.data.total} syncs.`
        : '';
      return outcome(request, res, message, intent);
    }
    default:
      return { ok: false, message: `Unknown action "${intent}"`, intent };
  }
}

export default function IntegrationOverview({ loaderData, actionData, params }: Route.ComponentProps) {
  const { connection } = loaderData;
  const { integration, provider, syncs } = useIntegration();
  const { permissions } = useOrg();
  const [search] = useSearchParams();
  const navigation = useNavigation();
  const pending = navigation.state !== 'idle' ? String(navigation.formData?.get('intent') ?? '') : '';
  const base = `/orgs/${params.orgId}/integrations/${params.integrationId}`;
  const oauth = integration.authType === 'oauth2';
  // A new OAuth integration's next step; expired or failing connections offer Reconnect in their own cards.
  const needsConnect = oauth && connection.status === 'not_connected';
  const enabledSyncs = syncs.filter((s) => s.enabled).length;
  // The OAuth callback's result, until the next action on this page replaces it.
  const callback = actionData ? null : search.get('connected') === '1' ? 'connected' : search.get('error');
  const toast = useToast([actionData]);

  return (
    <div className="space-y-6">
      {callback === 'connected' && (
        <SuccessNote>Connected to {provider?.name ?? integration.provider}. Syncs run on their schedules from now on.</SuccessNote>
      )}
      {callback && callback !== 'connected' && (
        <ErrorNote>
          <strong className="font-semibold">Connecting failed:</strong> {callback}
        </ErrorNote>
      )}

      {needsConnect && permissions.edit && !callback && (
        <section
          className="flex flex-wrap items-center justify-between gap-4 rounded-lg bg-brand-50 px-5 py-4 ring-1 ring-inset ring-brand-500/30"
          aria-label="Connect"
        >
          <div>
            <h2 className="font-semibold text-brand-700">Connect {provider?.name ?? 'the provider'}</h2>
            <p className="text-sm text-slate-600">
              You will sign in at {provider?.name ?? 'the provider'} and grant access; then syncs can run.
            </p>
          </div>
          <ActionButton intent="connect" pending={pending} busyLabel="Redirecting…" className="px-5 py-2 text-base">
            Connect
          </ActionButton>
        </section>
      )}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          <Card
            title="Status"
            actions={
              permissions.edit && (
                <ActionButton
                  intent="sync"
                  pending={pending}
                  busyLabel="Queuing…"
                  variant="secondary"
                  disabled={integration.status === 'PAUSED' || enabledSyncs === 0}
                  title={
                    integration.status === 'PAUSED' ? 'Resume the integration to sync' : enabledSyncs === 0 ? 'No enabled syncs' : undefined
                  }
                >
                  Sync now
                </ActionButton>
              )
            }
          >
            <dl className="grid grid-cols-2 gap-x-6 gap-y-4 text-sm md:grid-cols-4">
              <Fact label="Status">
                <StatusBadge status={integration.status} />
              </Fact>
              {/* The last run that succeeded: a failed run after it shows in the syncs below and in the history. */}
              <Fact label="Last successful sync">
                <Time at={integration.lastSyncAt} />
              </Fact>
              <Fact label="Next sync">{integration.status === 'PAUSED' ? 'Paused' : <Time at={integration.nextSyncAt} />}</Fact>
              <Fact label="Errors in a row">{integration.errorCount}</Fact>
            </dl>
            {integration.lastError && (
              <LastError
                integration={integration}
                canEdit={permissions.edit}
                pending={pending}
                base={base}
                canRetry={integration.status !== 'PAUSED' && enabledSyncs > 0}
              />
            )}
          </Card>
          <SyncsSummary syncs={syncs} provider={provider} base={base} />
        </div>

        {oauth ? (
          <ConnectionCard connection={connection} canEdit={permissions.edit} pending={pending} />
        ) : (
          <CredentialsCard integration={integration} canEdit={permissions.edit} pending={pending} base={base} />
        )}
      </div>
      <Toast outcome={toast} />
    </div>
  );
}

/**
 * The integration's last error with the remedy its kind calls for: Reconnect (or new credentials) only when the
 * provider refused them; Retry (sync now) for an unreachable or failing provider, a rate limit or a mapping problem.
 */
function LastError({
  integration,
  canEdit,
  pending,
  base,
  canRetry,
}: {
  integration: Integration;
  canEdit: boolean;
  pending: string;
  base: string;
  canRetry: boolean;
}) {
  const kind = describeErrorKind(integration.lastErrorKind);
  const remedies = remediesFor(integration.lastErrorKind);
  return (
    <div
      className="mt-5 rounded-md bg-red-50 p-4 ring-1 ring-inset ring-red-600/20"
      data-testid="last-error"
      data-error-kind={integration.lastErrorKind ?? ''}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0 flex-1">
          <h3 className="text-sm font-semibold text-red-800">Last error{kind && `: ${kind.label}`}</h3>
          {kind && <p className="mt-1 text-sm text-red-800">{kind.advice}</p>}
          <p className="mt-1 break-words font-mono text-xs text-red-800">{integration.lastError}</p>
        </div>
        {canEdit && (
          <div className="flex flex-wrap gap-2">
            {remedies.includes('retry') && (
              <ActionButton
                intent="sync"
                pending={pending}
                busyLabel="Queuing…"
                variant="secondary"
                disabled={!canRetry}
                title={
                  canRetry
                    ? 'Run every enabled sync of this integration again'
                    : 'Nothing to retry: resume the integration or enable a sync'
                }
              >
                Retry
              </ActionButton>
            )}
            {integration.lastErrorKind === 'mapping' && (
              <LinkButton variant="secondary" to={`${base}/mappings`}>
                Edit mappings
              </LinkButton>
            )}
            {remedies.includes('reconnect') &&
              (integration.authType === 'oauth2' ? (
                <ActionButton intent="connect" pending={pending} busyLabel="Redirecting…" variant="secondary">
                  Reconnect
                </ActionButton>
              ) : (
                <LinkButton variant="secondary" to={`${base}/settings`}>
                  Replace credentials
                </LinkButton>
              ))}
          </div>
        )}
      </div>
    </div>
  );
}

function ConnectionCard({ connection, canEdit, pending }: { connection: Connection; canEdit: boolean; pending: string }) {
  const connected = connection.status === 'connected';
  return (
    <Card title="Connection" actions={<StatusBadge status={CONNECTION_BADGE[connection.status]} />}>
      <p className="text-sm text-slate-600">{CONNECTION_TEXT[connection.status]}</p>
      {connection.status !== 'not_connected' && (
        <dl className="mt-4 space-y-3 text-sm">
          <Fact label="Account">{connection.externalAccount ?? '—'}</Fact>
          <Fact label="Granted scopes">
            {connection.scopes.length ? (
              <ul className="mt-0.5 flex flex-wrap gap-1">
                {connection.scopes.map((s) => (
                  <li key={s} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
                    {s}
                  </li>
                ))}
              </ul>
            ) : (
              '—'
            )}
          </Fact>
          <Fact label="Access token expires">
            <Time at={connection.expiresAt} />
          </Fact>
          <Fact label="Last refreshed">
            <Time at={connection.lastRefreshedAt} />
          </Fact>
          <Fact label="Refresh failures">
            <span className={connection.refreshFailures ? 'font-semibold text-red-700' : ''}>{connection.refreshFailures}</span>
          </Fact>
        </dl>
      )}
      {canEdit && (
        <div className="mt-5 flex flex-wrap gap-2 border-t border-slate-100 pt-4">
          <ActionButton intent="connect" pending={pending} busyLabel="Redirecting…" variant={connected ? 'secondary' : 'primary'}>
            {connection.status === 'not_connected' ? 'Connect' : 'Reconnect'}
          </ActionButton>
          {connected && (
            <ActionButton intent="test" pending={pending} busyLabel="Testing…" variant="secondary">
              Test connection
            </ActionButton>
          )}
          {connection.status !== 'not_connected' && (
            <ActionButton
              intent="disconnect"
              pending={pending}
              busyLabel="Disconnecting…"
              variant="ghost"
              confirm="Disconnect? Linkyard revokes the tokens and stops syncing until you connect again."
            >
              Disconnect
            </ActionButton>
          )}
        </div>
      )}
    </Card>
  );
}

function CredentialsCard({
  integration,
  canEdit,
  pending,
  base,
}: {
  integration: Integration;
  canEdit: boolean;
  pending: string;
  base: string;
}) {
  const basic = integration.authType === 'basic';
  const secretSet = basic ? integration.hasPassword : integration.hasApiKey;
  return (
    <Card title="Credentials">
      <dl className="space-y-3 text-sm">
        <Fact label="Authentication">{basic ? 'Username and password' : 'API key'}</Fact>
        {basic && <Fact label="Username">{integration.username ?? '—'}</Fact>}
        <Fact label={basic ? 'Password' : 'API key'}>
          {secretSet === false ? (
            <span className="text-red-700">Not set</span>
          ) : (
            <>Set{integration.secretHint ? <span className="ml-1 font-mono text-slate-500">{integration.secretHint}</span> : null}</>
          )}
        </Fact>
      </dl>
      <p className="mt-4 text-xs text-slate-500">
        {integration.status === 'INACTIVE'
          ? 'Test the connection to activate this integration; its first successful sync does that too.'
          : 'Secrets are write-only: replace them on the Settings tab.'}
      </p>
      {canEdit && (
        <div className="mt-4 flex flex-wrap gap-2 border-t border-slate-100 pt-4">
          <ActionButton intent="test" pending={pending} busyLabel="Testing…">
            Test connection
          </ActionButton>
          <LinkButton variant="secondary" to={`${base}/settings`}>
            Replace credentials
          </LinkButton>
        </div>
      )}
    </Card>
  );
}

function SyncsSummary({ syncs, provider, base }: { syncs: Sync[]; provider: Provider | null; base: string }) {
  const resourceName = (key: string) => provider?.resources.find((r) => r.key === key)?.name ?? key;
  if (syncs.length === 0) {
    return (
      <Card title="Syncs">
        <EmptyState
          title="No syncs yet"
          description="Choose which resources to sync and when on the Syncs & schedules tab."
          action={
            <LinkButton variant="secondary" to={`${base}/syncs`}>
              Set up syncs
            </LinkButton>
          }
        />
      </Card>
    );
  }
  return (
    <section aria-labelledby="syncs-heading">
      <div className="mb-2 flex items-center justify-between">
        <h2 id="syncs-heading" className="text-sm font-semibold text-slate-900">
          Syncs
        </h2>
        <Link to={`${base}/syncs`} className="text-sm font-medium text-brand-700 hover:underline">
          Manage schedules →
        </Link>
      </div>
      <Table head={['Resource', 'Schedule', 'Next run', 'Last run', '']}>
        {syncs.map((s) => (
          <tr key={s.id} data-sync={s.resource}>
            <Td>
              <div className="font-medium text-slate-900">{resourceName(s.resource)}</div>
              <div className="text-xs text-slate-500">
                {s.mode === 'incremental' ? 'Incremental' : 'Full'}
                {s.enabled ? '' : ' · disabled'}
              </div>
            </Td>
            <Td>
              {s.schedule ? (
                <span title={`Cron ${s.schedule.cron}`}>{describeSchedule(s.schedule)}</span>
              ) : (
                <span className="text-slate-500">Manual only</span>
              )}
            </Td>
            <Td>
              {s.enabled && s.nextRunAt ? (
                <>
                  <Time at={s.nextRunAt} />
                  {s.schedule && <div className="text-xs text-slate-500">{formatInZone(s.nextRunAt, s.schedule.timezone)}</div>}
                </>
              ) : (
                '—'
              )}
            </Td>
            <Td>
              <Time at={s.lastRunAt} />
            </Td>
            <Td className="whitespace-normal text-xs">
              {/* One line at 1280 px; wraps instead of overflowing in the narrower column at 1024 px. */}
              <div className="flex flex-wrap justify-end gap-x-3 gap-y-1 font-medium text-brand-700">
                <Link to={`${base}/mappings?syncId=${s.id}`} className="hover:underline">
                  Mappings
                </Link>
                <Link to={`${base}/history?syncId=${s.id}`} className="hover:underline">
                  History
                </Link>
                <Link to={`${base}/records?resource=${encodeURIComponent(s.resource)}`} className="hover:underline">
                  Records
                </Link>
              </div>
            </Td>
          </tr>
        ))}
      </Table>
    </section>
  );
}

const CONNECTION_BADGE: Record<Connection['status'], string> = {
  connected: 'ACTIVE',
  expired: 'PAUSED',
  error: 'ERROR',
  not_connected: 'INACTIVE',
};
const CONNECTION_TEXT: Record<Connection['status'], string> = {
  connected: 'Tokens are stored and renewed automatically.',
  expired: 'The access token expired and cannot be renewed: reconnect.',
  error: 'Renewing the access token failed: reconnect.',
  not_connected: 'Not connected yet: connect to grant Linkyard access.',
};

/** A submit button of this page's action form; shows its busy label while its own intent is running. */
function ActionButton({
  intent,
  pending,
  busyLabel,
  confirm,
  children,
  ...props
}: {
  intent: string;
  pending: string;
  busyLabel: string;
  confirm?: string;
  children: ReactNode;
} & Omit<React.ComponentProps<typeof Button>, 'name' | 'value'>) {
  return (
    // An explicit action: the default one repeats the page's query (?connected=1, ?error=…), which the server
    // and the browser encode differently (a hydration mismatch), and the callback message should not outlive it.
    <Form
      method="post"
      action="?index"
      className="contents"
      onSubmit={(e) => {
        if (confirm && !window.confirm(confirm)) e.preventDefault();
      }}
    >
      <Button {...props} name="intent" value={intent} disabled={props.disabled || pending !== ''}>
        {pending === intent ? busyLabel : children}
      </Button>
    </Form>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-800">{children}</dd>
    </div>
  );
}

function SuccessNote({ children }: { children: ReactNode }) {
  return (
    <div role="status" className="rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-600/20">
      {children}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Overview" />;
}
