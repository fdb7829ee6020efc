import { Link } from 'react-router';
import type { ResponseBody } from '~/lib/types';

/** GET /api/orgs/:orgId/onboarding */
export type Onboarding = ResponseBody<'/api/orgs/{orgId}/onboarding', 'get'>;

/**
 * The first-run checklist of a new organization: add an integration, connect it, create a sync, see the first run.
 * Each step is ticked by the API from the organization's own rows (never by a click here), and links to where it
 * is done; hidden once every step is.
 */
export function OnboardingChecklist({ onboarding, orgId, canEdit }: { onboarding: Onboarding; orgId: string; canEdit: boolean }) {
  if (onboarding.complete) return null;
  const base = `/orgs/${orgId}/integrations`;
  const { integration, connected, sync, run } = onboarding.steps;
  const at = (id: string | null, page = '') => (id ? `${base}/${id}${page}` : null);
  const steps = [
    {
      key: 'integration',
      done: integration.done,
      title: 'Add an integration',
      detail: 'Pick a provider; its setup help says where to make the OAuth app or find the API key.',
      href: canEdit ? `${base}/new` : null,
    },
    {
      key: 'connected',
      done: connected.done,
      title: 'Connect it',
      detail: 'Sign in to the provider (OAuth), or test the connection of an API key.',
      href: at(connected.integrationId ?? integration.integrationId),
    },
    {
      key: 'sync',
      done: sync.done,
      title: 'Create a sync',
      detail: 'Choose what to sync and when; mappings can come later.',
      href: at(sync.integrationId ?? connected.integrationId ?? integration.integrationId, '/syncs'),
    },
    {
      key: 'run',
      done: run.done,
      title: 'See the first run',
      detail: 'Run the sync now, then read its history and logs.',
      href: at(run.integrationId ?? sync.integrationId, '/history'),
    },
  ];
  const next = steps.find((s) => !s.done)?.key;
  const count = steps.filter((s) => s.done).length;
  return (
    <section
      aria-labelledby="onboarding-title"
      data-testid="onboarding-checklist"
      className="mb-6 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200 sm:p-5"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="onboarding-title" className="text-base font-semibold text-slate-900">
          Get started
        </h2>
        <span className="text-sm text-slate-600">
          {count} of {steps.length} done
        </span>
      </div>
      <ol className="mt-3 space-y-2">
        {steps.map((s, i) => (
          <li key={s.key} data-step={s.key} data-done={s.done} className="flex gap-3">
            <span
              aria-hidden
              className={`mt-0.5 flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${
                s.done ? 'bg-emerald-600 text-white' : s.key === next ? 'bg-brand-600 text-white' : 'bg-slate-100 text-slate-600'
              }`}
            >
              {s.done ? '✓' : i + 1}
            </span>
            <div className="min-w-0">
              <p className={`text-sm font-medium ${s.done ? 'text-slate-600 line-through' : 'text-slate-900'}`}>
                {s.href && !s.done ? (
                  <Link to={s.href} className="text-brand-700 hover:underline">
                    {s.title}
                  </Link>
                ) : (
                  s.title
                )}
                <span className="sr-only">{s.done ? ' (done)' : ' (to do)'}</span>
              </p>
              {!s.done && <p className="text-xs text-slate-600">{s.detail}</p>}
            </div>
          </li>
        ))}
      </ol>
      <p className="mt-3 border-t border-slate-100 pt-3 text-xs text-slate-600">
        Prefer code? The{' '}
        <a href="/docs" className="font-medium text-brand-700 underline">
          API reference
        </a>{' '}
        covers all of it, with API keys for your own systems.
      </p>
    </section>
  );
}
