import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  bitString, children, contentOf, DerError, generalizedTime, integer, oid, parse, printableString, read, readInteger, readOid,
  readString, readTime, sequence, setOf, tlv, unsignedInteger, utf8String, x509Time,
} from './der.ts';

const hex = (b: Buffer): string => b.toString('hex');
const h = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('writing (X.690 examples and edge cases)', () => {
  const cases: Array<[string, Buffer, string]> = [
    ['INTEGER 0', integer(0), '020100'],
    ['INTEGER 127', integer(127), '02017f'],
    ['INTEGER 128 needs a leading zero', integer(128), '02020080'],
    ['INTEGER 256', integer(256), '02020100'],
    ['INTEGER -1', integer(-1), '0201ff'],
    ['INTEGER -128', integer(-128), '020180'],
    ['INTEGER -129', integer(-129), '0202ff7f'],
    ['unsigned 0x80 gets a leading zero', unsignedInteger(h('80')), '02020080'],
    ['unsigned drops leading zeros', unsignedInteger(h('000001')), '020101'],
    ['OID sha256', oid('2.16.840.1.101.3.4.2.1'), '0609608648016503040201'],
    ['OID ecdsa-with-SHA256', oid('1.2.840.10045.4.3.2'), '06082a8648ce3d040302'],
    ['OID ICAO LDS security object', oid('2.23.136.1.1.1'), '0606678108010101'],
    ['UTF8String "Đ"', utf8String('Đ'), '0c02c490'],
    ['PrintableString', printableString('VN'), '1302564e'],
    ['BIT STRING with 7 unused bits', bitString(h('80'), 7), '03020780'],
    ['long form length (128 bytes)', tlv(0x04, Buffer.alloc(128)), `048180${'00'.repeat(128)}`],
    ['two-byte tag 5F1F', tlv(0x5f1f, Buffer.from('A')), '5f1f0141'],
    ['UTCTime in 2049', x509Time(new Date('2049-12-31T23:59:59Z')), `170d${hex(Buffer.from('491231235959Z'))}`],
    ['GeneralizedTime from 2050', x509Time(new Date('2050-01-01T00:00:00Z')), `180f${hex(Buffer.from('20500101000000Z'))}`],
  ];
  for (const [name, got, want] of cases) test(name, () => assert.equal(hex(got), want));

  test('SET OF sorts its elements by encoding', () => assert.equal(hex(setOf(integer(2), integer(1))), '3106020101020102'));
  test('PrintableString refuses other characters', () => assert.throws(() => printableString('Việt'), RangeError));
  test('OID refuses a bad first arc', () => assert.throws(() => oid('3.1'), RangeError));
});

describe('reading', () => {
  test('round trips', () => {
    const seq = parse(sequence(integer(-129), oid('1.2.840.10045.4.3.2'), utf8String('Nguyễn'), generalizedTime(new Date('2031-05-02T03:04:05Z'))));
    const [i, o, s, t] = children(seq);
    assert.equal(readInteger(i!), -129n);
    assert.equal(readOid(o!), '1.2.840.10045.4.3.2');
    assert.equal(readString(s!), 'Nguyễn');
    assert.equal(readTime(t!).toISOString(), '2031-05-02T03:04:05.000Z');
  });
  test('UTCTime years 50-99 are 1950-1999', () => assert.equal(readTime(parse(tlv(0x17, Buffer.from('500101000000Z')))).getUTCFullYear(), 1950));
  test('a two-byte tag and content', () => {
    const el = parse(tlv(0x7f61, [tlv(0x02, Buffer.of(1))]));
    assert.equal(el.tag, 0x7f61);
    assert.equal(el.constructed, true);
    assert.equal(hex(contentOf(children(el)[0]!)), '01');
  });

  const bad: Array<[string, string]> = [
    ['empty input', ''],
    ['indefinite length', '3080 0000'],
    ['long form for a short length', '0481 05 0102030405'],
    ['length with a leading zero octet', '048200 05 0102030405'],
    ['length past the end', '0405 0102'],
    ['trailing bytes', '0401 01 00'],
    ['truncated length', '04'],
    ['a child running past its parent', '3003 0405 01'],
    ['high tag form for a low tag number', '1f05 00'],
  ];
  for (const [name, bytes] of bad) test(`refuses ${name}`, () => assert.throws(() => { const el = parse(h(bytes)); if (el.constructed) children(el); }, DerError));

  const badValues: Array<[string, string, (b: Buffer) => unknown]> = [
    ['INTEGER with a redundant leading zero', '0202 0001', (b) => readInteger(parse(b))],
    ['INTEGER with a redundant leading FF', '0202 ff80', (b) => readInteger(parse(b))],
    ['empty INTEGER', '0200', (b) => readInteger(parse(b))],
    ['OID with a padded sub-identifier', '0603 2a 8001', (b) => readOid(parse(b))],
    ['OID ending mid sub-identifier', '0602 2a 86', (b) => readOid(parse(b))],
    ['UTCTime without seconds', `170b${hex(Buffer.from('3001010000Z'))}`, (b) => readTime(parse(b))],
    ['UTCTime 30 February', `170d${hex(Buffer.from('300230000000Z'))}`, (b) => readTime(parse(b))],
    ['an INTEGER read as a string', '020101', (b) => readString(parse(b))],
  ];
  for (const [name, bytes, fn] of badValues) test(`refuses ${name}`, () => assert.throws(() => fn(h(bytes)), DerError));

  test('read at an offset within a limit', () => {
    const buf = h('0401aa 0401bb');
    const second = read(buf, 3);
    assert.equal(hex(contentOf(second)), 'bb');
    assert.throws(() => read(buf, 3, 4), DerError);
  });
});
