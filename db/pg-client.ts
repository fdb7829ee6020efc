// The pg side of db/client.ts: a pooled client that prepares each statement once per connection and sends a
// transaction's statements in one message (its parameters as SQL literals), and the reader of binary COPY output.
import type { CompiledQuery } from 'kysely';
import pg from 'pg';

/**
 * Receives one value of a copyAfter: its UTF-8 bytes are `bytes[start..end)`, valid only during the call (the buffer
 * is the connection's and is reused), so what is kept must be copied.
 */
export type ValueSink = (bytes: Buffer, start: number, end: number) => void;

/**
 * Receives one row of a copyTuplesAfter: field i's bytes (Postgres's binary send format of its type) are
 * `bytes[fields[2i]..fields[2i + 1])`, `fields[2i]` is -1 for NULL. Both the buffer and `fields` are reused: valid only
 * during the call.
 */
export type TupleSink = (bytes: Buffer, fields: Int32Array) => void;

const MAX_PREPARED_PER_CONNECTION = 500;

/**
 * A pg client that runs every parameterized query as a named prepared statement, so Postgres parses
 * and plans each distinct SQL text once per connection instead of on every call (measured: it halves
 * Postgres CPU per API request; see BENCHMARKS.md). Queries without parameters keep the simple
 * protocol, which is what lets `execStatements` send several statements at once. Plans stay correct
 * across roles and row-level-security settings: Postgres re-plans a cached statement when the role
 * or the row-security environment it was planned for changes, and reads settings at execution.
 */
export class PreparingClient extends pg.Client {
  private readonly statementNames = new Map<string, string>();
  /** Statements prepared with SQL's PREPARE (for `readAfter`): their text → name. */
  private readonly sqlPrepared = new Map<string, string>();

  /**
   * `prelude; EXECUTE <query>` as one simple-protocol message: Postgres runs a message of several statements as one
   * implicit transaction (committed at its end, rolled back whole on an error), so the prelude's transaction-local
   * settings hold for the query and for nothing after it. The query is PREPAREd once per connection (its own round
   * trip, the first time only), so it is planned as seldom as the parameterized queries above; its parameters become
   * literals converted as pg converts parameters and quoted with pg's escapeLiteral.
   */
  async readAfter<R>(prelude: string, query: CompiledQuery<R>): Promise<R[]> {
    let name = this.sqlPrepared.get(query.sql);
    if (!name && this.sqlPrepared.size >= MAX_PREPARED_PER_CONNECTION) return this.readInTransaction(prelude, query);
    if (!name) {
      name = `lyr_${this.sqlPrepared.size}`;
      await super.query(`PREPARE ${name} AS ${query.sql}`);
      this.sqlPrepared.set(query.sql, name);
    }
    const results = (await super.query(`${prelude}; ${executeStatement(name, query)}`)) as unknown as pg.QueryResult[];
    return results[results.length - 1].rows as R[];
  }

  /** See Db.copyAfter. The query is planned on each call (COPY takes no parameters: they become literals, as above). */
  copyAfter(prelude: string, query: CompiledQuery, onValue: ValueSink): Promise<number> {
    return this.copyTuplesAfter(prelude, query, 1, (bytes, fields) => {
      if (fields[0] < 0) throw new Error('COPY: a NULL value');
      onValue(bytes, fields[0], fields[1]);
    });
  }

  /** See Db.copyTuplesAfter: as copyAfter, for a query of `columns` columns of any type, in their binary form. */
  copyTuplesAfter(prelude: string, query: CompiledQuery, columns: number, onTuple: TupleSink): Promise<number> {
    const args = query.parameters.map((value) => sqlLiteral(value));
    const text = `${prelude}; COPY (${inlineParameters(query.sql, args)}) TO STDOUT (FORMAT binary)`;
    return new Promise((resolve, reject) => {
      super.query(new CopyOutTuples(text, columns, onTuple, resolve, reject));
    });
  }

  /**
   * `head`, the queries (as EXECUTEs of statements PREPAREd on this connection, those not yet prepared first, in a
   * message of their own) and `tail` in one simple-protocol message; each query's rows. A connection that keeps as
   * many prepared statements as it may runs them one by one instead.
   */
  async runBatch(head: string, queries: readonly CompiledQuery[], tail: string): Promise<unknown[][]> {
    const fresh = [...new Set(queries.map((q) => q.sql).filter((text) => !this.sqlPrepared.has(text)))];
    if (this.sqlPrepared.size + fresh.length > MAX_PREPARED_PER_CONNECTION) {
      if (head) await super.query(head);
      const out: unknown[][] = [];
      for (const q of queries) out.push((await this.query(q.sql, [...q.parameters])).rows);
      if (tail) await super.query(tail);
      return out;
    }
    if (fresh.length) {
      const named = fresh.map((text, i) => [text, `lyr_${this.sqlPrepared.size + i}`] as const);
      await super.query(named.map(([text, name]) => `PREPARE ${name} AS ${text}`).join('; '));
      for (const [text, name] of named) this.sqlPrepared.set(text, name);
    }
    const message = ropeJoin(
      [head, ...queries.map((q) => executeStatement(this.sqlPrepared.get(q.sql)!, q)), tail].filter((part) => part !== ''),
      '; ',
    );
    if (!message) return [];
    const results = (await super.query(message)) as unknown as pg.QueryResult | pg.QueryResult[];
    const list = Array.isArray(results) ? results : [results];
    const end = list.length - (tail ? 1 : 0);
    return list.slice(end - queries.length, end).map((r) => r.rows);
  }

  /** The same in three round trips, for a connection that has prepared as many statements as it keeps. */
  private async readInTransaction<R>(prelude: string, query: CompiledQuery<R>): Promise<R[]> {
    await super.query(`BEGIN; ${prelude}`);
    try {
      const { rows } = await this.query(query.sql, [...query.parameters]);
      await super.query('COMMIT');
      return rows as R[];
    } catch (err) {
      await super.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  // pg's overloads are too many to restate; this only rewrites (text, values) calls.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg.Client.query's own overloads
  override query(...args: any[]): any {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0) {
      let name = this.statementNames.get(text);
      if (!name && this.statementNames.size < MAX_PREPARED_PER_CONNECTION) {
        name = `ly_${this.statementNames.size}`;
        this.statementNames.set(text, name);
      }
      if (name) return super.query({ name, text, values }, ...args.slice(2));
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- passed through unchanged
    return super.query(...(args as [any]));
  }
}

/** `EXECUTE name(literal, …)`: a statement PREPAREd on the connection, run with the query's parameters as literals. */
function executeStatement(name: string, query: CompiledQuery): string {
  if (query.parameters.length === 0) return `EXECUTE ${name}`;
  const literals = query.parameters.map((value) => sqlLiteral(value));
  return `EXECUTE ${name}(${ropeJoin(literals, ', ')})`;
}

/**
 * `parts.join(separator)` by concatenation: V8 links concatenated strings (a rope) where Array.join copies them into a
 * new one. A page of records is one parameter of hundreds of kilobytes, so each join of the message copied it again
 * (a fresh large allocation each time); linked, it is flattened once, when pg measures and writes the message.
 */
function ropeJoin(parts: readonly string[], separator: string): string {
  let out = parts.length ? parts[0] : '';
  for (let i = 1; i < parts.length; i++) out = out + separator + parts[i];
  return out;
}

/**
 * A parameterized query as one statement without parameters (its parameters as literals, as `readAfter` sends them),
 * for a message of several statements (Db.execStatements).
 */
export function inlinedQuery(query: CompiledQuery): string {
  if (query.parameters.length === 0) return query.sql;
  return inlineParameters(
    query.sql,
    query.parameters.map((value) => sqlLiteral(value)),
  );
}

/** pg's own conversion of a parameter (pg.utils.prepareValue: dates, arrays, JSON), as a quoted SQL literal. */
function sqlLiteral(value: unknown): string {
  const prepared = (pg as unknown as { utils: { prepareValue(v: unknown): string | Buffer | null } }).utils.prepareValue(value);
  if (prepared === null) return 'NULL';
  return quoteLiteral(Buffer.isBuffer(prepared) ? `\\x${prepared.toString('hex')}` : prepared);
}

/**
 * A string as a SQL literal with the value pg's escapeLiteral gives. Dollar-quoted when the text cannot end the quote
 * early (no `$lyq` in it): then the text is sent as it is, without a copy that doubles quotes and backslashes, which
 * shows on a page of records (hundreds of kilobytes of JSON) sent as one literal. Otherwise escapeLiteral's form:
 * quotes doubled and, with a backslash, the E'' form with backslashes doubled.
 */
function quoteLiteral(text: string): string {
  if (!text.includes('$lyq')) return `$lyq$${text}$lyq$`;
  const quoted = text.replaceAll("'", "''");
  return text.includes('\\') ? ` E'${quoted.replaceAll('\\', '\\\\')}'` : `'${quoted}'`;
}

/**
 * The query text with its parameters ($1, $2, …) replaced by the given SQL literals, for statements that take none
 * (COPY). Quoted strings, quoted identifiers and comments are left as they are; dollar-quoted strings, which Kysely
 * never writes, are refused rather than guessed at.
 */
export function inlineParameters(text: string, literals: string[]): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      // E'…' strings escape with backslashes; others only by doubling the quote.
      const backslashes = c === "'" && /[eE]/.test(text[i - 1] ?? '') && !/[\w$]/.test(text[i - 2] ?? '');
      for (i++; i < text.length; i++) {
        if (backslashes && text[i] === '\\') i++;
        else if (text[i] === c) {
          if (text[i + 1] !== c) break;
          i++;
        }
      }
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
      const digits = /^\d+/.exec(text.slice(i + 1))?.[0];
      if (!digits) throw new Error('inlineParameters: dollar-quoted strings are not supported');
      const n = Number(digits);
      if (n < 1 || n > literals.length) throw new Error(`inlineParameters: no parameter $${n}`);
      out += text.slice(from, i) + literals[n - 1];
      i += digits.length;
      from = i + 1;
    }
  }
  return out + text.slice(from);
}

/** The binary COPY header: signature, flags (int32), header extension length (int32); then the extension. */
const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const COPY_HEADER = COPY_SIGNATURE.length + 8;

/**
 * A pg "submittable" (the interface pg's own Query implements) for `prelude; COPY (…) TO STDOUT (FORMAT binary)` of
 * `columns` columns: the prelude's result is ignored; the COPY's stream of tuples (int16 field count, then int32 length,
 * -1 for NULL, and bytes per field; a field count of -1 ends the stream) is read as it arrives, whatever way Postgres
 * splits it into messages (one tuple a message, the header with the first). A failure of `onTuple` or of the data is
 * kept, the rest of the stream read and ignored, and reported once Postgres is done, so the connection stays in step.
 */
class CopyOutTuples {
  private header = true;
  private ended = false;
  /** Bytes of a tuple split across messages, waiting for the rest. */
  private carry: Buffer | null = null;
  private count = 0;
  private failure: unknown = null;
  private readonly fields: Int32Array;

  constructor(
    readonly text: string,
    private readonly columns: number,
    private readonly onTuple: TupleSink,
    private readonly resolve: (count: number) => void,
    private readonly reject: (err: unknown) => void,
  ) {
    this.fields = new Int32Array(2 * columns);
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.text);
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    if (this.failure !== null || this.ended) return;
    try {
      let bytes = msg.chunk;
      if (this.carry) {
        bytes = Buffer.concat([this.carry, bytes]);
        this.carry = null;
      }
      let at = 0;
      if (this.header) {
        if (bytes.length < COPY_HEADER) return void (this.carry = Buffer.from(bytes));
        const extension = bytes.readInt32BE(COPY_HEADER - 4);
        if (!bytes.subarray(0, COPY_SIGNATURE.length).equals(COPY_SIGNATURE) || extension < 0)
          throw new Error('COPY: not a binary COPY stream');
        if (bytes.length < COPY_HEADER + extension) return void (this.carry = Buffer.from(bytes));
        at = COPY_HEADER + extension;
        this.header = false;
      }
      const { fields, columns } = this;
      while (at + 2 <= bytes.length) {
        const count = bytes.readInt16BE(at);
        if (count === -1) {
          this.ended = true;
          return;
        }
        if (count !== columns) throw new Error(`COPY: ${count} columns, expected ${columns}`);
        // The tuple's fields, or a break (to wait for the next message) if it is not all here yet.
        let p = at + 2;
        for (let i = 0; i < columns; i++) {
          if (p + 4 > bytes.length) break;
          const length = bytes.readInt32BE(p);
          p += 4;
          fields[2 * i] = length < 0 ? -1 : p;
          if (length > 0) p += length;
          fields[2 * i + 1] = p;
          if (p > bytes.length) break;
          if (i === columns - 1) {
            this.count++;
            this.onTuple(bytes, fields);
            at = p;
          }
        }
        if (at !== p) break;
      }
      if (at < bytes.length) this.carry = Buffer.from(bytes.subarray(at));
    } catch (err) {
      this.failure = err;
    }
  }

  handleReadyForQuery(): void {
    if (this.failure !== null) this.reject(this.failure);
    else if (!this.ended) this.reject(new Error('COPY: the stream ended without its trailer'));
    else this.resolve(this.count);
  }

  handleError(err: unknown): void {
    this.reject(err);
  }

  // The prelude's result, and messages a COPY TO does not send.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(connection: { sendCopyFail(message: string): void }): void {
    connection.sendCopyFail('copyAfter reads only');
  }
}
