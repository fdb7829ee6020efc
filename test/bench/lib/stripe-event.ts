import { createHmac } from 'node:crypto';

/**
 * A Stripe `customer.updated` event with id `id` and its `Stripe-Signature` header as Stripe computes it
 * (docs.stripe.com/webhooks#verify-manually: HMAC-SHA256 of `t.body` with the endpoint's signing secret), for the
 * benchmarks that deliver webhooks to `POST /api/webhooks/:integrationId`.
 */
export function signedStripeEvent(secret: string, id: string): { body: string; signature: string } {
  const body = JSON.stringify({
    id,
    object: 'event',
    api_version: '2024-06-20',
    created: Math.floor(Date.now() / 1000),
    type: 'customer.updated',
    data: { object: { id: 'cus_bench', object: 'customer', email: 'ada@example.com', name: 'Ada Lovelace' } },
  });
  const t = Math.floor(Date.now() / 1000);
  return { body, signature: `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}` };
}
