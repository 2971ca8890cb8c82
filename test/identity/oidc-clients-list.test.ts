/**
 * The administrators' list of OpenID Connect clients pages on the server: `limit`, `offset`, a
 * whitelisted `sort` (name, createdAt; `-column` descending), filters by kind, status and name or
 * client ID without diacritics; one client by its ID; a bad sort or limit is a 400 naming the field.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../harness/app.ts';
import { clientKeys } from '../harness/oidc.ts';

describe('OIDC clients: paged, sorted and filtered list', () => {
  let t: TestApp;
  let admin: Record<string, string>;

  before(async () => {
    t = await testApp();
    admin = await t.officer('quan.tri.ung.dung', ['admin'], null);
  });
  after(async () => { await t?.close(); });

  const get = (url: string) => t.app.inject({ url, headers: admin });
  const list = async (qs: string) => {
    const r = await get(`/api/v1/admin/oidc-clients?${qs}`);
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };
  const ids = async (qs: string) => (await list(qs)).items.map((c: any) => c.clientId);

  test('pages in registration order or by name (Đ after D), filters by kind, status and name; one by id; bad values name the field', async () => {
    const made: Array<[string, string, 'relying_party' | 'partner_system']> = [
      ['ds-zeta', 'Zeta Danh Sách', 'relying_party'],
      ['ds-dong', 'Đông Á Danh Sách', 'partner_system'],
      ['ds-anh', 'Ánh Dương Danh Sách', 'relying_party'],
      ['ds-dau', 'Dầu Khí Danh Sách', 'partner_system'],
    ];
    for (const [clientId, organisation, kind] of made) {
      const body = kind === 'relying_party'
        ? { clientId, kind, organisation, redirectUris: [`https://${clientId}.example.vn/cb`], scopes: ['profile'], jwks: (await clientKeys()).jwks }
        : { clientId, kind, organisation, scopes: ['exchange'], jwks: (await clientKeys()).jwks };
      const r = await t.app.inject({ method: 'POST', url: '/api/v1/admin/oidc-clients', headers: admin, payload: body });
      assert.equal(r.statusCode, 201, r.body);
    }
    const q = 'q=danh%20sach';
    assert.deepEqual(await ids(q), ['ds-zeta', 'ds-dong', 'ds-anh', 'ds-dau'], 'registration order by default');
    const pages = [];
    for (let offset = 0; ; offset += 3) {
      const page = await list(`${q}&sort=name&limit=3&offset=${offset}`);
      assert.deepEqual([page.offset, page.limit], [offset, 3]);
      pages.push(page.items.map((c: any) => c.clientId));
      if (!page.hasMore) break;
    }
    assert.deepEqual(pages, [['ds-anh', 'ds-dau', 'ds-dong'], ['ds-zeta']]);
    assert.deepEqual(await ids(`${q}&sort=-createdAt&limit=2`), ['ds-dau', 'ds-anh']);
    assert.deepEqual(await ids('q=DONG%20a'), ['ds-dong'], 'without diacritics, any case');
    assert.deepEqual(await ids('q=ds-ze'), ['ds-zeta'], 'by client ID');
    assert.deepEqual(await ids(`${q}&kind=partner_system`), ['ds-dong', 'ds-dau']);
    assert.deepEqual(await ids('kind=first_party'), ['open06-portal']);
    assert.equal((await list('q=%25')).items.length, 0, 'a % is a character, not a wildcard');

    assert.equal((await t.app.inject({ method: 'DELETE', url: '/api/v1/admin/oidc-clients/ds-anh', headers: admin })).statusCode, 204);
    assert.deepEqual(await ids(`${q}&status=disabled`), ['ds-anh']);
    assert.deepEqual(await ids(`${q}&status=active&kind=relying_party`), ['ds-zeta']);

    const one = await get('/api/v1/admin/oidc-clients/ds-dong');
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual([one.json().organisation, one.json().kind, one.json().jwks.keys.length], ['Đông Á Danh Sách', 'partner_system', 1]);
    const missing = await get('/api/v1/admin/oidc-clients/khong-co');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().code, 'OIDC_CLIENT_NOT_FOUND');

    for (const [qs, field] of [['sort=metadata', 'sort'], ['limit=0', 'limit'], ['limit=201', 'limit'], ['offset=-1', 'offset'], ['kind=bakery', 'kind'], ['status=sleeping', 'status']]) {
      const r = await get(`/api/v1/admin/oidc-clients?${qs}`);
      assert.equal(r.statusCode, 400, `${qs}: ${r.body}`);
      assert.equal(r.json().code, 'VALIDATION_FAILED');
      assert.deepEqual(r.json().errors.map((e: any) => e.field), [field], qs);
    }
  });

  test('only administrators list clients', async () => {
    const registrar = await t.officer('dang.ky.ung.dung', ['registrar'], '01');
    assert.equal((await t.app.inject({ url: '/api/v1/admin/oidc-clients', headers: registrar })).statusCode, 403);
    assert.equal((await t.app.inject({ url: '/api/v1/admin/oidc-clients/open06-portal', headers: registrar })).statusCode, 403);
    assert.equal((await t.app.inject({ url: '/api/v1/admin/oidc-clients' })).statusCode, 401);
  });
});
