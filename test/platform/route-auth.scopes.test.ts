import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { testApp, type TestApp } from '../harness/app.ts';
import { ROLES, covers, assertJurisdiction, type Role, type OfficerActor } from '../../src/platform/auth/actor.ts';
import { AppError } from '../../src/platform/http/errors.ts';

const sample = (url: string) => url.replace(':idNumber', '001090012345').replace(':householdNo', 'HK01-1').replace(':provinceCode', '01').replace(':communeCode', '00004').replace(':date', '2026-01-01').replace(':flowId', '00000000-0000-4000-8000-000000000000').replace(':sessionId', '00000000-0000-4000-8000-000000000000').replace(':credentialId', 'AAAA')
  .replace(':memberId', 'm_0000000000000000').replace(':systemId', 's_0000000000000000').replace(':grantId', '1').replace(':jobId', '00000000-0000-4000-8000-000000000000').replace(':subscriptionId', '00000000-0000-4000-8000-000000000000').replace(':requestId', '00000000-0000-4000-8000-000000000000').replace(':consentId', '00000000-0000-4000-8000-000000000000')
  .replace(':id', '1');

describe('every API route enforces its declared access on the server', () => {
  let t: TestApp;
  before(async () => { t = await testApp(); });
  after(async () => { await t.close(); });

  test('the route table is not empty and every route declares access', () => {
    assert.ok(t.app.apiRoutes.length >= 30, `only ${t.app.apiRoutes.length} routes`);
  });

  test('without a session: 401 on every non-public route', async () => {
    for (const r of t.app.apiRoutes.filter((r) => !('public' in r.auth))) {
      const res = await t.app.inject({ method: r.method as 'GET', url: sample(r.url), payload: r.method === 'GET' ? undefined : {} });
      assert.equal(res.statusCode, 401, `${r.method} ${r.url} → ${res.statusCode}`);
      assert.equal(res.json().code, 'AUTH_REQUIRED');
    }
  });

  test('citizen (eID) routes: 401 without a token and with an officer\'s token', async () => {
    const citizenRoutes = t.app.apiRoutes.filter((r) => 'citizen' in r.auth);
    assert.ok(citizenRoutes.length >= 15, `only ${citizenRoutes.length} citizen routes`);
    const officer = await t.officer('not.a.citizen', ['registrar'], null);
    for (const r of citizenRoutes) {
      for (const headers of [{}, officer]) {
        const res = await t.app.inject({ method: r.method as 'GET', url: sample(r.url), headers, payload: r.method === 'GET' ? undefined : {} });
        assert.equal(res.statusCode, 401, `${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
  });

  test('partner (exchange) routes: 401 without a token and with an officer\'s token', async () => {
    const partnerRoutes = t.app.apiRoutes.filter((r) => 'partner' in r.auth);
    assert.ok(partnerRoutes.length >= 15, `only ${partnerRoutes.length} partner routes`);
    const officer = await t.officer('not.a.partner', ['registrar'], null);
    for (const r of partnerRoutes) {
      for (const headers of [{}, officer]) {
        const res = await t.app.inject({ method: r.method as 'GET', url: sample(r.url), headers, payload: r.method === 'GET' ? undefined : {} });
        assert.equal(res.statusCode, 401, `${r.method} ${r.url} → ${res.statusCode}`);
      }
    }
  });

  test('with a role the route does not allow: 403 naming the roles', async () => {
    const sessions = new Map<Role, Record<string, string>>();
    for (const role of ROLES) sessions.set(role, await t.officer(`only.${role.replace('_', '-')}`, [role], null));
    let checked = 0;
    for (const r of t.app.apiRoutes) {
      if (!('roles' in r.auth) || r.auth.roles === 'any-officer') continue;
      const allowed = r.auth.roles;
      for (const role of ROLES.filter((x) => !allowed.includes(x))) {
        const res = await t.app.inject({ method: r.method as 'GET', url: sample(r.url), headers: sessions.get(role), payload: r.method === 'GET' ? undefined : {} });
        assert.equal(res.statusCode, 403, `${role} on ${r.method} ${r.url} → ${res.statusCode} ${res.body}`);
        assert.equal(res.json().code, 'FORBIDDEN_ROLE');
        checked++;
      }
    }
    assert.ok(checked > 50, `checked ${checked}`);
  });
});

describe('jurisdiction (property-based)', () => {
  const province = fc.constantFrom('01', '79', '48');
  const commune = fc.constantFrom('00004', '00070', '25747', null);
  const actor = (provinceCode: string | null, communeCode: string | null): OfficerActor => ({ kind: 'officer', id: 'x', username: 'x', displayName: 'x', roles: ['registrar'], jurisdiction: { provinceCode, communeCode: provinceCode ? communeCode : null } });

  test('a national officer covers every unit; a provincial officer exactly its province; a commune officer exactly its commune', () => {
    fc.assert(fc.property(fc.option(province, { nil: null }), commune, province, commune, (op, oc, pp, pc) => {
      const a = actor(op, oc);
      const unit = { provinceCode: pp, communeCode: pc };
      const expected = op === null || (op === pp && (a.jurisdiction.communeCode === null || a.jurisdiction.communeCode === pc));
      assert.equal(covers(a.jurisdiction, unit), expected);
      if (expected) assertJurisdiction(a, [unit]);
      else assert.throws(() => assertJurisdiction(a, [unit]), (e: unknown) => e instanceof AppError && e.code === 'FORBIDDEN_JURISDICTION');
    }));
  });

  test('a person is within jurisdiction if any of their units is', () => {
    fc.assert(fc.property(province, fc.array(fc.record({ provinceCode: province, communeCode: commune }), { minLength: 1, maxLength: 3 }), (op, units) => {
      const a = actor(op, null);
      const ok = units.some((u) => u.provinceCode === op);
      if (ok) assertJurisdiction(a, units);
      else assert.throws(() => assertJurisdiction(a, units));
    }));
  });
});
