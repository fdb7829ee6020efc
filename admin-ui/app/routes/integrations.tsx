import { Form, Link, useSearchParams } from 'react-router';
import type { Route } from './+types/integrations';
import { api, loaded, settled } from '~/lib/api.server';
import { loadSyncStatus, type SyncStatusSummary } from '~/lib/sync-status.server';
import type { Integration, IntegrationStatus } from '~/lib/types';
import { useOrg } from './org-layout';
import { SyncStatus } from '~/components/sync-status';
import { OnboardingChecklist } from '~/components/onboarding-checklist';
import { EmptyState, Input, LinkButton, PageHeader, Pager, ProviderAvatar, Select, StatusBadge, Table, Td } from '~/components/ui';
import { describeErrorKind } from '~/lib/error-kinds';
import { Time } from '~/components/time';

const STATUSES: IntegrationStatus[] = ['ACTIVE', 'SYNCING', 'ERROR', 'PAUSED', 'INACTIVE'];

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const filters = {
    q: url.searchParams.get('q') ?? '',
    status: url.searchParams.get('status') ?? '',
    provider: url.searchParams.get('provider') ?? '',
  };
  const [page, providers, { status, onboarding }] = await Promise.all([
    loaded(
      request,
      api(context).GET('/api/orgs/{orgId}/integrations', {
        params: {
          path: { orgId: params.orgId },
          query: {
            ...filters,
            status: STATUSES.find((s) => s === filters.status),
            limit: 50,
            cursor: url.searchParams.get('cursor') ?? undefined,
          },
        },
      }),
    ),
    loaded(request, api(context).GET('/api/providers')),
    loadSyncStatus(context, params.orgId).then(async (status) => ({
      status,
      onboarding: mayNeedOnboarding(status)
        ? await settled(api(context).GET('/api/orgs/{orgId}/onboarding', { params: { path: { orgId: params.orgId } } }))
        : null,
    })),
  ]);
  // The page's data travels inside its HTML (and again on each client navigation): only what the page shows.
  return {
    page: { items: page.items.map(rowOf), nextCursor: page.nextCursor },
    providers: providers.items.map((p) => ({ key: p.key, name: p.name })),
    filters,
    status,
    onboarding: onboarding?.ok ? onboarding.data : null,
  };
}

/** What a row shows of an integration. */
function rowOf(i: Integration) {
  const { id, name, provider, status, lastError, lastErrorKind, lastSyncAt, nextSyncAt } = i;
  return { id, name, provider, status, lastError, lastErrorKind, lastSyncAt, nextSyncAt };
}

/**
 * Whether the Get started checklist may have a step left, from the status figures the page loads anyway: once an
 * integration is connected (any status but INACTIVE) and a run has succeeded (lastSyncAt), every step is done (a run
 * needs a sync), so the checklist's own call is saved on the page of every organization past its first run.
 */
function mayNeedOnboarding(status: SyncStatusSummary | null): boolean {
  if (!status) return false;
  const connected = Object.entries(status.integrationsByStatus).some(([s, n]) => s !== 'INACTIVE' && n > 0);
  return !(connected && status.lastSyncAt !== null);
}

export const meta: Route.MetaFunction = () => [{ title: 'Integrations · Linkyard' }];

export default function Integrations({ loaderData, params }: Route.ComponentProps) {
  const { page, providers, filters, status, onboarding } = loaderData;
  const { permissions } = useOrg();
  const [search] = useSearchParams();
  const providerName = (key: string) => providers.find((p) => p.key === key)?.name ?? key;
  const filtered = Boolean(filters.q || filters.status || filters.provider);
  const base = `/orgs/${params.orgId}/integrations`;

  return (
    <>
      <PageHeader
        title="Integrations"
        description="Connections to your SaaS providers, their status and schedules."
        actions={permissions.edit && <LinkButton to={`${base}/new`}>Add integration</LinkButton>}
      />
      {onboarding && <OnboardingChecklist onboarding={onboarding} orgId={params.orgId} canEdit={permissions.edit} />}
      <SyncStatus orgId={params.orgId} variant="full" initial={status} canSync={permissions.edit} />

      <Form method="get" className="mb-4 flex flex-wrap items-end gap-3" role="search">
        <div className="w-64">
          <label htmlFor="q" className="text-xs font-medium text-slate-600">
            Search
          </label>
          <Input id="q" name="q" type="search" placeholder="Name…" defaultValue={filters.q} />
        </div>
        <div>
          <label htmlFor="status" className="text-xs font-medium text-slate-600">
            Status
          </label>
          <Select id="status" name="status" defaultValue={filters.status}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </Select>
        </div>
        <div>
          <label htmlFor="provider" className="text-xs font-medium text-slate-600">
            Provider
          </label>
          <Select id="provider" name="provider" defaultValue={filters.provider}>
            <option value="">Any provider</option>
            {providers.map((p) => (
              <option key={p.key} value={p.key}>
                {p.name}
              </option>
            ))}
          </Select>
        </div>
        <LinkButton variant="ghost" to={base} className={filtered ? '' : 'invisible'}>
          Clear
        </LinkButton>
        <button
          type="submit"
          className="rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
        >
          Apply
        </button>
      </Form>

      {page.items.length === 0 ? (
        filtered ? (
          <EmptyState
            title="No integrations match these filters"
            description="Try another status, provider or search."
            action={
              <LinkButton variant="secondary" to={base}>
                Clear filters
              </LinkButton>
            }
          />
        ) : (
          <EmptyState
            title="No integrations yet"
            description="Connect Salesforce, HubSpot, Slack, Stripe, Google Calendar and more, then sync their data on your own schedule."
            action={
              permissions.edit ? (
                <LinkButton to={`${base}/new`}>Add your first integration</LinkButton>
              ) : (
                <span className="text-sm text-slate-500">Ask an admin to add one.</span>
              )
            }
          />
        )
      ) : (
        <Table head={['Integration', 'Status', 'Last sync', 'Next sync', '']}>
          {page.items.map((i) => (
            <tr key={i.id} className="hover:bg-slate-50" data-integration={i.name}>
              <Td>
                <div className="flex items-center gap-3">
                  <ProviderAvatar providerKey={i.provider} name={providerName(i.provider)} />
                  <div className="min-w-0">
                    <Link
                      to={`${base}/${i.id}`}
                      title={i.name}
                      className="block max-w-[16rem] truncate font-medium text-slate-900 hover:text-brand-700 lg:max-w-xs"
                    >
                      {i.name}
                    </Link>
                    <div className="text-xs text-slate-500">{providerName(i.provider)}</div>
                  </div>
                </div>
              </Td>
              <Td>
                <StatusBadge status={i.status} />
                {i.status === 'ERROR' && i.lastError && (
                  <div className="mt-1 max-w-xs truncate text-xs text-red-700" title={i.lastError}>
                    {describeErrorKind(i.lastErrorKind) && (
                      <span className="font-semibold">{describeErrorKind(i.lastErrorKind)!.label}: </span>
                    )}
                    {i.lastError}
                  </div>
                )}
              </Td>
              <Td>
                <Time at={i.lastSyncAt} />
              </Td>
              <Td>{i.status === 'PAUSED' ? <span className="text-slate-500">Paused</span> : <Time at={i.nextSyncAt} />}</Td>
              <Td className="text-right">
                <Link to={`${base}/${i.id}`} className="text-sm font-medium text-brand-700 hover:underline">
                  Open<span className="sr-only"> {i.name}</span> →
                </Link>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pager
        nextCursor={page.nextCursor}
        resetHref={search.get('cursor') ? `${base}?${withoutCursor(search)}` : null}
        makeHref={(cursor) => `${base}?${withCursor(search, cursor)}`}
      />
    </>
  );
}

function withCursor(search: URLSearchParams, cursor: string) {
  const next = new URLSearchParams(search);
  next.set('cursor', cursor);
  return next.toString();
}

function withoutCursor(search: URLSearchParams) {
  const next = new URLSearchParams(search);
  next.delete('cursor');
  return next.toString();
}
