import { useEffect, useRef } from 'react';
import { Form, Link, useFetcher, useSearchParams } from 'react-router';
import type { Route } from './+types/integration-webhooks';
import { api, formOutcome, loaded, outcome, settled, type ActionOutcome } from '~/lib/api.server';
import type { Integration } from '~/lib/types';
import { useOrg } from './org-layout';
import { CopyField } from '~/components/copy-field';
import { Button, Card, EmptyState, errorAttributes, Field, Input, Pager, Select, StatusBadge, Table, Td, Toast } from '~/components/ui';
import { LiveIndicator, useAutoRefresh } from '~/components/log-list';
import { useToast } from '~/components/use-toast';
import { RouteError } from '~/components/route-error';
import { WebhookRegistrationPanel } from '~/components/webhook-registration';
import { Time } from '~/components/time';

const EVENT_STATUSES = ['accepted', 'duplicate', 'rejected', 'ignored'] as const;
type EventStatus = (typeof EVENT_STATUSES)[number];
const isEventStatus = (s: string | null): s is EventStatus => EVENT_STATUSES.includes(s as EventStatus);

export const meta: Route.MetaFunction = ({ matches }) => {
  const layout = matches.find((m) => m?.id === 'routes/integration-layout')?.data as { integration?: Integration } | undefined;
  return [{ title: `${layout?.integration?.name ?? 'Integration'} · Webhooks · Linkyard` }];
};

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const path = { orgId: params.orgId, id: params.integrationId };
  const status = url.searchParams.get('status');
  const [settings, events, integration] = await Promise.all([
    loaded(request, api(context).GET('/api/orgs/{orgId}/integrations/{id}/webhook', { params: { path } })),
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/integrations/{id}/webhook-events', {
        params: {
          path,
          query: { limit: 25, cursor: url.searchParams.get('cursor') ?? undefined, status: isEventStatus(status) ? status : undefined },
        },
      }),
    ),
    loaded(request, api(context).GET('/api/orgs/{orgId}/integrations/{id}', { params: { path } })),
  ]);
  return { settings, events, paused: integration.status === 'PAUSED' };
}

type SecretOutcome = ActionOutcome & { fieldErrors?: Record<string, string> };

export async function action({ request, context, params }: Route.ActionArgs): Promise<SecretOutcome> {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const path = { orgId: params.orgId, id: params.integrationId };
  if (intent === 'register') {
    const res = await settled(api(context).POST('/api/orgs/{orgId}/integrations/{id}/webhook/register', { params: { path } }));
    const done = res.ok ? res.data : null;
    const message = done ? `Webhook ${done.registered} on ${done.target} (id ${done.hookId}); the secret is set and never shown.` : '';
    return outcome(request, res, message, intent);
  }
  if (intent !== 'secret') return { ok: false, intent, message: 'Unknown action.' };
  const webhookSecret = String(form.get('webhookSecret') ?? '').trim();
  if (!webhookSecret)
    return {
      ok: false,
      intent,
      message: 'Check the highlighted field.',
      fieldErrors: { webhookSecret: 'Paste the secret the provider signs with' },
    };
  const res = await settled(
    api(context).PATCH('/api/orgs/{orgId}/integrations/{id}', {
      params: { path: { orgId: params.orgId, id: params.integrationId } },
      body: { webhookSecret },
    }),
  );
  return formOutcome(request, res, 'Webhook secret saved. It is never shown again.', ['webhookSecret'], intent);
}

/** What an admin reads for an event: an accepted event a worker acted on is "processed"; one still waiting, "accepted". */
function shownStatus(e: { status: string; processedAt: string | null }): string {
  return e.status === 'accepted' && e.processedAt ? 'processed' : e.status;
}

export default function IntegrationWebhooks({ loaderData, params }: Route.ComponentProps) {
  const { settings, events, paused } = loaderData;
  const { permissions } = useOrg();
  const [search] = useSearchParams();
  const base = `/orgs/${params.orgId}/integrations/${params.integrationId}`;
  const waiting = events.items.some((e) => e.status === 'accepted' && !e.processedAt);
  useAutoRefresh(waiting);
  const secret = useFetcher<SecretOutcome>({ key: 'webhook-secret' });
  const register = useFetcher<ActionOutcome>({ key: 'webhook-register' });
  const toast = useToast([secret.data], {});
  const secretError = secret.data?.fieldErrors?.webhookSecret;
  const secretForm = useRef<HTMLFormElement>(null);
  // A saved secret leaves the field: it is never shown, not even to the person who typed it.
  useEffect(() => {
    if (secret.data?.ok) secretForm.current?.reset();
  }, [secret.data]);

  if (settings.registration.length === 0) {
    return (
      <EmptyState
        title="No webhooks from this provider"
        description="This provider does not send webhooks; its syncs run on their schedules."
      />
    );
  }
  return (
    <>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <h2 className="mb-3 text-lg font-semibold text-slate-900">Register at the provider</h2>
          <CopyField label="Webhook URL" value={settings.url} />
          <ol className="mt-4 list-decimal space-y-2 pl-5 text-sm text-slate-700" aria-label="Registration steps">
            {settings.registration.map((step) => (
              <li key={step}>{step}</li>
            ))}
          </ol>
          {settings.canRegister && (
            <register.Form method="post">
              <WebhookRegistrationPanel
                state={settings}
                canEdit={permissions.edit}
                pending={register.state !== 'idle'}
                result={register.data}
              />
            </register.Form>
          )}
          <p className="mt-4 text-xs text-slate-500">
            Verified as {settings.signatureScheme}.{' '}
            {settings.docs && (
              <a href={settings.docs} target="_blank" rel="noreferrer" className="text-brand-700 underline">
                The provider&rsquo;s documentation
              </a>
            )}
          </p>
        </Card>
        <Card>
          <h2 className="mb-3 text-lg font-semibold text-slate-900">Webhook secret</h2>
          <p className="mb-4 flex items-center gap-2 text-sm text-slate-600" data-testid="webhook-secret-state">
            <span className={`size-2 rounded-full ${settings.hasWebhookSecret ? 'bg-emerald-500' : 'bg-red-500'}`} aria-hidden />
            {settings.hasWebhookSecret
              ? 'A webhook secret is set. It is never shown; replacing it takes effect at once.'
              : 'No webhook secret is set: deliveries are answered 404 until one is.'}
          </p>
          {permissions.edit ? (
            <secret.Form method="post" ref={secretForm} className="space-y-3">
              <input type="hidden" name="intent" value="secret" />
              <Field
                label={settings.hasWebhookSecret ? 'Replace the webhook secret' : 'Webhook secret'}
                htmlFor="webhookSecret"
                error={secretError}
              >
                <Input
                  id="webhookSecret"
                  name="webhookSecret"
                  type="password"
                  autoComplete="off"
                  spellCheck={false}
                  {...errorAttributes('webhookSecret', secretError)}
                />
              </Field>
              <Button disabled={secret.state !== 'idle'}>{settings.hasWebhookSecret ? 'Replace secret' : 'Set secret'}</Button>
            </secret.Form>
          ) : (
            <p className="text-sm text-slate-500">Admins set the webhook secret.</p>
          )}
          <p className="mt-4 text-xs text-slate-500">
            Last delivery: <Time at={settings.lastReceivedAt} fallback="none yet" />
            {paused ? ' · The integration is paused: events are recorded as ignored.' : ''}
          </p>
        </Card>
      </div>

      <div className="mb-3 mt-8 flex flex-wrap items-end justify-between gap-3">
        <h2 className="flex items-center gap-2 text-lg font-semibold text-slate-900">
          Events <LiveIndicator active={waiting} label="Updating" />
        </h2>
        <Form method="get" className="flex flex-wrap items-end gap-2" aria-label="Filter events">
          <label className="text-sm text-slate-600">
            Status
            <Select name="status" defaultValue={search.get('status') ?? ''} className="mt-1 w-36">
              <option value="">Any</option>
              {EVENT_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </Select>
          </label>
          <Button variant="secondary">Filter</Button>
        </Form>
      </div>
      {events.items.length === 0 ? (
        <EmptyState
          title="No events"
          description={
            search.get('status')
              ? 'None match this filter.'
              : 'Deliveries from the provider appear here once the URL is registered and the secret is set.'
          }
        />
      ) : (
        <Table head={['Received', 'Type', 'Event id', 'Status', 'Reason', 'Run']}>
          {events.items.map((e) => (
            <tr key={e.id} data-webhook-event={e.providerEventId ?? e.id} data-event-status={shownStatus(e)}>
              <Td className="whitespace-nowrap">
                <Time at={e.receivedAt} />
              </Td>
              <Td className="font-mono text-xs">{e.type ?? '—'}</Td>
              <Td className="max-w-48 truncate font-mono text-xs" title={e.providerEventId ?? undefined}>
                {e.providerEventId ?? '—'}
              </Td>
              <Td>
                <StatusBadge status={shownStatus(e)} />
              </Td>
              <Td className="text-sm text-slate-600">{e.reason ?? ''}</Td>
              <Td>
                {e.runId ? (
                  <Link
                    to={`${base}/history#run-${e.runId}`}
                    className="font-medium text-brand-700 hover:underline"
                    data-run-link={e.runId}
                  >
                    Run<span className="sr-only"> this event queued or joined</span>
                  </Link>
                ) : (
                  '—'
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pager
        nextCursor={events.nextCursor}
        resetHref={search.get('cursor') ? `${base}/webhooks${search.get('status') ? `?status=${search.get('status')}` : ''}` : null}
        makeHref={(c) => {
          const next = new URLSearchParams(search);
          next.set('cursor', c);
          return `${base}/webhooks?${next.toString()}`;
        }}
      />
      <Toast outcome={toast} />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Webhooks" />;
}
