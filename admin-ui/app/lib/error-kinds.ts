import type { Integration } from './types';

/** What kind of failure the API says an error is (server/src/lib/error-kind.ts); null for unclassified old errors. */
export type ErrorKind = NonNullable<Integration['lastErrorKind']>;

/** The remedy a page offers: only refused credentials need a reconnect; everything else is worth retrying. */
export type Remedy = 'reconnect' | 'retry';

const DESCRIPTIONS: Record<ErrorKind, { label: string; advice: string }> = {
  auth: { label: 'Sign-in refused', advice: 'The provider refused the stored credentials. Reconnect to sign in again.' },
  network: {
    label: 'Provider unreachable',
    advice:
      'Linkyard could not reach the provider (DNS, connection or timeout). Nothing is wrong with the connection; retry later or check the API base URL.',
  },
  provider: { label: 'Provider error', advice: 'The provider answered with an error. Retrying often helps once the provider recovers.' },
  rate_limit: { label: 'Rate limited', advice: 'The provider asked Linkyard to slow down. Retry after a while.' },
  mapping: { label: 'Mapping problem', advice: 'The field mappings could not be used. Fix them in Mappings, then retry.' },
};

/** A short label and a sentence of advice for an error kind. */
export function describeErrorKind(kind: ErrorKind | null | undefined): { label: string; advice: string } | null {
  return kind ? DESCRIPTIONS[kind] : null;
}

/**
 * Which remedies to offer for an error: Reconnect only for auth; Retry for the rest. An unclassified error
 * (recorded before errors had kinds) offers both, since either may be the one that helps.
 */
export function remediesFor(kind: ErrorKind | null | undefined): Remedy[] {
  if (kind === 'auth') return ['reconnect'];
  if (kind) return ['retry'];
  return ['retry', 'reconnect'];
}
