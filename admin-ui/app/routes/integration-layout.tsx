import { Link, NavLink, Outlet, useRouteLoaderData } from 'react-router';
import type { Route } from './+types/integration-layout';
import { api, loaded } from '~/lib/api.server';
import { ProviderAvatar, StatusBadge } from '~/components/ui';

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const path = { orgId: params.orgId, id: params.integrationId };
  const [integration, providers, syncs] = await Promise.all([
    loaded(request, api(context).GET('/api/orgs/{orgId}/integrations/{id}', { params: { path } })),
    loaded(request, api(context).GET('/api/providers')),
    loaded(request, api(context).GET('/api/orgs/{orgId}/integrations/{id}/syncs', { params: { path, query: { limit: 200 } } })),
  ]);
  const provider = providers.items.find((p) => p.key === integration.provider) ?? null;
  return { integration, provider, syncs: syncs.items };
}

/** The integration of this page, its provider definition and its syncs (loaded once for every tab). */
export function useIntegration() {
  const data = useRouteLoaderData<typeof loader>('routes/integration-layout');
  if (!data) throw new Error('useIntegration outside an integration page');
  return data;
}

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.integration.name ?? 'Integration'} · Linkyard` }];

const TABS = [
  { to: '', label: 'Overview', end: true },
  { to: 'syncs', label: 'Syncs & schedules' },
  { to: 'mappings', label: 'Field mappings' },
  { to: 'history', label: 'History' },
  { to: 'logs', label: 'Logs' },
  { to: 'records', label: 'Records' },
  { to: 'webhooks', label: 'Webhooks' },
  { to: 'settings', label: 'Settings' },
];

export default function IntegrationLayout({ loaderData, params }: Route.ComponentProps) {
  const { integration, provider } = loaderData;
  const base = `/orgs/${params.orgId}/integrations/${params.integrationId}`;
  return (
    <div>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-slate-500">
        <Link to={`/orgs/${params.orgId}/integrations`} className="hover:text-slate-700">
          Integrations
        </Link>
        <span className="mx-2" aria-hidden>
          /
        </span>
        <span className="inline-block max-w-[60vw] truncate align-bottom text-slate-700" title={integration.name}>
          {integration.name}
        </span>
      </nav>
      <div className="mb-5 flex items-center gap-4">
        <ProviderAvatar providerKey={integration.provider} name={provider?.name ?? integration.provider} size="lg" />
        <div className="min-w-0">
          <div className="flex min-w-0 items-center gap-3">
            <h1 className="min-w-0 truncate text-2xl font-bold tracking-tight text-slate-900" title={integration.name}>
              {integration.name}
            </h1>
            <StatusBadge status={integration.status} />
          </div>
          <p className="text-sm text-slate-500">
            {provider?.name ?? integration.provider}
            {provider ? ` · ${provider.category}` : ''}
          </p>
        </div>
      </div>
      <nav className="mb-6 flex gap-1 overflow-x-auto border-b border-slate-200" aria-label="Integration">
        {TABS.map((t) => (
          <NavLink
            key={t.label}
            to={t.to ? `${base}/${t.to}` : base}
            end={t.end}
            className={({ isActive }) =>
              `-mb-px whitespace-nowrap border-b-2 px-3 py-2 text-sm font-medium ${isActive ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-500 hover:text-slate-700'}`
            }
          >
            {t.label}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </div>
  );
}
