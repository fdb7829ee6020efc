import { isIP } from 'node:net';

/**
 * Which IP addresses outbound requests may connect to.
 *
 * The policy is a pure function of the target: the host name from the URL and one address that host
 * resolved to (or the literal address in the URL). The client calls it at exactly one place — inside the
 * `lookup` its sockets use, and for IP-literal hosts (which sockets never look up) right before connecting.
 */
export interface AddressTarget {
  /** Host name as written in the (canonicalised) URL; for IP literals the address itself, without brackets. */
  hostname: string;
  /** The address the socket would connect to. */
  address: string;
  family: 4 | 6;
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

export type AddressPolicy = (target: AddressTarget) => AddressVerdict;

const ALLOWED: AddressVerdict = Object.freeze({ allowed: true });

/**
 * The production policy: only public unicast internet addresses. Everything else is refused with a
 * human-readable reason (loopback, private, link-local, cloud metadata, CGNAT, multicast, reserved, …).
 */
export const publicAddressesOnly: AddressPolicy = ({ address }) => {
  const reason = nonPublicReason(address);
  return reason === null ? ALLOWED : { allowed: false, reason };
};

/** Development and tests (`ALLOW_PRIVATE_NETWORK_TARGETS=true`): any address. */
export const allowAllAddresses: AddressPolicy = () => ALLOWED;

/** True when `address` is a public unicast address that the production policy allows. */
export function isPublicAddress(address: string): boolean {
  return nonPublicReason(address) === null;
}

// ---------------------------------------------------------------------------------------------------------
// Classification

interface Range {
  bytes: number[];
  prefix: number;
  reason: string;
}

function v4(cidr: string, reason: string): Range {
  const [ip, prefix] = cidr.split('/');
  return { bytes: parseIPv4(ip)!, prefix: Number(prefix), reason };
}

function v6(cidr: string, reason: string): Range {
  const [ip, prefix] = cidr.split('/');
  return { bytes: parseIPv6(ip)!, prefix: Number(prefix), reason };
}

/** IANA IPv4 special-purpose registry, most specific first. Anything not listed is public unicast. */
const IPV4_BLOCKED: Range[] = [
  v4('0.0.0.0/32', 'unspecified address'),
  v4('0.0.0.0/8', '"this network" address'),
  v4('10.0.0.0/8', 'private network address'),
  v4('100.64.0.0/10', 'carrier-grade NAT (shared) address'),
  v4('127.0.0.0/8', 'loopback address'),
  v4('169.254.169.254/32', 'cloud metadata service address'),
  v4('169.254.0.0/16', 'link-local address'),
  v4('172.16.0.0/12', 'private network address'),
  v4('192.0.0.0/24', 'IETF protocol assignment address'),
  v4('192.0.2.0/24', 'documentation address'),
  v4('192.88.99.0/24', '6to4 relay anycast address'),
  v4('192.168.0.0/16', 'private network address'),
  v4('198.18.0.0/15', 'benchmarking address'),
  v4('198.51.100.0/24', 'documentation address'),
  v4('203.0.113.0/24', 'documentation address'),
  v4('224.0.0.0/4', 'multicast address'),
  v4('255.255.255.255/32', 'broadcast address'),
  v4('240.0.0.0/4', 'reserved address'),
];

/** IPv6 ranges refused inside global unicast 2000::/3 (everything outside 2000::/3 is refused anyway). */
const IPV6_BLOCKED_IN_GLOBAL: Range[] = [
  v6('2001::/32', 'Teredo tunnelling address'),
  v6('2001:db8::/32', 'documentation address'),
  v6('2001::/23', 'IETF protocol assignment address'),
  v6('3fff::/20', 'documentation address'),
];

/** IPv6 ranges outside 2000::/3 with a more specific reason than "reserved". */
const IPV6_NAMED: Range[] = [
  v6('::/128', 'unspecified address'),
  v6('::1/128', 'loopback address'),
  v6('64:ff9b:1::/48', 'local-use NAT64 address'),
  v6('100::/64', 'discard-only address'),
  v6('fd00:ec2::254/128', 'cloud metadata service address'),
  v6('fc00::/7', 'private network (unique local) address'),
  v6('fe80::/10', 'link-local address'),
  v6('fec0::/10', 'site-local address'),
  v6('ff00::/8', 'multicast address'),
];

const IPV4_MAPPED = v6('::ffff:0:0/96', '');
const IPV4_COMPATIBLE = v6('::/96', '');
const NAT64 = v6('64:ff9b::/96', '');
const SIX_TO_FOUR = v6('2002::/16', '');
const GLOBAL_UNICAST = v6('2000::/3', '');

function inRange(bytes: number[], range: Range): boolean {
  if (bytes.length !== range.bytes.length) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[i] & mask) !== (range.bytes[i] & mask)) return false;
  }
  return true;
}

/**
 * Why `address` is not a public unicast address, or null when it is. Unparsable input is refused.
 * IPv6 forms that embed an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
 * `2002::/16`) are judged by the embedded IPv4 address.
 */
export function nonPublicReason(address: string): string | null {
  const family = isIP(stripZone(address));
  if (family === 4) return ipv4Reason(parseIPv4(address)!);
  if (family === 6) return ipv6Reason(parseIPv6(stripZone(address))!);
  return 'not an IP address';
}

function ipv4Reason(bytes: number[]): string | null {
  for (const range of IPV4_BLOCKED) if (inRange(bytes, range)) return range.reason;
  return null;
}

function ipv6Reason(bytes: number[]): string | null {
  if (inRange(bytes, IPV4_MAPPED)) {
    const inner = ipv4Reason(bytes.slice(12));
    return `IPv4-mapped IPv6 address${inner ? ` of a ${inner}` : ''}`;
  }
  for (const range of IPV6_NAMED) if (inRange(bytes, range)) return range.reason;
  if (inRange(bytes, IPV4_COMPATIBLE)) return 'IPv4-compatible IPv6 address (deprecated)';
  if (inRange(bytes, NAT64)) {
    const inner = ipv4Reason(bytes.slice(12));
    return inner ? `NAT64 address of a ${inner}` : null;
  }
  if (inRange(bytes, SIX_TO_FOUR)) {
    const inner = ipv4Reason(bytes.slice(2, 6));
    return inner ? `6to4 address of a ${inner}` : null;
  }
  if (!inRange(bytes, GLOBAL_UNICAST)) return 'reserved address';
  for (const range of IPV6_BLOCKED_IN_GLOBAL) if (inRange(bytes, range)) return range.reason;
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing (inputs are validated with net.isIP first, so these only handle canonical textual forms)

function stripZone(address: string): string {
  const i = address.indexOf('%');
  return i === -1 ? address : address.slice(0, i);
}

/** Dotted-quad only: odd notations (2130706433, 0x7f000001, 0177.0.0.1, 127.1) never reach here, see client. */
function parseIPv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^\d{1,3}$/.test(p) ? Number(p) : NaN));
  return bytes.every((b) => b >= 0 && b <= 255) ? bytes : null;
}

function parseIPv6(text: string): number[] | null {
  let head = text;
  let tailV4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    const parsed = parseIPv4(text.slice(lastColon + 1));
    if (!parsed) return null;
    tailV4 = parsed;
    head = text.slice(0, lastColon + 1) + '0:0'; // placeholder groups, overwritten below
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const fill = halves.length === 2 ? 8 - left.length - right.length : 0;
  const all = [...left, ...Array<number>(Math.max(fill, 0)).fill(0), ...right];
  if (all.length !== 8 || all.some((g) => !(g >= 0 && g <= 0xffff))) return null;
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tailV4.length) bytes.splice(12, 4, ...tailV4);
  return bytes;
}
