import { describe, expect, it } from 'vitest';
import { describeDays, orgSettingsBody, readOrgSettings, validateOrgSettings, type OrgSettingsValues } from './org-settings-form';

const valid: OrgSettingsValues = {
  name: 'Acme',
  defaultTimezone: 'Europe/Berlin',
  retention: { logsDays: '30', runsDays: '90', deletedRecordsDays: '30', webhookDeliveriesDays: '3650' },
};

describe('the organization settings form', () => {
  it('accepts a name, a time zone and whole days from 1 to 3650', () => {
    expect(validateOrgSettings(valid)).toEqual({});
    expect(orgSettingsBody(valid, true)).toEqual({
      name: 'Acme',
      defaultTimezone: 'Europe/Berlin',
      retention: { logsDays: 30, runsDays: 90, deletedRecordsDays: 30, webhookDeliveriesDays: 3650 },
    });
  });

  it('names each retention input at fault with the bounds, as the API does', () => {
    const errors = validateOrgSettings({
      ...valid,
      name: 'x'.repeat(121),
      retention: { logsDays: '0', runsDays: '3651', deletedRecordsDays: '1.5', webhookDeliveriesDays: '' },
    });
    expect(Object.keys(errors).sort()).toEqual([
      'name',
      'retention.deletedRecordsDays',
      'retention.logsDays',
      'retention.runsDays',
      'retention.webhookDeliveriesDays',
    ]);
    expect(errors['retention.logsDays']).toBe('Logs must be kept from 1 to 3650 days (a whole number).');
    expect(errors.name).toMatch(/120/);
  });

  it('checks and sends only the name for someone who may only rename', () => {
    const values = { ...valid, retention: { ...valid.retention, logsDays: 'nonsense' } };
    expect(validateOrgSettings(values, false)).toEqual({});
    expect(orgSettingsBody(values, false)).toEqual({ name: 'Acme' });
  });

  it('reads the form with retention inputs named by their API path', () => {
    const form = new FormData();
    form.set('name', '  Acme Corp ');
    form.set('defaultTimezone', 'UTC');
    form.set('retention.logsDays', '14');
    expect(readOrgSettings(form)).toEqual({
      name: 'Acme Corp',
      defaultTimezone: 'UTC',
      retention: { logsDays: '14', runsDays: '', deletedRecordsDays: '', webhookDeliveriesDays: '' },
    });
  });

  it('reads a number of days for people', () => {
    expect(describeDays(1)).toBe('1 day');
    expect(describeDays(30)).toBe('30 days');
    expect(describeDays(90)).toBe('about 3 months');
    expect(describeDays(365)).toBe('about 1 year');
    expect(describeDays(3650)).toBe('about 10 years');
  });
});
