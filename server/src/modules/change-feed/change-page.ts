import { Readable } from 'node:stream';
import type { FeedCursors } from './feed-cursor.js';

/** How much of a page is gathered before it goes to the socket, unless the rows stop coming sooner. */
const MIN_WRITE = 16 * 1024;
const CHUNK = 64 * 1024;
const HEAD = Buffer.from('{"items":[');
// An item ends with its cursor's closing quote and its closing brace: `"}`.
const QUOTE = 0x22;
const CLOSE_BRACE = 0x7d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/**
 * A page of the feed as it is read: `{"items":[…],"nextCursor":"…","hasMore":…}` (the ChangePage schema), its items'
 * JSON (written by Postgres up to the cursor's value, after the position's digits: change-feed.repo.ts) copied in as
 * their rows arrive, each finished with its cursor (written from the digits: feed-cursor.ts), and sent on in pieces of
 * at least MIN_WRITE bytes (or whatever a burst of rows brought), so that Postgres, this process and the client work
 * on the page at the same time instead of in turn. The item after the `limit`-th only says that there are more.
 * `finish()` writes the rest; `destroy(err)` after something was sent leaves the response cut short, never valid JSON.
 */
export class ChangePageStream extends Readable {
  private chunk = Buffer.allocUnsafe(CHUNK);
  /** chunk[sent..at) is written and not yet sent. */
  private at = 0;
  private sent = 0;
  private flushing = false;
  private items = 0;
  private more = false;
  /** Where the last item's cursor is (in a chunk already sent or about to be: never written again). */
  private lastCursorChunk: Buffer | null = null;
  private lastCursorAt = 0;
  private resolveStarted!: () => void;
  /** Settles when the first item is in (so the caller knows the page is not empty). */
  readonly started = new Promise<void>((resolve) => (this.resolveStarted = resolve));

  constructor(
    private readonly limit: number,
    private readonly cursors: FeedCursors,
  ) {
    super();
  }

  get count(): number {
    return this.items;
  }

  override _read(): void {
    // Items are pushed as they arrive (a page is at most `limit` items, held in memory at worst).
  }

  /**
   * One item, `bytes[start..end)`: its position's digits, then its JSON up to its cursor's value. Copied, since the
   * caller's buffer is reused.
   */
  item(bytes: Buffer, start: number, end: number): void {
    if (this.items === this.limit) {
      this.more = true;
      return;
    }
    if (this.destroyed) return;
    let json = start;
    while (json < end && bytes[json] >= DIGIT_0 && bytes[json] <= DIGIT_9) json++;
    this.room(HEAD.length + end - json + this.cursors.length + 2);
    if (this.items++ === 0) {
      this.at += HEAD.copy(this.chunk, this.at);
      this.resolveStarted();
    } else {
      this.chunk[this.at++] = 0x2c; // ,
    }
    this.at += bytes.copy(this.chunk, this.at, json, end);
    this.lastCursorChunk = this.chunk;
    this.lastCursorAt = this.at;
    this.at += this.cursors.write(bytes, start, json, this.chunk, this.at);
    this.chunk[this.at++] = QUOTE;
    this.chunk[this.at++] = CLOSE_BRACE;
    if (!this.flushing && this.at - this.sent >= MIN_WRITE) {
      // After the burst of rows that arrived together (one read from Postgres), not one write per row.
      this.flushing = true;
      process.nextTick(() => {
        this.flushing = false;
        this.flush();
      });
    }
  }

  /** The next cursor (the last item's), the end of the page, and the end of the stream. */
  finish(): void {
    if (this.destroyed) return;
    if (!this.lastCursorChunk) throw new Error('ChangePageStream: a page with no items is not streamed');
    const cursor = this.lastCursorChunk.toString('latin1', this.lastCursorAt, this.lastCursorAt + this.cursors.length);
    const tail = Buffer.from(`],"nextCursor":"${cursor}","hasMore":${this.more}}`);
    this.room(tail.length);
    this.at += tail.copy(this.chunk, this.at);
    this.flush();
    this.push(null);
  }

  private flush(): void {
    if (this.at === this.sent || this.destroyed) return;
    this.push(this.chunk.subarray(this.sent, this.at));
    this.sent = this.at;
  }

  /** Makes room for `bytes` more in the current chunk: what it holds goes out, and a new one is started. */
  private room(bytes: number): void {
    if (this.at + bytes <= this.chunk.length) return;
    this.flush();
    this.chunk = Buffer.allocUnsafe(Math.max(CHUNK, bytes));
    this.at = this.sent = 0;
  }
}
