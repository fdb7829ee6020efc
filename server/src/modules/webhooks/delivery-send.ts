import { SafeHttpError, type SafeHttpClient } from '../../lib/safe-http/index.js';
import type { ClaimedDeliveryRow } from './webhooks.repo.js';
import { signatureHeader } from './webhook-signature.js';

/** What one attempt came to. */
export interface SendResult {
  attemptedAt: Date;
  /** The receiver's HTTP status; null when there was no answer (timeout, refused, too large, blocked). */
  statusCode: number | null;
  durationMs: number;
  /** The first 2 KB of the answer. */
  responseExcerpt: string | null;
  error: string | null;
}

/** An answer larger than this fails the attempt unread (a receiver returning 10 MB must not cost memory or time). */
export const MAX_RESPONSE_BYTES = 64 * 1024;
const EXCERPT_BYTES = 2048;

/** The body every attempt of a delivery POSTs: the same bytes each time, so the receiver can compare. */
export function deliveryBody(
  delivery: Pick<ClaimedDeliveryRow, 'event_id' | 'event_type' | 'event_created_at' | 'organization_id' | 'payload'>,
) {
  return JSON.stringify({
    id: delivery.event_id,
    type: delivery.event_type,
    createdAt: delivery.event_created_at.toISOString(),
    organizationId: delivery.organization_id,
    data: delivery.payload,
  });
}

/** Text a Postgres column can hold: the decoded bytes without NUL characters. */
const excerptOf = (body: Buffer) =>
  body
    .subarray(0, EXCERPT_BYTES)
    .toString('utf8')
    .replace(/\u0000/g, '');

/**
 * One attempt: POSTs the event signed per Standard Webhooks (webhook-id is the event id, the same on every attempt,
 * so receivers deduplicate by it) through the safe HTTP client, within `timeoutMs`, never following a redirect.
 * Success is a 2xx answer; anything else is a failed attempt with the reason. Never throws.
 */
export async function sendDelivery(
  http: SafeHttpClient,
  delivery: ClaimedDeliveryRow & { secrets: string[] },
  timeoutMs: number,
): Promise<SendResult> {
  const attemptedAt = new Date();
  const started = performance.now();
  const body = deliveryBody(delivery);
  const timestamp = Math.floor(attemptedAt.getTime() / 1000);
  try {
    const res = await http.request({
      method: 'POST',
      url: delivery.url,
      headers: {
        'content-type': 'application/json',
        'webhook-id': delivery.event_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(delivery.secrets, delivery.event_id, timestamp, body),
      },
      body,
      timeoutMs,
      redirect: 'manual',
      maxResponseBytes: MAX_RESPONSE_BYTES,
    });
    const ok = res.status >= 200 && res.status < 300;
    const redirect = res.status >= 300 && res.status < 400;
    return {
      attemptedAt,
      statusCode: res.status,
      durationMs: res.durationMs,
      responseExcerpt: excerptOf(res.body),
      error: ok
        ? null
        : redirect
          ? `The receiver answered ${res.status} (a redirect); redirects are not followed, so point the endpoint at the final URL`
          : `The receiver answered ${res.status}${res.statusText ? ` ${res.statusText}` : ''}; only a 2xx answer counts as delivered`,
    };
  } catch (err) {
    const message =
      err instanceof SafeHttpError
        ? err.code === 'RESPONSE_TOO_LARGE'
          ? `The answer was larger than ${MAX_RESPONSE_BYTES / 1024} KB, so it was not read`
          : err.message
        : 'The request failed';
    return { attemptedAt, statusCode: null, durationMs: Math.round(performance.now() - started), responseExcerpt: null, error: message };
  }
}
