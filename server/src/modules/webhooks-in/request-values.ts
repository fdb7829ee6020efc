import type { RequestValue } from '../../providers/webhook-definition.js';

/** What the verifier needs from an incoming webhook request; Fastify's request supplies each field as is. */
export interface IncomingWebhook {
  /** The HTTP method as received (`POST`, `GET`). */
  method: string;
  /**
   * The full URL the provider called, as it was registered (`$PUBLIC_URL/api/webhooks/<integrationId>` plus the query
   * string exactly as received). HubSpot signs it, so it must be the public URL, not the one behind a proxy.
   */
  url: string;
  /** Header names in any case; a repeated header's first value is the one read. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The parsed (already percent-decoded) query string. */
  query: Readonly<Record<string, unknown>>;
  /** The body exactly as received: signatures are computed over these bytes, never over re-serialized JSON. */
  rawBody: Buffer;
}

/** Read access to one request: headers by case-insensitive name, query parameters, and the body parsed once. */
export interface RequestView {
  readonly request: IncomingWebhook;
  header(name: string): string | undefined;
  query(name: string): string | undefined;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json(): unknown;
  /** The body's text when it parsed as JSON (what was parsed, exactly), else undefined. */
  jsonText(): string | undefined;
}

const NOT_PARSED = Symbol('not parsed');

/**
 * One per request on the webhook endpoint's hot path, so nothing is done before it is asked for: a class (no
 * closures made per request), headers looked up where Node already keeps them (lower case) before any copy is made.
 */
class View implements RequestView {
  private lowerCased: Map<string, string> | null = null;
  private parsed: unknown = NOT_PARSED;
  private text: string | undefined;

  constructor(readonly request: IncomingWebhook) {}

  header(name: string): string | undefined {
    const lower = name.toLowerCase();
    const value = firstOf(this.request.headers[lower]);
    if (value !== undefined) return value;
    // Headers given in another case (callers other than Node's HTTP server): one lower-cased copy, made once.
    if (this.lowerCased === null) {
      this.lowerCased = new Map();
      for (const [key, v] of Object.entries(this.request.headers)) {
        const first = firstOf(v);
        if (first !== undefined) this.lowerCased.set(key.toLowerCase(), first);
      }
    }
    return this.lowerCased.get(lower);
  }

  query(name: string): string | undefined {
    const query = this.request.query;
    const value = Object.hasOwn(query, name) ? query[name] : undefined;
    const first = Array.isArray(value) ? (value as unknown[])[0] : value;
    return typeof first === 'string' ? first : undefined;
  }

  json(): unknown {
    if (this.parsed === NOT_PARSED) {
      const body = this.request.rawBody;
      this.parsed = undefined;
      if (body.length > 0) {
        const text = body.toString('utf8');
        try {
          this.parsed = JSON.parse(text) as unknown;
          this.text = text;
        } catch {
          // not JSON: undefined
        }
      }
    }
    return this.parsed;
  }

  jsonText(): string | undefined {
    this.json();
    return this.text;
  }
}

function firstOf(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

export function viewRequest(request: IncomingWebhook): RequestView {
  return new View(request);
}

/**
 * Every value a JSON Pointer reaches, where a `*` segment stands for each element of an array or each own value of
 * an object. Own properties only, so `/__proto__` reaches nothing.
 */
export function readPointerAll(document: unknown, pointer: string): unknown[] {
  if (pointer === '') return document === undefined ? [] : [document];
  let current: unknown[] = [document];
  for (const segment of segmentsOf(pointer)) {
    const next: unknown[] = [];
    for (const node of current) {
      if (node === null || typeof node !== 'object') continue;
      if (segment === '*') next.push(...Object.values(node));
      else if (Object.hasOwn(node, segment)) next.push((node as Record<string, unknown>)[segment]);
    }
    current = next;
  }
  return current;
}

// Pointers come from provider definitions (constants), so each is split and unescaped once.
const segmentCache = new Map<string, readonly string[]>();
function segmentsOf(pointer: string): readonly string[] {
  let segments = segmentCache.get(pointer);
  if (!segments) {
    segments = pointer
      .slice(1)
      .split('/')
      .map((raw) => raw.replaceAll('~1', '/').replaceAll('~0', '~'));
    // Bounded, should a caller ever pass pointers that are not the definitions' own.
    if (segmentCache.size < 1000) segmentCache.set(pointer, segments);
  }
  return segments;
}

/** The values a source yields, as strings (numbers and booleans are written as JSON writes them; the rest is skipped). */
export function readValues(view: RequestView, source: RequestValue): string[] {
  if (source.from === 'header') return optional(view.header(source.name));
  if (source.from === 'query') return optional(view.query(source.name));
  const values: string[] = [];
  for (const value of readPointerAll(view.json(), source.path)) {
    if (typeof value === 'string') values.push(value);
    else if (typeof value === 'number' || typeof value === 'boolean') values.push(String(value));
  }
  return values;
}

function optional(value: string | undefined): string[] {
  return value === undefined ? [] : [value];
}

/** How a source is named in messages: "the X-Hub-Signature-256 header", "the body field /event_id". */
export function describeSource(source: RequestValue): string {
  if (source.from === 'header') return `the ${source.name} header`;
  if (source.from === 'query') return `the ${source.name} query parameter`;
  return `the body field ${source.path}`;
}
