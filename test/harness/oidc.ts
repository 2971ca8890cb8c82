/**
 * Drives our OpenID Connect provider as real clients do: openid-client (a certified relying-party
 * library) for the protocol, and a cookie-keeping HTTP user agent for the sign-in pages.
 */
import * as client from 'openid-client';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export interface ClientKeys { privateKey: CryptoKey; jwks: { keys: JWK[] }; kid: string }

export async function clientKeys(kid = `k-${Math.random().toString(36).slice(2, 10)}`): Promise<ClientKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }, kid };
}

/** openid-client configuration for a registered client authenticating with private_key_jwt. */
export async function rp(issuer: string, clientId: string, keys: ClientKeys, metadata: Partial<client.ClientMetadata> = {}): Promise<client.Configuration> {
  return client.discovery(new URL(issuer), clientId, { id_token_signed_response_alg: 'ES256', ...metadata }, client.PrivateKeyJwt({ key: keys.privateKey, kid: keys.kid }), { execute: [client.allowInsecureRequests] });
}

/** A minimal user agent: keeps cookies per origin path-insensitively, follows nothing by itself. */
export class UserAgent {
  private readonly cookies = new Map<string, string>();
  constructor(readonly headers: Record<string, string> = {}) {}

  async request(url: string, init: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...this.headers, ...init.headers };
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) { headers['content-type'] = 'application/x-www-form-urlencoded'; body = new URLSearchParams(init.form).toString(); }
    if (init.json !== undefined) { headers['content-type'] = 'application/json'; body = JSON.stringify(init.json); }
    const res = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Follows redirects until a page is returned or the next location starts with `stopAt`. */
  async follow(url: string, stopAt: string, init: Parameters<UserAgent['request']>[1] = {}): Promise<{ res: Response; url: string; html: string | null; stoppedAt: string | null }> {
    let res = await this.request(url, init);
    let current = url;
    for (let i = 0; i < 20; i++) {
      const loc = res.headers.get('location');
      if (!loc || res.status < 300 || res.status >= 400) break;
      const next = new URL(loc, current).href;
      if (next.startsWith(stopAt)) return { res, url: current, html: null, stoppedAt: next };
      current = next;
      res = await this.request(next);
    }
    return { res, url: current, html: await res.text(), stoppedAt: null };
  }
}

/** The action of the page's first form whose action contains `contains`. */
export function formAction(html: string, base: string, contains: string): string {
  for (const m of html.matchAll(/<form[^>]*action="([^"]+)"/g)) {
    const action = m[1]!.replace(/&amp;/g, '&');
    if (action.includes(contains)) return new URL(action, base).href;
  }
  throw new Error(`no form with action containing ${contains} in:\n${html.slice(0, 2000)}`);
}

export { client };
