import { useState, type FormEvent } from 'react';
import { useFetcher } from 'react-router';
import type { Route } from './+types/org-settings';
import { api, formOutcome, settled, type ActionOutcome } from '~/lib/api.server';
import {
  describeDays,
  ORG_SETTINGS_FIELDS,
  orgLimits,
  orgSettingsBody,
  orgSettingsValues,
  readOrgSettings,
  RETENTION_FIELDS,
  RETENTION_MAX_DAYS,
  RETENTION_MIN_DAYS,
  validateOrgSettings,
  type OrgSettingsErrors,
  type OrgSettingsValues,
} from '~/lib/org-settings-form';
import { groupTimezones, supportedTimezones } from '~/lib/cron';
import type { Org } from '~/lib/types';
import { useOrg } from './org-layout';
import { Button, Card, ErrorNote, errorAttributes, Field, Input, PageHeader, Select, Toast } from '~/components/ui';
import { useToast } from '~/components/use-toast';
import { RouteError } from '~/components/route-error';

/** The time zones come from the server, so the server's render and the browser's agree. */
export function loader() {
  return { timezones: supportedTimezones() };
}

export const meta: Route.MetaFunction = () => [{ title: 'Organization settings · Linkyard' }];

type SettingsOutcome = ActionOutcome & { values?: OrgSettingsValues };

export async function action({ request, context, params }: Route.ActionArgs): Promise<SettingsOutcome> {
  const form = await request.formData();
  // A Platform Owner who is not a Super Admin here only renames: the page sends no settings for them.
  const settings = form.get('scope') !== 'name';
  const values = readOrgSettings(form);
  const fieldErrors = validateOrgSettings(values, settings) as Record<string, string>;
  if (Object.keys(fieldErrors).length) return { ok: false, message: 'Check the highlighted fields.', fieldErrors, values };
  const res = await settled(
    api(context).PATCH('/api/orgs/{orgId}', { params: { path: { orgId: params.orgId } }, body: orgSettingsBody(values, settings) }),
  );
  return { ...formOutcome(request, res, 'Organization settings saved', ORG_SETTINGS_FIELDS), values };
}

export default function OrgSettings({ loaderData }: Route.ComponentProps) {
  const { org, role, platformOwner } = useOrg();
  const fetcher = useFetcher<SettingsOutcome>({ key: 'org-settings' });
  const toast = useToast([fetcher.data], { successOnly: true });
  const editSettings = role === 'super_admin';
  const rename = editSettings || platformOwner;
  return (
    <>
      <PageHeader
        title="Organization settings"
        description={
          rename
            ? `The name, default time zone and how long ${org.name}'s data is kept.`
            : `Only a Super Admin of ${org.name} changes these settings.`
        }
      />
      {rename ? <SettingsForm org={org} editSettings={editSettings} timezones={loaderData.timezones} /> : <ReadOnlySettings org={org} />}
      <Toast outcome={toast} />
    </>
  );
}

/**
 * What the form shows as wrong: the browser's own check of each input the person has changed (so a message
 * appears as soon as a value is out of bounds and goes as soon as it is fixed), and the action's or the API's
 * answer until the next edit.
 */
function useFormErrors(result: SettingsOutcome | undefined, editSettings: boolean) {
  const [clientErrors, setClientErrors] = useState<OrgSettingsErrors>({});
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [editedSince, setEditedSince] = useState<SettingsOutcome | undefined>(undefined);
  const fresh = result && result !== editedSince && !result.ok ? result : null;
  const onlyTouched = (errors: OrgSettingsErrors, names: ReadonlySet<string>) =>
    Object.fromEntries(Object.entries(errors).filter(([k]) => names.has(k)));
  return {
    errors: { ...(fresh?.fieldErrors ?? {}), ...clientErrors } as OrgSettingsErrors,
    formMessage: fresh && !fresh.fieldErrors ? fresh.message : null,
    edited(values: OrgSettingsValues, input: string) {
      const names = new Set(touched).add(input);
      setTouched(names);
      setEditedSince(result);
      setClientErrors(onlyTouched(validateOrgSettings(values, editSettings), names));
    },
    /** Every input counts as touched once the person tries to save. */
    submitted(values: OrgSettingsValues) {
      const errs = validateOrgSettings(values, editSettings);
      setTouched(new Set(ORG_SETTINGS_FIELDS));
      setClientErrors(errs);
      return Object.keys(errs).length === 0;
    },
  };
}

function SettingsForm({ org, editSettings, timezones }: { org: Org; editSettings: boolean; timezones: string[] }) {
  const fetcher = useFetcher<SettingsOutcome>({ key: 'org-settings' });
  const busy = fetcher.state !== 'idle';
  const { errors, formMessage, edited, submitted } = useFormErrors(fetcher.data, editSettings);
  const initial = orgSettingsValues(org);
  const [nameLength, setNameLength] = useState(initial.name.length);
  const [days, setDays] = useState(initial.retention);
  const read = (form: HTMLFormElement) => readOrgSettings(new FormData(form));
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    if (!submitted(read(e.currentTarget))) e.preventDefault();
  };
  const onChange = (e: FormEvent<HTMLFormElement>) => {
    const values = read(e.currentTarget);
    setNameLength(values.name.length);
    setDays(values.retention);
    const input = e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement ? e.target.name : '';
    edited(values, input);
  };
  const invalid = Object.keys(errors).length > 0;
  return (
    <fetcher.Form method="post" noValidate onSubmit={onSubmit} onChange={onChange} className="space-y-6" data-testid="org-settings">
      {!editSettings && <input type="hidden" name="scope" value="name" />}
      <Card title="General">
        <div className="grid gap-4 md:grid-cols-2">
          <Field
            label="Name"
            htmlFor="org-name"
            error={errors.name}
            hint={
              <span aria-live="polite" data-testid="name-counter">
                {nameLength} / {orgLimits.name.maxLength} characters
              </span>
            }
          >
            <Input
              id="org-name"
              name="name"
              required
              autoComplete="off"
              defaultValue={initial.name}
              {...errorAttributes('org-name', errors.name)}
            />
          </Field>
          <Field label="Slug" htmlFor="org-slug" hint="Part of the organization's identity; it does not change.">
            <Input id="org-slug" value={org.slug} readOnly disabled />
          </Field>
          <TimezoneField org={org} zones={timezones} editable={editSettings} error={errors.defaultTimezone} />
        </div>
      </Card>
      <Card title="Data retention">
        <p className="mb-4 text-sm text-slate-600">
          Every day, data older than these periods is deleted for good. Each is kept from {RETENTION_MIN_DAYS} to{' '}
          {RETENTION_MAX_DAYS.toLocaleString('en')} days.
          {!editSettings && ' Only a Super Admin of this organization changes them.'}
        </p>
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          {RETENTION_FIELDS.map((f) => {
            const id = `retention-${f.key}`;
            const error = errors[`retention.${f.key}`];
            const n = Number(days[f.key]);
            const reading = Number.isInteger(n) && n >= RETENTION_MIN_DAYS && n <= RETENTION_MAX_DAYS ? ` Kept ${describeDays(n)}.` : '';
            return (
              <Field key={f.key} label={`${f.label} (days)`} htmlFor={id} error={error} hint={`${f.hint}${reading}`}>
                <Input
                  id={id}
                  name={`retention.${f.key}`}
                  type="number"
                  inputMode="numeric"
                  min={RETENTION_MIN_DAYS}
                  max={RETENTION_MAX_DAYS}
                  step={1}
                  required
                  defaultValue={initial.retention[f.key]}
                  disabled={!editSettings}
                  {...errorAttributes(id, error)}
                />
              </Field>
            );
          })}
        </div>
      </Card>
      {formMessage && <ErrorNote>{formMessage}</ErrorNote>}
      <div className="flex items-center gap-3">
        <Button disabled={busy || invalid}>{busy ? 'Saving…' : editSettings ? 'Save settings' : 'Save name'}</Button>
        {invalid && <p className="text-sm text-slate-600">Fix the highlighted fields to save.</p>}
      </div>
    </fetcher.Form>
  );
}

function TimezoneField({ org, zones, editable, error }: { org: Org; zones: string[]; editable: boolean; error?: string }) {
  return (
    <Field label="Default time zone" htmlFor="org-timezone" error={error} hint="New schedules start in this time zone.">
      <Select
        id="org-timezone"
        name="defaultTimezone"
        defaultValue={org.defaultTimezone}
        disabled={!editable}
        {...errorAttributes('org-timezone', error)}
      >
        {groupTimezones([...zones, org.defaultTimezone]).map((g) => (
          <optgroup key={g.region} label={g.region}>
            {g.zones.map((z) => (
              <option key={z} value={z}>
                {z.replaceAll('_', ' ')}
              </option>
            ))}
          </optgroup>
        ))}
      </Select>
    </Field>
  );
}

/** Members who may not change the settings see them. */
function ReadOnlySettings({ org }: { org: Org }) {
  const rows: [string, string][] = [
    ['Name', org.name],
    ['Slug', org.slug],
    ['Default time zone', org.defaultTimezone.replaceAll('_', ' ')],
    ...RETENTION_FIELDS.map((f): [string, string] => [`${f.label} kept`, `${org.retention[f.key]} days`]),
  ];
  return (
    <Card title="Settings">
      <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2" data-testid="org-settings-readonly">
        {rows.map(([label, value]) => (
          <div key={label} className="min-w-0">
            <dt className="font-medium text-slate-600">{label}</dt>
            <dd className="truncate text-slate-900" title={value}>
              {value}
            </dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

export function ErrorBoundary() {
  return <RouteError page="Organization settings" />;
}
