import { useEffect, useState } from 'react';
import { Link, useFetcher } from 'react-router';
import type { Route } from './+types/conflict';
import { api, loaded, redirectToLogin, settled, type ActionOutcome } from '~/lib/api.server';
import { initialChoices, resolveRequest, takeSide, unchosen, type Choice, type ResolveRequest } from '~/lib/conflicts';
import { useOrg } from './org-layout';
import { ConflictDiff } from '~/components/conflict-diff';
import { Button, ErrorNote, PageHeader, StatusBadge, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { RouteError } from '~/components/route-error';
import { Time } from '~/components/time';

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const path = { orgId: params.orgId };
  const conflict = await loaded(
    request,
    api(context).GET('/api/orgs/{orgId}/conflicts/{conflictId}', { params: { path: { ...path, conflictId: params.conflictId } } }),
  );
  const integration = await settled(
    api(context).GET('/api/orgs/{orgId}/integrations/{id}', { params: { path: { ...path, id: conflict.integrationId } } }),
  );
  return { conflict, integrationName: integration.ok ? integration.data.name : null };
}

const RESOLUTION_TEXT = {
  local: 'our version was written to the provider',
  remote: "the provider's version was kept",
  merged: 'the fields chosen one by one were written to the provider',
} as const;

/** A conflict over a delete has two outcomes, not fields to pick: the delete goes through, or the provider's record stays. */
const DELETE_RESOLUTION_TEXT = { local: 'the record was deleted at the provider', remote: "the provider's record was kept" } as const;

const resolutionText = (resolution: ResolveRequest['resolution'], localDeleted: boolean) =>
  localDeleted && resolution !== 'merged' ? DELETE_RESOLUTION_TEXT[resolution] : RESOLUTION_TEXT[resolution];

export async function action({ request, context, params }: Route.ActionArgs): Promise<ActionOutcome> {
  const body = (await request.json().catch(() => null)) as (ResolveRequest & { localDeleted?: boolean }) | null;
  if (!body || !['local', 'remote', 'merged'].includes(body.resolution)) return { ok: false, message: 'Choose what to keep first.' };
  const res = await settled(
    api(context).POST('/api/orgs/{orgId}/conflicts/{conflictId}/resolve', {
      params: { path: { orgId: params.orgId, conflictId: params.conflictId } },
      body: body.resolution === 'merged' ? { resolution: 'merged', data: body.data } : { resolution: body.resolution },
    }),
  );
  if (res.ok)
    return { ok: true, message: `Conflict resolved: ${resolutionText(body.resolution, body.localDeleted === true)}.`, intent: 'resolve' };
  if (res.status === 401) throw redirectToLogin(request);
  // A 409 (already resolved, or the provider changed the record again) is a sentence with what to do next.
  const next =
    res.status === 409
      ? ' The page now shows the conflict as it stands.'
      : res.status === 502
        ? ' Nothing was changed; try again in a moment.'
        : '';
  const prefix = res.status === 403 ? 'Not allowed: ' : '';
  return { ok: false, message: `${prefix}${res.message.replace(/\.?$/, '.')}${next}`, intent: 'resolve' };
}

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: `Conflict${loaderData ? ` on ${loaderData.conflict.externalId}` : ''} · Linkyard` },
];

export default function ConflictPage({ loaderData, params }: Route.ComponentProps) {
  const { conflict, integrationName } = loaderData;
  const { permissions } = useOrg();
  const fetcher = useFetcher<ActionOutcome>();
  const status = useFetcher({ key: `sync-status-${params.orgId}` });
  const toast = useToast([fetcher.data], { successOnly: true });
  const [choices, setChoices] = useState<Record<string, Choice>>(() => initialChoices(conflict.fields));
  const open = conflict.status === 'open';
  const canResolve = permissions.edit && open;
  // Field by field only where both sides have fields: a delete conflict is resolved with the two buttons above the table.
  const choosing = canResolve && !conflict.localDeleted;
  const missing = unchosen(conflict.fields, choices);
  const request = resolveRequest(conflict.fields, choices);
  const busy = fetcher.state !== 'idle';
  const failed = fetcher.data && !fetcher.data.ok && fetcher.state === 'idle' ? fetcher.data : null;
  // The open-conflicts count in the navigation and the status widget follows a resolve.
  useEffect(() => {
    if (fetcher.data?.ok) status.load(`/orgs/${params.orgId}/sync-status`);
  }, [fetcher.data]); // eslint-disable-line react-hooks/exhaustive-deps
  const integrationHref = `/orgs/${params.orgId}/integrations/${conflict.integrationId}`;

  // `localDeleted` only words the outcome message; the action does not send it to the API.
  const resolve = (body: ResolveRequest & { localDeleted?: boolean }) =>
    fetcher.submit(body as unknown as Parameters<typeof fetcher.submit>[0], { method: 'post', encType: 'application/json' });

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm">
        <Link to={`/orgs/${params.orgId}/conflicts`} className="font-medium text-slate-600 hover:text-slate-900">
          ← Conflicts
        </Link>
      </nav>
      <PageHeader
        title={
          <span className="flex min-w-0 flex-wrap items-center gap-2">
            <span className="min-w-0 truncate">
              Conflict on <span className="font-mono">{conflict.externalId}</span>
            </span>
            <StatusBadge status={conflict.status} />
          </span>
        }
        description={
          <>
            {conflict.resource} of{' '}
            {integrationName ? (
              <Link to={integrationHref} className="font-medium text-brand-700 underline">
                {integrationName}
              </Link>
            ) : (
              'a deleted integration'
            )}
            , found <Time at={conflict.createdAt} />. Changed cells are highlighted.
          </>
        }
      />
      {!open && (
        <p
          role="status"
          className="mb-4 rounded-md bg-emerald-50 px-4 py-3 text-sm text-emerald-800 ring-1 ring-inset ring-emerald-600/20"
          data-resolved
        >
          Resolved <Time at={conflict.resolvedAt} />
          {conflict.resolvedBy ? ` by ${conflict.resolvedBy.email ?? conflict.resolvedBy.name ?? 'an API key'}` : ''}
          {conflict.resolution ? `: ${resolutionText(conflict.resolution, conflict.localDeleted)}.` : '.'}
        </p>
      )}
      {open && !permissions.edit && (
        <p role="note" className="mb-4 text-sm text-slate-600">
          Only Admins can resolve conflicts.
        </p>
      )}
      {conflict.localDeleted && (
        <p role="note" className="mb-4 text-sm text-slate-700" data-delete-conflict>
          This record was deleted in Linkyard, but the provider had changed it since Linkyard last read it, so the delete was not sent.{' '}
          {canResolve ? 'Delete it at the provider anyway, or keep the provider’s record.' : ''}
        </p>
      )}
      {canResolve && conflict.localDeleted && (
        <div className="mb-4 flex flex-wrap items-center gap-2">
          <Button type="button" disabled={busy} onClick={() => resolve({ resolution: 'local', localDeleted: true })}>
            {busy ? 'Resolving…' : 'Delete at the provider'}
          </Button>
          <Button type="button" variant="secondary" disabled={busy} onClick={() => resolve({ resolution: 'remote', localDeleted: true })}>
            Keep the provider’s record
          </Button>
        </div>
      )}
      {canResolve && !conflict.localDeleted && (
        <div className="mb-4 flex flex-wrap items-center gap-2">
          <Button type="button" variant="secondary" disabled={busy} onClick={() => setChoices(takeSide(conflict.fields, 'local'))}>
            Take ours for every field
          </Button>
          <Button type="button" variant="secondary" disabled={busy} onClick={() => setChoices(takeSide(conflict.fields, 'remote'))}>
            Take theirs for every field
          </Button>
        </div>
      )}
      <ConflictDiff
        fields={conflict.fields}
        choices={choosing ? choices : undefined}
        onChoose={choosing ? (path, choice) => setChoices((all) => ({ ...all, [path]: choice })) : undefined}
        disabled={busy}
      />
      {choosing && (
        <div className="mt-4 flex flex-wrap items-center justify-end gap-3">
          <p className="text-sm text-slate-600" aria-live="polite" data-resolve-summary>
            {missing.length > 0
              ? `Choose what to keep for ${missing.join(', ')}.`
              : request?.resolution === 'local'
                ? 'Resolving writes our version to the provider.'
                : request?.resolution === 'remote'
                  ? "Resolving keeps the provider's version."
                  : 'Resolving writes the chosen fields to the provider.'}
          </p>
          <Button type="button" disabled={!request || busy} onClick={() => request && resolve(request)}>
            {busy ? 'Resolving…' : 'Resolve'}
          </Button>
        </div>
      )}
      {failed && (
        <div className="mt-4">
          <ErrorNote>{failed.message}</ErrorNote>
        </div>
      )}
      <Toast outcome={toast} />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Conflict" />;
}
