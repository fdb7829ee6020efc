import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { draftFromSchedule } from '~/lib/cron';
import { CronEditor, SchedulePreviewPanel, type SchedulePreviewState } from './cron-editor';

const ZONES = ['UTC', 'Europe/Berlin', 'America/New_York'];
const noop = () => {};
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ');

describe('CronEditor', () => {
  it('shows a weekday preset with its time, timezone, description and next runs', () => {
    const schedule = { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' };
    const preview: SchedulePreviewState = { ok: true, ...schedule, nextRuns: ['2025-03-10T08:00:00.000Z', '2025-03-11T08:00:00.000Z'] };
    const html = renderToStaticMarkup(
      <CronEditor id="s1" draft={draftFromSchedule(schedule)} onChange={noop} timezones={ZONES} preview={preview} />,
    );
    expect(html).toContain('<label for="s1-preset"');
    expect(html).toMatch(/<option value="weekdays" selected="">Weekdays at…<\/option>/);
    expect(html).toMatch(/<input[^>]*id="s1-time"[^>]*value="09:00"/);
    expect(html).toMatch(/<option value="Europe\/Berlin" selected="">/);
    expect(text(html)).toContain('Every weekday at 09:00 (Europe/Berlin)');
    expect(text(html)).toContain('Mon, Mar 10, 09:00 GMT+1');
    expect(text(html)).toContain('Tue, Mar 11, 09:00 GMT+1');
    expect(html).not.toContain('id="s1-cron"'); // presets show their cron, not the custom field
  });

  it('weekly shows a day select', () => {
    const html = renderToStaticMarkup(
      <CronEditor
        id="s"
        draft={draftFromSchedule({ cron: '30 7 * * 3', timezone: 'UTC' })}
        onChange={noop}
        timezones={ZONES}
        preview={null}
      />,
    );
    expect(html).toMatch(/<option value="3" selected="">Wednesday<\/option>/);
    expect(text(html)).toContain('Every Wednesday at 07:30 (UTC)');
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
    const html = renderToStaticMarkup(<CronEditor id="s" draft={draft} onChange={noop} timezones={ZONES} preview={preview} />);
    expect(html).toMatch(/<input[^>]*id="s-cron"[^>]*aria-invalid="true"[^>]*aria-describedby="s-cron-error"/);
    expect(html).toMatch(/id="s-cron-error" role="alert">schedule.cron must have 5 fields/);
    expect(text(html)).toContain('Cron "0 9 * *" (UTC)'); // not understood: the raw cron
    expect(text(html)).toContain('Fix the schedule to see its next runs');
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
    const html = renderToStaticMarkup(<CronEditor id="s" draft={draft} onChange={noop} timezones={ZONES} preview={preview} />);
    expect(html).toMatch(/id="s-timezone-error" role="alert">schedule.timezone &quot;Mars\/Base&quot; is not an IANA timezone/);
    expect(html).not.toContain('s-cron-error');
    expect(html).toMatch(/<option value="Mars\/Base" selected="">/); // the unknown value stays visible
  });

  it('save errors win over the preview', () => {
    const html = renderToStaticMarkup(
      <CronEditor
        id="s"
        draft={draftFromSchedule({ cron: '0 */6 * * *', timezone: 'UTC' })}
        onChange={noop}
        timezones={ZONES}
        preview={null}
        errors={{ cron: 'fires too often' }}
      />,
    );
    expect(html).toMatch(/role="alert">fires too often</);
  });

  it('manual only has no timezone and says it runs when started', () => {
    const html = renderToStaticMarkup(
      <CronEditor id="s" draft={draftFromSchedule(null)} onChange={noop} timezones={ZONES} preview={null} />,
    );
    expect(html).not.toContain('s-timezone');
    expect(text(html)).toContain('Manual only');
    expect(text(html)).not.toContain('Next runs');
  });

  it('shows that the next runs are being calculated while the preview is pending', () => {
    const html = renderToStaticMarkup(
      <SchedulePreviewPanel id="p" schedule={{ cron: '*/15 * * * *', timezone: 'UTC' }} preview={null} pending />,
    );
    expect(text(html)).toContain('Every 15 minutes (UTC)');
    expect(text(html)).toContain('Calculating…');
  });

  it('ignores a preview of another expression (typed since)', () => {
    const stale: SchedulePreviewState = { ok: true, cron: '0 8 * * *', timezone: 'UTC', nextRuns: ['2025-01-01T08:00:00.000Z'] };
    const html = renderToStaticMarkup(
      <SchedulePreviewPanel id="p" schedule={{ cron: '0 9 * * *', timezone: 'UTC' }} preview={stale} pending />,
    );
    expect(html).not.toContain('data-next-runs');
  });
});
