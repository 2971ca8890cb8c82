import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { children, contentOf, parse } from './der.ts';
import { faceBlocks, FACE_HEIGHT, FACE_WIDTH, syntheticFaceJpeg } from './face.ts';
import { decodeDg1, decodeDg13, decodeDg2Image, DG13_FIELD, encodeDg1, encodeDg13, encodeDg2, NEVER_EXPIRES_TEXT, syntheticDg2 } from './lds.ts';
import { formatVnMrz } from './mrz.ts';
import { SYNTHETIC_CARD, SYNTHETIC_HOLDER } from './synthetic.ts';

const MRZ = ['IDVNM0900123450001090012345<<1', '9001011M3001019VNM<<<<<<<<<<<2', 'NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<'];

describe('DG1', () => {
  test('tag 61 around 5F1F with the 90 MRZ characters', () => {
    const dg1 = encodeDg1(MRZ);
    assert.equal(dg1.subarray(0, 5).toString('hex'), '615d5f1f5a');
    assert.equal(dg1.length, 95);
  });
  test('round trip to three lines', () => assert.equal(decodeDg1(encodeDg1(MRZ)), MRZ.join('\n')));
  test('refuses what is not a TD1 MRZ', () => assert.throws(() => encodeDg1(['IDVNM']), RangeError));
  test('the MRZ of the synthetic holder', () => assert.equal(decodeDg1(encodeDg1(formatVnMrz({ ...SYNTHETIC_HOLDER, expiry: SYNTHETIC_CARD.expiry }))), MRZ.join('\n')));
});

describe('DG2 and the synthetic face', () => {
  const jpeg = syntheticFaceJpeg('001090012345');
  test('a baseline JPEG: SOI, JFIF, a comment saying it is synthetic, SOF0 96×128 greyscale, EOI', () => {
    assert.equal(jpeg.subarray(0, 2).toString('hex'), 'ffd8');
    assert.equal(jpeg.subarray(-2).toString('hex'), 'ffd9');
    assert.ok(jpeg.includes(Buffer.from('JFIF\0')));
    assert.ok(jpeg.includes(Buffer.from('synthetic placeholder - not a photograph of a real person')));
    const sof = jpeg.indexOf(Buffer.of(0xff, 0xc0));
    assert.deepEqual([...jpeg.subarray(sof + 4, sof + 11)], [8, 0, FACE_HEIGHT, 0, FACE_WIDTH, 1, 1]);
    assert.ok(jpeg.length < 1024);
  });
  test('deterministic per seed; different seeds differ', () => {
    assert.ok(syntheticFaceJpeg('001090012345').equals(jpeg));
    assert.ok(!syntheticFaceJpeg('079305001234').equals(jpeg));
  });
  test('the mosaic has background, face and hair tones', () => {
    const b = faceBlocks('x');
    assert.equal(b.length, (FACE_WIDTH / 8) * (FACE_HEIGHT / 8));
    assert.ok(new Set(b).size >= 4);
  });
  test('DG2: 75 → 7F61 (one instance) → 7F60 → A1 header (face, ISO 19794-5) + 5F2E facial record', () => {
    const dg2 = encodeDg2(jpeg, 'female');
    const group = children(parse(dg2))[0]!;
    assert.equal(group.tag, 0x7f61);
    const [count, template] = children(group);
    assert.equal(contentOf(count!).toString('hex'), '01');
    const [header, block] = children(template!);
    assert.deepEqual(children(header!).map((e) => [e.tag, contentOf(e).toString('hex')]), [[0x80, '0101'], [0x81, '02'], [0x87, '0101'], [0x88, '0008']]);
    const record = contentOf(block!);
    assert.equal(record.subarray(0, 8).toString('latin1'), 'FAC\u0000010\u0000');
    assert.equal(record.readUInt32BE(8), record.length);
    assert.equal(record.readUInt16BE(12), 1);
    assert.equal(record.readUInt32BE(14), record.length - 14);
    assert.equal(record[14 + 6], 2); // gender: female
    assert.equal(record.readUInt16BE(14 + 20 + 2), FACE_WIDTH);
    assert.equal(record.readUInt16BE(14 + 20 + 4), FACE_HEIGHT);
  });
  test('the image comes back out', () => assert.ok(decodeDg2Image(syntheticDg2('001090012345', 'male')).equals(jpeg)));
});

describe('DG13', () => {
  const dg13 = encodeDg13(SYNTHETIC_HOLDER, SYNTHETIC_CARD);
  const fields = decodeDg13(dg13);
  const expected: Array<[number, string[]]> = [
    [DG13_FIELD.idNumber, ['001090012345']],
    [DG13_FIELD.fullName, ['Nguyễn Văn A']],
    [DG13_FIELD.birthDate, ['01/01/1990']],
    [DG13_FIELD.sex, ['Nam']],
    [DG13_FIELD.nationality, ['Việt Nam']],
    [DG13_FIELD.ethnicity, ['Kinh']],
    [DG13_FIELD.religion, ['Không']],
    [DG13_FIELD.placeOfOrigin, ['Xã Đông Anh, Thành phố Hà Nội']],
    [DG13_FIELD.residence, ['Số 1 Phố Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội']],
    [DG13_FIELD.identifyingMarks, ['Nốt ruồi C:2cm trên sau đuôi mắt phải']],
    [DG13_FIELD.issueDate, ['10/02/2026']],
    [DG13_FIELD.expiry, ['01/01/2030']],
    [DG13_FIELD.parents, ['Nguyễn Văn B', 'Trần Thị C']],
    [DG13_FIELD.oldIdNumber, ['123456789']],
  ];
  for (const [n, values] of expected) test(`field ${n}`, () => assert.deepEqual(fields.get(n), values));
  test('tag 6D; an absent value (spouse) is left out', () => {
    assert.equal(dg13[0], 0x6d);
    assert.equal(fields.has(DG13_FIELD.spouse), false);
    assert.equal(fields.size, expected.length);
  });
  test('values are UTF8String in NFC', () => {
    const nfd = encodeDg13({ ...SYNTHETIC_HOLDER, fullName: 'Nguyễn Văn A'.normalize('NFD') }, SYNTHETIC_CARD);
    assert.deepEqual(decodeDg13(nfd).get(2), ['Nguyễn Văn A']);
    const field2 = children(parse(nfd)).find((f) => contentOf(children(f)[0]!)[0] === 2)!;
    assert.equal(children(field2)[1]!.tag, 0x0c);
  });
  test('a card that never expires; a partial birth date; a mother only', () => {
    const f = decodeDg13(encodeDg13({ ...SYNTHETIC_HOLDER, birthDate: { kind: 'year', year: 1950 }, fatherName: null }, { ...SYNTHETIC_CARD, expiry: { kind: 'never' } }));
    assert.deepEqual(f.get(DG13_FIELD.expiry), [NEVER_EXPIRES_TEXT]);
    assert.deepEqual(f.get(DG13_FIELD.birthDate), ['1950']);
    assert.deepEqual(f.get(DG13_FIELD.parents), ['', 'Trần Thị C']);
  });
  test('the reader finds fields under an extra wrapping layer, and keeps unknown numbers', () => {
    const wrapped = Buffer.concat([Buffer.of(0x6d, 0x0d, 0x30, 0x0b, 0x30, 0x09, 0x02, 0x01, 0x10, 0x0c, 0x04), Buffer.from('ABCD')]);
    assert.deepEqual([...decodeDg13(wrapped)], [[16, ['ABCD']]]);
  });
});
