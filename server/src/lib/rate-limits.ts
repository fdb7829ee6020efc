import type { FastifyInstance, FastifyRequest } from 'fastify';
import { TooManyRequests } from './errors.js';

export type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/** Counts the request against each limiter in turn; the first one exceeded answers 429 with Retry-After. */
export async function enforceLimits(request: FastifyRequest, limiters: Limiter[]): Promise<void> {
  for (const limiter of limiters) {
    const r = await limiter(request);
    if (!r.isAllowed && r.isExceeded) throw new TooManyRequests(r.ttlInSeconds);
  }
}
