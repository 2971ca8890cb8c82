import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testApp, type TestApp } from '../harness/app.ts';
import { born, resident, HN, HN2, HCM, LEGAL } from '../harness/registry.ts';
import { validateIdNumber } from '../../src/vn/index.ts';
import { fixedClock } from '../../src/platform/clock.ts';

type H = Record<string, string>;
const post = (t: TestApp, headers: H, url: string, payload: object, extra: H = {}) => t.app.inject({ method: 'POST', url, headers: { ...headers, ...extra }, payload });
const get = (t: TestApp, headers: H, url: string) => t.app.inject({ method: 'GET', url, headers });

function problem(res: { statusCode: number; json(): any; body: string }, status: number, code: string, field?: string) {
  assert.equal(res.statusCode, status, res.body);
  const p = res.json();
  assert.equal(p.code, code, res.body);
  if (field) assert.ok(p.errors?.some((e: any) => e.field === field), `expected field ${field} in ${res.body}`);
  return p;
}

describe('registry life events', () => {
  let t: TestApp;
  let reg: H; // registrar + supervisor-free, Hà Nội province
  let regCommune: H; // registrar of Phường Ba Đình only
  let regHcm: H;
  let sup: H;
  const clock = fixedClock(new Date('2026-11-20T03:00:00Z'));
  before(async () => {
    t = await testApp({ clock });
    reg = await t.officer('reg.hn', ['registrar'], '01');
    regCommune = await t.officer('reg.badinh', ['registrar'], '01', '00004');
    regHcm = await t.officer('reg.hcm', ['registrar'], '79');
    sup = await t.officer('sup.hn', ['supervisor'], '01');
  });
  after(async () => { await t.close(); });

  describe('birth registration', () => {
    test('creates the person with a new ID number consistent with year, sex and place', async () => {
      const id = await born(t, reg, { fullName: 'Nguyễn Thị Mai', sex: 'female', birthDate: '2026-11-01' });
      const v = validateIdNumber(id);
      assert.ok(v.ok);
      assert.equal(v.value.birthYear, 2026);
      assert.equal(v.value.sex, 'female');
      assert.equal(id.slice(0, 3), '001');
      assert.equal(id[3], '3');
      const rec = await get(t, reg, `/api/v1/registry/people/${id}?purpose=kiem%20tra`);
      assert.equal(rec.statusCode, 200, rec.body);
      assert.equal(rec.json().fullName, 'Nguyễn Thị Mai');
      assert.equal(rec.json().birthDate, '2026-11-01');
      const outbox = await sql<{ topic: string }>`select topic from platform.outbox where key = ${id}`.execute(t.platform.db);
      assert.deepEqual(outbox.rows.map((r) => r.topic), ['person.registered']);
    });

    test('links parents and joins their household', async () => {
      const father = await resident(t, reg, { fullName: 'Trần Văn Hùng', sex: 'male', birthDate: '1990-05-04' });
      const mother = await born(t, reg, { fullName: 'Lê Thị Hoa', sex: 'female', birthDate: '1992-02-29' });
      const res = await post(t, reg, '/api/v1/registry/births', { ...LEGAL, fullName: 'Trần Minh Khang', sex: 'male', birthDate: '2026-10-10', birthRegistration: HN, fatherId: father.idNumber, motherId: mother, householdNo: father.householdNo, relationToHead: 'Con' });
      assert.equal(res.statusCode, 201, res.body);
      const hh = (await get(t, reg, `/api/v1/registry/households/${father.householdNo}`)).json();
      assert.deepEqual(hh.members.map((m: any) => m.relationToHead).sort(), ['Chủ hộ', 'Con']);
    });

    const rejections: Array<[string, () => H, object, number, string, string?]> = [
      ['outside the officer\'s province', () => regHcm, { birthRegistration: HN }, 403, 'FORBIDDEN_JURISDICTION'],
      ['outside the officer\'s commune', () => regCommune, { birthRegistration: HN2 }, 403, 'FORBIDDEN_JURISDICTION'],
      ['an invalid parent ID number', () => reg, { fatherId: '12345' }, 400, 'VALIDATION_FAILED', 'fatherId'],
      ['a parent not in the registry', () => reg, { fatherId: '001090999999' }, 400, 'REGISTRY_PARENT_INVALID', 'fatherId'],
      ['no legal basis', () => reg, { legalBasis: ' ' }, 400, 'REGISTRY_LEGAL_BASIS_REQUIRED', 'legalBasis'],
      ['a birth date in the future', () => reg, { birthDate: '2027-01-01' }, 400, 'REGISTRY_INVALID_DATE', 'birthDate'],
      ['an impossible date', () => reg, { birthDate: '2026-02-30' }, 400, 'REGISTRY_INVALID_DATE', 'birthDate'],
      ['a commune of another province', () => reg, { birthRegistration: { provinceCode: '01', communeCode: HCM.communeCode } }, 400, 'REGISTRY_UNKNOWN_UNIT', 'birthRegistration.communeCode'],
      ['an unknown field', () => reg, { nickname: 'Bi' }, 400, 'VALIDATION_FAILED', 'nickname'],
    ];
    for (const [name, who, override, status, code, field] of rejections) {
      test(`refuses ${name}`, async () => {
        const before = await sql<{ n: number }>`select count(*)::int n from registry.person`.execute(t.platform.db);
        const res = await post(t, who(), '/api/v1/registry/births', { ...LEGAL, fullName: 'Phạm Văn Bé', sex: 'male', birthDate: '2026-09-09', birthRegistration: HN, ...override });
        problem(res, status, code, field);
        const after = await sql<{ n: number }>`select count(*)::int n from registry.person`.execute(t.platform.db);
        assert.equal(after.rows[0]!.n, before.rows[0]!.n, 'nothing half-written');
      });
    }

    test('a card officer cannot register births (role)', async () => {
      const card = await t.officer('card.hn', ['card_officer'], '01');
      problem(await post(t, card, '/api/v1/registry/births', { ...LEGAL, fullName: 'A B', sex: 'male', birthDate: '2026-01-01', birthRegistration: HN }), 403, 'FORBIDDEN_ROLE');
    });

    test('a retry with the same idempotency key registers once; another body under the key is refused', async () => {
      const body = { ...LEGAL, fullName: 'Đỗ Gia Bảo', sex: 'male', birthDate: '2026-08-08', birthRegistration: HN };
      const key = { 'idempotency-key': 'birth-retry-0001' };
      const a = await post(t, reg, '/api/v1/registry/births', body, key);
      const b = await post(t, reg, '/api/v1/registry/births', body, key);
      assert.equal(a.statusCode, 201);
      assert.equal(b.json().idNumber, a.json().idNumber);
      const c = await sql<{ n: number }>`select count(*)::int n from registry.person where name_key = 'do gia bao'`.execute(t.platform.db);
      assert.equal(c.rows[0]!.n, 1);
      problem(await post(t, reg, '/api/v1/registry/births', { ...body, fullName: 'Đỗ Gia Huy' }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
      problem(await post(t, reg, '/api/v1/registry/births', body, { 'idempotency-key': 'x' }), 400, 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key');
    });

    test('concurrent retries with one key still register once', async () => {
      const body = { ...LEGAL, fullName: 'Vũ Thảo Vy', sex: 'female', birthDate: '2026-07-07', birthRegistration: HN };
      const results = await Promise.all(Array.from({ length: 5 }, () => post(t, reg, '/api/v1/registry/births', body, { 'idempotency-key': 'birth-concurrent-1' })));
      assert.equal(new Set(results.map((r) => r.json().idNumber)).size, 1);
      const c = await sql<{ n: number }>`select count(*)::int n from registry.person where name_key = 'vu thao vy'`.execute(t.platform.db);
      assert.equal(c.rows[0]!.n, 1);
    });
  });

  describe('duplicates', () => {
    test('a probable duplicate is held for review; the supervisor confirms distinct or merges', async () => {
      const mother = await born(t, reg, { fullName: 'Hồ Thị Thu', sex: 'female', birthDate: '1995-03-03' });
      const body = { ...LEGAL, fullName: 'Ngô Thanh Hoà', sex: 'male', birthDate: '2026-06-06', birthRegistration: HN, motherId: mother };
      const first = await post(t, reg, '/api/v1/registry/births', body);
      assert.equal(first.statusCode, 201);
      const second = await post(t, reg, '/api/v1/registry/births', { ...body, fullName: 'Ngô Thanh Hòa' });
      assert.equal(second.statusCode, 202, second.body);
      assert.deepEqual(second.json().candidates, [first.json().idNumber]);
      const third = await post(t, reg, '/api/v1/registry/births', { ...body, fullName: 'Ngô Thanh Hoa' });
      assert.equal(third.statusCode, 202);
      const listed = await get(t, sup, '/api/v1/registry/duplicates');
      assert.equal(listed.statusCode, 200, listed.body);
      const queue = listed.json().items;
      assert.equal(queue.length, 2);
      // Who is who, side by side: the held registration and each candidate with the facts the decision needs.
      const item = queue.find((q: any) => q.id === second.json().reviewId);
      const place = { provinceCode: '01', provinceName: 'Thành phố Hà Nội', communeCode: '00004', communeName: 'Phường Ba Đình' };
      assert.deepEqual(item.held, { fullName: 'Ngô Thanh Hòa', sex: 'male', birthDate: '2026-06-06', birthRegistration: place, fatherId: null, motherId: mother });
      assert.deepEqual(item.candidates, [first.json().idNumber]);
      assert.deepEqual(item.candidateSummaries, [{ idNumber: first.json().idNumber, fullName: 'Ngô Thanh Hoà', sex: 'male', birthDate: '2026-06-06', status: 'living', birthRegistration: place, fatherId: null, motherId: mother }]);
      assert.equal(item.reasons[0].sameMother, true);
      await t.platform.audit.idle();
      const shown = await sql<{ actor_id: string; fields: string[]; details: any }>`select actor_id, fields, details from platform.audit_log where subject_id = ${first.json().idNumber} and action = 'person.duplicate_candidate_read'`.execute(t.platform.db);
      assert.equal(shown.rows.length, 2, 'each review showing the candidate is audited');
      assert.ok(shown.rows.every((r) => r.fields.includes('fatherId') && r.fields.includes('fullName')));
      assert.deepEqual(shown.rows.map((r) => r.details.reviewId).sort(), [second.json().reviewId, third.json().reviewId].sort());
      problem(await get(t, await t.officer('svc.dup', ['service_officer'], '01'), '/api/v1/registry/duplicates'), 403, 'FORBIDDEN_ROLE');
      problem(await post(t, reg, `/api/v1/registry/duplicates/${second.json().reviewId}/decision`, { decision: 'distinct' }), 403, 'FORBIDDEN_ROLE');
      const distinct = await post(t, sup, `/api/v1/registry/duplicates/${second.json().reviewId}/decision`, { decision: 'distinct' });
      assert.equal(distinct.statusCode, 200, distinct.body);
      assert.ok(validateIdNumber(distinct.json().idNumber).ok);
      assert.notEqual(distinct.json().idNumber, first.json().idNumber);
      const merged = await post(t, sup, `/api/v1/registry/duplicates/${third.json().reviewId}/decision`, { decision: 'merge' });
      assert.equal(merged.json().idNumber, first.json().idNumber);
      problem(await post(t, sup, `/api/v1/registry/duplicates/${third.json().reviewId}/decision`, { decision: 'distinct' }), 409, 'REGISTRY_REVIEW_DECIDED');
      const again = await post(t, sup, `/api/v1/registry/duplicates/${third.json().reviewId}/decision`, { decision: 'merge' });
      assert.equal(again.statusCode, 200, 'the same decision again answers as the first time');
      assert.equal(again.json().idNumber, first.json().idNumber);
      const distinctAgain = await post(t, sup, `/api/v1/registry/duplicates/${second.json().reviewId}/decision`, { decision: 'distinct' });
      assert.equal(distinctAgain.json().idNumber, distinct.json().idNumber, 'no second person on a retried confirmation');
      const c = await sql<{ n: number }>`select count(*)::int n from registry.person where name_key = 'ngo thanh hoa'`.execute(t.platform.db);
      assert.equal(c.rows[0]!.n, 2);
    });
  });

  describe('death and missing', () => {
    test('death closes the record and widows the spouse; a dead person takes no further events', async () => {
      const a = await resident(t, reg, { fullName: 'Bùi Văn Tâm', sex: 'male', birthDate: '1950-01-01' });
      const b = await born(t, reg, { fullName: 'Đặng Thị Lý', sex: 'female', birthDate: '1952-01-01' });
      assert.equal((await post(t, reg, '/api/v1/registry/marriages', { ...LEGAL, partnerIds: [a.idNumber, b], date: '1975-01-01' })).statusCode, 200);
      const d = await post(t, reg, `/api/v1/registry/people/${a.idNumber}/death`, { ...LEGAL, deathDate: '2026-11-19' });
      assert.equal(d.statusCode, 200, d.body);
      const spouse = (await get(t, reg, `/api/v1/registry/people/${b}?purpose=x`)).json();
      assert.equal(spouse.maritalStatus, 'widowed');
      assert.equal(spouse.spouseId, null);
      problem(await post(t, reg, `/api/v1/registry/people/${a.idNumber}/death`, { ...LEGAL, deathDate: '2026-11-19' }), 409, 'REGISTRY_EVENT_NOT_ALLOWED');
      problem(await post(t, reg, `/api/v1/registry/people/${a.idNumber}/temporary-residence`, { ...LEGAL, residence: { address: 'x', ...HN }, until: '2027-06-01' }), 409, 'REGISTRY_EVENT_NOT_ALLOWED');
      problem(await post(t, reg, '/api/v1/registry/marriages', { ...LEGAL, partnerIds: [a.idNumber, b], date: '2026-11-20' }), 409, 'REGISTRY_EVENT_NOT_ALLOWED');
      const topics = await sql<{ topic: string }>`select topic from platform.outbox where key = ${a.idNumber} order by id`.execute(t.platform.db);
      assert.ok(topics.rows.map((r) => r.topic).includes('person.deceased'));
      problem(await post(t, reg, `/api/v1/registry/people/${b}/death`, { ...LEGAL, deathDate: '1940-01-01' }), 400, 'REGISTRY_INVALID_DATE', 'deathDate');
    });

    test('declare missing and revoke; revoking for a living person is refused', async () => {
      const p = await born(t, reg, { fullName: 'Lý Văn Sơn', sex: 'male', birthDate: '1980-01-01' });
      assert.equal((await post(t, reg, `/api/v1/registry/people/${p}/missing`, { ...LEGAL, since: '2024-01-01' })).json().status, 'missing');
      problem(await post(t, reg, `/api/v1/registry/people/${p}/missing`, { ...LEGAL, since: '2024-01-01' }), 409, 'REGISTRY_EVENT_NOT_ALLOWED');
      assert.equal((await post(t, reg, `/api/v1/registry/people/${p}/missing/revoke`, LEGAL)).json().status, 'living');
      problem(await post(t, reg, `/api/v1/registry/people/${p}/missing/revoke`, LEGAL), 409, 'REGISTRY_EVENT_NOT_ALLOWED');
    });

    test('an event for an unknown or invalid ID number', async () => {
      problem(await post(t, reg, '/api/v1/registry/people/001090999998/death', { ...LEGAL, deathDate: '2026-01-01' }), 404, 'REGISTRY_PERSON_NOT_FOUND');
      problem(await post(t, reg, '/api/v1/registry/people/999090999998/death', { ...LEGAL, deathDate: '2026-01-01' }), 400, 'REGISTRY_INVALID_ID_NUMBER', 'idNumber');
    });
  });

  describe('residence', () => {
    test('permanent, temporary and current residence; jurisdiction follows the place', async () => {
      const p = await resident(t, reg, { fullName: 'Phan Thị Ngọc', sex: 'female', birthDate: '1999-09-09' });
      const tmp = await post(t, regHcm, `/api/v1/registry/people/${p.idNumber}/temporary-residence`, { ...LEGAL, residence: { address: 'Số 1 Lê Lợi', ...HCM }, until: '2027-11-01' });
      assert.equal(tmp.statusCode, 200, tmp.body);
      // Now the HCM officer may read her (temporary residence in HCM); a commune officer elsewhere may not.
      assert.equal((await get(t, regHcm, `/api/v1/registry/people/${p.idNumber}?purpose=x`)).statusCode, 200);
      const other = await t.officer('reg.hoankiem', ['registrar'], '01', '00070');
      problem(await get(t, other, `/api/v1/registry/people/${p.idNumber}?purpose=x`), 403, 'FORBIDDEN_JURISDICTION');
      problem(await post(t, regHcm, `/api/v1/registry/people/${p.idNumber}/temporary-residence`, { ...LEGAL, residence: { address: 'x', ...HCM }, until: '2029-01-01' }), 400, 'REGISTRY_INVALID_DATE', 'until');
      const cur = await post(t, reg, `/api/v1/registry/people/${p.idNumber}/current-residence`, { ...LEGAL, residence: { address: 'Số 5 Hàng Bông', ...HN2 } });
      assert.equal(cur.statusCode, 200, cur.body);
      problem(await post(t, reg, `/api/v1/registry/people/${p.idNumber}/current-residence`, { ...LEGAL, residence: { address: 'Số 5 Hàng Bông', ...HN2 } }), 400, 'REGISTRY_NO_CHANGE');
      const dereg = await post(t, reg, `/api/v1/registry/people/${p.idNumber}/permanent-residence/deregister`, LEGAL);
      assert.equal(dereg.statusCode, 200, dereg.body);
      const rec = (await get(t, reg, `/api/v1/registry/people/${p.idNumber}?purpose=x`)).json();
      assert.equal(rec.permanentResidence, null);
      assert.equal(rec.household, null);
      assert.equal(rec.temporaryResidence.communeName, 'Phường Thủ Dầu Một');
    });
  });

  describe('households', () => {
    test('create, add, change head, split, merge, remove — and each conflicting change refused', async () => {
      const head = await resident(t, reg, { fullName: 'Hoàng Văn Nam', sex: 'male', birthDate: '1970-01-01' });
      const wife = await born(t, reg, { fullName: 'Dương Thị Xuân', sex: 'female', birthDate: '1972-01-01' });
      const son = await born(t, reg, { fullName: 'Hoàng Văn Bình', sex: 'male', birthDate: '1995-01-01', fatherId: head.idNumber, motherId: wife });
      const hh = head.householdNo;
      const url = `/api/v1/registry/households/${hh}`;
      assert.equal((await post(t, reg, `${url}/members`, { ...LEGAL, idNumber: wife, relationToHead: 'Vợ' })).statusCode, 200);
      assert.equal((await post(t, reg, `${url}/members`, { ...LEGAL, idNumber: son, relationToHead: 'Con' })).statusCode, 200);
      problem(await post(t, reg, `${url}/members`, { ...LEGAL, idNumber: son, relationToHead: 'Con' }), 400, 'REGISTRY_NO_CHANGE');
      const other = await resident(t, reg, { fullName: 'Cao Văn Tú', sex: 'male', birthDate: '1960-01-01' });
      const inOther = problem(await post(t, reg, `${url}/members`, { ...LEGAL, idNumber: other.idNumber, relationToHead: 'Khác' }), 409, 'REGISTRY_HOUSEHOLD_CONFLICT', 'idNumber');
      assert.match(inOther.detail, /^Thay đổi hộ không hợp lệ: Người này đang thuộc hộ HK01-\d+: phải tách khỏi hộ đó trước\.$/);
      assert.match(inOther.messages.en, /^Conflicting household change: This person belongs to household/);
      problem(await post(t, reg, `${url}/head`, { ...LEGAL, newHeadId: other.idNumber }), 409, 'REGISTRY_HOUSEHOLD_CONFLICT', 'newHeadId');
      problem(await post(t, reg, `${url}/members/${head.idNumber}/remove`, LEGAL), 409, 'REGISTRY_HOUSEHOLD_CONFLICT');
      problem(await post(t, reg, `${url}/split`, { ...LEGAL, memberIds: [head.idNumber, son], newHeadId: son }), 409, 'REGISTRY_HOUSEHOLD_CONFLICT', 'memberIds');
      const split = await post(t, reg, `${url}/split`, { ...LEGAL, memberIds: [son], newHeadId: son });
      assert.equal(split.statusCode, 200, split.body);
      const newNo = split.json().newHouseholdNo;
      assert.equal((await get(t, reg, `/api/v1/registry/households/${newNo}`)).json().members[0].relationToHead, 'Chủ hộ');
      const merge = await post(t, reg, `/api/v1/registry/households/${newNo}/merge`, { ...LEGAL, intoHouseholdNo: hh, relations: { [son]: 'Con' } });
      assert.equal(merge.statusCode, 200, merge.body);
      assert.equal((await get(t, reg, `/api/v1/registry/households/${newNo}`)).json().status, 'dissolved');
      problem(await post(t, reg, `/api/v1/registry/households/${hh}/merge`, { ...LEGAL, intoHouseholdNo: hh, relations: {} }), 409, 'REGISTRY_HOUSEHOLD_CONFLICT');
      const changed = await post(t, reg, `${url}/head`, { ...LEGAL, newHeadId: wife, formerHeadRelation: 'Chồng' });
      assert.equal(changed.statusCode, 200, changed.body);
      const view = (await get(t, reg, url)).json();
      assert.equal(view.headId, wife);
      assert.deepEqual(view.members.map((m: any) => m.relationToHead).sort(), ['Chồng', 'Chủ hộ', 'Con']);
      assert.equal((await post(t, reg, `${url}/members/${son}/remove`, LEGAL)).statusCode, 200);
      assert.equal((await get(t, reg, url)).json().members.length, 2);
      const commune = await t.officer('reg.hk2', ['registrar'], '01', '00070');
      problem(await post(t, commune, `${url}/members`, { ...LEGAL, idNumber: son, relationToHead: 'Con' }), 403, 'FORBIDDEN_JURISDICTION');
    });
  });

  describe('marriage and divorce', () => {
    test('updates both people; each unlawful marriage refused', async () => {
      const a = await born(t, reg, { fullName: 'Trịnh Văn Long', sex: 'male', birthDate: '1998-01-01' });
      const b = await born(t, reg, { fullName: 'Mai Thị Hằng', sex: 'female', birthDate: '2000-01-01' });
      const c = await born(t, reg, { fullName: 'Tạ Thị Yến', sex: 'female', birthDate: '2000-02-02' });
      const kid = await born(t, reg, { fullName: 'Lưu Văn Nhỏ', sex: 'male', birthDate: '2010-01-01' });
      const m = { ...LEGAL, date: '2026-11-19' };
      problem(await post(t, reg, '/api/v1/registry/marriages', { ...m, partnerIds: [kid, c] }), 409, 'REGISTRY_MARRIAGE_CONFLICT', 'partnerIds.0');
      problem(await post(t, reg, '/api/v1/registry/marriages', { ...m, partnerIds: [b, c] }), 409, 'REGISTRY_MARRIAGE_CONFLICT', 'partnerIds');
      problem(await post(t, reg, '/api/v1/registry/divorces', { ...m, partnerIds: [a, b] }), 409, 'REGISTRY_MARRIAGE_CONFLICT', 'partnerIds');
      assert.equal((await post(t, reg, '/api/v1/registry/marriages', { ...m, partnerIds: [a, b] })).statusCode, 200);
      problem(await post(t, reg, '/api/v1/registry/marriages', { ...m, partnerIds: [a, c] }), 409, 'REGISTRY_MARRIAGE_CONFLICT', 'partnerIds.0');
      const ra = (await get(t, reg, `/api/v1/registry/people/${a}?purpose=x`)).json();
      assert.equal(ra.spouseId, b);
      assert.equal(ra.maritalStatus, 'married');
      assert.equal((await post(t, reg, '/api/v1/registry/divorces', { ...m, partnerIds: [b, a] })).statusCode, 200);
      const rb = (await get(t, reg, `/api/v1/registry/people/${b}?purpose=x`)).json();
      assert.equal(rb.maritalStatus, 'divorced');
    });

    test('siblings cannot marry', async () => {
      const father = await born(t, reg, { fullName: 'Kiều Văn Cha', sex: 'male', birthDate: '1960-01-01' });
      const s1 = await born(t, reg, { fullName: 'Kiều Văn Anh', sex: 'male', birthDate: '1990-01-01', fatherId: father });
      const s2 = await born(t, reg, { fullName: 'Kiều Thị Em', sex: 'female', birthDate: '1992-01-01', fatherId: father });
      problem(await post(t, reg, '/api/v1/registry/marriages', { ...LEGAL, date: '2026-01-01', partnerIds: [s1, s2] }), 409, 'REGISTRY_MARRIAGE_CONFLICT', 'partnerIds');
    });
  });

  describe('events written by one statement (read, then a version-checked write)', () => {
    const events = async (id: string) => (await sql<{ kind: string }>`select e.kind from registry.event_subject s join registry.event e on e.id = s.event_id where s.id_number = ${id} order by e.id`.execute(t.platform.db)).rows.map((r) => r.kind);

    test('a retried current-residence change under one key is recorded once and answered the same', async () => {
      const p = await resident(t, reg, { fullName: 'Hà Văn Lặp', sex: 'male', birthDate: '1985-05-05' });
      const body = { ...LEGAL, residence: { address: 'Số 9 Hàng Đào', ...HN2 } };
      const key = { 'idempotency-key': 'cur-retry-00001' };
      const a = await post(t, reg, `/api/v1/registry/people/${p.idNumber}/current-residence`, body, key);
      const b = await post(t, reg, `/api/v1/registry/people/${p.idNumber}/current-residence`, body, key);
      assert.equal(a.statusCode, 200, a.body);
      assert.ok(a.json().eventId > 0);
      assert.deepEqual(b.json(), a.json());
      assert.equal((await events(p.idNumber)).filter((k) => k === 'current_residence_changed').length, 1);
      problem(await post(t, reg, `/api/v1/registry/people/${p.idNumber}/current-residence`, { ...body, residence: { address: 'Số 10 Hàng Đào', ...HN2 } }, key), 422, 'IDEMPOTENCY_KEY_REUSED');
      const outbox = await sql<{ payload: { eventId: number } }>`select payload from platform.outbox where key = ${p.idNumber} and topic = 'residence.current_changed'`.execute(t.platform.db);
      assert.deepEqual(outbox.rows.map((r) => r.payload.eventId), [a.json().eventId]);
      const audit = await sql<{ details: { eventId: number } }>`select details from platform.audit_inbox where subject_id = ${p.idNumber} and action = 'registry.current_residence_changed'
        union all select details from platform.audit_log where subject_id = ${p.idNumber} and action = 'registry.current_residence_changed'`.execute(t.platform.db);
      assert.deepEqual(audit.rows.map((r) => r.details.eventId), [a.json().eventId]);
    });

    test('concurrent requests under one key are recorded once', async () => {
      const p = await resident(t, reg, { fullName: 'Hà Thị Đồng', sex: 'female', birthDate: '1986-06-06' });
      const body = { ...LEGAL, residence: { address: 'Số 11 Hàng Đào', ...HN2 } };
      const rs = await Promise.all(Array.from({ length: 6 }, () => post(t, reg, `/api/v1/registry/people/${p.idNumber}/current-residence`, body, { 'idempotency-key': 'cur-concurrent-01' })));
      for (const r of rs) assert.equal(r.statusCode, 200, r.body);
      assert.equal(new Set(rs.map((r) => r.json().eventId)).size, 1);
      assert.equal((await events(p.idNumber)).filter((k) => k === 'current_residence_changed').length, 1);
    });

    test('concurrent changes to one person all land, one after another, each against the version it read', async () => {
      const p = await resident(t, reg, { fullName: 'Hà Văn Đua', sex: 'male', birthDate: '1987-07-07' });
      const rs = await Promise.all(Array.from({ length: 4 }, (_, i) => post(t, reg, `/api/v1/registry/people/${p.idNumber}/current-residence`, { ...LEGAL, residence: { address: `Số ${20 + i} Hàng Đào`, ...HN2 } })));
      for (const r of rs) assert.equal(r.statusCode, 200, r.body);
      const befores = await sql<{ before: { cur_address: string }; after: { cur_address: string } }>`select s.before, s.after from registry.event_subject s join registry.event e on e.id = s.event_id where s.id_number = ${p.idNumber} and e.kind = 'current_residence_changed' order by e.id`.execute(t.platform.db);
      assert.equal(befores.rows.length, 4);
      // Each change saw the one before it: the chain of before/after addresses is unbroken.
      for (let i = 1; i < 4; i++) assert.equal(befores.rows[i]!.before.cur_address, befores.rows[i - 1]!.after.cur_address);
      const row = await sql<{ version: number; cur_address: string }>`select version, cur_address from registry.person where id_number = ${p.idNumber}`.execute(t.platform.db);
      assert.equal(row.rows[0]!.cur_address, befores.rows[3]!.after.cur_address);
    });

    test('two marriages of one person at once: one is registered, the other refused', async () => {
      const a = await born(t, reg, { fullName: 'Đinh Văn Chú', sex: 'male', birthDate: '1995-01-01' });
      const b = await born(t, reg, { fullName: 'Đinh Thị Bơ', sex: 'female', birthDate: '1996-01-01' });
      const c = await born(t, reg, { fullName: 'Lò Thị Cam', sex: 'female', birthDate: '1997-01-01' });
      const m = { ...LEGAL, date: '2026-11-19' };
      const [x, y] = await Promise.all([post(t, reg, '/api/v1/registry/marriages', { ...m, partnerIds: [a, b] }), post(t, reg, '/api/v1/registry/marriages', { ...m, partnerIds: [a, c] })]);
      assert.deepEqual([x.statusCode, y.statusCode].sort(), [200, 409], `${x.body} ${y.body}`);
      const loser = x.statusCode === 409 ? x : y;
      assert.equal(loser.json().code, 'REGISTRY_MARRIAGE_CONFLICT');
      const spouses = await sql<{ id_number: string; spouse_id: string | null }>`select id_number, spouse_id from registry.person where id_number in (${a}, ${b}, ${c}) order by id_number`.execute(t.platform.db);
      const married = spouses.rows.filter((r) => r.spouse_id);
      assert.equal(married.length, 2);
      assert.ok(married.some((r) => r.id_number === a));
    });
  });

  describe('corrections (four eyes) and history', () => {
    test('a correction takes effect only on another supervisor\'s approval; history and as-of show before and after', async () => {
      const p = await born(t, reg, { fullName: 'Nguyễn Văn Aanh', sex: 'male', birthDate: '1985-04-04' });
      clock.advance(2 * 86_400_000);
      reg = await t.officer('reg.hn.later', ['registrar'], '01');
      sup = await t.officer('sup.hn.later', ['supervisor'], '01');
      const req = await post(t, reg, `/api/v1/registry/people/${p}/corrections`, { ...LEGAL, reason: 'Sai chính tả', changes: { fullName: 'Nguyễn Văn Anh' } });
      assert.equal(req.statusCode, 202, req.body);
      assert.equal((await get(t, reg, `/api/v1/registry/people/${p}?purpose=x`)).json().fullName, 'Nguyễn Văn Aanh');
      const both = await t.officer('both.hn', ['registrar', 'supervisor'], '01');
      const own = await post(t, both, `/api/v1/registry/people/${p}/corrections`, { ...LEGAL, reason: 'x', changes: { religion: 'Phật giáo' } });
      problem(await post(t, both, `/api/v1/registry/corrections/${own.json().correctionId}/decision`, { decision: 'approve' }), 403, 'REGISTRY_FOUR_EYES');
      const pending = (await get(t, sup, '/api/v1/registry/corrections')).json().items;
      assert.ok(pending.some((c: any) => c.id === req.json().correctionId));
      const supHcm = await t.officer('sup.hcm', ['supervisor'], '79');
      assert.ok(!(await get(t, supHcm, '/api/v1/registry/corrections')).json().items.some((c: any) => c.id === req.json().correctionId), 'another province\'s supervisor does not see it');
      const ok = await post(t, sup, `/api/v1/registry/corrections/${req.json().correctionId}/decision`, { decision: 'approve' });
      assert.equal(ok.statusCode, 200, ok.body);
      problem(await post(t, sup, `/api/v1/registry/corrections/${req.json().correctionId}/decision`, { decision: 'approve' }), 409, 'REGISTRY_CORRECTION_DECIDED');
      assert.equal((await get(t, reg, `/api/v1/registry/people/${p}?purpose=x`)).json().fullName, 'Nguyễn Văn Anh');
      const rejected = await post(t, sup, `/api/v1/registry/corrections/${own.json().correctionId}/decision`, { decision: 'reject', note: 'Không có giấy tờ' });
      assert.equal(rejected.json().status, 'rejected');
      const hist = (await get(t, reg, `/api/v1/registry/people/${p}/history`)).json();
      assert.deepEqual(hist.events.map((e: any) => e.kind), ['correction_rejected', 'correction_approved', 'correction_requested', 'correction_requested', 'birth_registered']);
      const approved = hist.events.find((e: any) => e.kind === 'correction_approved');
      assert.equal(approved.before.full_name, 'Nguyễn Văn Aanh');
      assert.equal(approved.after.full_name, 'Nguyễn Văn Anh');
      const then = (await get(t, reg, `/api/v1/registry/people/${p}/as-of/2026-11-20?purpose=x`)).json();
      assert.equal(then.record.fullName, 'Nguyễn Văn Aanh');
      const now = (await get(t, reg, `/api/v1/registry/people/${p}/as-of/2026-11-22?purpose=x`)).json();
      assert.equal(now.record.fullName, 'Nguyễn Văn Anh');
      problem(await get(t, reg, `/api/v1/registry/people/${p}/as-of/2026-11-19?purpose=x`), 404, 'REGISTRY_PERSON_NOT_FOUND');
    });
  });
});
