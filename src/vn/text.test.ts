import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { nfc, searchKey, toneKey, splitFullName, compareVi, sortVi, transliterateMrz } from './text.ts';
import { communes2025, oldCommunes, provinces2025 } from './admin-units.ts';

const NGUYEN_NFD = 'Nguye\u0302\u0303n';

describe('nfc', () => {
  const cases: Array<[string, string, string]> = [
    ['NFD input becomes NFC', NGUYEN_NFD, 'Nguyễn'],
    ['look-alike Ð (U+00D0) becomes Đ', '\u00d0ặng', 'Đặng'],
    ['look-alike ð (U+00F0) becomes đ', 'Lê Văn \u00f0ức', 'Lê Văn đức'],
    ['trims and collapses spaces, tabs, line breaks, no-break spaces', '  Trần \t Thị\n\u00a0Bích  ', 'Trần Thị Bích'],
    ['already normal text is unchanged', 'Phạm Thị Hoà', 'Phạm Thị Hoà'],
    ['empty', '   ', ''],
  ];
  for (const [name, input, expected] of cases) test(name, () => assert.equal(nfc(input), expected));

  test('Nguyễn is 6 code points after nfc, 8 in NFD', () => {
    assert.equal(NGUYEN_NFD.length, 8);
    assert.equal(nfc(NGUYEN_NFD).length, 6);
  });
});

describe('searchKey', () => {
  const cases: Array<[string, string, string]> = [
    ['NFC Nguyễn', 'Nguyễn', 'nguyen'],
    ['NFD Nguyễn', NGUYEN_NFD, 'nguyen'],
    ['new tone placement', 'Hoà', 'hoa'],
    ['old tone placement', 'Hòa', 'hoa'],
    ['thuý / thúy', 'Thuý Thúy', 'thuy thuy'],
    ['đ', 'đường', 'duong'],
    ['Đ', 'ĐẶNG', 'dang'],
    ['look-alike Ð and ð', '\u00d0\u00f0', 'dd'],
    ['spaces collapsed and trimmed', '  Trần   Thị\t\tBích\n ', 'tran thi bich'],
    ['ư ơ ă â ê ô', 'Ưng Ơn Ăn Ân Êm Ôm', 'ung on an an em om'],
    ['punctuation and digits kept', "Phường 12, Quận Gò Vấp - TP.HCM", 'phuong 12, quan go vap - tp.hcm'],
    ['non-Latin text takes the slow path', 'Ελλάδα Hà Nội', 'ελλαδα ha noi'],
    ['characters above the BMP', 'Hà 😀 Nội', 'ha 😀 noi'],
    ['only marks', '\u0301\u0303', ''],
    ['empty', '', ''],
  ];
  for (const [name, input, expected] of cases) test(name, () => assert.equal(searchKey(input), expected));

  // The table-driven searchKey must agree with the plain definition on real names and odd input.
  const reference = (s: string): string =>
    s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐðÐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
  const corpora: Array<[string, () => string[]]> = [
    ['2025 unit names', () => [...provinces2025(), ...communes2025()].map((u) => u.name)],
    ['pre-2025 commune names, also in NFD and upper case', () => oldCommunes().flatMap((c) => [c.name, c.name.normalize('NFD'), c.name.toUpperCase()])],
    ['every code unit below U+2100', () => Array.from({ length: 0x2100 }, (_, c) => `a${String.fromCharCode(c)}b ${String.fromCharCode(c)}`)],
  ];
  for (const [name, corpus] of corpora) {
    test(`agrees with the reference definition: ${name}`, () => {
      for (const s of corpus()) assert.equal(searchKey(s), reference(s), JSON.stringify(s));
    });
  }
});

describe('toneKey', () => {
  const same: Array<[string, string, string]> = [
    ['hoà', 'hòa', 'hòa'],
    ['thuý', 'thúy', 'thúy'],
    ['khoẻ', 'khỏe', 'khỏe'],
    ['Thuỷ', 'thủy', 'thủy'],
    ['HOÀ', 'Hòa', 'hòa'],
    ['hoạ', 'họa', 'họa'],
    ['loã xoã', 'lõa xõa', 'lõa xõa'],
    ['Khánh Hoà', 'Khánh Hòa', 'khánh hòa'],
    ['Thuỵ Khuê', 'Thụy Khuê', 'thụy khuê'],
    ['Nguyễn Thị Thuý Hoà', 'nguyễn thị thúy hòa', 'nguyễn thị thúy hòa'],
    ['hoà, khoẻ.', 'hòa, khỏe.', 'hòa, khỏe.'],
    [`Ho${'\u0300'}a`.normalize('NFD'), 'hòa', 'hòa'],
  ];
  for (const [a, b, key] of same) {
    test(`${a} ≡ ${b}`, () => {
      assert.equal(toneKey(a), key);
      assert.equal(toneKey(b), key);
    });
  }

  const unchanged: string[] = ['hoàng', 'hoạch', 'toán', 'huỳnh', 'quý', 'quỳnh', 'quà', 'khuếch', 'thuở', 'ngoẹo', 'mía', 'múa', 'hoa', 'thuyền'];
  for (const s of unchanged) test(`${s} keeps its tone where it is`, () => assert.equal(toneKey(s), s));

  const different: Array<[string, string]> = [['quí', 'quý'], ['hòa', 'hoa'], ['hòa', 'hóa'], ['Đức', 'Dức']];
  for (const [a, b] of different) test(`${a} ≠ ${b}`, () => assert.notEqual(toneKey(a), toneKey(b)));
});

describe('splitFullName', () => {
  const cases: Array<[string, { family: string; middle: string; given: string }]> = [
    ['Nguyễn Văn An', { family: 'Nguyễn', middle: 'Văn', given: 'An' }],
    ['Trần Thị Bích Ngọc', { family: 'Trần', middle: 'Thị Bích', given: 'Ngọc' }],
    ['Lê Na', { family: 'Lê', middle: '', given: 'Na' }],
    ['Hùng', { family: '', middle: '', given: 'Hùng' }],
    ['  Phạm   Đức\tThắng ', { family: 'Phạm', middle: 'Đức', given: 'Thắng' }],
    [`${NGUYEN_NFD} Văn B`, { family: 'Nguyễn', middle: 'Văn', given: 'B' }],
    ['\u00d0ỗ Minh', { family: 'Đỗ', middle: '', given: 'Minh' }],
    ['', { family: '', middle: '', given: '' }],
  ];
  for (const [input, expected] of cases) test(JSON.stringify(input), () => assert.deepEqual(splitFullName(input), expected));
});

describe('Vietnamese collation', () => {
  const before: Array<[string, string]> = [
    ['A', 'Ă'], ['Ă', 'Â'], ['Â', 'B'], ['An', 'Ăn'], ['Ăn', 'Ân'],
    ['D', 'Đ'], ['Dương', 'Đặng'], ['Đặng', 'Em'],
    ['O', 'Ô'], ['Ô', 'Ơ'], ['U', 'Ư'], ['Ư', 'V'],
  ];
  for (const [a, b] of before) test(`${a} < ${b}`, () => assert.ok(compareVi(a, b) < 0));

  test('sortVi returns a sorted copy and leaves the input alone', () => {
    const input = [{ n: 'Đỗ' }, { n: 'Ân' }, { n: 'Bùi' }, { n: 'Dương' }, { n: 'An' }, { n: 'Ăn' }];
    const sorted = sortVi(input, (x) => x.n);
    assert.deepEqual(sorted.map((x) => x.n), ['An', 'Ăn', 'Ân', 'Bùi', 'Dương', 'Đỗ']);
    assert.equal(input[0]!.n, 'Đỗ');
    assert.notEqual(sorted, input);
  });

  test('sortVi is stable for equal keys', () => {
    const input = [{ n: 'Lan', i: 1 }, { n: 'An', i: 2 }, { n: 'Lan', i: 3 }];
    assert.deepEqual(sortVi(input, (x) => x.n).map((x) => x.i), [2, 1, 3]);
  });
});

describe('transliterateMrz', () => {
  const cases: Array<[string, string]> = [
    ['Nguyễn Văn A', 'NGUYEN VAN A'],
    ['Đặng Thị Ðào', 'DANG THI DAO'],
    [NGUYEN_NFD, 'NGUYEN'],
    ['Trương  Ngọc   Ánh', 'TRUONG NGOC ANH'],
    ["H'Hen Niê", 'HHEN NIE'],
    ['Lê-Phạm Quỳnh', 'LE PHAM QUYNH'],
    ['Phường 12', 'PHUONG'],
    ['', ''],
  ];
  for (const [input, expected] of cases) test(JSON.stringify(input), () => assert.equal(transliterateMrz(input), expected));
});
