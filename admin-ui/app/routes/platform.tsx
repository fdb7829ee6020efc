import { useState } from 'react';
import { Link, useFetcher, useSearchParams } from 'react-router';
import type { Route } from './+types/platform';
import { api, formOutcome, loaded, outcome, settled, type ActionOutcome } from '~/lib/api.server';
import { actorsOf, parseAuditFilters } from '~/lib/audit';
import { formatNumber } from '~/lib/format';
import type { Invitation } from '~/lib/members-form';
import {
  createOrgLimits,
  failureRate,
  readCreateOrg,
  SLUG_MAX_LENGTH,
  slugify,
  validateCreateOrg,
  type CreateOrgErrors,
  type CreateOrgValues,
  type VerifyResult,
} from '~/lib/platform';
import { changeTenantStatus, deleteTenant } from '~/lib/platform.server';
import { DeleteOrganization } from '~/components/delete-organization';
import { AuditFilterForm, AuditTable } from '~/components/audit-table';
import { InvitationNotice } from '~/components/invitation-notice';
import { RouteError } from '~/components/route-error';
import { HealthIndicator, IntegrationCounts, SuspendToggle } from '~/components/tenant-health';
import {
  Button,
  Card,
  EmptyState,
  ErrorNote,
  Field,
  Input,
  LinkButton,
  PageHeader,
  Pager,
  StatusBadge,
  Table,
  Td,
  Toast,
} from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { Time, TimeZoneNote } from '~/components/time';

export async function loader({ request, context }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const filters = parseAuditFilters(url.searchParams);
  // The tenants call comes first: anyone but the Platform Owner gets its 403 on the error page.
  const tenants = await loaded(
    request,
    api(context).GET('/api/platform/tenants', { params: { query: { limit: 100, cursor: url.searchParams.get('tenants') ?? undefined } } }),
  );
  const audit = await loaded(
    request,
    api(context).GET('/api/platform/audit', {
      params: { query: { ...filters.query, limit: 25, cursor: url.searchParams.get('cursor') ?? undefined } },
    }),
  );
  const actors = new Map<string, string>();
  actorsOf(audit.items, actors);
  return {
    tenants,
    audit,
    now: Date.now(),
    filters: { values: filters.values, errors: filters.errors, active: filters.active },
    actors: [...actors].map(([id, email]) => ({ id, email })),
  };
}

type PlatformOutcome = ActionOutcome & {
  orgId?: string;
  verify?: VerifyResult;
  values?: CreateOrgValues;
  fieldErrors?: CreateOrgErrors;
  created?: { id: string; name: string; invited: { email: string; invitation: Invitation } | null };
};

export async function action({ request, context }: Route.ActionArgs): Promise<PlatformOutcome> {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  if (intent === 'status') return changeTenantStatus(request, context, form);
  if (intent === 'delete') return deleteTenant(request, context, form);
  if (intent === 'verify') {
    const res = await settled(api(context).GET('/api/platform/audit/verify'));
    if (!res.ok) return outcome(request, res, '', intent);
    const v = res.data;
    return {
      ok: true,
      intent,
      verify: v,
      message: v.ok ? `Audit chain intact: ${formatNumber(v.checked)} events checked` : 'The audit chain is broken',
    };
  }
  if (intent === 'create') {
    const values = readCreateOrg(form);
    const fieldErrors = validateCreateOrg(values);
    if (Object.keys(fieldErrors).length) return { ok: false, intent, message: 'Check the highlighted fields.', values, fieldErrors };
    const res = await settled(api(context).POST('/api/orgs', { body: values }));
    if (res.ok) {
      const { superAdmin } = res.data;
      return {
        ok: true,
        intent,
        message: `Created ${res.data.name}`,
        created: { id: res.data.id, name: res.data.name, invited: { email: superAdmin.email, invitation: superAdmin.invitation } },
      };
    }
    return { ...formOutcome(request, res, '', ['name', 'slug', 'superAdminEmail'], intent), values };
  }
  return { ok: false, intent, message: 'Unknown action.' };
}

export const meta: Route.MetaFunction = () => [{ title: 'Platform console · Linkyard' }];

export default function Platform({ loaderData }: Route.ComponentProps) {
  const { tenants, audit, filters, actors } = loaderData;
  const [search] = useSearchParams();
  const statusFetcher = useFetcher<PlatformOutcome>({ key: 'tenant-status' });
  const verifyFetcher = useFetcher<PlatformOutcome>({ key: 'verify-chain' });
  const createFetcher = useFetcher<PlatformOutcome>({ key: 'create-org' });
  const deleteFetcher = useFetcher<PlatformOutcome>({ key: 'delete-org' });
  // Errors show next to what they are about; successes make the toast.
  const toast = useToast([statusFetcher.data, verifyFetcher.data, createFetcher.data, deleteFetcher.data], { successOnly: true });
  const items = tenants.items;
  const totals = items.reduce(
    (t, x) => ({
      integrations: t.integrations + x.integrations,
      errors: t.errors + x.integrationsByStatus.ERROR,
      runs: t.runs + x.runs24h,
      failed: t.failed + x.failedRuns24h,
      suspended: t.suspended + (x.organization.status === 'suspended' ? 1 : 0),
    }),
    { integrations: 0, errors: 0, runs: 0, failed: 0, suspended: 0 },
  );
  const orgNames = Object.fromEntries(items.map((t) => [t.organization.id, t.organization.name]));
  const href = (patch: Record<string, string | null>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(patch))
      if (v) next.set(k, v);
      else next.delete(k);
    const qs = next.toString();
    return qs ? `/platform?${qs}` : '/platform';
  };
  const verify = verifyFetcher.data?.verify;
  const verifyError = verifyFetcher.data && !verifyFetcher.data.ok ? verifyFetcher.data.message : null;
  const statusError = statusFetcher.state === 'idle' && statusFetcher.data && !statusFetcher.data.ok ? statusFetcher.data : null;

  return (
    <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 lg:px-6">
      <PageHeader
        title="Platform console"
        description="Every organization on Linkyard: health, activity and the audit trail. Read-only, except suspending and creating organizations."
        actions={
          <verifyFetcher.Form method="post">
            <input type="hidden" name="intent" value="verify" />
            <Button variant="secondary" disabled={verifyFetcher.state !== 'idle'}>
              {verifyFetcher.state !== 'idle' ? 'Verifying…' : 'Verify audit chain'}
            </Button>
          </verifyFetcher.Form>
        }
      />

      {verify && <VerifyPanel result={verify} />}
      {verifyError && (
        <div className="mb-6">
          <ErrorNote>Could not verify the audit chain: {verifyError}</ErrorNote>
        </div>
      )}

      <section
        aria-label="Platform totals"
        className="mb-6 grid grid-cols-3 gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 md:grid-cols-6"
      >
        {[
          { label: 'Organizations', value: items.length, tone: 'text-slate-900' },
          { label: 'Suspended', value: totals.suspended, tone: totals.suspended ? 'text-amber-700' : 'text-slate-900' },
          { label: 'Integrations', value: totals.integrations, tone: 'text-slate-900' },
          { label: 'In error', value: totals.errors, tone: totals.errors ? 'text-red-700' : 'text-slate-900' },
          { label: 'Runs (24 h)', value: totals.runs, tone: 'text-slate-900' },
          { label: 'Failed runs (24 h)', value: totals.failed, tone: totals.failed ? 'text-red-700' : 'text-slate-900' },
        ].map((t) => (
          <div key={t.label}>
            <div className={`text-2xl font-semibold tabular-nums ${t.tone}`}>{formatNumber(t.value)}</div>
            <div className="text-xs text-slate-500">
              {t.label}
              {tenants.nextCursor ? ' (this page)' : ''}
            </div>
          </div>
        ))}
      </section>

      <h2 className="mb-3 text-lg font-semibold text-slate-900">Organizations</h2>
      {statusError && (
        <div className="mb-3">
          <ErrorNote>
            {orgNames[statusError.orgId ?? ''] ? `${orgNames[statusError.orgId ?? '']}: ` : ''}
            {statusError.message}
          </ErrorNote>
        </div>
      )}
      {items.length === 0 ? (
        <EmptyState title="No organizations yet" description="Create the first one below; its Super Admin gets an invitation." />
      ) : (
        <Table
          head={[
            'Organization',
            'Integrations',
            'Runs\u00a0(24\u00a0h)',
            'Last\u00a0activity',
            <span key="a" className="sr-only">
              Actions
            </span>,
          ]}
        >
          {items.map((t) => (
            <tr key={t.organization.id} data-tenant={t.organization.slug} className="hover:bg-slate-50">
              <Td>
                <div className="flex min-w-0 items-center gap-2">
                  <Link
                    to={`/platform/tenants/${t.organization.id}`}
                    title={t.organization.name}
                    className="max-w-[14rem] truncate font-medium text-slate-900 hover:text-brand-700 lg:max-w-xs"
                  >
                    {t.organization.name}
                  </Link>
                  <StatusBadge status={t.organization.status} />
                </div>
                <div className="mt-0.5 flex items-center gap-2 text-xs text-slate-500">
                  <span className="font-mono">{t.organization.slug}</span>
                  <span aria-hidden>·</span>
                  <span>
                    {t.members} member{t.members === 1 ? '' : 's'}
                  </span>
                  <span aria-hidden>·</span>
                  <HealthIndicator tenant={t} />
                </div>
              </Td>
              <Td className="min-w-52 whitespace-normal!">
                <IntegrationCounts byStatus={t.integrationsByStatus} />
              </Td>
              <Td className="tabular-nums">
                <div>
                  {formatNumber(t.runs24h)} run{t.runs24h === 1 ? '' : 's'}
                </div>
                <div className={`text-xs ${t.failedRuns24h ? 'font-semibold text-red-700' : 'text-slate-500'}`}>
                  {formatNumber(t.failedRuns24h)} failed{t.runs24h > 0 ? ` (${failureRate(t.runs24h, t.failedRuns24h)})` : ''}
                </div>
              </Td>
              <Td>{t.lastActivityAt ? <Time at={t.lastActivityAt} /> : <span className="text-slate-500">Never</span>}</Td>
              <Td className="text-right">
                <div className="flex items-center justify-end gap-2">
                  <LinkButton
                    variant="ghost"
                    to={`/platform/tenants/${t.organization.id}`}
                    aria-label={`Details of ${t.organization.name}`}
                  >
                    Details
                  </LinkButton>
                  <SuspendToggle fetcher={statusFetcher as never} org={t.organization} />
                  <DeleteOrganization fetcher={deleteFetcher as never} org={t.organization} />
                </div>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pager
        nextCursor={tenants.nextCursor}
        resetHref={search.get('tenants') ? href({ tenants: null }) : null}
        makeHref={(c) => href({ tenants: c })}
      />

      <CreateOrganization />

      <section className="mt-10" aria-labelledby="platform-audit">
        <h2 id="platform-audit" className="text-lg font-semibold text-slate-900">
          Platform audit trail
        </h2>
        <p className="mb-3 text-sm text-slate-600">
          Every organization’s events and the platform’s own (sign-ins, organizations created), newest first. <TimeZoneNote />
        </p>
        <AuditFilterForm
          id="platform-audit"
          values={filters.values}
          errors={filters.errors}
          actors={actors}
          orgs={items.map((t) => ({ id: t.organization.id, name: t.organization.name }))}
          resetHref="/platform"
          active={filters.active}
        />
        {audit.items.length === 0 ? (
          <EmptyState
            title={filters.active ? 'No events match these filters' : 'No audit events yet'}
            action={
              filters.active ? (
                <LinkButton variant="secondary" to="/platform">
                  Clear filters
                </LinkButton>
              ) : undefined
            }
          />
        ) : (
          <AuditTable events={audit.items} orgs={orgNames} orgHref={(id) => `/platform/tenants/${id}`} />
        )}
        <Pager
          nextCursor={audit.nextCursor}
          resetHref={search.get('cursor') ? href({ cursor: null }) : null}
          makeHref={(c) => href({ cursor: c })}
        />
      </section>
      <Toast outcome={toast} />
    </main>
  );
}

function VerifyPanel({ result }: { result: VerifyResult }) {
  if (result.ok) {
    return (
      <div
        role="status"
        data-verify="ok"
        className="mb-6 flex items-start gap-3 rounded-lg bg-emerald-50 p-4 text-sm text-emerald-900 ring-1 ring-inset ring-emerald-600/30"
      >
        <span
          aria-hidden
          className="mt-0.5 inline-flex size-5 shrink-0 items-center justify-center rounded-full bg-emerald-700 text-xs font-bold text-white"
        >
          ✓
        </span>
        <div>
          <p className="font-semibold">The audit chain is intact</p>
          <p>
            {formatNumber(result.checked)} events checked: every hash links to the one before it, so no event was changed, removed or
            inserted.
          </p>
        </div>
      </div>
    );
  }
  return (
    <div
      role="alert"
      data-verify="broken"
      className="mb-6 flex items-start gap-3 rounded-lg bg-red-50 p-4 text-sm text-red-900 ring-1 ring-inset ring-red-600/30"
    >
      <span
        aria-hidden
        className="mt-0.5 inline-flex size-5 shrink-0 items-center justify-center rounded-full bg-red-600 text-xs font-bold text-white"
      >
        !
      </span>
      <div>
        <p className="font-semibold">The audit chain is broken</p>
        <p>
          {result.firstBrokenEventId ? (
            <>
              The first event whose hash does not match is{' '}
              <code className="rounded bg-white px-1.5 py-0.5 font-mono text-xs ring-1 ring-red-600/30">{result.firstBrokenEventId}</code>.
              It, or an event next to it, was changed, removed or inserted outside Linkyard.
            </>
          ) : (
            'An event was changed, removed or inserted outside Linkyard.'
          )}{' '}
          {formatNumber(result.checked)} events checked. Treat this as a security incident.
        </p>
      </div>
    </div>
  );
}

function CreateOrganization() {
  const fetcher = useFetcher<PlatformOutcome>({ key: 'create-org' });
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [clientErrors, setClientErrors] = useState<CreateOrgErrors>({});
  const [dismissed, setDismissed] = useState<PlatformOutcome | null>(null);
  const result = fetcher.data && fetcher.data !== dismissed ? fetcher.data : null;
  const errors: CreateOrgErrors = { ...(result?.ok === false ? result.fieldErrors : {}), ...clientErrors };
  const busy = fetcher.state !== 'idle';

  // A new organization empties the form: a new `key` remounts its inputs, and the slug starts over.
  const [answered, setAnswered] = useState(fetcher.data);
  const [formKey, setFormKey] = useState(0);
  if (fetcher.data !== answered) {
    setAnswered(fetcher.data);
    if (fetcher.data?.ok) {
      setFormKey((k) => k + 1);
      setSlug('');
      setSlugTouched(false);
    }
  }

  const invalid = (name: keyof CreateOrgErrors) => ({
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `org-${name}-error` : undefined,
  });

  return (
    <Card title="Create an organization" className="mt-8">
      <fetcher.Form
        key={formKey}
        method="post"
        noValidate
        onSubmit={(e) => {
          const errs = validateCreateOrg(readCreateOrg(new FormData(e.currentTarget)));
          setClientErrors(errs);
          if (Object.keys(errs).length) e.preventDefault();
        }}
        className="grid grid-cols-1 items-start gap-4 md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_minmax(0,1.3fr)_auto]"
      >
        <input type="hidden" name="intent" value="create" />
        <Field label="Name" htmlFor="org-name" error={errors.name}>
          <Input
            id="org-name"
            name="name"
            required
            maxLength={createOrgLimits.name.maxLength}
            autoComplete="off"
            placeholder="Acme Corp"
            defaultValue={result?.ok === false ? result.values?.name : undefined}
            {...invalid('name')}
            onChange={(e) => {
              if (!slugTouched) setSlug(slugify(e.target.value));
            }}
          />
        </Field>
        <Field label="Slug" htmlFor="org-slug" error={errors.slug} hint="Lowercase letters, digits and dashes.">
          <Input
            id="org-slug"
            name="slug"
            required
            maxLength={SLUG_MAX_LENGTH}
            autoComplete="off"
            placeholder="acme-corp"
            className="font-mono"
            value={slug}
            {...invalid('slug')}
            onChange={(e) => {
              setSlugTouched(true);
              setSlug(e.target.value.toLowerCase());
            }}
          />
        </Field>
        <Field
          label="First Super Admin’s email"
          htmlFor="org-superAdminEmail"
          error={errors.superAdminEmail}
          hint="A new address gets an invitation."
        >
          <Input
            id="org-superAdminEmail"
            name="superAdminEmail"
            type="email"
            required
            autoComplete="off"
            placeholder="name@example.com"
            defaultValue={result?.ok === false ? result.values?.superAdminEmail : undefined}
            {...invalid('superAdminEmail')}
          />
        </Field>
        <div className="md:pt-6">
          <Button disabled={busy} className="w-full md:w-auto">
            {busy ? 'Creating…' : 'Create organization'}
          </Button>
        </div>
      </fetcher.Form>
      {result?.ok === false && !result.fieldErrors && (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {result.message}
        </p>
      )}
      {result?.ok && result.created && (
        <div role="status" className="mt-4 text-sm text-slate-700">
          Created{' '}
          <Link className="font-medium text-brand-700 hover:underline" to={`/platform/tenants/${result.created.id}`}>
            {result.created.name}
          </Link>
          .{!result.created.invited && ' Its Super Admin already has an account and can sign in now.'}
        </div>
      )}
      {result?.ok && result.created?.invited && (
        <InvitationNotice invited={result.created.invited} onDone={() => setDismissed(fetcher.data ?? null)} />
      )}
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Platform console" wide forbiddenHint="The platform console is for Platform Owners only." />;
}
