import type { ReactNode } from 'react';
import { Form, Link } from 'react-router';
import {
  actionVerb,
  actorLabel,
  eventChanges,
  KNOWN_AUDIT_ACTIONS,
  shortId,
  targetHref,
  targetLabel,
  targetPhrase,
  type AuditEvent,
  type AuditFilterValues,
} from '~/lib/audit';
import { Input, Select, Table, Td } from './ui';
import { Time } from './time';

/**
 * Audit events as a table: time, who did what to which named target (linked to its page), what changed as before →
 * after per field, the other details, and the IP. `orgs` (id → name) adds an Organization column (platform-wide lists).
 */
export function AuditTable({
  events,
  orgs,
  orgHref,
}: {
  events: AuditEvent[];
  orgs?: Record<string, string>;
  orgHref?: (orgId: string) => string;
}) {
  const head: ReactNode[] = ['Time', ...(orgs ? ['Organization'] : []), 'What happened', 'IP'];
  return (
    <Table head={head}>
      {events.map((e) => (
        <tr key={e.id} data-audit-action={e.action} className="align-top">
          <Td>
            <Time at={e.at} />
          </Td>
          {orgs && (
            <Td>
              {e.organizationId ? (
                orgHref ? (
                  <Link
                    to={orgHref(e.organizationId)}
                    className="block max-w-48 truncate font-medium text-brand-700 hover:underline"
                    title={orgs[e.organizationId]}
                  >
                    {orgs[e.organizationId] ?? shortId(e.organizationId)}
                  </Link>
                ) : (
                  <div className="max-w-48 truncate" title={orgs[e.organizationId]}>
                    {orgs[e.organizationId] ?? shortId(e.organizationId)}
                  </div>
                )
              ) : (
                <span className="text-slate-500">Platform</span>
              )}
            </Td>
          )}
          <Td className="w-full min-w-64 whitespace-normal!">
            <AuditEventText event={e} />
          </Td>
          <Td>{e.ip ? <span className="font-mono text-xs text-slate-500">{e.ip}</span> : <span className="text-slate-500">—</span>}</Td>
        </tr>
      ))}
    </Table>
  );
}

/** "admin@acme.test updated sync companies on HubSpot CRM", then what changed, then the other details. */
export function AuditEventText({ event: e }: { event: AuditEvent }) {
  const href = targetHref(e);
  const label = targetLabel(e);
  const { changes, details } = eventChanges(e);
  const integration = e.target.integration;
  const integrationHref = integration && e.organizationId ? `/orgs/${e.organizationId}/integrations/${integration.id}` : null;
  return (
    <div className="space-y-1.5 [overflow-wrap:anywhere]" data-audit-event>
      <p className="text-slate-800" data-audit-sentence>
        <span className="font-medium" data-actor-type={e.actor.type}>
          {e.actor.type === 'system' ? 'Linkyard' : actorLabel(e.actor)}
        </span>{' '}
        {actionVerb(e.action)}
        {targetPhrase(e)}
        {label &&
          !e.action.startsWith('auth.') &&
          (href ? (
            <Link to={href} className="font-medium text-brand-700 hover:underline" data-audit-target>
              {label}
            </Link>
          ) : (
            <span className="font-medium" data-audit-target>
              {label}
            </span>
          ))}
        {integration && (
          <>
            {' '}
            on{' '}
            {integrationHref ? (
              <Link to={integrationHref} className="font-medium text-brand-700 hover:underline">
                {integration.name}
              </Link>
            ) : (
              integration.name
            )}
          </>
        )}
        <code className="ml-2 rounded bg-slate-100 px-1 py-0.5 font-mono text-[11px] text-slate-600">{e.action}</code>
      </p>
      {changes.length > 0 && (
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-3 gap-y-0.5 text-xs" aria-label="What changed" data-audit-changes>
          {changes.map((c) => (
            <div key={c.field} className="contents">
              <dt className="text-slate-500">{c.field}</dt>
              <dd>
                <del className="rounded bg-red-50 px-1 text-red-800 decoration-red-400">{c.from}</del>
                <span aria-hidden className="mx-1 text-slate-400">
                  →
                </span>
                <span className="sr-only"> changed to </span>
                <ins className="rounded bg-emerald-50 px-1 text-emerald-800 no-underline">{c.to}</ins>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {details.length > 0 && (
        <p className="text-xs text-slate-500" data-audit-details>
          {details.map(([k, v], i) => (
            <span key={k}>
              {i > 0 && ' · '}
              {k}: <span className="text-slate-700">{v}</span>
            </span>
          ))}
        </p>
      )}
    </div>
  );
}

/** The audit filters as a GET form (action, actor, organization, from/to days), with errors next to fields. */
export function AuditFilterForm({
  values,
  errors,
  actors,
  orgs,
  resetHref,
  active,
  id = 'audit',
}: {
  values: AuditFilterValues;
  errors: Partial<Record<keyof AuditFilterValues, string>>;
  actors: { id: string; email: string }[];
  orgs?: { id: string; name: string }[];
  resetHref: string;
  active: boolean;
  /** Prefix for the fields' ids, when a page has two forms. */
  id?: string;
}) {
  const actions: string[] = [...KNOWN_AUDIT_ACTIONS];
  if (values.action && !actions.includes(values.action)) actions.unshift(values.action);
  const actorOptions = [...actors];
  if (values.actorId && !actorOptions.some((a) => a.id === values.actorId))
    actorOptions.unshift({ id: values.actorId, email: shortId(values.actorId) });
  const field = (name: keyof AuditFilterValues) => ({
    id: `${id}-${name}`,
    name,
    'aria-invalid': errors[name] ? true : undefined,
    'aria-describedby': errors[name] ? `${id}-${name}-error` : undefined,
  });
  const error = (name: keyof AuditFilterValues) =>
    errors[name] && (
      <p id={`${id}-${name}-error`} role="alert" className="mt-1 text-xs text-red-700">
        {errors[name]}
      </p>
    );
  const label = 'text-xs font-medium text-slate-600';
  return (
    <Form method="get" role="search" aria-label="Filter audit events" className="mb-4 flex flex-wrap items-start gap-3">
      <div className="w-60">
        <label htmlFor={`${id}-action`} className={label}>
          Action
        </label>
        <Select {...field('action')} defaultValue={values.action}>
          <option value="">Any action</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
        {error('action')}
      </div>
      <div className="w-56">
        <label htmlFor={`${id}-actorId`} className={label}>
          Actor
        </label>
        <Select {...field('actorId')} defaultValue={values.actorId}>
          <option value="">Anyone</option>
          {actorOptions.map((a) => (
            <option key={a.id} value={a.id}>
              {a.email}
            </option>
          ))}
        </Select>
        {error('actorId')}
      </div>
      {orgs && (
        <div className="w-48">
          <label htmlFor={`${id}-orgId`} className={label}>
            Organization
          </label>
          <Select {...field('orgId')} defaultValue={values.orgId}>
            <option value="">All organizations</option>
            {orgs.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </Select>
          {error('orgId')}
        </div>
      )}
      <div className="w-40">
        <label htmlFor={`${id}-from`} className={label}>
          From (UTC day)
        </label>
        <Input {...field('from')} type="date" defaultValue={values.from} />
        {error('from')}
      </div>
      <div className="w-40">
        <label htmlFor={`${id}-to`} className={label}>
          To (UTC day, inclusive)
        </label>
        <Input {...field('to')} type="date" defaultValue={values.to} />
        {error('to')}
      </div>
      <div className="flex gap-2 pt-5">
        <button
          type="submit"
          className="rounded-md bg-white px-3 py-1.5 text-sm font-semibold text-slate-700 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
        >
          Apply
        </button>
        {active && (
          <Link to={resetHref} className="rounded-md px-3 py-1.5 text-sm font-semibold text-slate-600 hover:bg-slate-100">
            Clear
          </Link>
        )}
      </div>
    </Form>
  );
}
