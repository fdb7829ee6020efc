import { useState } from 'react';
import { useFetcher } from 'react-router';
import type { Route } from './+types/profile';
import { api, formOutcome, settled, type ActionOutcome } from '~/lib/api.server';
import { useSession } from './signed-in-layout';
import { Button, Card, ErrorNote, errorAttributes, Field, Input, PageHeader, Select, Toast } from '~/components/ui';
import { CopyField } from '~/components/copy-field';
import { useToast } from '~/components/use-toast';
import { RouteError } from '~/components/route-error';

export const meta: Route.MetaFunction = () => [{ title: 'Your profile · Linkyard' }];

type ProfileOutcome = ActionOutcome & {
  setup?: { otpauthUrl: string; secret: string };
  recoveryCodes?: string[];
};

const str = (form: FormData, name: string) => String(form.get(name) ?? '');

export async function action({ request, context }: Route.ActionArgs): Promise<ProfileOutcome> {
  const form = await request.formData();
  const intent = str(form, 'intent');
  const client = api(context);
  if (intent === 'profile') {
    const timezone = str(form, 'timezone');
    const res = await settled(client.PATCH('/api/auth/me', { body: { name: str(form, 'name'), timezone: timezone || null } }));
    return formOutcome(request, res, 'Profile saved', ['name', 'timezone'], intent);
  }
  if (intent === 'password') {
    if (str(form, 'newPassword') !== str(form, 'confirmPassword'))
      return {
        ok: false,
        intent,
        message: 'Check the highlighted field.',
        fieldErrors: { confirmPassword: 'The two new passwords differ' },
      };
    const res = await settled(
      client.POST('/api/auth/password', { body: { currentPassword: str(form, 'currentPassword'), newPassword: str(form, 'newPassword') } }),
    );
    const ended = res.ok ? res.data.otherSessionsEnded : 0;
    const done = `Password changed${ended ? `; ${ended} other session${ended === 1 ? '' : 's'} signed out` : ''}`;
    return formOutcome(request, res, done, ['currentPassword', 'newPassword'], intent);
  }
  if (intent === 'mfa-setup') {
    const res = await settled(client.POST('/api/auth/mfa/setup', { body: {} }));
    return { ...formOutcome(request, res, '', [], intent), setup: res.ok ? res.data : undefined };
  }
  if (intent === 'mfa-enable') {
    const res = await settled(client.POST('/api/auth/mfa/enable', { body: { code: str(form, 'code').replace(/\s+/g, '') } }));
    const setup = { otpauthUrl: str(form, 'otpauthUrl'), secret: str(form, 'secret') };
    if (!res.ok) return { ...formOutcome(request, res, '', ['code'], intent), setup };
    return { ok: true, intent, message: 'Two-factor sign-in is on', recoveryCodes: res.data.recoveryCodes };
  }
  if (intent === 'mfa-disable') {
    const useRecovery = form.get('useRecovery') === '1';
    const value = str(form, 'code').trim();
    const res = await settled(client.POST('/api/auth/mfa/disable', { body: useRecovery ? { recoveryCode: value } : { code: value } }));
    const out = formOutcome(request, res, 'Two-factor sign-in is off', ['code', 'recoveryCode'], intent);
    // Either input maps to the one field the form shows.
    if (!out.ok && out.fieldErrors?.recoveryCode) out.fieldErrors = { code: out.fieldErrors.recoveryCode };
    return out;
  }
  return { ok: false, intent, message: 'Unknown action.' };
}

export default function Profile() {
  const { me } = useSession();
  const toasts = [useFetcher<ProfileOutcome>({ key: 'profile' }).data, useFetcher<ProfileOutcome>({ key: 'password' }).data];
  const toast = useToast(toasts, { successOnly: true });
  return (
    <main className="mx-auto max-w-3xl px-4 py-6 lg:px-6">
      <PageHeader title="Your profile" description={`Signed in as ${me.user.email}.`} />
      {me.user.mfaRequired && (
        <div role="alert" className="mb-6 rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-inset ring-amber-600/30">
          Two-factor sign-in is required for Platform Owners on this installation. Turn it on below: the platform console opens once it is
          on.
        </div>
      )}
      <div className="space-y-6">
        <NameAndTimezone />
        <PasswordChange />
        <TwoFactor />
      </div>
      <Toast outcome={toast} />
    </main>
  );
}

/** Every IANA zone this browser (or the server, while rendering) knows, UTC first. */
function timezones(): string[] {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...all.filter((z) => z !== 'UTC')];
}

function NameAndTimezone() {
  const { me } = useSession();
  const fetcher = useFetcher<ProfileOutcome>({ key: 'profile' });
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors ?? {}) : {};
  const busy = fetcher.state !== 'idle';
  return (
    <Card title="Name and time zone">
      <fetcher.Form method="post" className="grid gap-4 sm:grid-cols-2" noValidate>
        <input type="hidden" name="intent" value="profile" />
        <Field label="Name" htmlFor="profile-name" error={errors.name}>
          <Input
            id="profile-name"
            name="name"
            defaultValue={me.user.name}
            maxLength={120}
            required
            {...errorAttributes('profile-name', errors.name)}
          />
        </Field>
        <Field
          label="Show times in"
          htmlFor="profile-timezone"
          error={errors.timezone}
          hint="Schedules always show in their own time zone."
        >
          <Select
            id="profile-timezone"
            name="timezone"
            defaultValue={me.user.timezone ?? ''}
            {...errorAttributes('profile-timezone', errors.timezone)}
          >
            <option value="">This browser’s time zone</option>
            {timezones().map((z) => (
              <option key={z} value={z}>
                {z.replaceAll('_', ' ')}
              </option>
            ))}
          </Select>
        </Field>
        <div className="sm:col-span-2">
          <Button disabled={busy}>{busy ? 'Saving…' : 'Save'}</Button>
        </div>
      </fetcher.Form>
      {fetcher.data && !fetcher.data.ok && !fetcher.data.fieldErrors && <ErrorNote>{fetcher.data.message}</ErrorNote>}
    </Card>
  );
}

function PasswordChange() {
  const fetcher = useFetcher<ProfileOutcome>({ key: 'password' });
  const errors = fetcher.data && !fetcher.data.ok ? (fetcher.data.fieldErrors ?? {}) : {};
  const busy = fetcher.state !== 'idle';
  // A changed password empties the form: a new key remounts its inputs.
  const [answered, setAnswered] = useState(fetcher.data);
  const [formKey, setFormKey] = useState(0);
  if (fetcher.data !== answered) {
    setAnswered(fetcher.data);
    if (fetcher.data?.ok) setFormKey((k) => k + 1);
  }
  return (
    <Card title="Password">
      <p className="mb-4 text-sm text-slate-600">Changing it signs you out everywhere else; this browser stays signed in.</p>
      <fetcher.Form key={formKey} method="post" className="grid gap-4 sm:grid-cols-3" noValidate>
        <input type="hidden" name="intent" value="password" />
        <Field label="Current password" htmlFor="current-password" error={errors.currentPassword}>
          <Input
            id="current-password"
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            {...errorAttributes('current-password', errors.currentPassword)}
          />
        </Field>
        <Field label="New password" htmlFor="new-password" error={errors.newPassword} hint="At least 12 characters.">
          <Input
            id="new-password"
            name="newPassword"
            type="password"
            autoComplete="new-password"
            minLength={12}
            required
            {...errorAttributes('new-password', errors.newPassword)}
          />
        </Field>
        <Field label="New password again" htmlFor="confirm-password" error={errors.confirmPassword}>
          <Input
            id="confirm-password"
            name="confirmPassword"
            type="password"
            autoComplete="new-password"
            required
            {...errorAttributes('confirm-password', errors.confirmPassword)}
          />
        </Field>
        <div className="sm:col-span-3">
          <Button disabled={busy}>{busy ? 'Changing…' : 'Change password'}</Button>
        </div>
      </fetcher.Form>
      {fetcher.data && !fetcher.data.ok && !fetcher.data.fieldErrors && <ErrorNote>{fetcher.data.message}</ErrorNote>}
    </Card>
  );
}

/** Turning two-factor sign-in on (secret, first code, recovery codes) and off. */
function TwoFactor() {
  const { me } = useSession();
  const fetcher = useFetcher<ProfileOutcome>({ key: 'mfa' });
  const data = fetcher.data;
  const busy = fetcher.state !== 'idle';
  if (data?.ok && data.recoveryCodes) return <RecoveryCodes codes={data.recoveryCodes} />;
  const setup = data?.setup;
  return (
    <Card title="Two-factor sign-in">
      {me.user.mfaEnabled && !(data?.ok && data.intent === 'mfa-disable') ? (
        <DisableTwoFactor />
      ) : setup ? (
        <fetcher.Form method="post" className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="mfa-enable" />
          <input type="hidden" name="otpauthUrl" value={setup.otpauthUrl} />
          <input type="hidden" name="secret" value={setup.secret} />
          <p className="text-sm text-slate-600">
            Add this account to an authenticator app (1Password, Google Authenticator, Authy…): open the link on your phone, or type the
            secret in by hand. Then enter the 6-digit code the app shows.
          </p>
          <CopyField label="Secret" value={setup.secret} />
          <CopyField label="otpauth link" value={setup.otpauthUrl} />
          <Field label="Code from the app" htmlFor="mfa-code" error={data?.ok === false ? data.fieldErrors?.code : undefined}>
            <Input
              id="mfa-code"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              className="max-w-40"
              {...errorAttributes('mfa-code', data?.ok === false ? data.fieldErrors?.code : undefined)}
            />
          </Field>
          {data?.ok === false && !data.fieldErrors && <ErrorNote>{data.message}</ErrorNote>}
          <Button disabled={busy}>{busy ? 'Checking…' : 'Turn on two-factor sign-in'}</Button>
        </fetcher.Form>
      ) : (
        <fetcher.Form method="post" className="space-y-3">
          <input type="hidden" name="intent" value="mfa-setup" />
          <p className="text-sm text-slate-600">
            Two-factor sign-in is off. With it on, signing in asks for a code from an authenticator app as well as your password.
          </p>
          {data?.ok === false && <ErrorNote>{data.message}</ErrorNote>}
          <Button disabled={busy}>{busy ? 'Preparing…' : 'Set up two-factor sign-in'}</Button>
        </fetcher.Form>
      )}
    </Card>
  );
}

function DisableTwoFactor() {
  const fetcher = useFetcher<ProfileOutcome>({ key: 'mfa' });
  const [useRecovery, setUseRecovery] = useState(false);
  const error = fetcher.data?.ok === false ? fetcher.data.fieldErrors?.code : undefined;
  const busy = fetcher.state !== 'idle';
  return (
    <fetcher.Form method="post" className="space-y-4" noValidate>
      <p className="text-sm text-slate-700">
        <span className="mr-2 rounded bg-emerald-50 px-1.5 py-0.5 text-xs font-medium text-emerald-800 ring-1 ring-inset ring-emerald-600/20">
          On
        </span>
        Signing in asks for a code from your authenticator app. To turn it off, confirm with a current code or a recovery code.
      </p>
      <input type="hidden" name="intent" value="mfa-disable" />
      <input type="hidden" name="useRecovery" value={useRecovery ? '1' : '0'} />
      <Field label={useRecovery ? 'Recovery code' : 'Code from the app'} htmlFor="mfa-disable-code" error={error}>
        <Input
          key={String(useRecovery)}
          id="mfa-disable-code"
          name="code"
          inputMode={useRecovery ? 'text' : 'numeric'}
          autoComplete="one-time-code"
          required
          className="max-w-56"
          {...errorAttributes('mfa-disable-code', error)}
        />
      </Field>
      {fetcher.data?.ok === false && !fetcher.data.fieldErrors && <ErrorNote>{fetcher.data.message}</ErrorNote>}
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" disabled={busy}>
          {busy ? 'Turning off…' : 'Turn off two-factor sign-in'}
        </Button>
        <button type="button" className="text-sm font-medium text-brand-700 hover:underline" onClick={() => setUseRecovery((v) => !v)}>
          {useRecovery ? 'Use a code from the app' : 'Use a recovery code'}
        </button>
      </div>
    </fetcher.Form>
  );
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Card title="Two-factor sign-in is on">
      <div role="status" className="space-y-3 text-sm text-slate-700">
        <p className="font-semibold text-slate-900">Save these recovery codes now: they are shown only this once.</p>
        <p>Each one signs you in once if you lose your phone. Keep them somewhere safe, like a password manager.</p>
        <ul data-testid="recovery-codes" className="grid grid-cols-2 gap-2 font-mono sm:grid-cols-5">
          {codes.map((c) => (
            <li key={c} className="rounded bg-slate-50 px-2 py-1 text-center ring-1 ring-inset ring-slate-200">
              {c}
            </li>
          ))}
        </ul>
        <CopyField label="All codes" value={codes.join('\n')} />
      </div>
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Your profile" wide />;
}
