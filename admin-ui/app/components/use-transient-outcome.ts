import { useEffect, useRef, useState } from 'react';

/**
 * The newest of several mutation outcomes (fetchers' `data`), kept for a few seconds so a toast can show it
 * and then go away by itself. A new outcome replaces the one shown and restarts the clock.
 * `successOnly`: errors are shown next to their fields instead, so only successes make a toast.
 */
export function useTransientOutcome<T extends { ok: boolean }>(
  outcomes: readonly (T | null | undefined)[],
  { successOnly = false, ms = 6000 }: { successOnly?: boolean; ms?: number } = {},
): T | null {
  const [shown, setShown] = useState<T | null>(null);
  const previous = useRef(outcomes);
  useEffect(() => {
    const fresh = outcomes.find((o, i) => o && o !== previous.current[i] && (!successOnly || o.ok));
    previous.current = outcomes;
    if (fresh) setShown(fresh);
    // One entry per fetcher, always the same number of them: the entries are the dependencies.
  }, outcomes); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!shown) return;
    const timer = setTimeout(() => setShown(null), ms);
    return () => clearTimeout(timer);
  }, [shown, ms]);
  return shown;
}
