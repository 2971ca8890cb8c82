/**
 * Officer administration over the API: an admin lists officers with their status, changes an
 * officer's name, roles and jurisdiction, disables and re-enables the account; every change is
 * audited with the values before and after, and an admin cannot lock themself out. The list pages
 * on the server, sorted by username, name or creation, filtered by name, role, province and status.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, TEST_PASSWORD, type TestApp } from '../harness/app.ts';

function problem(res: { statusCode: number; json(): any }, status: number, code: string) {
  assert.equal(res.statusCode, status, JSON.stringify(res.json()));
  const p = res.json();
  assert.equal(p.code, code);
  assert.equal(typeof p.messages.vi, 'string');
  assert.equal(typeof p.messages.en, 'string');
  return p;
}

describe('officer administration', () => {
  let t: TestApp;
  let admin: Record<string, string>;
  let adminId = '';
  let officerId = '';

  before(async () => {
    t = await testApp();
    admin = await t.officer('quan.tri', ['admin'], null);
    adminId = (await t.app.inject({ url: '/api/v1/auth/me', headers: admin })).json().officer.id;
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/officers', headers: admin, payload: { username: 'can.bo.moi', displayName: 'Cán bộ Mới', password: TEST_PASSWORD, roles: ['registrar'], provinceCode: '01', communeCode: '00004' } });
    assert.equal(created.statusCode, 201, created.body);
    officerId = created.json().id;
  });
  after(async () => { await t.close(); });

  test('the list shows each officer with status and creation', async () => {
    const list = await t.app.inject({ url: '/api/v1/officers', headers: admin });
    assert.equal(list.statusCode, 200);
    const o = list.json().items.find((x: any) => x.id === officerId);
    assert.equal(o.status, 'active');
    assert.equal(o.createdBy, 'quan.tri');
    assert.equal(o.lockedUntil, null);
    assert.match(o.createdAt, /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(o.jurisdiction.communeName, 'Phường Ba Đình');
  });

  test('an admin changes name, roles and jurisdiction; only what is sent changes; the change is audited', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${officerId}`, headers: admin, payload: { displayName: '  Nguyễn Thị Mới ', roles: ['registrar', 'card_officer', 'registrar'], provinceCode: '79', communeCode: null } });
    assert.equal(res.statusCode, 200, res.body);
    const o = res.json();
    assert.equal(o.displayName, 'Nguyễn Thị Mới');
    assert.deepEqual(o.roles, ['registrar', 'card_officer']);
    assert.deepEqual(o.jurisdiction, { provinceCode: '79', provinceName: 'Thành phố Hồ Chí Minh', communeCode: null, communeName: null });
    assert.equal(o.status, 'active');

    // Roles only: the jurisdiction stays.
    const roles = await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${officerId}`, headers: admin, payload: { roles: ['card_officer'] } });
    assert.equal(roles.json().jurisdiction.provinceCode, '79');
    assert.deepEqual(roles.json().roles, ['card_officer']);

    // The officer signs in with the new roles and jurisdiction.
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'can.bo.moi', password: TEST_PASSWORD, bearer: true } });
    assert.deepEqual(login.json().officer.roles, ['card_officer']);

    await t.platform.audit.idle();
    const auditor = await t.officer('kiem.toan', ['auditor'], null);
    const entries = (await t.app.inject({ url: '/api/v1/audit/entries?action=officer.updated&limit=10', headers: auditor })).json().items;
    assert.equal(entries.length, 2);
    const first = entries[1];
    assert.equal(first.actorId, 'quan.tri');
    assert.equal(first.subjectId, 'can.bo.moi');
    assert.deepEqual([...first.fields].sort(), ['displayName', 'jurisdiction', 'roles']);
    assert.deepEqual(first.details.before, { display_name: 'Cán bộ Mới', roles: ['registrar'], province_code: '01', commune_code: '00004' });
    assert.deepEqual(first.details.after, { display_name: 'Nguyễn Thị Mới', roles: ['registrar', 'card_officer'], province_code: '79', commune_code: null });
  });

  test('a bad unit, an unknown officer and an empty change are refused with the field named', async () => {
    const wrong = problem(await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${officerId}`, headers: admin, payload: { provinceCode: '79', communeCode: '00004' } }), 400, 'OFFICER_UNKNOWN_UNIT');
    assert.equal(wrong.errors[0].field, 'communeCode');
    const noProvince = problem(await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${officerId}`, headers: admin, payload: { provinceCode: '99' } }), 400, 'OFFICER_UNKNOWN_UNIT');
    assert.equal(noProvince.errors[0].field, 'provinceCode');
    problem(await t.app.inject({ method: 'PATCH', url: '/api/v1/officers/00000000-0000-0000-0000-000000000000', headers: admin, payload: { status: 'disabled' } }), 404, 'OFFICER_NOT_FOUND');
    problem(await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${officerId}`, headers: admin, payload: {} }), 400, 'VALIDATION_FAILED');
    const badRole = problem(await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${officerId}`, headers: admin, payload: { roles: ['king'] } }), 400, 'VALIDATION_FAILED');
    assert.match(badRole.errors[0].field, /^roles/);
  });

  test('disabling ends the officer’s sessions at once and refuses sign-in; enabling restores it', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'can.bo.moi', password: TEST_PASSWORD, bearer: true } });
    const headers = { authorization: `Bearer ${login.json().token}` };
    assert.equal((await t.app.inject({ url: '/api/v1/auth/me', headers })).statusCode, 200);

    const off = await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${officerId}`, headers: admin, payload: { status: 'disabled' } });
    assert.equal(off.statusCode, 200, off.body);
    assert.equal(off.json().status, 'disabled');
    problem(await t.app.inject({ url: '/api/v1/auth/me', headers }), 401, 'AUTH_REQUIRED');
    problem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'can.bo.moi', password: TEST_PASSWORD } }), 403, 'AUTH_ACCOUNT_DISABLED');

    const on = await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${officerId}`, headers: admin, payload: { status: 'active' } });
    assert.equal(on.json().status, 'active');
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'can.bo.moi', password: TEST_PASSWORD } })).statusCode, 200);

    await t.platform.audit.idle();
    const auditor = await t.officer('kiem.toan.2', ['auditor'], null);
    const entries = (await t.app.inject({ url: '/api/v1/audit/entries?action=officer.updated&limit=10', headers: auditor })).json().items;
    const disabled = entries.find((e: any) => e.details.after.status === 'disabled');
    assert.equal(disabled.details.sessionsRevoked, 2, 'this sign-in and the one of the previous test');
  });

  test('an admin cannot disable themself or drop their own admin role; other admins and other roles may', async () => {
    problem(await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${adminId}`, headers: admin, payload: { status: 'disabled' } }), 409, 'OFFICER_SELF_LOCKOUT');
    problem(await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${adminId}`, headers: admin, payload: { roles: ['auditor'] } }), 409, 'OFFICER_SELF_LOCKOUT');
    const more = await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${adminId}`, headers: admin, payload: { roles: ['admin', 'auditor'] } });
    assert.equal(more.statusCode, 200);
    assert.deepEqual(more.json().roles, ['admin', 'auditor']);
  });

  test('the list pages and sorts on the server, filters by name without diacritics, role, province and status; one officer by id', async () => {
    const made: Array<[string, string, string[], string | null]> = [
      ['ds.zeta', 'Zeta Danh Sách', ['registrar'], '01'],
      ['ds.dong', 'Đông Danh Sách', ['card_officer'], '79'],
      ['ds.anh', 'Ánh Danh Sách', ['registrar', 'supervisor'], '79'],
      ['ds.dau', 'Dầu Danh Sách', ['auditor'], null],
    ];
    const ids: Record<string, string> = {};
    for (const [username, displayName, roles, provinceCode] of made) {
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/officers', headers: admin, payload: { username, displayName, password: TEST_PASSWORD, roles, provinceCode } });
      assert.equal(r.statusCode, 201, r.body);
      ids[username] = r.json().id;
    }
    const list = async (qs: string) => {
      const r = await t.app.inject({ url: `/api/v1/officers?${qs}`, headers: admin });
      assert.equal(r.statusCode, 200, r.body);
      return r.json();
    };
    const names = async (qs: string) => (await list(qs)).items.map((o: any) => o.username);
    const q = 'q=danh%20sach';

    assert.deepEqual(await names(q), ['ds.anh', 'ds.dau', 'ds.dong', 'ds.zeta'], 'by username by default');
    const pages = [];
    for (let offset = 0; ; offset += 3) {
      const page = await list(`${q}&sort=name&limit=3&offset=${offset}`);
      assert.deepEqual([page.offset, page.limit], [offset, 3]);
      pages.push(page.items.map((o: any) => o.displayName));
      if (!page.hasMore) break;
    }
    assert.deepEqual(pages, [['Ánh Danh Sách', 'Dầu Danh Sách', 'Đông Danh Sách'], ['Zeta Danh Sách']], 'Vietnamese order: Đ after D');
    assert.deepEqual(await names(`${q}&sort=-name&limit=2`), ['ds.zeta', 'ds.dong']);
    assert.deepEqual(await names(`${q}&sort=-createdAt`), ['ds.dau', 'ds.anh', 'ds.dong', 'ds.zeta']);
    assert.deepEqual(await names('q=DONG%20danh'), ['ds.dong'], 'without diacritics, any case');
    assert.deepEqual(await names('q=ds.z'), ['ds.zeta'], 'by username');
    assert.deepEqual(await names(`${q}&role=registrar`), ['ds.anh', 'ds.zeta']);
    assert.deepEqual(await names(`${q}&provinceCode=79`), ['ds.anh', 'ds.dong']);
    assert.equal((await list('q=%25')).items.length, 0, 'a % is a character, not a wildcard');

    await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${ids['ds.dong']}`, headers: admin, payload: { status: 'disabled' } });
    assert.deepEqual(await names(`${q}&status=disabled`), ['ds.dong']);
    assert.deepEqual(await names(`${q}&status=active&provinceCode=79`), ['ds.anh']);

    const one = await t.app.inject({ url: `/api/v1/officers/${ids['ds.anh']}`, headers: admin });
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual([one.json().username, one.json().status, one.json().jurisdiction.provinceCode], ['ds.anh', 'active', '79']);
    problem(await t.app.inject({ url: '/api/v1/officers/00000000-0000-0000-0000-000000000000', headers: admin }), 404, 'OFFICER_NOT_FOUND');

    const badField = async (qs: string, field: string) => {
      const p = problem(await t.app.inject({ url: `/api/v1/officers?${qs}`, headers: admin }), 400, 'VALIDATION_FAILED');
      assert.deepEqual(p.errors.map((e: any) => e.field), [field], JSON.stringify(p));
    };
    await badField('sort=password_hash', 'sort');
    await badField('limit=0', 'limit');
    await badField('limit=201', 'limit');
    await badField('offset=-1', 'offset');
    await badField('role=king', 'role');
    await badField('status=asleep', 'status');
    await badField('provinceCode=1', 'provinceCode');
  });

  test('only admins may change officers', async () => {
    const registrar = await t.officer('dang.ky', ['registrar'], '01');
    problem(await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${officerId}`, headers: registrar, payload: { status: 'disabled' } }), 403, 'FORBIDDEN_ROLE');
    problem(await t.app.inject({ method: 'PATCH', url: `/api/v1/officers/${officerId}`, payload: { status: 'disabled' } }), 401, 'AUTH_REQUIRED');
    problem(await t.app.inject({ url: `/api/v1/officers/${officerId}`, headers: registrar }), 403, 'FORBIDDEN_ROLE');
  });
});
