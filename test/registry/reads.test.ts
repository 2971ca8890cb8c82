import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../harness/app.ts';
import { born, resident, HN, HN2, HCM } from '../harness/registry.ts';
import { sql } from 'kysely';
import { chainAll } from '../../src/platform/audit/index.ts';

type H = Record<string, string>;
const get = (t: TestApp, headers: H, url: string) => t.app.inject({ method: 'GET', url, headers });

describe('registry reads', () => {
  let t: TestApp;
  let reg: H;
  const ids: Record<string, string> = {};
  before(async () => {
    t = await testApp();
    reg = await t.officer('reg.hn', ['registrar'], '01');
    const hcm = await t.officer('reg.hcm', ['registrar'], '79');
    ids.lan = (await resident(t, reg, { fullName: 'Nguyễn Thị Lan', sex: 'female', birthDate: '1990-03-15', at: HN })).idNumber;
    ids.lan2 = (await resident(t, reg, { fullName: 'Nguyễn Thị Lan', sex: 'female', birthDate: '1985-07-01', at: HN2 })).idNumber;
    ids.lanAnh = (await resident(t, reg, { fullName: 'Trần Lan Anh', sex: 'female', birthDate: '1990-01-01', at: HN })).idNumber;
    ids.lân = (await resident(t, reg, { fullName: 'Phạm Văn Lân', sex: 'male', birthDate: '1990-06-06', at: HN })).idNumber;
    ids.hoa = (await resident(t, reg, { fullName: 'Lê Thị Hoà', sex: 'female', birthDate: '1990-06-06', at: HN })).idNumber;
    ids.duc = (await resident(t, reg, { fullName: 'Đặng Đức Đạt', sex: 'male', birthDate: '1988-08-08', at: HN })).idNumber;
    ids.hcmLan = (await resident(t, hcm, { fullName: 'Võ Thị Lan', sex: 'female', birthDate: '1990-02-02', at: HCM })).idNumber;
  });
  after(async () => { await t.close(); });

  const search = async (q: string, extra = '', who?: H) => {
    const res = await get(t, who ?? reg, `/api/v1/registry/people?q=${encodeURIComponent(q)}${extra}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items.map((i: any) => i.idNumber) as string[];
  };

  const cases: Array<[string, string, string, string[]]> = [
    ['full name without diacritics', 'nguyen thi lan', '', ['lan', 'lan2']],
    ['full name with diacritics', 'Nguyễn Thị Lan', '', ['lan', 'lan2']],
    ['decomposed (NFD) input', 'Nguyễn Thị Lan'.normalize('NFD'), '', ['lan', 'lan2']],
    ['prefix of a name', 'nguyen th', '&mode=prefix', ['lan', 'lan2']],
    ['whole word (given name) narrowed by birth year; no diacritics typed, so Lân matches too', 'lan', '&birthYear=1990', ['lan', 'lân']],
    ['đ typed as d', 'dang duc dat', '', ['duc']],
    ['old tone placement finds new (Hoà/Hòa)', 'Lê Thị Hòa', '', ['hoa']],
    ['narrowed by sex', 'lan', '&sex=male', ['lân']],
    ['narrowed by commune', 'nguyen thi lan', `&communeCode=${HN2.communeCode}`, ['lan2']],
    ['exact birth date', 'nguyen thi lan', '&birthDate=1985-07-01', ['lan2']],
  ];
  for (const [name, q, extra, expected] of cases) {
    test(`search: ${name}`, async () => {
      const found = await search(q, extra);
      assert.deepEqual([...found].sort(), expected.map((k) => ids[k]!).sort());
    });
  }

  test('search by ID number, and out-of-jurisdiction people are not listed', async () => {
    assert.deepEqual(await search(ids.duc!), [ids.duc]);
    assert.deepEqual(await search(ids.hcmLan!), []);
    const badinh = await t.officer('reg.badinh', ['registrar'], '01', '00004');
    assert.deepEqual((await search('nguyen thi lan', '', badinh)).sort(), [ids.lan]);
  });

  test('typed diacritics rank the exact spelling first', async () => {
    const res = (await get(t, reg, `/api/v1/registry/people?q=${encodeURIComponent('lân')}`)).json();
    assert.equal(res.items[0].idNumber, ids.lân);
  });

  test('pagination', async () => {
    const all = await search('lan');
    const p1 = (await get(t, reg, '/api/v1/registry/people?q=lan&limit=1')).json();
    const p2 = (await get(t, reg, '/api/v1/registry/people?q=lan&limit=1&offset=1')).json();
    assert.equal(p1.items.length, 1);
    assert.equal(p1.hasMore, true);
    assert.deepEqual([p1.items[0].idNumber, p2.items[0].idNumber], all.slice(0, 2));
  });

  test('a full read needs a purpose and is audited with it; role limits the fields', async () => {
    const noPurpose = await get(t, reg, `/api/v1/registry/people/${ids.lan}`);
    assert.equal(noPurpose.statusCode, 400);
    assert.equal(noPurpose.json().errors[0].field, 'purpose');
    const full = (await get(t, reg, `/api/v1/registry/people/${ids.lan}?purpose=${encodeURIComponent('Giải quyết hồ sơ')}`)).json();
    assert.ok('fatherId' in full && 'ethnicity' in full);
    const svc = await t.officer('svc.hn', ['service_officer'], '01');
    const limited = (await get(t, svc, `/api/v1/registry/people/${ids.lan}?purpose=x`)).json();
    assert.ok(!('fatherId' in limited) && !('ethnicity' in limited) && 'permanentResidence' in limited);
    await t.platform.audit.idle();
    await chainAll(t.platform.db);
    const auditor = await t.officer('audit.x', ['auditor'], null);
    const log = (await get(t, auditor, `/api/v1/audit/entries?subjectId=${ids.lan}&action=person.read`)).json();
    assert.ok(log.items.some((e: any) => e.purpose === 'Giải quyết hồ sơ' && e.fields.includes('fatherId')));
    assert.ok(log.items.some((e: any) => e.purpose === 'x' && !e.fields.includes('fatherId')));
    const searched = (await get(t, auditor, `/api/v1/audit/entries?subjectId=${ids.lan}&action=person.search_result`)).json();
    assert.ok(searched.items.length > 0);
  });

  test('an address recorded before 1 July 2025 keeps its old units and shows its current unit', async () => {
    await sql`insert into registry.person (id_number, full_name, name_key, given_key, sex, birth_year, birth_reg_province_code, perm_address, perm_province_code, perm_commune_code, perm_old_province_code, perm_old_district_code, perm_old_commune_code, perm_since, synthetic)
      values ('001060000123', 'Trương Văn Cũ', 'truong van cu', 'cu', 'male', 1960, '01', 'Số 3 phố Phúc Xá', '01', '00097', '01', '001', '00001', '1990-01-01', true)`.execute(t.platform.db);
    const rec = (await get(t, reg, '/api/v1/registry/people/001060000123?purpose=x')).json();
    assert.equal(rec.permanentResidence.communeName, 'Phường Hồng Hà');
    assert.equal(rec.permanentResidence.provinceName, 'Thành phố Hà Nội');
    assert.equal(rec.permanentResidence.recordedWith.communeName, 'Phường Phúc Xá');
    assert.equal(rec.permanentResidence.recordedWith.districtCode, '001');
  });

  test('household view, commune members and age-sex counts', async () => {
    const child = await born(t, reg, { fullName: 'Nguyễn Bảo Ngọc', sex: 'female', birthDate: '2020-01-01', motherId: ids.lan });
    assert.ok(child);
    const list = (await get(t, reg, `/api/v1/registry/units/01/${HN.communeCode}/people?limit=2`)).json();
    assert.equal(list.items.length, 2);
    const next = (await get(t, reg, `/api/v1/registry/units/01/${HN.communeCode}/people?limit=50&after=${list.nextAfter}`)).json();
    assert.equal(list.items.length + next.items.length, 5);
    const stats = (await get(t, reg, '/api/v1/registry/stats?provinceCode=01')).json();
    assert.equal(stats.total, 7);
    assert.equal(stats.bySex.female + stats.bySex.male, 7);
    assert.equal(stats.byAgeBand.reduce((s: number, b: any) => s + b.male + b.female, 0), 7);
    const hcmStats = await get(t, reg, '/api/v1/registry/stats?provinceCode=79');
    assert.equal(hcmStats.statusCode, 403);
  });
});

describe('search within a jurisdiction finds people with no residence by their place of birth registration', () => {
  test('a provincial officer finds a newborn registered in the province', async () => {
    const t = await testApp();
    try {
      const reg = await t.officer('reg.only', ['registrar'], '01');
      const id = await born(t, reg, { fullName: 'Nguyễn Thị Ánh Dương', sex: 'female', birthDate: '2026-01-02' });
      const res = (await t.app.inject({ url: '/api/v1/registry/people?q=nguyen%20thi%20anh%20duong', headers: reg })).json();
      assert.deepEqual(res.items.map((i: any) => i.idNumber), [id]);
      const other = await t.officer('reg.other', ['registrar'], '79');
      assert.equal((await t.app.inject({ url: '/api/v1/registry/people?q=nguyen%20thi%20anh%20duong', headers: other })).json().items.length, 0);
    } finally {
      await t.close();
    }
  });
});
