import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { BadRequest } from '../../lib/errors.js';
import { nonPublicReason } from '../../lib/safe-http/index.js';

export interface UrlPolicy {
  /** ALLOW_PRIVATE_NETWORK_TARGETS (development and tests): any address may be reached. */
  allowPrivateNetworkTargets: boolean;
  /** Production: https:// only. */
  requireHttps: boolean;
}

/**
 * Checks an endpoint URL against the outbound policy of provider calls (lib/safe-http) before it is stored, so a
 * person learns at once what the delivery worker would refuse: a URL that is not http(s), plain http in production,
 * embedded credentials, and (outside development) a host that is or resolves to a private, loopback, link-local or
 * metadata address. The worker's HTTP client checks the addresses again on every connection (DNS can change).
 */
export async function checkEndpointUrl(raw: string, policy: UrlPolicy, field = '/url'): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadRequest('url is not a valid absolute URL, e.g. https://example.com/webhooks/linkyard', field);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new BadRequest(`url must start with https:// (got ${url.protocol}//)`, field);
  }
  if (policy.requireHttps && url.protocol !== 'https:') throw new BadRequest('url must use https:// in production', field);
  if (url.username || url.password) {
    throw new BadRequest('url must not contain a user name or password; verify deliveries by their signature instead', field);
  }
  if (url.hash) throw new BadRequest('url must not contain a #fragment', field);
  if (!policy.allowPrivateNetworkTargets) await checkPublicHost(url, field);
  return url.href;
}

async function checkPublicHost(url: URL, field: string): Promise<void> {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new BadRequest(`url: the host name ${host} does not resolve to an address`, field);
    }
  }
  for (const address of addresses) {
    const reason = nonPublicReason(address);
    if (reason) throw new BadRequest(`url points at a ${reason} (${address}); webhooks go to public addresses only`, field);
  }
}
