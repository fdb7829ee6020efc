import type { Invitation } from '~/lib/members-form';
import { CopyField } from './copy-field';
import { Button } from './ui';
import { Time } from './time';

/** The invitation link, shown once to the person who invited (or sent it again): only its digest is stored. */
export function InvitationNotice({ invited, onDone }: { invited: { email: string; invitation: Invitation }; onDone: () => void }) {
  return (
    <div
      role="status"
      data-testid="invitation"
      className="mt-4 space-y-3 rounded-md bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-inset ring-amber-600/30"
    >
      <p className="font-semibold">Send this link to {invited.email}: they become a member when they accept it.</p>
      <p>
        It is shown only this once — copy it now and send it privately. It opens a page where they choose a password (or use their current
        one if they already use Linkyard), until <Time at={invited.invitation.expiresAt} />.
      </p>
      <CopyField label="Invitation link" value={invited.invitation.url} />
      <Button type="button" variant="ghost" onClick={onDone}>
        Done
      </Button>
    </div>
  );
}
