/**
 * Verification of the JWT access tokens our provider issues to partner systems (resource
 * `urn:open06:exchange`), done where the resource is served: signature against the platform's
 * published keys, issuer, audience, expiry. A verified token is remembered until it expires, so
 * a system that reuses its token for thousands of requests pays for one signature check.
 */
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { JoseKeys } from '../../platform/keys/jose-keys.ts';

export interface VerifiedAccessToken {
  clientId: string;
  scope: string[];
  expiresAt: number;
  jti: string | null;
}

export class AccessTokenRejected extends Error {}

const MAX_REMEMBERED = 50_000;

export class AccessTokenVerifier {
  private jwks: ReturnType<typeof createLocalJWKSet> | null = null;
  private jwksAt = 0;
  private readonly remembered = new Map<string, VerifiedAccessToken>();

  constructor(private readonly keys: JoseKeys, private readonly issuer: string, private readonly audience: string, private readonly now: () => number = Date.now) {}

  async verify(token: string): Promise<VerifiedAccessToken> {
    const nowSec = Math.floor(this.now() / 1000);
    const hit = this.remembered.get(token);
    if (hit) {
      if (hit.expiresAt > nowSec) return hit;
      this.remembered.delete(token);
    }
    let payload: JWTPayload;
    try {
      payload = await this.check(token, false);
    } catch (e) {
      // An unknown key id may mean the keys rotated since the set was loaded: reload once.
      if ((e as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw new AccessTokenRejected((e as Error).message);
      try {
        payload = await this.check(token, true);
      } catch (e2) {
        throw new AccessTokenRejected((e2 as Error).message);
      }
    }
    const clientId = typeof payload.client_id === 'string' ? payload.client_id : null;
    if (!clientId || typeof payload.exp !== 'number') throw new AccessTokenRejected('token has no client_id or exp');
    const verified: VerifiedAccessToken = { clientId, scope: typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [], expiresAt: payload.exp, jti: payload.jti ?? null };
    if (this.remembered.size >= MAX_REMEMBERED) this.remembered.clear();
    this.remembered.set(token, verified);
    return verified;
  }

  /** Forget remembered tokens of a client (its access was withdrawn). */
  forgetClient(clientId: string): void {
    for (const [k, v] of this.remembered) if (v.clientId === clientId) this.remembered.delete(k);
  }

  private async check(token: string, reload: boolean): Promise<JWTPayload> {
    // Reloading on an unknown key id is limited to once a second, so forged key ids cannot hammer the database.
    if (!this.jwks || reload && this.now() - this.jwksAt > 1_000) {
      this.jwks = createLocalJWKSet(await this.keys.publicJwks());
      this.jwksAt = this.now();
    }
    const { payload } = await jwtVerify(token, this.jwks, { issuer: this.issuer, audience: this.audience, typ: 'at+jwt', algorithms: ['ES256'], currentDate: new Date(this.now()) });
    return payload;
  }
}
