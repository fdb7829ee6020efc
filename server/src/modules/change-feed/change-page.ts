import { Readable } from 'node:stream';

/** How much of a page is gathered before it goes to the socket, unless the rows stop coming sooner. */
const MIN_WRITE = 16 * 1024;
const CHUNK = 64 * 1024;
const HEAD = Buffer.from('{"items":[');
const CURSOR_FIELD = Buffer.from('"cursor":"');

/**
 * A page of the feed as it is read: `{"items":[…],"nextCursor":"…","hasMore":…}` (the ChangePage schema), its items'
 * JSON (written by Postgres, cursor last: change-feed.repo.ts) copied in as their rows arrive and sent on in pieces of
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
  /** Where the last item's bytes are (in a chunk already sent or about to be: never written again). */
  private last: { chunk: Buffer; start: number; end: number } | null = null;
  private resolveStarted!: () => void;
  /** Settles when the first item is in (so the caller knows the page is not empty). */
  readonly started = new Promise<void>((resolve) => (this.resolveStarted = resolve));

  constructor(private readonly limit: number) {
    super();
  }

  get count(): number {
    return this.items;
  }

  override _read(): void {
    // Items are pushed as they arrive (a page is at most `limit` items, held in memory at worst).
  }

  /** One item's JSON, `bytes[start..end)`: copied, since the caller's buffer is reused. */
  item(bytes: Buffer, start: number, end: number): void {
    if (this.items === this.limit) {
      this.more = true;
      return;
    }
    if (this.destroyed) return;
    const length = end - start;
    this.room(length + HEAD.length);
    if (this.items++ === 0) {
      this.at += HEAD.copy(this.chunk, this.at);
      this.resolveStarted();
    } else {
      this.chunk[this.at++] = 0x2c; // ,
    }
    this.last = { chunk: this.chunk, start: this.at, end: this.at + length };
    this.at += bytes.copy(this.chunk, this.at, start, end);
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
    if (!this.last) throw new Error('ChangePageStream: a page with no items is not streamed');
    const { chunk, start, end } = this.last;
    // Within the item only: the bytes after it are not written yet.
    const item = chunk.subarray(start, end);
    const at = item.lastIndexOf(CURSOR_FIELD);
    if (at < 0) throw new Error('ChangePageStream: an item without its cursor');
    const cursor = item.toString('latin1', at + CURSOR_FIELD.length, item.length - '"}'.length);
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
