import { describe, expect, it } from 'vitest';
import {
  checkScopes,
  credentialFormFields,
  integrationFormFields,
  htmlPattern,
  parseScopes,
  readCredentials,
  readIntegrationForm,
  settingFields,
} from './integration-form';
import { formErrorOf } from './form-errors';
import type { Provider } from './types';

// The patterns provider definitions use (server/src/providers/definitions/shared.ts, github.ts).
const HOST_LABEL = '^[a-z0-9][a-z0-9-]{0,62}$';
const URL_SETTING = '^https?://[^\\s/?#@]+(/\\S*)?$';
const NAME = '^[A-Za-z0-9_.-]{1,100}$';

const provider = (over: Partial<Provider> = {}): Provider => ({
  key: 'zendesk',
  name: 'Zendesk',
  category: 'Support',
  authType: 'oauth2',
  defaultScopes: ['read'],
  pkce: false,
  settings: [{ key: 'subdomain', label: 'Subdomain', required: true, pattern: HOST_LABEL, example: 'acme' }],
  overrideSettings: ['apiBaseUrl', 'authorizationUrl', 'tokenUrl'],
  resources: [],
  ...over,
});

const form = (entries: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(entries)) f.set(k, v);
  return f;
};

describe('htmlPattern', () => {
  it.each([HOST_LABEL, URL_SETTING, NAME])('compiles %s with the v flag and matches like the original', (source) => {
    const html = htmlPattern(source);
    expect(html).toBeDefined();
    const samples = ['acme', 'my-shop', '-bad', 'https://example.com/x', 'http://a@b', 'octo-org', 'a b', 'x.y_z'];
    for (const s of samples) expect(new RegExp(html!, 'v').test(s)).toBe(new RegExp(source).test(s));
  });

  it('leaves patterns alone that already compile', () => {
    expect(htmlPattern('^[a-z]+$')).toBe('^[a-z]+$');
  });
});

describe('readIntegrationForm', () => {
  it('builds the create body and reports every missing required field', () => {
    const bad = readIntegrationForm(provider(), form({ name: ' ', scopes: 'read' }), 'create');
    expect(Object.keys(bad.fieldErrors).sort()).toEqual(['clientId', 'clientSecret', 'name', 'settings.subdomain']);

    const ok = readIntegrationForm(
      provider(),
      form({
        name: ' Support ',
        clientId: 'cid',
        clientSecret: 's3cret',
        scopes: 'read, write\nread',
        'settings.subdomain': 'acme',
      }),
      'create',
    );
    expect(ok.fieldErrors).toEqual({});
    expect(ok.body).toEqual({
      name: 'Support',
      clientId: 'cid',
      clientSecret: 's3cret',
      scopes: ['read', 'write'],
      settings: { subdomain: 'acme' },
    });
    expect(ok.values).not.toHaveProperty('clientSecret');
  });

  it('checks setting patterns and URL overrides', () => {
    const res = readIntegrationForm(
      provider({ authType: 'api_key' }),
      form({
        name: 'x',
        apiKey: 'k',
        'settings.subdomain': 'Not A Host',
        'settings.apiBaseUrl': 'ftp://x',
      }),
      'create',
    );
    expect(res.fieldErrors['settings.subdomain']).toMatch(/not valid.*acme/);
    expect(res.fieldErrors['settings.apiBaseUrl']).toMatch(/not valid/);
  });

  it('on update sends the whole settings object and no credentials but the client id', () => {
    const res = readIntegrationForm(provider(), form({ name: 'x', clientId: 'cid', scopes: '', 'settings.subdomain': 'acme' }), 'update');
    expect(res.body).toEqual({ name: 'x', clientId: 'cid', scopes: [], settings: { subdomain: 'acme' } });
  });

  it('does not require a setting that has a default', () => {
    const fields = settingFields(
      provider({ settings: [{ key: 'calendarUrl', label: 'CalDAV URL', required: true, default: 'https://x' }] }),
    );
    expect(fields[0]!.rule.required).toBe(false);
  });
});

describe('readCredentials (replace)', () => {
  it('keeps an empty secret (no change) but still needs the username for basic', () => {
    const errors = {};
    expect(readCredentials('basic', form({ username: 'u', password: '' }), 'replace', errors)).toEqual({ username: 'u' });
    expect(errors).toEqual({});
    const missing: Record<string, string> = {};
    readCredentials('basic', form({ username: '', password: 'p' }), 'replace', missing);
    expect(missing.username).toBeDefined();
  });

  it('needs the new secret when it is the only credential', () => {
    const errors: Record<string, string> = {};
    readCredentials('api_key', form({ apiKey: '' }), 'replace', errors);
    expect(errors.apiKey).toMatch(/required/);
    expect(readCredentials('oauth2', form({ clientId: 'ignored', clientSecret: 'new' }), 'replace', {})).toEqual({ clientSecret: 'new' });
  });
});

describe('scopes', () => {
  it('splits on spaces, commas and new lines and rejects quotes', () => {
    expect(parseScopes(' a,b  c\n')).toEqual(['a', 'b', 'c']);
    expect(checkScopes(['ok', 'bad"'])).toMatch(/not a valid OAuth scope/);
  });
});

describe('integrationFormFields', () => {
  const shopify = {
    authType: 'oauth2' as const,
    settings: [{ key: 'shop', label: 'Shop', required: true }],
    overrideSettings: ['apiBaseUrl'],
  };

  it('names the inputs API errors can land on, as the API body paths', () => {
    expect(integrationFormFields(shopify, 'create')).toEqual([
      'name',
      'clientId',
      'clientSecret',
      'scopes',
      'settings.shop',
      'settings.apiBaseUrl',
    ]);
    expect(integrationFormFields(shopify, 'update')).toEqual(['name', 'clientId', 'scopes', 'settings.shop', 'settings.apiBaseUrl']);
    expect(credentialFormFields('basic')).toEqual(['username', 'password']);
  });

  it('places API errors by their field', () => {
    const fields = integrationFormFields(shopify, 'create');
    expect(formErrorOf({ message: 'x', field: '/settings/shop' }, fields).field).toBe('settings.shop');
    expect(formErrorOf({ message: 'x', field: '/scopes/2' }, fields).field).toBe('scopes');
    expect(formErrorOf({ message: 'x', field: '/name' }, fields).field).toBe('name');
    // The settings page's general section has no secret: the error stays the form's.
    expect(formErrorOf({ message: 'x', field: '/clientSecret' }, integrationFormFields(shopify, 'update')).field).toBeNull();
  });
});
