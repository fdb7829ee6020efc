import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type {
  SignatureFormat,
  SignedPart,
  SignedTimestamp,
  WebhookDeclaration,
  WebhookHandshake,
  WebhookVerification,
} from '../../providers/webhook-definition.js';
import { describeSource, readValues, viewRequest, type IncomingWebhook, type RequestView } from './request-values.js';
import { describeEvent, type WebhookEventDescription } from './webhook-event.js';

/**
 * Verifies an incoming provider webhook by the scheme its provider definition declares (webhook-definition.ts) and
 * reads what it says. Pure: no I/O, no clock of its own (the caller passes `now`), no exceptions for malformed input.
 * The endpoint (`POST /api/webhooks/:integrationId`) calls `verifyWebhook` once per request and answers:
 * - `kind: 'handshake'` → the `answer` as given (status, headers, body);
 * - `kind: 'event'` → store the event, then `successStatus` with `{ received: true }`;
 * - `ok: false` → 401 (API.md: a missing or wrong signature or a timestamp outside the tolerance), recording `reason`.
 * Messages name headers and fields, never the secret or a computed signature.
 */

export type { IncomingWebhook } from './request-values.js';
export type { WebhookEventDescription } from './webhook-event.js';

export interface VerifyWebhookInput extends IncomingWebhook {
  /** The integration's webhook secret (signing secret, client secret, verifier token or channel token). */
  secret: string;
  /** The integration's settings, for handshakes that compare with one (Fitbit's verification code). */
  settings?: Readonly<Record<string, string | undefined>>;
  /** The time to check signed timestamps against. */
  now: Date;
}

export type RejectReason =
  | 'no_secret'
  | 'missing_signature'
  | 'malformed_signature'
  | 'bad_signature'
  | 'missing_timestamp'
  | 'malformed_timestamp'
  | 'stale_timestamp';

export interface WebhookRejection {
  ok: false;
  reason: RejectReason;
  /** A sentence for the event list and logs; contains no secret material. */
  message: string;
}

/** The answer to a handshake, sent instead of `{ received: true }`. */
export interface HandshakeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /**
   * A value the provider asked us to keep (Notion's `verification_token`): show it to an admin, who confirms it at the
   * provider and saves it as the webhook secret. Never store it as the secret automatically: anyone can send it.
   */
  captured?: string;
}

export type WebhookVerificationResult =
  | { ok: true; kind: 'handshake'; answer: HandshakeAnswer }
  | ({ ok: true; kind: 'event'; successStatus: number } & WebhookEventDescription)
  | WebhookRejection;

/** The default answer to an accepted event (API.md: 202 `{ received: true }`). */
const DEFAULT_SUCCESS_STATUS = 202;
/** Handshake values are echoed only up to this length; longer ones are not handshakes of any documented provider. */
const MAX_ECHO_LENGTH = 4096;
/** More candidate signatures than this in one header is not a key rotation but an attempt to guess. */
const MAX_SIGNATURE_CANDIDATES = 10;
const PLAIN_TEXT = { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' } as const;

export function verifyWebhook(declaration: WebhookDeclaration, input: VerifyWebhookInput): WebhookVerificationResult {
  const view = viewRequest(input);
  const early = answerHandshakes(declaration, view, input.settings ?? {}, 'before');
  if (early) return { ok: true, kind: 'handshake', answer: early };
  if (input.secret === '') return reject('no_secret', 'This integration has no webhook secret, so no delivery can be verified.');
  const rejection =
    declaration.verification.scheme === 'hmac'
      ? verifyHmac(declaration.verification, view, input)
      : verifyToken(declaration.verification.token, view, input.secret);
  if (rejection) return rejection;
  const late = answerHandshakes(declaration, view, input.settings ?? {}, 'after');
  if (late) return { ok: true, kind: 'handshake', answer: late };
  return {
    ok: true,
    kind: 'event',
    successStatus: declaration.successStatus ?? DEFAULT_SUCCESS_STATUS,
    ...describeEvent(declaration, view),
  };
}

/**
 * The answer to an unsigned handshake (Dropbox and Microsoft Graph echoes, Fitbit's verification, Notion's token),
 * or null when the request is none. `verifyWebhook` calls it first; it is exported for a GET route that only answers
 * handshakes. Signed handshakes (Slack's `url_verification`) are answered by `verifyWebhook` after verification.
 */
export function handshakeAnswer(
  declaration: WebhookDeclaration,
  request: IncomingWebhook,
  settings: Readonly<Record<string, string | undefined>> = {},
): HandshakeAnswer | null {
  return answerHandshakes(declaration, viewRequest(request), settings, 'before');
}

/**
 * One line naming the scheme, for `GET …/integrations/:id/webhook`'s `signatureScheme` and the admin UI:
 * "HMAC-SHA256 (hex) in X-Hub-Signature-256", "token in the X-Goog-Channel-Token header".
 */
export function describeScheme(declaration: WebhookDeclaration): string {
  const verification = declaration.verification;
  if (verification.scheme === 'token') return `token in ${describeSource(verification.token)}`;
  const algorithm = `HMAC-${verification.algorithm.toUpperCase()}`;
  const timestamp = verification.timestamp ? `, timestamp within ${verification.timestamp.toleranceSeconds} s` : '';
  return `${algorithm} (${verification.signature.encoding}) in ${verification.signature.header}${timestamp}`;
}

function answerHandshakes(
  declaration: WebhookDeclaration,
  view: RequestView,
  settings: Readonly<Record<string, string | undefined>>,
  phase: 'before' | 'after',
): HandshakeAnswer | null {
  for (const handshake of declaration.handshakes ?? []) {
    if ((handshake.kind === 'echo_body') !== (phase === 'after')) continue;
    const answer = answerOne(handshake, declaration.verification, view, settings);
    if (answer) return answer;
  }
  return null;
}

function answerOne(
  handshake: WebhookHandshake,
  verification: WebhookVerification,
  view: RequestView,
  settings: Readonly<Record<string, string | undefined>>,
): HandshakeAnswer | null {
  const method = view.request.method.toUpperCase();
  switch (handshake.kind) {
    case 'echo_query': {
      const value = method === handshake.method ? view.query(handshake.param) : undefined;
      return echoable(value) ? { status: 200, headers: { ...PLAIN_TEXT }, body: value } : null;
    }
    case 'echo_body': {
      if (readValues(view, { from: 'body', path: handshake.when })[0] !== handshake.equals) return null;
      const value = readValues(view, { from: 'body', path: handshake.field })[0];
      return echoable(value) ? { status: 200, headers: { ...PLAIN_TEXT }, body: value } : null;
    }
    case 'verify_query': {
      const value = method === handshake.method ? view.query(handshake.param) : undefined;
      if (value === undefined) return null;
      const expected = settings[handshake.setting];
      const matches = expected !== undefined && expected !== '' && equalInConstantTime(value, expected);
      return { status: matches ? handshake.matchStatus : handshake.mismatchStatus, headers: {}, body: '' };
    }
    case 'capture_body': {
      if (verification.scheme === 'hmac' && view.header(verification.signature.header) !== undefined) return null;
      const value = method === 'POST' ? readValues(view, { from: 'body', path: handshake.field })[0] : undefined;
      return echoable(value) ? { status: 200, headers: {}, body: '', captured: value } : null;
    }
  }
}

function echoable(value: string | undefined): value is string {
  return value !== undefined && value !== '' && value.length <= MAX_ECHO_LENGTH;
}

function reject(reason: RejectReason, message: string): WebhookRejection {
  return { ok: false, reason, message };
}

type HmacVerification = Extract<WebhookVerification, { scheme: 'hmac' }>;

const DIGEST_BYTES: Record<HmacVerification['algorithm'], number> = { sha1: 20, sha256: 32, sha512: 64 };

function verifyHmac(verification: HmacVerification, view: RequestView, input: VerifyWebhookInput): WebhookRejection | null {
  const headerName = verification.signature.header;
  const header = view.header(headerName)?.trim();
  if (!header) return reject('missing_signature', `The ${headerName} header is missing.`);
  const parsed = parseSignatureHeader(verification.signature.format, header);
  let timestampText: string | undefined;
  if (verification.timestamp) {
    timestampText = readTimestampText(verification.timestamp, view, parsed.pairs);
    if (!timestampText)
      return reject('missing_timestamp', `The signed timestamp (${describeTimestamp(verification.timestamp)}) is missing.`);
  }
  const digestLength = DIGEST_BYTES[verification.algorithm];
  const candidates = parsed.candidates
    .slice(0, MAX_SIGNATURE_CANDIDATES)
    .map((candidate) => decodeSignature(candidate, verification.signature.encoding, verification.signature.percentEncoded === true))
    .filter((bytes): bytes is Buffer => bytes !== null && bytes.length === digestLength);
  if (candidates.length === 0) return reject('malformed_signature', `The ${headerName} header holds no signature in the expected format.`);
  const content = signedContent(verification.signedContent, view, timestampText);
  if (typeof content === 'string') return reject('missing_signature', `The ${content} header, part of the signed content, is missing.`);
  const hmac = createHmac(verification.algorithm, hmacKey(verification.key, input.secret));
  for (const chunk of content) hmac.update(chunk);
  const expected = hmac.digest();
  // Every candidate is compared, so the time taken does not tell which one (or whether any) came close.
  const matched = candidates.map((candidate) => timingSafeEqual(candidate, expected)).includes(true);
  if (!matched) return reject('bad_signature', `The ${headerName} signature does not match the request.`);
  return verification.timestamp && timestampText ? checkTimestamp(verification.timestamp, timestampText, input.now) : null;
}

interface ParsedSignatureHeader {
  candidates: string[];
  /** The header's `key=value` pairs (key_value_pairs format only), for a timestamp carried in the same header. */
  pairs: Map<string, string>;
}

function parseSignatureHeader(format: SignatureFormat, header: string): ParsedSignatureHeader {
  const pairs = new Map<string, string>();
  if (format.style === 'value') {
    if (format.prefix === undefined) return { candidates: [header], pairs };
    return { candidates: header.startsWith(format.prefix) ? [header.slice(format.prefix.length)] : [], pairs };
  }
  if (format.style === 'prefixed_list') {
    const entries = header.split(format.separator).filter((entry) => entry.startsWith(format.prefix));
    return { candidates: entries.map((entry) => entry.slice(format.prefix.length)), pairs };
  }
  const candidates: string[] = [];
  for (const item of header.split(format.pairSeparator)) {
    const at = item.indexOf(format.keyValueSeparator);
    if (at <= 0) continue;
    const key = item.slice(0, at).trim();
    const value = item.slice(at + 1).trim();
    if (key === format.key) candidates.push(value);
    else if (!pairs.has(key)) pairs.set(key, value);
  }
  return { candidates, pairs };
}

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** The signature's bytes, or null when it is not valid hex or base64 (Buffer.from would silently skip bad characters). */
function decodeSignature(text: string, encoding: 'hex' | 'base64', percentEncoded: boolean): Buffer | null {
  let value = text;
  if (percentEncoded) {
    try {
      value = decodeURIComponent(text);
    } catch {
      return null;
    }
  }
  if (value === '') return null;
  if (encoding === 'hex') return HEX.test(value) ? Buffer.from(value, 'hex') : null;
  return BASE64.test(value) ? Buffer.from(value, 'base64') : null;
}

function hmacKey(key: HmacVerification['key'], secret: string): Buffer {
  const unprefixed = key.stripPrefix !== undefined && secret.startsWith(key.stripPrefix) ? secret.slice(key.stripPrefix.length) : secret;
  const text = unprefixed + (key.suffix ?? '');
  return key.encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
}

/**
 * The chunks the provider signed, in order (strings are hashed as UTF-8; the body as its bytes, not copied), or the
 * name of a signed header the request lacks.
 */
function signedContent(parts: readonly SignedPart[], view: RequestView, timestampText: string | undefined): (Buffer | string)[] | string {
  const chunks: (Buffer | string)[] = [];
  for (const part of parts) {
    if (part.part === 'body') chunks.push(view.request.rawBody);
    else if (part.part === 'literal') chunks.push(part.value);
    else if (part.part === 'timestamp') chunks.push(timestampText ?? '');
    else if (part.part === 'method') chunks.push(view.request.method.toUpperCase());
    else if (part.part === 'url') chunks.push(view.request.url);
    else {
      const value = view.header(part.name);
      if (value === undefined) return part.name;
      chunks.push(value);
    }
  }
  return chunks;
}

function readTimestampText(timestamp: SignedTimestamp, view: RequestView, pairs: Map<string, string>): string | undefined {
  const { source } = timestamp;
  if (source.from === 'signature_header') return pairs.get(source.key);
  return readValues(view, source)[0]?.trim();
}

function describeTimestamp(timestamp: SignedTimestamp): string {
  const { source } = timestamp;
  return source.from === 'signature_header' ? `the ${source.key}= part of the signature header` : describeSource(source);
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** Milliseconds since the epoch, or null when the text is not in the declared format. */
export function parseTimestamp(text: string, format: SignedTimestamp['format']): number | null {
  if (format === 'unix_seconds') return /^\d{1,12}$/.test(text) ? Number(text) * 1000 : null;
  if (format === 'unix_ms') return /^\d{1,15}$/.test(text) ? Number(text) : null;
  if (!ISO_8601.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

function checkTimestamp(timestamp: SignedTimestamp, text: string, now: Date): WebhookRejection | null {
  const at = parseTimestamp(text, timestamp.format);
  if (at === null)
    return reject('malformed_timestamp', `The signed timestamp (${describeTimestamp(timestamp)}) is not a ${timestamp.format} time.`);
  if (Math.abs(now.getTime() - at) > timestamp.toleranceSeconds * 1000) {
    return reject('stale_timestamp', `The signed timestamp is more than ${timestamp.toleranceSeconds} seconds from the current time.`);
  }
  return null;
}

function verifyToken(
  source: Extract<WebhookVerification, { scheme: 'token' }>['token'],
  view: RequestView,
  secret: string,
): WebhookRejection | null {
  const values = readValues(view, source);
  if (values.length === 0) return reject('missing_signature', `The token (${describeSource(source)}) is missing.`);
  // Every value is compared, so a batch with one forged notification is refused whole.
  const allMatch = values.map((value) => equalInConstantTime(value, secret)).every(Boolean);
  return allMatch ? null : reject('bad_signature', `The token (${describeSource(source)}) does not match the webhook secret.`);
}

/** String equality whose time does not depend on where the strings differ, nor on the secret's length. */
function equalInConstantTime(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a, 'utf8').digest(), createHash('sha256').update(b, 'utf8').digest());
}
