import { useState } from 'react';
import { useFetcher, useSearchParams } from 'react-router';
import type { Route } from './+types/api-keys';
import { api, formOutcome, loaded, outcome, settled, type ActionOutcome } from '~/lib/api.server';
import {
  API_KEY_ROLES,
  apiKeyLimits,
  apiKeyStatus,
  expiryOf,
  isApiKeyRole,
  readCreateApiKey,
  validateCreateApiKey,
  type ApiKey,
  type CreateApiKeyErrors,
  type CreateApiKeyValues,
  type CreatedApiKey,
} from '~/lib/api-keys-form';
import { useOrg } from './org-layout';
import { Button, Card, EmptyState, errorAttributes, Field, Input, PageHeader, Pager, Select, Table, Td, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { ConfirmAction } from '~/components/confirm-action';
import { CopyField } from '~/components/copy-field';
import { RouteError } from '~/components/route-error';
import { Time } from '~/components/time';

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const page = await loaded(
    request,
    api(context).GET('/api/orgs/{orgId}/api-keys', {
      params: { path: { orgId: params.orgId }, query: { limit: 100, cursor: url.searchParams.get('cursor') ?? undefined } },
    }),
  );
  return { page, now: Date.now() };
}

type KeyOutcome = ActionOutcome & {
  keyId?: string;
  values?: CreateApiKeyValues;
  fieldErrors?: CreateApiKeyErrors;
  /** The new key with its secret: in this answer only, never stored or logged by the admin UI. */
  created?: CreatedApiKey;
};

export async function action({ request, context, params }: Route.ActionArgs): Promise<KeyOutcome> {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const path = { orgId: params.orgId };

  if (intent === 'create') {
    const values = readCreateApiKey(form);
    const fieldErrors = validateCreateApiKey(values);
    if (Object.keys(fieldErrors).length || !isApiKeyRole(values.role))
      return { ok: false, intent, message: 'Check the highlighted fields.', fieldErrors, values };
    const expiresAt = values.expiresOn ? expiryOf(values.expiresOn, values.tzOffset) : null;
    const res = await settled(
      api(context).POST('/api/orgs/{orgId}/api-keys', { params: { path }, body: { name: values.name, role: values.role, expiresAt } }),
    );
    if (res.ok) return { ok: true, intent, message: `Created the API key “${res.data.name}”`, created: res.data };
    return { ...formOutcome(request, res, '', ['name', 'role', 'expiresAt'], intent), values };
  }

  if (intent === 'revoke') {
    const keyId = String(form.get('keyId') ?? '');
    const name = String(form.get('name') ?? 'the key');
    if (!/^[0-9a-f-]{36}$/i.test(keyId)) return { ok: false, intent, keyId, message: 'This key could not be identified; reload the page.' };
    const res = await settled(api(context).DELETE('/api/orgs/{orgId}/api-keys/{keyId}', { params: { path: { ...path, keyId } } }));
    return { ...outcome(request, res, `Revoked “${name}”: it stopped working at once`, intent), keyId };
  }
  return { ok: false, intent, message: 'Unknown action.' };
}

export const meta: Route.MetaFunction = () => [{ title: 'API keys · Linkyard' }];

export default function ApiKeys({ loaderData, params }: Route.ComponentProps) {
  const { page, now } = loaderData;
  const { org, permissions } = useOrg();
  const [search] = useSearchParams();
  const base = `/orgs/${params.orgId}/api-keys`;
  const created = useFetcher<KeyOutcome>({ key: 'create-key' }).data;
  const revoked = useFetcher<KeyOutcome>({ key: 'revoke-key' }).data;
  const toast = useToast([created, revoked], { successOnly: true });

  if (!permissions.manageApiKeys) {
    return (
      <>
        <PageHeader title="API keys" />
        <EmptyState title="Only a Super Admin manages API keys" description={`Ask a Super Admin of ${org.name}.`} />
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="API keys"
        description={`Keys let ${org.name}'s own systems call the Linkyard API (Authorization: Bearer lyk_…) as a Viewer or an Admin of this organization. They never reach other organizations, members or API keys.`}
      />
      <CreateKey />
      {page.items.length === 0 ? (
        <EmptyState
          title="No API keys yet"
          description="Create one above for each system that calls the API, so each can be revoked alone."
        />
      ) : (
        <Table
          head={[
            'Key',
            'Role',
            'Created',
            'Last used',
            'Expires',
            'Status',
            <span key="a" className="sr-only">
              Actions
            </span>,
          ]}
        >
          {page.items.map((k) => (
            <KeyRow key={k.id} apiKey={k} now={now} />
          ))}
        </Table>
      )}
      <Pager
        nextCursor={page.nextCursor}
        resetHref={search.get('cursor') ? base : null}
        makeHref={(c) => `${base}?cursor=${encodeURIComponent(c)}`}
      />
      <Toast outcome={toast} />
    </>
  );
}

function CreateKey() {
  const fetcher = useFetcher<KeyOutcome>({ key: 'create-key' });
  const [clientErrors, setClientErrors] = useState<CreateApiKeyErrors>({});
  const [dismissed, setDismissed] = useState<KeyOutcome | null>(null);
  const result = fetcher.data && fetcher.data !== dismissed ? fetcher.data : null;
  const errors: CreateApiKeyErrors = { ...(result?.ok === false ? result.fieldErrors : {}), ...clientErrors };
  const busy = fetcher.state !== 'idle';
  const [answered, setAnswered] = useState(fetcher.data);
  const [formKey, setFormKey] = useState(0);
  if (fetcher.data !== answered) {
    setAnswered(fetcher.data);
    if (fetcher.data?.ok) setFormKey((k) => k + 1);
  }
  const previous = result?.ok === false ? result.values : undefined;

  return (
    <Card title="Create an API key" className="mb-6">
      <fetcher.Form
        key={formKey}
        method="post"
        noValidate
        onSubmit={(e) => {
          // The browser's offset, so a chosen expiry day ends at midnight where the person is (the action runs on the server).
          const offset = e.currentTarget.elements.namedItem('tzOffset');
          if (offset instanceof HTMLInputElement) offset.value = String(new Date().getTimezoneOffset());
          const errs = validateCreateApiKey(readCreateApiKey(new FormData(e.currentTarget)));
          setClientErrors(errs);
          if (Object.keys(errs).length) e.preventDefault();
        }}
        className="grid grid-cols-1 items-start gap-4 md:grid-cols-[minmax(0,2fr)_minmax(0,1fr)_minmax(0,1.2fr)_auto]"
      >
        <input type="hidden" name="intent" value="create" />
        <input type="hidden" name="tzOffset" defaultValue="0" />
        <Field label="Name" htmlFor="key-name" error={errors.name} hint="What the key is for, e.g. “Data warehouse”.">
          <Input
            id="key-name"
            name="name"
            autoComplete="off"
            required
            maxLength={apiKeyLimits.name.maxLength}
            defaultValue={previous?.name}
            {...errorAttributes('key-name', errors.name)}
          />
        </Field>
        <Field label="Role" htmlFor="key-role" error={errors.role}>
          <Select id="key-role" name="role" defaultValue={previous?.role || 'viewer'} {...errorAttributes('key-role', errors.role)}>
            {API_KEY_ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Expires (optional)" htmlFor="key-expires" error={errors.expiresAt} hint="Stops working at the end of that day.">
          <Input
            id="key-expires"
            name="expiresOn"
            type="date"
            defaultValue={previous?.expiresOn}
            {...errorAttributes('key-expires', errors.expiresAt)}
          />
        </Field>
        <div className="md:pt-6">
          <Button disabled={busy} className="w-full md:w-auto">
            {busy ? 'Creating…' : 'Create key'}
          </Button>
        </div>
      </fetcher.Form>
      <details className="mt-4 text-sm">
        <summary className="cursor-pointer font-medium text-slate-700">What each role may do</summary>
        <dl className="mt-2 grid gap-2 sm:grid-cols-2">
          {API_KEY_ROLES.map((r) => (
            <div key={r.value}>
              <dt className="font-semibold text-slate-800">{r.label}</dt>
              <dd className="text-slate-600">{r.description}</dd>
            </div>
          ))}
        </dl>
      </details>
      {result?.ok === false && !result.fieldErrors && (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {result.message}
        </p>
      )}
      {result?.ok && result.created && <SecretNotice created={result.created} onDone={() => setDismissed(fetcher.data ?? null)} />}
    </Card>
  );
}

/** The new key's secret, shown this once. */
function SecretNotice({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  return (
    <div
      role="status"
      data-testid="api-key-secret"
      className="mt-4 rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-inset ring-amber-600/30"
    >
      <p className="font-semibold">Copy the key “{created.name}” now: you won’t see it again.</p>
      <p className="mt-1">
        Linkyard keeps only a hash of it. Store it where the calling system keeps its secrets, and send it as{' '}
        <code className="font-mono text-xs">Authorization: Bearer lyk_…</code>. If it is lost, revoke it and create another.
      </p>
      <div className="mt-3">
        <CopyField label="API key" value={created.secret} />
      </div>
      <div className="mt-2 flex justify-end">
        <Button type="button" variant="secondary" onClick={onDone}>
          I have copied it
        </Button>
      </div>
    </div>
  );
}

const STATUS_BADGE: Record<ReturnType<typeof apiKeyStatus>, string> = {
  active: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  expired: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  revoked: 'bg-slate-100 text-slate-600 ring-slate-500/20',
};

function KeyRow({ apiKey, now }: { apiKey: ApiKey; now: number }) {
  const fetcher = useFetcher<KeyOutcome>({ key: 'revoke-key' });
  const mine = fetcher.formData ? fetcher.formData.get('keyId') === apiKey.id : fetcher.data?.keyId === apiKey.id;
  const refusal = mine && fetcher.state === 'idle' && fetcher.data && !fetcher.data.ok ? fetcher.data.message : null;
  const status = apiKeyStatus(apiKey, now);
  return (
    <tr data-api-key={apiKey.name} data-status={status} className="align-top">
      <Td data-label="Key" className="whitespace-normal!">
        <div className="max-w-md truncate font-medium text-slate-900" title={apiKey.name}>
          {apiKey.name}
        </div>
        <code className="font-mono text-xs text-slate-500">{apiKey.prefix}…</code>
        <div className="text-xs text-slate-500">by {apiKey.createdBy.email}</div>
      </Td>
      <Td data-label="Role">{API_KEY_ROLES.find((r) => r.value === apiKey.role)?.label ?? apiKey.role}</Td>
      <Td data-label="Created">
        <Time at={apiKey.createdAt} />
      </Td>
      <Td data-label="Last used">{apiKey.lastUsedAt ? <Time at={apiKey.lastUsedAt} /> : <span className="text-slate-500">Never</span>}</Td>
      <Td data-label="Expires">{apiKey.expiresAt ? <Time at={apiKey.expiresAt} /> : <span className="text-slate-500">Never</span>}</Td>
      <Td data-label="Status">
        <span className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_BADGE[status]}`}>
          {status === 'active' ? 'Active' : status === 'expired' ? 'Expired' : 'Revoked'}
        </span>
      </Td>
      <Td className="text-right">
        {status !== 'revoked' && (
          <ConfirmAction
            fetcher={fetcher as never}
            fields={{ intent: 'revoke', keyId: apiKey.id, name: apiKey.name }}
            label="Revoke"
            ariaLabel={`Revoke ${apiKey.name}`}
            pendingLabel="Revoking…"
            busy={fetcher.state !== 'idle' && mine}
            title={`Revoke “${apiKey.name}”?`}
            description="Every system using this key is refused from its next request, on every Linkyard server. This cannot be undone; create a new key to restore access."
            confirmLabel="Revoke key"
          />
        )}
        {refusal && (
          <p role="alert" className="mt-1 text-sm text-red-700">
            {refusal}
          </p>
        )}
      </Td>
    </tr>
  );
}

export function ErrorBoundary() {
  return <RouteError page="API keys" forbiddenHint="Only a Super Admin of this organization manages its API keys." />;
}
