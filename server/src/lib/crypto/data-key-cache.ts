import { LRUCache } from 'lru-cache';

/**
 * Unwrapped data keys by organization, least recently used evicted first (lru-cache). Evicted, replaced and
 * cleared keys are overwritten with zeros (best effort: OpenSSL keeps its own short-lived copies
 * inside each cipher, which the garbage collector frees).
 *
 * Holders never keep a key across an `await`: the vault looks a key up and uses it in the same
 * synchronous step, so zeroing on eviction cannot pull a key from under an operation in progress.
 */
export interface CachedDataKey {
  key: Buffer;
  /** See dataKeyId() in secret-box.ts. */
  keyId: string;
  /** Master key version that wrapped it when it was loaded (informational). */
  masterKeyVersion: number;
}

export class DataKeyCache {
  private readonly entries: LRUCache<string, CachedDataKey>;

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('DataKeyCache: maxEntries must be a positive integer');
    this.entries = new LRUCache<string, CachedDataKey>({
      max: maxEntries,
      // Evicted, deleted, cleared. A replaced entry is handled in set(): its key may be the new entry's key.
      dispose: (entry) => entry.key.fill(0),
      noDisposeOnSet: true,
    });
  }

  get size(): number {
    return this.entries.size;
  }

  get(organizationId: string): CachedDataKey | undefined {
    return this.entries.get(organizationId);
  }

  set(organizationId: string, entry: CachedDataKey): void {
    const previous = this.entries.peek(organizationId);
    this.entries.set(organizationId, entry);
    if (previous && previous.key !== entry.key) previous.key.fill(0);
  }

  delete(organizationId: string): void {
    this.entries.delete(organizationId);
  }

  clear(): void {
    this.entries.clear();
  }
}
