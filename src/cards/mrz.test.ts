import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { checkDigit, formatTd1, formatVnMrz, parseTd1, parseVnMrz, type MrzError, type Td1, type VnMrz, type VnMrzInput } from './mrz.ts';

// ICAO Doc 9303 Part 5, the TD1 specimen (Utopia, Anna Maria Eriksson).
const ICAO = ['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'] as const;
const ICAO_FIELDS: Td1 = {
  documentCode: 'I<', issuingState: 'UTO', documentNumber: 'D23145890', optionalData1: '<<<<<<<<<<<<<<<',
  birthDate: '740812', sex: 'F', expiryDate: '120415', nationality: 'UTO', optionalData2: '<<<<<<<<<<<',
  primaryIdentifier: 'ERIKSSON', secondaryIdentifier: 'ANNA MARIA',
};

// DOMAIN.md §3, the synthetic Vietnamese example (not a real person).
const VN = ['IDVNM0900123450001090012345<<1', '9001011M3001019VNM<<<<<<<<<<<2', 'NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<'] as const;
const VN_INPUT: VnMrzInput = {
  idNumber: '001090012345', fullName: 'Nguyễn Văn A', sex: 'male',
  birthDate: { kind: 'full', year: 1990, month: 1, day: 1 },
  expiry: { kind: 'on', date: { kind: 'full', year: 2030, month: 1, day: 1 } },
};
const VN_VALUE: VnMrz = {
  idNumber: '001090012345', documentNumber: '090012345', sex: 'male', surname: 'NGUYEN', givenNames: 'VAN A',
  birthDate: VN_INPUT.birthDate, expiry: VN_INPUT.expiry,
};

describe('checkDigit (ICAO 9303 Part 3 §4.9: weights 7-3-1, < = 0, A = 10 … Z = 35)', () => {
  const cases: Array<[string, number, string]> = [
    ['D23145890', 7, 'ICAO specimen document number'],
    ['740812', 2, 'ICAO specimen birth date'],
    ['120415', 9, 'ICAO specimen expiry'],
    ['D231458907<<<<<<<<<<<<<<<' + '7408122' + '1204159' + '<<<<<<<<<<<', 6, 'ICAO specimen composite (line 1 col 6-30, line 2 col 1-7, 9-15, 19-29)'],
    ['090012345', 0, 'DOMAIN example document number'],
    ['001090012345', 1, 'DOMAIN example 12-digit ID'],
    ['900101', 1, 'DOMAIN example birth date'],
    ['300101', 9, 'DOMAIN example expiry'],
    ['<<<<<<', 0, 'fillers only'],
    ['', 0, 'empty'],
    ['A', 0, 'A = 10, × 7 = 70'],
    ['Z', 5, 'Z = 35, × 7 = 245'],
    ['<Z', 5, 'Z = 35, × 3 = 105'],
    ['<<Z', 5, 'Z = 35, × 1'],
    ['1111', 8, '7 + 3 + 1 + 7'],
  ];
  for (const [s, cd, why] of cases) test(`${s || '(empty)'} → ${cd} (${why})`, () => assert.equal(checkDigit(s), cd));
  for (const bad of ['a', ' ', '-', 'Đ']) test(`refuses ${JSON.stringify(bad)}`, () => assert.throws(() => checkDigit(bad), RangeError));
});

describe('TD1: the ICAO specimen', () => {
  test('parses with every check digit valid', () => assert.deepEqual(parseTd1(ICAO.join('\n')), { ok: true, value: ICAO_FIELDS }));
  test('is produced from its fields', () => assert.deepEqual(formatTd1(ICAO_FIELDS), [...ICAO]));
  test('reads 90 characters without line breaks, and CRLF', () => {
    assert.deepEqual(parseTd1(ICAO.join('')), { ok: true, value: ICAO_FIELDS });
    assert.deepEqual(parseTd1(`${ICAO.join('\r\n')}\r\n`), { ok: true, value: ICAO_FIELDS });
  });
});

describe('Vietnamese card: the DOMAIN example', () => {
  test('parses', () => assert.deepEqual(parseVnMrz(VN.join('\n')), { ok: true, value: VN_VALUE }));
  test('is produced from the person and card', () => assert.deepEqual(formatVnMrz(VN_INPUT), [...VN]));
});

describe('Vietnamese card: producing', () => {
  const cases: Array<[string, Partial<VnMrzInput>, [string, string, string]]> = [
    ['female, born 2000s, đ → D, several given names', {
      idNumber: '079305001234', fullName: 'Đặng Thị Ngọc Ánh', sex: 'female', birthDate: { kind: 'full', year: 2005, month: 12, day: 31 },
      expiry: { kind: 'on', date: { kind: 'full', year: 2030, month: 12, day: 31 } },
    }, ['IDVNM3050012344079305001234<<4', '0512310F3012316VNM<<<<<<<<<<<4', 'DANG<<THI<NGOC<ANH<<<<<<<<<<<<']],
    ['never expires: six fillers, check digit 0 (unverified convention)', { expiry: { kind: 'never' } },
      ['IDVNM0900123450001090012345<<1', '9001011M<<<<<<0VNM<<<<<<<<<<<6', 'NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<']],
    ['year-only birth: month and day as fillers', { birthDate: { kind: 'year', year: 1990 } },
      ['IDVNM0900123450001090012345<<1', '90<<<<3M3001019VNM<<<<<<<<<<<8', 'NGUYEN<<VAN<A<<<<<<<<<<<<<<<<<']],
    ['a long name is cut at 30 characters', { fullName: 'Nguyễn Hoàng Phương Nguyên Khánh Trường' },
      ['IDVNM0900123450001090012345<<1', '9001011M3001019VNM<<<<<<<<<<<2', 'NGUYEN<<HOANG<PHUONG<NGUYEN<KH']],
    ['a one-word name is the primary identifier', { fullName: 'Ánh' },
      ['IDVNM0900123450001090012345<<1', '9001011M3001019VNM<<<<<<<<<<<2', 'ANH<<<<<<<<<<<<<<<<<<<<<<<<<<<']],
  ];
  for (const [name, diff, lines] of cases) {
    test(name, () => {
      const input = { ...VN_INPUT, ...diff };
      assert.deepEqual(formatVnMrz(input), lines);
      // Every line produced parses back, with all check digits valid.
      const back = parseVnMrz(lines.join('\n'));
      assert.ok(back.ok, JSON.stringify(back));
      assert.deepEqual(back.value.birthDate, input.birthDate);
      assert.deepEqual(back.value.expiry, input.expiry);
    });
  }
  test('refuses an ID that is not 12 digits', () => assert.throws(() => formatVnMrz({ ...VN_INPUT, idNumber: '00109001234' }), RangeError));
  test('refuses a name with nothing left in A-Z', () => assert.throws(() => formatVnMrz({ ...VN_INPUT, fullName: '---' }), RangeError));
});

describe('Vietnamese card: parsing, centuries from the ID number', () => {
  test('born 1990: expiry 2030', () => {
    const r = parseVnMrz(VN.join('\n'));
    assert.ok(r.ok);
    assert.equal(r.value.birthDate.year, 1990);
  });
  test('born 2005 (ID 4th digit 3): birth 2005, expiry 2030 not 1930', () => {
    const r = parseVnMrz(['IDVNM3050012344079305001234<<4', '0512310F3012316VNM<<<<<<<<<<<4', 'DANG<<THI<NGOC<ANH<<<<<<<<<<<<'].join('\n'));
    assert.ok(r.ok);
    assert.deepEqual([r.value.birthDate.year, r.value.expiry.kind === 'on' && r.value.expiry.date.year], [2005, 2030]);
  });
  test('born 1966, expiry at 60 in 2026', () => {
    const lines = formatVnMrz({ ...VN_INPUT, idNumber: '001066012345', birthDate: { kind: 'full', year: 1966, month: 5, day: 2 }, expiry: { kind: 'on', date: { kind: 'full', year: 2026, month: 5, day: 2 } } });
    const r = parseVnMrz(lines.join('\n'));
    assert.ok(r.ok);
    assert.deepEqual(r.value.expiry, { kind: 'on', date: { kind: 'full', year: 2026, month: 5, day: 2 } });
  });
  test('never-expiry check digit may be "<" as well as "0"', () => {
    const lines = formatVnMrz({ ...VN_INPUT, expiry: { kind: 'never' } });
    const l2 = `${lines[1].slice(0, 14)}<${lines[1].slice(15)}`;
    const r = parseVnMrz([lines[0], l2, lines[2]].join('\n'));
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value.expiry, { kind: 'never' });
  });
});

describe('Vietnamese card: every malformation named', () => {
  const set = (line: 0 | 1 | 2, col: number, s: string): string => VN.map((l, i) => (i === line ? l.slice(0, col - 1) + s + l.slice(col - 1 + s.length) : l)).join('\n');
  const cd = (check: string, line: number, column: number, expected: string, found: string): MrzError => ({ kind: 'check_digit', check: check as never, line, column, expected, found });
  const field = (f: string, problem: string, value: string): MrzError => ({ kind: 'field', field: f as never, problem: problem as never, value });
  const cases: Array<[string, string, MrzError[]]> = [
    ['two lines', VN.slice(0, 2).join('\n'), [{ kind: 'line_count', count: 2 }]],
    ['four lines', [...VN, VN[2]].join('\n'), [{ kind: 'line_count', count: 4 }]],
    ['line 2 one character short', [VN[0], VN[1].slice(1), VN[2]].join('\n'), [{ kind: 'line_length', line: 2, length: 29 }]],
    ['lower case in line 1', set(0, 3, 'v'), [{ kind: 'character', line: 1, column: 3, char: 'v' }]],
    ['a digit in the name line', set(2, 9, '1'), [{ kind: 'character', line: 3, column: 9, char: '1' }]],
    ['a space for a filler', set(1, 20, ' '), [{ kind: 'character', line: 2, column: 20, char: ' ' }]],
    ['document number check digit', set(0, 15, '5'), [cd('document_number', 1, 15, '0', '5'), cd('composite', 2, 30, '7', '2')]],
    ['12-digit ID check digit', set(0, 30, '4'), [cd('composite', 2, 30, '3', '2'), cd('id_number', 1, 30, '1', '4')]],
    ['birth date check digit', set(1, 7, '9'), [cd('birth_date', 2, 7, '1', '9'), cd('composite', 2, 30, '6', '2')]],
    ['expiry check digit', set(1, 15, '3'), [cd('expiry_date', 2, 15, '9', '3'), cd('composite', 2, 30, '6', '2')]],
    ['composite check digit only', set(1, 30, '3'), [cd('composite', 2, 30, '2', '3')]],
    ['a changed birth digit (check digits not updated)', set(1, 6, '2'), [cd('birth_date', 2, 7, '2', '1'), cd('composite', 2, 30, '9', '2')]],
    ['check digit is a filler on a non-filler field', set(1, 7, '<'), [cd('birth_date', 2, 7, '1', '<'), cd('composite', 2, 30, '9', '2')]],
  ];
  for (const [name, text, errors] of cases) test(name, () => assert.deepEqual(parseVnMrz(text), { ok: false, errors }));

  // Field errors, on lines whose check digits are recomputed so only the named field is wrong.
  const build = (l1: string, l2: string, l3: string = VN[2]): string => {
    const doc = l1.slice(5, 14);
    const line1 = l1.slice(0, 14) + checkDigit(doc) + l1.slice(15);
    const line2 = l2.slice(0, 6) + checkDigit(l2.slice(0, 6)) + l2[7] + l2.slice(8, 14) + checkDigit(l2.slice(8, 14)) + l2.slice(15, 29);
    const comp = checkDigit(line1.slice(5, 30) + line2.slice(0, 7) + line2.slice(8, 15) + line2.slice(18, 29));
    return [line1, line2 + comp, l3].join('\n');
  };
  const fieldCases: Array<[string, string, MrzError[]]> = [
    ['document code P<', build(`P<${VN[0].slice(2)}`, VN[1]), [field('document_code', 'not_ID', 'P<')]],
    ['issuing state UTO', build(`IDUTO${VN[0].slice(5)}`, VN[1]), [field('issuing_state', 'not_VNM', 'UTO')]],
    ['nationality UTO', build(VN[0], `${VN[1].slice(0, 15)}UTO${VN[1].slice(18)}`), [field('nationality', 'not_VNM', 'UTO')]],
    ['document number not the last 9 digits of the ID', build('IDVNM090012346<001090012345<<1', VN[1]), [field('document_number', 'differs_from_id_number', '090012346')]],
    ['ID with a letter', build('IDVNM090012345<00109001234X<<1', VN[1]), [field('id_number', 'not_12_digits', '00109001234X')]],
    ['no fillers between the ID and its check digit', build('IDVNM090012345<001090012345A<1', VN[1]), [field('optional_data', 'not_fillers', 'A<')]],
    ['line 2 optional data used', build(VN[0], `${VN[1].slice(0, 18)}ABC${VN[1].slice(21)}`), [field('optional_data', 'not_fillers', 'ABC<<<<<<<<')]],
    ['sex X', build(VN[0], `${VN[1].slice(0, 7)}X${VN[1].slice(8)}`), [field('sex', 'not_M_or_F', 'X')]],
    ['sex differs from the ID', build(VN[0], `${VN[1].slice(0, 7)}F${VN[1].slice(8)}`), [field('sex', 'sex_differs_from_id', 'F')]],
    ['birth date 31 February', build(VN[0], `900231${VN[1].slice(6)}`), [field('birth_date', 'not_a_date', '900231')]],
    ['birth month 13', build(VN[0], `901301${VN[1].slice(6)}`), [field('birth_date', 'not_a_date', '901301')]],
    ['birth day without month', build(VN[0], `90<<01${VN[1].slice(6)}`), [field('birth_date', 'not_a_date', '90<<01')]],
    ['birth year differs from the ID', build(VN[0], `910101${VN[1].slice(6)}`), [field('birth_date', 'birth_year_differs_from_id', '910101')]],
    ['expiry 30 February', build(VN[0], `${VN[1].slice(0, 8)}300230${VN[1].slice(14)}`), [field('expiry_date', 'not_a_date', '300230')]],
    ['expiry partial', build(VN[0], `${VN[1].slice(0, 8)}3001<<${VN[1].slice(14)}`), [field('expiry_date', 'not_a_date', '3001<<')]],
    ['expiry before birth in the birth year', build('IDVNM0900123450001090012345<<1', `900601${VN[1].slice(6, 8)}900101${VN[1].slice(14)}`), [field('expiry_date', 'expires_before_birth', '900101')]],
    ['empty name line', build(VN[0], VN[1], '<'.repeat(30)), [field('name', 'empty', '')]],
  ];
  for (const [name, text, errors] of fieldCases) test(name, () => assert.deepEqual(parseVnMrz(text), { ok: false, errors }));
});
