import { useState } from 'react';
import { Link, useFetcher, useSearchParams } from 'react-router';
import type { Route } from './+types/webhooks';
import { api, formOutcome, loaded, settled, type ActionOutcome } from '~/lib/api.server';
import { readEndpointForm, validateEndpointForm, type EndpointFormErrors, type WebhookEvent } from '~/lib/webhooks';
import { useOrg } from './org-layout';
import { Card, EmptyState, PageHeader, Pager, StatusBadge, Table, Td } from '~/components/ui';
import { EndpointForm, SecretNotice } from '~/components/webhook-endpoint-form';
import { RouteError } from '~/components/route-error';
import { Time } from '~/components/time';

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const page = await loaded(
    request,
    api(context).GET('/api/orgs/{orgId}/webhook-endpoints', {
      params: { path: { orgId: params.orgId }, query: { limit: 50, cursor: url.searchParams.get('cursor') ?? undefined } },
    }),
  );
  return { page };
}

type CreateOutcome = ActionOutcome & { created?: { id: string; url: string; secret: string }; fieldErrors?: EndpointFormErrors };

export async function action({ request, context, params }: Route.ActionArgs): Promise<CreateOutcome> {
  const form = await request.formData();
  const values = readEndpointForm(form);
  const fieldErrors = validateEndpointForm(values);
  if (Object.keys(fieldErrors).length) return { ok: false, intent: 'create', message: 'Check the highlighted fields.', fieldErrors };
  const res = await settled(
    api(context).POST('/api/orgs/{orgId}/webhook-endpoints', {
      params: { path: { orgId: params.orgId } },
      body: { url: values.url, description: values.description, events: values.events as WebhookEvent[] },
    }),
  );
  if (res.ok) {
    // The secret goes to this admin's browser once, in this answer; it is never logged or stored here.
    return {
      ok: true,
      intent: 'create',
      message: 'Endpoint created',
      created: { id: res.data.id, url: res.data.url, secret: res.data.secret },
    };
  }
  return formOutcome(request, res, '', ['url', 'description', 'events'], 'create') as CreateOutcome;
}

export const meta: Route.MetaFunction = () => [{ title: 'Webhooks · Linkyard' }];

export default function Webhooks({ loaderData, params }: Route.ComponentProps) {
  const { page } = loaderData;
  const { org, permissions } = useOrg();
  const [search] = useSearchParams();
  const base = `/orgs/${params.orgId}/webhooks`;
  return (
    <>
      <PageHeader
        title="Webhooks"
        description={
          permissions.edit
            ? `Endpoints of ${org.name}'s own systems that receive its events, signed (Standard Webhooks).`
            : `Endpoints that receive ${org.name}'s events. Only Admins can add or change them.`
        }
      />
      {permissions.edit && <AddEndpoint />}
      {page.items.length === 0 ? (
        <EmptyState
          title="No webhook endpoints yet"
          description="Add an endpoint to have sync results and connection changes POSTed to your systems as they happen."
        />
      ) : (
        <Table head={['Endpoint', 'Events', 'Status', 'Created']}>
          {page.items.map((e) => (
            <tr key={e.id} data-endpoint={e.url}>
              <Td className="min-w-56 max-w-xs whitespace-normal! break-all">
                <Link to={`${base}/${e.id}`} className="font-medium text-brand-700 hover:underline">
                  {e.url}
                </Link>
                {e.description && <div className="text-xs text-slate-500">{e.description}</div>}
              </Td>
              <Td className="whitespace-normal!">
                <span className="font-mono text-xs text-slate-600">{e.events.join(', ')}</span>
              </Td>
              <Td>
                <StatusBadge status={e.enabled ? 'active' : 'disabled'} />
                {e.disabledReason && <div className="mt-1 max-w-xs whitespace-normal text-xs text-red-700">{e.disabledReason}</div>}
              </Td>
              <Td>
                <Time at={e.createdAt} />
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pager
        nextCursor={page.nextCursor}
        resetHref={search.get('cursor') ? base : null}
        makeHref={(c) => `${base}?cursor=${encodeURIComponent(c)}`}
      />
    </>
  );
}

function AddEndpoint() {
  const fetcher = useFetcher<CreateOutcome>({ key: 'create-endpoint' });
  const [dismissed, setDismissed] = useState<CreateOutcome | null>(null);
  const result = fetcher.data && fetcher.data !== dismissed ? fetcher.data : null;
  // A created endpoint empties the form: a new `key` remounts its inputs.
  const [answered, setAnswered] = useState(fetcher.data);
  const [formKey, setFormKey] = useState(0);
  if (fetcher.data !== answered) {
    setAnswered(fetcher.data);
    if (fetcher.data?.ok) setFormKey((k) => k + 1);
  }
  return (
    <Card title="Add an endpoint" className="mb-6">
      <EndpointForm
        key={formKey}
        fetcher={fetcher as never}
        intent="create"
        idPrefix="new-endpoint"
        initial={{ url: '', description: '', events: ['sync.succeeded', 'sync.failed'] }}
        serverErrors={result?.ok === false ? result.fieldErrors : undefined}
        submitLabel="Add endpoint"
        busyLabel="Adding…"
      />
      {result?.ok === false && !result.fieldErrors && (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {result.message}
        </p>
      )}
      {result?.ok && result.created && (
        <SecretNotice
          secret={result.created.secret}
          note={`Endpoint ${result.created.url} is created. Your receiver verifies each delivery with this secret.`}
          onDone={() => setDismissed(fetcher.data ?? null)}
        />
      )}
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Webhooks" />;
}
