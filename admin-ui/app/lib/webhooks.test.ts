import { describe, expect, it } from 'vitest';
import { isWebhookEvent, lastAnswer, readEndpointForm, validateEndpointForm, WEBHOOK_EVENTS } from './webhooks';

describe('webhook endpoint form', () => {
  it('knows the API’s events', () => {
    expect(WEBHOOK_EVENTS).toContain('sync.succeeded');
    expect(WEBHOOK_EVENTS).toContain('records.changed');
    expect(isWebhookEvent('sync.exploded')).toBe(false);
  });

  it('reads the form, trimming text and keeping every checked event', () => {
    const form = new FormData();
    form.set('url', '  https://example.com/hooks ');
    form.append('events', 'sync.failed');
    form.append('events', 'ping');
    expect(readEndpointForm(form)).toEqual({ url: 'https://example.com/hooks', description: '', events: ['sync.failed', 'ping'] });
  });

  it('needs a full URL and at least one known event', () => {
    const ok = { url: 'https://example.com/hooks', description: '', events: ['sync.failed'] };
    expect(validateEndpointForm(ok)).toEqual({});
    expect(validateEndpointForm({ ...ok, url: '' }).url).toMatch(/Enter the URL/);
    expect(validateEndpointForm({ ...ok, url: 'example.com' }).url).toMatch(/full URL/);
    expect(validateEndpointForm({ ...ok, events: [] }).events).toMatch(/at least one/);
    expect(validateEndpointForm({ ...ok, events: ['nope'] }).events).toBeTruthy();
    expect(validateEndpointForm({ ...ok, description: 'x'.repeat(501) }).description).toBeTruthy();
  });

  it('summarises the last answer', () => {
    expect(lastAnswer({ attempts: 0, lastStatusCode: null, lastError: null })).toBe('Not sent yet');
    expect(lastAnswer({ attempts: 2, lastStatusCode: 500, lastError: 'x' })).toBe('HTTP 500');
    expect(lastAnswer({ attempts: 1, lastStatusCode: null, lastError: 'timed out' })).toBe('No answer');
  });
});
