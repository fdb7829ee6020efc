import type { FetcherWithComponents } from 'react-router';
import { ConfirmAction } from './confirm-action';
import { tenantHealth, type Tenant } from '~/lib/platform';
import type { IntegrationStatus } from '~/lib/types';

const ORDER: IntegrationStatus[] = ['ACTIVE', 'SYNCING', 'ERROR', 'PAUSED', 'INACTIVE'];
const TONE: Record<IntegrationStatus, string> = {
  ACTIVE: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
  SYNCING: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  ERROR: 'bg-red-50 text-red-700 ring-red-600/20',
  PAUSED: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  INACTIVE: 'bg-slate-100 text-slate-600 ring-slate-500/20',
};

/** Integrations by status as small "3 ACTIVE" badges (statuses with none are left out). */
export function IntegrationCounts({ byStatus }: { byStatus: Record<IntegrationStatus, number> }) {
  const shown = ORDER.filter((s) => byStatus[s] > 0);
  if (!shown.length) return <span className="text-xs text-slate-500">None</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {shown.map((s) => (
        <span
          key={s}
          data-count-status={s}
          title={`${byStatus[s]} ${s.toLowerCase()}`}
          className={`inline-flex items-center gap-1 rounded px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset ${TONE[s]}`}
        >
          <span className="tabular-nums font-semibold">{byStatus[s]}</span> {s}
        </span>
      ))}
    </span>
  );
}

const HEALTH = {
  healthy: { label: 'Healthy', dot: 'bg-emerald-500', text: 'text-emerald-700' },
  warning: { label: 'Needs attention', dot: 'bg-amber-500', text: 'text-amber-800' },
  critical: { label: 'Failing', dot: 'bg-red-500', text: 'text-red-700' },
};

/** A dot and a word for a tenant's overall health (errors and failure rate in the last 24 h). */
export function HealthIndicator({ tenant }: { tenant: Pick<Tenant, 'integrationsByStatus' | 'runs24h' | 'failedRuns24h'> }) {
  const h = HEALTH[tenantHealth(tenant)];
  return (
    <span className={`inline-flex items-center gap-1.5 text-xs font-medium ${h.text}`}>
      <span className={`size-2 rounded-full ${h.dot}`} aria-hidden />
      {h.label}
    </span>
  );
}

/** Suspend or reactivate an organization, after a confirmation that says what it does. */
export function SuspendToggle({
  fetcher,
  org,
  action,
}: {
  fetcher: FetcherWithComponents<unknown>;
  org: { id: string; name: string; status: 'active' | 'suspended' };
  action?: string;
}) {
  const suspend = org.status === 'active';
  const busy = fetcher.state !== 'idle' && fetcher.formData?.get('orgId') === org.id;
  return (
    <ConfirmAction
      fetcher={fetcher}
      action={action}
      busy={busy}
      fields={{ intent: 'status', orgId: org.id, name: org.name, status: suspend ? 'suspended' : 'active' }}
      label={suspend ? 'Suspend' : 'Reactivate'}
      ariaLabel={`${suspend ? 'Suspend' : 'Reactivate'} ${org.name}`}
      pendingLabel={suspend ? 'Suspending…' : 'Reactivating…'}
      buttonVariant={suspend ? 'secondary' : 'primary'}
      tone={suspend ? 'danger' : 'primary'}
      title={suspend ? `Suspend ${org.name}?` : `Reactivate ${org.name}?`}
      confirmLabel={suspend ? 'Suspend organization' : 'Reactivate organization'}
      description={
        suspend
          ? 'Its members get “not allowed” on every page and API call, and its scheduled syncs stop firing. Nothing is deleted; you can reactivate it at any time.'
          : 'Its members can sign in and work again, and its scheduled syncs resume.'
      }
    />
  );
}
