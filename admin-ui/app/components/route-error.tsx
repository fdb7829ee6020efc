import { useRouteError } from 'react-router';
import { describeError } from '~/root';
import { ErrorNote } from './ui';

/**
 * A page's error boundary body: the API's refusal (403, 404, …) or an unexpected error as a readable message,
 * inside the layouts (header, organization tabs) so the user can go elsewhere.
 */
export function RouteError({
  page,
  wide = false,
  forbiddenHint = 'Your role does not include this page. Ask a Super Admin if you need it.',
}: {
  page: string;
  wide?: boolean;
  forbiddenHint?: string;
}) {
  const error = useRouteError();
  const { title, message, status } = describeError(error);
  const body = (
    <div className="mx-auto max-w-xl py-10 text-center" data-route-error={status ?? 'error'}>
      <title>{`${title} · ${page} · Linkyard`}</title>
      <p className="text-sm font-semibold text-brand-600">{page}</p>
      <h1 className="mt-2 text-2xl font-bold tracking-tight text-slate-900">{title}</h1>
      <div className="mt-4 text-left">
        <ErrorNote>{message}</ErrorNote>
      </div>
      {status === 403 && <p className="mt-4 text-sm text-slate-500">{forbiddenHint}</p>}
    </div>
  );
  // Pages outside an organization have no <main> around them.
  return wide ? (
    <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 lg:px-6">
      {body}
    </main>
  ) : (
    body
  );
}
