import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sign, verify } from 'node:crypto';
import { fromPem, loadSigner, p256KeyPair, PKI_DEFAULTS, privateKeyPem, toPem } from './pki.ts';
import { seededRandom } from './random.ts';
import { testPki, TEST_CSCA_NOT_BEFORE, TEST_DS_NOT_BEFORE } from './synthetic.ts';
import { keyUsageBits, readCertificate } from './x509.ts';

const { csca, ds } = testPki();
const years = (a: Date, b: Date): number => (b.getTime() - a.getTime()) / (365.2425 * 86_400_000);

describe('CSCA (ICAO 9303 Part 12 profile)', () => {
  const c = csca.certificate;
  test('is self-issued and self-signed', () => {
    assert.ok(c.subject.equals(c.issuer));
    assert.ok(c.x509.verify(c.x509.publicKey));
    assert.ok(c.x509.checkIssued(c.x509));
  });
  test('is a CA with keyCertSign and cRLSign only', () => {
    assert.equal(c.isCa, true);
    assert.deepEqual([...c.keyUsage!].sort(), ['cRLSign', 'keyCertSign']);
  });
  test('uses ECDSA P-256 with SHA-256', () => {
    assert.equal(c.signatureAlgorithm, '1.2.840.10045.4.3.2');
    assert.equal(c.x509.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });
  test('key usage 5 years; certificate valid for that plus the longest DS certificate', () => {
    assert.equal(c.notBefore.toISOString(), TEST_CSCA_NOT_BEFORE.toISOString());
    assert.equal(c.privateKeyUsagePeriod?.notAfter?.toISOString(), '2031-01-01T00:00:00.000Z');
    // 5 years + 90 days + 22 years.
    assert.equal(c.notAfter.toISOString(), '2053-04-01T00:00:00.000Z');
  });
  test('has a subject key identifier, equal to its authority key identifier', () => {
    assert.equal(c.subjectKeyIdentifier?.length, 20);
    assert.ok(c.authorityKeyIdentifier?.equals(c.subjectKeyIdentifier!));
  });
});

describe('Document Signer', () => {
  const d = ds.certificate;
  test('chains to the CSCA: issuer name bytes, key identifier and signature', () => {
    assert.ok(d.issuer.equals(csca.certificate.subject));
    assert.ok(d.authorityKeyIdentifier?.equals(csca.certificate.subjectKeyIdentifier!));
    assert.ok(d.x509.verify(csca.certificate.x509.publicKey));
    assert.ok(d.x509.checkIssued(csca.certificate.x509));
    assert.equal(d.x509.verify(d.x509.publicKey), false);
  });
  test('is not a CA and may only sign (digitalSignature)', () => {
    assert.equal(d.isCa, false);
    assert.deepEqual([...d.keyUsage!], ['digitalSignature']);
  });
  test('key usage 90 days; certificate valid for that plus 22 years', () => {
    assert.equal(d.notBefore.toISOString(), TEST_DS_NOT_BEFORE.toISOString());
    assert.equal(d.privateKeyUsagePeriod?.notAfter?.toISOString(), '2026-05-02T00:00:00.000Z');
    assert.equal(d.notAfter.toISOString(), '2048-05-02T00:00:00.000Z');
    assert.ok(Math.abs(years(d.notBefore, d.notAfter) - (PKI_DEFAULTS.maxCardValidityYears + 90 / 365.2425)) < 0.01);
  });
  test('lies within the CSCA validity', () => assert.ok(d.notAfter <= csca.certificate.notAfter && d.notBefore >= csca.certificate.notBefore));
  test('serial numbers are positive and differ', () => {
    assert.equal(d.serialNumber[0]! & 0x80, 0);
    assert.ok(!d.serialNumber.equals(csca.certificate.serialNumber));
  });
});

describe('keys and randomness', () => {
  // The certificate bytes differ between runs only in the ECDSA signature, whose nonce OpenSSL draws.
  const spki = (c: typeof ds): Buffer => c.certificate.x509.publicKey.export({ type: 'spki', format: 'der' });
  test('the same seed gives the same keys, serial numbers and fields; another seed does not', () => {
    const again = testPki().ds;
    assert.ok(spki(again).equals(spki(ds)));
    assert.ok(again.certificate.serialNumber.equals(ds.certificate.serialNumber));
    assert.equal(again.certificate.x509.subject, ds.certificate.x509.subject);
    assert.ok(!spki(testPki('another seed').ds).equals(spki(ds)));
  });
  test('a P-256 key from randomness signs and verifies', () => {
    const { privateKey, publicKey } = p256KeyPair(seededRandom('k'));
    const sig = sign('sha256', Buffer.from('x'), { key: privateKey, dsaEncoding: 'der' });
    assert.ok(verify('sha256', Buffer.from('x'), { key: publicKey, dsaEncoding: 'der' }, sig));
  });
});

describe('PEM', () => {
  test('certificate round trip, readable by Node', () => {
    const pem = toPem(ds.certificate.der);
    assert.match(pem, /^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{1,64}\n)+-----END CERTIFICATE-----\n$/);
    assert.ok(fromPem(pem)[0]!.equals(ds.certificate.der));
    assert.equal(readCertificate(fromPem(pem)[0]!).x509.fingerprint256, ds.certificate.x509.fingerprint256);
  });
  test('a bundle of two', () => assert.equal(fromPem(toPem(csca.certificate.der) + toPem(ds.certificate.der)).length, 2));
  test('a signer reloads from PEM and still signs for its certificate', () => {
    const back = loadSigner(toPem(ds.certificate.der), privateKeyPem(ds.privateKey));
    const sig = sign('sha256', Buffer.from('y'), { key: back.privateKey, dsaEncoding: 'der' });
    assert.ok(verify('sha256', Buffer.from('y'), { key: back.certificate.x509.publicKey, dsaEncoding: 'der' }, sig));
  });
});

describe('key usage bits (X.690 §11.2.2: trailing zero bits removed)', () => {
  const cases: Array<[Parameters<typeof keyUsageBits>[0], string]> = [
    [['digitalSignature'], '0780'],
    [['keyCertSign', 'cRLSign'], '0106'],
    [['digitalSignature', 'nonRepudiation'], '06c0'],
    [['decipherOnly'], '070080'],
  ];
  for (const [u, hex] of cases) test(u.join('+'), () => assert.equal(keyUsageBits(u).toString('hex'), hex));
});
