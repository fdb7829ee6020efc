/**
 * Platform console: tenant health shapes and the create-organization form's rules (the API's own, read
 * through the generated api-field-limits: a name of limited length; a slug of lowercase letters, digits and
 * dashes, 2–63 characters, starting with a letter or digit; a valid email for the first Super Admin).
 * Checked in the browser, in the action, then by the API.
 */
import { requestBodyLimits } from './api-field-limits.generated';
import type { ResponseBody } from './types';

export type Tenant = ResponseBody<'/api/platform/tenants', 'get'>['items'][number];

export type VerifyResult = ResponseBody<'/api/platform/audit/verify', 'get'>;

/** The API's limits on the create-organization body, for the checks below and the inputs' attributes. */
export const createOrgLimits = requestBodyLimits['POST /api/orgs'];

export const SLUG = new RegExp(createOrgLimits.slug.pattern);
/** The longest slug `SLUG` matches: the API's schema states it only in the pattern (`{1,62}` after the first character). */
export const SLUG_MAX_LENGTH = 63;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface CreateOrgValues {
  name: string;
  slug: string;
  superAdminEmail: string;
}
export type CreateOrgErrors = Partial<Record<keyof CreateOrgValues, string>>;

export function validateCreateOrg(v: CreateOrgValues): CreateOrgErrors {
  const errors: CreateOrgErrors = {};
  const name = v.name.trim();
  if (!name) errors.name = 'Enter the organization’s name.';
  else if (name.length > createOrgLimits.name.maxLength)
    errors.name = `Keep the name to ${createOrgLimits.name.maxLength} characters or fewer.`;
  if (!v.slug) errors.slug = 'Enter a slug, e.g. acme-corp.';
  else if (!SLUG.test(v.slug)) errors.slug = 'Use 2–63 lowercase letters, digits and dashes, starting with a letter or digit.';
  const email = v.superAdminEmail.trim();
  if (!email) errors.superAdminEmail = 'Enter the email of the organization’s first Super Admin.';
  else if (email.length > createOrgLimits.superAdminEmail.maxLength || !EMAIL.test(email))
    errors.superAdminEmail = 'Enter a valid email address, like name@example.com.';
  return errors;
}

export function readCreateOrg(form: FormData): CreateOrgValues {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === 'string' ? v.trim() : '';
  };
  return { name: text('name'), slug: text('slug').toLowerCase(), superAdminEmail: text('superAdminEmail') };
}

/** A slug suggested from a name: "Acme Corp." → "acme-corp". */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SLUG_MAX_LENGTH)
    .replace(/-+$/, '');
}

/** Share of runs that failed, as "12%" ("—" with no runs). */
export function failureRate(runs: number, failed: number): string {
  if (!runs) return '—';
  const pct = (failed / runs) * 100;
  return `${pct > 0 && pct < 1 ? '<1' : Math.round(pct)}%`;
}

/** "healthy" | "warning" | "critical": any ERROR integration or ≥ 25 % failed runs is critical. */
export function tenantHealth(t: Pick<Tenant, 'integrationsByStatus' | 'runs24h' | 'failedRuns24h'>): 'healthy' | 'warning' | 'critical' {
  const rate = t.runs24h ? t.failedRuns24h / t.runs24h : 0;
  if (t.integrationsByStatus.ERROR > 0 || rate >= 0.25) return 'critical';
  if (t.failedRuns24h > 0 || t.integrationsByStatus.PAUSED > 0) return 'warning';
  return 'healthy';
}
