/**
 * The Document Security Object, EF.SOD (ICAO Doc 9303 Part 10 §4.6.2, Part 11 §5.1 "Passive
 * Authentication"): tag 0x77 around a CMS SignedData (RFC 5652) whose content, of type
 * id-icao-mrtd-security-ldsSecurityObject, is
 *
 *   LDSSecurityObject ::= SEQUENCE { version INTEGER (0), hashAlgorithm AlgorithmIdentifier,
 *                                    dataGroupHashValues SEQUENCE OF DataGroupHash }
 *   DataGroupHash     ::= SEQUENCE { dataGroupNumber INTEGER, dataGroupHashValue OCTET STRING }
 *
 * It is signed by the Document Signer, whose certificate travels in the SignedData. The signer
 * info carries signed attributes (content type, signing time, message digest), as Part 10 requires.
 */
import { createHash, sign } from 'node:crypto';
import {
  children, context, contentOf, DerError, encodingOf, expect, expectChildren, integer, octetString, oid, parse,
  readOid, readSmallInt, readTime, sequence, setOf, tlv, x509Time, type Der,
} from './der.ts';
import { SOD_TAG } from './lds.ts';
import { HASH_BY_OID, OID, SIGNATURE_HASH_BY_OID } from './oids.ts';
import type { Signer } from './pki.ts';

export type HashName = 'sha256' | 'sha384' | 'sha512';

/** The EF.SOD for these data groups (number → whole file), SHA-256 hashes, signed now by `signer`. */
export function createSod(dataGroups: ReadonlyMap<number, Buffer>, signer: Signer, opts: { signingTime: Date }): Buffer {
  const sha256 = sequence(oid(OID.sha256));
  const hashes = [...dataGroups.entries()].sort(([a], [b]) => a - b)
    .map(([n, bytes]) => sequence(integer(n), octetString(createHash('sha256').update(bytes).digest())));
  const eContent = sequence(integer(0), sha256, sequence(...hashes));
  const signedAttrs = setOf(
    sequence(oid(OID.contentType), setOf(oid(OID.ldsSecurityObject))),
    sequence(oid(OID.signingTime), setOf(x509Time(new Date(Math.floor(opts.signingTime.getTime() / 1000) * 1000)))),
    sequence(oid(OID.messageDigest), setOf(octetString(createHash('sha256').update(eContent).digest()))),
  );
  // The signature covers the DER of the attributes as a SET OF; the SignerInfo stores them as [0] IMPLICIT.
  const signature = sign('sha256', signedAttrs, { key: signer.privateKey, dsaEncoding: 'der' });
  const cert = signer.certificate;
  const signerInfo = sequence(
    integer(1),
    sequence(Buffer.from(cert.issuer), tlv(0x02, cert.serialNumber)),
    sha256,
    Buffer.concat([Buffer.of(0xa0), signedAttrs.subarray(1)]),
    sequence(oid(OID.ecdsaWithSha256)),
    octetString(signature),
  );
  const signedData = sequence(
    integer(3),
    setOf(sha256),
    sequence(oid(OID.ldsSecurityObject), context(0, octetString(eContent))),
    context(0, cert.der),
    setOf(signerInfo),
  );
  return tlv(SOD_TAG, sequence(oid(OID.signedData), context(0, signedData)));
}

export type SignerIdentifier =
  | { kind: 'issuer_and_serial'; issuer: Buffer; serialNumber: Buffer }
  | { kind: 'subject_key_identifier'; keyIdentifier: Buffer };

export interface ParsedSod {
  /** The hash algorithm of the data-group hashes. */
  hashAlgorithm: HashName;
  dataGroupHashes: ReadonlyMap<number, Buffer>;
  eContentType: string;
  eContent: Buffer;
  /** DER of each certificate carried in the SignedData. */
  certificates: readonly Buffer[];
  signerId: SignerIdentifier;
  digestAlgorithm: HashName;
  /** The signed attributes re-encoded as SET OF (tag 0x31): the bytes the signature covers. */
  signedAttributes: Buffer;
  contentType: string | null;
  messageDigest: Buffer | null;
  signingTime: Date | null;
  signatureAlgorithm: string;
  signatureHash: HashName;
  signature: Buffer;
}

/** Why an SOD could not be read: its structure, or an algorithm this verifier does not implement. */
export class SodError extends Error {
  constructor(readonly reason: 'malformed' | 'unsupported_algorithm', message: string) {
    super(message);
  }
}

const algorithm = (el: Der | undefined, what: string): string => readOid(expectChildren(el, 0x30, what, 1)[0]!);

function hashOf(id: string, what: string): HashName {
  const h = HASH_BY_OID.get(id);
  if (!h) throw new SodError('unsupported_algorithm', `${what}: ${id}`);
  return h;
}

/** Parses an EF.SOD. Throws SodError naming what is wrong. */
export function readSod(bytes: Buffer): ParsedSod {
  try {
    return readSodStrict(bytes);
  } catch (e) {
    if (e instanceof DerError) throw new SodError('malformed', e.message);
    throw e;
  }
}

function readSodStrict(bytes: Buffer): ParsedSod {
  const ef = parse(bytes);
  if (ef.tag !== SOD_TAG) throw new SodError('malformed', `EF.SOD tag 0x${ef.tag.toString(16)}, expected 0x77`);
  const [contentInfo] = children(ef);
  const [ciType, ciContent] = expectChildren(contentInfo, 0x30, 'ContentInfo', 2);
  if (readOid(ciType!) !== OID.signedData) throw new SodError('malformed', 'ContentInfo is not signedData');
  const sd = expectChildren(children(expect(ciContent, 0xa0, 'ContentInfo content'))[0], 0x30, 'SignedData', 4);
  let i = 1; // version, digestAlgorithms, encapContentInfo, [certificates], [crls], signerInfos
  i++; // digestAlgorithms: the signer info names the one it uses
  const [eType, eWrap] = expectChildren(sd[i++], 0x30, 'EncapsulatedContentInfo', 2);
  const eContent = Buffer.from(contentOf(expect(children(expect(eWrap, 0xa0, 'eContent'))[0], 0x04, 'eContent OCTET STRING')));
  const certificates: Buffer[] = [];
  if (sd[i]?.tag === 0xa0) for (const c of children(sd[i++]!)) if (c.tag === 0x30) certificates.push(Buffer.from(encodingOf(c)));
  if (sd[i]?.tag === 0xa1) i++; // crls
  const signerInfos = expectChildren(sd[i], 0x31, 'signerInfos', 1);
  if (signerInfos.length !== 1) throw new SodError('malformed', `${signerInfos.length} signer infos; ICAO 9303 allows exactly one`);

  const si = expectChildren(signerInfos[0], 0x30, 'SignerInfo', 5);
  const sid = si[1]!;
  let signerId: SignerIdentifier;
  if (sid.tag === 0x30) {
    const [issuer, serial] = expectChildren(sid, 0x30, 'IssuerAndSerialNumber', 2);
    signerId = { kind: 'issuer_and_serial', issuer: Buffer.from(encodingOf(expect(issuer, 0x30, 'issuer'))), serialNumber: Buffer.from(contentOf(expect(serial, 0x02, 'serialNumber'))) };
  } else if (sid.tag === 0x80) signerId = { kind: 'subject_key_identifier', keyIdentifier: Buffer.from(contentOf(sid)) };
  else throw new SodError('malformed', 'unknown signer identifier');
  const digestAlgorithm = hashOf(algorithm(si[2], 'digestAlgorithm'), 'digest algorithm');
  const attrs = si[3];
  if (attrs?.tag !== 0xa0) throw new SodError('malformed', 'no signed attributes (ICAO 9303 Part 10 requires them)');
  let contentType: string | null = null;
  let messageDigest: Buffer | null = null;
  let signingTime: Date | null = null;
  for (const a of children(attrs)) {
    const [type, values] = expectChildren(a, 0x30, 'Attribute', 2);
    const value = expectChildren(values, 0x31, 'attribute values', 1)[0]!;
    const id = readOid(type!);
    if (id === OID.contentType) contentType = readOid(value);
    else if (id === OID.messageDigest) messageDigest = Buffer.from(contentOf(expect(value, 0x04, 'messageDigest')));
    else if (id === OID.signingTime) signingTime = readTime(value);
  }
  const signatureAlgorithm = algorithm(si[4], 'signatureAlgorithm');
  const signatureHash = SIGNATURE_HASH_BY_OID.get(signatureAlgorithm)
    ?? (signatureAlgorithm === OID.ecPublicKey ? digestAlgorithm : undefined); // some issuers name only the key type
  if (!signatureHash) throw new SodError('unsupported_algorithm', `signature algorithm ${signatureAlgorithm}`);
  const signature = Buffer.from(contentOf(expect(si[5], 0x04, 'signature')));
  const signedAttributes = Buffer.concat([Buffer.of(0x31), encodingOf(attrs).subarray(1)]);

  const lso = expectChildren(parse(eContent), 0x30, 'LDSSecurityObject', 3);
  const version = readSmallInt(lso[0]!);
  if (version !== 0 && version !== 1) throw new SodError('malformed', `LDSSecurityObject version ${version}`);
  const hashAlgorithm = hashOf(algorithm(lso[1], 'hashAlgorithm'), 'data group hash algorithm');
  const dataGroupHashes = new Map<number, Buffer>();
  for (const h of expectChildren(lso[2], 0x30, 'dataGroupHashValues', 1)) {
    const [n, v] = expectChildren(h, 0x30, 'DataGroupHash', 2);
    const dg = readSmallInt(n!);
    if (dg < 1 || dg > 16 || dataGroupHashes.has(dg)) throw new SodError('malformed', `data group number ${dg}`);
    dataGroupHashes.set(dg, Buffer.from(contentOf(expect(v, 0x04, 'dataGroupHashValue'))));
  }
  return {
    hashAlgorithm, dataGroupHashes, eContentType: readOid(eType!), eContent, certificates, signerId, digestAlgorithm,
    signedAttributes, contentType, messageDigest, signingTime, signatureAlgorithm, signatureHash, signature,
  };
}
