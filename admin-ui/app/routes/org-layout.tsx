import { NavLink, Outlet, useFetcher, useLocation, useNavigation, useRouteLoaderData } from 'react-router';
import type { ShouldRevalidateFunctionArgs } from 'react-router';
import type { Route } from './+types/org-layout';
import { api, loaded } from '~/lib/api.server';
import { can } from '~/lib/types';
import type { loader as sessionLoader } from './signed-in-layout';
import type { SyncStatusSummary } from '~/lib/sync-status.server';
import { StatusBadge } from '~/components/ui';
import { RouteError } from '~/components/route-error';

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const org = await loaded(request, api(context).GET('/api/orgs/{orgId}', { params: { path: { orgId: params.orgId } } }));
  return { org };
}

/**
 * The current organization, the user's role in it and what that role may do. The role comes from the session the
 * signed-in layout above has loaded (GET /api/auth/me), not from a second call of this layout's own.
 */
export function useOrg() {
  const data = useRouteLoaderData<typeof loader>('routes/org-layout');
  const session = useRouteLoaderData<typeof sessionLoader>('routes/signed-in-layout');
  if (!data || !session) throw new Error('useOrg outside an organization page');
  const { org } = data;
  const platformOwner = session.me.user.platformRole === 'platform_owner';
  const role = session.me.memberships.find((m) => m.organizationId === org.id)?.role ?? null;
  return { org, role, platformOwner, permissions: can(role, platformOwner) };
}

/**
 * Live refreshes of a page below (useRevalidator while a run is active) re-run every loader on the path;
 * the session and organization do not change then, so this layout sits them out. Navigations and form
 * submissions still reload it (a role change, a new organization).
 */
export function shouldRevalidate({ currentUrl, nextUrl, formMethod, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  if (!formMethod && currentUrl.href === nextUrl.href) return false;
  return defaultShouldRevalidate;
}

export default function OrgLayout() {
  const { org, permissions, platformOwner, role } = useOrg();
  // New filters or a next page of the same list: the old rows are dimmed (and marked busy) until the new ones
  // arrive, so "Errors only" never sits above unfiltered rows looking done.
  const navigation = useNavigation();
  const location = useLocation();
  const refreshing = navigation.state === 'loading' && navigation.location.pathname === location.pathname;
  // The open-conflicts count comes from the header's status widget (same fetcher key): no request of its own.
  const status = useFetcher<{ summary: SyncStatusSummary | null }>({ key: `sync-status-${org.id}` });
  const openConflicts = status.data?.summary?.openConflicts ?? 0;
  const tabs = [
    { to: 'integrations', label: 'Integrations', show: true },
    { to: 'conflicts', label: 'Conflicts', show: true, badge: openConflicts },
    { to: 'logs', label: 'Logs', show: true },
    { to: 'webhooks', label: 'Webhooks', show: true },
    { to: 'members', label: 'Members', show: true },
    { to: 'api-keys', label: 'API keys', show: permissions.manageApiKeys },
    { to: 'audit', label: 'Audit log', show: permissions.readAudit },
    { to: 'exports', label: 'Exports', show: permissions.export },
    { to: 'settings', label: 'Settings', show: true },
  ];
  return (
    <div>
      <div className="border-b border-slate-200 bg-white">
        <div className="mx-auto max-w-7xl px-4 lg:px-6">
          <div className="flex min-w-0 items-center gap-3 pt-4">
            <h2 className="min-w-0 truncate text-lg font-semibold text-slate-900" title={org.name}>
              {org.name}
            </h2>
            {org.status === 'suspended' && <StatusBadge status="suspended" />}
            {platformOwner && !role && (
              <span className="rounded bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-amber-600/20">
                Read-only: viewing as Platform Owner
              </span>
            )}
          </div>
          <nav className="-mb-px mt-2 flex gap-5 overflow-x-auto" aria-label="Organization">
            {tabs
              .filter((t) => t.show)
              .map((t) => (
                <NavLink
                  key={t.to}
                  to={t.to}
                  className={({ isActive }) =>
                    `whitespace-nowrap border-b-2 px-1 py-2.5 text-sm font-medium ${isActive ? 'border-brand-600 text-brand-700' : 'border-transparent text-slate-500 hover:border-slate-300 hover:text-slate-700'}`
                  }
                >
                  {t.label}
                  {'badge' in t && t.badge ? (
                    <span
                      className="ml-1.5 rounded-full bg-amber-100 px-1.5 py-0.5 text-xs font-semibold tabular-nums text-amber-900"
                      data-open-conflicts={t.badge}
                    >
                      {t.badge}
                      <span className="sr-only"> open</span>
                    </span>
                  ) : null}
                </NavLink>
              ))}
          </nav>
        </div>
      </div>
      <main
        id="main"
        tabIndex={-1}
        aria-busy={refreshing || undefined}
        data-refreshing={refreshing || undefined}
        className={`mx-auto max-w-7xl px-4 py-6 transition-opacity lg:px-6 ${refreshing ? 'opacity-60' : ''}`}
      >
        <Outlet />
      </main>
    </div>
  );
}

/** A suspended or unknown organization: the message shows inside the signed-in layout, so the header (sign out, switcher) stays. */
export function ErrorBoundary() {
  return <RouteError page="Organization" wide forbiddenHint="Ask the platform owner, or choose another organization above." />;
}
