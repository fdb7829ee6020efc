import { nextTheme, useTheme, type Theme } from '~/lib/theme';
import { ICON_BUTTON_CLASS, LineIcon } from './line-icon';

const LABELS: Record<Theme, string> = { system: 'system setting', light: 'light', dark: 'dark' };

/** One icon path per theme (see LineIcon). */
const ICONS: Record<Theme, string> = {
  system: 'M4 5h16v11H4zM9 20h6M12 16v4',
  light:
    'M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4',
  dark: 'M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z',
};

/** Cycles the colour theme: the system setting (default) → light → dark. The choice is kept in a cookie. */
export function ThemeToggle() {
  const { theme, setTheme } = useTheme();
  const next = nextTheme(theme);
  return (
    <button
      type="button"
      onClick={() => setTheme(next)}
      data-theme-toggle={theme}
      aria-label={`Theme: ${LABELS[theme]}. Switch to ${LABELS[next]}`}
      title={`Theme: ${LABELS[theme]} (switch to ${LABELS[next]})`}
      className={ICON_BUTTON_CLASS}
    >
      <LineIcon d={ICONS[theme]} />
    </button>
  );
}
