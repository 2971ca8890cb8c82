import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { formatCardQr, parseCardQr, type CardQr, type QrError } from './qr.ts';

// Synthetic people (not real): 001 = Hà Nội, 4th digit 0 = male 1900s, 1 = female 1900s, 2 = male 2000s.
const ADDRESS = 'Số 1 Phố Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội';
const PAYLOAD = `001090012345|123456789|Nguyễn Văn A|01011990|Nam|${ADDRESS}|10052021`;
const CARD: CardQr = {
  idNumber: '001090012345',
  oldIdNumber: '123456789',
  fullName: 'Nguyễn Văn A',
  birthDate: { kind: 'full', year: 1990, month: 1, day: 1 },
  sex: 'male',
  address: ADDRESS,
  issueDate: { kind: 'full', year: 2021, month: 5, day: 10 },
  extra: [],
};

describe('parseCardQr: well-formed payloads', () => {
  test('the 7-field form', () => assert.deepEqual(parseCardQr(PAYLOAD), { ok: true, value: CARD }));

  test('the longer 2024 form keeps the extra fields as read', () => {
    const r = parseCardQr(`${PAYLOAD}||Nguyễn Văn B|`);
    assert.equal(r.ok, true);
    assert.deepEqual(r.ok && r.value.extra, ['', 'Nguyễn Văn B', '']);
  });

  test('NFD input is read as NFC (Nguyễn is 6 code points, not 8)', () => {
    const r = parseCardQr(PAYLOAD.normalize('NFD'));
    assert.ok(r.ok);
    assert.equal(r.value.fullName, 'Nguyễn Văn A');
    assert.equal(r.value.fullName.split(' ')[0]!.length, 6);
    assert.equal(r.value.address, ADDRESS);
  });

  const variants: Array<[string, string, Partial<CardQr>]> = [
    ['empty old ID', PAYLOAD.replace('|123456789|', '||'), { oldIdNumber: null }],
    ['12-digit old CMND', PAYLOAD.replace('|123456789|', '|012345678901|'), { oldIdNumber: '012345678901' }],
    ['female, born 29 February', '001192012345||Trần Thị Bình|29021992|Nữ|Hà Nội|01072024', {
      idNumber: '001192012345', oldIdNumber: null, fullName: 'Trần Thị Bình', sex: 'female', address: 'Hà Nội',
      birthDate: { kind: 'full', year: 1992, month: 2, day: 29 }, issueDate: { kind: 'full', year: 2024, month: 7, day: 1 },
    }],
    ['born 2000s', '079205000001||Lê Văn C|31122005|Nam|TP. Hồ Chí Minh|01012020', {
      idNumber: '079205000001', oldIdNumber: null, fullName: 'Lê Văn C', address: 'TP. Hồ Chí Minh',
      birthDate: { kind: 'full', year: 2005, month: 12, day: 31 }, issueDate: { kind: 'full', year: 2020, month: 1, day: 1 },
    }],
    ['year-only birth date (0000yyyy, assumed form)', PAYLOAD.replace('|01011990|', '|00001990|'), { birthDate: { kind: 'year', year: 1990 } }],
    ['month-only birth date (00mmyyyy, assumed form)', PAYLOAD.replace('|01011990|', '|00071990|'), { birthDate: { kind: 'month', year: 1990, month: 7 } }],
    ['spaces around fields and a trailing newline', ` 001090012345 | 123456789 |  Nguyễn  Văn A |01011990| Nam |${ADDRESS}|10052021\r\n`, {}],
    ['sex in capitals', PAYLOAD.replace('|Nam|', '|NAM|'), {}],
  ];
  for (const [name, payload, diff] of variants) {
    test(name, () => assert.deepEqual(parseCardQr(payload), { ok: true, value: { ...CARD, ...diff } }));
  }
});

describe('parseCardQr: each malformation named by field index, name and reason', () => {
  const field = (index: number, name: string, problem: string, value: string): QrError => ({ kind: 'field', index, field: name as never, problem: problem as never, value });
  const replaceField = (i: number, v: string): string => PAYLOAD.split('|').map((f, j) => (j === i ? v : f)).join('|');
  const cases: Array<[string, string, QrError[]]> = [
    ['empty payload', '', [{ kind: 'field_count', count: 1, min: 7 }]],
    ['six fields', PAYLOAD.split('|').slice(0, 6).join('|'), [{ kind: 'field_count', count: 6, min: 7 }]],
    ['ID with 11 digits', replaceField(0, '00109001234'), [field(0, 'idNumber', 'not_12_digits', '00109001234')]],
    ['ID with a letter', replaceField(0, '00109001234X'), [field(0, 'idNumber', 'not_12_digits', '00109001234X')]],
    ['ID with an unknown province code', replaceField(0, '003090012345'), [field(0, 'idNumber', 'unknown_birth_registration_code', '003090012345')]],
    ['old ID with 8 digits', replaceField(1, '12345678'), [field(1, 'oldIdNumber', 'not_9_or_12_digits', '12345678')]],
    ['empty name', replaceField(2, ' '), [field(2, 'fullName', 'empty', ' ')]],
    ['birth date 30 February', replaceField(3, '30021990'), [field(3, 'birthDate', 'not_a_date', '30021990')]],
    ['birth date in ISO form', replaceField(3, '1990-01-01'), [field(3, 'birthDate', 'not_a_date', '1990-01-01')]],
    ['birth date with 7 digits', replaceField(3, '1011990'), [field(3, 'birthDate', 'not_a_date', '1011990')]],
    ['sex in English', replaceField(4, 'Male'), [field(4, 'sex', 'not_nam_or_nu', 'Male')]],
    ['sex without diacritics', replaceField(4, 'Nu'), [field(4, 'sex', 'not_nam_or_nu', 'Nu')]],
    ['empty address', replaceField(5, ''), [field(5, 'address', 'empty', '')]],
    ['issue date partial', replaceField(6, '00002021'), [field(6, 'issueDate', 'not_a_date', '00002021')]],
    ['control character in the name', replaceField(2, 'Nguyễn\u0000Văn A'), [field(2, 'fullName', 'control_character', 'Nguyễn\u0000Văn A')]],
    ['control character in an extra field', `${PAYLOAD}|a\u0007`, [field(7, 'extra', 'control_character', 'a\u0007')]],
    ['sex differs from the ID number', replaceField(4, 'Nữ'), [field(4, 'sex', 'sex_differs_from_id', 'Nữ')]],
    ['birth year differs from the ID number', replaceField(3, '01011991'), [field(3, 'birthDate', 'birth_year_differs_from_id', '01011991')]],
    ['issued before birth', replaceField(6, '31121989'), [field(6, 'issueDate', 'issued_before_birth', '31121989')]],
    ['several fields wrong at once: all named', '0010900123|12|Nguyễn Văn A|32011990|X|Hà Nội|10052021', [
      field(0, 'idNumber', 'not_12_digits', '0010900123'),
      field(1, 'oldIdNumber', 'not_9_or_12_digits', '12'),
      field(3, 'birthDate', 'not_a_date', '32011990'),
      field(4, 'sex', 'not_nam_or_nu', 'X'),
    ]],
  ];
  for (const [name, payload, errors] of cases) test(name, () => assert.deepEqual(parseCardQr(payload), { ok: false, errors }));
});

describe('formatCardQr', () => {
  test('produces the 7-field payload', () => assert.equal(formatCardQr(CARD), PAYLOAD));
  test('round-trips, with extra fields', () => {
    const card = { ...CARD, oldIdNumber: null, extra: ['', 'x'] };
    assert.deepEqual(parseCardQr(formatCardQr(card)), { ok: true, value: card });
  });
  test('partial birth dates round-trip', () => {
    for (const birthDate of [{ kind: 'year', year: 1990 }, { kind: 'month', year: 1990, month: 11 }] as const) {
      const card = { ...CARD, birthDate };
      assert.deepEqual(parseCardQr(formatCardQr(card)), { ok: true, value: card });
    }
  });
  test('NFC-normalises text', () => assert.equal(formatCardQr({ ...CARD, fullName: 'Nguyễn Văn A'.normalize('NFD') }), PAYLOAD));
  const bad: Array<[string, Partial<CardQr>]> = [
    ['a "|" in the address', { address: 'Hà Nội | Việt Nam' }],
    ['a control character in the name', { fullName: 'Nguyễn\u0007Văn A' }],
    ['an 11-digit ID', { idNumber: '00109001234' }],
    ['an 8-digit old ID', { oldIdNumber: '12345678' }],
    ['an empty name', { fullName: '  ' }],
  ];
  for (const [name, diff] of bad) test(`refuses ${name}`, () => assert.throws(() => formatCardQr({ ...CARD, ...diff }), RangeError));
});
