import { describe, expect, it } from 'vitest';
import { failureRate, slugify, tenantHealth, validateCreateOrg } from './platform';
import { validateAddMember } from './members-form';

const counts = { INACTIVE: 0, ACTIVE: 2, ERROR: 0, SYNCING: 0, PAUSED: 0 };

describe('create organization rules (the API schema)', () => {
  it('accepts a valid organization', () => {
    expect(validateCreateOrg({ name: 'Acme', slug: 'acme-2', superAdminEmail: 'a@acme.test' })).toEqual({});
  });
  it('names each bad field', () => {
    const e = validateCreateOrg({ name: ' ', slug: '-acme', superAdminEmail: 'nope' });
    expect(Object.keys(e).sort()).toEqual(['name', 'slug', 'superAdminEmail']);
    expect(validateCreateOrg({ name: 'A', slug: 'a', superAdminEmail: 'a@b.co' }).slug).toBeTruthy();
    expect(validateCreateOrg({ name: 'A', slug: 'Acme', superAdminEmail: 'a@b.co' }).slug).toBeTruthy();
    expect(validateCreateOrg({ name: 'x'.repeat(121), slug: 'ok', superAdminEmail: 'a@b.co' }).name).toBeTruthy();
  });
  it('suggests a slug from the name', () => {
    expect(slugify('Acme Corp.')).toBe('acme-corp');
    expect(slugify('  Ünïcödé — Org ')).toBe('unicode-org');
    expect(slugify('x'.repeat(70))).toHaveLength(63);
  });
});

describe('add member rules', () => {
  it('needs an email and a role', () => {
    expect(validateAddMember({ email: 'new@acme.test', name: '', role: 'viewer' })).toEqual({});
    expect(Object.keys(validateAddMember({ email: '', name: '', role: 'owner' })).sort()).toEqual(['email', 'role']);
    expect(validateAddMember({ email: 'a b@c.d', name: '', role: 'admin' }).email).toBeTruthy();
  });
});

describe('tenant health', () => {
  it('grades errors and failure rates', () => {
    expect(tenantHealth({ integrationsByStatus: counts, runs24h: 10, failedRuns24h: 0 })).toBe('healthy');
    expect(tenantHealth({ integrationsByStatus: counts, runs24h: 10, failedRuns24h: 1 })).toBe('warning');
    expect(tenantHealth({ integrationsByStatus: counts, runs24h: 4, failedRuns24h: 1 })).toBe('critical');
    expect(tenantHealth({ integrationsByStatus: { ...counts, ERROR: 1 }, runs24h: 0, failedRuns24h: 0 })).toBe('critical');
  });
  it('shows failure rates', () => {
    expect(failureRate(0, 0)).toBe('—');
    expect(failureRate(3, 1)).toBe('33%');
    expect(failureRate(1000, 1)).toBe('<1%');
  });
});
