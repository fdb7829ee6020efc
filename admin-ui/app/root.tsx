import { useMemo, useState } from 'react';
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useNavigation,
  useRouteError,
  useRouteLoaderData,
} from 'react-router';
import type { Route } from './+types/root';
import stylesheet from './app.css?url';
import { useNonce } from './lib/nonce';
import { ThemeContext, themeCookie, themeFromCookies, type Theme } from './lib/theme';

export const links: Route.LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
];

/** The theme the person chose (a cookie), so the server renders it and the page never flashes the other one. */
export function loader({ request }: Route.LoaderArgs) {
  return { theme: themeFromCookies(request.headers.get('cookie')) };
}

// The theme changes on the client (the toggle); nothing here needs reloading on navigation.
export const shouldRevalidate = () => false;

export function Layout({ children }: { children: React.ReactNode }) {
  const nonce = useNonce();
  const loaded = useRouteLoaderData<typeof loader>('root');
  const [theme, setThemeState] = useState<Theme>(loaded?.theme ?? 'system');
  const themeContext = useMemo(
    () => ({
      theme,
      setTheme(next: Theme) {
        document.cookie = themeCookie(next);
        setThemeState(next);
      },
    }),
    [theme],
  );
  return (
    <html lang="en" data-theme={theme === 'system' ? undefined : theme}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links nonce={nonce} />
      </head>
      <body className="min-h-screen">
        <a
          href="#main"
          className="sr-only rounded-md bg-brand-600 px-3 py-2 text-sm font-semibold text-white focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:z-[60]"
        >
          Skip to content
        </a>
        <ThemeContext.Provider value={themeContext}>{children}</ThemeContext.Provider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <>
      <NavigationProgress />
      <Outlet />
    </>
  );
}

/**
 * A thin bar across the top while the next page (or a form's answer) loads, so a click never seems ignored. It
 * fades in after a short delay (app.css), so fast navigations do not flicker.
 */
function NavigationProgress() {
  const navigation = useNavigation();
  if (navigation.state === 'idle') return null;
  return (
    <div
      role="progressbar"
      aria-label={navigation.state === 'submitting' ? 'Saving' : 'Loading page'}
      data-navigation-progress
      className="nav-progress fixed inset-x-0 top-0 z-[70] h-0.5 origin-left bg-brand-600"
    />
  );
}

/** Errors that escape every page: a readable message, never a stack trace. */
export function ErrorBoundary() {
  const error = useRouteError();
  const { title, message } = describeError(error);
  return (
    <main id="main" tabIndex={-1} className="mx-auto max-w-xl px-6 py-24 text-center">
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
