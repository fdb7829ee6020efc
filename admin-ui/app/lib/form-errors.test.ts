import { describe, expect, it } from 'vitest';
import { fieldErrorsOf, fieldPath, formErrorOf } from './form-errors';

describe('fieldPath', () => {
  it('reads JSON Pointers into the body, undoing their escapes', () => {
    expect(fieldPath('/mappings/2/target')).toEqual(['mappings', '2', 'target']);
    expect(fieldPath('/settings/a~1b~0c')).toEqual(['settings', 'a/b~c']);
  });

  it('reads query and params names, which may hold dots', () => {
    expect(fieldPath('query.cron')).toEqual(['query', 'cron']);
    expect(fieldPath('params.a.b')).toEqual(['params', 'a.b']);
  });

  it('is empty when the error names no input', () => {
    expect(fieldPath(undefined)).toEqual([]);
    expect(fieldPath('')).toEqual([]);
  });
});

describe('formErrorOf', () => {
  const fields = ['name', 'scopes', 'settings', 'settings.shop'];

  it('places the error on the input its field names', () => {
    expect(formErrorOf({ message: 'Taken', field: '/name' }, fields)).toEqual({ field: 'name', message: 'Taken' });
  });

  it('prefers the deepest input the path lies under', () => {
    expect(formErrorOf({ message: 'm', field: '/settings/shop' }, fields).field).toBe('settings.shop');
    expect(formErrorOf({ message: 'm', field: '/settings/other' }, fields).field).toBe('settings');
    expect(formErrorOf({ message: 'm', field: '/scopes/3' }, fields).field).toBe('scopes');
  });

  it('maps paths onto inputs named otherwise', () => {
    const schedule = { 'schedule.cron': 'cron', 'schedule.timezone': 'timezone' };
    expect(formErrorOf({ message: 'm', field: '/schedule/timezone' }, schedule).field).toBe('timezone');
    expect(formErrorOf({ message: 'm', field: 'query.cron' }, { 'query.cron': 'cron' }).field).toBe('cron');
  });

  it('leaves the error to the whole form when it names no input of it', () => {
    expect(formErrorOf({ message: 'Not allowed' }, fields)).toEqual({ field: null, message: 'Not allowed' });
    expect(formErrorOf({ message: 'm', field: '/clientSecret' }, fields).field).toBeNull();
    expect(formErrorOf({ message: 'm', field: 'query.name' }, fields).field).toBeNull();
    // A path shorter than the input's is not about that input.
    expect(formErrorOf({ message: 'm', field: '/settings' }, ['settings.shop']).field).toBeNull();
  });

  it('never guesses from the message', () => {
    expect(formErrorOf({ message: 'settings.shop (Shop) is required' }, fields).field).toBeNull();
  });
});

describe('fieldErrorsOf', () => {
  it('is the input → message record a form shows', () => {
    expect(fieldErrorsOf({ field: 'email', message: 'Taken' })).toEqual({ email: 'Taken' });
    expect(fieldErrorsOf({ field: null, message: 'Down' })).toEqual({});
  });
});
