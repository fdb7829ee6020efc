import { Form, Link, redirect, useNavigation } from 'react-router';
import type { Route } from './+types/invite';
import { api, settled } from '~/lib/api.server';
import { roleLabel } from '~/lib/format';
import { Button, ErrorNote, errorAttributes, Field, Input } from '~/components/ui';

export const meta: Route.MetaFunction = () => [{ title: 'Accept invitation · Linkyard' }];

/**
 * The page an invitation link opens (/invite/<token>): what the invitation is for, then accepting it — a new
 * person chooses a name and password, someone with an account types their current one, and someone already
 * signed in as the invited email just confirms.
 */
export async function loader({ params, context }: Route.LoaderArgs) {
  const client = api(context);
  const [preview, me] = await Promise.all([
    settled(client.POST('/api/auth/invitations/preview', { body: { token: params.token } })),
    settled(client.GET('/api/auth/me')),
  ]);
  return {
    invitation: preview.ok ? preview.data : null,
    problem: preview.ok ? null : preview.message,
    signedInAs: me.ok ? me.data.user.email : null,
  };
}

type AcceptOutcome = { message: string | null; fieldErrors: Record<string, string>; name?: string };

export async function action({ request, params, context }: Route.ActionArgs): Promise<AcceptOutcome> {
  const form = await request.formData();
  const client = api(context);
  if (form.get('intent') === 'signed-in') {
    const res = await settled(client.POST('/api/auth/invitations/accept', { body: { token: params.token } }));
    if (res.ok) throw redirect(`/orgs/${res.data.organizationId}/integrations`);
    return { message: res.message, fieldErrors: {} };
  }
  const name = String(form.get('name') ?? '').trim();
  const password = String(form.get('password') ?? '');
  const isNew = form.get('isNew') === '1';
  const fieldErrors: Record<string, string> = {};
  if (isNew && !name) fieldErrors.name = 'Enter your name';
  if (!password) fieldErrors.password = isNew ? 'Choose a password' : 'Enter your current password';
  else if (isNew && Array.from(password).length < 12) fieldErrors.password = 'At least 12 characters';
  if (isNew && password && form.get('confirm') !== password) fieldErrors.confirm = 'The two passwords differ';
  if (Object.keys(fieldErrors).length) return { message: null, fieldErrors, name };
  const res = await settled(
    client.POST('/api/auth/accept-invitation', { body: { token: params.token, password, ...(isNew && name ? { name } : {}) } }),
  );
  if (res.ok) {
    // Two-factor sign-in is on for this account: joined, and the sign-in page asks for the code.
    if ('mfaRequired' in res.data) throw redirect('/login');
    const org = res.data.memberships.find((m) => m.organizationName === String(form.get('organizationName')));
    throw redirect(org ? `/orgs/${org.organizationId}/integrations` : '/');
  }
  const field = res.field === '/password' || res.status === 401 ? 'password' : res.field === '/name' ? 'name' : null;
  return field ? { message: null, fieldErrors: { [field]: res.message }, name } : { message: res.message, fieldErrors: {}, name };
}

export default function Invite({ loaderData, actionData }: Route.ComponentProps) {
  const { invitation, problem, signedInAs } = loaderData;
  const busy = useNavigation().state === 'submitting';
  const errors = actionData?.fieldErrors ?? {};
  const signedInAsInvited = invitation && signedInAs?.toLowerCase() === invitation.email.toLowerCase();
  return (
    <main className="flex min-h-screen items-center justify-center bg-gradient-to-br from-slate-50 to-brand-50 px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <img src="/favicon.svg" alt="" className="mx-auto size-12" />
          <h1 className="mt-4 text-2xl font-bold tracking-tight">{invitation ? `Join ${invitation.organizationName}` : 'Invitation'}</h1>
          {invitation && (
            <p className="mt-1 text-sm text-slate-600">
              <span className="font-medium text-slate-800">{invitation.email}</span> is invited as {roleLabel(invitation.role)}.
            </p>
          )}
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          {!invitation ? (
            <div className="space-y-4">
              <ErrorNote>{problem}</ErrorNote>
              <Link to="/login" className="block text-center text-sm font-medium text-brand-700 hover:underline">
                Go to sign-in
              </Link>
            </div>
          ) : signedInAsInvited ? (
            <Form method="post" className="space-y-4">
              {actionData?.message && <ErrorNote>{actionData.message}</ErrorNote>}
              <input type="hidden" name="intent" value="signed-in" />
              <p className="text-sm text-slate-600">You are signed in as {signedInAs}.</p>
              <Button className="w-full" disabled={busy}>
                {busy ? 'Joining…' : `Join ${invitation.organizationName}`}
              </Button>
            </Form>
          ) : (
            <Form method="post" className="space-y-4" noValidate>
              {actionData?.message && <ErrorNote>{actionData.message}</ErrorNote>}
              {signedInAs && (
                <p className="text-sm text-amber-800">
                  You are signed in as {signedInAs}; this invitation is for {invitation.email}. Accepting it signs you in as{' '}
                  {invitation.email}.
                </p>
              )}
              <input type="hidden" name="isNew" value={invitation.hasAccount ? '0' : '1'} />
              <input type="hidden" name="organizationName" value={invitation.organizationName} />
              {invitation.hasAccount ? (
                <p className="text-sm text-slate-600">You already have a Linkyard account. Enter its password to accept.</p>
              ) : (
                <>
                  <p className="text-sm text-slate-600">Choose your name and a password to create your account.</p>
                  <Field label="Your name" htmlFor="name" error={errors.name}>
                    <Input
                      id="name"
                      name="name"
                      autoComplete="name"
                      maxLength={120}
                      required
                      autoFocus
                      defaultValue={actionData?.name}
                      {...errorAttributes('name', errors.name)}
                    />
                  </Field>
                </>
              )}
              <Field
                label={invitation.hasAccount ? 'Password' : 'New password'}
                htmlFor="password"
                error={errors.password}
                hint={invitation.hasAccount ? undefined : 'At least 12 characters.'}
              >
                <Input
                  id="password"
                  name="password"
                  type="password"
                  autoComplete={invitation.hasAccount ? 'current-password' : 'new-password'}
                  required
                  autoFocus={invitation.hasAccount}
                  {...errorAttributes('password', errors.password)}
                />
              </Field>
              {!invitation.hasAccount && (
                <Field label="New password again" htmlFor="confirm" error={errors.confirm}>
                  <Input
                    id="confirm"
                    name="confirm"
                    type="password"
                    autoComplete="new-password"
                    required
                    {...errorAttributes('confirm', errors.confirm)}
                  />
                </Field>
              )}
              <Button className="w-full" disabled={busy}>
                {busy ? 'Joining…' : 'Accept and sign in'}
              </Button>
            </Form>
          )}
        </div>
      </div>
    </main>
  );
}
