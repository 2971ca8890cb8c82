import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyAddress, type AddressClass } from './public-address.ts';

const CASES: Array<[string, AddressClass]> = [
  ['8.8.8.8', 'public'], ['93.184.216.34', 'public'], ['172.32.0.1', 'public'], ['100.128.0.1', 'public'], ['11.0.0.1', 'public'],
  ['2001:4860:4860::8888', 'public'], ['2606:4700::1111', 'public'],
  ['0.0.0.0', 'unspecified'], ['0.1.2.3', 'unspecified'], ['::', 'unspecified'],
  ['127.0.0.1', 'loopback'], ['127.255.1.2', 'loopback'], ['::1', 'loopback'],
  ['10.0.0.1', 'private'], ['172.16.0.1', 'private'], ['172.31.255.254', 'private'], ['192.168.1.1', 'private'],
  ['100.64.0.1', 'cgnat'], ['100.127.255.254', 'cgnat'],
  ['169.254.169.254', 'link_local'], ['169.254.0.1', 'link_local'], ['fe80::1', 'link_local'], ['febf::1', 'link_local'], ['fe80::1%eth0', 'link_local'],
  ['fc00::1', 'unique_local'], ['fd12:3456:789a::1', 'unique_local'],
  ['224.0.0.251', 'multicast'], ['239.255.255.250', 'multicast'], ['ff02::1', 'multicast'], ['ff0e::1', 'multicast'],
  ['255.255.255.255', 'reserved'], ['240.0.0.1', 'reserved'], ['192.0.2.10', 'reserved'], ['198.18.0.1', 'reserved'], ['2001:db8::1', 'reserved'], ['fec0::1', 'reserved'], ['100::1', 'reserved'], ['2001::1', 'reserved'],
  // IPv6 forms carrying an IPv4 address are judged by it.
  ['::ffff:127.0.0.1', 'loopback'], ['::ffff:7f00:1', 'loopback'], ['::ffff:10.1.2.3', 'private'], ['::ffff:a9fe:a9fe', 'link_local'],
  ['::ffff:100.64.1.1', 'cgnat'], ['::ffff:0.0.0.0', 'unspecified'], ['::ffff:224.0.0.1', 'multicast'], ['::ffff:8.8.8.8', 'public'],
  ['::127.0.0.1', 'loopback'], ['64:ff9b::10.0.0.1', 'private'], ['64:ff9b::8.8.8.8', 'public'], ['2002:c0a8:0101::1', 'private'], ['2002:0808:0808::1', 'public'],
  ['[::1]', 'loopback'], ['not an address', 'reserved'],
];

test('address classes: public unicast, and each kind a webhook receiver may not resolve to', () => {
  for (const [ip, kind] of CASES) assert.equal(classifyAddress(ip), kind, ip);
});
