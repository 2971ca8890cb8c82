import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, verify } from 'node:crypto';
import { personaliseChip } from './chip.ts';
import { OID } from './oids.ts';
import { readSod, SodError } from './sod.ts';
import { SYNTHETIC_CARD, SYNTHETIC_HOLDER, testPki } from './synthetic.ts';

const { ds } = testPki();
const SIGNING_TIME = new Date('2026-02-10T03:04:05.678Z');
const chip = personaliseChip(SYNTHETIC_HOLDER, SYNTHETIC_CARD, ds, { signingTime: SIGNING_TIME });
const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

describe('createSod / readSod', () => {
  const sod = readSod(chip.sod);
  test('EF.SOD tag 0x77', () => assert.equal(chip.sod[0], 0x77));
  test('LDS security object: SHA-256 hash of each whole data group, by number', () => {
    assert.equal(sod.hashAlgorithm, 'sha256');
    assert.deepEqual([...sod.dataGroupHashes.keys()], [1, 2, 13]);
    for (const [n, bytes] of chip.dataGroups) assert.ok(sod.dataGroupHashes.get(n)!.equals(sha256(bytes)), `DG${n}`);
    assert.equal(sod.eContentType, OID.ldsSecurityObject);
  });
  test('signed attributes: content type, message digest of the content, signing time in whole seconds', () => {
    assert.equal(sod.contentType, OID.ldsSecurityObject);
    assert.ok(sod.messageDigest!.equals(sha256(sod.eContent)));
    assert.equal(sod.signingTime?.toISOString(), '2026-02-10T03:04:05.000Z');
    assert.equal(sod.signedAttributes[0], 0x31);
  });
  test('signed by the Document Signer, identified by issuer and serial number; its certificate travels with it', () => {
    assert.deepEqual(sod.certificates.map((c) => c.equals(ds.certificate.der)), [true]);
    assert.equal(sod.signerId.kind, 'issuer_and_serial');
    assert.ok(sod.signerId.kind === 'issuer_and_serial' && sod.signerId.serialNumber.equals(ds.certificate.serialNumber));
    assert.equal(sod.signatureAlgorithm, OID.ecdsaWithSha256);
    assert.ok(verify('sha256', sod.signedAttributes, { key: ds.certificate.x509.publicKey, dsaEncoding: 'der' }, sod.signature));
  });

  const malformed: Array<[string, Buffer]> = [
    ['empty', Buffer.alloc(0)],
    ['another tag', Buffer.concat([Buffer.of(0x78), chip.sod.subarray(1)])],
    ['truncated', chip.sod.subarray(0, chip.sod.length - 10)],
    ['garbage', Buffer.from('not an SOD at all')],
    ['a data group instead', chip.dataGroups.get(1)!],
  ];
  for (const [name, bytes] of malformed) {
    test(`malformed: ${name}`, () => assert.throws(() => readSod(bytes), (e: unknown) => e instanceof SodError && e.reason === 'malformed'));
  }
  test('an unsupported hash algorithm (SHA-224) is named as such', () => {
    const sha256Oid = Buffer.from('608648016503040201', 'hex');
    const sha224Oid = Buffer.from('608648016503040204', 'hex');
    let bytes = Buffer.from(chip.sod);
    for (let i = bytes.indexOf(sha256Oid); i >= 0; i = bytes.indexOf(sha256Oid, i + 1)) sha224Oid.copy(bytes, i);
    bytes = Buffer.from(bytes);
    assert.throws(() => readSod(bytes), (e: unknown) => e instanceof SodError && e.reason === 'unsupported_algorithm');
  });
});
