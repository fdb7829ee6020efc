import { isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError } from 'react-router';
import type { Route } from './+types/root';
import stylesheet from './app.css?url';
import { useNonce } from './lib/nonce';

export const links: Route.LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links nonce={nonce} />
      </head>
      <body className="min-h-screen">
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

/** Errors that escape every page: a readable message, never a stack trace. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { title, message } = describeError(error);
  return (
    <main className="mx-auto max-w-xl px-6 py-24 text-center">
      <title>{`${title} · Linkyard`}</title>
      <p className="text-sm font-semibold text-brand-600">Linkyard</p>
      <h1 className="mt-2 text-3xl font-bold tracking-tight">{title}</h1>
      <p className="mt-4 text-slate-600">{message}</p>
      <a href="/" className="mt-8 inline-block rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700">
        Back to Linkyard
      </a>
    </main>
  );
}

export function describeError(error: unknown): { title: string; message: string; status?: number } {
  if (isRouteErrorResponse(error)) {
    const message = typeof error.data?.message === 'string' ? error.data.message : error.statusText;
    const titles: Record<number, string> = { 403: 'Not allowed', 404: 'Not found', 429: 'Slow down' };
    return { status: error.status, title: titles[error.status] ?? `Error ${error.status}`, message: message || 'Something went wrong.' };
  }
  return {
    title: 'Something went wrong',
    message: 'An unexpected error happened. Reload the page; if it keeps happening, tell your administrator.',
  };
}
