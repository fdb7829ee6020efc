import { describe, expect, it } from 'vitest';
import { apiKeyStatus, expiryOf, readCreateApiKey, validateCreateApiKey } from './api-keys-form';

const NOW = new Date('2026-12-07T12:00:00Z');

describe('the create-key form', () => {
  it('accepts a name, a role and an optional future day', () => {
    expect(validateCreateApiKey({ name: 'Warehouse', role: 'viewer', expiresOn: '', tzOffset: 0 }, NOW)).toEqual({});
    expect(validateCreateApiKey({ name: 'Warehouse', role: 'admin', expiresOn: '2027-01-31', tzOffset: -60 }, NOW)).toEqual({});
  });

  it('names each field at fault, with the API’s name limit', () => {
    const errors = validateCreateApiKey({ name: 'x'.repeat(121), role: 'super_admin', expiresOn: '2026-12-06', tzOffset: 0 }, NOW);
    expect(Object.keys(errors).sort()).toEqual(['expiresAt', 'name', 'role']);
    expect(errors.name).toMatch(/120/);
    expect(validateCreateApiKey({ name: '  ', role: 'viewer', expiresOn: '2027-02-31', tzOffset: 0 }, NOW)).toEqual({
      name: expect.stringMatching(/name/i),
      expiresAt: expect.stringMatching(/date/),
    });
  });

  it('ends the chosen day where the person is', () => {
    expect(expiryOf('2027-01-31', 0)).toBe('2027-01-31T23:59:59.999Z');
    // Berlin in winter is UTC+1: getTimezoneOffset() is -60.
    expect(expiryOf('2027-01-31', -60)).toBe('2027-01-31T22:59:59.999Z');
    expect(expiryOf('31/01/2027', 0)).toBeNull();
  });

  it('reads the form, treating a missing or absurd offset as UTC', () => {
    const form = new FormData();
    form.set('name', '  Warehouse ');
    form.set('role', 'viewer');
    form.set('expiresOn', '2027-01-31');
    form.set('tzOffset', '99999');
    expect(readCreateApiKey(form)).toEqual({ name: 'Warehouse', role: 'viewer', expiresOn: '2027-01-31', tzOffset: 0 });
  });
});

describe("a key's status", () => {
  it('is revoked, expired or active, revoked first', () => {
    const now = NOW.getTime();
    expect(apiKeyStatus({ revokedAt: null, expiresAt: null }, now)).toBe('active');
    expect(apiKeyStatus({ revokedAt: null, expiresAt: '2026-12-07T11:59:59Z' }, now)).toBe('expired');
    expect(apiKeyStatus({ revokedAt: '2026-12-01T00:00:00Z', expiresAt: '2026-12-07T11:59:59Z' }, now)).toBe('revoked');
  });
});
