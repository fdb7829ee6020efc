import { describe, expect, it } from 'vitest';
import { exportUrl, isCalendarDay, lastDays, readExportForm, validateExportForm, type ExportFormValues } from './export-form';

const valid: ExportFormValues = { format: 'csv', entities: ['runs', 'logs'], startDate: '2026-01-01', endDate: '2026-01-31' };

describe('export form rules', () => {
  it('accepts a valid form, and open-ended or single-day ranges', () => {
    expect(validateExportForm(valid)).toEqual({});
    expect(validateExportForm({ ...valid, startDate: '', endDate: '' })).toEqual({});
    expect(validateExportForm({ ...valid, startDate: '2026-01-31', endDate: '2026-01-31' })).toEqual({});
    expect(validateExportForm({ ...valid, endDate: '' })).toEqual({});
  });

  it('needs at least one known entity', () => {
    expect(validateExportForm({ ...valid, entities: [] }).entities).toMatch(/at least one/);
    expect(validateExportForm({ ...valid, entities: ['runs', 'secrets' as never] }).entities).toBeTruthy();
  });

  it('refuses an end before the start, and days that are not real', () => {
    expect(validateExportForm({ ...valid, startDate: '2026-02-01', endDate: '2026-01-31' }).endDate).toMatch(/on or after/);
    expect(validateExportForm({ ...valid, startDate: '2026-02-30' }).startDate).toBeTruthy();
    expect(validateExportForm({ ...valid, endDate: '31/01/2026' }).endDate).toBeTruthy();
    expect(validateExportForm({ ...valid, format: 'xlsx' as never }).format).toBeTruthy();
  });

  it('knows calendar days like the API', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2025-02-29')).toBe(false);
    expect(isCalendarDay('1969-12-31')).toBe(false);
    expect(isCalendarDay('2026-1-5')).toBe(false);
  });

  it('reads checkboxes or a comma list, in the canonical order without duplicates', () => {
    const form = new URLSearchParams('format=pdf&entities=logs&entities=integrations&entities=logs&startDate=2026-01-01&endDate=');
    expect(readExportForm(form)).toEqual({ format: 'pdf', entities: ['integrations', 'logs'], startDate: '2026-01-01', endDate: '' });
    expect(readExportForm(new URLSearchParams('format=json&entities=audit,runs,nope')).entities).toEqual(['runs', 'audit', 'nope']);
    expect(readExportForm(new URLSearchParams('')).format).toBe('json');
  });

  it('builds the API download URL with a comma-separated entity list', () => {
    expect(exportUrl('org-1', valid)).toBe('/api/orgs/org-1/export?format=csv&entities=runs,logs&startDate=2026-01-01&endDate=2026-01-31');
    expect(exportUrl('org-1', { ...valid, format: 'json', startDate: '', endDate: '' })).toBe(
      '/api/orgs/org-1/export?format=json&entities=runs,logs',
    );
  });

  it('makes "last N days" ranges of UTC days ending today', () => {
    expect(lastDays(7, new Date('2026-03-05T23:30:00Z'))).toEqual(['2026-02-27', '2026-03-05']);
    expect(lastDays(1, new Date('2026-03-05T00:00:00Z'))).toEqual(['2026-03-05', '2026-03-05']);
  });
});
