import t from 'tap';
import { isPublicAddress, nonPublicReason } from '../../../../server/src/lib/safe-http/index.js';

t.test('address classification', async (t) => {
  const blocked: [string, RegExp][] = [
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /metadata/],
    ['169.254.0.5', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.100.100.200', /carrier-grade NAT/],
    ['0.0.0.0', /unspecified/],
    ['0.1.2.3', /this network/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /broadcast/],
    ['192.0.2.1', /documentation/],
    ['198.18.0.1', /benchmarking/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['::ffff:127.0.0.1', /IPv4-mapped IPv6 address of a loopback/],
    ['::ffff:7f00:1', /IPv4-mapped IPv6 address of a loopback/],
    ['::ffff:169.254.169.254', /IPv4-mapped.*metadata/],
    ['::ffff:8.8.8.8', /IPv4-mapped/],
    ['::127.0.0.1', /IPv4-compatible/],
    ['fd00:ec2::254', /metadata/],
    ['fc00::1', /unique local/],
    ['fd12:3456::1', /unique local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['ff02::1', /multicast/],
    ['64:ff9b::7f00:1', /NAT64 address of a loopback/],
    ['2002:7f00:1::', /6to4 address of a loopback/],
    ['2002:a00:1::', /6to4 address of a private/],
    ['2001:db8::1', /documentation/],
    ['2001:0:4136:e378::1', /Teredo/],
    ['4000::1', /reserved/],
    ['not-an-ip', /not an IP/],
  ];
  for (const [address, reason] of blocked) {
    t.match(nonPublicReason(address), reason, `${address} is refused`);
    t.notOk(isPublicAddress(address), address);
  }
  for (const address of [
    '8.8.8.8',
    '1.1.1.1',
    '93.184.216.34',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '2a00:1450:4001::200e',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ]) {
    t.equal(nonPublicReason(address), null, `${address} is public`);
  }
});
