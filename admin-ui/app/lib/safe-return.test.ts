import { describe, expect, it } from 'vitest';
import { safeReturnTo } from './safe-return';

describe('safeReturnTo (the sign-in page’s ?returnTo=)', () => {
  it('keeps a page path of this site, normalised', () => {
    expect(safeReturnTo('/orgs/1/integrations?status=ERROR#top')).toBe('/orgs/1/integrations?status=ERROR#top');
    expect(safeReturnTo('/orgs/1/./syncs/../integrations')).toBe('/orgs/1/integrations');
  });

  it.each([
    // What URLSearchParams hands over for ?returnTo=/%09/evil.example/x: browsers drop the tab → //evil.example/x
    '/\t/evil.example/x',
    '/\n/evil.example/x',
    '/\r/evil.example/x',
    '/\r\nSet-Cookie: x=1',
    '//evil.example/x',
    '/\\evil.example',
    '/.//evil.example/x',
    '/%2e%2e//evil.example',
    '/a/..//evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
    'orgs/1',
    '',
    '/api/auth/logout',
  ])('sends %j to the start page instead', (value) => {
    expect(safeReturnTo(value)).toBe('/');
  });
});
