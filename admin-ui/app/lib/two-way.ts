/**
 * Two-way sync as the admin UI shows it: what each direction and conflict strategy means (one line each, shown
 * next to the choice), and the status of a write.
 */
import type { Sync } from './types';

export type Direction = Sync['direction'];
export type ConflictStrategy = Sync['conflictResolution'];

export const DIRECTIONS: readonly { key: Direction; label: string; hint: string }[] = [
  { key: 'pull', label: 'Pull', hint: 'Provider → Linkyard: records are read, never written back.' },
  { key: 'push', label: 'Push', hint: 'Linkyard → provider: your changes are written to the provider.' },
  { key: 'bidirectional', label: 'Both ways', hint: 'Pull, then write your pending changes, each checked for conflicts.' },
];

/** In the order the API documents them; `manual` is the default. */
export const STRATEGIES: readonly { key: ConflictStrategy; label: string; hint: string }[] = [
  { key: 'source', label: 'Provider wins', hint: "The provider's version stays; your change is skipped." },
  { key: 'latest', label: 'Latest change wins', hint: 'Whichever side changed the record last wins the whole record.' },
  {
    key: 'merge',
    label: 'Merge fields',
    hint: 'Fields changed on one side are combined; a field changed on both goes to the later change.',
  },
  { key: 'manual', label: 'Ask me', hint: 'Nothing is written: a conflict opens for a person to resolve on the Conflicts page.' },
];

/** Whether a sync writes to the provider (push or both ways), so outbound mappings and conflicts matter. */
export const writesToProvider = (direction: Direction) => direction !== 'pull';
