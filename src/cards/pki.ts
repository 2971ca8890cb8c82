/**
 * The card PKI (ICAO Doc 9303 Part 12): a Country Signing CA (CSCA), self-signed, issues Document
 * Signer (DS) certificates; a DS signs the SOD of each card it personalises. Keys are ECDSA P-256,
 * certificates X.509 v3 with the Part 12 extensions: key usage (critical), basic constraints
 * (critical, CSCA only), subject/authority key identifiers and private key usage period.
 *
 * Periods (Part 12 §5, defaults in PKI_DEFAULTS, each configurable):
 * - CSCA key used to sign for 3-5 years; its certificate lasts that plus the longest DS certificate.
 * - DS key used for at most 3 months; its certificate lasts that plus the longest card validity, so
 *   every card it signed can be verified until it expires. The longest expiring card is 22 years
 *   (issued at 38, valid until 60: Law 26/2023 Art. 24). Cards from age 58 never expire, and no finite
 *   DS certificate covers them: passive authentication after the DS expires reports `signer_expired`
 *   and it is the relying party's policy whether to accept that for a card that never expires.
 */
import { createECDH, createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { bitString, boolean, context, contextPrimitive, children, contentOf, generalizedTime, integer, octetString, oid, parse, printableString, sequence, setOf, tlv, unsignedInteger, utf8String, x509Time } from './der.ts';
import { OID } from './oids.ts';
import type { RandomBytes } from './random.ts';
import { keyUsageBits, readCertificate, type CertificateInfo, type KeyUsage } from './x509.ts';

export interface DistinguishedName {
  /** ISO 3166-1 alpha-2, e.g. 'VN'. */
  country: string;
  organization?: string;
  organizationalUnit?: string;
  commonName: string;
  serialNumber?: string;
}

export interface Period {
  notBefore: Date;
  notAfter: Date;
}

/** A certificate with its private key. */
export interface Signer {
  readonly certificate: CertificateInfo;
  readonly privateKey: KeyObject;
}

export const PKI_DEFAULTS = {
  /** ICAO 9303 Part 12: 3 to 5 years. */
  cscaPrivateKeyUsageYears: 5,
  /** ICAO 9303 Part 12: at most 3 months. */
  dsPrivateKeyUsageDays: 90,
  /** Longest validity of an expiring card (issued at 38, valid until 60). */
  maxCardValidityYears: 22,
} as const;

export type PkiPeriods = { -readonly [K in keyof typeof PKI_DEFAULTS]: number };

const DAY_MS = 86_400_000;
const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * DAY_MS);
const addYears = (d: Date, n: number): Date => {
  const r = new Date(d.getTime());
  r.setUTCFullYear(r.getUTCFullYear() + n);
  return r;
};
/** X.509 times carry whole seconds. */
const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

// Order of the P-256 group (SEC 2, secp256r1 n).
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** An ECDSA P-256 key pair from injected randomness (deterministic under a seeded source). */
export function p256KeyPair(random: RandomBytes): { privateKey: KeyObject; publicKey: KeyObject } {
  // 48 bytes reduced modulo n-1 keep the bias below 2^-128 (FIPS 186-5 A.2.1, "extra random bits").
  const d = (BigInt(`0x${random(48).toString('hex')}`) % (P256_N - 1n)) + 1n;
  const dBytes = Buffer.from(d.toString(16).padStart(64, '0'), 'hex');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(dBytes);
  const point = ecdh.getPublicKey(); // 04 ‖ x ‖ y
  const jwk = { kty: 'EC', crv: 'P-256', d: dBytes.toString('base64url'), x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
  const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function name(n: DistinguishedName): Buffer {
  const rdn = (type: string, value: Buffer): Buffer => setOf(sequence(oid(type), value));
  return sequence(
    rdn(OID.countryName, printableString(n.country)),
    ...(n.organization ? [rdn(OID.organizationName, utf8String(n.organization))] : []),
    ...(n.organizationalUnit ? [rdn(OID.organizationalUnitName, utf8String(n.organizationalUnit))] : []),
    rdn(OID.commonName, utf8String(n.commonName)),
    ...(n.serialNumber ? [rdn(OID.serialNumber, printableString(n.serialNumber))] : []),
  );
}

const extension = (id: string, critical: boolean, value: Buffer): Buffer => sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING value. */
function keyIdentifier(spki: Buffer): Buffer {
  const bits = contentOf(children(parse(spki))[1]!);
  return createHash('sha1').update(bits.subarray(1)).digest();
}

const ECDSA_SHA256 = sequence(oid(OID.ecdsaWithSha256));

interface CertificateSpec {
  subject: DistinguishedName;
  /** DER of the issuer's Name: the CSCA's subject, byte for byte. */
  issuer: Buffer;
  issuerKey: KeyObject;
  issuerKeyId: Buffer;
  publicKey: KeyObject;
  validity: Period;
  privateKeyUsage: Period;
  keyUsage: readonly KeyUsage[];
  ca: boolean;
  random: RandomBytes;
}

function issueCertificate(s: CertificateSpec): Buffer {
  const spki = s.publicKey.export({ type: 'spki', format: 'der' });
  const serial = s.random(16);
  serial[0]! &= 0x7f; // positive, at most 20 octets (RFC 5280 §4.1.2.2)
  serial[15]! |= 0x01; // never zero
  const extensions = [
    ...(s.ca ? [extension(OID.basicConstraints, true, sequence(boolean(true), integer(0)))] : []),
    extension(OID.keyUsage, true, tlv(0x03, keyUsageBits(s.keyUsage))),
    extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
    extension(OID.authorityKeyIdentifier, false, sequence(contextPrimitive(0, s.issuerKeyId))),
    extension(OID.privateKeyUsagePeriod, false, sequence(
      contextPrimitive(0, contentOf(parse(generalizedTime(s.privateKeyUsage.notBefore)))),
      contextPrimitive(1, contentOf(parse(generalizedTime(s.privateKeyUsage.notAfter)))),
    )),
  ];
  const tbs = sequence(
    context(0, integer(2)),
    unsignedInteger(serial),
    ECDSA_SHA256,
    s.issuer,
    sequence(x509Time(s.validity.notBefore), x509Time(s.validity.notAfter)),
    name(s.subject),
    spki,
    context(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, { key: s.issuerKey, dsaEncoding: 'der' });
  return sequence(tbs, ECDSA_SHA256, bitString(signature));
}

/** A new self-signed CSCA, its key from `random`. `notBefore` starts both its validity and its key usage. */
export function createCsca(opts: { subject: DistinguishedName; notBefore: Date; random: RandomBytes; periods?: Partial<PkiPeriods> }): Signer {
  const p = { ...PKI_DEFAULTS, ...opts.periods };
  const start = wholeSeconds(opts.notBefore);
  const { privateKey, publicKey } = p256KeyPair(opts.random);
  const keyId = keyIdentifier(publicKey.export({ type: 'spki', format: 'der' }));
  const usageEnd = addYears(start, p.cscaPrivateKeyUsageYears);
  const der = issueCertificate({
    subject: opts.subject, issuer: name(opts.subject), issuerKey: privateKey, issuerKeyId: keyId, publicKey,
    validity: { notBefore: start, notAfter: addYears(addDays(usageEnd, p.dsPrivateKeyUsageDays), p.maxCardValidityYears) },
    privateKeyUsage: { notBefore: start, notAfter: usageEnd },
    keyUsage: ['keyCertSign', 'cRLSign'], ca: true, random: opts.random,
  });
  return { certificate: readCertificate(der), privateKey };
}

/** A new Document Signer certificate issued by `csca`, its key from `random`. */
export function createDocumentSigner(csca: Signer, opts: { subject: DistinguishedName; notBefore: Date; random: RandomBytes; periods?: Partial<PkiPeriods> }): Signer {
  const p = { ...PKI_DEFAULTS, ...opts.periods };
  const start = wholeSeconds(opts.notBefore);
  const { privateKey, publicKey } = p256KeyPair(opts.random);
  const usageEnd = addDays(start, p.dsPrivateKeyUsageDays);
  const issuer = csca.certificate;
  const der = issueCertificate({
    subject: opts.subject, issuer: issuer.subject, issuerKey: csca.privateKey,
    issuerKeyId: issuer.subjectKeyIdentifier ?? keyIdentifier(issuer.x509.publicKey.export({ type: 'spki', format: 'der' })),
    publicKey, validity: { notBefore: start, notAfter: addYears(usageEnd, p.maxCardValidityYears) },
    privateKeyUsage: { notBefore: start, notAfter: usageEnd },
    keyUsage: ['digitalSignature'], ca: false, random: opts.random,
  });
  return { certificate: readCertificate(der), privateKey };
}

// ---- PEM (RFC 7468) -------------------------------------------------------------------------------

export function toPem(der: Buffer, label = 'CERTIFICATE'): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** Every block with this label in a PEM text (a bundle of certificates, say). */
export function fromPem(pem: string, label = 'CERTIFICATE'): Buffer[] {
  const re = new RegExp(`-----BEGIN ${label}-----([A-Za-z0-9+/=\\s]+)-----END ${label}-----`, 'g');
  return [...pem.matchAll(re)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
}

export function privateKeyPem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A signer back from its stored PEM certificate and PKCS#8 key. */
export function loadSigner(certificatePem: string, keyPem: string): Signer {
  const der = fromPem(certificatePem)[0];
  if (!der) throw new RangeError('no certificate in the PEM text');
  return { certificate: readCertificate(der), privateKey: createPrivateKey(keyPem) };
}
