import { createContext, useContext } from 'react';

/** The colour theme a person chose: follow the system setting (the default), or always light or dark. */
export type Theme = 'system' | 'light' | 'dark';
export const THEMES: readonly Theme[] = ['system', 'light', 'dark'];
export const THEME_COOKIE = 'linkyard-theme';

/** The theme a request's cookies name; anything else (none, a forged value) is the system setting. */
export function themeFromCookies(cookieHeader: string | null): Theme {
  const match = /(?:^|;\s*)linkyard-theme=([a-z]+)/.exec(cookieHeader ?? '');
  const value = match?.[1] as Theme | undefined;
  return value && THEMES.includes(value) ? value : 'system';
}

/** The next theme of the toggle's cycle: system → light → dark → system. */
export const nextTheme = (theme: Theme): Theme => THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length]!;

/** A year-long cookie the server reads to render the chosen theme (no flash of the other one on load). */
export const themeCookie = (theme: Theme) =>
  theme === 'system'
    ? `${THEME_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`
    : `${THEME_COOKIE}=${theme}; Path=/; Max-Age=31536000; SameSite=Lax`;

export const ThemeContext = createContext<{ theme: Theme; setTheme(theme: Theme): void }>({ theme: 'system', setTheme: () => {} });
export const useTheme = () => useContext(ThemeContext);
