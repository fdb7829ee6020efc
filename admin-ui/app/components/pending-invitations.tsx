import { useState } from 'react';
import { useFetcher } from 'react-router';
import type { ResponseBody } from '~/lib/types';
import type { Invitation } from '~/lib/members-form';
import { roleLabel } from '~/lib/format';
import { ConfirmAction } from './confirm-action';
import { InvitationNotice } from './invitation-notice';
import { Button, Card } from './ui';
import { Time } from './time';

type Pending = ResponseBody<'/api/orgs/{orgId}/invitations', 'get'>['items'][number];
type InvitationOutcome = {
  ok: boolean;
  message: string;
  intent?: string;
  invitationId?: string;
  invited?: { email: string; invitation: Invitation } | null;
};

/** Invitations nobody has accepted yet: send one again (a new link, the old one stops working) or revoke it. */
export function PendingInvitations({ items }: { items: Pending[] }) {
  if (!items.length) return null;
  return (
    <Card title="Pending invitations" className="mb-6">
      <ul className="divide-y divide-slate-100" data-testid="pending-invitations">
        {items.map((i) => (
          <PendingRow key={i.id} invitation={i} />
        ))}
      </ul>
    </Card>
  );
}

function PendingRow({ invitation }: { invitation: Pending }) {
  const resend = useFetcher<InvitationOutcome>();
  const revoke = useFetcher<InvitationOutcome>();
  const [dismissed, setDismissed] = useState<InvitationOutcome | null>(null);
  const sent = resend.data?.ok && resend.data.invited && resend.data !== dismissed ? resend.data.invited : null;
  const failed = [resend.data, revoke.data].find((d) => d && !d.ok);
  return (
    <li className="py-3" data-invitation={invitation.email}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="min-w-0">
          <div className="truncate font-medium text-slate-900" title={invitation.email}>
            {invitation.email}
          </div>
          <div className="text-sm text-slate-500">
            {roleLabel(invitation.role)} ·{' '}
            {invitation.expired ? (
              <span className="font-medium text-amber-800">
                expired <Time at={invitation.expiresAt} />
              </span>
            ) : (
              <>
                link valid until <Time at={invitation.expiresAt} />
              </>
            )}
          </div>
        </div>
        <div className="flex shrink-0 items-center gap-2">
          <resend.Form method="post">
            <input type="hidden" name="intent" value="resend" />
            <input type="hidden" name="invitationId" value={invitation.id} />
            <input type="hidden" name="email" value={invitation.email} />
            <Button variant="secondary" disabled={resend.state !== 'idle'} aria-label={`New link for ${invitation.email}`}>
              {resend.state !== 'idle' ? 'Making a link…' : 'New link'}
            </Button>
          </resend.Form>
          <ConfirmAction
            fetcher={revoke as never}
            fields={{ intent: 'revoke', invitationId: invitation.id, email: invitation.email }}
            label="Revoke"
            ariaLabel={`Revoke the invitation of ${invitation.email}`}
            pendingLabel="Revoking…"
            title={`Revoke the invitation of ${invitation.email}?`}
            confirmLabel="Revoke invitation"
            description="Its link stops working at once. You can invite them again later."
          />
        </div>
      </div>
      {failed && (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {failed.message}
        </p>
      )}
      {sent && <InvitationNotice invited={sent} onDone={() => setDismissed(resend.data ?? null)} />}
    </li>
  );
}
