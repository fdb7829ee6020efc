import { describe, expect, it } from 'vitest';
import { describeErrorKind, remediesFor } from './error-kinds';

describe('the remedy offered for an error', () => {
  it('offers Reconnect only for refused credentials, Retry for everything else', () => {
    expect(remediesFor('auth')).toEqual(['reconnect']);
    for (const kind of ['network', 'provider', 'rate_limit', 'mapping'] as const) expect(remediesFor(kind)).toEqual(['retry']);
  });
  it('offers both for errors recorded before they had kinds', () => {
    expect(remediesFor(null)).toEqual(['retry', 'reconnect']);
  });
  it('labels a DNS failure as the provider being unreachable, not as a sign-in problem', () => {
    expect(describeErrorKind('network')?.label).toBe('Provider unreachable');
    expect(describeErrorKind(null)).toBeNull();
  });
});
