/**
 * Whether an IP address is a public unicast address, and if not which kind it is: what a webhook
 * receiver may resolve to (the platform must not be made to POST into its own network). IPv6
 * forms that carry an IPv4 address (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64
 * 64:ff9b::/96, 6to4 2002::/16) are judged by that IPv4 address. Pure.
 */
import net from 'node:net';
import type { Localised } from '../platform/i18n/lang.ts';

export const ADDRESS_CLASSES = ['public', 'unspecified', 'loopback', 'private', 'cgnat', 'link_local', 'unique_local', 'multicast', 'reserved'] as const;
export type AddressClass = (typeof ADDRESS_CLASSES)[number];

export const ADDRESS_CLASS_LABELS: Record<Exclude<AddressClass, 'public'>, Localised> = {
  unspecified: { vi: 'địa chỉ không xác định (0.0.0.0/8, ::)', en: 'an unspecified address (0.0.0.0/8, ::)' },
  loopback: { vi: 'địa chỉ loopback (127.0.0.0/8, ::1)', en: 'a loopback address (127.0.0.0/8, ::1)' },
  private: { vi: 'địa chỉ mạng riêng (RFC 1918)', en: 'a private address (RFC 1918)' },
  cgnat: { vi: 'địa chỉ NAT của nhà mạng (100.64.0.0/10)', en: 'a carrier-grade NAT address (100.64.0.0/10)' },
  link_local: { vi: 'địa chỉ link-local (169.254.0.0/16, fe80::/10)', en: 'a link-local address (169.254.0.0/16, fe80::/10)' },
  unique_local: { vi: 'địa chỉ IPv6 cục bộ (fc00::/7)', en: 'an IPv6 unique local address (fc00::/7)' },
  multicast: { vi: 'địa chỉ multicast', en: 'a multicast address' },
  reserved: { vi: 'địa chỉ dành riêng, không định tuyến công cộng', en: 'a reserved address that is not publicly routable' },
};

type V4 = [number, number, number, number];

const inV4 = (a: V4, base: V4, bits: number): boolean => {
  const n = ((a[0] << 24) | (a[1] << 16) | (a[2] << 8) | a[3]) >>> 0;
  const b = ((base[0] << 24) | (base[1] << 16) | (base[2] << 8) | base[3]) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((n & mask) >>> 0) === ((b & mask) >>> 0);
};

function classifyV4(a: V4): AddressClass {
  if (inV4(a, [0, 0, 0, 0], 8)) return 'unspecified';
  if (inV4(a, [127, 0, 0, 0], 8)) return 'loopback';
  if (inV4(a, [10, 0, 0, 0], 8) || inV4(a, [172, 16, 0, 0], 12) || inV4(a, [192, 168, 0, 0], 16)) return 'private';
  if (inV4(a, [100, 64, 0, 0], 10)) return 'cgnat';
  if (inV4(a, [169, 254, 0, 0], 16)) return 'link_local';
  if (inV4(a, [224, 0, 0, 0], 4)) return 'multicast';
  // IETF protocol assignments, documentation, benchmarking, 240/4 (with the broadcast address).
  if (inV4(a, [192, 0, 0, 0], 24) || inV4(a, [192, 0, 2, 0], 24) || inV4(a, [198, 18, 0, 0], 15) || inV4(a, [198, 51, 100, 0], 24) || inV4(a, [203, 0, 113, 0], 24) || inV4(a, [240, 0, 0, 0], 4)) return 'reserved';
  return 'public';
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part and `::` allowed). */
function groupsV6(ip: string): number[] {
  let s = ip.split('%')[0]!.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    const p = dotted[1]!.split('.').map(Number);
    s = `${s.slice(0, -dotted[1]!.length)}${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const [head, tail] = s.includes('::') ? s.split('::') as [string, string] : [s, null];
  const h = head ? head.split(':').map((x) => parseInt(x, 16)) : [];
  if (tail === null) return h;
  const t = tail ? tail.split(':').map((x) => parseInt(x, 16)) : [];
  return [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
}

const v4Of = (hi: number, lo: number): V4 => [hi >> 8, hi & 0xff, lo >> 8, lo & 0xff];

function classifyV6(g: number[]): AddressClass {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  if (zeros(0, 5) && g[5] === 0xffff) return classifyV4(v4Of(g[6]!, g[7]!)); // IPv4-mapped
  if (zeros(0, 6)) return classifyV4(v4Of(g[6]!, g[7]!)); // IPv4-compatible (deprecated)
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return classifyV4(v4Of(g[6]!, g[7]!)); // NAT64
  if (g[0] === 0x2002) return classifyV4(v4Of(g[1]!, g[2]!)); // 6to4
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique_local';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link_local';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  // Teredo and documentation inside 2000::/3; everything outside it is not global unicast.
  if ((g[0] === 0x2001 && g[1] === 0) || (g[0] === 0x2001 && g[1] === 0xdb8)) return 'reserved';
  return (g[0]! & 0xe000) === 0x2000 ? 'public' : 'reserved';
}

/** The class of an IP address (IPv4 or IPv6 text); `reserved` for anything that is not an IP address. */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const kind = net.isIP(bare.split('%')[0]!);
  if (kind === 4) return classifyV4(bare.split('.').map(Number) as V4);
  if (kind === 6) return classifyV6(groupsV6(bare));
  return 'reserved';
}
