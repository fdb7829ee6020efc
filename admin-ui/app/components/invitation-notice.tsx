import { useState } from 'react';
import type { Invitation } from '~/lib/members-form';
import { formatDateTime } from '~/lib/format';
import { Button } from './ui';

/** The one-time invitation token, shown once to the person who invited. */
export function InvitationNotice({ invited, onDone }: { invited: { email: string; invitation: Invitation }; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div
      role="status"
      data-testid="invitation"
      className="mt-4 rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-inset ring-amber-600/30"
    >
      <p className="font-semibold">Share this invitation token with {invited.email}: they become a member when they accept it.</p>
      <p className="mt-1">
        It is shown only this once — copy it now and send it privately. They accept it (through{' '}
        <code className="font-mono text-xs">POST /api/auth/accept-invitation</code>) with a new password, or with their current one if they
        already use Linkyard, until {formatDateTime(invited.invitation.expiresAt, true)}.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <label htmlFor="invitation-token" className="sr-only">
          Invitation token
        </label>
        <input
          id="invitation-token"
          readOnly
          value={invited.invitation.token}
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border-0 bg-white px-2.5 py-1.5 font-mono text-xs text-slate-900 ring-1 ring-inset ring-amber-600/30"
        />
        <Button
          type="button"
          variant="secondary"
          onClick={() => {
            const input = document.getElementById('invitation-token') as HTMLInputElement | null;
            // The Clipboard API needs a secure context; elsewhere fall back to copying the selected text.
            if (navigator.clipboard)
              navigator.clipboard.writeText(invited.invitation.token).then(
                () => setCopied(true),
                () => setCopied(false),
              );
            else {
              input?.select();
              setCopied(document.execCommand('copy'));
            }
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </Button>
        <Button type="button" variant="ghost" onClick={onDone}>
          Done
        </Button>
      </div>
    </div>
  );
}
