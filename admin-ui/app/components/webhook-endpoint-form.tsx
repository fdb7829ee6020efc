import { useState } from 'react';
import type { FetcherWithComponents } from 'react-router';
import { CopyField } from './copy-field';
import { Button, Field, Input, errorAttributes } from './ui';
import {
  endpointLimits,
  eventDescription,
  readEndpointForm,
  validateEndpointForm,
  WEBHOOK_EVENTS,
  type EndpointFormErrors,
  type EndpointFormValues,
} from '~/lib/webhooks';

/**
 * The endpoint's URL, description and event checkboxes, for creating and for editing. Checked in the browser
 * before it posts (`intent` tells the action which), and the server's refusals come back per field.
 */
export function EndpointForm({
  fetcher,
  intent,
  initial,
  serverErrors,
  submitLabel,
  busyLabel,
  idPrefix,
}: {
  fetcher: FetcherWithComponents<unknown>;
  intent: string;
  initial: EndpointFormValues;
  serverErrors?: EndpointFormErrors;
  submitLabel: string;
  busyLabel: string;
  idPrefix: string;
}) {
  const [clientErrors, setClientErrors] = useState<EndpointFormErrors>({});
  const errors: EndpointFormErrors = { ...serverErrors, ...clientErrors };
  const busy = fetcher.state !== 'idle';
  const id = (name: string) => `${idPrefix}-${name}`;
  return (
    <fetcher.Form
      method="post"
      noValidate
      onSubmit={(e) => {
        const errs = validateEndpointForm(readEndpointForm(new FormData(e.currentTarget)));
        setClientErrors(errs);
        if (Object.keys(errs).length) e.preventDefault();
      }}
      className="grid gap-4"
    >
      <input type="hidden" name="intent" value={intent} />
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="Endpoint URL" htmlFor={id('url')} error={errors.url} hint="Linkyard POSTs each event here, signed.">
          <Input
            id={id('url')}
            name="url"
            type="url"
            inputMode="url"
            autoComplete="off"
            placeholder="https://example.com/webhooks/linkyard"
            maxLength={endpointLimits.url.maxLength}
            defaultValue={initial.url}
            {...errorAttributes(id('url'), errors.url)}
          />
        </Field>
        <Field label="Description (optional)" htmlFor={id('description')} error={errors.description}>
          <Input
            id={id('description')}
            name="description"
            autoComplete="off"
            maxLength={endpointLimits.description.maxLength}
            defaultValue={initial.description}
            {...errorAttributes(id('description'), errors.description)}
          />
        </Field>
      </div>
      <fieldset aria-describedby={errors.events ? id('events-error') : undefined}>
        <legend className="text-sm font-medium text-slate-700">Events</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2 lg:grid-cols-3">
          {WEBHOOK_EVENTS.map((event) => (
            <label key={event} className="flex items-start gap-2 rounded-md p-1.5 text-sm hover:bg-slate-50">
              <input
                type="checkbox"
                name="events"
                value={event}
                defaultChecked={initial.events.includes(event)}
                className="mt-0.5 size-4 rounded border-slate-300 text-brand-600"
              />
              <span>
                <span className="block font-mono text-xs font-medium text-slate-900">{event}</span>
                <span className="block text-xs text-slate-500">{eventDescription(event)}</span>
              </span>
            </label>
          ))}
        </div>
        {errors.events && (
          <p id={id('events-error')} role="alert" className="mt-1 text-sm text-red-700">
            {errors.events}
          </p>
        )}
      </fieldset>
      <div>
        <Button disabled={busy}>{busy ? busyLabel : submitLabel}</Button>
      </div>
    </fetcher.Form>
  );
}

/** A signing secret, shown once after creating an endpoint or rotating its secret, with a copy button. */
export function SecretNotice({ secret, note, onDone }: { secret: string; note: string; onDone: () => void }) {
  return (
    <div role="status" className="mt-4 rounded-lg bg-amber-50 p-4 ring-1 ring-inset ring-amber-600/30" data-secret-notice>
      <p className="text-sm font-semibold text-amber-900">Copy the signing secret now: it is not shown again.</p>
      <p className="mt-1 text-sm text-amber-900">{note}</p>
      <div className="mt-3">
        <CopyField label="Signing secret" value={secret} />
      </div>
      <div className="mt-3">
        <Button type="button" variant="secondary" onClick={onDone}>
          I have stored it
        </Button>
      </div>
    </div>
  );
}
