import { Link, useFetcher } from 'react-router';
import type { Route } from './+types/platform-tenant';
import { api, loaded, type ActionOutcome } from '~/lib/api.server';
import { formatDuration, formatNumber, roleLabel } from '~/lib/format';
import { failureRate, type Tenant } from '~/lib/platform';
import { changeTenantStatus } from '~/lib/platform.server';
import { AuditTable } from '~/components/audit-table';
import { RouteError } from '~/components/route-error';
import { HealthIndicator, IntegrationCounts, SuspendToggle } from '~/components/tenant-health';
import { Card, EmptyState, ErrorNote, LinkButton, StatusBadge, Table, Td, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { Time } from '~/components/time';

/** The tenant's health row: the tenants list has no single-tenant route, so page through it (by slug). */
async function findTenant(request: Request, context: Route.LoaderArgs['context'], orgId: string): Promise<Tenant | null> {
  let cursor: string | undefined;
  for (let i = 0; i < 50; i++) {
    const page = await loaded(request, api(context).GET('/api/platform/tenants', { params: { query: { limit: 200, cursor } } }));
    const found = page.items.find((t) => t.organization.id === orgId);
    if (found || !page.nextCursor) return found ?? null;
    cursor = page.nextCursor;
  }
  return null;
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const path = { orgId: params.orgId };
  // First the platform-only call, so anyone but the Platform Owner gets its 403 on the error page.
  const tenant = await findTenant(request, context, params.orgId);
  const [organization, integrations, runs, failures, audit, members] = await Promise.all([
    loaded(request, api(context).GET('/api/orgs/{orgId}', { params: { path } })),
    loaded(request, api(context).GET('/api/orgs/{orgId}/integrations', { params: { path, query: { limit: 100 } } })),
    loaded(request, api(context).GET('/api/orgs/{orgId}/runs', { params: { path, query: { limit: 15 } } })),
    loaded(request, api(context).GET('/api/orgs/{orgId}/runs', { params: { path, query: { status: 'failed', limit: 8 } } })),
    loaded(request, api(context).GET('/api/orgs/{orgId}/audit', { params: { path, query: { limit: 15 } } })),
    loaded(request, api(context).GET('/api/orgs/{orgId}/members', { params: { path, query: { limit: 200 } } })),
  ]);
  return { tenant, organization, integrations, runs, failures, audit, members };
}

export async function action({ request, context }: Route.ActionArgs): Promise<ActionOutcome & { orgId?: string }> {
  const form = await request.formData();
  if (form.get('intent') === 'status') return changeTenantStatus(request, context, form);
  return { ok: false, message: 'Unknown action.' };
}

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.organization.name ?? 'Tenant'} · Platform console · Linkyard` }];

export default function PlatformTenant({ loaderData }: Route.ComponentProps) {
  const { tenant, organization: org, integrations, runs, failures, audit, members } = loaderData;
  const statusFetcher = useFetcher<ActionOutcome>({ key: 'tenant-status' });
  const toast = useToast([statusFetcher.data], { successOnly: true });
  const base = `/orgs/${org.id}`;
  const integrationName = (id: string) => integrations.items.find((i) => i.id === id)?.name ?? 'Deleted integration';
  const statusError = statusFetcher.state === 'idle' && statusFetcher.data && !statusFetcher.data.ok ? statusFetcher.data.message : null;

  const tiles = tenant
    ? [
        { label: 'Members', value: formatNumber(tenant.members) },
        { label: 'Integrations', value: formatNumber(tenant.integrations) },
        { label: 'Runs (24 h)', value: formatNumber(tenant.runs24h) },
        {
          label: 'Failed (24 h)',
          value: `${formatNumber(tenant.failedRuns24h)}${tenant.runs24h ? ` · ${failureRate(tenant.runs24h, tenant.failedRuns24h)}` : ''}`,
          bad: tenant.failedRuns24h > 0,
        },
        {
          label: 'Last activity',
          value: <Time at={tenant.lastActivityAt} fallback="Never" />,
        },
      ]
    : [];

  return (
    <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 lg:px-6">
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link to="/platform" className="hover:text-brand-700 hover:underline">
          Platform console
        </Link>
        <span aria-hidden className="mx-1.5">
          /
        </span>
        <span aria-current="page" className="inline-block max-w-[60vw] truncate align-bottom text-slate-700" title={org.name}>
          {org.name}
        </span>
      </nav>
      <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0 max-w-full">
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="min-w-0 max-w-full truncate text-2xl font-bold tracking-tight text-slate-900" title={org.name}>
              {org.name}
            </h1>
            <StatusBadge status={org.status} />
            {tenant && <HealthIndicator tenant={tenant} />}
          </div>
          <p className="mt-1 text-sm text-slate-600">
            <span className="font-mono">{org.slug}</span> · created <Time at={tenant?.organization.createdAt ?? org.createdAt} /> ·
            read-only view
          </p>
        </div>
        <div className="flex items-center gap-2">
          <LinkButton variant="secondary" to={`${base}/integrations`}>
            Open organization pages
          </LinkButton>
          <SuspendToggle fetcher={statusFetcher as never} org={org} />
        </div>
      </div>
      {statusError && (
        <div className="mb-4">
          <ErrorNote>{statusError}</ErrorNote>
        </div>
      )}
      {org.status === 'suspended' && (
        <p className="mb-4 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-600/20">
          This organization is suspended: its members are refused on every call and its schedules do not fire.
        </p>
      )}

      {tenant ? (
        <section aria-label="Health" className="mb-6 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
          <div className="grid grid-cols-2 gap-3 sm:grid-cols-5">
            {tiles.map((t) => (
              <div key={t.label}>
                <div className={`text-2xl font-semibold tabular-nums ${t.bad ? 'text-red-700' : 'text-slate-900'}`}>{t.value}</div>
                <div className="text-xs text-slate-500">{t.label}</div>
              </div>
            ))}
          </div>
          <div className="mt-3 flex items-center gap-2 border-t border-slate-100 pt-3 text-xs text-slate-500">
            Integrations by status: <IntegrationCounts byStatus={tenant.integrationsByStatus} />
          </div>
        </section>
      ) : (
        <div className="mb-6">
          <ErrorNote>The health figures of this organization are not available.</ErrorNote>
        </div>
      )}

      <div className="mb-6 grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <Card
          title={`Integrations (${integrations.items.length}${integrations.nextCursor ? '+' : ''})`}
          actions={
            <Link to={`${base}/integrations`} className="text-sm font-medium text-brand-700 hover:underline">
              All integrations →
            </Link>
          }
          className="[&>div]:p-0"
        >
          {integrations.items.length === 0 ? (
            <div className="p-5">
              <EmptyState title="No integrations" description="This organization has not added any integration yet." />
            </div>
          ) : (
            <ul className="divide-y divide-slate-100">
              {integrations.items.map((i) => (
                <li key={i.id} className="flex items-center justify-between gap-3 px-5 py-2.5 text-sm">
                  <div className="min-w-0">
                    <Link to={`${base}/integrations/${i.id}`} className="font-medium text-slate-900 hover:text-brand-700">
                      {i.name}
                    </Link>
                    <div className="truncate text-xs text-slate-500" title={i.lastError ?? undefined}>
                      {i.provider} · last sync <Time at={i.lastSyncAt} />
                      {i.lastError && <span className="text-red-700"> · {i.lastError}</span>}
                    </div>
                  </div>
                  <StatusBadge status={i.status} />
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title="Recent failures" className="[&>div]:p-0">
          {failures.items.length === 0 ? (
            <p className="px-5 py-8 text-center text-sm text-slate-500">No failed runs. </p>
          ) : (
            <ul className="divide-y divide-slate-100">
              {failures.items.map((r) => (
                <li key={r.id} className="px-5 py-2.5 text-sm">
                  <div className="flex items-center justify-between gap-2">
                    <Link
                      to={`${base}/integrations/${r.integrationId}/history`}
                      className="font-medium text-slate-900 hover:text-brand-700"
                    >
                      {integrationName(r.integrationId)}
                    </Link>
                    <time dateTime={r.finishedAt ?? r.startedAt ?? undefined} className="text-xs text-slate-500">
                      <Time at={r.finishedAt ?? r.startedAt ?? r.scheduledFor} />
                    </time>
                  </div>
                  <p className="mt-0.5 line-clamp-2 text-xs text-red-700" title={r.error ?? undefined}>
                    {r.error ?? 'No reason recorded'}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <h2 className="mb-3 text-lg font-semibold text-slate-900">Recent runs</h2>
      {runs.items.length === 0 ? (
        <EmptyState title="No runs yet" description="Runs show up here once a sync is scheduled or started." />
      ) : (
        <Table head={['Integration', 'Status', 'Trigger', 'Started', 'Duration', 'Fetched', 'Changed', 'Failed']}>
          {runs.items.map((r) => (
            <tr key={r.id} data-run-status={r.status}>
              <Td>
                <Link to={`${base}/integrations/${r.integrationId}/history`} className="font-medium text-slate-900 hover:text-brand-700">
                  {integrationName(r.integrationId)}
                </Link>
              </Td>
              <Td>
                <StatusBadge status={r.status} />
              </Td>
              <Td>
                <span className="text-slate-500">{r.trigger}</span>
              </Td>
              <Td>
                <Time at={r.startedAt ?? r.scheduledFor} />
              </Td>
              <Td className="tabular-nums">{formatDuration(r.durationMs)}</Td>
              <Td className="tabular-nums">{formatNumber(r.stats.fetched)}</Td>
              <Td className="tabular-nums">{formatNumber(r.stats.created + r.stats.updated + r.stats.deleted)}</Td>
              <Td className="tabular-nums">
                <span className={r.stats.failed ? 'font-semibold text-red-700' : ''}>{formatNumber(r.stats.failed)}</span>
              </Td>
            </tr>
          ))}
        </Table>
      )}

      <div className="mt-8 mb-3 flex items-end justify-between">
        <h2 className="text-lg font-semibold text-slate-900">Audit events</h2>
        <Link to={`${base}/audit`} className="text-sm font-medium text-brand-700 hover:underline">
          Full audit log with filters →
        </Link>
      </div>
      {audit.items.length === 0 ? <EmptyState title="No audit events yet" /> : <AuditTable events={audit.items} />}

      <Card
        title={`Members (${members.items.length}${members.nextCursor ? '+' : ''})`}
        className="mt-8"
        actions={
          <Link to={`${base}/members`} className="text-sm font-medium text-brand-700 hover:underline">
            Members page →
          </Link>
        }
      >
        {members.items.length === 0 ? (
          <p className="text-sm text-slate-500">No members.</p>
        ) : (
          <ul className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm xl:grid-cols-3">
            {members.items.map((m) => (
              <li key={m.userId} className="flex items-center justify-between gap-2">
                <span className="truncate text-slate-800" title={m.email}>
                  {m.email}
                </span>
                <span className="shrink-0 text-xs text-slate-500">
                  {roleLabel(m.role)}
                  {m.status === 'invited' ? ' · invited' : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Toast outcome={toast} />
    </main>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Platform console" wide forbiddenHint="The platform console is for Platform Owners only." />;
}
