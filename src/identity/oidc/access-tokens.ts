/**
 * Verification of the JWT access tokens our provider issues to partner systems (resource
 * `urn:open06:exchange`), done where the resource is served: ES256 signature against the
 * platform's published keys, `typ` at+jwt, issuer, audience, expiry. The signature is checked with
 * node:crypto synchronously (no WebCrypto job per token), and a verified token is remembered until
 * it expires, so a system that reuses its token for thousands of requests pays for one check.
 */
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { JoseKeys } from '../../platform/keys/jose-keys.ts';

export interface VerifiedAccessToken {
  clientId: string;
  scope: string[];
  expiresAt: number;
  jti: string | null;
}

export class AccessTokenRejected extends Error {}

const MAX_REMEMBERED = 50_000;
const CLOCK_TOLERANCE_S = 5;

function json(part: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* reported below */ }
  throw new AccessTokenRejected('malformed token');
}

export class AccessTokenVerifier {
  private keys = new Map<string, KeyObject>();
  private keysAt = 0;
  private readonly remembered = new Map<string, VerifiedAccessToken>();

  constructor(private readonly jose: JoseKeys, private readonly issuer: string, private readonly audience: string, private readonly now: () => number = Date.now) {}

  /** A token this verifier has already verified and that has not expired, without waiting. */
  verifiedBefore(token: string): VerifiedAccessToken | undefined {
    const hit = this.remembered.get(token);
    return hit && hit.expiresAt > Math.floor(this.now() / 1000) ? hit : undefined;
  }

  async verify(token: string): Promise<VerifiedAccessToken> {
    const nowSec = Math.floor(this.now() / 1000);
    const hit = this.remembered.get(token);
    if (hit) {
      if (hit.expiresAt > nowSec) return hit;
      this.remembered.delete(token);
    }
    const parts = token.split('.');
    if (parts.length !== 3) throw new AccessTokenRejected('malformed token');
    const header = json(parts[0]!);
    if (header.alg !== 'ES256') throw new AccessTokenRejected('unexpected algorithm');
    if (typeof header.typ !== 'string' || header.typ.toLowerCase().replace(/^application\//, '') !== 'at+jwt') throw new AccessTokenRejected('not an access token');
    if (typeof header.kid !== 'string') throw new AccessTokenRejected('no key id');
    let key = this.keys.get(header.kid);
    // An unknown key id may mean the keys rotated since they were loaded: reload, at most once a
    // second, so forged key ids cannot hammer the database.
    if (!key && (this.keys.size === 0 || this.now() - this.keysAt > 1_000)) {
      await this.reload();
      key = this.keys.get(header.kid);
    }
    if (!key) throw new AccessTokenRejected('unknown signing key');
    const ok = verifySignature('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2]!, 'base64url'));
    if (!ok) throw new AccessTokenRejected('bad signature');
    const p = json(parts[1]!);
    if (p.iss !== this.issuer) throw new AccessTokenRejected('wrong issuer');
    const aud = Array.isArray(p.aud) ? p.aud : [p.aud];
    if (!aud.includes(this.audience)) throw new AccessTokenRejected('wrong audience');
    if (typeof p.exp !== 'number' || p.exp + CLOCK_TOLERANCE_S <= nowSec) throw new AccessTokenRejected('expired');
    if (typeof p.nbf === 'number' && p.nbf - CLOCK_TOLERANCE_S > nowSec) throw new AccessTokenRejected('not yet valid');
    if (typeof p.client_id !== 'string' || !p.client_id) throw new AccessTokenRejected('no client_id');
    const verified: VerifiedAccessToken = { clientId: p.client_id, scope: typeof p.scope === 'string' ? p.scope.split(' ').filter(Boolean) : [], expiresAt: p.exp, jti: typeof p.jti === 'string' ? p.jti : null };
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
    this.remembered.set(token, verified);
    return verified;
  }

  /** Forget remembered tokens of a client (its access was withdrawn). */
  forgetClient(clientId: string): void {
    for (const [k, v] of this.remembered) if (v.clientId === clientId) this.remembered.delete(k);
  }

  private async reload(): Promise<void> {
    const { keys } = await this.jose.publicJwks();
    const next = new Map<string, KeyObject>();
    for (const k of keys) if (typeof k.kid === 'string' && k.kty === 'EC' && k.crv === 'P-256') next.set(k.kid, createPublicKey({ key: k as never, format: 'jwk' }));
    this.keys = next;
    this.keysAt = this.now();
  }
}
