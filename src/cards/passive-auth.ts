/**
 * Passive authentication of a chip (ICAO Doc 9303 Part 11 §5.1) plus the card's status: given the
 * EF.SOD, the data groups read, the trusted CSCA certificates and a date, each check is answered on
 * its own with a named outcome, so a reader sees exactly what failed:
 *
 *   sod              the SOD reads (`sod_malformed`, `algorithm_unsupported`)
 *   dg_hash (each)   the data group's hash equals the SOD's (`dg_hash_mismatch`, `dg_not_in_sod`;
 *                    `not_presented` for a group the SOD lists but the reader did not supply: no failure)
 *   sod_signature    the Document Signer's signature over the signed attributes, and the attributes
 *                    over the content (`signer_certificate_missing`, `sod_signature_invalid`,
 *                    `sod_message_digest_mismatch`, `sod_content_type_mismatch`)
 *   signer_chain     the DS certificate is a document signer issued by a trusted CSCA
 *                    (`signer_not_document_signer`, `signer_not_trusted`)
 *   signer_validity  the DS and its CSCA certificates are valid at the date (`signer_expired`,
 *                    `signer_not_yet_valid`, `csca_expired`, `csca_not_yet_valid`)
 *   document_expiry  the expiry in DG1's MRZ has not passed at the date (Vietnam time)
 *                    (`document_expired`, `dg1_unreadable`)
 *   card_status      the issuer's record of this card (`card_revoked`, `card_reported_lost`,
 *                    `card_superseded`, `card_expired`, `card_unknown`)
 *
 * `not_checked` means a check could not run (its input failed or is absent); the failure that
 * prevented it is reported by its own check. A verifier caches what it learnt about each DS
 * certificate (parsed, chained), so a busy verifier does one ECDSA verification per chip.
 */
import { createHash, verify as verifySignature, type KeyObject } from 'node:crypto';
import { vnCalendarDate } from '../vn/index.ts';
import { decodeDg1 } from './lds.ts';
import { parseVnMrz, type MrzExpiry } from './mrz.ts';
import { OID } from './oids.ts';
import { readSod, SodError, type ParsedSod } from './sod.ts';
import { compareDates } from './validity.ts';
import { readCertificate, type CertificateInfo } from './x509.ts';

export type CardStatus = 'valid' | 'superseded' | 'reported_lost' | 'revoked' | 'expired';

/** What identifies the chip to the issuer's card records. */
export interface ChipReference {
  idNumber: string;
  documentNumber: string;
  expiry: MrzExpiry;
  /** SHA-256 of the EF.SOD: unique to one personalised card. */
  sodSha256: Buffer;
}

/** The issuer's status of a card; null when the issuer has no record of it. */
export type CardStatusLookup = (chip: ChipReference) => CardStatus | null | Promise<CardStatus | null>;

export type PaCheck =
  | { check: 'sod'; outcome: 'pass' | 'sod_malformed' | 'algorithm_unsupported'; detail?: string }
  | { check: 'dg_hash'; dataGroup: number; outcome: 'pass' | 'dg_hash_mismatch' | 'dg_not_in_sod' | 'not_presented' | 'not_checked' }
  | { check: 'sod_signature'; outcome: 'pass' | 'signer_certificate_missing' | 'sod_signature_invalid' | 'sod_message_digest_mismatch' | 'sod_content_type_mismatch' | 'not_checked'; detail?: string }
  | { check: 'signer_chain'; outcome: 'pass' | 'signer_not_document_signer' | 'signer_not_trusted' | 'not_checked'; detail?: string }
  | { check: 'signer_validity'; outcome: 'pass' | 'signer_expired' | 'signer_not_yet_valid' | 'csca_expired' | 'csca_not_yet_valid' | 'not_checked'; detail?: string }
  | { check: 'document_expiry'; outcome: 'pass' | 'document_expired' | 'dg1_unreadable' | 'not_checked'; detail?: string }
  | { check: 'card_status'; outcome: 'pass' | 'card_revoked' | 'card_reported_lost' | 'card_superseded' | 'card_expired' | 'card_unknown' | 'not_checked'; detail?: string };

export type PaCheckName = PaCheck['check'];

export interface PaReport {
  /** True when no check failed. */
  ok: boolean;
  checks: readonly PaCheck[];
  /** Each failure as `outcome` or `outcome: DGn`, e.g. `dg_hash_mismatch: DG13`. */
  failures: readonly string[];
}

export interface PaInput {
  sod: Buffer;
  /** Data group number → the whole elementary file as read. */
  dataGroups: ReadonlyMap<number, Buffer>;
  /** The date the verification is for. */
  at: Date;
}

export interface PassiveAuthenticator {
  verify(input: PaInput): Promise<PaReport>;
}

const NOT_FAILURES = new Set(['pass', 'not_checked', 'not_presented']);

const STATUS_OUTCOME: Record<CardStatus, Extract<PaCheck, { check: 'card_status' }>['outcome']> = {
  valid: 'pass', revoked: 'card_revoked', reported_lost: 'card_reported_lost', superseded: 'card_superseded', expired: 'card_expired',
};

interface SignerEntry {
  info: CertificateInfo | null;
  publicKey: KeyObject | null;
  chain: { outcome: 'pass' | 'signer_not_document_signer' | 'signer_not_trusted'; detail?: string; csca?: CertificateInfo };
}

function matchesSignerId(c: CertificateInfo, sod: ParsedSod): boolean {
  const id = sod.signerId;
  return id.kind === 'issuer_and_serial'
    ? c.issuer.equals(id.issuer) && c.serialNumber.equals(id.serialNumber)
    : c.subjectKeyIdentifier !== null && c.subjectKeyIdentifier.equals(id.keyIdentifier);
}

/** ICAO 9303 Part 12: a DS certificate has key usage digitalSignature and is not a CA. */
function chainOf(ds: CertificateInfo, anchors: readonly CertificateInfo[]): SignerEntry['chain'] {
  if (ds.isCa || !ds.keyUsage?.has('digitalSignature')) return { outcome: 'signer_not_document_signer', detail: 'key usage lacks digitalSignature, or the certificate is a CA' };
  const named = anchors.filter((a) => a.subject.equals(ds.issuer)
    && (ds.authorityKeyIdentifier === null || a.subjectKeyIdentifier === null || a.subjectKeyIdentifier.equals(ds.authorityKeyIdentifier)));
  if (!named.length) return { outcome: 'signer_not_trusted', detail: `no trusted CSCA is the issuer (${ds.x509.issuer.replaceAll('\n', ', ')})` };
  const csca = named.find((a) => ds.x509.verify(a.x509.publicKey));
  if (!csca) return { outcome: 'signer_not_trusted', detail: 'the certificate signature does not verify with the trusted CSCA of that name' };
  return { outcome: 'pass', csca };
}

/**
 * A verifier for a trust list. `cacheSize`: Document Signer certificates remembered (parsed and
 * chained; 0 = none, default 1024). Throws RangeError if a trusted certificate is not a CSCA (CA with keyCertSign).
 */
export function createPassiveAuthenticator(opts: { trustedCscas: readonly Buffer[]; cardStatus?: CardStatusLookup; cacheSize?: number }): PassiveAuthenticator {
  const anchors = opts.trustedCscas.map((der) => {
    const c = readCertificate(der);
    if (!c.isCa || !c.keyUsage?.has('keyCertSign')) throw new RangeError(`trusted certificate ${c.x509.subject.replaceAll('\n', ', ')} is not a CSCA`);
    return c;
  });
  const cacheSize = opts.cacheSize ?? 1024;
  const signers = new Map<string, SignerEntry>();

  const signerEntry = (der: Buffer): SignerEntry => {
    const key = der.toString('latin1');
    let e = signers.get(key);
    if (e) return e;
    let info: CertificateInfo | null = null;
    try { info = readCertificate(der); } catch { /* not a certificate: it cannot match the signer id */ }
    e = { info, publicKey: info?.x509.publicKey ?? null, chain: info ? chainOf(info, anchors) : { outcome: 'signer_not_trusted', detail: 'unreadable certificate' } };
    if (cacheSize > 0) {
      if (signers.size >= cacheSize) signers.clear();
      signers.set(key, e);
    }
    return e;
  };

  return {
    async verify(input) {
      const checks: PaCheck[] = [];
      let sod: ParsedSod;
      try {
        sod = readSod(input.sod);
        checks.push({ check: 'sod', outcome: 'pass' });
      } catch (e) {
        if (!(e instanceof SodError)) throw e;
        checks.push({ check: 'sod', outcome: e.reason === 'malformed' ? 'sod_malformed' : 'algorithm_unsupported', detail: e.message });
        for (const n of [...input.dataGroups.keys()].sort((a, b) => a - b)) checks.push({ check: 'dg_hash', dataGroup: n, outcome: 'not_checked' });
        for (const check of ['sod_signature', 'signer_chain', 'signer_validity', 'document_expiry', 'card_status'] as const) checks.push({ check, outcome: 'not_checked', detail: 'the SOD could not be read' });
        return report(checks);
      }

      // Data group hashes.
      const numbers = [...new Set([...sod.dataGroupHashes.keys(), ...input.dataGroups.keys()])].sort((a, b) => a - b);
      const dgOutcome = new Map<number, Extract<PaCheck, { check: 'dg_hash' }>['outcome']>();
      for (const n of numbers) {
        const expected = sod.dataGroupHashes.get(n);
        const bytes = input.dataGroups.get(n);
        const outcome = !bytes ? 'not_presented' : !expected ? 'dg_not_in_sod'
          : createHash(sod.hashAlgorithm).update(bytes).digest().equals(expected) ? 'pass' : 'dg_hash_mismatch';
        dgOutcome.set(n, outcome);
        checks.push({ check: 'dg_hash', dataGroup: n, outcome });
      }

      // The signature, by the certificate the signer info names.
      const signer = sod.certificates.map(signerEntry).find((e) => e.info && matchesSignerId(e.info, sod));
      if (!signer?.info || !signer.publicKey) {
        checks.push({ check: 'sod_signature', outcome: 'signer_certificate_missing', detail: 'the SOD carries no certificate matching its signer identifier' });
        checks.push({ check: 'signer_chain', outcome: 'not_checked' }, { check: 'signer_validity', outcome: 'not_checked' });
      } else {
        const ds = signer.info;
        if (!verifySignature(sod.signatureHash, sod.signedAttributes, { key: signer.publicKey, dsaEncoding: 'der' }, sod.signature)) {
          checks.push({ check: 'sod_signature', outcome: 'sod_signature_invalid', detail: 'the signature does not verify with the Document Signer key' });
        } else if (!sod.messageDigest || !createHash(sod.digestAlgorithm).update(sod.eContent).digest().equals(sod.messageDigest)) {
          checks.push({ check: 'sod_signature', outcome: 'sod_message_digest_mismatch', detail: 'the signed digest differs from the LDS security object' });
        } else if (sod.contentType !== sod.eContentType || sod.eContentType !== OID.ldsSecurityObject) {
          checks.push({ check: 'sod_signature', outcome: 'sod_content_type_mismatch', detail: `content type ${sod.eContentType}` });
        } else checks.push({ check: 'sod_signature', outcome: 'pass' });

        const { outcome, detail } = signer.chain;
        checks.push(detail === undefined ? { check: 'signer_chain', outcome } : { check: 'signer_chain', outcome, detail });
        const at = input.at.getTime();
        const csca = signer.chain.csca;
        if (at < ds.notBefore.getTime()) checks.push({ check: 'signer_validity', outcome: 'signer_not_yet_valid', detail: `valid from ${ds.notBefore.toISOString()}` });
        else if (at > ds.notAfter.getTime()) checks.push({ check: 'signer_validity', outcome: 'signer_expired', detail: `expired ${ds.notAfter.toISOString()}` });
        else if (csca && at < csca.notBefore.getTime()) checks.push({ check: 'signer_validity', outcome: 'csca_not_yet_valid', detail: `valid from ${csca.notBefore.toISOString()}` });
        else if (csca && at > csca.notAfter.getTime()) checks.push({ check: 'signer_validity', outcome: 'csca_expired', detail: `expired ${csca.notAfter.toISOString()}` });
        else checks.push({ check: 'signer_validity', outcome: 'pass' });
      }

      // Expiry and status, from DG1 once its hash is verified.
      const dg1 = input.dataGroups.get(1);
      const dg1Outcome = dgOutcome.get(1);
      if (!dg1 || dg1Outcome !== 'pass') {
        const detail = !dg1 ? 'DG1 not presented' : `DG1 hash: ${dg1Outcome}`;
        checks.push({ check: 'document_expiry', outcome: 'not_checked', detail }, { check: 'card_status', outcome: 'not_checked', detail });
        return report(checks);
      }
      let mrz;
      try {
        mrz = parseVnMrz(decodeDg1(dg1));
      } catch {
        mrz = null;
      }
      if (!mrz?.ok) {
        checks.push({ check: 'document_expiry', outcome: 'dg1_unreadable', detail: 'DG1 does not hold a Vietnamese card MRZ' }, { check: 'card_status', outcome: 'not_checked', detail: 'DG1 unreadable' });
        return report(checks);
      }
      const expiry = mrz.value.expiry;
      checks.push(expiry.kind === 'on' && compareDates(vnCalendarDate(input.at), expiry.date) > 0
        ? { check: 'document_expiry', outcome: 'document_expired', detail: `last valid day ${expiry.date.year}-${String(expiry.date.month).padStart(2, '0')}-${String(expiry.date.day).padStart(2, '0')}` }
        : { check: 'document_expiry', outcome: 'pass' });

      if (!opts.cardStatus) checks.push({ check: 'card_status', outcome: 'not_checked', detail: 'no card status source configured' });
      else {
        const status = await opts.cardStatus({ idNumber: mrz.value.idNumber, documentNumber: mrz.value.documentNumber, expiry, sodSha256: createHash('sha256').update(input.sod).digest() });
        checks.push({ check: 'card_status', outcome: status === null ? 'card_unknown' : STATUS_OUTCOME[status] });
      }
      return report(checks);
    },
  };
}

function report(checks: PaCheck[]): PaReport {
  const failures = checks.filter((c) => !NOT_FAILURES.has(c.outcome)).map((c) => (c.check === 'dg_hash' ? `${c.outcome}: DG${c.dataGroup}` : c.outcome));
  return { ok: failures.length === 0, checks, failures };
}
