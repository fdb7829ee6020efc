import { useState, useSyncExternalStore, type ReactNode } from 'react';
import { data, Form, redirect, useNavigation, type AppLoadContext } from 'react-router';
import type { Route } from './+types/integration-settings';
import { api, loaded, outcome, redirectToLogin, settled } from '~/lib/api.server';
import { setFlash } from '~/lib/flash.server';
import { formErrorOf } from '~/lib/form-errors';
import {
  credentialFields,
  credentialFormFields,
  integrationFormFields,
  nameRule,
  readCredentials,
  readIntegrationForm,
  settingFields,
  type FieldErrors,
} from '~/lib/integration-form';
import type { Integration, Provider, RequestBody } from '~/lib/types';
import { useIntegration } from './integration-layout';
import { useOrg } from './org-layout';
import { CredentialInput, fieldId, RuleInput, ScopesField, SettingsFields } from '~/components/integration-fields';
import { Button, Card, ErrorNote, Field, Input, StatusBadge, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { RouteError } from '~/components/route-error';
import { ProviderSetup } from '~/components/provider-setup';

export const meta: Route.MetaFunction = ({ matches }) => {
  const layout = matches.find((m) => m?.id === 'routes/integration-layout')?.data as { integration?: Integration } | undefined;
  return [{ title: `${layout?.integration?.name ?? 'Integration'} · Settings · Linkyard` }];
};

/**
 * The redirect URI the provider's OAuth app must list (built from PUBLIC_URL, as the API builds it), and the provider
 * with its setup help (GET /api/providers/:key; null when the provider has left the catalog).
 */
export async function loader({ request, context, params }: Route.LoaderArgs) {
  const integration = await loaded(
    request,
    api(context).GET('/api/orgs/{orgId}/integrations/{id}', { params: { path: { orgId: params.orgId, id: params.integrationId } } }),
  );
  const detail = await settled(api(context).GET('/api/providers/{key}', { params: { path: { key: integration.provider } } }));
  if (!detail.ok && detail.status !== 404) {
    if (detail.status === 401) throw redirectToLogin(request);
    throw data({ message: detail.message, requestId: detail.requestId }, { status: detail.status });
  }
  return { callbackUrl: `${context.publicUrl}/api/oauth/callback`, provider: detail.ok ? detail.data : null };
}

type SettingsResult = { ok: boolean; message: string; intent: string; fieldErrors?: FieldErrors; values?: Record<string, string> };

async function loadIntegration(request: Request, context: AppLoadContext, orgId: string, id: string) {
  const [integration, providers] = await Promise.all([
    loaded(request, api(context).GET('/api/orgs/{orgId}/integrations/{id}', { params: { path: { orgId, id } } })),
    loaded(request, api(context).GET('/api/providers')),
  ]);
  const provider = providers.items.find((p) => p.key === integration.provider);
  if (!provider) throw data({ message: `The provider "${integration.provider}" is no longer in the catalog.` }, { status: 404 });
  return { integration, provider };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const path = { orgId: params.orgId, id: params.integrationId };

  if (intent === 'pause' || intent === 'resume') {
    const res = await settled(api(context).POST(`/api/orgs/{orgId}/integrations/{id}/${intent}`, { params: { path } }));
    return outcome(request, res, intent === 'pause' ? 'Paused: schedules stop until you resume.' : 'Resumed: schedules run again.', intent);
  }

  const { integration, provider } = await loadIntegration(request, context, params.orgId, params.integrationId);
  if (intent === 'delete') {
    // The same check as the disabled button: deleting takes the integration's exact name.
    if (String(form.get('confirm') ?? '').trim() !== integration.name) {
      return fail(intent, 'Type the integration’s name to confirm.', { confirm: `Type “${integration.name}” exactly` });
    }
    const res = await settled(api(context).DELETE('/api/orgs/{orgId}/integrations/{id}', { params: { path } }));
    if (!res.ok) return outcome(request, res, '', intent);
    setFlash(context, `${integration.name} was deleted.`);
    throw redirect(`/orgs/${params.orgId}/integrations`);
  }

  let body: Record<string, unknown>;
  let values: Record<string, string> = {};
  const fieldErrors: FieldErrors = {};
  if (intent === 'save') {
    const read = readIntegrationForm(provider, form, 'update');
    ({ body, values } = read);
    Object.assign(fieldErrors, read.fieldErrors);
  } else if (intent === 'credentials') {
    body = readCredentials(provider.authType, form, 'replace', fieldErrors, values);
  } else {
    return fail(intent, `Unknown action "${intent}"`);
  }
  if (Object.keys(fieldErrors).length) return fail(intent, 'Check the highlighted fields.', fieldErrors, values);

  const res = await settled(
    // The form readers build the body from the provider's fields; the API checks it against its schema.
    api(context).PATCH('/api/orgs/{orgId}/integrations/{id}', {
      params: { path },
      body: body as RequestBody<'/api/orgs/{orgId}/integrations/{id}', 'patch'>,
    }),
  );
  if (res.ok)
    return {
      ok: true,
      message: intent === 'save' ? 'Settings saved.' : 'Credentials replaced. The old secret is gone.',
      intent,
    } satisfies SettingsResult;
  if (res.status === 401) throw redirectToLogin(request);
  const { field, message } = formErrorOf(
    res,
    intent === 'save' ? integrationFormFields(provider, 'update') : credentialFormFields(provider.authType),
  );
  return fail(
    intent,
    field ? 'The API refused a value: see the highlighted field.' : outcome(request, res, '', intent).message,
    field ? { [field]: message } : {},
    values,
  );
}

function fail(intent: string, message: string, fieldErrors: FieldErrors = {}, values: Record<string, string> = {}): SettingsResult {
  return { ok: false, message, intent, fieldErrors, values };
}

export default function IntegrationSettings({ actionData, loaderData }: Route.ComponentProps) {
  const { integration, provider } = useIntegration();
  const { permissions } = useOrg();
  const navigation = useNavigation();
  const pending = navigation.state === 'submitting' ? String(navigation.formData?.get('intent') ?? '') : '';
  const result = actionData as SettingsResult | undefined;
  const errorsOf = (intent: string) => (result && !result.ok && result.intent === intent ? (result.fieldErrors ?? {}) : {});
  const valuesOf = (intent: string) => (result && !result.ok && result.intent === intent ? (result.values ?? {}) : {});
  const readOnly = !permissions.edit;
  const toast = useToast([result]);

  if (!provider)
    return <ErrorNote>The provider “{integration.provider}” is no longer in the catalog, so its settings cannot be edited.</ErrorNote>;

  return (
    <div className="space-y-6">
      {readOnly && (
        <p className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-inset ring-amber-600/20">
          Read-only: only admins can change an integration’s settings.
        </p>
      )}
      <div className="grid grid-cols-1 items-start gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-2">
          {/* Remounted after every save, so the fields show what is stored (and an emptied secret field). */}
          <GeneralForm
            key={`general-${integration.updatedAt}`}
            integration={integration}
            provider={provider}
            readOnly={readOnly}
            busy={pending === 'save'}
            errors={errorsOf('save')}
            submitted={valuesOf('save')}
          />
          <CredentialsForm
            key={`credentials-${integration.updatedAt}`}
            integration={integration}
            readOnly={readOnly}
            busy={pending === 'credentials'}
            errors={errorsOf('credentials')}
            submitted={valuesOf('credentials')}
          />
        </div>
        <div className="space-y-6">
          {!readOnly && <PauseCard integration={integration} busy={pending === 'pause' || pending === 'resume'} />}
          {loaderData.provider && <ProviderSetup provider={loaderData.provider} callbackUrl={loaderData.callbackUrl} />}
          {!readOnly && <DeleteCard integration={integration} busy={pending === 'delete'} error={errorsOf('delete').confirm} />}
        </div>
      </div>
      <Toast outcome={toast} />
    </div>
  );
}

function GeneralForm({
  integration,
  provider,
  readOnly,
  busy,
  errors,
  submitted,
}: {
  integration: Integration;
  provider: Provider;
  readOnly: boolean;
  busy: boolean;
  errors: FieldErrors;
  submitted: Record<string, string>;
}) {
  const stored: Record<string, string> = {
    name: integration.name,
    clientId: integration.clientId ?? '',
    scopes: integration.scopes.join(' '),
  };
  for (const s of settingFields(provider)) {
    const value = integration.settings[s.key];
    if (typeof value === 'string') stored[s.field] = value;
  }
  const values = { ...stored, ...submitted };
  const clientId = credentialFields('oauth2')[0]!;
  return (
    <Card title="General">
      <Form method="post" className="space-y-5">
        <fieldset disabled={readOnly || busy} className="space-y-5">
          <RuleInput name="name" label="Name" rule={nameRule} error={errors.name} defaultValue={values.name} />
          {provider.authType === 'oauth2' && (
            <>
              <CredentialInput field={clientId} error={errors.clientId} defaultValue={values.clientId} />
              <ScopesField defaultValue={values.scopes ?? ''} defaultScopes={provider.defaultScopes} error={errors.scopes} />
            </>
          )}
          <SettingsFields provider={provider} values={values} errors={errors} />
        </fieldset>
        {!readOnly && (
          <FormFooter hint="Changed scopes apply the next time you connect.">
            <Button name="intent" value="save" disabled={busy}>
              {busy ? 'Saving…' : 'Save changes'}
            </Button>
          </FormFooter>
        )}
      </Form>
    </Card>
  );
}

function CredentialsForm({
  integration,
  readOnly,
  busy,
  errors,
  submitted,
}: {
  integration: Integration;
  readOnly: boolean;
  busy: boolean;
  errors: FieldErrors;
  submitted: Record<string, string>;
}) {
  const fields = credentialFields(integration.authType).filter((f) => f.key !== 'clientId');
  const secretSet = { oauth2: integration.hasClientSecret, api_key: integration.hasApiKey, basic: integration.hasPassword }[
    integration.authType
  ];
  const secret = fields.find((f) => f.secret)!;
  return (
    <Card title="Credentials">
      <p className="mb-4 flex items-center gap-2 text-sm text-slate-600" data-testid="secret-state">
        <span className={`size-2 rounded-full ${secretSet === false ? 'bg-red-500' : 'bg-emerald-500'}`} aria-hidden />
        {secretSet === false ? (
          `No ${inSentence(secret.label)} is set.`
        ) : (
          <span>
            {/^[aeiou]/i.test(secret.label) ? 'An' : 'A'} {inSentence(secret.label)} is set
            {integration.secretHint ? (
              <>
                , ending in <code className="text-slate-500">{integration.secretHint}</code>
              </>
            ) : null}
            . It is never shown; you can only replace it.
          </span>
        )}
      </p>
      {!readOnly && (
        <Form method="post" className="space-y-5" autoComplete="off">
          <fieldset disabled={busy} className="space-y-5">
            {fields.map((f) => (
              <CredentialInput
                key={f.key}
                field={{ ...f, label: f.secret ? `Replace ${inSentence(f.label)}` : f.label }}
                error={errors[f.key]}
                defaultValue={submitted[f.key] ?? (f.key === 'username' ? (integration.username ?? '') : undefined)}
                required={!f.secret || integration.authType !== 'basic'}
                hint={
                  f.secret
                    ? integration.authType === 'basic'
                      ? 'Leave empty to keep the current password.'
                      : 'The new value replaces the stored one at once.'
                    : undefined
                }
              />
            ))}
          </fieldset>
          <FormFooter hint={integration.authType === 'oauth2' ? undefined : 'New credentials are verified by the next test or sync.'}>
            <Button name="intent" value="credentials" variant="secondary" disabled={busy}>
              {busy ? 'Replacing…' : 'Replace credentials'}
            </Button>
          </FormFooter>
        </Form>
      )}
    </Card>
  );
}

function PauseCard({ integration, busy }: { integration: Integration; busy: boolean }) {
  const paused = integration.status === 'PAUSED';
  return (
    <Card title="Schedules">
      <Form method="post" className="space-y-4">
        <div className="text-sm text-slate-600">
          <div className="mb-1.5">
            <StatusBadge status={integration.status} />
          </div>
          {paused
            ? 'Paused: no scheduled syncs run until you resume.'
            : 'Pausing stops every scheduled sync of this integration; nothing is deleted.'}
        </div>
        <Button name="intent" value={paused ? 'resume' : 'pause'} variant={paused ? 'primary' : 'secondary'} disabled={busy}>
          {busy ? (paused ? 'Resuming…' : 'Pausing…') : paused ? 'Resume' : 'Pause'}
        </Button>
      </Form>
    </Card>
  );
}

function DeleteCard({ integration, busy, error }: { integration: Integration; busy: boolean; error?: string }) {
  const [typed, setTyped] = useState('');
  // Until hydration the button stays enabled, so the form works without JavaScript (the action checks the name).
  const hydrated = useHydrated();
  const id = fieldId('confirm');
  return (
    <section className="rounded-lg bg-white shadow-sm ring-1 ring-red-200" aria-labelledby="danger-heading">
      <header className="border-b border-red-100 px-5 py-3">
        <h2 id="danger-heading" className="text-sm font-semibold text-red-700">
          Delete integration
        </h2>
      </header>
      <Form method="post" className="space-y-4 p-5">
        <p className="text-sm text-slate-600">
          Deletes the integration, its connection, syncs, mappings, run history and synced records. This cannot be undone.
        </p>
        <Field label={`Type “${integration.name}” to confirm`} htmlFor={id} error={error}>
          <Input
            id={id}
            name="confirm"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
          />
        </Field>
        <div className="flex justify-end">
          <Button name="intent" value="delete" variant="danger" disabled={busy || (hydrated && typed.trim() !== integration.name)}>
            {busy ? 'Deleting…' : 'Delete integration'}
          </Button>
        </div>
      </Form>
    </section>
  );
}

const noSubscription = () => () => {};

/** False in the server's HTML and during hydration, true once React runs in the browser. */
function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

function FormFooter({ hint, children }: { hint?: ReactNode; children: ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-4 border-t border-slate-100 pt-4">
      <p className="text-xs text-slate-500">{hint}</p>
      {children}
    </div>
  );
}

/** A field label inside a sentence: "Client secret" → "client secret", but "API key" stays. */
function inSentence(label: string): string {
  return /^[A-Z]{2}/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

export function ErrorBoundary() {
  return <RouteError page="Settings" />;
}
