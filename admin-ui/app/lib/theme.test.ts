import { describe, expect, it } from 'vitest';
import { nextTheme, themeCookie, themeFromCookies } from './theme';

describe('theme', () => {
  it('reads the chosen theme from the cookies, and anything else as the system setting', () => {
    expect(themeFromCookies('a=1; linkyard-theme=dark')).toBe('dark');
    expect(themeFromCookies('linkyard-theme=light')).toBe('light');
    expect(themeFromCookies('linkyard-theme=purple')).toBe('system');
    expect(themeFromCookies(null)).toBe('system');
  });

  it('cycles system → light → dark → system', () => {
    expect([nextTheme('system'), nextTheme('light'), nextTheme('dark')]).toEqual(['light', 'dark', 'system']);
  });

  it('forgets the cookie when the system setting is chosen again', () => {
    expect(themeCookie('dark')).toMatch(/^linkyard-theme=dark; Path=\/; Max-Age=31536000/);
    expect(themeCookie('system')).toMatch(/Max-Age=0/);
  });
});
