import { useId, useRef, type ReactNode } from 'react';
import type { FetcherWithComponents } from 'react-router';
import { Button } from './ui';

/**
 * A button that asks before it posts: it opens a modal `<dialog>` (focus moves into it, Escape cancels,
 * focus returns to the button) whose confirm button submits `fields` with the given fetcher.
 */
export function ConfirmAction({
  fetcher,
  action,
  fields,
  label,
  title,
  description,
  confirmLabel,
  tone = 'danger',
  buttonVariant = 'secondary',
  disabled,
  pendingLabel,
  busy: busyProp,
  ariaLabel,
}: {
  fetcher: FetcherWithComponents<unknown>;
  /** The route to post to; the current route when left out. */
  action?: string;
  fields: Record<string, string>;
  label: ReactNode;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  buttonVariant?: 'primary' | 'secondary' | 'danger' | 'ghost';
  disabled?: boolean;
  pendingLabel?: string;
  /** Whether this button's own request is under way (default: whether the fetcher is busy). */
  busy?: boolean;
  /** The button's accessible name when its text is not enough ("Remove" → "Remove a@b.c"). */
  ariaLabel?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const busy = busyProp ?? fetcher.state !== 'idle';
  return (
    <>
      <Button
        type="button"
        variant={buttonVariant}
        disabled={disabled || busy}
        aria-haspopup="dialog"
        aria-label={ariaLabel}
        onClick={() => dialog.current?.showModal()}
      >
        {busy && pendingLabel ? pendingLabel : label}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        className="m-auto w-full max-w-md whitespace-normal rounded-lg bg-white p-0 text-left shadow-xl ring-1 ring-slate-200 backdrop:bg-slate-900/40"
      >
        <fetcher.Form method="post" action={action} onSubmit={() => dialog.current?.close()} className="p-5">
          {Object.entries(fields).map(([k, v]) => (
            <input key={k} type="hidden" name={k} value={v} />
          ))}
          <h2 id={`${id}-title`} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          <div id={`${id}-desc`} className="mt-2 whitespace-normal text-sm text-slate-600">
            {description}
          </div>
          <div className="mt-5 flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => dialog.current?.close()} autoFocus>
              Cancel
            </Button>
            <Button variant={tone}>{confirmLabel}</Button>
          </div>
        </fetcher.Form>
      </dialog>
    </>
  );
}
