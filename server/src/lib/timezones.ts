/** Whether `timezone` is an IANA zone name this runtime knows (e.g. Europe/Berlin, UTC). */
export function isValidTimezone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}
