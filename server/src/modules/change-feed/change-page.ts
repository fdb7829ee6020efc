import { Readable } from 'node:stream';
import { ISO_TIMESTAMP_MAX_BYTES, isInfiniteTimestamp, writeIsoTimestamp } from '../../lib/pg-timestamp.js';
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
const BACKSLASH = 0x5c;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** The most digits of a position (an int8). */
const POSITION_DIGITS = 20;
// The constant parts of an item written from its columns (tuple), around the columns' values.
const ITEM_START = Buffer.from('{"externalId":"');
const DATA = Buffer.from('","data":');
const FIRST_SEEN_AT = Buffer.from(',"firstSeenAt":"');
const MODIFIED_AT = Buffer.from('","modifiedAt":"');
const DELETED_AT = Buffer.from('","deletedAt":');
const NOT_DELETED = Buffer.from('null,"cursor":"');
const DELETED_END = Buffer.from('","cursor":"');
/** The most bytes of an item's constant parts, its three timestamps and their quotes, and its closing `"}`. */
const ITEM_FIXED =
  ITEM_START.length +
  DATA.length +
  FIRST_SEEN_AT.length +
  MODIFIED_AT.length +
  DELETED_AT.length +
  DELETED_END.length +
  3 * ISO_TIMESTAMP_MAX_BYTES +
  4;

/**
 * A page of the feed as it is read: `{"items":[…],"nextCursor":"…","hasMore":…}` (the ChangePage schema), its items
 * written as their rows arrive (on Postgres from their columns' binary forms, `tuple`; on PGlite copied from the JSON
 * Postgres wrote, `item`: change-feed.repo.ts), each finished with its cursor (written from its position's digits:
 * feed-cursor.ts), and sent on in pieces of
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

  /** `","resource":<the resource's JSON>,"action":"` (after the external id): the same in every item of the feed. */
  private readonly resourcePart: Buffer;
  /** A position's digits, written from its int8 (tuple), right-aligned. */
  private readonly digits = Buffer.alloc(POSITION_DIGITS);

  constructor(
    private readonly limit: number,
    private readonly cursors: FeedCursors,
    resource: string,
  ) {
    super();
    this.resourcePart = Buffer.from(`","resource":${JSON.stringify(resource)},"action":"`);
  }

  get count(): number {
    return this.items;
  }

  override _read(): void {
    // Items are pushed as they arrive (a page is at most `limit` items, held in memory at worst).
  }

  /**
   * One item, `bytes[start..end)`: its position's digits, then its JSON up to its cursor's value (changesAfterQuery's
   * text, on PGlite). Copied, since the caller's buffer is reused.
   */
  item(bytes: Buffer, start: number, end: number): void {
    if (!this.wanted()) return;
    let json = start;
    while (json < end && bytes[json] >= DIGIT_0 && bytes[json] <= DIGIT_9) json++;
    this.room(HEAD.length + end - json + this.cursors.length + 2);
    this.begin();
    this.at += bytes.copy(this.chunk, this.at, json, end);
    this.end(bytes, start, json);
  }

  /**
   * One item from its columns in their binary forms (changesAfterCopyQuery, CHANGE_COPY_COLUMNS: field i is
   * `bytes[fields[2i]..fields[2i + 1])`), written byte for byte as changesAfterQuery's text would be: the external id
   * escaped as Postgres's to_json escapes text, the data as jsonb's text, the timestamps as to_char writes them.
   */
  tuple(bytes: Buffer, fields: Int32Array): void {
    if (!this.wanted()) return;
    const idStart = fields[2];
    const idEnd = fields[3];
    const dataStart = fields[6] + 1;
    const dataEnd = fields[7];
    const deletedAt = fields[12];
    if (fields[0] < 0 || idStart < 0 || fields[4] < 0 || fields[6] < 0 || fields[8] < 0 || fields[10] < 0) {
      throw new Error('change feed: a NULL in a NOT NULL column');
    }
    // jsonb's binary form is a format version (1) and then the text `data::text` gives.
    if (bytes[fields[6]] !== 1) throw new Error(`change feed: jsonb binary format ${bytes[fields[6]]}, expected 1`);
    // to_char makes NULL of an infinite timestamp: the item's text was NULL, which the text form refuses too.
    if (isInfiniteTimestamp(bytes, fields[8]) || isInfiniteTimestamp(bytes, fields[10])) {
      throw new Error('change feed: an infinite firstSeenAt or modifiedAt');
    }
    const digitsStart = this.positionDigits(bytes, fields[0]);
    // An id byte takes at most 6 (\u00XX).
    this.room(
      HEAD.length +
        ITEM_FIXED +
        6 * (idEnd - idStart) +
        this.resourcePart.length +
        (fields[5] - fields[4]) +
        (dataEnd - dataStart) +
        this.cursors.length,
    );
    this.begin();
    const b = this.chunk;
    let p = this.at;
    b.set(ITEM_START, p);
    p += ITEM_START.length;
    for (let i = idStart; i < idEnd; i++) {
      const c = bytes[i];
      if (c >= 0x20 && c !== QUOTE && c !== BACKSLASH) {
        b[p++] = c;
        continue;
      }
      b[p++] = BACKSLASH;
      if (c === QUOTE || c === BACKSLASH) b[p++] = c;
      else if (c === 0x08)
        b[p++] = 0x62; // b
      else if (c === 0x0c)
        b[p++] = 0x66; // f
      else if (c === 0x0a)
        b[p++] = 0x6e; // n
      else if (c === 0x0d)
        b[p++] = 0x72; // r
      else if (c === 0x09)
        b[p++] = 0x74; // t
      else {
        b[p++] = 0x75; // u
        b[p++] = DIGIT_0;
        b[p++] = DIGIT_0;
        b[p++] = HEX[c >> 4];
        b[p++] = HEX[c & 15];
      }
    }
    b.set(this.resourcePart, p);
    p += this.resourcePart.length;
    // The action is one of three words (a CHECK constraint): as it is.
    for (let i = fields[4]; i < fields[5]; i++) b[p++] = bytes[i];
    b.set(DATA, p);
    p += DATA.length;
    p += bytes.copy(b, p, dataStart, dataEnd);
    b.set(FIRST_SEEN_AT, p);
    p += FIRST_SEEN_AT.length;
    p = writeIsoTimestamp(bytes, fields[8], b, p);
    b.set(MODIFIED_AT, p);
    p += MODIFIED_AT.length;
    p = writeIsoTimestamp(bytes, fields[10], b, p);
    b.set(DELETED_AT, p);
    p += DELETED_AT.length;
    if (deletedAt < 0 || isInfiniteTimestamp(bytes, deletedAt)) {
      b.set(NOT_DELETED, p);
      p += NOT_DELETED.length;
    } else {
      b[p++] = QUOTE;
      p = writeIsoTimestamp(bytes, deletedAt, b, p);
      b.set(DELETED_END, p);
      p += DELETED_END.length;
    }
    this.at = p;
    this.end(this.digits, digitsStart, POSITION_DIGITS);
  }

  /** Whether the next item is one of the page's (one more only says that there are more). */
  private wanted(): boolean {
    if (this.items === this.limit) {
      this.more = true;
      return false;
    }
    return !this.destroyed;
  }

  /** The page's head before its first item, a comma before the others (room made). */
  private begin(): void {
    if (this.items++ === 0) {
      this.at += HEAD.copy(this.chunk, this.at);
      this.resolveStarted();
    } else {
      this.chunk[this.at++] = 0x2c; // ,
    }
  }

  /** The item's cursor, from its position's digits `digits[start..end)`, and its end `"}` (room made); then maybe a flush. */
  private end(digits: Buffer, start: number, end: number): void {
    this.lastCursorChunk = this.chunk;
    this.lastCursorAt = this.at;
    this.at += this.cursors.write(digits, start, end, this.chunk, this.at);
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

  /** The decimal digits of the int8 at `bytes[start..start + 8)` into `this.digits`, right-aligned; where they start. */
  private positionDigits(bytes: Buffer, start: number): number {
    const hi = bytes.readInt32BE(start);
    const lo = bytes.readUInt32BE(start + 4);
    const d = this.digits;
    let p = POSITION_DIGITS;
    if (hi >= 0 && hi < 0x200000) {
      // Below 2^53: exact in a double.
      let n = hi * 0x100000000 + lo;
      do {
        const q = Math.floor(n / 10);
        d[--p] = DIGIT_0 + (n - q * 10);
        n = q;
      } while (n > 0);
      return p;
    }
    const text = bytes.readBigInt64BE(start).toString();
    return POSITION_DIGITS - d.write(text, POSITION_DIGITS - text.length, 'latin1');
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
