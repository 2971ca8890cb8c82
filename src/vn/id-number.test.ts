import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  validateIdNumber, checkIdConsistency, centuryDigit, composeIdNumber, generateIdNumber,
  birthRegistrationCodes, birthRegistrationCodeForProvince2025, type IdRejection, type Sex, type DecodedId,
} from './id-number.ts';
import { provinces2025 } from './admin-units.ts';

const NOW = new Date('2026-06-01T00:00:00Z');

/** Deterministic PRNG for the tests (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('validateIdNumber: decodes', () => {
  const cases: Array<[string, Omit<DecodedId, 'id'>]> = [
    ['001090012345', { birthRegistrationCode: '001', birthRegistrationPlace: { kind: 'province', name: 'Hà Nội' }, sex: 'male', birthYear: 1990, century: 1900, serial: '012345' }],
    ['079301000001', { birthRegistrationCode: '079', birthRegistrationPlace: { kind: 'province', name: 'Hồ Chí Minh' }, sex: 'female', birthYear: 2001, century: 2000, serial: '000001' }],
    ['048185999999', { birthRegistrationCode: '048', birthRegistrationPlace: { kind: 'province', name: 'Đà Nẵng' }, sex: 'female', birthYear: 1985, century: 1900, serial: '999999' }],
    ['096200000000', { birthRegistrationCode: '096', birthRegistrationPlace: { kind: 'province', name: 'Cà Mau' }, sex: 'male', birthYear: 2000, century: 2000, serial: '000000' }],
    ['017099123456', { birthRegistrationCode: '017', birthRegistrationPlace: { kind: 'province', name: 'Hòa Bình' }, sex: 'male', birthYear: 1999, century: 1900, serial: '123456' }],
    ['101095000042', { birthRegistrationCode: '101', birthRegistrationPlace: { kind: 'abroad', countryCode: '101' }, sex: 'male', birthYear: 1995, century: 1900, serial: '000042' }],
    ['295326000007', { birthRegistrationCode: '295', birthRegistrationPlace: { kind: 'abroad', countryCode: '295' }, sex: 'female', birthYear: 2026, century: 2000, serial: '000007' }],
  ];
  for (const [id, expected] of cases) {
    test(id, () => {
      const r = validateIdNumber(id, { now: NOW });
      assert.ok(r.ok, JSON.stringify(r));
      assert.deepEqual(r.value, { id, ...expected });
    });
  }

  test('surrounding spaces are trimmed', () => {
    const r = validateIdNumber('  001090012345\n', { now: NOW });
    assert.ok(r.ok);
    assert.equal(r.value.id, '001090012345');
  });
});

describe('validateIdNumber: rejects', () => {
  const cases: Array<[string, string, IdRejection, Date?]> = [
    ['empty', '', 'not_12_digits'],
    ['too short', '00109001234', 'not_12_digits'],
    ['too long', '0010900123456', 'not_12_digits'],
    ['a letter', '00109001234a', 'not_12_digits'],
    ['inner space', '001 090012345', 'not_12_digits'],
    ['full-width digits', '００１０９００１２３４５', 'not_12_digits'],
    ['sign', '+01090012345', 'not_12_digits'],
    ['code 000', '000090012345', 'unknown_birth_registration_code'],
    ['code 003 (not a province code)', '003090012345', 'unknown_birth_registration_code'],
    ['code 097 (past the last province)', '097090012345', 'unknown_birth_registration_code'],
    ['code 100 (below the abroad range)', '100090012345', 'unknown_birth_registration_code'],
    ['code 296 (above the abroad range)', '296090012345', 'unknown_birth_registration_code'],
    ['code 999', '999090012345', 'unknown_birth_registration_code'],
    ['born 2099', '001299000000', 'birth_year_in_future'],
    ['born 2027, now 2026', '001327000000', 'birth_year_in_future'],
    ['4th digit 4: the 2100s', '001400000000', 'birth_year_in_future'],
    ['4th digit 9: the 2300s', '001999000000', 'birth_year_in_future'],
    ['born 2026 on 31/12/2025 in Vietnam (16:59 UTC)', '001226000000', 'birth_year_in_future', new Date('2025-12-31T16:59:59Z')],
  ];
  for (const [name, id, reason, now] of cases) {
    test(`${name} → ${reason}`, () => {
      const r = validateIdNumber(id, { now: now ?? NOW });
      assert.equal(r.ok, false);
      assert.ok(!r.ok);
      assert.equal(r.reason, reason);
      assert.ok(r.message.vi.length > 0 && r.message.en.length > 0);
    });
  }

  test('born 2026 is fine from 1/1/2026 in Vietnam (17:00 UTC the day before)', () => {
    assert.ok(validateIdNumber('001226000000', { now: new Date('2025-12-31T17:00:00Z') }).ok);
  });
});

describe('checkIdConsistency', () => {
  const id = '079301000001'; // HCM, female, 2001
  const cases: Array<[string, Parameters<typeof checkIdConsistency>[1], ReturnType<typeof checkIdConsistency>]> = [
    ['nothing stated', {}, { ok: true }],
    ['all agree', { birthYear: 2001, birthDate: '2001-03-15', sex: 'female' }, { ok: true }],
    ['display date agrees', { birthDate: '15/03/2001' }, { ok: true }],
    ['year-only date agrees', { birthDate: '2001' }, { ok: true }],
    ['wrong sex', { sex: 'male' }, { ok: false, reason: 'mismatch', mismatches: [{ field: 'sex', expected: 'female', actual: 'male' }] }],
    ['wrong year', { birthYear: 1901 }, { ok: false, reason: 'mismatch', mismatches: [{ field: 'birthYear', expected: '2001', actual: '1901' }] }],
    ['wrong date', { birthDate: '2002-01-01' }, { ok: false, reason: 'mismatch', mismatches: [{ field: 'birthYear', expected: '2001', actual: '2002' }] }],
    ['year and date wrong the same way: one mismatch', { birthYear: 2002, birthDate: '2002-01-01' }, { ok: false, reason: 'mismatch', mismatches: [{ field: 'birthYear', expected: '2001', actual: '2002' }] }],
    ['year and date wrong differently: two', { birthYear: 2002, birthDate: '2003-01-01' }, { ok: false, reason: 'mismatch', mismatches: [{ field: 'birthYear', expected: '2001', actual: '2002' }, { field: 'birthYear', expected: '2001', actual: '2003' }] }],
    ['unreadable date', { birthDate: '2001-02-30' }, { ok: false, reason: 'mismatch', mismatches: [{ field: 'birthYear', expected: '2001', actual: '2001-02-30' }] }],
    ['year and sex wrong', { birthYear: 2000, sex: 'male' }, { ok: false, reason: 'mismatch', mismatches: [{ field: 'birthYear', expected: '2001', actual: '2000' }, { field: 'sex', expected: 'female', actual: 'male' }] }],
  ];
  for (const [name, stated, expected] of cases) test(name, () => assert.deepEqual(checkIdConsistency(id, stated, { now: NOW }), expected));

  const invalid: Array<[string, IdRejection]> = [['12345', 'not_12_digits'], ['003301000001', 'unknown_birth_registration_code'], ['079399000001', 'birth_year_in_future']];
  for (const [bad, rejection] of invalid) {
    test(`invalid ID ${bad}: nothing compared`, () => {
      assert.deepEqual(checkIdConsistency(bad, { sex: 'male' }, { now: NOW }), { ok: false, reason: 'invalid_id', idRejection: rejection, mismatches: [] });
    });
  }
});

describe('centuryDigit', () => {
  const cases: Array<[number, Sex, number]> = [
    [1900, 'male', 0], [1999, 'female', 1], [2000, 'male', 2], [2025, 'female', 3],
    [2100, 'male', 4], [2199, 'female', 5], [2200, 'male', 6], [2300, 'female', 9], [2399, 'male', 8],
  ];
  for (const [year, sex, digit] of cases) test(`${year} ${sex} → ${digit}`, () => assert.equal(centuryDigit(year, sex), digit));
  for (const year of [1899, 2400, 1990.5, Number.NaN]) test(`${year} → RangeError`, () => assert.throws(() => centuryDigit(year, 'male'), RangeError));
});

describe('composeIdNumber', () => {
  const cases: Array<[Parameters<typeof composeIdNumber>[0], string]> = [
    [{ birthRegistrationCode: '001', birthYear: 1990, sex: 'male', serial: '012345' }, '001090012345'],
    [{ birthRegistrationCode: '079', birthYear: 2001, sex: 'female', serial: '000001' }, '079301000001'],
    [{ birthRegistrationCode: '034', birthYear: 2005, sex: 'male', serial: '999999' }, '034205999999'],
    [{ birthRegistrationCode: '205', birthYear: 1960, sex: 'female', serial: '100000' }, '205160100000'],
  ];
  for (const [parts, id] of cases) {
    test(id, () => {
      assert.equal(composeIdNumber(parts), id);
      const v = validateIdNumber(id, { now: NOW });
      assert.ok(v.ok);
      assert.equal(v.value.birthYear, parts.birthYear);
      assert.equal(v.value.sex, parts.sex);
    });
  }

  const bad: Array<[string, Parameters<typeof composeIdNumber>[0]]> = [
    ['unknown code', { birthRegistrationCode: '003', birthYear: 1990, sex: 'male', serial: '000000' }],
    ['code not 3 digits', { birthRegistrationCode: '1', birthYear: 1990, sex: 'male', serial: '000000' }],
    ['code in exponent form', { birthRegistrationCode: '2e2', birthYear: 1990, sex: 'male', serial: '000000' }],
    ['serial of 5 digits', { birthRegistrationCode: '001', birthYear: 1990, sex: 'male', serial: '12345' }],
    ['serial with a letter', { birthRegistrationCode: '001', birthYear: 1990, sex: 'male', serial: '12345x' }],
    ['year 1899', { birthRegistrationCode: '001', birthYear: 1899, sex: 'male', serial: '000000' }],
  ];
  for (const [name, parts] of bad) test(`${name} → RangeError`, () => assert.throws(() => composeIdNumber(parts), RangeError));
});

describe('generateIdNumber', () => {
  const parts = { birthRegistrationCode: '001', birthYear: 2026, sex: 'female' as const };

  test('is deterministic for a seeded generator and valid', () => {
    const a = Array.from({ length: 5 }, ((r) => () => generateIdNumber(parts, r))(seeded(42)));
    const b = Array.from({ length: 5 }, ((r) => () => generateIdNumber(parts, r))(seeded(42)));
    assert.deepEqual(a, b);
    for (const id of a) {
      assert.match(id, /^001326\d{6}$/);
      assert.ok(validateIdNumber(id, { now: NOW }).ok);
    }
  });

  const serials: Array<[number, string]> = [[0, '000000'], [0.5, '500000'], [0.9999999, '999999'], [0.0000049, '000004']];
  for (const [r, serial] of serials) test(`random ${r} → serial ${serial}`, () => assert.equal(generateIdNumber(parts, () => r), `001326${serial}`));

  test('draws again while the number is taken', () => {
    const expected = Array.from({ length: 3 }, ((r) => () => generateIdNumber(parts, r))(seeded(7)));
    const taken = new Set(expected.slice(0, 2));
    const asked: string[] = [];
    const id = generateIdNumber(parts, seeded(7), (c) => { asked.push(c); return taken.has(c); });
    assert.equal(id, expected[2]);
    assert.deepEqual(asked, expected);
  });

  test('gives up after maxTries', () => {
    let calls = 0;
    assert.throws(() => generateIdNumber(parts, seeded(1), () => { calls++; return true; }, 25), /25 tries/);
    assert.equal(calls, 25);
  });
});

describe('birth registration codes', () => {
  test('63 distinct three-digit codes of the old provinces', () => {
    const codes = birthRegistrationCodes();
    assert.equal(codes.length, 63);
    assert.equal(new Set(codes.map((c) => c.code)).size, 63);
    for (const c of codes) {
      assert.match(c.code, /^0\d\d$/);
      assert.ok(c.provinceName.length > 0);
    }
  });

  const cases: Array<[string, string]> = [['01', '001'], ['79', '079'], ['46', '046'], ['96', '096'], ['80', '080']];
  for (const [p, code] of cases) test(`2025 province ${p} → ${code}`, () => assert.equal(birthRegistrationCodeForProvince2025(p), code));

  test('every 2025 province has a code', () => {
    for (const p of provinces2025()) assert.equal(birthRegistrationCodeForProvince2025(p.code), `0${p.code}`);
  });

  for (const bad of ['02', '17', '1', 'xx', '']) {
    test(`${JSON.stringify(bad)} is not a 2025 province → RangeError`, () => assert.throws(() => birthRegistrationCodeForProvince2025(bad), RangeError));
  }
});
