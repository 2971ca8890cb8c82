/**
 * Compact JWS with the platform's signing key (the newest of `JoseKeys`, published at /oidc/jwks),
 * for webhook deliveries and consent receipts. The imported key is kept for a minute so that a
 * rotation is picked up without a restart.
 */
import { CompactSign, importJWK, type CryptoKey } from 'jose';
import type { JoseKeys } from '../platform/keys/jose-keys.ts';

export class JwsSigner {
  private key: { key: CryptoKey | Uint8Array; kid: string; alg: string; at: number } | null = null;

  constructor(private readonly keys: Pick<JoseKeys, 'privateJwks'>, private readonly now: () => number = Date.now) {}

  private async current() {
    if (this.key && this.now() - this.key.at < 60_000) return this.key;
    const [jwk] = await this.keys.privateJwks();
    if (!jwk) throw new Error('no signing key');
    this.key = { key: await importJWK(jwk, jwk.alg), kid: jwk.kid, alg: jwk.alg, at: this.now() };
    return this.key;
  }

  /** The payload (JSON) as a compact JWS with header { alg, kid, typ }. */
  async sign(payload: Record<string, unknown>, typ: string): Promise<string> {
    const k = await this.current();
    return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({ alg: k.alg, kid: k.kid, typ }).sign(k.key);
  }
}
