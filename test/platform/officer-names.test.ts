/**
 * GET /api/v1/officers/names: any signed-in officer may learn who the officers behind ids or
 * usernames are (display name and username only); citizens and partner systems may not.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { exchangeTestServer, resident, call, problem, type ExchangeTestServer, type H, type Partner } from '../harness/partner.ts';
import { level1Account, citizenToken } from '../harness/eid.ts';

const names = (refs: string[]) => `/api/v1/officers/names?${new URLSearchParams(refs.map((r) => ['ref', r])).toString()}`;

describe('officer names for officers', () => {
  let t: ExchangeTestServer;
  let registrar: H;
  let supervisor: H;
  let partner: Partner;
  let citizen: H;
  let registrarId: string;

  before(async () => {
    t = await exchangeTestServer();
    registrar = await t.officer('ten.ho-tich', ['registrar'], '01');
    supervisor = await t.officer('ten.giam-sat', ['supervisor'], '79');
    await t.platform.officers.create({ username: 'le.thi.hoa', displayName: 'Lê Thị Hoà', password: 'correct-horse-battery-staple', roles: ['card_officer'], provinceCode: '01', communeCode: '00004' }, 'test');
    registrarId = (await call(t.baseUrl, 'GET', '/api/v1/auth/me', undefined, registrar)).json.officer.id;
    const idNumber = await resident(t.baseUrl, registrar, { fullName: 'Phan Văn Tín', sex: 'male', birthDate: '1990-03-04' });
    await level1Account(t.baseUrl, { idNumber, fullName: 'Phan Văn Tín', birthDate: '1990-03-04', phone: '0912000777' });
    citizen = { authorization: `Bearer ${await citizenToken(t.baseUrl, idNumber)}` };
    partner = await t.partner({ member: 'Ngân hàng Tên Cán Bộ' });
  });
  after(async () => { await t.close(); });

  test('any officer gets id, username and display name, by id or by username, and nothing else; unknown refs are left out', async () => {
    const r = await call(t.baseUrl, 'GET', names([registrarId, 'le.thi.hoa', 'cli', '00000000-0000-4000-8000-000000000000', 'le.thi.hoa']), undefined, supervisor);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items, [
      { id: r.json.items[0].id, username: 'le.thi.hoa', displayName: 'Lê Thị Hoà' },
      { id: registrarId, username: 'ten.ho-tich', displayName: 'ten.ho-tich' },
    ]);
    for (const o of r.json.items) assert.deepEqual(Object.keys(o).sort(), ['displayName', 'id', 'username']);
    assert.match(r.json.items[0].id, /^[0-9a-f-]{36}$/);
  });

  test('at most 100 refs a call: 400 naming the field; none is 400 too', async () => {
    const refs = Array.from({ length: 101 }, (_, i) => `officer.${i}`);
    assert.equal((await call(t.baseUrl, 'GET', names(refs.slice(0, 100)), undefined, registrar)).status, 200);
    const tooMany = problem(await call(t.baseUrl, 'GET', names(refs), undefined, registrar), 400, 'VALIDATION_FAILED');
    assert.deepEqual(tooMany.errors.map((e: any) => [e.field, e.code]), [['ref', 'maxItems']]);
    assert.equal(problem(await call(t.baseUrl, 'GET', '/api/v1/officers/names', undefined, registrar), 400, 'VALIDATION_FAILED').errors[0].field, 'ref');
  });

  test('citizens, partner systems and anonymous callers are refused', async () => {
    const url = names(['le.thi.hoa']);
    assert.equal((await call(t.baseUrl, 'GET', url, undefined, citizen)).status, 401);
    assert.equal((await call(t.baseUrl, 'GET', url, undefined, await partner.headers())).status, 401);
    assert.equal((await call(t.baseUrl, 'GET', url)).status, 401);
    // The citizen's token is good where citizens belong.
    assert.equal((await call(t.baseUrl, 'GET', '/api/v1/eid/me/sign-ins', undefined, citizen)).status, 200);
  });
});
