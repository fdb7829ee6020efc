import { useState, type FormEvent } from 'react';
import { redirectDocument } from 'react-router';
import type { Route } from './+types/exports';
import {
  ENTITY_INFO,
  EXPORT_ENTITIES,
  EXPORT_FORMATS,
  exportUrl,
  FORMAT_INFO,
  lastDays,
  readExportForm,
  validateExportForm,
  type ExportEntity,
  type ExportFormErrors,
  type ExportFormValues,
} from '~/lib/export-form';
import { useOrg } from './org-layout';
import { Button, Card, EmptyState, Input, PageHeader, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { RouteError } from '~/components/route-error';

const DEFAULTS: ExportFormValues = { format: 'json', entities: [...EXPORT_ENTITIES], startDate: '', endDate: '' };

/**
 * With JavaScript the browser checks the form and goes straight to the API's download URL. Without it, the
 * form comes here as a GET: the same rules run on the server, then a valid form is sent on to the download
 * (the browser keeps this page, since the answer is an attachment) and an invalid one comes back with errors.
 */
export async function loader({ request, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  if (!url.searchParams.has('format')) return { values: DEFAULTS, errors: {} as ExportFormErrors };
  const values = readExportForm(url.searchParams);
  const errors = validateExportForm(values);
  if (Object.keys(errors).length === 0) throw redirectDocument(exportUrl(params.orgId, values));
  return { values, errors };
}

export const meta: Route.MetaFunction = () => [{ title: 'Exports · Linkyard' }];

const PRESETS: { label: string; days: number | null }[] = [
  { label: 'Last 7 days', days: 7 },
  { label: 'Last 30 days', days: 30 },
  { label: 'Last 90 days', days: 90 },
  { label: 'All time', days: null },
];

export default function Exports({ loaderData, params }: Route.ComponentProps) {
  const { org, permissions } = useOrg();
  const [values, setValues] = useState<ExportFormValues>(loaderData.values);
  const [errors, setErrors] = useState<ExportFormErrors>(loaderData.errors);
  const [started, setStarted] = useState<{ ok: true; message: string } | null>(null);
  const toast = useToast([started]);

  if (!permissions.export) {
    return (
      <>
        <PageHeader title="Exports" />
        <EmptyState
          title="Exports are not available for your role"
          description="Admins and Super Admins of this organization can export its data as JSON, CSV or a PDF report. Ask one of them if you need a copy."
        />
      </>
    );
  }

  const set = (patch: Partial<ExportFormValues>) => {
    const next = { ...values, ...patch };
    setValues(next);
    // Once a field has shown an error, re-check as the user fixes it.
    if (Object.keys(errors).length) setErrors(validateExportForm(next));
  };
  const toggle = (entity: ExportEntity, on: boolean) =>
    set({ entities: EXPORT_ENTITIES.filter((e) => (e === entity ? on : values.entities.includes(e))) });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const errs = validateExportForm(values);
    setErrors(errs);
    if (Object.keys(errs).length) {
      setStarted(null);
      return;
    }
    setStarted({
      ok: true,
      message: `Preparing your ${FORMAT_INFO[values.format].label} export… your browser will save the file when it is ready.`,
    });
    // The API answers with an attachment: the browser downloads it and stays on this page.
    window.location.assign(exportUrl(params.orgId, values));
  };

  const valid = Object.keys(validateExportForm(values)).length === 0;
  const info = FORMAT_INFO[values.format] ?? FORMAT_INFO.json;
  const range =
    values.startDate || values.endDate
      ? `${values.startDate || 'the beginning'} → ${values.endDate || 'today'} (UTC days, inclusive)`
      : 'All time';

  return (
    <>
      <PageHeader
        title="Exports"
        description={`Download ${org.name}'s data for backups, spreadsheets and reports. Credentials and secrets are never included; every export is recorded in the audit log.`}
      />
      <form
        method="get"
        noValidate
        onSubmit={onSubmit}
        className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]"
        aria-label="Export"
      >
        <div className="space-y-6">
          <Card title="Format">
            <fieldset>
              <legend className="sr-only">Format</legend>
              <div className="grid grid-cols-1 gap-3 sm:grid-cols-3">
                {EXPORT_FORMATS.map((f) => (
                  <label
                    key={f}
                    className={`flex cursor-pointer flex-col rounded-lg p-3 ring-1 ring-inset transition has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-brand-600 ${values.format === f ? 'bg-brand-50 ring-2 ring-brand-600' : 'ring-slate-300 hover:bg-slate-50'}`}
                  >
                    <span className="flex items-center gap-2">
                      <input
                        type="radio"
                        name="format"
                        value={f}
                        checked={values.format === f}
                        onChange={() => set({ format: f })}
                        className="size-4 accent-brand-600"
                      />
                      <span className="text-sm font-semibold text-slate-900">{FORMAT_INFO[f].label}</span>
                    </span>
                    <span className="mt-1 pl-6 text-xs text-slate-600">{FORMAT_INFO[f].summary}</span>
                  </label>
                ))}
              </div>
              {errors.format && (
                <p role="alert" className="mt-2 text-sm text-red-700">
                  {errors.format}
                </p>
              )}
              <p className="mt-3 text-sm text-slate-600" data-testid="format-contents">
                <span className="font-medium text-slate-800">{info.label}:</span> {info.contains}
              </p>
            </fieldset>
          </Card>

          <Card
            title="Data"
            actions={
              <>
                <Button type="button" variant="ghost" onClick={() => set({ entities: [...EXPORT_ENTITIES] })}>
                  Select all
                </Button>
                <Button type="button" variant="ghost" onClick={() => set({ entities: [] })}>
                  Clear
                </Button>
              </>
            }
          >
            <fieldset aria-describedby={errors.entities ? 'entities-error' : undefined}>
              <legend className="sr-only">Data to export</legend>
              <div className="grid grid-cols-2 gap-3 xl:grid-cols-3">
                {EXPORT_ENTITIES.map((e) => (
                  <label key={e} className="flex cursor-pointer items-start gap-2.5 rounded-md p-2 hover:bg-slate-50">
                    <input
                      type="checkbox"
                      name="entities"
                      value={e}
                      checked={values.entities.includes(e)}
                      onChange={(ev) => toggle(e, ev.target.checked)}
                      className="mt-0.5 size-4 rounded accent-brand-600"
                    />
                    <span>
                      <span className="block text-sm font-medium text-slate-900">{ENTITY_INFO[e].label}</span>
                      <span className="block text-xs text-slate-500">{ENTITY_INFO[e].description}</span>
                    </span>
                  </label>
                ))}
              </div>
              {errors.entities && (
                <p id="entities-error" role="alert" className="mt-2 text-sm text-red-700">
                  {errors.entities}
                </p>
              )}
            </fieldset>
          </Card>

          <Card title="Date range">
            <div className="flex flex-wrap items-start gap-4">
              <div className="w-44">
                <label htmlFor="startDate" className="block text-sm font-medium text-slate-700">
                  Start date
                </label>
                <Input
                  id="startDate"
                  name="startDate"
                  type="date"
                  value={values.startDate}
                  className="mt-1"
                  max={values.endDate || undefined}
                  onChange={(e) => set({ startDate: e.target.value })}
                  aria-invalid={errors.startDate ? true : undefined}
                  aria-describedby={errors.startDate ? 'startDate-error' : undefined}
                />
                {errors.startDate && (
                  <p id="startDate-error" role="alert" className="mt-1 text-sm text-red-700">
                    {errors.startDate}
                  </p>
                )}
              </div>
              <div className="w-44">
                <label htmlFor="endDate" className="block text-sm font-medium text-slate-700">
                  End date
                </label>
                <Input
                  id="endDate"
                  name="endDate"
                  type="date"
                  value={values.endDate}
                  className="mt-1"
                  min={values.startDate || undefined}
                  onChange={(e) => set({ endDate: e.target.value })}
                  aria-invalid={errors.endDate ? true : undefined}
                  aria-describedby={errors.endDate ? 'endDate-error' : undefined}
                />
                {errors.endDate && (
                  <p id="endDate-error" role="alert" className="mt-1 text-sm text-red-700">
                    {errors.endDate}
                  </p>
                )}
              </div>
              <div className="pt-6">
                <div className="flex flex-wrap gap-1" role="group" aria-label="Quick ranges">
                  {PRESETS.map((p) => (
                    <Button
                      key={p.label}
                      type="button"
                      variant="ghost"
                      className="ring-1 ring-inset ring-slate-200"
                      onClick={() => {
                        const [startDate, endDate] = p.days ? lastDays(p.days, new Date()) : ['', ''];
                        set({ startDate, endDate });
                      }}
                    >
                      {p.label}
                    </Button>
                  ))}
                </div>
              </div>
            </div>
            <p className="mt-3 text-xs text-slate-500">
              Days are UTC and both ends are included. Leave a date empty for no limit on that side. Each kind of data is filtered on its
              own time: integrations and syncs when created, runs when queued, logs when written, records when last changed, audit events
              when recorded.
            </p>
          </Card>
        </div>

        <aside>
          <Card title="Your export" className="lg:sticky lg:top-20">
            <dl className="space-y-3 text-sm">
              <div>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Format</dt>
                <dd className="mt-0.5 text-slate-900">
                  {info.label} — {info.summary.toLowerCase()}
                </dd>
              </div>
              <div>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Data</dt>
                <dd className="mt-0.5 text-slate-900">
                  {values.entities.length ? (
                    values.entities.map((e) => ENTITY_INFO[e]?.label ?? e).join(', ')
                  ) : (
                    <span className="text-red-700">Nothing selected</span>
                  )}
                </dd>
              </div>
              <div>
                <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Dates</dt>
                <dd className="mt-0.5 text-slate-900">{range}</dd>
              </div>
              {values.format === 'csv' && values.entities.length > 1 && (
                <p className="rounded bg-slate-50 p-2 text-xs text-slate-600">
                  {values.entities.length} entities: you get a ZIP with one CSV per entity.
                </p>
              )}
            </dl>
            <Button className="mt-5 w-full" aria-describedby="download-help">
              Download {info.label}
            </Button>
            <p id="download-help" className="mt-2 text-xs text-slate-500">
              Large exports stream as they are written; a PDF report can take a few seconds. Up to 10 exports a minute.
            </p>
            {valid && (
              <details className="mt-4 text-xs text-slate-500">
                <summary className="cursor-pointer">Same export from the API</summary>
                <code className="mt-1 block break-all rounded bg-slate-50 p-2 font-mono text-[11px] text-slate-700">
                  GET {exportUrl(params.orgId, values)}
                </code>
              </details>
            )}
          </Card>
        </aside>
      </form>
      <Toast outcome={toast} />
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Exports" />;
}
