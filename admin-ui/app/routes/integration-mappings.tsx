import { useEffect, useMemo, useState } from 'react';
import { Link, useFetcher } from 'react-router';
import { useUnsavedChanges } from '~/components/unsaved-changes';
import type { Route } from './+types/integration-mappings';
import { api, loaded, outcome, redirectToLogin, settled, type ActionOutcome } from '~/lib/api.server';
import {
  addRow,
  canonicalJson,
  mappingsFromRows,
  previewErrorsByRow,
  rowErrorOf,
  rowsFromMappings,
  sampleFromMappings,
  SOURCELESS,
  toRowErrors,
  type MappingRow,
} from '~/lib/mappings';
import type { Mapping, Provider, ResponseBody, Sync } from '~/lib/types';
import { INBOUND_LABELS, MappingEditor, MappingTable, OUTBOUND_LABELS } from '~/components/mapping-editor';
import { Button, EmptyState, ErrorNote, LinkButton, Textarea, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { useIntegration } from './integration-layout';
import { useOrg } from './org-layout';

type PreviewResult = ResponseBody<'/api/orgs/{orgId}/syncs/{syncId}/mappings/preview', 'post'>;
/** A refusal carries the API error's `field`, which names the row and property at fault. */
type PreviewOutcome =
  | { kind: 'preview'; ok: true; result: PreviewResult }
  | { kind: 'preview'; ok: false; message: string; field?: string; invalidRecord?: boolean };
/** `submitted`: the mappings saved (canonical JSON), so a refusal is shown only while the rows are still those. */
type SaveOutcome = ActionOutcome & { kind: 'save'; field?: string; submitted?: string };
/** Inbound mappings turn provider records into yours; outbound ones (two-way sync) turn yours into the provider's. */
type Side = 'inbound' | 'outbound';

const FALLBACK_SAMPLE = {
  id: '1001',
  email: 'Ada.Lovelace@Example.com',
  firstName: 'Ada',
  lastName: 'Lovelace',
  status: 'active',
  createdAt: '2024-03-07T09:30:00Z',
};

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const path = { orgId: params.orgId, id: params.integrationId };
  const syncs = await loaded(
    request,
    api(context).GET('/api/orgs/{orgId}/integrations/{id}/syncs', { params: { path, query: { limit: 200 } } }),
  );
  const wanted = url.searchParams.get('syncId');
  const side: Side = url.searchParams.get('side') === 'outbound' ? 'outbound' : 'inbound';
  const sync = syncs.items.find((s) => s.id === wanted) ?? syncs.items[0] ?? null;
  if (!sync)
    return {
      sync: null,
      side,
      missing: Boolean(wanted),
      sample: '',
      sampleSource: 'example' as const,
      suggestions: [] as string[],
      preview: null,
    };
  const mappings = side === 'outbound' ? sync.outboundMappings : sync.mappings;

  // The sample record: the first synced record of the resource. Records are stored after mapping, so when the
  // sync has mappings a stored record is their output, not their input: then build one from the source paths.
  // Outbound mappings start from your records, which is what is stored.
  let sample: unknown = null;
  let sampleSource: 'record' | 'mappings' | 'example' = 'example';
  if (side === 'outbound' || sync.mappings.length === 0) {
    const records = await settled(
      api(context).GET('/api/orgs/{orgId}/integrations/{id}/records', { params: { path, query: { resource: sync.resource, limit: 1 } } }),
    );
    const first = records.ok ? records.data.items[0]?.data : undefined;
    if (first && typeof first === 'object' && !Array.isArray(first)) {
      sample = first;
      sampleSource = 'record';
    }
  }
  // Field discovery: the paths of the resource's latest records. They are source paths where the sample is a stored
  // record (no inbound mappings yet, or the outbound side); otherwise the current mappings' sources are what is known.
  const discovered =
    sampleSource === 'record'
      ? await settled(
          api(context).GET('/api/orgs/{orgId}/integrations/{id}/record-paths', { params: { path, query: { resource: sync.resource } } }),
        )
      : null;
  const suggestions = [
    ...new Set([
      ...(discovered?.ok ? discovered.data.items.map((i) => i.path) : []),
      ...mappings.map((m) => m.source ?? '').filter(Boolean),
    ]),
  ];
  if (!sample && mappings.length > 0) {
    sample = sampleFromMappings(mappings);
    sampleSource = 'mappings';
  }
  sample ??= FALLBACK_SAMPLE;
  const res = await settled(
    api(context).POST('/api/orgs/{orgId}/syncs/{syncId}/mappings/preview', {
      params: { path: { orgId: params.orgId, syncId: sync.id } },
      body: { record: sample, mappings },
    }),
  );
  if (!res.ok && res.status === 401) throw redirectToLogin(request);
  return {
    sync,
    side,
    missing: Boolean(wanted) && wanted !== sync.id,
    sample: JSON.stringify(sample, null, 2),
    sampleSource,
    suggestions,
    preview: res.ok ? res.data : null,
  };
}

export async function action({ request, context, params }: Route.ActionArgs): Promise<PreviewOutcome | SaveOutcome> {
  const body = (await request.json().catch(() => ({}))) as {
    intent?: string;
    syncId?: string;
    record?: string;
    mappings?: Mapping[];
    side?: Side;
  };
  const syncPath = { orgId: params.orgId, syncId: body.syncId ?? '' };
  if (body.intent === 'preview') {
    let record: unknown;
    try {
      record = JSON.parse(body.record ?? '');
    } catch (err) {
      return { kind: 'preview', ok: false, invalidRecord: true, message: `The sample record is not valid JSON: ${(err as Error).message}` };
    }
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      return {
        kind: 'preview',
        ok: false,
        invalidRecord: true,
        message: 'The sample record must be a JSON object, like { "email": "ada@example.com" }.',
      };
    }
    const res = await settled(
      api(context).POST('/api/orgs/{orgId}/syncs/{syncId}/mappings/preview', {
        params: { path: syncPath },
        body: { record, mappings: body.mappings ?? [] },
      }),
    );
    if (res.ok) return { kind: 'preview', ok: true, result: res.data };
    if (res.status === 401) throw redirectToLogin(request);
    return { kind: 'preview', ok: false, message: res.message, field: res.field };
  }
  if (body.intent === 'save') {
    const mappings = body.mappings ?? [];
    const outbound = body.side === 'outbound';
    const res = await settled(
      api(context).PATCH('/api/orgs/{orgId}/syncs/{syncId}', {
        params: { path: syncPath },
        body: outbound ? { outboundMappings: mappings } : { mappings },
      }),
    );
    const done = mappings.length
      ? `${outbound ? 'Outbound mappings' : 'Mappings'} saved: ${mappings.length} field${mappings.length === 1 ? '' : 's'}.`
      : outbound
        ? 'Outbound mappings removed: your fields are sent as they are.'
        : 'Mappings removed: records are stored as they come.';
    return {
      kind: 'save',
      ...outcome(request, res, done, 'save'),
      ...(res.ok ? {} : { field: res.field, submitted: canonicalJson(mappings) }),
    };
  }
  return { kind: 'save', ok: false, message: 'Unknown action.' };
}

export const meta: Route.MetaFunction = ({ matches }) => {
  const layout = matches.find((m) => m?.id === 'routes/integration-layout')?.data as { integration?: { name: string } } | undefined;
  return [{ title: `Field mappings · ${layout?.integration?.name ?? 'Integration'} · Linkyard` }];
};

/** Mappings are JSON already; `args` and `default` are typed `unknown` only because they can hold any literal. */
const asJson = (value: unknown) => value as Parameters<ReturnType<typeof useFetcher>['submit']>[0];

const resourceName = (provider: Provider | null, key: string) => provider?.resources.find((r) => r.key === key)?.name ?? key;

export default function IntegrationMappings({ loaderData, params }: Route.ComponentProps) {
  const { syncs, provider } = useIntegration();
  const { permissions } = useOrg();
  const { sync, side } = loaderData;
  const base = `/orgs/${params.orgId}/integrations/${params.integrationId}`;

  if (!sync) {
    return (
      <EmptyState
        title="No syncs to map yet"
        description="Field mappings belong to a sync. Add a sync of one resource first, then choose which fields to keep and how to transform them."
        action={<LinkButton to={`${base}/syncs`}>Go to Syncs & schedules</LinkButton>}
      />
    );
  }
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h2 className="text-lg font-semibold text-slate-900">{side === 'outbound' ? 'Outbound mappings' : 'Field mappings'}</h2>
          <p className="text-sm text-slate-600">
            {side === 'outbound'
              ? `Turn each of your records into a ${provider?.name ?? 'provider'} record when changes are pushed: fields in this order, with optional transforms.`
              : `Turn each ${provider?.name ?? ''} record into your record: fields in this order, with optional transforms.`}
          </p>
        </div>
        {syncs.length > 1 && (
          <nav aria-label="Sync" className="flex flex-wrap gap-1 rounded-lg bg-slate-100 p-1">
            {syncs.map((s) => (
              <Link
                key={s.id}
                to={`?syncId=${s.id}${side === 'outbound' ? '&side=outbound' : ''}`}
                aria-current={s.id === sync.id ? 'page' : undefined}
                className={`rounded-md px-3 py-1 text-sm font-medium ${s.id === sync.id ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900'}`}
              >
                {resourceName(provider, s.resource)} <span className="text-xs font-normal text-slate-500">· {s.mode}</span>
              </Link>
            ))}
          </nav>
        )}
      </div>
      <nav aria-label="Direction of the mappings" className="flex w-fit flex-wrap gap-1 rounded-lg bg-slate-100 p-1">
        {(['inbound', 'outbound'] as const).map((key) => (
          <Link
            key={key}
            to={`?syncId=${sync.id}${key === 'outbound' ? '&side=outbound' : ''}`}
            aria-current={key === side ? 'page' : undefined}
            className={`rounded-md px-3 py-1 text-sm font-medium ${key === side ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900'}`}
          >
            {key === 'inbound' ? 'Inbound: provider → you' : 'Outbound: you → provider'}
          </Link>
        ))}
      </nav>
      {side === 'outbound' && sync.direction === 'pull' && (
        <div role="note" className="rounded-md bg-amber-50 px-4 py-3 text-sm text-amber-800 ring-1 ring-inset ring-amber-600/20">
          This sync only pulls: outbound mappings are used once its direction is Push or Both ways (Syncs & schedules).
        </div>
      )}
      {loaderData.missing && <ErrorNote>That sync no longer exists; showing the {resourceName(provider, sync.resource)} sync.</ErrorNote>}
      <MappingsForm
        key={`${sync.id}-${side}`}
        sync={sync}
        side={side}
        resource={resourceName(provider, sync.resource)}
        canEdit={permissions.edit}
        sample={loaderData.sample}
        sampleSource={loaderData.sampleSource}
        suggestions={loaderData.suggestions}
        initialPreview={loaderData.preview}
      />
    </div>
  );
}

function MappingsForm({
  sync,
  side,
  resource,
  canEdit,
  sample,
  sampleSource,
  suggestions,
  initialPreview,
}: {
  sync: Sync;
  side: Side;
  resource: string;
  canEdit: boolean;
  sample: string;
  sampleSource: 'record' | 'mappings' | 'example';
  /** Source paths to suggest (field discovery). */
  suggestions: string[];
  initialPreview: PreviewResult | null;
}) {
  const outbound = side === 'outbound';
  const savedMappings = outbound ? sync.outboundMappings : sync.mappings;
  const labels = outbound ? OUTBOUND_LABELS : INBOUND_LABELS;
  const [rows, setRows] = useState<MappingRow[]>(() => rowsFromMappings(savedMappings));
  const [record, setRecord] = useState(sample);
  const previewFetcher = useFetcher<PreviewOutcome>();
  const saveFetcher = useFetcher<SaveOutcome>();
  const toast = useToast([saveFetcher.data]);

  const mappings = useMemo(() => mappingsFromRows(rows), [rows]);
  const mappingsKey = canonicalJson(mappings);
  // The preview leaves out rows not filled in yet, so a fresh row shows no error before it is typed into.
  const previewRows = useMemo(() => rows.filter((r) => r.source.trim() || r.target.trim() || SOURCELESS.includes(r.transform)), [rows]);
  const saved = canonicalJson(savedMappings);
  const dirty = mappingsKey !== saved;
  // While a save is on its way (and the page reloads its data after it), the edits are not at risk.
  useUnsavedChanges(dirty && saveFetcher.state === 'idle');

  // Live preview of the unsaved rows on the sample record, a moment after the last keystroke.
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited) return;
    const t = setTimeout(
      () =>
        previewFetcher.submit(asJson({ intent: 'preview', syncId: sync.id, record, mappings: mappingsFromRows(previewRows) }), {
          method: 'post',
          encType: 'application/json',
          defaultShouldRevalidate: false,
        }),
      400,
    );
    return () => clearTimeout(t);
  }, [mappingsKey, record]); // eslint-disable-line react-hooks/exhaustive-deps

  const previewData = previewFetcher.data;
  const result: PreviewResult | null = previewData ? (previewData.ok ? previewData.result : null) : initialPreview;
  const previewMessage = previewData && !previewData.ok ? previewData : null;
  // The API's refusal, placed on its row by its field: from saving (while the rows are the ones saved) or from the preview.
  const saveError = saveFetcher.data && !saveFetcher.data.ok && saveFetcher.data.submitted === mappingsKey ? saveFetcher.data : null;
  const validation = saveError ?? (previewMessage && !previewMessage.invalidRecord ? previewMessage : null);
  // A preview's refusal names /mappings/… whichever side is edited (the preview takes them as `mappings`).
  const placed = validation
    ? rowErrorOf(validation, saveError ? rows : previewRows, saveError && outbound ? 'outboundMappings' : 'mappings')
    : null;
  const rowErrors = toRowErrors(placed);
  const previewErrors = result ? previewErrorsByRow(result.errors, rows) : {};

  const change = (next: MappingRow[]) => {
    setRows(next);
    setEdited(true);
  };
  const saving = saveFetcher.state !== 'idle';
  const save = () =>
    saveFetcher.submit(asJson({ intent: 'save', syncId: sync.id, side, mappings }), { method: 'post', encType: 'application/json' });

  return (
    <div className="space-y-5">
      <section aria-labelledby="mappings-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-100 px-5 py-3">
          <h3 id="mappings-heading" className="text-sm font-semibold text-slate-900">
            {outbound ? `Your records → ${resource}` : `${resource} → your records`}{' '}
            <span className="ml-1 font-normal text-slate-500">
              {rows.length} field{rows.length === 1 ? '' : 's'}
            </span>
          </h3>
          {canEdit && (
            <div className="flex items-center gap-3">
              {dirty && <span className="text-xs text-amber-700">Unsaved changes</span>}
              {dirty && (
                <Button type="button" variant="ghost" onClick={() => change(rowsFromMappings(savedMappings))}>
                  Discard
                </Button>
              )}
              <Button type="button" onClick={save} disabled={!dirty || saving}>
                {saving ? 'Saving…' : 'Save mappings'}
              </Button>
            </div>
          )}
        </header>
        <div className="p-5">
          {validation && !placed && (
            <div className="mb-4">
              <ErrorNote>{validation.message}</ErrorNote>
            </div>
          )}
          {validation && placed && (
            <p className="sr-only" role="alert">
              {placed.message}
            </p>
          )}
          {rows.length === 0 ? (
            <EmptyState
              title={outbound ? 'No outbound mappings: your fields as they are' : 'No mappings: records as they come'}
              description={
                outbound
                  ? `Without outbound mappings your records are sent to ${resource} with your field names. Add fields to rename them to the provider's and transform their values.`
                  : `Without mappings each record of ${resource} is stored exactly as the provider sends it, with all its fields. Add fields to keep only what you need, rename them and transform their values.`
              }
              action={
                canEdit ? (
                  <Button type="button" onClick={() => change(addRow(rows))}>
                    Add the first field
                  </Button>
                ) : undefined
              }
            />
          ) : canEdit ? (
            <MappingEditor
              rows={rows}
              onChange={change}
              errors={rowErrors}
              previewErrors={previewErrors}
              labels={labels}
              sourceSuggestions={suggestions}
            />
          ) : (
            <MappingTable mappings={savedMappings} labels={labels} />
          )}
        </div>
      </section>

      <section aria-labelledby="preview-heading" className="rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
        <header className="flex items-center justify-between gap-3 border-b border-slate-100 px-5 py-3">
          <h3 id="preview-heading" className="text-sm font-semibold text-slate-900">
            Preview
          </h3>
          <span className="text-xs text-slate-500" aria-live="polite">
            {previewFetcher.state !== 'idle'
              ? 'Updating…'
              : canEdit && dirty
                ? 'Showing your unsaved mappings'
                : 'Showing the saved mappings'}
          </span>
        </header>
        <div className="grid grid-cols-1 gap-5 p-5 lg:grid-cols-2">
          <div>
            <label htmlFor="sample-record" className="block text-sm font-medium text-slate-700">
              Sample record (JSON)
            </label>
            <Textarea
              id="sample-record"
              rows={14}
              value={record}
              spellCheck={false}
              className="mt-1 text-xs"
              aria-invalid={previewMessage?.invalidRecord ? true : undefined}
              aria-describedby="sample-record-hint"
              onChange={(e) => {
                setRecord(e.target.value);
                setEdited(true);
              }}
            />
            {previewMessage?.invalidRecord ? (
              <p id="sample-record-hint" className="mt-1 text-sm text-red-700" role="alert">
                {previewMessage.message}
              </p>
            ) : (
              <p id="sample-record-hint" className="mt-1 text-xs text-slate-500">
                {sampleSource === 'record'
                  ? `${outbound ? 'Your' : 'The'} first synced record of ${resource}. Edit it to try other values.`
                  : sampleSource === 'mappings'
                    ? 'An example built from the source paths of the mappings. Paste a real record to try it.'
                    : 'A small example: paste a real record from the provider to try your mappings.'}
              </p>
            )}
          </div>
          <div>
            <h4 className="text-sm font-medium text-slate-700">Output</h4>
            {result ? (
              <>
                <pre
                  className="mt-1 max-h-80 overflow-auto rounded-md bg-slate-900 p-3 text-xs leading-relaxed text-slate-100"
                  data-preview-output
                >
                  {JSON.stringify(result.output, null, 2)}
                </pre>
                {result.errors.length > 0 ? (
                  <ul className="mt-3 space-y-1" aria-label="Field errors" data-preview-errors>
                    {result.errors.map((e, i) => (
                      <li key={i} className="rounded bg-red-50 px-2.5 py-1.5 text-xs text-red-800 ring-1 ring-inset ring-red-600/20">
                        <code className="font-semibold">{e.target}</code>
                        {e.source ? (
                          <>
                            {' '}
                            (from <code>{e.source}</code>)
                          </>
                        ) : null}
                        : {e.message}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="mt-2 text-xs text-emerald-700">No field errors.</p>
                )}
              </>
            ) : (
              <p className="mt-1 rounded-md bg-slate-50 px-3 py-6 text-center text-sm text-slate-500 ring-1 ring-inset ring-slate-200">
                {previewMessage ? 'Fix the error to see the output.' : 'The output appears here.'}
              </p>
            )}
          </div>
        </div>
      </section>
      <Toast outcome={toast} />
    </div>
  );
}
