// @vitest-environment happy-dom
import { cleanup, render } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router';
import { afterEach, describe, expect, it } from 'vitest';
import { OnboardingChecklist, type Onboarding } from './onboarding-checklist';

afterEach(cleanup);

const step = (done: boolean, integrationId: string | null = null) => ({ done, integrationId });
const onboarding = (over: Partial<Onboarding['steps']> = {}): Onboarding => {
  const steps = {
    integration: step(false),
    connected: step(false),
    sync: step(false),
    run: { ...step(false), runId: null },
    ...over,
  };
  return { complete: Object.values(steps).every((s) => s.done), steps };
};

function show(value: Onboarding, canEdit = true) {
  const router = createMemoryRouter([{ path: '/', element: <OnboardingChecklist onboarding={value} orgId="o1" canEdit={canEdit} /> }]);
  return render(<RouterProvider router={router} />).container;
}
const stepsOf = (container: HTMLElement) =>
  [...container.querySelectorAll('li[data-step]')].map((li) => ({
    step: li.getAttribute('data-step'),
    done: li.getAttribute('data-done'),
    href: li.querySelector('a')?.getAttribute('href') ?? null,
  }));

describe('OnboardingChecklist', () => {
  it('a new organization: nothing done, the first step links to the catalog, and the API reference is linked', () => {
    const container = show(onboarding());
    expect(container.textContent).toContain('0 of 4 done');
    expect(stepsOf(container)).toEqual([
      { step: 'integration', done: 'false', href: '/orgs/o1/integrations/new' },
      { step: 'connected', done: 'false', href: null },
      { step: 'sync', done: 'false', href: null },
      { step: 'run', done: 'false', href: null },
    ]);
    expect(container.querySelector('a[href="/docs"]')).not.toBeNull();
  });

  it('ticks what the API says is done and links the next steps to the integration it happened on', () => {
    const container = show(onboarding({ integration: step(true, 'i1'), connected: step(true, 'i1') }));
    expect(container.textContent).toContain('2 of 4 done');
    expect(stepsOf(container)).toEqual([
      { step: 'integration', done: 'true', href: null },
      { step: 'connected', done: 'true', href: null },
      { step: 'sync', done: 'false', href: '/orgs/o1/integrations/i1/syncs' },
      { step: 'run', done: 'false', href: null },
    ]);
    expect(container.textContent).toContain('(done)');
  });

  it('a viewer is not sent to a form they cannot use; a complete checklist is not shown', () => {
    expect(stepsOf(show(onboarding(), false))[0]!.href).toBeNull();
    cleanup();
    const all = {
      integration: step(true, 'i'),
      connected: step(true, 'i'),
      sync: step(true, 'i'),
      run: { ...step(true, 'i'), runId: 'r' },
    };
    expect(show(onboarding(all)).querySelector('[data-testid=onboarding-checklist]')).toBeNull();
  });
});
