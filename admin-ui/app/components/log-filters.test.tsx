// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render } from '@testing-library/react';
import { createRoutesStub } from 'react-router';
import { LogFilters, logFilterErrorOf, parseLogFilters } from './log-filters';
import { LogGroups } from './log-list';
import type { LogLine } from '~/lib/types';

afterEach(cleanup);

const NOW = Date.parse('2026-12-07T15:30:00.000Z');
const API_ORDER_ERROR = '"to" must not be before "from"';

function showFilters(url: string) {
  const search = new URLSearchParams(url.split('?')[1] ?? '');
  const parsed = parseLogFilters(search, { timeZone: 'UTC', now: NOW });
  // What the loader does when the API refuses the range: its message lands on To.
  const errors = {
    ...parsed.errors,
    ...(parsed.values.from > parsed.values.to && parsed.values.to ? logFilterErrorOf({ message: API_ORDER_ERROR, field: 'query.to' }) : {}),
  };
  const Stub = createRoutesStub([
    {
      path: '/logs',
      Component: () => (
        <LogFilters values={parsed.values} errors={errors} range={parsed.range} filtered={parsed.filtered} clearHref="/logs" />
      ),
    },
  ]);
  return render(<Stub initialEntries={[url]} />).container;
}

describe('LogFilters', () => {
  it('shows the API’s To-before-From refusal on To, and clears it once the times are in order', () => {
    const c = showFilters('/logs?from=2026-12-07T16:00&to=2026-12-07T14:00');
    const to = c.querySelector<HTMLInputElement>('#log-to')!;
    expect(c.querySelector('#log-to-error')!.textContent).toBe(API_ORDER_ERROR);
    expect(to.getAttribute('aria-invalid')).toBe('true');
    expect(to.getAttribute('aria-describedby')).toBe('log-to-error');
    expect(c.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled).toBe(true);

    // Still before From: the message stays.
    act(() => void fireEvent.change(to, { target: { value: '2026-12-07T15:00' } }));
    expect(c.querySelector('#log-to-error')).not.toBeNull();
    // Fixed: gone, and Apply is back.
    act(() => void fireEvent.change(to, { target: { value: '2026-12-07T17:00' } }));
    expect(c.querySelector('#log-to-error')).toBeNull();
    expect(to.getAttribute('aria-invalid')).toBeNull();
    expect(c.querySelector<HTMLButtonElement>('button[type=submit]')!.disabled).toBe(false);
  });

  it('marks the preset in force, keeps it in the form, and links the others without custom times', () => {
    const c = showFilters('/logs?range=24h&level=error');
    expect(c.querySelector('[aria-current=true]')!.textContent).toBe('Last 24 hours');
    expect(c.querySelector<HTMLInputElement>('input[type=hidden][name=range]')!.value).toBe('24h');
    expect(c.querySelector('[data-range-preset="1h"]')!.getAttribute('href')).toBe('/logs?level=error&range=1h');
    expect(c.querySelector('[data-range-summary]')!.textContent).toMatch(/^Since Dec 6, 15:30 until now$/);
    // Typing a custom time drops the preset from what Apply sends.
    act(() => void fireEvent.change(c.querySelector('#log-from')!, { target: { value: '2026-12-07T10:00' } }));
    expect(c.querySelector('input[type=hidden][name=range]')).toBeNull();
    expect(c.querySelector('[aria-current=true]')).toBeNull();
  });

  it('labels From and To with the time zone they are read in', () => {
    const c = showFilters('/logs');
    expect(c.querySelector('label[for=log-from]')!.textContent).toBe('From (UTC)');
    expect(c.querySelector('[aria-current=true]')!.textContent).toBe('Any time');
  });
});

const RUN_A = '01a25137-0000-7000-8000-00000000000a';
const RUN_B = '01a25137-0000-7000-8000-00000000000b';
const line = (id: string, runId: string, at: string, message: string): LogLine => ({
  id: `01a25137-0000-7000-8000-0000000000${id}`,
  runId,
  integrationId: '01a25137-0000-7000-8000-000000000001',
  syncId: '01a25137-0000-7000-8000-000000000002',
  at,
  level: 'info',
  message,
  data: null,
});
const stats = { fetched: 3, created: 1, updated: 2, unchanged: 0, deleted: 0, failed: 1, skipped: 0, pushed: 0, conflicts: 0 };

describe('LogGroups', () => {
  it('heads each run’s lines with its trigger, status, start and counts, and collapses a group', () => {
    const Stub = createRoutesStub([
      {
        path: '/',
        Component: () => (
          <LogGroups
            logs={[
              line('11', RUN_B, '2026-12-07T15:00:00.000Z', 'b second'),
              line('12', RUN_A, '2026-12-07T14:00:00.000Z', 'a second'),
              line('13', RUN_B, '2026-12-07T14:59:00.000Z', 'b first'),
            ]}
            runs={{
              [RUN_B]: {
                id: RUN_B,
                status: 'running',
                trigger: 'manual',
                startedAt: '2026-12-07T14:58:00.000Z',
                scheduledFor: null,
                stats,
              },
              [RUN_A]: null,
            }}
            title={() => 'contacts'}
            runHref={(l) => `/run/${l.runId}`}
          />
        ),
      },
    ]);
    const c = render(<Stub />).container;
    const groups = [...c.querySelectorAll('[data-run-group]')];
    expect(groups.map((g) => g.getAttribute('data-run-group'))).toEqual([RUN_B, RUN_A]);
    const [b, a] = groups as [HTMLElement, HTMLElement];
    expect(b.querySelector('h3')!.textContent).toBe('manual run of contacts');
    expect(b.querySelector('[data-status]')!.textContent).toBe('running');
    expect(b.querySelector('[data-run-started] time')!.getAttribute('dateTime')).toBe('2026-12-07T14:58:00.000Z');
    expect(b.querySelector('[data-run-counts]')!.textContent).toBe('3 fetched · 1 created · 2 updated · 1 failed2 lines on this page');
    expect([...b.querySelectorAll('[data-log-list] li p')].map((p) => p.textContent)).toEqual(['b second', 'b first']);
    // A run that is gone still gets its group, without the run's facts.
    expect(a.querySelector('h3')!.textContent).toBe('Run of contacts');

    const toggle = b.querySelector<HTMLButtonElement>('[data-group-toggle]')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    act(() => toggle.click());
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(c.querySelector<HTMLElement>(`#${toggle.getAttribute('aria-controls')}`)!.hidden).toBe(true);
    expect(a.querySelector<HTMLElement>('[data-group-toggle]')!.getAttribute('aria-expanded')).toBe('true');
  });
});
