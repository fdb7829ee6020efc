// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { draftFromSchedule } from '~/lib/cron';
import { CronEditor, SchedulePreviewPanel, type SchedulePreviewState } from './cron-editor';

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York'];
const noop = () => {};
const select = (label: string) => screen.getByLabelText<HTMLSelectElement>(label);
const input = (label: string) => screen.getByLabelText<HTMLInputElement>(label);
/** The visible text of the whole rendering, white space folded. */
const text = (container: HTMLElement) => (container.textContent ?? '').replace(/\s+/g, ' ');

afterEach(cleanup);

describe('CronEditor', () => {
  it('shows a weekday preset with its time, timezone, description and next runs', () => {
    const schedule = { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' };
    const preview: SchedulePreviewState = { ok: true, ...schedule, nextRuns: ['2025-03-10T08:00:00.000Z', '2025-03-11T08:00:00.000Z'] };
    const { container } = render(
      <CronEditor id="s1" draft={draftFromSchedule(schedule)} onChange={noop} timezones={ZONES} preview={preview} />,
    );
    expect(select('Frequency').id).toBe('s1-preset');
    expect(select('Frequency').selectedOptions[0]?.textContent).toBe('Weekdays at…');
    expect(select('Frequency').value).toBe('weekdays');
    expect(input('Time').id).toBe('s1-time');
    expect(input('Time').value).toBe('09:00');
    expect(select('Timezone').value).toBe('Europe/Berlin');
    expect(text(container)).toContain('Every weekday at 09:00 (Europe/Berlin)');
    expect(screen.getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Mon, Mar 10, 09:00 GMT+1', 'Tue, Mar 11, 09:00 GMT+1']);
    expect(screen.queryByLabelText('Cron expression')).toBeNull(); // presets show their cron, not the custom field
    expect(container.querySelector('#s1-cron')).toBeNull();
  });

  it('weekly shows a day select', () => {
    const { container } = render(
      <CronEditor
        id="s"
        draft={draftFromSchedule({ cron: '30 7 * * 3', timezone: 'UTC' })}
        onChange={noop}
        timezones={ZONES}
        preview={null}
      />,
    );
    expect(select('Day').value).toBe('3');
    expect(select('Day').selectedOptions[0]?.textContent).toBe('Wednesday');
    expect(text(container)).toContain('Every Wednesday at 07:30 (UTC)');
  });

  it('custom shows the cron field and the API error next to it', () => {
    const draft = draftFromSchedule({ cron: '0 9 * *', timezone: 'UTC' });
    const preview: SchedulePreviewState = {
      ok: false,
      cron: '0 9 * *',
      timezone: 'UTC',
      message: 'schedule.cron must have 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first; "0 9 * *" has 4',
      field: 'cron',
    };
    const { container } = render(<CronEditor id="s" draft={draft} onChange={noop} timezones={ZONES} preview={preview} />);
    const cron = input('Cron expression');
    expect(cron.id).toBe('s-cron');
    expect(cron.getAttribute('aria-invalid')).toBe('true');
    expect(cron.getAttribute('aria-describedby')).toBe('s-cron-error');
    const alert = screen.getByRole('alert');
    expect(alert.id).toBe('s-cron-error');
    expect(alert.textContent).toMatch(/^schedule.cron must have 5 fields/);
    expect(text(container)).toContain('Cron "0 9 * *" (UTC)'); // not understood: the raw cron
    expect(text(container)).toContain('Fix the schedule to see its next runs');
  });

  it('puts a timezone error next to the timezone', () => {
    const draft = { ...draftFromSchedule({ cron: '0 8 * * *', timezone: 'UTC' }), timezone: 'Mars/Base' };
    const preview: SchedulePreviewState = {
      ok: false,
      cron: '0 8 * * *',
      timezone: 'Mars/Base',
      message: 'schedule.timezone "Mars/Base" is not an IANA timezone',
      field: 'timezone',
    };
    const { container } = render(<CronEditor id="s" draft={draft} onChange={noop} timezones={ZONES} preview={preview} />);
    const alert = screen.getByRole('alert');
    expect(alert.id).toBe('s-timezone-error');
    expect(alert.textContent).toMatch(/^schedule.timezone "Mars\/Base" is not an IANA timezone/);
    expect(container.querySelector('#s-cron-error')).toBeNull();
    expect(container.querySelector('[aria-describedby="s-cron-error"]')).toBeNull();
    expect(select('Timezone').value).toBe('Mars/Base'); // the unknown value stays visible
  });

  it('save errors win over the preview', () => {
    render(
      <CronEditor
        id="s"
        draft={draftFromSchedule({ cron: '0 */6 * * *', timezone: 'UTC' })}
        onChange={noop}
        timezones={ZONES}
        preview={null}
        errors={{ cron: 'fires too often' }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toBe('fires too often');
  });

  it('manual only has no timezone and says it runs when started', () => {
    const { container } = render(<CronEditor id="s" draft={draftFromSchedule(null)} onChange={noop} timezones={ZONES} preview={null} />);
    expect(screen.queryByLabelText('Timezone')).toBeNull();
    expect(container.querySelector('[id^="s-timezone"]')).toBeNull();
    expect(text(container)).toContain('Manual only');
    expect(text(container)).not.toContain('Next runs');
  });

  it('shows that the next runs are being calculated while the preview is pending', () => {
    const { container } = render(
      <SchedulePreviewPanel id="p" schedule={{ cron: '*/15 * * * *', timezone: 'UTC' }} preview={null} pending />,
    );
    expect(text(container)).toContain('Every 15 minutes (UTC)');
    expect(text(container)).toContain('Calculating…');
  });

  it('ignores a preview of another expression (typed since)', () => {
    const stale: SchedulePreviewState = { ok: true, cron: '0 8 * * *', timezone: 'UTC', nextRuns: ['2025-01-01T08:00:00.000Z'] };
    const { container } = render(<SchedulePreviewPanel id="p" schedule={{ cron: '0 9 * * *', timezone: 'UTC' }} preview={stale} pending />);
    expect(container.querySelector('[data-next-runs]')).toBeNull();
    expect(screen.queryAllByRole('listitem')).toHaveLength(0);
  });
});
