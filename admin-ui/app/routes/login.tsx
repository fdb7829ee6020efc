import { useState } from 'react';
import { Form, redirect, useNavigation } from 'react-router';
import type { Route } from './+types/login';
import { api, settled } from '~/lib/api.server';
import { safeReturnTo } from '~/lib/safe-return';
import { Button, ErrorNote, Field, Input } from '~/components/ui';

export const meta: Route.MetaFunction = () => [{ title: 'Sign in · Linkyard' }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const url = new URL(request.url);
  // Already signed in: straight to where the user wanted to go.
  const me = await settled(api(context).GET('/api/auth/me'));
  if (me.ok) throw redirect(safeReturnTo(url.searchParams.get('returnTo')));
  return { sso: context.sso, ssoError: url.searchParams.get('error'), demo: context.demo };
}

type LoginOutcome = {
  message: string | null;
  fieldErrors: Record<string, string>;
  email?: string;
  mfaToken?: string;
  useRecovery?: boolean;
};

export async function action({ request, context }: Route.ActionArgs): Promise<LoginOutcome> {
  const form = await request.formData();
  if (form.get('intent') === 'mfa') return secondStep(request, context, form);
  const email = String(form.get('email') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const fieldErrors: Record<string, string> = {};
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) fieldErrors.email = 'Enter your email address';
  if (!password) fieldErrors.password = 'Enter your password';
  if (Object.keys(fieldErrors).length) return { message: null, fieldErrors, email };

  const res = await settled(api(context).POST('/api/auth/login', { body: { email, password } }));
  if (!res.ok) {
    const message = res.status === 429 ? `Too many sign-in attempts. Try again in ${res.retryAfter ?? 'a few'} seconds.` : res.message;
    return { message, fieldErrors: {} as Record<string, string>, email };
  }
  // Two-factor sign-in is on: the password was right, a code completes it (no session yet).
  if ('mfaRequired' in res.data) return { message: null, fieldErrors: {}, email, mfaToken: res.data.mfaToken };
  // The API set the session cookies on its response; the UI's bridge passes them on with this redirect.
  throw redirect(safeReturnTo(new URL(request.url).searchParams.get('returnTo')));
}

/** The code step of a sign-in with two-factor on: a code from the app, or a recovery code. */
async function secondStep(request: Request, context: Route.ActionArgs['context'], form: FormData): Promise<LoginOutcome> {
  const mfaToken = String(form.get('mfaToken') ?? '');
  const useRecovery = form.get('useRecovery') === '1';
  const value = String(form.get('code') ?? '').trim();
  const field = useRecovery ? 'recoveryCode' : 'code';
  if (!value)
    return {
      message: null,
      fieldErrors: { code: useRecovery ? 'Enter a recovery code' : 'Enter the 6-digit code' },
      mfaToken,
      useRecovery,
    };
  const res = await settled(api(context).POST('/api/auth/login/mfa', { body: { mfaToken, [field]: value } }));
  if (res.ok) throw redirect(safeReturnTo(new URL(request.url).searchParams.get('returnTo')));
  if (res.status === 401 && /sign in again/.test(res.message)) return { message: res.message, fieldErrors: {} };
  const message = res.status === 429 ? `Too many attempts. Try again in ${res.retryAfter ?? 'a few'} seconds.` : null;
  return { message, fieldErrors: message ? {} : { code: res.message }, mfaToken, useRecovery };
}

export default function Login({ loaderData, actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === 'submitting';
  return (
    <main
      id="main"
      tabIndex={-1}
      className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-50 to-brand-50 px-4"
    >
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <img src="/favicon.svg" alt="" className="mx-auto size-12" />
          <h1 className="mt-4 text-2xl font-bold tracking-tight">Sign in to Linkyard</h1>
          <p className="mt-1 text-sm text-slate-600">Integrations, schedules and sync history for your organization.</p>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          {actionData?.mfaToken ? (
            <CodeStep outcome={actionData} busy={busy} />
          ) : (
            <Form method="post" className="space-y-4" noValidate>
              {actionData?.message && <ErrorNote>{actionData.message}</ErrorNote>}
              {loaderData.ssoError && <ErrorNote>{loaderData.ssoError}</ErrorNote>}
              <Field label="Email" htmlFor="email" error={actionData?.fieldErrors.email}>
                <Input
                  id="email"
                  name="email"
                  type="email"
                  autoComplete="username"
                  required
                  defaultValue={actionData?.email}
                  autoFocus
                  aria-invalid={Boolean(actionData?.fieldErrors.email)}
                />
              </Field>
              <Field label="Password" htmlFor="password" error={actionData?.fieldErrors.password}>
                <Input
                  id="password"
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  required
                  aria-invalid={Boolean(actionData?.fieldErrors.password)}
                />
              </Field>
              <Button className="w-full" disabled={busy}>
                {busy ? 'Signing in…' : 'Sign in'}
              </Button>
            </Form>
          )}
          {loaderData.demo && <DemoLogins demo={loaderData.demo} />}
          {loaderData.sso && (
            <>
              <div className="my-4 flex items-center gap-3 text-xs text-slate-500">
                <span className="h-px flex-1 bg-slate-200" />
                or
                <span className="h-px flex-1 bg-slate-200" />
              </div>
              <a
                href="/api/auth/sso/start"
                className="flex w-full items-center justify-center rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
              >
                Continue with {loaderData.sso.name}
              </a>
            </>
          )}
        </div>
      </div>
    </main>
  );
}

/** Second step: the code from the authenticator app, or (switching) a recovery code. */
function CodeStep({ outcome, busy }: { outcome: LoginOutcome; busy: boolean }) {
  const [useRecovery, setUseRecovery] = useState(Boolean(outcome.useRecovery));
  const error = outcome.fieldErrors.code;
  return (
    <Form method="post" className="space-y-4" noValidate>
      {outcome.message && <ErrorNote>{outcome.message}</ErrorNote>}
      <input type="hidden" name="intent" value="mfa" />
      <input type="hidden" name="mfaToken" value={outcome.mfaToken} />
      <input type="hidden" name="useRecovery" value={useRecovery ? '1' : '0'} />
      <p className="text-sm text-slate-600">
        {useRecovery
          ? 'Enter one of the recovery codes you saved when you turned on two-factor sign-in. Each works once.'
          : 'Two-factor sign-in is on for this account. Enter the 6-digit code your authenticator app shows.'}
      </p>
      <Field label={useRecovery ? 'Recovery code' : 'Authentication code'} htmlFor="code" error={error}>
        <Input
          key={useRecovery ? 'recovery' : 'code'}
          id="code"
          name="code"
          autoComplete={useRecovery ? 'off' : 'one-time-code'}
          inputMode={useRecovery ? 'text' : 'numeric'}
          required
          autoFocus
          aria-invalid={Boolean(error)}
          aria-describedby={error ? 'code-error' : undefined}
        />
      </Field>
      <Button className="w-full" disabled={busy}>
        {busy ? 'Checking…' : 'Verify and sign in'}
      </Button>
      <button
        type="button"
        className="w-full text-center text-sm font-medium text-brand-700 hover:underline"
        onClick={() => setUseRecovery((v) => !v)}
      >
        {useRecovery ? 'Use a code from the app instead' : 'Use a recovery code instead'}
      </button>
    </Form>
  );
}

/** Development only: the demo accounts, one click fills the form. */
function DemoLogins({ demo }: { demo: { logins: { email: string; role: string }[]; password: string | null } }) {
  const fill = (email: string) => {
    const set = (id: string, value: string) => {
      const input = document.getElementById(id) as HTMLInputElement | null;
      if (input) input.value = value;
    };
    set('email', email);
    if (demo.password) set('password', demo.password);
    document.getElementById(demo.password ? 'email' : 'password')?.focus();
  };
  return (
    <section aria-labelledby="demo-logins" className="mt-5 border-t border-slate-100 pt-4">
      <h2 id="demo-logins" className="text-xs font-semibold uppercase tracking-wide text-slate-500">
        Demo logins
      </h2>
      <p className="mt-1 text-xs text-slate-500">
        {demo.password ? (
          <>
            Password <code className="font-mono text-slate-700">{demo.password}</code>.{' '}
          </>
        ) : (
          'Password: the value of DEMO_PASSWORD. '
        )}
        Shown because demo data is enabled (never in production).
      </p>
      <ul className="mt-2 space-y-1">
        {demo.logins.map((l) => (
          <li key={l.email}>
            <button
              type="button"
              onClick={() => fill(l.email)}
              className="flex w-full items-baseline justify-between gap-2 rounded px-2 py-1 text-left text-sm hover:bg-slate-50"
            >
              <span className="font-medium text-slate-800">{l.email}</span>
              <span className="text-xs text-slate-500">{l.role}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
