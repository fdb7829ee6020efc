import { useId, useRef, useState } from 'react';
import type { FetcherWithComponents } from 'react-router';
import { Button, errorAttributes, Field, Input } from './ui';

type Answer = { ok: boolean; message: string; orgId?: string; fieldErrors?: Record<string, string> };

/**
 * Deleting an organization (Platform Owner): a dialog that says what goes and asks for the slug typed out; the
 * delete button stays disabled until it matches. The dialog stays open until the API answers, so a refusal shows
 * next to the input; on success the row leaves the list.
 */
export function DeleteOrganization({
  fetcher,
  org,
}: {
  fetcher: FetcherWithComponents<Answer>;
  org: { id: string; name: string; slug: string };
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [typed, setTyped] = useState('');
  const mine = fetcher.formData ? fetcher.formData.get('orgId') === org.id : fetcher.data?.orgId === org.id;
  const busy = mine && fetcher.state !== 'idle';
  const answer = mine && fetcher.state === 'idle' && fetcher.data && !fetcher.data.ok ? fetcher.data : null;
  const error = answer?.fieldErrors?.confirm;
  const inputId = `${id}-confirm`;
  return (
    <>
      <Button
        type="button"
        variant="ghost"
        className="text-red-700! hover:bg-red-50!"
        aria-haspopup="dialog"
        aria-label={`Delete ${org.name}`}
        disabled={busy}
        onClick={() => {
          setTyped('');
          dialog.current?.showModal();
        }}
      >
        {busy ? 'Deleting…' : 'Delete'}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        data-delete-org={org.slug}
        className="m-auto w-full max-w-md whitespace-normal rounded-lg bg-white p-0 text-left shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40"
      >
        <fetcher.Form method="post" className="space-y-4 p-5" noValidate>
          <input type="hidden" name="intent" value="delete" />
          <input type="hidden" name="orgId" value={org.id} />
          <input type="hidden" name="name" value={org.name} />
          <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
            Delete {org.name}?
          </h2>
          <div id={`${id}-desc`} className="space-y-2 text-sm text-slate-600">
            <p>
              Its integrations, credentials, syncs, runs, logs, records, webhooks, API keys, members’ access and its own audit trail are
              deleted for good. Its encryption key is destroyed first, so no copy of its secrets (in a backup, say) can be read again.
            </p>
            <p className="font-medium text-slate-800">This cannot be undone.</p>
          </div>
          <Field label={`Type “${org.slug}” to confirm`} htmlFor={inputId} error={error}>
            <Input
              id={inputId}
              name="confirm"
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(e) => setTyped(e.target.value)}
              {...errorAttributes(inputId, error)}
            />
          </Field>
          {answer && !error && (
            <p role="alert" className="text-sm text-red-700">
              {answer.message}
            </p>
          )}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => dialog.current?.close()} autoFocus>
              Cancel
            </Button>
            <Button variant="danger" disabled={typed.trim() !== org.slug || busy}>
              {busy ? 'Deleting…' : 'Delete organization'}
            </Button>
          </div>
        </fetcher.Form>
      </dialog>
    </>
  );
}
