/**
 * Form fields generated from a provider definition, shared by the add-integration form and the settings
 * page. Every input takes its HTML validation attributes from the same rules the actions check
 * (~/lib/integration-form), and shows the action's error for it right underneath.
 */
import type { ReactNode } from 'react';
import {
  checkScopes,
  inputAttributes,
  parseScopes,
  settingFields,
  type CredentialField,
  type FieldErrors,
  type SettingField,
  type TextRule,
} from '~/lib/integration-form';
import type { Provider } from '~/lib/types';
import { Field, Input, Textarea } from './ui';

/** A stable element id for a form field name ("settings.shop" → "field-settings-shop"). */
export const fieldId = (name: string) => `field-${name.replace(/[^a-zA-Z0-9]+/g, '-')}`;

export function RuleInput({
  name,
  label,
  rule,
  hint,
  error,
  defaultValue,
  type = 'text',
  autoComplete = 'off',
  placeholder,
  disabled,
  autoFocus,
}: {
  name: string;
  label: string;
  rule: TextRule;
  /** The first field of a page whose purpose is this form. */
  autoFocus?: boolean;
  hint?: ReactNode;
  error?: string;
  defaultValue?: string;
  type?: 'text' | 'password';
  autoComplete?: string;
  placeholder?: string;
  disabled?: boolean;
}) {
  const id = fieldId(name);
  return (
    <Field label={rule.required ? label : `${label} (optional)`} htmlFor={id} hint={hint} error={error}>
      <Input
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue}
        autoComplete={autoComplete}
        placeholder={placeholder}
        disabled={disabled}
        autoFocus={autoFocus}
        spellCheck={false}
        {...inputAttributes(rule)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
    </Field>
  );
}

export function CredentialInput({
  field,
  error,
  defaultValue,
  required,
  hint,
  disabled,
}: {
  field: CredentialField;
  error?: string;
  defaultValue?: string;
  required?: boolean;
  hint?: ReactNode;
  disabled?: boolean;
}) {
  return (
    <RuleInput
      name={field.key}
      label={field.label}
      rule={{ ...field.rule, required: required ?? field.rule.required }}
      error={error}
      hint={hint}
      defaultValue={field.secret ? undefined : defaultValue}
      type={field.secret ? 'password' : 'text'}
      autoComplete={field.autoComplete}
      disabled={disabled}
    />
  );
}

/** Scopes as one space-separated text; the browser checks each scope with the action's rule as you type. */
export function ScopesField({
  defaultValue,
  defaultScopes,
  error,
  disabled,
}: {
  defaultValue: string;
  defaultScopes: string[];
  error?: string;
  disabled?: boolean;
}) {
  const id = fieldId('scopes');
  return (
    <Field
      label="Scopes"
      htmlFor={id}
      error={error}
      hint={
        <>
          Separated by spaces; left empty, the provider decides.{' '}
          {defaultScopes.length ? (
            <>
              The provider’s defaults: <code className="text-slate-600">{defaultScopes.join(' ')}</code>
            </>
          ) : (
            'This provider has no default scopes.'
          )}
        </>
      }
    >
      <Textarea
        id={id}
        name="scopes"
        rows={2}
        defaultValue={defaultValue}
        disabled={disabled}
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => e.currentTarget.setCustomValidity(checkScopes(parseScopes(e.currentTarget.value)) ?? '')}
      />
    </Field>
  );
}

function SettingInput({
  setting,
  values,
  errors,
  disabled,
}: {
  setting: SettingField;
  values: Record<string, string>;
  errors: FieldErrors;
  disabled?: boolean;
}) {
  const hint = [setting.description, setting.default ? `Default: ${setting.default}` : null].filter(Boolean).join(' ');
  return (
    <RuleInput
      name={setting.field}
      label={setting.label}
      rule={setting.rule}
      hint={hint || undefined}
      error={errors[setting.field]}
      defaultValue={values[setting.field]}
      placeholder={setting.example ? `e.g. ${setting.example}` : undefined}
      disabled={disabled}
    />
  );
}

/**
 * The provider's settings, then the URL overrides folded under "Advanced" (opened when one is set or has
 * an error, so nothing the user typed is hidden).
 */
export function SettingsFields({
  provider,
  values,
  errors,
  disabled,
}: {
  provider: Provider;
  values: Record<string, string>;
  errors: FieldErrors;
  disabled?: boolean;
}) {
  const fields = settingFields(provider);
  const own = fields.filter((f) => !f.advanced).sort((a, b) => Number(b.rule.required) - Number(a.rule.required));
  const advanced = fields.filter((f) => f.advanced);
  const openAdvanced = advanced.some((f) => values[f.field] || errors[f.field]);
  return (
    <>
      {own.map((s) => (
        <SettingInput key={s.key} setting={s} values={values} errors={errors} disabled={disabled} />
      ))}
      {advanced.length > 0 && (
        <details open={openAdvanced} className="group rounded-md bg-slate-50 px-4 py-3 ring-1 ring-inset ring-slate-200">
          <summary className="cursor-pointer text-sm font-medium text-slate-700">Advanced: sandbox or self-hosted URLs</summary>
          <div className="mt-3 space-y-4">
            {advanced.map((s) => (
              <SettingInput key={s.key} setting={s} values={values} errors={errors} disabled={disabled} />
            ))}
          </div>
        </details>
      )}
    </>
  );
}
