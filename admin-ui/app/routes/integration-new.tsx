import { useState } from 'react';
import { Form, Link, useSearchParams, type ShouldRevalidateFunction } from 'react-router';
import type { Route } from './+types/integration-new';
import { api, loaded } from '~/lib/api.server';
import { AUTH_TYPE_LABELS, categoriesOf, categoryLabel, filterProviders } from '~/lib/provider-catalog';
import type { Provider } from '~/lib/types';
import { useOrg } from './org-layout';
import { EmptyState, Input, LinkButton, PageHeader, ProviderAvatar } from '~/components/ui';
import { RouteError } from '~/components/route-error';

export async function loader({ request, context }: Route.LoaderArgs) {
  const providers = await loaded(request, api(context).GET('/api/providers'));
  return { providers: providers.items };
}

export const meta: Route.MetaFunction = () => [{ title: 'Add integration · Linkyard' }];

// Search and category live in the URL (so the page works without JavaScript); the catalog does not depend on
// them, so changing them only re-filters what is already loaded.
export const shouldRevalidate: ShouldRevalidateFunction = ({ currentUrl, nextUrl, defaultShouldRevalidate }) =>
  currentUrl.pathname === nextUrl.pathname ? false : defaultShouldRevalidate;

export default function IntegrationNew({ loaderData, params }: Route.ComponentProps) {
  const { providers } = loaderData;
  const { permissions } = useOrg();
  const [search] = useSearchParams();
  const category = search.get('category') ?? '';
  // Typing filters at once in the browser; without JavaScript the form submits `q` and the server filters.
  const [q, setQ] = useState(search.get('q') ?? '');
  const shown = filterProviders(providers, { q, category });
  const base = `/orgs/${params.orgId}/integrations`;
  const categoryHref = (key: string) => `${base}/new?${new URLSearchParams({ ...(q ? { q } : {}), ...(key ? { category: key } : {}) })}`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-slate-500">
        <Link to={base} className="hover:text-slate-700">
          Integrations
        </Link>
        <span className="mx-2" aria-hidden>
          /
        </span>
        <span className="text-slate-700">Add integration</span>
      </nav>
      <PageHeader title="Add an integration" description="Pick the service to connect. You will enter its credentials on the next step." />
      {!permissions.edit && (
        <p className="mb-4 rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-600/20">
          You can browse the catalog, but only admins can add integrations.
        </p>
      )}

      <div className="mb-5 flex flex-wrap items-center gap-x-4 gap-y-3">
        <Form method="get" role="search" className="w-72" onSubmit={(e) => e.preventDefault()}>
          <label htmlFor="provider-search" className="sr-only">
            Search providers
          </label>
          <Input
            id="provider-search"
            name="q"
            type="search"
            placeholder="Search providers…"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            autoComplete="off"
          />
          {category && <input type="hidden" name="category" value={category} />}
        </Form>
        <nav aria-label="Categories" className="flex flex-wrap gap-1.5">
          {[{ key: '', label: 'All', count: providers.length }, ...categoriesOf(providers)].map((c) => (
            <Link
              key={c.key}
              to={categoryHref(c.key)}
              preventScrollReset
              aria-current={c.key === category ? 'page' : undefined}
              className={`rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset ${c.key === category ? 'bg-brand-600 text-white ring-brand-600' : 'bg-white text-slate-600 ring-slate-200 hover:bg-slate-50'}`}
            >
              {c.label} <span className={c.key === category ? 'font-normal' : 'text-slate-500'}>{c.count}</span>
            </Link>
          ))}
        </nav>
      </div>

      {shown.length === 0 ? (
        <EmptyState
          title="No provider matches"
          description={`Nothing in ${category ? categoryLabel(category) : 'the catalog'} matches “${q}”. The Custom OAuth 2 API provider connects any other service.`}
          action={
            <LinkButton variant="secondary" to={`${base}/new`} onClick={() => setQ('')}>
              Show all providers
            </LinkButton>
          }
        />
      ) : (
        <ul className="grid grid-cols-2 gap-3 lg:grid-cols-3 xl:grid-cols-4" aria-label="Providers">
          {shown.map((p) => (
            <li key={p.key}>
              <ProviderCard provider={p} href={permissions.edit ? `${base}/new/${p.key}` : null} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ProviderCard({ provider, href }: { provider: Provider; href: string | null }) {
  const body = (
    <>
      <div className="flex items-center gap-3">
        <ProviderAvatar providerKey={provider.key} name={provider.name} />
        <div className="min-w-0">
          <div className="truncate font-semibold text-slate-900">{provider.name}</div>
          <div className="text-xs text-slate-500">{categoryLabel(provider.category)}</div>
        </div>
      </div>
      <p className="mt-3 line-clamp-2 text-xs text-slate-500">
        {provider.resources.length ? `Syncs ${provider.resources.map((r) => r.name.toLowerCase()).join(', ')}` : 'No resources to sync'}
      </p>
      <div className="mt-3 flex items-center justify-between">
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-[11px] font-medium text-slate-600">
          {AUTH_TYPE_LABELS[provider.authType]}
        </span>
        {href && (
          <span
            className="text-xs font-medium text-brand-700 opacity-0 transition group-hover:opacity-100 group-focus-visible:opacity-100"
            aria-hidden
          >
            Set up →
          </span>
        )}
      </div>
    </>
  );
  const frame = 'group block h-full rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200';
  return href ? (
    <Link to={href} className={`${frame} transition hover:ring-brand-500 hover:shadow-md`} data-provider={provider.key}>
      {body}
    </Link>
  ) : (
    <div className={frame} data-provider={provider.key}>
      {body}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Add integration" />;
}
