// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, waitFor } from '@testing-library/react';
import { createRoutesStub } from 'react-router';
import ConflictPage from './conflict';
import type { Route } from './+types/conflict';

afterEach(cleanup);

type Conflict = Route.ComponentProps['loaderData']['conflict'];

const conflict = (over: Partial<Conflict>): Conflict =>
  ({
    id: '01900000-0000-7000-8000-000000000001',
    integrationId: '01900000-0000-7000-8000-000000000002',
    syncId: '01900000-0000-7000-8000-000000000003',
    runId: null,
    resource: 'events',
    externalId: 'evt-1',
    fields: [
      { path: 'summary', base: 'Standup', local: null, remote: 'Standup (moved)' },
      { path: 'location', base: 'Room 1', local: null, remote: 'Room 2' },
    ],
    localDeleted: true,
    status: 'open',
    createdAt: '2026-12-07T10:00:00.000Z',
    resolvedAt: null,
    resolvedBy: null,
    resolution: null,
    ...over,
  }) as Conflict;

/** The conflict page under its organization layout (edit permission as given); resolves post to `posted`. */
function showConflict(c: Conflict, edit: boolean, posted: unknown[]) {
  const orgId = '01900000-0000-7000-8000-0000000000aa';
  const Stub = createRoutesStub([
    {
      // useOrg reads the role from the session (signed-in layout) and the organization from the org layout.
      id: 'routes/signed-in-layout',
      path: '/',
      loader: () => ({ me: { user: { platformRole: null }, memberships: [{ organizationId: orgId, role: edit ? 'admin' : 'viewer' }] } }),
      children: [
        {
          id: 'routes/org-layout',
          path: 'orgs/:orgId',
          loader: () => ({ org: { id: orgId, name: 'Acme', status: 'active' } }),
          children: [
            // A resolve reloads the header's sync status.
            { path: 'sync-status', loader: () => ({ summary: null, at: '' }) },
            {
              path: 'conflicts/:conflictId',
              Component: () => (
                <ConflictPage
                  {...({
                    loaderData: { conflict: c, integrationName: 'Team calendar' },
                    params: { orgId, conflictId: c.id },
                  } as unknown as Route.ComponentProps)}
                />
              ),
              action: async ({ request }) => {
                posted.push(await request.json());
                return { ok: true, message: 'Resolved', intent: 'resolve' };
              },
            },
          ],
        },
      ],
    },
  ]);
  return render(<Stub initialEntries={[`/orgs/${orgId}/conflicts/${c.id}`]} />).container;
}

describe('a conflict over a delete', () => {
  it('says what happened and offers the two outcomes, not a field-by-field choice', async () => {
    const posted: unknown[] = [];
    const page = showConflict(conflict({}), true, posted);
    await waitFor(() => expect(page.querySelector('[data-delete-conflict]')).not.toBeNull());
    expect(page.querySelector('[data-delete-conflict]')!.textContent).toMatch(/deleted in Linkyard, but the provider had changed it/);
    expect(page.querySelectorAll('input[type=radio]')).toHaveLength(0);
    const buttons = [...page.querySelectorAll('button')].map((b) => b.textContent);
    expect(buttons).toContain('Delete at the provider');
    expect(buttons).toContain('Keep the provider’s record');
    expect(buttons).not.toContain('Take ours for every field');

    const remove = [...page.querySelectorAll('button')].find((b) => b.textContent === 'Delete at the provider')!;
    act(() => void fireEvent.click(remove));
    await waitFor(() => expect(posted).toHaveLength(1));
    expect(posted[0]).toEqual({ resolution: 'local', localDeleted: true });
  });

  it('a Viewer reads it without the buttons; an edit conflict keeps its per-field choices', async () => {
    const viewer = showConflict(conflict({}), false, []);
    await waitFor(() => expect(viewer.querySelector('[data-delete-conflict]')).not.toBeNull());
    expect([...viewer.querySelectorAll('button')].map((b) => b.textContent)).not.toContain('Delete at the provider');
    cleanup();

    const edit = showConflict(
      conflict({
        localDeleted: false,
        fields: [{ path: 'summary', base: 'Standup', local: 'Daily', remote: 'Standup (moved)' }] as unknown as Conflict['fields'],
      }),
      true,
      [],
    );
    await waitFor(() => expect(edit.querySelectorAll('input[type=radio]').length).toBeGreaterThan(0));
    expect(edit.querySelector('[data-delete-conflict]')).toBeNull();
  });
});
