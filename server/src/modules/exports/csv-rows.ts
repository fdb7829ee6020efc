import { csvCellText, isFormulaStart } from '../../lib/csv-safety.js';
import { ISO_TIMESTAMP_MAX_BYTES, isInfiniteTimestamp, writeIsoTimestamp } from '../../lib/pg-timestamp.js';
import { isoFromPgUtc } from './pg-time.js';

/**
 * CSV data rows written straight into UTF-8 Buffers, byte for byte what csv-writer's
 * `createArrayCsvStringifier({ alwaysQuote: true, recordDelimiter: '\r\n' })` gives for the same
 * neutralised cells (test/unit/modules/exports/csv-rows.test.ts compares the two): an empty cell (null,
 * undefined, '') is written as nothing, every other cell is quoted with its `"` doubled, cells are
 * separated by `,` and rows end with CRLF. csv-writer still writes each file's header row.
 *
 * Why not csv-writer for the rows: profiling the million-record export (BENCHMARKS.md, "CSV export")
 * showed its per-record path (an array per record and per cell list, a regular-expression replace and
 * a new string per cell, a joined string per line and per batch, then UTF-8 encoding of the batch) was
 * half the server's CPU, and its garbage was what made each chunk of rows survive long enough to be
 * promoted, growing the old generation between full collections. Here a row costs one native UTF-8
 * copy per cell into a 64 KiB Buffer, and a quote-doubling pass over the bytes of the cells that hold
 * quotes; the Buffers live outside the V8 heap and die young.
 *
 * On Postgres the records export goes further (EntityExporter.binaryCsv): the fields arrive in their binary forms and
 * are written from those bytes, with neither a row object nor a string per field (half the server's CPU per row, and
 * Postgres no longer makes text of four timestamps a row). Fields that cannot hold a quote nor start a formula (a
 * uuid's hex digits, a timestamp's digits) skip both checks; text and JSON get them, on their UTF-8 bytes.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const APOSTROPHE = 0x27;
const CR = 0x0d;
const LF = 0x0a;
const NONE: readonly Buffer[] = Object.freeze([]);
const NO_TEXT: readonly string[] = Object.freeze([]);
const HEX = Buffer.from('0123456789abcdef', 'latin1');

/**
 * `buf.write(text, offset)` re-parses its optional arguments on every call (a fifth of this module's
 * time in the export's profile); `utf8Write` is the method it ends up calling, on Buffer.prototype in
 * every Node release. Falls back to the public method should it ever go away.
 */
const utf8Write: (this: Buffer, text: string, offset: number) => number =
  (Buffer.prototype as unknown as { utf8Write?: (this: Buffer, text: string, offset: number) => number }).utf8Write ??
  function write(this: Buffer, text: string, offset: number) {
    return this.write(text, offset, 'utf8');
  };
/** `buf.toString('utf8', start, end)` without its argument checks, as utf8Write (same fallback). */
const utf8Slice: (this: Buffer, start: number, end: number) => string =
  (Buffer.prototype as unknown as { utf8Slice?: (this: Buffer, start: number, end: number) => string }).utf8Slice ??
  function slice(this: Buffer, start: number, end: number) {
    return this.toString('utf8', start, end);
  };

export class CsvRowWriter {
  private buf: Buffer;
  private pos = 0;
  private cellsInRow = 0;
  private readonly done: Buffer[] = [];
  private readonly doneText: string[] = [];

  /**
   * `pieceSize`: the size of the Buffers handed out (a cell bigger than that gets a Buffer of its own).
   * `text`: pieces are handed out as strings (takeText) and the writer keeps writing into the same Buffer.
   * Why: a fresh 64 KiB Buffer per piece is memory outside the V8 heap that only a collection frees; in the
   * million-record export (issue 16) a few MB were live while tens of MB of dead Buffers waited for the next
   * collection, the server's peak RSS. A string piece is decoded once, and the socket encodes it into memory
   * it frees when the write completes. Pieces end between cells (flush is only called before a cell or a row
   * end is written), so no character is split; decoding and encoding again give back the same bytes for
   * valid UTF-8, which is all the writer writes (a lone surrogate in a cell is written as U+FFFD's bytes, and
   * Postgres text is valid UTF-8).
   */
  constructor(
    private readonly pieceSize = 64 * 1024,
    private readonly text = false,
  ) {
    this.buf = Buffer.allocUnsafe(pieceSize);
  }

  /** One cell: its text (see csvCellText), neutralised against formula injection, quoted. */
  cell(value: unknown): void {
    const text = csvCellText(value);
    const separator = this.cellsInRow++ === 0 ? 0 : 1;
    const n = text.length;
    if (n === 0) {
      if (separator) this.byte(COMMA);
      return;
    }
    const hasQuote = text.indexOf('"') !== -1;
    // Room: at most 3 UTF-8 bytes per UTF-16 code unit (a doubled quote is 2 bytes for 1 unit) plus
    // separator, apostrophe and the two quotes; a cell with quotes is first written 2n bytes further on.
    this.reserve((hasQuote ? 5 : 3) * n + 4);
    const b = this.buf;
    let p = this.pos;
    if (separator) b[p++] = COMMA;
    b[p++] = QUOTE;
    if (isFormulaStart(text.charCodeAt(0))) b[p++] = APOSTROPHE;
    if (!hasQuote) {
      p += utf8Write.call(b, text, p);
    } else {
      // Write the text 2n bytes ahead, then copy it back into place doubling each quote, in one pass.
      // The copy never overtakes what it has yet to read: after k bytes with j ≤ n quotes it has written
      // up to p + k + j + 1 < p + 2n + k + 1. In UTF-8 the byte 0x22 is only ever the quote itself.
      let src = p + 2 * n;
      const end = src + utf8Write.call(b, text, src);
      while (src < end) {
        const c = b[src++];
        b[p++] = c;
        if (c === QUOTE) b[p++] = QUOTE;
      }
    }
    b[p++] = QUOTE;
    this.pos = p;
  }

  /**
   * A timestamp as Postgres's UTC text (`2026-01-31 12:34:56.789123`), written as the cell
   * `cell(isoFromPgUtc(text))` would write (`"2026-01-31T12:34:56.789Z"`) without making that string:
   * the bytes are copied straight into the Buffer. Unusual text (5-digit or BC years, infinity) takes
   * the general path.
   */
  pgUtcTimestampCell(text: string | null): void {
    const n = text === null ? 0 : text.length;
    // The common shape: YYYY-MM-DD HH:MM:SS with an optional fraction of 1–6 digits, ending in a digit.
    if (
      text === null ||
      n < 19 ||
      n > 26 ||
      text.charCodeAt(10) !== 32 ||
      text.charCodeAt(4) !== 45 ||
      text.charCodeAt(13) !== 58 ||
      (n > 19 && text.charCodeAt(19) !== 46) ||
      n === 20 ||
      text.charCodeAt(n - 1) < 48 ||
      text.charCodeAt(n - 1) > 57
    ) {
      this.cell(isoFromPgUtc(text));
      return;
    }
    this.reserve(28);
    const b = this.buf;
    let p = this.pos;
    if (this.cellsInRow++ !== 0) b[p++] = COMMA;
    b[p++] = QUOTE;
    for (let i = 0; i < 10; i++) b[p++] = text.charCodeAt(i);
    b[p++] = 0x54; // T
    for (let i = 11; i < 19; i++) b[p++] = text.charCodeAt(i);
    b[p++] = 0x2e; // .
    for (let i = 20; i < 23; i++) b[p++] = i < n ? text.charCodeAt(i) : 0x30;
    b[p++] = 0x5a; // Z
    b[p++] = QUOTE;
    this.pos = p;
  }

  /**
   * Text given as its UTF-8 bytes `bytes[start..end)` (start -1: NULL), written as `cell` writes that text: the rule
   * is the same byte for byte, since the characters it looks at (`"` and the formula starts) are ASCII and a UTF-8
   * byte below 0x80 is only ever that character.
   */
  utf8Cell(bytes: Buffer, start: number, end: number): void {
    const separator = this.cellsInRow++ === 0 ? 0 : 1;
    if (start < 0 || end === start) {
      if (separator) this.byte(COMMA);
      return;
    }
    this.reserve(2 * (end - start) + 4);
    const b = this.buf;
    let p = this.pos;
    if (separator) b[p++] = COMMA;
    b[p++] = QUOTE;
    if (isFormulaStart(bytes[start])) b[p++] = APOSTROPHE;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      b[p++] = c;
      if (c === QUOTE) b[p++] = QUOTE;
    }
    b[p++] = QUOTE;
    this.pos = p;
  }

  /** A uuid given as its 16 bytes (uuid's binary form, at `start`), as `cell` writes its text (lowercase, dashed). */
  uuidCell(bytes: Buffer, start: number): void {
    if (start < 0) return this.utf8Cell(bytes, -1, -1);
    this.reserve(39);
    const b = this.buf;
    let p = this.pos;
    if (this.cellsInRow++ !== 0) b[p++] = COMMA;
    b[p++] = QUOTE;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) b[p++] = 0x2d; // -
      const v = bytes[start + i];
      b[p++] = HEX[v >> 4];
      b[p++] = HEX[v & 15];
    }
    b[p++] = QUOTE;
    this.pos = p;
  }

  /**
   * A timestamp given as its binary form (microseconds since 2000-01-01 UTC, a big-endian int64 at `start`; -1: NULL),
   * written as `pgUtcTimestampCell` writes its UTC text: `"YYYY-MM-DDTHH:MM:SS.mmmZ"`, milliseconds truncated, a BC
   * year's era dropped (1 BC is year 0001), a year past 9999 in all its digits; an infinite timestamp is an empty cell.
   */
  timestampCell(bytes: Buffer, start: number): void {
    if (start < 0 || isInfiniteTimestamp(bytes, start)) return this.utf8Cell(bytes, -1, -1);
    this.reserve(ISO_TIMESTAMP_MAX_BYTES + 3);
    const b = this.buf;
    let p = this.pos;
    if (this.cellsInRow++ !== 0) b[p++] = COMMA;
    b[p++] = QUOTE;
    p = writeIsoTimestamp(bytes, start, b, p);
    b[p++] = QUOTE;
    this.pos = p;
  }

  endRow(): void {
    this.reserve(2);
    this.buf[this.pos++] = CR;
    this.buf[this.pos++] = LF;
    this.cellsInRow = 0;
  }

  /** The bytes written so far that fill whole pieces (all of them with `all`), to hand to the stream. */
  take(all = false): readonly Buffer[] {
    if (all && this.pos > 0) this.flush(0);
    return this.done.length === 0 ? NONE : this.done.splice(0);
  }

  /** take for a writer made with `text`: the pieces as strings. */
  takeText(all = false): readonly string[] {
    if (all && this.pos > 0) this.flush(0);
    return this.doneText.length === 0 ? NO_TEXT : this.doneText.splice(0);
  }

  private byte(c: number): void {
    this.reserve(1);
    this.buf[this.pos++] = c;
  }

  private reserve(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.flush(bytes);
  }

  /** Hands the current Buffer on (its used part) and starts one with room for at least `bytes`. */
  private flush(bytes: number): void {
    if (this.text) {
      if (this.pos > 0) this.doneText.push(utf8Slice.call(this.buf, 0, this.pos));
      // The same Buffer again, unless a cell needs more room (or a big cell's Buffer is done with).
      if (this.buf.length < bytes || this.buf.length > Math.max(this.pieceSize, bytes))
        this.buf = Buffer.allocUnsafe(Math.max(this.pieceSize, bytes));
    } else {
      if (this.pos > 0) this.done.push(this.buf.subarray(0, this.pos));
      this.buf = Buffer.allocUnsafe(Math.max(this.pieceSize, bytes));
    }
    this.pos = 0;
  }
}
