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
}

const NOT_PARSED = Symbol('not parsed');

export function viewRequest(request: IncomingWebhook): RequestView {
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(request.headers)) {
    const first = typeof value === 'string' ? value : value?.[0];
    if (first !== undefined) headers.set(name.toLowerCase(), first);
  }
  let parsed: unknown = NOT_PARSED;
  return {
    request,
    header: (name) => headers.get(name.toLowerCase()),
    query: (name) => {
      const value = Object.hasOwn(request.query, name) ? request.query[name] : undefined;
      const first = Array.isArray(value) ? (value as unknown[])[0] : value;
      return typeof first === 'string' ? first : undefined;
    },
    json: () => {
      if (parsed === NOT_PARSED) parsed = parseJson(request.rawBody);
      return parsed;
    },
  };
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Every value a JSON Pointer reaches, where a `*` segment stands for each element of an array or each own value of
 * an object. Own properties only, so `/__proto__` reaches nothing.
 */
export function readPointerAll(document: unknown, pointer: string): unknown[] {
  if (pointer === '') return document === undefined ? [] : [document];
  let current: unknown[] = [document];
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
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

/** The values a source yields, as strings (numbers and booleans are written as JSON writes them; the rest is skipped). */
export function readValues(view: RequestView, source: RequestValue): string[] {
  if (source.from === 'header') return optional(view.header(source.name));
  if (source.from === 'query') return optional(view.query(source.name));
  return readPointerAll(view.json(), source.path).flatMap((value) => {
    if (typeof value === 'string') return [value];
    if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
    return [];
  });
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
