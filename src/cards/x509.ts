/**
 * Reading X.509 certificates (RFC 5280) for passive authentication: the fields and extensions the
 * ICAO 9303 Part 12 profile relies on. The signature itself is checked by Node (OpenSSL) through
 * the X509Certificate this returns.
 */
import { X509Certificate } from 'node:crypto';
import { children, contentOf, encodingOf, expect, expectChildren, parse, readOid, readTime, type Der } from './der.ts';
import { OID } from './oids.ts';

export const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;
export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

export interface CertificateInfo {
  readonly der: Buffer;
  readonly x509: X509Certificate;
  /** INTEGER content octets of the serial number. */
  readonly serialNumber: Buffer;
  /** DER of the issuer and subject Names, compared byte for byte. */
  readonly issuer: Buffer;
  readonly subject: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly signatureAlgorithm: string;
  readonly subjectKeyIdentifier: Buffer | null;
  readonly authorityKeyIdentifier: Buffer | null;
  /** Null when the certificate has no key usage extension. */
  readonly keyUsage: ReadonlySet<KeyUsage> | null;
  readonly isCa: boolean;
  readonly privateKeyUsagePeriod: { notBefore: Date | null; notAfter: Date | null } | null;
}

/** The key usage bits as a BIT STRING content (unused-bits octet first), trailing zero bits removed (X.690 §11.2.2). */
export function keyUsageBits(usages: readonly KeyUsage[]): Buffer {
  const idx = usages.map((u) => KEY_USAGE_BITS.indexOf(u));
  const highest = Math.max(...idx);
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const i of idx) bytes[i >> 3]! |= 0x80 >> (i & 7);
  return Buffer.concat([Buffer.of(bytes.length * 8 - (highest + 1)), bytes]);
}

function readKeyUsage(value: Der): Set<KeyUsage> {
  const b = contentOf(expect(value, 0x03, 'keyUsage'));
  const out = new Set<KeyUsage>();
  for (let i = 0; i < (b.length - 1) * 8 && i < KEY_USAGE_BITS.length; i++) if (b[1 + (i >> 3)]! & (0x80 >> (i & 7))) out.add(KEY_USAGE_BITS[i]!);
  return out;
}

/** Parses a DER certificate. Throws DerError (or Node's error) when it is not one. */
export function readCertificate(der: Buffer): CertificateInfo {
  const [tbs, sigAlg] = expectChildren(parse(der), 0x30, 'Certificate', 3);
  const t = expectChildren(tbs, 0x30, 'TBSCertificate', 6);
  // version [0] is present in a v3 certificate; everything after shifts by one.
  const o = t[0]!.tag === 0xa0 ? 1 : 0;
  const validity = expectChildren(t[o + 3], 0x30, 'Validity', 2);
  let ski: Buffer | null = null;
  let aki: Buffer | null = null;
  let keyUsage: Set<KeyUsage> | null = null;
  let isCa = false;
  let pkup: CertificateInfo['privateKeyUsagePeriod'] = null;
  const extWrapper = t.find((e) => e.tag === 0xa3);
  for (const ext of extWrapper ? expectChildren(children(extWrapper)[0], 0x30, 'Extensions') : []) {
    const parts = expectChildren(ext, 0x30, 'Extension', 2);
    const id = readOid(parts[0]!);
    const value = parse(Buffer.from(contentOf(expect(parts[parts.length - 1], 0x04, 'extnValue'))));
    if (id === OID.subjectKeyIdentifier) ski = Buffer.from(contentOf(expect(value, 0x04, 'subjectKeyIdentifier')));
    else if (id === OID.authorityKeyIdentifier) {
      const k = children(expect(value, 0x30, 'authorityKeyIdentifier')).find((c) => c.tag === 0x80);
      aki = k ? Buffer.from(contentOf(k)) : null;
    } else if (id === OID.keyUsage) keyUsage = readKeyUsage(value);
    else if (id === OID.basicConstraints) {
      const c = children(expect(value, 0x30, 'basicConstraints'));
      isCa = c[0]?.tag === 0x01 && contentOf(c[0])[0] !== 0;
    } else if (id === OID.privateKeyUsagePeriod) {
      const c = children(expect(value, 0x30, 'privateKeyUsagePeriod'));
      // [0] and [1] IMPLICIT GeneralizedTime: read their content as GeneralizedTime.
      const time = (tag: number): Date | null => {
        const e = c.find((x) => x.tag === tag);
        return e ? readTime({ ...e, tag: 0x18 }) : null;
      };
      pkup = { notBefore: time(0x80), notAfter: time(0x81) };
    }
  }
  return {
    der,
    x509: new X509Certificate(der),
    serialNumber: Buffer.from(contentOf(expect(t[o], 0x02, 'serialNumber'))),
    issuer: Buffer.from(encodingOf(expect(t[o + 2], 0x30, 'issuer'))),
    subject: Buffer.from(encodingOf(expect(t[o + 4], 0x30, 'subject'))),
    notBefore: readTime(validity[0]!),
    notAfter: readTime(validity[1]!),
    signatureAlgorithm: readOid(expectChildren(sigAlg, 0x30, 'signatureAlgorithm', 1)[0]!),
    subjectKeyIdentifier: ski,
    authorityKeyIdentifier: aki,
    keyUsage,
    isCa,
    privateKeyUsagePeriod: pkup,
  };
}
