import { data } from 'react-router';
import type { Route } from './+types/not-found';
import { LinkButton } from '~/components/ui';

/** Any path no page matches, signed in: a 404 inside the app's layout (header, switcher, sign-out stay), with a way back. */
export function loader({ params }: Route.LoaderArgs) {
  // An address inside an organization leads back to that organization's integrations.
  const org = /^orgs\/([0-9a-f-]{36})(?:\/|$)/i.exec(params['*'] ?? '')?.[1] ?? null;
  return data({ org }, { status: 404 });
}

export default function NotFound({ loaderData }: Route.ComponentProps) {
  return (
    <main id="main" tabIndex={-1} className="mx-auto max-w-xl px-4 py-16 text-center" data-route-error="404">
      <title>Page not found · Linkyard</title>
      <p className="text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight text-slate-900">Page not found</h1>
      <p className="mt-4 text-slate-600">There is no page at this address. It may have moved, or the link may be mistyped.</p>
      <div className="mt-8 flex flex-wrap justify-center gap-3">
        {loaderData.org && <LinkButton to={`/orgs/${loaderData.org}/integrations`}>Back to the organization</LinkButton>}
        <LinkButton to="/" variant={loaderData.org ? 'secondary' : 'primary'}>
          Go to the start page
        </LinkButton>
      </div>
    </main>
  );
}
