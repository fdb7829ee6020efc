// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { AuditTable } from './audit-table';
import type { AuditEvent } from '~/lib/audit';

afterEach(cleanup);

const ORG = '01a25137-b3d8-7be7-856c-5a936d18017f';
const INTEGRATION = '01a25137-c000-7000-8000-000000000001';
const SYNC = '01a25137-c000-7000-8000-000000000002';

const event = (over: Partial<AuditEvent>): AuditEvent => ({
  id: crypto.randomUUID(),
  organizationId: ORG,
  at: '2026-12-07T15:00:00.000Z',
  actor: { type: 'user', id: crypto.randomUUID(), email: 'admin@acme.test' },
  action: 'sync.updated',
  target: { type: 'sync', id: SYNC, name: 'companies', integration: { id: INTEGRATION, name: 'HubSpot CRM' } },
  metadata: {},
  ip: '127.0.0.1',
  ...over,
});

const show = (events: AuditEvent[]) =>
  render(
    <MemoryRouter>
      <AuditTable events={events} />
    </MemoryRouter>,
  ).container;

describe('AuditTable', () => {
  it('says who did what to which named target, with links', () => {
    const c = show([event({})]);
    const sentence = c.querySelector('[data-audit-sentence]')!;
    expect(sentence.textContent).toMatch(/^admin@acme\.test updated sync companies on HubSpot CRM/);
    const links = [...sentence.querySelectorAll('a')].map((a) => [a.textContent, a.getAttribute('href')]);
    expect(links).toEqual([
      ['companies', `/orgs/${ORG}/integrations/${INTEGRATION}/syncs`],
      ['HubSpot CRM', `/orgs/${ORG}/integrations/${INTEGRATION}`],
    ]);
  });

  it('shows what changed as before → after per field, and never a redacted value', () => {
    const c = show([
      event({
        metadata: {
          changed: ['enabled', 'schedule'],
          changes: {
            enabled: { from: true, to: false },
            schedule: { from: { cron: '0 8 * * *', timezone: 'UTC' }, to: { cron: '0 9 * * *', timezone: 'Europe/Berlin' } },
          },
          clientSecret: '[redacted]',
        },
      }),
    ]);
    const rows = [...c.querySelectorAll('[data-audit-changes] dd')].map((dd) => [
      dd.previousElementSibling!.textContent,
      dd.querySelector('del')!.textContent,
      dd.querySelector('ins')!.textContent,
    ]);
    expect(rows).toEqual([
      ['enabled', 'on', 'off'],
      ['schedule', '0 8 * * * (UTC)', '0 9 * * * (Europe/Berlin)'],
    ]);
    expect(c.textContent).not.toContain('redacted');
    expect(c.querySelector('[data-audit-details]')).toBeNull(); // "changed" is said better by the diff
  });

  it('reads a role change and a rename, and names a deleted target from the event', () => {
    const c = show([
      event({
        action: 'member.role_changed',
        target: { type: 'user', id: crypto.randomUUID(), name: 'viewer@acme.test', integration: null },
        metadata: { email: 'viewer@acme.test', from: 'viewer', to: 'admin' },
      }),
      event({
        action: 'integration.deleted',
        target: { type: 'integration', id: INTEGRATION, name: null, integration: null },
        metadata: { provider: 'hubspot', name: 'Old CRM' },
      }),
    ]);
    const [role, deleted] = [...c.querySelectorAll('[data-audit-event]')];
    expect(role!.querySelector('[data-audit-sentence]')!.textContent).toMatch(/^admin@acme\.test changed the role of viewer@acme\.test/);
    expect(role!.querySelector('[data-audit-changes]')!.textContent).toContain('viewer');
    expect(role!.querySelector('ins')!.textContent).toBe('admin');
    const target = deleted!.querySelector('[data-audit-target]')!;
    expect(target.textContent).toBe('Old CRM');
    expect(target.tagName).toBe('SPAN'); // no link to a page that is gone
  });
});
