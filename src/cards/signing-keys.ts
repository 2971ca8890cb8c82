/**
 * The card PKI's keys in PostgreSQL, with rotation: the Document Signer used is the one whose
 * private key usage period covers now; when there is none, a new one is made (and a new CSCA when
 * the CSCA's usage period is over too). Old certificates stay, to verify the cards they signed.
 *
 * Private keys are encrypted with AES-256-GCM under a key-encryption key kept outside the database
 * when one is given; without it they are stored in clear, which is for development only (the
 * module warns at start). In production a CSCA key belongs offline and DS keys in an HSM: this
 * store is the place to swap for one.
 */
import { createCipheriv, createDecipheriv, createPrivateKey, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.ts';
import { cardsStore as store, type SigningKeyRow } from './cards.store.ts';
import { createCsca, createDocumentSigner, type PkiPeriods, type Signer } from './pki.ts';
import { systemRandom, type RandomBytes } from './random.ts';
import { readCertificate } from './x509.ts';

export interface SigningKeysOptions {
  /** 32 bytes; private keys are stored encrypted under it. */
  keyEncryptionKey?: Buffer | null;
  random?: RandomBytes;
  periods?: Partial<PkiPeriods>;
  /** Certificate subjects: ISO 3166 country and organisation. */
  country?: string;
  organization?: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SigningKeys {
  private readonly random: RandomBytes;
  private readonly signers = new Map<number, Signer>();

  constructor(private readonly db: Kysely<any>, private readonly clock: Clock, private readonly opts: SigningKeysOptions = {}) {
    if (opts.keyEncryptionKey && opts.keyEncryptionKey.length !== 32) throw new RangeError('keyEncryptionKey must be 32 bytes');
    this.random = opts.random ?? systemRandom;
  }

  get encrypted(): boolean {
    return !!this.opts.keyEncryptionKey;
  }

  /** The Document Signer to sign with now, made (with its CSCA) if none is usable. */
  async currentSigner(): Promise<{ id: number; signer: Signer }> {
    const now = this.clock.now();
    const row = await store.usableKey(this.db, 'document_signer', now) ?? await this.rotate(now);
    return { id: row.id, signer: this.signer(row) };
  }

  /** Every CSCA certificate (DER), for relying parties' trust lists. */
  async cscaCertificates(): Promise<Array<{ id: number; der: Buffer; subject: string; notBefore: Date; notAfter: Date }>> {
    return (await store.cscaCertificates(this.db)).map((r) => ({ id: r.id, der: r.certificate_der, subject: r.subject, notBefore: r.not_before, notAfter: r.not_after }));
  }

  private async rotate(now: Date): Promise<SigningKeyRow> {
    return this.db.transaction().execute(async (trx) => {
      await store.lockKeys(trx);
      const ds = await store.usableKey(trx, 'document_signer', now);
      if (ds) return ds; // another process made it meanwhile
      let cscaRow = await store.usableKey(trx, 'csca', now);
      if (!cscaRow) {
        const csca = createCsca({ subject: this.subject(`CSCA ${now.getUTCFullYear()}`), notBefore: now, random: this.random, ...(this.opts.periods ? { periods: this.opts.periods } : {}) });
        cscaRow = await this.insert(trx, 'csca', null, csca);
      }
      const dsSigner = createDocumentSigner(this.signer(cscaRow), { subject: this.subject(`Document Signer ${now.toISOString().slice(0, 10)}`), notBefore: now, random: this.random, ...(this.opts.periods ? { periods: this.opts.periods } : {}) });
      return this.insert(trx, 'document_signer', cscaRow.id, dsSigner);
    });
  }

  private subject(commonName: string) {
    return { country: this.opts.country ?? 'VN', organization: this.opts.organization ?? 'Open06', commonName };
  }

  private async insert(trx: Parameters<typeof store.insertKey>[0], kind: SigningKeyRow['kind'], issuer: number | null, s: Signer): Promise<SigningKeyRow> {
    const c = s.certificate;
    const serialHex = c.serialNumber.toString('hex');
    const pkcs8 = s.privateKey.export({ type: 'pkcs8', format: 'der' });
    const row: Omit<SigningKeyRow, 'id'> = {
      kind, issuer_key_id: issuer, certificate_der: c.der,
      private_key: this.opts.keyEncryptionKey ? this.seal(pkcs8, `${kind}:${serialHex}`) : pkcs8,
      private_key_protection: this.opts.keyEncryptionKey ? 'aes-256-gcm' : 'none',
      subject: c.x509.subject.replaceAll('\n', ', '), serial_hex: serialHex, not_before: c.notBefore, not_after: c.notAfter,
      usage_not_before: c.privateKeyUsagePeriod?.notBefore ?? c.notBefore, usage_not_after: c.privateKeyUsagePeriod?.notAfter ?? c.notAfter,
    };
    const id = await store.insertKey(trx, row);
    this.signers.set(id, s);
    return { id, ...row };
  }

  private signer(row: SigningKeyRow): Signer {
    const cached = this.signers.get(row.id);
    if (cached) return cached;
    if (!row.private_key) throw new Error(`signing key ${row.id} has no private key`);
    const s = { certificate: readCertificate(row.certificate_der), privateKey: this.privateKey(row) };
    this.signers.set(row.id, s);
    return s;
  }

  private privateKey(row: SigningKeyRow): KeyObject {
    const stored = row.private_key!;
    if (row.private_key_protection === 'none') return createPrivateKey({ key: stored, format: 'der', type: 'pkcs8' });
    if (!this.opts.keyEncryptionKey) throw new Error(`signing key ${row.id} is encrypted and no key-encryption key is configured`);
    return createPrivateKey({ key: this.open(stored, `${row.kind}:${row.serial_hex}`), format: 'der', type: 'pkcs8' });
  }

  /** AES-256-GCM, IV ‖ tag ‖ ciphertext, bound to the key's kind and serial number. */
  private seal(plain: Buffer, context: string): Buffer {
    const iv = this.random(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.opts.keyEncryptionKey!, iv);
    c.setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(plain), c.final()]);
    return Buffer.concat([iv, c.getAuthTag(), body]);
  }

  private open(sealed: Buffer, context: string): Buffer {
    const d = createDecipheriv('aes-256-gcm', this.opts.keyEncryptionKey!, sealed.subarray(0, IV_BYTES));
    d.setAAD(Buffer.from(context));
    d.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([d.update(sealed.subarray(IV_BYTES + TAG_BYTES)), d.final()]);
  }
}
