import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  provinces2025, communes2025, getProvince2025, getCommune2025, oldProvinces, oldDistricts, oldCommunes,
  getOldCommune, getOldProvince, getOldDistrict, findUnits2025, currentUnitOfOldCommune, oldCommunesOf, unitCounts,
} from './admin-units.ts';
import { compareVi, searchKey } from './text.ts';

describe('counts (NSO lists)', () => {
  test('unitCounts', () => {
    assert.deepEqual(unitCounts(), { provinces2025: 34, communes2025: 3321, oldProvinces: 63, oldDistricts: 691, oldCommunes: 10051 });
  });

  const byType: Array<[string, number]> = [['xã', 2621], ['phường', 687], ['đặc khu', 13]];
  for (const [type, n] of byType) test(`${n} units of type ${type}`, () => assert.equal(communes2025().filter((c) => c.type === type).length, n));

  const provinceTypes: Array<[string, number]> = [['tỉnh', 28], ['thành phố trung ương', 6]];
  for (const [type, n] of provinceTypes) test(`${n} provinces of type ${type}`, () => assert.equal(provinces2025().filter((p) => p.type === type).length, n));

  test('communes by province add up to all communes, each province has some', () => {
    let total = 0;
    for (const p of provinces2025()) {
      const list = communes2025(p.code);
      assert.ok(list.length > 0, p.code);
      assert.ok(list.every((c) => c.provinceCode === p.code));
      total += list.length;
    }
    assert.equal(total, 3321);
  });

  test('old districts by province and old communes by district add up', () => {
    assert.equal(oldProvinces().reduce((n, p) => n + oldDistricts(p.code).length, 0), 691);
    assert.equal(oldDistricts().reduce((n, d) => n + oldCommunes(d.code).length, 0), 10051);
  });

  test('2025 commune codes are unique nationwide', () => {
    assert.equal(new Set(communes2025().map((c) => c.code)).size, 3321);
  });
});

describe('lookups', () => {
  const cases: Array<[string, () => unknown, unknown]> = [
    ['2025 province 79', () => getProvince2025('79'), { code: '79', name: 'Thành phố Hồ Chí Minh', type: 'thành phố trung ương' }],
    ['2025 province 38', () => getProvince2025('38'), { code: '38', name: 'Tỉnh Thanh Hóa', type: 'tỉnh' }],
    ['old province code 02 is not a 2025 province', () => getProvince2025('02'), undefined],
    ['2025 commune 00004', () => getCommune2025('00004'), { code: '00004', name: 'Phường Ba Đình', type: 'phường', provinceCode: '01' }],
    ['2025 special zone 26732', () => getCommune2025('26732'), { code: '26732', name: 'Đặc khu Côn Đảo', type: 'đặc khu', provinceCode: '79' }],
    ['unknown 2025 commune', () => getCommune2025('99999'), undefined],
    ['old commune 00004 (same code, another unit)', () => getOldCommune('00004'), { code: '00004', name: 'Phường Trúc Bạch', type: 'phường', districtCode: '001', provinceCode: '01' }],
    ['old commune of type thị trấn', () => getOldCommune('14845')?.type, 'thị trấn'],
    ['old province 17', () => getOldProvince('17'), { code: '17', name: 'Tỉnh Hoà Bình' }],
    ['old district 001', () => getOldDistrict('001'), { code: '001', name: 'Quận Ba Đình', provinceCode: '01' }],
    ['old districts of Hà Nội include Ba Đình', () => oldDistricts('01').some((d) => d.code === '001'), true],
    ['old communes of Ba Đình include Phúc Xá', () => oldCommunes('001').find((c) => c.code === '00001')?.name, 'Phường Phúc Xá'],
    ['unknown old district has no communes', () => oldCommunes('999').length, 0],
    ['unknown 2025 province has no communes', () => communes2025('99').length, 0],
  ];
  for (const [name, run, expected] of cases) test(name, () => assert.deepEqual(run(), expected));

  test('lists are frozen', () => {
    assert.ok(Object.isFrozen(provinces2025()));
    assert.ok(Object.isFrozen(getCommune2025('00004')));
  });
});

describe('findUnits2025', () => {
  const finds: Array<[string, { provinceCode?: string; limit?: number } | undefined, string]> = [
    ['ba dinh', undefined, 'Phường Ba Đình'],
    ['Ba Đình', undefined, 'Phường Ba Đình'],
    ['BA  ĐÌNH', undefined, 'Phường Ba Đình'],
    ['phuong ba dinh', undefined, 'Phường Ba Đình'],
    ['dinh', { provinceCode: '01' }, 'Phường Ba Đình'],
    ['ba d', { provinceCode: '01' }, 'Phường Ba Đình'],
    ['con dao', undefined, 'Đặc khu Côn Đảo'],
    ['khanh hoa', undefined, 'Tỉnh Khánh Hòa'],
  ];
  for (const [q, opts, name] of finds) test(`${JSON.stringify(q)} ${opts ? JSON.stringify(opts) : ''} finds ${name}`, () => assert.ok(findUnits2025(q, opts).some((u) => u.name === name)));

  const firsts: Array<[string, { provinceCode?: string; limit?: number } | undefined, string, 'province' | 'commune']> = [
    ['ha noi', undefined, 'Thành phố Hà Nội', 'province'],
    ['Hồ Chí Minh', undefined, 'Thành phố Hồ Chí Minh', 'province'],
    ['thanh pho ho chi minh', undefined, 'Thành phố Hồ Chí Minh', 'province'],
    ['ba dinh', { provinceCode: '01' }, 'Phường Ba Đình', 'commune'],
    ['hoan kiem', undefined, 'Phường Hoàn Kiếm', 'commune'],
  ];
  for (const [q, opts, name, kind] of firsts) {
    test(`${JSON.stringify(q)} ${opts ? JSON.stringify(opts) : ''} → first ${name}`, () => {
      const first = findUnits2025(q, opts)[0];
      assert.equal(first?.name, name);
      assert.equal(first?.kind, kind);
    });
  }

  const none: string[] = ['', '   ', 'inh', 'zzzz'];
  for (const q of none) test(`${JSON.stringify(q)} finds nothing`, () => assert.deepEqual(findUnits2025(q), []));

  const orderQueries = ['hoa binh', 'an', 'tan', 'phu'];
  for (const q of orderQueries) {
    test(`${q}: exact names first, then prefixes, then whole words, each in Vietnamese order`, () => {
      const bare = (name: string) => name.replace(/^(Phường|Xã|Đặc khu|Tỉnh|Thành phố) /, '');
      const rank = (name: string) => (searchKey(bare(name)) === q ? 0 : searchKey(bare(name)).startsWith(q) ? 1 : 2);
      const hits = findUnits2025(q).map((u) => ({ name: u.name, rank: rank(u.name), bare: bare(u.name) }));
      assert.ok(hits.length > 1);
      for (let i = 1; i < hits.length; i++) {
        const [a, b] = [hits[i - 1]!, hits[i]!];
        assert.ok(a.rank < b.rank || (a.rank === b.rank && compareVi(a.bare, b.bare) <= 0), `${a.name} before ${b.name}`);
      }
    });
  }

  test('provinceCode keeps one province and its communes; limit cuts', () => {
    const all = findUnits2025('xa', { provinceCode: '79' });
    assert.ok(all.length > 0);
    assert.ok(all.every((u) => (u.kind === 'province' ? u.code : u.provinceCode) === '79'));
    assert.equal(findUnits2025('phuong', { limit: 3 }).length, 3);
  });
});

describe('pre-2025 commune → 2025 commune (conversion-2025.csv)', () => {
  const cases: Array<[string, string, Array<[string, string, string, boolean]>]> = [
    ['whole merge', '00004', [['00004', 'Phường Ba Đình', '01', true]]],
    ['split into four', '00019', [['00004', 'Phường Ba Đình', '01', false], ['00070', 'Phường Hoàn Kiếm', '01', false], ['00190', 'Phường Ô Chợ Dừa', '01', false], ['00226', 'Phường Văn Miếu - Quốc Tử Giám', '01', false]]],
    ['part of the area, all of the population', '00112', [['00004', 'Phường Ba Đình', '01', false], ['00103', 'Phường Tây Hồ', '01', false]]],
    ['old Long An ward now in Tây Ninh, code reused', '27691', [['27694', 'Phường Long An', '80', true]]],
    ['renamed ("Đổi tên")', '24235', [['24235', 'Xã Buôn Đôn', '66', true]]],
    ['kept ("Giữ nguyên"), now in An Giang', '30781', [['30781', 'Xã Tiên Hải', '91', true]]],
    ['type changed ("Đổi loại hình")', '14845', [['14845', 'Xã Mường Lát', '38', true]]],
    ['created after the January list', '03980', [['03980', 'Phường Mộc Châu', '14', true]]],
    ['row with a wrong old code (01615 for 01651 Mỹ Hưng), repaired', '01651', [['01648', 'Xã Phục Hòa', '04', true]]],
    ['the code that row wrongly named keeps only its own row', '01615', [['01636', 'Xã Bế Văn Đàn', '04', true]]],
    ['row with a wrong old code (04075 for 04060 Thị trấn Yên Châu), repaired', '04060', [['04075', 'Xã Yên Châu', '14', true]]],
    ['whole area to one ward, parts of the people to two others: no row is whole', '18796', [['18754', 'Phường Sông Trí', '42', false], ['18823', 'Phường Vũng Áng', '42', false], ['18832', 'Phường Hoành Sơn', '42', false]]],
    ['unknown code', '99999', []],
  ];
  for (const [name, oldCode, expected] of cases) {
    test(`${name}: ${oldCode}`, () => {
      const got = currentUnitOfOldCommune(oldCode).map((u) => [u.commune.code, u.commune.name, u.province.code, u.whole]);
      assert.deepEqual(got, expected);
    });
  }

  test('notes are kept verbatim (NFC)', () => {
    assert.deepEqual(currentUnitOfOldCommune('00112').map((u) => u.note), ['Nhập một phần diện tích', 'Nhập một phần diện tích, toàn bộ dân số']);
  });

  test('an old commune merged whole went into exactly one 2025 commune', () => {
    for (const c of oldCommunes()) {
      const units = currentUnitOfOldCommune(c.code);
      if (units.some((u) => u.whole)) assert.equal(units.length, 1, c.code);
    }
  });

  test('oldCommunesOf lists the units a 2025 commune was formed from', () => {
    const got = oldCommunesOf('00004').map((f) => [f.commune.code, f.commune.name, f.whole]);
    assert.deepEqual(got, [
      ['00004', 'Phường Trúc Bạch', true], ['00013', 'Phường Quán Thánh', true], ['00016', 'Phường Ngọc Hà', false],
      ['00019', 'Phường Điện Biên', false], ['00022', 'Phường Đội Cấn', false], ['00028', 'Phường Kim Mã', false],
      ['00112', 'Phường Thụy Khuê', false], ['00040', 'Phường Đồng Xuân', false], ['00055', 'Phường Cửa Đông', false],
      ['00073', 'Phường Cửa Nam', false],
    ]);
  });

  test('oldCommunesOf describes communes missing from the January list from the conversion row', () => {
    const mocLy = oldCommunesOf('03980').find((f) => f.commune.code === '03980');
    assert.deepEqual(mocLy?.commune, { code: '03980', name: 'Phường Mộc Lỵ', type: 'phường', districtCode: '123', provinceCode: '14' });
    assert.equal(getOldCommune('03980'), undefined);
  });

  test('the conversion and its inverse agree', () => {
    for (const c of communes2025()) {
      for (const f of oldCommunesOf(c.code)) assert.ok(currentUnitOfOldCommune(f.commune.code).some((u) => u.commune.code === c.code));
    }
  });
});
