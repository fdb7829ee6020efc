import { useMemo } from 'react';
import { Form, Link, NavLink, Outlet, useNavigate, useParams, useRouteLoaderData } from 'react-router';
import type { ShouldRevalidateFunctionArgs } from 'react-router';
import type { Route } from './+types/signed-in-layout';
import { api, loaded } from '~/lib/api.server';
import { takeFlash } from '~/lib/flash.server';
import { roleLabel } from '~/lib/format';
import { SyncStatus } from '~/components/sync-status';
import { ThemeToggle } from '~/components/theme-toggle';
import { ICON_BUTTON_CLASS, LineIcon } from '~/components/line-icon';
import { UnsavedChangesGuard } from '~/components/unsaved-changes';
import { Toast } from '~/components/ui';
import { TimeProvider } from '~/components/time';
import { displayTimeZone, timeZoneFromCookies } from '~/lib/time';
import { useToast } from '~/components/use-toast';

export async function loader({ request, context }: Route.LoaderArgs) {
  const [me, orgs] = await Promise.all([loaded(request, api(context).GET('/api/auth/me')), loaded(request, api(context).GET('/api/orgs'))]);
  // Times show in the profile's zone, else the browser's (its cookie), else UTC: see lib/time.ts.
  const timeZone = displayTimeZone(me.user.timezone, timeZoneFromCookies(request.headers.get('cookie')));
  return { me, orgs: orgs.items, flash: takeFlash(request, context), now: Date.now(), timeZone };
}

/** The signed-in user, their organizations and whether they are the Platform Owner, for any page below. */
export function useSession() {
  const data = useRouteLoaderData<typeof loader>('routes/signed-in-layout');
  if (!data) throw new Error('useSession outside the signed-in layout');
  return { ...data, platformOwner: data.me.user.platformRole === 'platform_owner' };
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

export default function SignedInLayout({ loaderData }: Route.ComponentProps) {
  const { me, orgs } = loaderData;
  // Each load is its own message: the same text after two redirects shows twice.
  const flash = useMemo(() => (loaderData.flash ? { ok: true, message: loaderData.flash } : null), [loaderData]);
  const toast = useToast([flash]);
  const { orgId } = useParams();
  const navigate = useNavigate();
  const current = orgs.find((o) => o.id === orgId);
  const platformOwner = me.user.platformRole === 'platform_owner';
  const role = current ? (current.role ?? (platformOwner ? null : undefined)) : platformOwner ? null : undefined;
  return (
    <TimeProvider timeZone={loaderData.timeZone} followBrowser={!me.user.timezone} now={loaderData.now}>
      <div className="min-h-screen">
        <header className="sticky top-0 z-40 border-b border-slate-200 bg-white/95 backdrop-blur">
          <div className="mx-auto flex h-14 max-w-7xl items-center gap-1.5 px-4 sm:gap-4 lg:px-6">
            <Link
              to="/"
              aria-label="Linkyard: start page"
              className="flex shrink-0 items-center gap-2 font-bold tracking-tight text-slate-900"
            >
              <img src="/favicon.svg" alt="" className="size-7" />
              <span className="hidden sm:inline">Linkyard</span>
            </Link>
            {orgs.length > 0 && (
              <form method="get" action="/" onSubmit={(e) => e.preventDefault()} className="flex min-w-0 flex-1 items-center sm:flex-none">
                <label htmlFor="org-switcher" className="sr-only">
                  Organization
                </label>
                <select
                  id="org-switcher"
                  value={orgId ?? ''}
                  onChange={(e) => e.target.value && navigate(`/orgs/${e.target.value}/integrations`)}
                  className="w-full min-w-0 max-w-64 truncate rounded-md border-0 bg-slate-100 py-1.5 pl-2 pr-7 sm:pl-2.5 sm:pr-8 text-sm font-medium text-slate-800 ring-1 ring-inset ring-slate-200 focus:ring-2 focus:ring-brand-600"
                >
                  {!orgId && <option value="">Choose an organization…</option>}
                  {orgs.map((o) => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                      {o.status === 'suspended' ? ' (suspended)' : ''}
                    </option>
                  ))}
                </select>
              </form>
            )}
            {platformOwner && (
              <NavLink
                to="/platform"
                className={({ isActive }) =>
                  `shrink-0 rounded-md px-2 py-1.5 text-sm font-medium sm:px-2.5 ${isActive ? 'bg-brand-50 text-brand-700' : 'text-slate-600 hover:bg-slate-100'}`
                }
              >
                Platform<span className="hidden sm:inline"> console</span>
              </NavLink>
            )}
            <div className="ml-auto flex shrink-0 items-center gap-1.5 sm:gap-3">
              {orgId && current?.status === 'active' && <SyncStatus orgId={orgId} variant="compact" />}
              <Link
                to="/profile"
                className="hidden rounded-md px-1.5 text-right leading-tight hover:bg-slate-100 md:block"
                title="Your profile"
              >
                <div className="text-sm font-medium text-slate-800" data-testid="user-email">
                  {me.user.email}
                </div>
                <div className="text-xs text-slate-500" data-testid="user-role">
                  {role !== undefined ? roleLabel(role) : platformOwner ? 'Platform Owner' : ''}
                </div>
              </Link>
              {/* On a phone an icon: the word took the room the organization switcher needs to show its name. */}
              <Link to="/profile" aria-label="Your profile" title="Your profile" className={`${ICON_BUTTON_CLASS} md:hidden`}>
                <LineIcon d="M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8Zm-7 8a7 7 0 0 1 14 0" />
              </Link>
              <ThemeToggle />
              <Form method="post" action="/logout">
                {/* On a phone an icon, like the profile link: the organization switcher needs the room for its name. */}
                <button
                  type="submit"
                  title="Sign out"
                  className={`${ICON_BUTTON_CLASS} sm:w-auto sm:whitespace-nowrap sm:px-2 sm:py-1.5 sm:text-sm sm:font-medium`}
                >
                  <span className="sm:hidden">
                    <LineIcon d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4M16 17l5-5-5-5M21 12H9" />
                  </span>
                  <span className="sr-only sm:not-sr-only">Sign out</span>
                </button>
              </Form>
            </div>
          </div>
        </header>
        <UnsavedChangesGuard>
          <Outlet />
        </UnsavedChangesGuard>
        <Toast outcome={toast} />
      </div>
    </TimeProvider>
  );
}
