import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Seals small secrets (TOTP keys) for storage: AES-256-GCM under the module's key when it has one
 * (byte 0x01, then IV, tag, ciphertext), else stored in clear (byte 0x00, development only). The
 * leading byte lets a deployment add a key later: old rows still open, new rows are sealed.
 */
export class SecretBox {
  constructor(private readonly key: Buffer | null) {
    if (key && key.length !== 32) throw new RangeError('the eID key-encryption key must be 32 bytes');
  }

  get encrypted(): boolean {
    return this.key !== null;
  }

  seal(plain: string, context: string): Buffer {
    const data = Buffer.from(plain, 'utf8');
    if (!this.key) return Buffer.concat([Buffer.from([0]), data]);
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([c.update(data), c.final()]);
    return Buffer.concat([Buffer.from([1]), iv, c.getAuthTag(), ct]);
  }

  /** `context` (the account id) binds a sealed value to its row: a value copied to another row does not open. */
  open(sealed: Buffer, context: string): string {
    if (sealed[0] === 0) return sealed.subarray(1).toString('utf8');
    if (sealed[0] !== 1) throw new Error('unknown secret format');
    if (!this.key) throw new Error('an encrypted eID secret needs EID_KEY_ENCRYPTION_KEY');
    const d = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13));
    d.setAAD(Buffer.from(context, 'utf8'));
    d.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([d.update(sealed.subarray(29)), d.final()]).toString('utf8');
  }
}
