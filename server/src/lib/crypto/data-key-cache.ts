/**
 * Unwrapped data keys by organization, least recently used evicted first. Evicted, replaced and
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
  private readonly entries = new Map<string, CachedDataKey>();

  constructor(readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('DataKeyCache: maxEntries must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  get(organizationId: string): CachedDataKey | undefined {
    const entry = this.entries.get(organizationId);
    if (entry) {
      // Map keeps insertion order: re-inserting marks the entry as most recently used.
      this.entries.delete(organizationId);
      this.entries.set(organizationId, entry);
    }
    return entry;
  }

  set(organizationId: string, entry: CachedDataKey): void {
    const previous = this.entries.get(organizationId);
    if (previous && previous.key !== entry.key) previous.key.fill(0);
    this.entries.delete(organizationId);
    this.entries.set(organizationId, entry);
    while (this.entries.size > this.maxEntries) {
      const [oldest, evicted] = this.entries.entries().next().value as [string, CachedDataKey];
      this.entries.delete(oldest);
      evicted.key.fill(0);
    }
  }

  delete(organizationId: string): void {
    const entry = this.entries.get(organizationId);
    if (!entry) return;
    this.entries.delete(organizationId);
    entry.key.fill(0);
  }

  clear(): void {
    for (const entry of this.entries.values()) entry.key.fill(0);
    this.entries.clear();
  }
}
