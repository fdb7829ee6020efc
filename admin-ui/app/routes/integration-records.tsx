import { Fragment, useState } from 'react';
import { Form, useSearchParams, useSubmit } from 'react-router';
import type { Route } from './+types/integration-records';
import { api, loaded, redirectToLogin, settled } from '~/lib/api.server';
import { fieldOfPushError, recordFromFields, type EditableField } from '~/lib/record-edit';
import { RecordEditor, type PushOutcome } from '~/components/record-editor';
import { useOrg } from './org-layout';
import { fieldCount, summarizeRecord } from '~/lib/record-summary';
import type { Integration } from '~/lib/types';
import { useIntegration } from './integration-layout';
import { Button, EmptyState, LinkButton, Pager, Select, Table, Td } from '~/components/ui';
import { RouteError } from '~/components/route-error';
import { Time, TimeZoneNote } from '~/components/time';

const PAGE_SIZE = 25;

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const resource = url.searchParams.get('resource') ?? '';
  const includeDeleted = url.searchParams.get('deleted') === '1';
  const page = await loaded(
    request,
    api(context).GET('/api/orgs/{orgId}/integrations/{id}/records', {
      params: {
        path: { orgId: params.orgId, id: params.integrationId },
        query: {
          resource: resource || undefined,
          includeDeleted: includeDeleted || undefined,
          cursor: url.searchParams.get('cursor') ?? undefined,
          limit: PAGE_SIZE,
        },
      },
    }),
  );
  return { page, resource, includeDeleted };
}

/** An Admin's edit of one record: pushed to the provider through the resource's sync (a run with trigger push). */
export async function action({ request, context, params }: Route.ActionArgs): Promise<PushOutcome> {
  const form = await request.formData();
  const externalId = String(form.get('externalId') ?? '');
  const syncId = String(form.get('syncId') ?? '');
  const idempotencyKey = String(form.get('idempotencyKey') ?? '') || undefined;
  let fields: EditableField[];
  let original: unknown;
  try {
    fields = JSON.parse(String(form.get('fields') ?? '[]')) as EditableField[];
    original = JSON.parse(String(form.get('original') ?? '{}'));
  } catch {
    return { ok: false, intent: 'push', externalId, message: 'The edited record could not be read; open the editor again.' };
  }
  const res = await settled(
    api(context).POST('/api/orgs/{orgId}/syncs/{syncId}/records', {
      params: { path: { orgId: params.orgId, syncId }, header: { 'idempotency-key': idempotencyKey } },
      body: { records: [{ externalId, data: recordFromFields(original, fields) }] },
    }),
  );
  if (res.ok) return { ok: true, intent: 'push', externalId, runId: res.data.runId, message: 'Change queued for the provider.' };
  if (res.status === 401) throw redirectToLogin(request);
  const prefix = res.status === 403 ? 'Not allowed: ' : '';
  const field = fieldOfPushError(res.field);
  return {
    ok: false,
    intent: 'push',
    externalId,
    message: `${prefix}${res.message}`,
    ...(field ? { fieldErrors: { [field]: res.message } } : {}),
  };
}

export const meta: Route.MetaFunction = ({ matches }) => {
  const layout = matches.find((m) => m?.id === 'routes/integration-layout')?.data as { integration?: Integration } | undefined;
  return [{ title: `${layout?.integration?.name ?? 'Integration'} · Records · Linkyard` }];
};

export default function IntegrationRecords({ loaderData, params }: Route.ComponentProps) {
  const { page, resource, includeDeleted } = loaderData;
  const { provider, syncs } = useIntegration();
  const { permissions } = useOrg();
  const [editing, setEditing] = useState<string | null>(null);
  // A record can be edited and pushed by an Admin when its resource's sync writes to the provider.
  const pushSync = (resourceKey: string) => syncs.find((s) => s.resource === resourceKey && s.direction !== 'pull') ?? null;
  const canPush = permissions.edit && syncs.some((s) => s.direction !== 'pull');
  const [search] = useSearchParams();
  const submit = useSubmit();
  const base = `/orgs/${params.orgId}/integrations/${params.integrationId}`;
  // The provider's resources, plus any synced resource the catalog no longer lists.
  const resources: { key: string; name: string }[] = [...(provider?.resources ?? [])];
  for (const s of syncs) if (!resources.some((r) => r.key === s.resource)) resources.push({ key: s.resource, name: s.resource });
  const resourceName = (key: string) => resources.find((r) => r.key === key)?.name ?? key;
  const filters = new URLSearchParams({ ...(resource ? { resource } : {}), ...(includeDeleted ? { deleted: '1' } : {}) });

  return (
    <div>
      <div className="mb-4 flex flex-wrap items-end justify-between gap-3">
        <Form method="get" action={`${base}/records`} className="flex flex-wrap items-end gap-2" onChange={(e) => submit(e.currentTarget)}>
          <div>
            <label htmlFor="records-resource" className="text-xs font-medium text-slate-600">
              Resource
            </label>
            <Select id="records-resource" name="resource" defaultValue={resource} className="min-w-52">
              <option value="">All resources</option>
              {resources.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.name}
                </option>
              ))}
            </Select>
          </div>
          <label className="flex items-center gap-1.5 pb-1.5 text-sm text-slate-700">
            <input type="checkbox" name="deleted" value="1" defaultChecked={includeDeleted} className="rounded border-slate-300" />
            Include deleted
          </label>
          <button
            type="submit"
            className="rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
          >
            Show
          </button>
        </Form>
        <p className="text-xs text-slate-500">
          The latest version of each record Linkyard synced, with its latest change as the change feed reports it. Click a row’s data to see
          all of it. <TimeZoneNote />
        </p>
      </div>

      {page.items.length === 0 ? (
        <EmptyState
          title={resource ? `No ${resourceName(resource).toLowerCase()} synced yet` : 'No records synced yet'}
          description={
            syncs.length === 0
              ? 'Set up a sync for this integration; its records show up here after the first run.'
              : 'Records show up here after a sync run fetches them. Run a sync from the Overview tab or wait for the schedule.'
          }
          action={
            <LinkButton variant="secondary" to={syncs.length === 0 ? `${base}/syncs` : base}>
              {syncs.length === 0 ? 'Set up syncs' : 'Go to Overview'}
            </LinkButton>
          }
        />
      ) : (
        <Table
          head={[
            <span key="id" className="whitespace-nowrap">
              External ID
            </span>,
            ...(resource ? [] : ['Resource']),
            'Latest change',
            'Updated at source',
            'Data',
            ...(canPush
              ? [
                  <span key="actions" className="sr-only">
                    Actions
                  </span>,
                ]
              : []),
          ]}
        >
          {page.items.map((r) => {
            const key = `${r.resource}:${r.externalId}`;
            const sync = r.deletedAt ? null : pushSync(r.resource);
            return (
              <Fragment key={key}>
                <tr className="align-top" data-record={r.externalId}>
                  <Td>
                    <span className="block max-w-56 truncate font-mono text-slate-900" title={r.externalId}>
                      {r.externalId}
                    </span>
                  </Td>
                  {!resource && <Td>{resourceName(r.resource)}</Td>}
                  <Td>
                    <ChangeBadge action={r.action} />
                    <div className="mt-0.5 text-xs text-slate-500">
                      <Time at={r.modifiedAt} />
                    </div>
                  </Td>
                  <Td>
                    <Time at={r.sourceUpdatedAt} fallback={<span className="text-slate-400">—</span>} />
                    {r.deletedAt && <div className="text-xs font-medium text-red-700">Deleted at the source</div>}
                  </Td>
                  <Td className="w-full whitespace-normal">
                    <RecordData data={r.data} />
                  </Td>
                  {canPush && (
                    <Td>
                      {sync ? (
                        <Button
                          type="button"
                          variant="secondary"
                          aria-expanded={editing === key}
                          onClick={() => setEditing(editing === key ? null : key)}
                        >
                          Edit<span className="sr-only"> record {r.externalId}</span>
                        </Button>
                      ) : (
                        <span className="text-xs text-slate-500">{r.deletedAt ? 'Deleted' : 'Pull only'}</span>
                      )}
                    </Td>
                  )}
                </tr>
                {editing === key && sync && (
                  <EditorRow>
                    <RecordEditor
                      externalId={r.externalId}
                      syncId={sync.id}
                      data={r.data}
                      runHref={(runId) => `${base}/logs?runId=${runId}`}
                      onClose={() => setEditing(null)}
                    />
                  </EditorRow>
                )}
              </Fragment>
            );
          })}
        </Table>
      )}
      <Pager
        nextCursor={page.nextCursor}
        resetHref={search.get('cursor') ? `${base}/records${filters.size ? `?${filters}` : ''}` : null}
        makeHref={(cursor) => `${base}/records?${new URLSearchParams([...filters, ['cursor', cursor]])}`}
      />
    </div>
  );
}

/** A full-width row under a record (its own component, so the table gives its cell no column label on phones). */
function EditorRow({ children }: { children: React.ReactNode }) {
  return (
    <tr>
      <td colSpan={99} className="bg-slate-50 px-4 py-3 text-left">
        {children}
      </td>
    </tr>
  );
}

const CHANGE_STYLES = {
  added: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  updated: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  deleted: 'bg-red-50 text-red-700 ring-red-600/20',
} as const;

/** The record's latest change, as the change feed (GET …/changes) reports it. */
function ChangeBadge({ action }: { action: keyof typeof CHANGE_STYLES }) {
  return (
    <span
      data-action={action}
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${CHANGE_STYLES[action]}`}
    >
      {action}
    </span>
  );
}

function RecordData({ data }: { data: unknown }) {
  const summary = summarizeRecord(data);
  return (
    <details className="group max-w-2xl">
      <summary className="cursor-pointer list-none rounded text-sm [&::-webkit-details-marker]:hidden">
        <span className="mr-2 inline-block text-slate-500 transition group-open:rotate-90" aria-hidden>
          ▸
        </span>
        {summary.length ? (
          summary.map((f, i) => (
            <span key={f.key}>
              {i > 0 && (
                <span className="mx-1.5 text-slate-300" aria-hidden>
                  ·
                </span>
              )}
              <span className="text-slate-500">{f.key}:</span> <span className="text-slate-800">{f.value}</span>
            </span>
          ))
        ) : (
          <span className="text-slate-500">{fieldCount(data)} fields</span>
        )}
        <span className="sr-only"> (show JSON)</span>
      </summary>
      <pre className="mt-2 max-h-96 overflow-auto rounded-md bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">
        {JSON.stringify(data, null, 2)}
      </pre>
    </details>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Records" />;
}
