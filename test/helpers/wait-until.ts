/**
 * Polls `check` until it returns true; throws `Timed out after Ns waiting for: <what>` otherwise.
 * Tests wait for a condition with this rather than asserting how long something took.
 */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  for (;;) {
    if (await check()) return;
    if (Date.now() >= deadline) throw new Error(`Timed out after ${Math.round(timeoutMs / 1000)}s waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, 250);
  }
}
