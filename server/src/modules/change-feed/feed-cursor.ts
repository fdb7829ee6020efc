/**
 * The change feed's cursors: base64url of the JSON `["<integration>","<resource>",<position>]` (opaque to clients,
 * like every cursor: lib/pagination.ts), naming the feed so that a cursor of another integration or resource can be
 * refused. The JSON is spaced so that a page's cursors cost one small encoding each: everything before the position
 * is padded with spaces to a whole number of 3-byte groups, encoded once per request (`prefix`), and the position and
 * `]` are padded in front with spaces to POSITION_BYTES (no `=` needed), encoded on their own and appended.
 */
import type { FeedKey } from './change-feed.repo.js';

/** 19 digits (a bigint) and `]`, padded to a whole number of 3-byte groups. */
const POSITION_BYTES = 21;
const POSITION_CHARS = (POSITION_BYTES / 3) * 4;
const MAX_DIGITS = POSITION_BYTES - 1;
const SPACE = 0x20;
const CLOSE = 0x5d; // ]
const BASE64URL = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_', 'latin1');

/** The feed's part of its cursors' JSON: `["<integration>","<resource>",` and the spaces that make it whole groups. */
function prefixJson(feed: FeedKey): string {
  const json = JSON.stringify([feed.integrationId, feed.resource]).slice(0, -1) + ',';
  return json + ' '.repeat((3 - (Buffer.byteLength(json) % 3)) % 3);
}

/**
 * Writes one feed's cursors from a position's decimal digits (as Postgres sends them: change-feed.repo.ts), straight
 * into the caller's buffer, without allocating; the digits are used as they are, so even a position past
 * Number.MAX_SAFE_INTEGER keeps its cursor.
 */
export class FeedCursors {
  /** The base64url of the feed's part, the start of every cursor of the feed. */
  private readonly prefix: Buffer;
  /** POSITION_BYTES of the padded position, reused: the input of one cursor's last POSITION_CHARS characters. */
  private readonly field = Buffer.alloc(POSITION_BYTES);
  /** How many bytes every cursor of the feed has. */
  readonly length: number;

  constructor(feed: FeedKey) {
    this.prefix = Buffer.from(Buffer.from(prefixJson(feed)).toString('base64url'), 'latin1');
    this.length = this.prefix.length + POSITION_CHARS;
  }

  /** Writes the cursor of the position whose digits are `digits[start..end)` at `target[at..]`; returns its length. */
  write(digits: Buffer, start: number, end: number, target: Buffer, at: number): number {
    const count = end - start;
    if (count < 1 || count > MAX_DIGITS) throw new Error(`FeedCursors: a position of ${count} digits`);
    // Byte by byte, and TypedArray.set for the prefix: Buffer.copy's native call costs more than these few bytes.
    const field = this.field;
    const pad = MAX_DIGITS - count;
    for (let i = 0; i < pad; i++) field[i] = SPACE;
    for (let i = pad; i < MAX_DIGITS; i++) field[i] = digits[start + i - pad];
    field[MAX_DIGITS] = CLOSE;
    target.set(this.prefix, at);
    let out = at + this.prefix.length;
    for (let i = 0; i < POSITION_BYTES; i += 3) {
      const group = (field[i] << 16) | (field[i + 1] << 8) | field[i + 2];
      target[out++] = BASE64URL[group >> 18];
      target[out++] = BASE64URL[(group >> 12) & 63];
      target[out++] = BASE64URL[(group >> 6) & 63];
      target[out++] = BASE64URL[group & 63];
    }
    return this.length;
  }

  /** The cursor of `position` as text (for a page without items, whose next cursor is the one it was asked with). */
  of(position: number): string {
    const digits = Buffer.from(String(position), 'latin1');
    const cursor = Buffer.allocUnsafe(this.length);
    this.write(digits, 0, digits.length, cursor, 0);
    return cursor.toString('latin1');
  }
}
