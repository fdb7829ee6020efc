import { useState } from 'react';
import { useFetcher, useSearchParams } from 'react-router';
import type { Route } from './+types/members';
import { api, formOutcome, loaded, outcome, settled, type ActionOutcome } from '~/lib/api.server';
import { roleLabel } from '~/lib/format';
import {
  addMemberLimits,
  isRole,
  readAddMember,
  ROLES,
  validateAddMember,
  type AddMemberErrors,
  type AddMemberValues,
  type Invitation,
  type Member,
} from '~/lib/members-form';
import type { Role } from '~/lib/types';
import { useOrg } from './org-layout';
import { useSession } from './signed-in-layout';
import { Button, Card, EmptyState, errorAttributes, Field, Input, PageHeader, Pager, Select, Table, Td, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { ConfirmAction } from '~/components/confirm-action';
import { RouteError } from '~/components/route-error';
import { InvitationNotice } from '~/components/invitation-notice';
import { PendingInvitations } from '~/components/pending-invitations';
import { Time } from '~/components/time';

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const url = new URL(request.url);
  const page = await loaded(
    request,
    api(context).GET('/api/orgs/{orgId}/members', {
      params: { path: { orgId: params.orgId }, query: { limit: 100, cursor: url.searchParams.get('cursor') ?? undefined } },
    }),
  );
  // Only a Super Admin may see pending invitations; for anyone else the list is simply not there.
  const invitations = await settled(
    api(context).GET('/api/orgs/{orgId}/invitations', { params: { path: { orgId: params.orgId }, query: { limit: 100 } } }),
  );
  return { page, invitations: invitations.ok ? invitations.data.items : [] };
}

type MemberOutcome = ActionOutcome & {
  userId?: string;
  values?: AddMemberValues;
  fieldErrors?: AddMemberErrors;
  invited?: { email: string; invitation: Invitation } | null;
};

export async function action({ request, context, params }: Route.ActionArgs): Promise<MemberOutcome> {
  const form = await request.formData();
  const intent = String(form.get('intent') ?? '');
  const path = { orgId: params.orgId };

  if (intent === 'add') {
    const values = readAddMember(form);
    const fieldErrors = validateAddMember(values);
    if (Object.keys(fieldErrors).length) return { ok: false, intent, message: 'Check the highlighted fields.', fieldErrors, values };
    const res = await settled(
      api(context).POST('/api/orgs/{orgId}/members', {
        params: { path },
        body: { email: values.email, role: values.role as Role, ...(values.name ? { name: values.name } : {}) },
      }),
    );
    if (res.ok) {
      const { invitation } = res.data;
      return {
        ok: true,
        intent,
        message: `Invited ${values.email} as ${roleLabel(values.role)}`,
        // The token goes to this Super Admin's browser once, in this answer; it is never logged or stored here.
        invited: { email: values.email, invitation },
      };
    }
    return { ...formOutcome(request, res, '', ['email', 'name', 'role'], intent), values };
  }

  if (intent === 'resend' || intent === 'revoke') return invitationAction(request, context, params.orgId, form);

  const userId = String(form.get('userId') ?? '');
  const email = String(form.get('email') ?? 'the member');
  if (!/^[0-9a-f-]{36}$/i.test(userId))
    return { ok: false, intent, userId, message: 'This member could not be identified; reload the page.' };
  if (intent === 'role') {
    const role = form.get('role');
    if (!isRole(role)) return { ok: false, intent, userId, message: 'Choose a role.' };
    const res = await settled(
      api(context).PATCH('/api/orgs/{orgId}/members/{userId}', { params: { path: { ...path, userId } }, body: { role } }),
    );
    return { ...outcome(request, res, `${email} is now ${roleLabel(role)}`, intent), userId };
  }
  if (intent === 'remove') {
    const res = await settled(api(context).DELETE('/api/orgs/{orgId}/members/{userId}', { params: { path: { ...path, userId } } }));
    return { ...outcome(request, res, `Removed ${email} from the organization`, intent), userId };
  }
  return { ok: false, intent, message: 'Unknown action.' };
}

/** A pending invitation sent again (a new link) or revoked. */
async function invitationAction(
  request: Request,
  context: Route.ActionArgs['context'],
  orgId: string,
  form: FormData,
): Promise<MemberOutcome> {
  const intent = String(form.get('intent'));
  const invitationId = String(form.get('invitationId') ?? '');
  const email = String(form.get('email') ?? 'the person');
  const path = { orgId, invitationId };
  if (intent === 'resend') {
    const res = await settled(api(context).POST('/api/orgs/{orgId}/invitations/{invitationId}/resend', { params: { path } }));
    if (res.ok)
      return { ok: true, intent, message: `New link for ${email}; the old one no longer works`, invited: { email, invitation: res.data } };
    return outcome(request, res, '', intent);
  }
  const res = await settled(api(context).DELETE('/api/orgs/{orgId}/invitations/{invitationId}', { params: { path } }));
  return outcome(request, res, `Revoked the invitation of ${email}`, intent);
}

export const meta: Route.MetaFunction = () => [{ title: 'Members & roles · Linkyard' }];

export default function Members({ loaderData, params }: Route.ComponentProps) {
  const { page } = loaderData;
  const { org, permissions } = useOrg();
  const { me } = useSession();
  const [search] = useSearchParams();
  const manage = permissions.manageMembers;
  const superAdmins = page.items.filter((m) => m.role === 'super_admin').length;
  const base = `/orgs/${params.orgId}/members`;
  const toast = useLatestSuccess(['add-member', 'member-role', 'member-remove']);

  return (
    <>
      <PageHeader
        title="Members & roles"
        description={
          manage
            ? `People who can use ${org.name}, and what each may do.`
            : `People who can use ${org.name}. Only a Super Admin can add members or change roles.`
        }
      />

      {manage && <AddMember />}
      {manage && <PendingInvitations items={loaderData.invitations} />}

      {page.items.length === 0 ? (
        <EmptyState title="No members on this page" description="This organization has no members to show." />
      ) : (
        <Table
          head={
            manage
              ? [
                  'Member',
                  'Role',
                  'Joined',
                  <span key="a" className="sr-only">
                    Actions
                  </span>,
                ]
              : ['Member', 'Role', 'Joined']
          }
        >
          {page.items.map((m) => (
            <MemberRow
              key={m.userId}
              member={m}
              manage={manage}
              isSelf={m.userId === me.user.id}
              lastSuperAdmin={m.role === 'super_admin' && superAdmins === 1 && !page.nextCursor && !search.get('cursor')}
            />
          ))}
        </Table>
      )}
      <Pager
        nextCursor={page.nextCursor}
        resetHref={search.get('cursor') ? base : null}
        makeHref={(c) => `${base}?cursor=${encodeURIComponent(c)}`}
      />

      <details className="mt-6 rounded-lg bg-white p-4 text-sm shadow-sm ring-1 ring-slate-200">
        <summary className="cursor-pointer font-medium text-slate-700">What each role may do</summary>
        <dl className="mt-3 grid gap-2 sm:grid-cols-3">
          {ROLES.map((r) => (
            <div key={r.value}>
              <dt className="font-semibold text-slate-800">{r.label}</dt>
              <dd className="text-slate-600">{r.description}</dd>
            </div>
          ))}
        </dl>
      </details>
      <Toast outcome={toast} />
    </>
  );
}

/** The latest successful outcome of these fetchers, for a toast that hides itself after a few seconds. */
function useLatestSuccess(keys: string[]): MemberOutcome | null {
  const a = useFetcher<MemberOutcome>({ key: keys[0] }).data;
  const b = useFetcher<MemberOutcome>({ key: keys[1] }).data;
  const c = useFetcher<MemberOutcome>({ key: keys[2] }).data;
  return useToast([a, b, c], { successOnly: true });
}

function AddMember() {
  const fetcher = useFetcher<MemberOutcome>({ key: 'add-member' });
  const [clientErrors, setClientErrors] = useState<AddMemberErrors>({});
  const [dismissed, setDismissed] = useState<MemberOutcome | null>(null);
  const result = fetcher.data && fetcher.data !== dismissed ? fetcher.data : null;
  const errors: AddMemberErrors = { ...(result?.ok === false ? result.fieldErrors : {}), ...clientErrors };
  const busy = fetcher.state !== 'idle';

  // An invitation sent empties the form: a new `key` remounts its inputs.
  const [answered, setAnswered] = useState(fetcher.data);
  const [formKey, setFormKey] = useState(0);
  if (fetcher.data !== answered) {
    setAnswered(fetcher.data);
    if (fetcher.data?.ok) setFormKey((k) => k + 1);
  }

  return (
    <Card title="Add a member" className="mb-6">
      <fetcher.Form
        key={formKey}
        method="post"
        noValidate
        onSubmit={(e) => {
          const errs = validateAddMember(readAddMember(new FormData(e.currentTarget)));
          setClientErrors(errs);
          if (Object.keys(errs).length) e.preventDefault();
        }}
        className="grid grid-cols-1 items-start gap-4 md:grid-cols-[minmax(0,2fr)_minmax(0,1.5fr)_minmax(0,1fr)_auto]"
      >
        <input type="hidden" name="intent" value="add" />
        <Field label="Email" htmlFor="member-email" error={errors.email} hint="They get an invitation and join when they accept it.">
          <Input
            id="member-email"
            name="email"
            type="email"
            autoComplete="off"
            required
            placeholder="name@example.com"
            defaultValue={result?.ok === false ? result.values?.email : undefined}
            aria-invalid={errors.email ? true : undefined}
            aria-describedby={errors.email ? 'member-email-error' : undefined}
          />
        </Field>
        <Field label="Name (optional)" htmlFor="member-name" error={errors.name} hint="Used for new users only.">
          <Input
            id="member-name"
            name="name"
            autoComplete="off"
            maxLength={addMemberLimits.name.maxLength}
            defaultValue={result?.ok === false ? result.values?.name : undefined}
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? 'member-name-error' : undefined}
          />
        </Field>
        <Field label="Role" htmlFor="member-role" error={errors.role}>
          <Select
            id="member-role"
            name="role"
            defaultValue={result?.ok === false ? result.values?.role || 'viewer' : 'viewer'}
            {...errorAttributes('member-role', errors.role)}
          >
            {ROLES.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </Select>
        </Field>
        <div className="md:pt-6">
          <Button disabled={busy} className="w-full md:w-auto">
            {busy ? 'Adding…' : 'Add member'}
          </Button>
        </div>
      </fetcher.Form>
      {result?.ok === false && !result.fieldErrors && (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {result.message}
        </p>
      )}
      {result?.ok && result.invited && <InvitationNotice invited={result.invited} onDone={() => setDismissed(fetcher.data ?? null)} />}
    </Card>
  );
}

function MemberRow({
  member,
  manage,
  isSelf,
  lastSuperAdmin,
}: {
  member: Member;
  manage: boolean;
  isSelf: boolean;
  lastSuperAdmin: boolean;
}) {
  // One fetcher per kind of change, shared by the rows (the page shows their toasts); each row shows the
  // error of its own member.
  const roleFetcher = useFetcher<MemberOutcome>({ key: 'member-role' });
  const removeFetcher = useFetcher<MemberOutcome>({ key: 'member-remove' });
  const [role, setRole] = useState<Role>(member.role);
  const mine = (f: typeof roleFetcher) => (f.formData ? f.formData.get('userId') === member.userId : f.data?.userId === member.userId);
  const result = [roleFetcher, removeFetcher].find((f) => mine(f) && f.state === 'idle' && f.data && !f.data.ok)?.data;
  // After a save the select follows the role the server now has; after a refused change it goes back to the
  // role the member still has. Both adjust the state during render, when the role or the refusal is new.
  const refusal = roleFetcher.state === 'idle' && roleFetcher.data && !roleFetcher.data.ok && mine(roleFetcher) ? roleFetcher.data : null;
  const [seen, setSeen] = useState({ role: member.role, refusal });
  if (seen.role !== member.role || seen.refusal !== refusal) {
    setSeen({ role: member.role, refusal });
    if (seen.role !== member.role || refusal) setRole(member.role);
  }
  const selectId = `role-${member.userId}`;
  const savingRole = roleFetcher.state !== 'idle' && mine(roleFetcher);

  return (
    <>
      <tr data-member={member.email} className={result ? 'align-top border-b-0 [&>td]:pb-1' : 'align-top'}>
        <Td data-label="Member" className="whitespace-normal!">
          <div className="font-medium text-slate-900">
            <span className="inline-block max-w-[16rem] truncate align-bottom" title={member.name}>
              {member.name}
            </span>
            {isSelf && <span className="ml-2 rounded bg-brand-50 px-1.5 py-0.5 text-xs font-medium text-brand-700">You</span>}
            {member.status === 'invited' && (
              <span className="ml-2 rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-inset ring-amber-600/20">
                Invited
              </span>
            )}
            {member.status === 'disabled' && (
              <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-600">Disabled</span>
            )}
          </div>
          <div className="max-w-[16rem] truncate text-slate-500" title={member.email}>
            {member.email}
          </div>
        </Td>
        <Td data-label="Role">
          {manage && !(isSelf && lastSuperAdmin) ? (
            <roleFetcher.Form method="post" className="flex items-center gap-2">
              <input type="hidden" name="intent" value="role" />
              <input type="hidden" name="userId" value={member.userId} />
              <input type="hidden" name="email" value={member.email} />
              <label htmlFor={selectId} className="sr-only">
                Role of {member.email}
              </label>
              <div className="w-40">
                <Select id={selectId} name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
                  {ROLES.map((r) => (
                    <option key={r.value} value={r.value}>
                      {r.label}
                    </option>
                  ))}
                </Select>
              </div>
              <Button variant="secondary" disabled={savingRole || role === member.role}>
                {savingRole ? 'Saving…' : 'Save'}
              </Button>
            </roleFetcher.Form>
          ) : (
            <span className="font-medium text-slate-800">{roleLabel(member.role)}</span>
          )}
          {manage && isSelf && role !== member.role && member.role === 'super_admin' && (
            <p className="mt-1 text-xs text-amber-800">You will no longer be able to manage members.</p>
          )}
          {manage && lastSuperAdmin && role === member.role && <p className="mt-1 text-xs text-slate-500">The only Super Admin</p>}
        </Td>
        <Td data-label="Joined">
          <Time at={member.joinedAt} />
        </Td>
        {manage && isSelf && lastSuperAdmin && (
          <Td className="text-right text-xs text-slate-500">Make someone else Super Admin before leaving</Td>
        )}
        {manage && !(isSelf && lastSuperAdmin) && (
          <Td className="text-right">
            <ConfirmAction
              fetcher={removeFetcher as never}
              fields={{ intent: 'remove', userId: member.userId, email: member.email }}
              busy={removeFetcher.state !== 'idle' && mine(removeFetcher)}
              label="Remove"
              ariaLabel={`Remove ${member.email}`}
              pendingLabel="Removing…"
              title={isSelf ? 'Remove yourself?' : `Remove ${member.email}?`}
              confirmLabel="Remove member"
              description={
                isSelf ? (
                  'You will lose access to this organization at once. Another Super Admin would have to add you back.'
                ) : (
                  <>They lose access to this organization at once. Their account stays, and you can add them again later.</>
                )
              }
            />
          </Td>
        )}
      </tr>
      {result && (
        <tr>
          <td colSpan={manage ? 4 : 3} className="px-4 pb-2.5">
            <p role="alert" data-row-error className="rounded bg-red-50 px-3 py-1.5 text-sm text-red-800 ring-1 ring-inset ring-red-600/20">
              {member.email}: {result.message}
            </p>
          </td>
        </tr>
      )}
    </>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Members & roles" />;
}
