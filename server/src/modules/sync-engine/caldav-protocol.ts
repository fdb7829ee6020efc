/**
 * CalDAV protocol pieces shared by the connector: its typed errors and a small namespace-aware reader for
 * WebDAV 207 multistatus bodies.
 */
// ------------------------------------------------------------------------------------------------------------
// Errors

export type CalDavErrorCode =
  'unauthorized' | 'forbidden' | 'not_found' | 'rate_limited' | 'server_error' | 'http_error' | 'protocol' | 'invalid_request';

export class CalDavError extends Error {
  /** HTTP status, when the failure was an HTTP answer (read by `withRetries`). */
  readonly status?: number;
  /** `retry-after` of that answer, when present (read by `withRetries`). */
  readonly headers?: Record<string, string>;
  /** Redacted URL of the failed request. */
  readonly url?: string;
  /** Whether trying again later, with nothing changed, may succeed (429, 5xx). */
  readonly retryable: boolean;

  constructor(
    readonly code: CalDavErrorCode,
    message: string,
    details: { status?: number; retryAfter?: string; url?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.retryable = code === 'rate_limited' || code === 'server_error';
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfter !== undefined) this.headers = { 'retry-after': details.retryAfter };
    if (details.url !== undefined) this.url = details.url;
  }
}

/** The server refused the username or app password (HTTP 401). */
export class CalDavAuthError extends CalDavError {
  constructor(url?: string) {
    super('unauthorized', 'The CalDAV server rejected the username or app password (HTTP 401)', { status: 401, url });
  }
}

// ------------------------------------------------------------------------------------------------------------
// A small namespace-aware XML reader for WebDAV multistatus bodies.
//
// It works on the body decoded as latin1 (one char per octet): markup is ASCII, and text is turned back into
// octets before UTF-8 decoding, so calendar-data keeps its exact octets (folds may split a UTF-8 sequence).
// DTDs are refused (no entity expansion); only the five predefined and numeric character references exist.

export interface XmlElement {
  /** Namespace URI ('' when none). */
  ns: string;
  /** Local name. */
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated character data (text and CDATA) directly inside the element, as latin1-coded octets. */
  raw: string;
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, ref: string) => {
    if (ref[0] !== '#') return XML_ENTITIES[ref] ?? whole;
    const cp = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
    if (!Number.isFinite(cp) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return whole;
    return Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
  });
}

/** Text of an element as a string (UTF-8 decoded). */
export function xmlText(el: XmlElement | undefined): string {
  return el ? Buffer.from(el.raw, 'latin1').toString('utf8') : '';
}

/** Text of an element as octets. */
export function xmlBytes(el: XmlElement | undefined): Buffer {
  return Buffer.from(el?.raw ?? '', 'latin1');
}

const MAX_XML_DEPTH = 256;

function malformed(what: string): never {
  throw new CalDavError('protocol', `The CalDAV server sent malformed XML (${what})`);
}

/** The index just past `terminator`, searched from `from`; a missing one is malformed XML. */
function indexAfter(s: string, terminator: string, from: number, what: string): number {
  const end = s.indexOf(terminator, from);
  if (end < 0) malformed(what);
  return end + terminator.length;
}

/** A reader for the small XML subset WebDAV servers send: elements, attributes, namespaces, text, CDATA; no DTDs. */
export function parseXml(body: Uint8Array | string): XmlElement {
  const s =
    typeof body === 'string'
      ? Buffer.from(body, 'utf8').toString('latin1')
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  const stack: XmlFrame[] = [];
  let root: XmlElement | null = null;
  let i = 0;
  const appendText = (text: string) => {
    if (stack.length > 0) stack[stack.length - 1].el.raw += text;
    else if (text.trim()) malformed('text outside the root element');
  };
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      appendText(decodeEntities(s.slice(i)));
      break;
    }
    if (lt > i) appendText(decodeEntities(s.slice(i, lt)));
    if (s.startsWith('<!--', lt)) {
      i = indexAfter(s, '-->', lt + 4, 'unterminated comment');
    } else if (s.startsWith('<![CDATA[', lt)) {
      i = indexAfter(s, ']]>', lt + 9, 'unterminated CDATA');
      appendText(s.slice(lt + 9, i - 3));
    } else if (s.startsWith('<?', lt)) {
      i = indexAfter(s, '?>', lt + 2, 'unterminated processing instruction');
    } else if (s.startsWith('<!', lt)) {
      const end = s.indexOf('>', lt);
      if (end < 0 || s.slice(lt, end).includes('[')) malformed('document type declarations are not accepted');
      i = end + 1;
    } else if (s[lt + 1] === '/') {
      const end = s.indexOf('>', lt);
      if (end < 0) malformed('unterminated end tag');
      const qname = s.slice(lt + 2, end).trim();
      const frame = stack.pop();
      if (!frame || frame.qname !== qname) malformed(`unexpected </${qname.slice(0, 40)}>`);
      i = end + 1;
    } else {
      const tag = readStartTag(s, lt);
      const parent = stack.length > 0 ? stack[stack.length - 1] : undefined;
      const frame = openElement(tag, parent);
      if (parent) parent.el.children.push(frame.el);
      else if (root) malformed('more than one root element');
      else root = frame.el;
      if (!tag.selfClosing) {
        if (stack.length >= MAX_XML_DEPTH) malformed('nesting too deep');
        stack.push(frame);
      }
      i = tag.end;
    }
  }
  if (stack.length > 0) malformed(`unclosed <${stack[stack.length - 1].qname.slice(0, 40)}>`);
  if (!root) malformed('no root element');
  return root!;
}

/** An open element, with the namespace prefixes in scope inside it. */
interface XmlFrame {
  el: XmlElement;
  qname: string;
  nsMap: Map<string, string>;
}

interface StartTag {
  qname: string;
  attrs: Record<string, string>;
  selfClosing: boolean;
  /** The index just past the tag. */
  end: number;
}

/** The start tag at `lt`: name, attributes (quoted values may contain '>' and '/'), then '>' or '/>'. */
function readStartTag(s: string, lt: number): StartTag {
  let j = lt + 1;
  while (j < s.length && !/[\s/>]/.test(s[j])) j++;
  const qname = s.slice(lt + 1, j);
  if (!qname) malformed('empty tag name');
  const attrs: Record<string, string> = {};
  for (;;) {
    while (j < s.length && /\s/.test(s[j])) j++;
    if (j >= s.length) malformed('unterminated start tag');
    if (s[j] === '>') return { qname, attrs, selfClosing: false, end: j + 1 };
    if (s[j] === '/' && s[j + 1] === '>') return { qname, attrs, selfClosing: true, end: j + 2 };
    const nameStart = j;
    while (j < s.length && !/[\s=/>]/.test(s[j])) j++;
    const attrName = s.slice(nameStart, j);
    while (j < s.length && /\s/.test(s[j])) j++;
    if (!attrName || s[j] !== '=') malformed('attribute without a value');
    j++;
    while (j < s.length && /\s/.test(s[j])) j++;
    const quote = s[j];
    if (quote !== '"' && quote !== "'") malformed('unquoted attribute value');
    const close = s.indexOf(quote, j + 1);
    if (close < 0) malformed('unterminated attribute value');
    attrs[attrName] = decodeEntities(s.slice(j + 1, close));
    j = close + 1;
  }
}

/** The element a start tag opens, its namespace resolved with the tag's own xmlns declarations in scope. */
function openElement(tag: StartTag, parent: XmlFrame | undefined): XmlFrame {
  const parentMap = parent ? parent.nsMap : new Map<string, string>([['xml', 'http://www.w3.org/XML/1998/namespace']]);
  let nsMap = parentMap;
  for (const [name, value] of Object.entries(tag.attrs)) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      if (nsMap === parentMap) nsMap = new Map(parentMap);
      nsMap.set(name === 'xmlns' ? '' : name.slice(6), Buffer.from(value, 'latin1').toString('utf8'));
    }
  }
  const { qname, attrs } = tag;
  const colon = qname.indexOf(':');
  const prefix = colon >= 0 ? qname.slice(0, colon) : '';
  const ns = nsMap.get(prefix);
  if (prefix && ns === undefined) malformed(`undeclared namespace prefix ${prefix.slice(0, 40)}`);
  const el: XmlElement = { ns: ns ?? '', name: colon >= 0 ? qname.slice(colon + 1) : qname, attrs, children: [], raw: '' };
  return { el, qname, nsMap };
}

export const DAV_NS = 'DAV:';
export const CALDAV_NS = 'urn:ietf:params:xml:ns:caldav';
export const CALSERVER_NS = 'http://calendarserver.org/ns/';

/** Children with that name; an element without a namespace matches by local name (sloppy servers). */
export function xmlChildren(el: XmlElement | undefined, ns: string, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name && (c.ns === ns || c.ns === '')) : [];
}

export function xmlChild(el: XmlElement | undefined, ns: string, name: string): XmlElement | undefined {
  return xmlChildren(el, ns, name)[0];
}

export interface DavResponse {
  /** Absolute URL (resolved against the request URL). */
  href: string;
  /** The response-level status (for responses without propstat), else null. */
  status: number | null;
  /** Properties reported with a 2xx status, keyed `${namespace} ${localName}`. */
  props: Map<string, XmlElement>;
}

function statusCode(el: XmlElement | undefined): number | null {
  const m = /\b(\d{3})\b/.exec(xmlText(el));
  return m ? Number(m[1]) : null;
}

export function propKey(ns: string, name: string): string {
  return `${ns} ${name}`;
}

/** A 207 multistatus body → responses; hrefs are resolved against `requestUrl`. */
export function parseMultistatus(body: Uint8Array | string, requestUrl: string): DavResponse[] {
  const root = parseXml(body);
  if (root.name !== 'multistatus' || (root.ns !== DAV_NS && root.ns !== '')) {
    throw new CalDavError('protocol', 'The CalDAV server answered without a DAV:multistatus body');
  }
  const out: DavResponse[] = [];
  for (const response of xmlChildren(root, DAV_NS, 'response')) {
    const hrefText = xmlText(xmlChild(response, DAV_NS, 'href')).trim();
    if (!hrefText) continue;
    let href: string;
    try {
      href = new URL(hrefText, requestUrl).href;
    } catch {
      continue;
    }
    const props = new Map<string, XmlElement>();
    for (const propstat of xmlChildren(response, DAV_NS, 'propstat')) {
      const status = statusCode(xmlChild(propstat, DAV_NS, 'status'));
      if (status === null || status < 200 || status > 299) continue;
      for (const prop of xmlChildren(propstat, DAV_NS, 'prop')) {
        for (const p of prop.children) {
          const key = propKey(p.ns === '' ? DAV_NS : p.ns, p.name);
          if (!props.has(key)) props.set(key, p);
        }
      }
    }
    out.push({ href, status: statusCode(xmlChild(response, DAV_NS, 'status')), props });
  }
  return out;
}

/** The hrefs inside a property (`<current-user-principal><href>…`), resolved. */
export function hrefsIn(prop: XmlElement | undefined, requestUrl: string): string[] {
  const out: string[] = [];
  for (const h of xmlChildren(prop, DAV_NS, 'href')) {
    const text = xmlText(h).trim();
    if (!text) continue;
    try {
      out.push(new URL(text, requestUrl).href);
    } catch {
      // skipped: not a URL
    }
  }
  return out;
}
