/**
 * The platform's JOSE signing keys in PostgreSQL, with rotation. `rotate()` adds a new key that
 * signs from then on; the previous keys stay in the published JWKS so tokens they signed still
 * verify, until `retire()` removes the ones older than a cut-off. Each process notices a rotation
 * through `version()` (the newest key id), which is cheap to poll.
 *
 * Private keys are sealed with AES-256-GCM under a key-encryption key kept outside the database
 * when one is configured; otherwise stored in clear (development only; a start-up warning says so).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, calculateJwkThumbprint, type JWK } from 'jose';
import { sql, type Kysely } from 'kysely';

export const SIGNING_ALG = 'ES256';

export interface PrivateJwk extends JWK { kid: string; alg: string; use: 'sig' }

/** The platform's keys, sealed under SIGNING_KEY_ENCRYPTION_KEY when it is set. */
export function platformKeys(db: Kysely<any>, kekBase64: string | undefined): JoseKeys {
  return new JoseKeys(db, kekBase64 ? Buffer.from(kekBase64, 'base64') : null);
}

export class JoseKeys {
  constructor(private readonly db: Kysely<any>, private readonly kek: Buffer | null = null) {
    if (kek && kek.length !== 32) throw new RangeError('key-encryption key must be 32 bytes');
  }

  /** Private keys usable for signing, newest first (the first one signs). Makes one if there is none. */
  async privateJwks(): Promise<PrivateJwk[]> {
    let rows = await this.active();
    if (!rows.length) {
      await this.rotate();
      rows = await this.active();
    }
    return rows.map((r) => this.open(r.private_jwk, r.encrypted));
  }

  /** The public JWKS (every key not retired). */
  async publicJwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.active()).map((r) => r.public_jwk as JWK) };
  }

  /** Id of the newest active key, or null; changes exactly when keys rotate or retire. */
  async version(): Promise<string | null> {
    const r = await sql<{ v: string | null }>`select string_agg(kid, ',' order by created_at desc, kid) as v from platform.jose_keys where retired_at is null`.execute(this.db);
    return r.rows[0]?.v ?? null;
  }

  /** Adds a new signing key; it signs from now on. Returns its key id. */
  async rotate(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const pub = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(pub);
    const priv: PrivateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG, use: 'sig' };
    await this.db.insertInto('platform.jose_keys').values({
      kid, alg: SIGNING_ALG,
      public_jwk: JSON.stringify({ ...pub, kid, alg: SIGNING_ALG, use: 'sig' }),
      private_jwk: this.seal(priv), encrypted: !!this.kek,
    }).onConflict((oc) => oc.doNothing()).execute();
    return kid;
  }

  /** Retires every key created before `before` except the newest one; returns their ids. */
  async retire(before: Date): Promise<string[]> {
    const rows = await sql<{ kid: string }>`
      update platform.jose_keys set retired_at = now()
      where retired_at is null and created_at < ${before}
        and kid <> (select kid from platform.jose_keys where retired_at is null order by created_at desc, kid limit 1)
      returning kid`.execute(this.db);
    return rows.rows.map((r) => r.kid);
  }

  /**
   * The public key `kid` names, retired or not: what signed an old receipt still checks it after the
   * key left the published JWKS. Null when no key ever had that id.
   */
  async publicJwk(kid: string): Promise<JWK | null> {
    const r = await this.db.selectFrom('platform.jose_keys').select('public_jwk').where('kid', '=', kid).executeTakeFirst();
    return r ? (r.public_jwk as JWK) : null;
  }

  async list(): Promise<Array<{ kid: string; alg: string; createdAt: Date; retiredAt: Date | null; encrypted: boolean }>> {
    const rows = await this.db.selectFrom('platform.jose_keys').select(['kid', 'alg', 'created_at', 'retired_at', 'encrypted']).orderBy('created_at', 'desc').execute();
    return rows.map((r) => ({ kid: r.kid, alg: r.alg, createdAt: r.created_at, retiredAt: r.retired_at, encrypted: r.encrypted }));
  }

  private active() {
    return this.db.selectFrom('platform.jose_keys').selectAll().where('retired_at', 'is', null).orderBy('created_at', 'desc').orderBy('kid').execute();
  }

  private seal(jwk: PrivateJwk): string {
    const text = JSON.stringify(jwk);
    if (!this.kek) return text;
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.kek, iv);
    const body = Buffer.concat([c.update(text, 'utf8'), c.final()]);
    return `v1.${Buffer.concat([iv, c.getAuthTag(), body]).toString('base64')}`;
  }

  private open(stored: string, encrypted: boolean): PrivateJwk {
    if (!encrypted) return JSON.parse(stored) as PrivateJwk;
    if (!this.kek) throw new Error('signing keys are encrypted but no key-encryption key is configured');
    const raw = Buffer.from(stored.slice(3), 'base64');
    const d = createDecipheriv('aes-256-gcm', this.kek, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8')) as PrivateJwk;
  }
}
