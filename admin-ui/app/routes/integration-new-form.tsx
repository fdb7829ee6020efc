import { data, Form, Link, redirect, useNavigation } from 'react-router';
import type { Route } from './+types/integration-new-form';
import { api, redirectToLogin, settled } from '~/lib/api.server';
import { setFlash } from '~/lib/flash.server';
import { formErrorOf } from '~/lib/form-errors';
import { credentialFields, integrationFormFields, nameRule, readIntegrationForm, type FieldErrors } from '~/lib/integration-form';
import { AUTH_TYPE_LABELS, categoryLabel } from '~/lib/provider-catalog';
import type { Provider, RequestBody } from '~/lib/types';
import { useOrg } from './org-layout';
import { ProviderSetup } from '~/components/provider-setup';
import { CredentialInput, RuleInput, ScopesField, SettingsFields } from '~/components/integration-fields';
import { Button, Card, ErrorNote, LinkButton, ProviderAvatar } from '~/components/ui';
import { RouteError } from '~/components/route-error';

/** The provider with its setup help (one provider, not the catalog). */
async function loadProvider(request: Request, context: Route.LoaderArgs['context'], key: string) {
  const res = await settled(api(context).GET('/api/providers/{key}', { params: { path: { key } } }));
  if (res.ok) return res.data;
  if (res.status === 401) throw redirectToLogin(request);
  const message = res.status === 404 ? `There is no provider "${key}" in the catalog.` : res.message;
  throw data({ message, requestId: res.requestId }, { status: res.status });
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const provider = await loadProvider(request, context, params.provider);
  // The API builds the redirect URI from its public URL, which is the address this page is served from.
  // The redirect URI the API sends to providers is built from PUBLIC_URL; the provider app must list exactly it.
  const callbackUrl = `${context.publicUrl}/api/oauth/callback`;
  return { provider, callbackUrl };
}

export const meta: Route.MetaFunction = ({ data }) => [{ title: `Add ${data?.provider.name ?? 'integration'} · Linkyard` }];

type ActionResult = { message: string | null; fieldErrors: FieldErrors; values: Record<string, string> };

export async function action({ request, context, params }: Route.ActionArgs) {
  const provider = await loadProvider(request, context, params.provider);
  const { body, fieldErrors, values } = readIntegrationForm(provider, await request.formData(), 'create');
  if (Object.keys(fieldErrors).length) {
    return data<ActionResult>({ message: 'Check the highlighted fields.', fieldErrors, values }, { status: 400 });
  }
  const res = await settled(
    // The form readers build the body from the provider's fields; the API checks it against its schema.
    api(context).POST('/api/orgs/{orgId}/integrations', {
      params: { path: { orgId: params.orgId } },
      body: { provider: provider.key, ...body } as RequestBody<'/api/orgs/{orgId}/integrations', 'post'>,
    }),
  );
  if (!res.ok) {
    if (res.status === 401) throw redirectToLogin(request);
    const { field, message } = formErrorOf(res, integrationFormFields(provider, 'create'));
    return data<ActionResult>(
      field
        ? { message: null, fieldErrors: { [field]: message }, values }
        : { message: res.status === 403 ? `Not allowed: ${message}` : message, fieldErrors: {}, values },
      { status: res.status },
    );
  }
  setFlash(
    context,
    provider.authType === 'oauth2'
      ? `${res.data.name} was created. Connect it to ${provider.name} to start syncing.`
      : `${res.data.name} was created. Test the connection or run a sync to activate it.`,
  );
  throw redirect(`/orgs/${params.orgId}/integrations/${res.data.id}`);
}

export default function IntegrationNewForm({ loaderData, actionData, params }: Route.ComponentProps) {
  const { provider, callbackUrl } = loaderData;
  const { permissions } = useOrg();
  const busy = useNavigation().state === 'submitting';
  const errors = actionData?.fieldErrors ?? {};
  const values = actionData?.values ?? {};
  const readOnly = !permissions.edit;
  const base = `/orgs/${params.orgId}/integrations`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm text-slate-500">
        <Link to={base} className="hover:text-slate-700">
          Integrations
        </Link>
        <span className="mx-2" aria-hidden>
          /
        </span>
        <Link to={`${base}/new`} className="hover:text-slate-700">
          Add integration
        </Link>
        <span className="mx-2" aria-hidden>
          /
        </span>
        <span className="text-slate-700">{provider.name}</span>
      </nav>
      <div className="mb-6 flex items-center gap-4">
        <ProviderAvatar providerKey={provider.key} name={provider.name} size="lg" />
        <div>
          <h1 className="text-2xl font-bold tracking-tight text-slate-900">Add {provider.name}</h1>
          <p className="text-sm text-slate-500">
            {categoryLabel(provider.category)} · {AUTH_TYPE_LABELS[provider.authType]}
          </p>
        </div>
      </div>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Card>
          {readOnly && (
            <div className="mb-5">
              <ErrorNote>Only admins can add integrations. Ask an admin of this organization.</ErrorNote>
            </div>
          )}
          <Form method="post" className="space-y-5" aria-label={`Add ${provider.name}`}>
            {actionData?.message && <ErrorNote>{actionData.message}</ErrorNote>}
            <fieldset disabled={readOnly || busy} className="space-y-5">
              <RuleInput
                name="name"
                label="Name"
                rule={nameRule}
                error={errors.name}
                defaultValue={values.name ?? provider.name}
                hint="How this integration is listed; unique in the organization."
                autoFocus={!readOnly}
              />
              <Section title="Credentials" description={credentialsHelp(provider)}>
                {credentialFields(provider.authType).map((f) => (
                  <CredentialInput
                    key={f.key}
                    field={f}
                    error={errors[f.key]}
                    defaultValue={values[f.key]}
                    hint={f.secret ? 'Stored encrypted; it is never shown again.' : undefined}
                  />
                ))}
                {provider.authType === 'oauth2' && (
                  <ScopesField
                    defaultValue={values.scopes ?? provider.defaultScopes.join(' ')}
                    defaultScopes={provider.defaultScopes}
                    error={errors.scopes}
                  />
                )}
              </Section>
              {provider.settings.length + provider.overrideSettings.length > 0 && (
                <Section title="Settings" description={`Values ${provider.name} needs to find your account.`}>
                  <SettingsFields provider={provider} values={values} errors={errors} />
                </Section>
              )}
            </fieldset>
            <div className="flex items-center justify-end gap-2 border-t border-slate-100 pt-5">
              <LinkButton variant="ghost" to={`${base}/new`}>
                Back to the catalog
              </LinkButton>
              {!readOnly && (
                <Button disabled={busy}>
                  {busy ? 'Creating…' : provider.authType === 'oauth2' ? 'Create, then connect' : 'Create integration'}
                </Button>
              )}
            </div>
          </Form>
        </Card>

        <aside className="space-y-4">
          <ProviderSetup provider={provider} callbackUrl={callbackUrl} />
          <Card title="What it syncs">
            {provider.resources.length ? (
              <ul className="space-y-1.5 text-sm text-slate-700">
                {provider.resources.map((r) => (
                  <li key={r.key} className="flex items-center justify-between gap-2">
                    <span>{r.name}</span>
                    {r.incremental && <span className="text-xs text-slate-500">incremental</span>}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-500">No predefined resources.</p>
            )}
          </Card>
        </aside>
      </div>
    </>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: React.ReactNode }) {
  return (
    <fieldset className="space-y-4 border-t border-slate-100 pt-5">
      <legend className="sr-only">{title}</legend>
      <div aria-hidden>
        <h2 className="text-sm font-semibold text-slate-900">{title}</h2>
        {description && <p className="mt-0.5 text-xs text-slate-500">{description}</p>}
      </div>
      {children}
    </fieldset>
  );
}

function credentialsHelp(provider: Provider): string {
  if (provider.authType === 'oauth2')
    return `From the OAuth app you registered with ${provider.name}. You connect your account after creating the integration.`;
  if (provider.authType === 'api_key') return `An API key from your ${provider.name} account settings.`;
  return `The ${provider.name} account Linkyard signs in with.`;
}

export function ErrorBoundary() {
  return <RouteError page="Add integration" />;
}
