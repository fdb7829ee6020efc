import { useEffect, useState } from 'react';

/** How long a toast stays. */
export const TOAST_MS = 6000;

type Outcome = { ok: boolean; message: string };

/**
 * The outcome among `now` that is new since `before` (compared entry by entry: one entry per fetcher or
 * action), or null. `successOnly`: errors do not count, because the page shows them next to their fields.
 */
export function freshOutcome<T extends Outcome>(
  before: readonly (T | null | undefined)[],
  now: readonly (T | null | undefined)[],
  successOnly = false,
): T | null {
  return now.find((o, i) => o && o !== before[i] && (!successOnly || o.ok)) ?? null;
}

/**
 * The one way pages show a mutation's outcome: pass the outcomes (fetchers' `data`, an action's data, the
 * flash message), always the same number of them, and render `<Toast outcome={useToast(…)} />`. The newest
 * outcome shows for a few seconds, then goes away by itself; a newer one replaces it and restarts the clock.
 * Outcomes present at the first render show too (the flash message after a redirect).
 *
 * What was seen is kept in state and compared during render (React's "storing information from previous
 * renders"), so a new outcome shows in the same render that brings it; the effect only runs the clock.
 */
export function useToast<T extends Outcome>(
  outcomes: readonly (T | null | undefined)[],
  { successOnly = false, ms = TOAST_MS }: { successOnly?: boolean; ms?: number } = {},
): T | null {
  const [state, setState] = useState(() => ({ seen: outcomes, shown: freshOutcome([], outcomes, successOnly) }));
  let shown = state.shown;
  if (outcomes.length !== state.seen.length || outcomes.some((o, i) => o !== state.seen[i])) {
    shown = freshOutcome(state.seen, outcomes, successOnly) ?? shown;
    setState({ seen: outcomes, shown });
  }
  useEffect(() => {
    if (!shown) return;
    const timer = setTimeout(() => setState((s) => (s.shown === shown ? { ...s, shown: null } : s)), ms);
    return () => clearTimeout(timer);
  }, [shown, ms]);
  return shown;
}
