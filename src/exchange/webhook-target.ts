/**
 * Where an event delivery may go: an `https` URL without credentials whose host resolves only to
 * public addresses (public-address.ts). Checked when a subscription is made and again before each
 * delivery, after resolving the host; the delivery then connects to the very address that was
 * checked (the host name still names the server for TLS), so a DNS answer that changes in between
 * (rebinding) cannot point it elsewhere. Hosts listed in WEBHOOK_ALLOWED_HOSTS (`*` = every host)
 * may resolve to private addresses and use `http` (development, tests, an internal receiver).
 */
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import { AppError } from '../platform/http/errors.ts';
import type { Localised } from '../platform/i18n/lang.ts';
import { ADDRESS_CLASS_LABELS, classifyAddress } from './public-address.ts';
import './exchange.errors.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Every address a host name resolves to. */
export type HostLookup = (host: string) => Promise<ResolvedAddress[]>;

export const systemLookup: HostLookup = async (host) =>
  (await dns.lookup(host, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

export interface WebhookPolicy {
  /** Host names or IP addresses exempt from the public-address and https rules; `*` = every host. */
  allowedHosts: readonly string[];
  lookup: HostLookup;
}

/** WEBHOOK_ALLOWED_HOSTS as a list (comma-separated, case-insensitive). */
export function parseAllowedHosts(setting: string): string[] {
  return setting.split(',').map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter(Boolean);
}

const refuse = (code: string, reason: Localised) => new AppError('EXCHANGE_WEBHOOK_URL_INVALID', { reason }, [{ field: 'url', code, message: reason }]);

/**
 * The URL and the address to connect to, or a 400 problem naming `url` with the reason: not a
 * URL, credentials in it, not https, a host that does not resolve, or an address that is not public.
 */
export async function resolveWebhook(raw: string, policy: WebhookPolicy): Promise<{ url: URL; address: ResolvedAddress }> {
  let url: URL;
  try { url = new URL(raw); } catch { throw refuse('not_url', { vi: 'không phải một URL', en: 'not a URL' }); }
  if (url.username || url.password) throw refuse('credentials', { vi: 'URL không được chứa tên đăng nhập hay mật khẩu', en: 'no credentials in the URL' });
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const exempt = policy.allowedHosts.includes('*') || policy.allowedHosts.includes(host);
  if (url.protocol !== 'https:' && !(exempt && url.protocol === 'http:')) throw refuse('not_https', { vi: 'phải dùng https', en: 'must be https' });
  let addresses: ResolvedAddress[];
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) === 6 ? 6 : 4 }];
  else {
    try { addresses = await policy.lookup(host); } catch { addresses = []; }
    if (!addresses.length) throw refuse('unresolvable', { vi: `không phân giải được tên miền ${host}`, en: `the host ${host} does not resolve` });
  }
  if (!exempt) {
    for (const a of addresses) {
      const kind = classifyAddress(a.address);
      if (kind === 'public') continue;
      const label = ADDRESS_CLASS_LABELS[kind];
      throw refuse(`address_${kind}`, a.address === host
        ? { vi: `${host} là ${label.vi}`, en: `${host} is ${label.en}` }
        : { vi: `${host} trỏ tới ${a.address}, ${label.vi}`, en: `${host} resolves to ${a.address}, ${label.en}` });
    }
  }
  return { url, address: addresses[0]! };
}

/** POSTs to the URL over a new connection to `address`; resolves with the HTTP status (the body is discarded). */
export function postTo(url: URL, address: ResolvedAddress, body: string, headers: Record<string, string>, timeoutMs: number): Promise<number> {
  const pinned: LookupFunction = (_host, opts, cb) => {
    if (opts.all) (cb as unknown as (e: null, all: ResolvedAddress[]) => void)(null, [address]);
    else cb(null, address.address, address.family);
  };
  return new Promise((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST', agent: false, lookup: pinned, signal: AbortSignal.timeout(timeoutMs),
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    }, (res) => {
      res.on('error', reject);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.resume();
    });
    req.on('error', reject);
    req.end(body);
  });
}
