import type { ReactNode } from 'react';
import { Form, Link } from 'react-router';
import { actorLabel, KNOWN_AUDIT_ACTIONS, shortId, summarizeMetadata, type AuditEvent, type AuditFilterValues } from '~/lib/audit';
import { Input, Select, Table, Td } from './ui';
import { Time } from './time';

/**
 * Audit events as a table: time, actor, action, target, IP and the metadata as one compact line that
 * expands to the whole JSON. `orgs` (id → name) adds an Organization column (platform-wide lists).
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
  const head: ReactNode[] = ['Time', ...(orgs ? ['Organization'] : []), 'Actor · IP', 'Action', 'Target', 'Details'];
  return (
    <Table head={head}>
      {events.map((e) => {
        const summary = summarizeMetadata(e.metadata);
        return (
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
            <Td>
              <div className="max-w-48 truncate" title={actorLabel(e.actor)} data-actor-type={e.actor.type}>
                {e.actor.type === 'system' ? <span className="text-slate-500">System</span> : actorLabel(e.actor)}
              </div>
              {e.ip && <div className="font-mono text-xs text-slate-500">{e.ip}</div>}
            </Td>
            <Td>
              <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-800">{e.action}</code>
            </Td>
            <Td>
              <div className="text-slate-600">{e.target.type}</div>
              {e.target.id && (
                <div className="font-mono text-xs text-slate-500" title={e.target.id}>
                  {shortId(e.target.id)}
                </div>
              )}
            </Td>
            <Td className="w-full min-w-40 whitespace-normal!">
              {summary ? (
                <details className="group">
                  <summary className="cursor-pointer list-none text-xs text-slate-600 hover:text-slate-900 [&::-webkit-details-marker]:hidden">
                    <span className="mr-1 inline-block text-slate-500 transition group-open:rotate-90" aria-hidden>
                      ▸
                    </span>
                    <span className="[overflow-wrap:anywhere]">{summary}</span>
                  </summary>
                  <pre className="mt-2 max-h-64 max-w-xl overflow-auto whitespace-pre-wrap [overflow-wrap:anywhere] rounded bg-slate-50 p-2 font-mono text-xs text-slate-700 ring-1 ring-inset ring-slate-200">
                    {JSON.stringify(e.metadata, null, 2)}
                  </pre>
                </details>
              ) : (
                <span className="text-slate-500">—</span>
              )}
            </Td>
          </tr>
        );
      })}
    </Table>
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
