import { useState } from 'react';
import { Form, Link, redirect, useFetcher, useSearchParams } from 'react-router';
import type { Route } from './+types/webhook-endpoint';
import { api, formOutcome, loaded, outcome, settled, type ActionOutcome } from '~/lib/api.server';
import { formatDuration } from '~/lib/format';
import {
  DELIVERY_STATUSES,
  isDeliveryStatus,
  isWebhookEvent,
  lastAnswer,
  readEndpointForm,
  validateEndpointForm,
  WEBHOOK_EVENTS,
  type EndpointFormErrors,
  type WebhookDeliveryDetail,
  type WebhookEndpoint,
  type WebhookEvent,
} from '~/lib/webhooks';
import { useOrg } from './org-layout';
import { Button, Card, EmptyState, LinkButton, PageHeader, Pager, Select, StatusBadge, Table, Td, Toast } from '~/components/ui';
import { ConfirmAction } from '~/components/confirm-action';
import { EndpointForm, SecretNotice } from '~/components/webhook-endpoint-form';
import { LiveIndicator, useAutoRefresh } from '~/components/log-list';
import { useToast } from '~/components/use-toast';
import { RouteError } from '~/components/route-error';
import { Time } from '~/components/time';

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const path = { orgId: params.orgId, endpointId: params.endpointId };
  const status = url.searchParams.get('status');
  const event = url.searchParams.get('event');
  const deliveryId = url.searchParams.get('delivery');
  const [endpoint, deliveries, delivery] = await Promise.all([
    loaded(request, api(context).GET('/api/orgs/{orgId}/webhook-endpoints/{endpointId}', { params: { path } })),
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/webhook-endpoints/{endpointId}/deliveries', {
        params: {
          path,
          query: {
            limit: 25,
            cursor: url.searchParams.get('cursor') ?? undefined,
            status: isDeliveryStatus(status) ? status : undefined,
            event: isWebhookEvent(event) ? event : undefined,
          },
        },
      }),
    ),
    deliveryId && /^[0-9a-f-]{36}$/i.test(deliveryId)
      ? settled(
          api(context).GET('/api/orgs/{orgId}/webhook-endpoints/{endpointId}/deliveries/{deliveryId}', {
            params: { path: { ...path, deliveryId } },
          }),
        ).then((res) => (res.ok ? res.data : null))
      : Promise.resolve(null),
  ]);
  return { endpoint, deliveries, delivery };
}

type EndpointOutcome = ActionOutcome & { secret?: string; fieldErrors?: EndpointFormErrors };

export async function action({ request, context, params }: Route.ActionArgs): Promise<EndpointOutcome | Response> {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const path = { orgId: params.orgId, endpointId: params.endpointId };
  const client = api(context);
  switch (intent) {
    case 'update': {
      const values = readEndpointForm(form);
      const fieldErrors = validateEndpointForm(values);
      if (Object.keys(fieldErrors).length) return { ok: false, intent, message: 'Check the highlighted fields.', fieldErrors };
      const body = { url: values.url, description: values.description, events: values.events as WebhookEvent[] };
      const res = await settled(client.PATCH('/api/orgs/{orgId}/webhook-endpoints/{endpointId}', { params: { path }, body }));
      return formOutcome(request, res, 'Endpoint saved', ['url', 'description', 'events'], intent);
    }
    case 'enable':
    case 'disable': {
      const body = { enabled: intent === 'enable' };
      const res = await settled(client.PATCH('/api/orgs/{orgId}/webhook-endpoints/{endpointId}', { params: { path }, body }));
      return outcome(request, res, intent === 'enable' ? 'Endpoint enabled: pending deliveries go out now' : 'Endpoint disabled', intent);
    }
    case 'rotate': {
      const res = await settled(client.POST('/api/orgs/{orgId}/webhook-endpoints/{endpointId}/rotate-secret', { params: { path } }));
      return res.ok ? { ok: true, intent, message: 'Secret rotated', secret: res.data.secret } : outcome(request, res, '', intent);
    }
    case 'test': {
      const res = await settled(client.POST('/api/orgs/{orgId}/webhook-endpoints/{endpointId}/test', { params: { path } }));
      return outcome(request, res, 'Test event queued: watch the delivery log', intent);
    }
    case 'redeliver': {
      const deliveryId = String(form.get('deliveryId') ?? '');
      if (!/^[0-9a-f-]{36}$/i.test(deliveryId))
        return { ok: false, intent, message: 'This delivery could not be identified; reload the page.' };
      const res = await settled(
        client.POST('/api/orgs/{orgId}/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/redeliver', {
          params: { path: { ...path, deliveryId } },
        }),
      );
      return outcome(request, res, 'Sent again as a new delivery', intent);
    }
    case 'delete': {
      const res = await settled(client.DELETE('/api/orgs/{orgId}/webhook-endpoints/{endpointId}', { params: { path } }));
      if (res.ok) return redirect(`/orgs/${params.orgId}/webhooks`);
      return outcome(request, res, '', intent);
    }
  }
  return { ok: false, intent, message: 'Unknown action.' };
}

export const meta: Route.MetaFunction = () => [{ title: 'Webhook endpoint · Linkyard' }];

export default function WebhookEndpointPage({ loaderData, params }: Route.ComponentProps) {
  const { endpoint, deliveries, delivery } = loaderData;
  const { permissions } = useOrg();
  const [search] = useSearchParams();
  const base = `/orgs/${params.orgId}/webhooks/${params.endpointId}`;
  const pending = deliveries.items.some((d) => d.status === 'pending') || delivery?.status === 'pending';
  useAutoRefresh(pending);
  const actions = useFetcher<EndpointOutcome>({ key: 'endpoint-actions' });
  const toast = useToast([actions.data], {});
  const query = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(search);
    next.delete('cursor');
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    const text = next.toString();
    return text ? `${base}?${text}` : base;
  };

  return (
    <>
      <p className="mb-2 text-sm">
        <Link to={`/orgs/${params.orgId}/webhooks`} className="text-brand-700 hover:underline">
          ← Webhooks
        </Link>
      </p>
      <PageHeader
        title={<span className="break-all">{endpoint.url}</span>}
        description={endpoint.description || undefined}
        actions={permissions.edit ? <EndpointActions endpoint={endpoint} fetcher={actions} /> : undefined}
      />
      <EndpointStatus endpoint={endpoint} />
      {actions.data?.ok && actions.data.secret && <RotatedSecret outcome={actions.data} />}
      {permissions.edit && <EditEndpoint endpoint={endpoint} />}

      <div className="mb-3 mt-8 flex flex-wrap items-end justify-between gap-3">
        <h2 className="flex items-center gap-2 text-lg font-semibold text-slate-900">
          Delivery log <LiveIndicator active={pending} label="Updating" />
        </h2>
        <Form method="get" className="flex flex-wrap items-end gap-2" aria-label="Filter deliveries">
          <label className="text-sm text-slate-600">
            Status
            <Select name="status" defaultValue={search.get('status') ?? ''} className="mt-1 w-36">
              <option value="">Any</option>
              {DELIVERY_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </Select>
          </label>
          <label className="text-sm text-slate-600">
            Event
            <Select name="event" defaultValue={search.get('event') ?? ''} className="mt-1 w-52">
              <option value="">Any</option>
              {WEBHOOK_EVENTS.map((e) => (
                <option key={e} value={e}>
                  {e}
                </option>
              ))}
            </Select>
          </label>
          <Button variant="secondary">Filter</Button>
        </Form>
      </div>
      {delivery && <DeliveryDetail delivery={delivery} closeHref={query({ delivery: null })} canRedeliver={permissions.edit} />}
      {deliveries.items.length === 0 ? (
        <EmptyState
          title="No deliveries"
          description={
            search.get('status') || search.get('event')
              ? 'None match these filters.'
              : 'Events sent to this endpoint appear here. Send a test to try it.'
          }
        />
      ) : (
        <Table head={['Event', 'Status', 'Attempts', 'Last answer', 'Last attempt', 'Next attempt', '']}>
          {deliveries.items.map((d) => (
            <tr key={d.id} data-delivery={d.id} data-delivery-status={d.status}>
              <Td className="font-mono text-xs">{d.event}</Td>
              <Td>
                <StatusBadge status={d.status} />
              </Td>
              <Td>{d.attempts}</Td>
              <Td>{lastAnswer(d)}</Td>
              <Td>
                <Time at={d.lastAttemptAt} />
              </Td>
              <Td>{d.status === 'pending' ? <Time at={d.nextAttemptAt} /> : '—'}</Td>
              <Td className="text-right">
                <Link to={query({ delivery: d.id })} className="font-medium text-brand-700 hover:underline" preventScrollReset>
                  Details<span className="sr-only"> of the {d.event} delivery</span>
                </Link>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pager
        nextCursor={deliveries.nextCursor}
        resetHref={search.get('cursor') ? query({}) : null}
        makeHref={(c) => {
          const next = new URLSearchParams(search);
          next.set('cursor', c);
          return `${base}?${next.toString()}`;
        }}
      />
      <Toast outcome={toast} />
    </>
  );
}

function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  return (
    <Card className="mb-6">
      <dl className="grid gap-4 text-sm sm:grid-cols-3">
        <div>
          <dt className="font-medium text-slate-500">Status</dt>
          <dd className="mt-1">
            <StatusBadge status={endpoint.enabled ? 'active' : 'disabled'} />
            {endpoint.disabledReason && <p className="mt-1 text-red-700">{endpoint.disabledReason}</p>}
          </dd>
        </div>
        <div>
          <dt className="font-medium text-slate-500">Events</dt>
          <dd className="mt-1 font-mono text-xs text-slate-800">{endpoint.events.join(', ')}</dd>
        </div>
        <div>
          <dt className="font-medium text-slate-500">Signing secret</dt>
          <dd className="mt-1 text-slate-800">
            {endpoint.secretRotatedUntil ? (
              <>
                Rotated: the previous secret also signs until <Time at={endpoint.secretRotatedUntil} />
              </>
            ) : (
              'Shown once when created or rotated'
            )}
          </dd>
        </div>
      </dl>
    </Card>
  );
}

function EndpointActions({ endpoint, fetcher }: { endpoint: WebhookEndpoint; fetcher: ReturnType<typeof useFetcher<EndpointOutcome>> }) {
  const busy = fetcher.state !== 'idle';
  return (
    <div className="flex flex-wrap gap-2">
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value="test" />
        <Button variant="secondary" disabled={busy}>
          Send test
        </Button>
      </fetcher.Form>
      <fetcher.Form method="post">
        <input type="hidden" name="intent" value={endpoint.enabled ? 'disable' : 'enable'} />
        <Button variant="secondary" disabled={busy}>
          {endpoint.enabled ? 'Disable' : 'Enable'}
        </Button>
      </fetcher.Form>
      <ConfirmAction
        fetcher={fetcher as never}
        fields={{ intent: 'rotate' }}
        label="Rotate secret"
        title="Rotate the signing secret?"
        description="You get a new secret, shown once. For 24 hours deliveries carry signatures of both the old and the new secret, so you can switch your receiver over without missing one."
        confirmLabel="Rotate secret"
        tone="primary"
      />
      <ConfirmAction
        fetcher={fetcher as never}
        fields={{ intent: 'delete' }}
        label="Delete"
        title="Delete this endpoint?"
        description="It stops receiving events at once, and its delivery log is deleted with it."
        confirmLabel="Delete endpoint"
      />
    </div>
  );
}

function RotatedSecret({ outcome: result }: { outcome: EndpointOutcome }) {
  const [dismissed, setDismissed] = useState<EndpointOutcome | null>(null);
  if (!result.secret || dismissed === result) return null;
  return (
    <SecretNotice
      secret={result.secret}
      note="The previous secret keeps signing deliveries for 24 hours; switch your receiver to this one within the day."
      onDone={() => setDismissed(result)}
    />
  );
}

function EditEndpoint({ endpoint }: { endpoint: WebhookEndpoint }) {
  const fetcher = useFetcher<EndpointOutcome>({ key: 'edit-endpoint' });
  const result = fetcher.data;
  return (
    <details className="mt-6 rounded-lg bg-white shadow-sm ring-1 ring-slate-200" open={result?.ok === false || undefined}>
      <summary className="cursor-pointer px-5 py-3 text-sm font-semibold text-slate-900">Edit URL, description and events</summary>
      <div className="border-t border-slate-100 p-5">
        <EndpointForm
          fetcher={fetcher as never}
          intent="update"
          idPrefix="edit-endpoint"
          initial={{ url: endpoint.url, description: endpoint.description, events: endpoint.events }}
          serverErrors={result?.ok === false ? result.fieldErrors : undefined}
          submitLabel="Save changes"
          busyLabel="Saving…"
        />
        {result && (!result.ok ? !result.fieldErrors : true) && (
          <p role={result.ok ? 'status' : 'alert'} className={`mt-3 text-sm ${result.ok ? 'text-emerald-700' : 'text-red-700'}`}>
            {result.message}
          </p>
        )}
      </div>
    </details>
  );
}

function DeliveryDetail({
  delivery,
  closeHref,
  canRedeliver,
}: {
  delivery: WebhookDeliveryDetail;
  closeHref: string;
  canRedeliver: boolean;
}) {
  const fetcher = useFetcher<EndpointOutcome>({ key: 'redeliver' });
  return (
    <Card
      className="mb-4"
      title={
        <span className="flex items-center gap-2">
          <span className="font-mono">{delivery.event}</span> <StatusBadge status={delivery.status} />
        </span>
      }
      actions={
        <>
          {canRedeliver && (
            <fetcher.Form method="post">
              <input type="hidden" name="intent" value="redeliver" />
              <input type="hidden" name="deliveryId" value={delivery.id} />
              <Button variant="secondary" disabled={fetcher.state !== 'idle'}>
                {fetcher.state !== 'idle' ? 'Sending…' : 'Redeliver'}
              </Button>
            </fetcher.Form>
          )}
          <LinkButton variant="ghost" to={closeHref} preventScrollReset>
            Close
          </LinkButton>
        </>
      }
    >
      <p className="text-xs text-slate-500">
        Event <span className="font-mono">{delivery.eventId}</span> (the webhook-id header) · created <Time at={delivery.createdAt} />
        {delivery.status === 'pending' && delivery.nextAttemptAt ? (
          <>
            {' '}
            · next attempt <Time at={delivery.nextAttemptAt} />
          </>
        ) : (
          ''
        )}
      </p>
      {fetcher.data && (
        <p role={fetcher.data.ok ? 'status' : 'alert'} className={`mt-2 text-sm ${fetcher.data.ok ? 'text-emerald-700' : 'text-red-700'}`}>
          {fetcher.data.message}
        </p>
      )}
      <h3 className="mt-4 text-sm font-semibold text-slate-900">Attempts</h3>
      {delivery.attemptList.length === 0 ? (
        <p className="mt-1 text-sm text-slate-500">Not attempted yet.</p>
      ) : (
        <ol className="mt-2 space-y-3">
          {delivery.attemptList.map((a, i) => (
            <li key={a.id} className="rounded-md bg-slate-50 p-3 text-sm ring-1 ring-inset ring-slate-200" data-attempt>
              <div className="flex flex-wrap gap-x-4 gap-y-1">
                <span className="font-medium text-slate-900">#{i + 1}</span>
                <span>
                  <Time at={a.attemptedAt} />
                </span>
                <span>{a.statusCode !== null ? `HTTP ${a.statusCode}` : 'No answer'}</span>
                <span>{formatDuration(a.durationMs)}</span>
              </div>
              {a.error && <p className="mt-1 text-red-700">{a.error}</p>}
              {a.response && (
                <pre className="mt-2 max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-white p-2 font-mono text-xs text-slate-700 ring-1 ring-inset ring-slate-200">
                  {a.response}
                </pre>
              )}
            </li>
          ))}
        </ol>
      )}
      <details className="mt-4">
        <summary className="cursor-pointer text-sm font-medium text-slate-700">Body sent</summary>
        <pre className="mt-2 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-xs text-slate-700 ring-1 ring-inset ring-slate-200">
          {JSON.stringify(delivery.payload, null, 2)}
        </pre>
      </details>
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Webhook endpoint" />;
}
