import { promises as dns } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { AddressPolicy } from './address-policy.js';
import { BlockedDestinationError } from './errors.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Turns a host name into addresses. The default is the system resolver (`dns.lookup`, like Node's own). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) => {
  const found = await dns.lookup(hostname, { all: true, verbatim: true });
  return found.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * The `lookup` function handed to every socket the client opens (net.connect calls it for any host that is
 * not an IP literal). It resolves the name ONCE, runs every resolved address through the policy, and hands
 * the socket exactly the addresses it checked — so there is no second resolution between "check" and
 * "connect" for a DNS-rebinding server to answer differently. If any address is refused the whole lookup
 * fails with BlockedDestinationError and the socket never connects anywhere (a name that resolves to both
 * a public and a private address is treated as hostile, not filtered).
 */
export function createGuardedLookup(resolve: Resolver, policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const done = callback as (err: NodeJS.ErrnoException | null, address: unknown, family?: number) => void;
    resolve(hostname).then(
      (found) => {
        const fam = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
        const wanted = fam === 4 || fam === 6 ? found.filter((a) => a.family === fam) : found;
        if (found.length === 0 || wanted.length === 0) {
          const err: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
          err.code = 'ENOTFOUND';
          return done(err, options.all ? [] : undefined);
        }
        for (const { address, family } of found) {
          const verdict = policy({ hostname, address, family });
          if (!verdict.allowed) return done(new BlockedDestinationError(hostname, verdict.reason, address), options.all ? [] : undefined);
        }
        if (options.all) done(null, wanted);
        else done(null, wanted[0].address, wanted[0].family);
      },
      (err: NodeJS.ErrnoException) => done(err, options.all ? [] : undefined),
    );
  };
}
