import { Button } from './ui';
import { Time } from './time';

export interface WebhookRegistrationState {
  providerName: string;
  /** The webhook Linkyard registered through the provider's API, if any. */
  registered: { target: string; hookId: string; updatedAt: string } | null;
}

/**
 * The programmatic registration on an integration's Webhooks tab (`POST …/webhook/register`), for providers whose API
 * registers webhooks: what is registered, and for admins the button, its pending state and the result of the last
 * attempt. Rendered inside the caller's form, whose submit is the button (intent `register`).
 */
export function WebhookRegistrationPanel({
  state,
  canEdit,
  pending,
  result,
}: {
  state: WebhookRegistrationState;
  canEdit: boolean;
  pending: boolean;
  result: { ok: boolean; message: string } | undefined;
}) {
  const { providerName, registered } = state;
  return (
    <div className="mt-4 rounded-md bg-slate-50 p-3 ring-1 ring-inset ring-slate-200" data-testid="webhook-registration">
      <p className="text-sm text-slate-700">
        {registered ? (
          <>
            Registered with {providerName} on <span className="font-mono">{registered.target}</span> (webhook{' '}
            <span className="font-mono">{registered.hookId}</span>, updated <Time at={registered.updatedAt} />
            ).
          </>
        ) : (
          <>Or let Linkyard register it with {providerName} through the connection: it sets the URL, the events and a secret.</>
        )}
      </p>
      {canEdit ? (
        <div className="mt-3 flex flex-wrap items-center gap-3">
          <Button type="submit" name="intent" value="register" disabled={pending} aria-busy={pending}>
            {pending
              ? `Registering with ${providerName}…`
              : registered
                ? `Register again with ${providerName}`
                : `Register with ${providerName}`}
          </Button>
          {result && !pending && (
            <p role={result.ok ? 'status' : 'alert'} className={`text-sm ${result.ok ? 'text-emerald-700' : 'text-red-700'}`}>
              {result.message}
            </p>
          )}
        </div>
      ) : (
        <p className="mt-2 text-xs text-slate-500">Admins register the webhook.</p>
      )}
    </div>
  );
}
