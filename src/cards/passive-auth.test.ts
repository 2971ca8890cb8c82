import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { personaliseChip } from './chip.ts';
import { encodeDg13 } from './lds.ts';
import { createPassiveAuthenticator, type CardStatus, type ChipReference, type PaCheckName, type PaReport } from './passive-auth.ts';
import { createSod } from './sod.ts';
import { SYNTHETIC_CARD, SYNTHETIC_HOLDER, testPki } from './synthetic.ts';

const { csca, ds } = testPki();
const SIGNED = new Date('2026-02-10T03:00:00Z');
const AT = new Date('2026-06-01T00:00:00Z');
const chip = personaliseChip(SYNTHETIC_HOLDER, SYNTHETIC_CARD, ds, { signingTime: SIGNED });
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

const verifier = (trusted = [csca.certificate.der], status: CardStatus | null = 'valid') => createPassiveAuthenticator({ trustedCscas: trusted, cardStatus: () => status });
const outcome = (r: PaReport, check: PaCheckName, dg?: number): string | undefined =>
  r.checks.find((c) => c.check === check && (dg === undefined || (c.check === 'dg_hash' && c.dataGroup === dg)))?.outcome;
const withDg = (n: number, bytes: Buffer): Map<number, Buffer> => new Map([...chip.dataGroups, [n, bytes]]);
const flipLast = (b: Buffer): Buffer => { const c = Buffer.from(b); c[c.length - 1]! ^= 0x01; return c; };

describe('a genuine chip', () => {
  test('every check passes, each reported by name', async () => {
    const r = await verifier().verify({ sod: chip.sod, dataGroups: chip.dataGroups, at: AT });
    assert.deepEqual(r, {
      ok: true,
      failures: [],
      checks: [
        { check: 'sod', outcome: 'pass' },
        { check: 'dg_hash', dataGroup: 1, outcome: 'pass' },
        { check: 'dg_hash', dataGroup: 2, outcome: 'pass' },
        { check: 'dg_hash', dataGroup: 13, outcome: 'pass' },
        { check: 'sod_signature', outcome: 'pass' },
        { check: 'signer_chain', outcome: 'pass' },
        { check: 'signer_validity', outcome: 'pass' },
        { check: 'document_expiry', outcome: 'pass' },
        { check: 'card_status', outcome: 'pass' },
      ],
    });
  });
  test('the status lookup is asked about this chip: ID number, document number, expiry, SOD hash', async () => {
    const asked: ChipReference[] = [];
    await createPassiveAuthenticator({ trustedCscas: [csca.certificate.der], cardStatus: (c) => { asked.push(c); return 'valid'; } })
      .verify({ sod: chip.sod, dataGroups: chip.dataGroups, at: AT });
    assert.deepEqual(asked, [{ idNumber: '001090012345', documentNumber: '090012345', expiry: SYNTHETIC_CARD.expiry, sodSha256: sha256(chip.sod) }]);
  });
  test('a data group the reader did not read is not a failure', async () => {
    const r = await verifier().verify({ sod: chip.sod, dataGroups: new Map([...chip.dataGroups].filter(([n]) => n !== 2)), at: AT });
    assert.equal(outcome(r, 'dg_hash', 2), 'not_presented');
    assert.equal(r.ok, true);
  });
  test('without a status source the status is not checked, and that is not a failure', async () => {
    const r = await createPassiveAuthenticator({ trustedCscas: [csca.certificate.der] }).verify({ sod: chip.sod, dataGroups: chip.dataGroups, at: AT });
    assert.equal(outcome(r, 'card_status'), 'not_checked');
    assert.equal(r.ok, true);
  });
  test('the cached signer gives the same answer, also with a cache of one entry and two signers', async () => {
    const other = testPki('second-ds');
    const chip2 = personaliseChip(SYNTHETIC_HOLDER, SYNTHETIC_CARD, other.ds, { signingTime: SIGNED });
    const pa = createPassiveAuthenticator({ trustedCscas: [csca.certificate.der, other.csca.certificate.der], cacheSize: 1 });
    for (let i = 0; i < 3; i++) {
      assert.equal((await pa.verify({ sod: chip.sod, dataGroups: chip.dataGroups, at: AT })).ok, true);
      assert.equal((await pa.verify({ sod: chip2.sod, dataGroups: chip2.dataGroups, at: AT })).ok, true);
    }
  });
});

describe('each tampering detected by name', () => {
  const cases: Array<[string, () => { sod?: Buffer; dataGroups?: ReadonlyMap<number, Buffer>; trusted?: Buffer[]; status?: CardStatus | null; at?: Date }, string[], Partial<Record<PaCheckName, string>>]> = [
    ['one byte of DG13 changed', () => ({ dataGroups: withDg(13, flipLast(chip.dataGroups.get(13)!)) }), ['dg_hash_mismatch: DG13'], { sod_signature: 'pass', card_status: 'pass' }],
    ['DG13 rewritten with another name', () => ({ dataGroups: withDg(13, encodeDg13({ ...SYNTHETIC_HOLDER, fullName: 'Nguyễn Văn Bảo' }, SYNTHETIC_CARD)) }), ['dg_hash_mismatch: DG13'], {}],
    ['one byte of the face (DG2) changed', () => ({ dataGroups: withDg(2, flipLast(chip.dataGroups.get(2)!)) }), ['dg_hash_mismatch: DG2'], {}],
    ['DG1 changed: expiry and status cannot be trusted, so not checked', () => ({ dataGroups: withDg(1, flipLast(chip.dataGroups.get(1)!)) }), ['dg_hash_mismatch: DG1'], { document_expiry: 'not_checked', card_status: 'not_checked' }],
    ['a data group the SOD does not list (DG15)', () => ({ dataGroups: withDg(15, Buffer.from('6f0130', 'hex')) }), ['dg_not_in_sod: DG15'], {}],
    ['the SOD hash of DG13 replaced to match a forged DG13', () => {
      const forged = encodeDg13({ ...SYNTHETIC_HOLDER, fullName: 'Nguyễn Văn Bảo' }, SYNTHETIC_CARD);
      const sod = Buffer.from(chip.sod);
      sha256(forged).copy(sod, sod.indexOf(sha256(chip.dataGroups.get(13)!)));
      return { sod, dataGroups: withDg(13, forged) };
    }, ['sod_message_digest_mismatch'], { 'dg_hash': 'pass', signer_chain: 'pass' }],
    ['the signing time in the signed attributes changed', () => {
      const sod = Buffer.from(chip.sod);
      const at = sod.indexOf(Buffer.from('260210030000Z'));
      sod[at + 1] = 0x37; // 2026 → 2027
      return { sod };
    }, ['sod_signature_invalid'], {}],
    ['wrong signer: the SOD signed by another key than its certificate\'s', () => ({
      sod: personaliseChip(SYNTHETIC_HOLDER, SYNTHETIC_CARD, { certificate: ds.certificate, privateKey: testPki('attacker').ds.privateKey }, { signingTime: SIGNED }).sod,
    }), ['sod_signature_invalid'], { signer_chain: 'pass' }],
    ['the signer identifier names no certificate in the SOD', () => {
      const sod = Buffer.from(chip.sod);
      const serial = ds.certificate.serialNumber;
      sod[sod.lastIndexOf(serial) + serial.length - 1]! ^= 0x01;
      return { sod };
    }, ['signer_certificate_missing'], { signer_chain: 'not_checked', signer_validity: 'not_checked' }],
    ['a foreign CSCA only in the trust list', () => ({ trusted: [testPki('utopia', { country: 'UT' }).csca.certificate.der] }), ['signer_not_trusted'], { sod_signature: 'pass' }],
    ['a CSCA impostor: same name, another key', () => ({ trusted: [testPki('impostor').csca.certificate.der] }), ['signer_not_trusted'], {}],
    ['a chip signed by a DS of an untrusted CSCA', () => {
      const rogue = testPki('rogue-issuer');
      return { sod: personaliseChip(SYNTHETIC_HOLDER, SYNTHETIC_CARD, rogue.ds, { signingTime: SIGNED }).sod };
    }, ['signer_not_trusted'], { sod_signature: 'pass' }],
    ['signed with the CSCA key directly (not a document signer)', () => ({ sod: personaliseChip(SYNTHETIC_HOLDER, SYNTHETIC_CARD, csca, { signingTime: SIGNED }).sod }), ['signer_not_document_signer'], { sod_signature: 'pass' }],
    ['checked after the Document Signer certificate expired', () => {
      const short = testPki('short', { periods: { maxCardValidityYears: 1 } }); // DS valid to 2027-05-02
      return { sod: personaliseChip(SYNTHETIC_HOLDER, SYNTHETIC_CARD, short.ds, { signingTime: SIGNED }).sod, trusted: [short.csca.certificate.der], at: new Date('2028-01-01T00:00:00Z') };
    }, ['signer_expired'], { signer_chain: 'pass', document_expiry: 'pass' }],
    ['checked before the Document Signer certificate is valid', () => ({ at: new Date('2026-01-15T00:00:00Z') }), ['signer_not_yet_valid'], {}],
    ['checked after the CSCA expired, the DS still valid', () => {
      const pki = testPki('old-csca', { periods: { cscaPrivateKeyUsageYears: 1, maxCardValidityYears: 1 }, dsPeriods: { maxCardValidityYears: 10 } });
      return { sod: personaliseChip(SYNTHETIC_HOLDER, SYNTHETIC_CARD, pki.ds, { signingTime: SIGNED }).sod, trusted: [pki.csca.certificate.der], at: new Date('2029-01-01T00:00:00Z') };
    }, ['csca_expired'], { signer_chain: 'pass' }],
    ['revoked card', () => ({ status: 'revoked' }), ['card_revoked'], { sod_signature: 'pass', signer_chain: 'pass' }],
    ['card reported lost', () => ({ status: 'reported_lost' }), ['card_reported_lost'], {}],
    ['card superseded by a newer one', () => ({ status: 'superseded' }), ['card_superseded'], {}],
    ['card the issuer has marked expired', () => ({ status: 'expired' }), ['card_expired'], {}],
    ['card the issuer has no record of', () => ({ status: null }), ['card_unknown'], {}],
    ['past the expiry printed in the MRZ (1 January 2030, Vietnam time)', () => ({ at: new Date('2030-01-01T17:00:00Z') }), ['document_expired'], {}],
    ['SOD not readable', () => ({ sod: chip.sod.subarray(0, 100) }), ['sod_malformed'], { dg_hash: 'not_checked', sod_signature: 'not_checked', card_status: 'not_checked' }],
  ];
  for (const [name, make, failures, more] of cases) {
    test(name, async () => {
      const c = make();
      const r = await verifier(c.trusted, c.status === undefined ? 'valid' : c.status).verify({ sod: c.sod ?? chip.sod, dataGroups: c.dataGroups ?? chip.dataGroups, at: c.at ?? AT });
      assert.deepEqual(r.failures, failures);
      assert.equal(r.ok, false);
      for (const [check, want] of Object.entries(more)) assert.equal(outcome(r, check as PaCheckName), want, check);
    });
  }

  test('the last valid day of the card still passes (23:59:59 on 01/01/2030 in Vietnam)', async () => {
    const r = await verifier().verify({ sod: chip.sod, dataGroups: chip.dataGroups, at: new Date('2030-01-01T16:59:59Z') });
    assert.equal(outcome(r, 'document_expiry'), 'pass');
  });
  test('several failures at once are all named', async () => {
    const r = await verifier([testPki('utopia', { country: 'UT' }).csca.certificate.der], 'revoked')
      .verify({ sod: chip.sod, dataGroups: withDg(13, flipLast(chip.dataGroups.get(13)!)), at: new Date('2031-01-01T00:00:00Z') });
    assert.deepEqual(r.failures, ['dg_hash_mismatch: DG13', 'signer_not_trusted', 'document_expired', 'card_revoked']);
  });
  test('a trust list holding a non-CA certificate is a configuration error', () => {
    assert.throws(() => createPassiveAuthenticator({ trustedCscas: [ds.certificate.der] }), RangeError);
  });
});
