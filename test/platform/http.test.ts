import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, TEST_PASSWORD, type TestApp } from '../harness/app.ts';
import { fixedClock } from '../../src/platform/clock.ts';

function assertProblem(res: { statusCode: number; headers: Record<string, unknown>; json(): any }, status: number, code: string) {
  assert.equal(res.statusCode, status);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const p = res.json();
  assert.equal(p.status, status);
  assert.equal(p.code, code);
  assert.equal(typeof p.type, 'string');
  assert.equal(typeof p.title, 'string');
  assert.equal(typeof p.detail, 'string');
  assert.equal(typeof p.messages.vi, 'string');
  assert.equal(typeof p.messages.en, 'string');
  assert.equal(typeof p.requestId, 'string');
  assert.ok(!JSON.stringify(p).includes('    at '), 'no stack trace');
  return p;
}

describe('HTTP platform', () => {
  let t: TestApp;
  const clock = fixedClock(new Date('2026-11-24T08:00:00Z'));
  before(async () => { t = await testApp({ clock }); });
  after(async () => { await t.close(); });

  test('every answer carries the security headers; the API reference sets its own content policy', async () => {
    for (const url of ['/healthz', '/api/v1/registry/people/001090012345', '/no-such-page']) {
      const res = await t.app.inject(url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', url);
      assert.equal(res.headers['x-frame-options'], 'DENY', url);
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'.*frame-ancestors 'none'/, url);
    }
    const docs = await t.app.inject('/docs/errors');
    assert.equal(docs.headers['x-content-type-options'], 'nosniff');
    assert.equal(docs.headers['content-security-policy'], undefined);
  });

  test('each answer is counted in the duration histogram by route pattern, not URL', async () => {
    await t.app.inject('/api/v1/registry/people/001090012345');
    const m = (await t.app.inject('/metrics')).body;
    assert.match(m, /open06_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/registry\/people\/:idNumber",status="401"\} [1-9]/);
    assert.ok(!m.includes('001090012345'));
  });

  test('health, readiness, metrics, OpenAPI 3.1 and docs', async () => {
    assert.equal((await t.app.inject('/healthz')).json().status, 'ok');
    assert.equal((await t.app.inject('/readyz')).json().status, 'ready');
    const m = await t.app.inject('/metrics');
    assert.match(m.body, /open06_http_request_duration_seconds/);
    const o = (await t.app.inject('/openapi.json')).json();
    assert.equal(o.openapi, '3.1.0');
    assert.ok(o.paths['/api/v1/auth/login']);
    assert.equal((await t.app.inject('/docs/')).statusCode, 200);
    const errs = await t.app.inject('/docs/errors');
    assert.match(errs.body, /id="AUTH_INVALID_CREDENTIALS"/);
  });

  test('validation errors name the field, in Vietnamese by default and English on request', async () => {
    const vi = assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'x' } }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(vi.errors.map((e: any) => e.field), ['password']);
    assert.equal(vi.errors[0].message, 'Bắt buộc phải có.');
    assert.equal(vi.detail, 'Dữ liệu gửi lên không hợp lệ.');
    const en = assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'accept-language': 'en-GB,en;q=0.9,vi;q=0.5' }, payload: { username: 'x' } }), 400, 'VALIDATION_FAILED');
    assert.equal(en.detail, 'The request is not valid.');
    assert.equal(en.errors[0].message, 'Is required.');
  });

  test('malformed JSON, unknown route and wrong media type are problems, not crashes', async () => {
    assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' }), 400, 'MALFORMED_JSON');
    assertProblem(await t.app.inject('/api/v1/nothing-here'), 404, 'NOT_FOUND');
    assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'text/xml' }, payload: '<a/>' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('routes need a session; roles are checked on the server', async () => {
    assertProblem(await t.app.inject('/api/v1/officers'), 401, 'AUTH_REQUIRED');
    const registrar = await t.officer('reg.hn', ['registrar'], '01');
    const p = assertProblem(await t.app.inject({ url: '/api/v1/officers', headers: registrar }), 403, 'FORBIDDEN_ROLE');
    assert.match(p.messages.en, /registrar/);
    const admin = await t.officer('admin.x', ['admin'], null);
    const list = await t.app.inject({ url: '/api/v1/officers', headers: admin });
    assert.equal(list.statusCode, 200);
    assert.ok(list.json().items.some((o: any) => o.username === 'reg.hn'));
    assertProblem(await t.app.inject({ url: '/api/v1/audit/verify', headers: registrar }), 403, 'FORBIDDEN_ROLE');
  });

  test('admin creates an officer over the API; bad unit and weak password are field errors', async () => {
    const admin = await t.officer('admin.y', ['admin'], null);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/officers', headers: admin, payload: { username: 'xa.badinh', displayName: 'Cán bộ Ba Đình', password: 'a-long-enough-secret', roles: ['registrar'], provinceCode: '01', communeCode: '00004' } });
    assert.equal(ok.statusCode, 201, ok.body);
    assert.equal(ok.json().jurisdiction.communeName, 'Phường Ba Đình');
    const dup = await t.app.inject({ method: 'POST', url: '/api/v1/officers', headers: admin, payload: { username: 'xa.badinh', displayName: 'x', password: 'a-long-enough-secret', roles: ['registrar'], provinceCode: '01' } });
    assert.equal(assertProblem(dup, 409, 'OFFICER_USERNAME_TAKEN').errors[0].field, 'username');
    const wrongCommune = await t.app.inject({ method: 'POST', url: '/api/v1/officers', headers: admin, payload: { username: 'xa.khac', displayName: 'x', password: 'a-long-enough-secret', roles: ['registrar'], provinceCode: '79', communeCode: '00004' } });
    assert.equal(assertProblem(wrongCommune, 400, 'OFFICER_UNKNOWN_UNIT').errors[0].field, 'communeCode');
    const weak = await t.app.inject({ method: 'POST', url: '/api/v1/officers', headers: admin, payload: { username: 'weak.one', displayName: 'x', password: '111111111111', roles: ['registrar'], provinceCode: '01' } });
    assert.equal(assertProblem(weak, 400, 'OFFICER_WEAK_PASSWORD').errors[0].field, 'password');
  });

  test('sign-in: same answer for unknown user and wrong password, lockout after 5 failures, unlock after the delay', async () => {
    await t.platform.officers.create({ username: 'lock.me', displayName: 'x', password: TEST_PASSWORD, roles: ['registrar'], provinceCode: '01' }, 'test');
    const unknown = assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'nobody', password: 'x' } }), 401, 'AUTH_INVALID_CREDENTIALS');
    for (let i = 1; i <= 4; i++) {
      const wrong = assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'lock.me', password: 'wrong' } }), 401, 'AUTH_INVALID_CREDENTIALS');
      assert.equal(wrong.detail, unknown.detail);
    }
    const locked = assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'lock.me', password: 'wrong' } }), 423, 'AUTH_ACCOUNT_LOCKED');
    assert.match(locked.detail, /thử lại sau 15:15 24\/11\/2026 \(UTC\+7\)/);
    assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'lock.me', password: TEST_PASSWORD } }), 423, 'AUTH_ACCOUNT_LOCKED');
    clock.advance(16 * 60_000);
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'lock.me', password: TEST_PASSWORD } });
    assert.equal(ok.statusCode, 200);
    assert.match(String(ok.headers['set-cookie']), /open06_session=.+HttpOnly; SameSite=Strict/);
    assert.equal(ok.json().token, undefined, 'a browser sign-in does not expose the session token to scripts');
  });

  test('cookie session: me, cross-site POST refused, logout revokes', async () => {
    await t.platform.officers.create({ username: 'cookie.user', displayName: 'Cookie', password: TEST_PASSWORD, roles: ['registrar'], provinceCode: '79' }, 'test');
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'cookie.user', password: TEST_PASSWORD } });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const me = await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } });
    assert.equal(me.json().officer.jurisdiction.provinceName, 'Thành phố Hồ Chí Minh');
    assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, origin: 'https://evil.example' } }), 403, 'CSRF_REJECTED');
    assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie } })).statusCode, 204);
    assertProblem(await t.app.inject({ url: '/api/v1/auth/me', headers: { cookie } }), 401, 'AUTH_REQUIRED');
  });

  test('sign-ins and failures are in the audit log', async () => {
    await t.platform.audit.idle();
    const auditor = await t.officer('audit.z', ['auditor'], null);
    const res = await t.app.inject({ url: '/api/v1/audit/entries?action=officer.login_failed&limit=100', headers: auditor });
    assert.equal(res.statusCode, 200);
    assert.ok(res.json().items.some((e: any) => e.actorId === 'lock.me' && e.details.reason === 'wrong_password'));
  });
});

test('sign-in attempts per client IP are limited (password spraying), with Retry-After', async () => {
  const clock = fixedClock(new Date('2026-11-24T08:00:00Z'));
  const t = await testApp({ clock, config: { LOGIN_MAX_PER_IP_PER_MINUTE: 3 } });
  try {
    for (const u of ['a.one', 'b.two', 'c.three']) assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: u, password: 'x' } }), 401, 'AUTH_INVALID_CREDENTIALS');
    const limited = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'd.four', password: 'x' } });
    assertProblem(limited, 429, 'RATE_LIMITED');
    assert.equal(limited.headers['retry-after'], '60');
    clock.advance(60_000);
    assertProblem(await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'd.four', password: 'x' } }), 401, 'AUTH_INVALID_CREDENTIALS');
  } finally {
    await t.close();
  }
});
