/**
 * Members & roles: shapes and the add-member form's rules, checked in the browser and again in the action
 * before the API (which checks a third time, with its own schema; the limits here are that schema's, read
 * through the generated api-field-limits).
 */
import { requestBodyLimits } from './api-field-limits.generated';
import type { ResponseBody, Role } from './types';

export type Member = ResponseBody<'/api/orgs/{orgId}/members', 'get'>['items'][number];

/** Given once, to the person who invited: what the invitee accepts to become a member. */
export type Invitation = ResponseBody<'/api/orgs/{orgId}/members', 'post'>['invitation'];

export const ROLES: { value: Role; label: string; description: string }[] = [
  { value: 'viewer', label: 'Viewer', description: 'Reads integrations, syncs, runs, logs and records' },
  { value: 'admin', label: 'Admin', description: 'Also configures integrations, syncs and mappings; exports; reads the audit log' },
  { value: 'super_admin', label: 'Super Admin', description: 'Also manages members and roles, and renames the organization' },
];

export const isRole = (value: unknown): value is Role => ROLES.some((r) => r.value === value);

export interface AddMemberValues {
  email: string;
  name: string;
  role: string;
}
export type AddMemberErrors = Partial<Record<keyof AddMemberValues, string>>;

/** The API's limits on the add-member body, for the checks below and the inputs' attributes. */
export const addMemberLimits = requestBodyLimits['POST /api/orgs/{orgId}/members'];

// Deliberately loose (the API has the final word): something@something.tld, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateAddMember(values: AddMemberValues): AddMemberErrors {
  const errors: AddMemberErrors = {};
  const email = values.email.trim();
  if (!email) errors.email = 'Enter the person’s email address.';
  else if (email.length > addMemberLimits.email.maxLength || !EMAIL.test(email))
    errors.email = 'Enter a valid email address, like name@example.com.';
  if (values.name.trim().length > addMemberLimits.name.maxLength)
    errors.name = `Keep the name to ${addMemberLimits.name.maxLength} characters or fewer.`;
  if (!isRole(values.role)) errors.role = 'Choose a role.';
  return errors;
}

export function readAddMember(form: FormData): AddMemberValues {
  const text = (k: string) => {
    const v = form.get(k);
    return typeof v === 'string' ? v : '';
  };
  return { email: text('email').trim(), name: text('name').trim(), role: text('role') };
}
