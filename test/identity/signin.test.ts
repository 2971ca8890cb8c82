/**
 * Signing in with eID: lock-out that looks the same for unknown ID numbers, automatic and
 * self-service unlock, the per-IP limit, suspension, TOTP as a second factor (no code twice),
 * sessions on devices, sign-in history, password change, closing an account.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { generate } from 'otplib';
import { sql } from 'kysely';
import { eidTestApp, newPhone, problem, PASSWORD, type EidTestApp } from './accounts.harness.ts';

type H = Record<string, string>;
const WRONG = 'definitely-not-the-password';

describe('eID sign-in: lock-out, unlock, per-IP limit, suspension', () => {
  let t: EidTestApp;
  before(async () => { t = await eidTestApp(); });
  after(async () => { await t.close(); });

  test('5 failures lock sign-in for 15 minutes; the lock lifts by itself; an unknown ID number locks the same way', async () => {
    const id = await t.person({ fullName: 'Hà Văn Khoá', sex: 'male', birthDate: '1981-01-21' });
    await t.level1({ idNumber: id, fullName: 'Hà Văn Khoá', birthDate: '1981-01-21', phone: newPhone() });
    const unknown = '001081999999';
    const answers: Record<string, string[]> = { account: [], unknown: [] };
    for (const [who, idNumber] of [['account', id], ['unknown', unknown]] as const) {
      for (let i = 1; i <= 6; i++) {
        const res = await t.signIn(idNumber, WRONG);
        answers[who]!.push(`${res.statusCode} ${res.json().code}`);
      }
    }
    const expected = ['401 EID_INVALID_CREDENTIALS', '401 EID_INVALID_CREDENTIALS', '401 EID_INVALID_CREDENTIALS', '401 EID_INVALID_CREDENTIALS', '423 EID_ACCOUNT_LOCKED', '423 EID_ACCOUNT_LOCKED'];
    assert.deepEqual(answers.account, expected);
    assert.deepEqual(answers.unknown, expected, 'an ID number without an account answers exactly the same');
    // Locked: even the right password is refused, and the message offers self-service unlock.
    const locked = problem(await t.signIn(id), 423, 'EID_ACCOUNT_LOCKED');
    assert.match(locked.messages.en, /blocked until \d\d:\d\d \d\d\/\d\d\/\d{4} \(UTC\+7\).*unlock it now with a code/);
    const res = await t.signIn(id);
    assert.equal(Number(res.headers['retry-after']), 15 * 60);
    t.clock.advance(15 * 60_000 + 1000);
    assert.equal((await t.signIn(id)).statusCode, 200, 'unlocked automatically');
    // The count starts again from zero.
    problem(await t.signIn(id, WRONG), 401, 'EID_INVALID_CREDENTIALS');
    const history = await t.get('/api/v1/eid/me/sign-ins', await t.citizen(id));
    const outcomes = history.json().items.map((i: any) => `${i.outcome}:${i.reason ?? i.method}`);
    assert.deepEqual(outcomes.slice(0, 3), ['success:password', 'failure:wrong_password', 'success:password']);
    assert.ok(outcomes.includes('failure:locked'));
  });

  test('the sign-in history pages on the server: newest first, oldest first on request; a bad sort or limit names the field', async () => {
    const id = await t.person({ fullName: 'Lưu Văn Trang', sex: 'male', birthDate: '1983-03-13' });
    await t.level1({ idNumber: id, fullName: 'Lưu Văn Trang', birthDate: '1983-03-13', phone: newPhone() });
    for (const pw of [PASSWORD, WRONG, PASSWORD, WRONG]) {
      t.clock.advance(60_000);
      await t.signIn(id, pw);
    }
    t.clock.advance(60_000);
    const me = await t.citizen(id);
    const all = (await t.get('/api/v1/eid/me/sign-ins', me)).json();
    assert.equal(all.hasMore, false);
    const n = all.items.length;
    assert.ok(n >= 5, `${n} sign-ins`);
    const times = all.items.map((i: any) => i.at);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');
    assert.deepEqual(all.items.slice(1, 5).map((i: any) => i.outcome), ['failure', 'success', 'failure', 'success']);

    const first = (await t.get('/api/v1/eid/me/sign-ins?limit=2', me)).json();
    assert.deepEqual([first.items.map((i: any) => i.at), first.offset, first.limit, first.hasMore], [times.slice(0, 2), 0, 2, true]);
    const last = (await t.get(`/api/v1/eid/me/sign-ins?limit=2&offset=${n - 1}`, me)).json();
    assert.deepEqual([last.items.map((i: any) => i.at), last.hasMore], [[times[n - 1]], false]);
    const oldest = (await t.get('/api/v1/eid/me/sign-ins?sort=at&limit=3', me)).json();
    assert.deepEqual(oldest.items.map((i: any) => i.at), [...times].reverse().slice(0, 3));

    for (const [qs, field] of [['sort=ip', 'sort'], ['limit=0', 'limit'], ['limit=201', 'limit'], ['offset=-1', 'offset']]) {
      const p = problem(await t.get(`/api/v1/eid/me/sign-ins?${qs}`, me), 400, 'VALIDATION_FAILED');
      assert.deepEqual(p.errors.map((e: any) => e.field), [field], qs);
    }
  });

  test('self-service unlock: ID number + registered phone → code → unlocked; a wrong phone gets the same answer and no code', async () => {
    const id = await t.person({ fullName: 'Đoàn Thị Mở', sex: 'female', birthDate: '1994-10-01' });
    const phone = newPhone();
    await t.level1({ idNumber: id, fullName: 'Đoàn Thị Mở', birthDate: '1994-10-01', phone });
    for (let i = 0; i < 5; i++) await t.signIn(id, WRONG);
    problem(await t.signIn(id), 423, 'EID_ACCOUNT_LOCKED');
    const other = newPhone();
    const wrong = await t.post('/api/v1/eid/unlock', { idNumber: id, phone: other });
    assert.equal(wrong.statusCode, 202);
    assert.equal(t.sender.to(other).length, 0);
    problem(await t.post(`/api/v1/eid/unlock/${wrong.json().flowId}/confirm`, { code: '123456' }), 400, 'EID_CODE_INVALID');
    const s = await t.post('/api/v1/eid/unlock', { idNumber: id, phone: `+84${phone.slice(1)}` });
    assert.equal(s.statusCode, 202, s.body);
    assert.deepEqual(Object.keys(s.json()).sort(), Object.keys(wrong.json()).sort());
    const ok = await t.post(`/api/v1/eid/unlock/${s.json().flowId}/confirm`, { code: t.code(phone) });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { unlocked: true });
    assert.equal((await t.signIn(id)).statusCode, 200);
  });

  test('suspension by an officer: sessions end, sign-in says suspended only with the right password; reactivation', async () => {
    const id = await t.person({ fullName: 'Lương Văn Dừng', sex: 'male', birthDate: '1977-07-17' });
    const phone = newPhone();
    await t.level1({ idNumber: id, fullName: 'Lương Văn Dừng', birthDate: '1977-07-17', phone });
    const session = await t.citizen(id);
    const supervisor = await t.officer('sup.hn', ['supervisor'], '01');
    problem(await t.post(`/api/v1/eid/accounts/${id}/suspend`, {}, supervisor), 400, 'VALIDATION_FAILED');
    const sus = await t.post(`/api/v1/eid/accounts/${id}/suspend`, { reason: 'Nghi bị chiếm đoạt tài khoản' }, supervisor);
    assert.equal(sus.statusCode, 200, sus.body);
    assert.equal(sus.json().account.status, 'suspended');
    problem(await t.get('/api/v1/eid/me', session), 401, 'EID_SESSION_ENDED');
    problem(await t.signIn(id, WRONG), 401, 'EID_INVALID_CREDENTIALS');
    problem(await t.signIn(id), 403, 'EID_ACCOUNT_SUSPENDED');
    problem(await t.post(`/api/v1/eid/accounts/${id}/suspend`, { reason: 'lần hai' }, supervisor), 409, 'EID_STATUS_CHANGE_NOT_ALLOWED');
    assert.equal((await t.notices(phone)).filter((n) => /was suspended/.test(n)).length, 1);
    const outbox = await sql<{ payload: any }>`select payload from platform.outbox where topic = 'identity.account.suspended'`.execute(t.platform.db);
    assert.equal(outbox.rows.at(-1)!.payload.idNumber, id);
    const re = await t.post(`/api/v1/eid/accounts/${id}/reactivate`, { reason: 'Đã xác minh với công dân' }, t.cardOfficer);
    assert.equal(re.statusCode, 200, re.body);
    assert.equal(re.json().account.status, 'active');
    assert.equal((await t.notices(phone)).filter((n) => /was reactivated/.test(n)).length, 1);
    assert.equal((await t.signIn(id)).statusCode, 200);
    problem(await t.post(`/api/v1/eid/accounts/${id}/reactivate`, { reason: 'lần hai' }, t.cardOfficer), 409, 'EID_STATUS_CHANGE_NOT_ALLOWED');
    // The officer's view shows it; an officer outside the province may not act.
    const hcm = await t.officer('sup.hcm', ['supervisor'], '79');
    problem(await t.post(`/api/v1/eid/accounts/${id}/suspend`, { reason: 'x' }, hcm), 403, 'FORBIDDEN_JURISDICTION');
    problem(await t.post(`/api/v1/eid/accounts/001090000001/suspend`, { reason: 'x' }, supervisor), 404, 'REGISTRY_PERSON_NOT_FOUND');
    await t.platform.audit.idle();
    const audit = await sql<{ action: string }>`select action from (select action, subject_id from platform.audit_inbox union all select action, subject_id from platform.audit_log) a where subject_id = ${id} and action like 'eid.account.%'`.execute(t.platform.db);
    assert.ok(audit.rows.some((r) => r.action === 'eid.account.suspended'));
    assert.ok(audit.rows.some((r) => r.action === 'eid.account.reactivated'));
  });
});

describe('eID sign-in: per-IP limit', () => {
  let t: EidTestApp;
  before(async () => { t = await eidTestApp({ config: { LOGIN_MAX_PER_IP_PER_MINUTE: 3 } }); });
  after(async () => { await t.close(); });

  test('beyond LOGIN_MAX_PER_IP_PER_MINUTE from one IP: 429 with Retry-After, whatever the ID numbers; other IPs are not affected', async () => {
    for (let i = 0; i < 3; i++) problem(await t.signIn(`00109000000${i}`, WRONG, { ip: '203.0.113.7' }), 401, 'EID_INVALID_CREDENTIALS');
    const res = await t.signIn('001090000009', WRONG, { ip: '203.0.113.7' });
    const p = problem(res, 429, 'RATE_LIMITED');
    assert.equal(res.headers['retry-after'], '60');
    assert.match(p.messages.vi, /thử lại sau 60 giây/);
    problem(await t.signIn('001090000009', WRONG, { ip: '198.51.100.1' }), 401, 'EID_INVALID_CREDENTIALS');
    t.clock.advance(60_000);
    problem(await t.signIn('001090000009', WRONG, { ip: '203.0.113.7' }), 401, 'EID_INVALID_CREDENTIALS');
  });
});

describe('eID: TOTP second factor, sessions, password, closing', () => {
  let t: EidTestApp;
  before(async () => { t = await eidTestApp({ config: { EID_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64') } }); });
  after(async () => { await t.close(); });

  const totp = (secret: string, offsetSteps = 0) => generate({ secret, epoch: Math.floor(t.clock.now().getTime() / 1000) + offsetSteps * 30 });

  test('TOTP: enrol (secret shown once), confirm, sign-in then needs the code; ±1 step accepted; a code is never accepted twice; wrong codes count toward the lock', async () => {
    const id = await t.person({ fullName: 'Châu Văn Mã', sex: 'male', birthDate: '1986-06-26' });
    await t.level2({ idNumber: id, phone: newPhone() });
    const h = await t.citizen(id);
    const start = await t.post('/api/v1/eid/me/totp', {}, h);
    assert.equal(start.statusCode, 200, start.body);
    const { secret, uri } = start.json();
    assert.match(uri, /^otpauth:\/\/totp\/Open06%20eID:001\*{6}\d{3}\?secret=[A-Z2-7]+/);
    // Stored sealed (AES-256-GCM under EID_KEY_ENCRYPTION_KEY), never as the base32 text.
    const stored = (await sql<{ totp_pending_secret: Buffer }>`select totp_pending_secret from identity.account where id_number = ${id}`.execute(t.platform.db)).rows[0]!.totp_pending_secret;
    assert.equal(stored[0], 1);
    assert.ok(!stored.toString('latin1').includes(secret.slice(0, 6)));
    problem(await t.post('/api/v1/eid/me/totp/confirm', { code: '000000' === await totp(secret) ? '000001' : '000000' }, h), 401, 'EID_SECOND_FACTOR_INVALID');
    const confirm = await t.post('/api/v1/eid/me/totp/confirm', { code: await totp(secret) }, h);
    assert.equal(confirm.statusCode, 204, confirm.body);
    problem(await t.post('/api/v1/eid/me/totp', {}, h), 409, 'EID_TOTP_ALREADY_ENABLED');
    assert.equal((await t.get('/api/v1/eid/me', h)).json().totpEnabled, true);

    // The code used to confirm cannot sign in (same step).
    problem(await t.signIn(id), 401, 'EID_SECOND_FACTOR_REQUIRED');
    problem(await t.signIn(id, PASSWORD, { totp: await totp(secret) }), 401, 'EID_SECOND_FACTOR_INVALID');
    t.clock.advance(30_000);
    const code = await totp(secret);
    const ok = await t.signIn(id, PASSWORD, { totp: code });
    assert.equal(ok.statusCode, 200, ok.body);
    // Replayed: refused.
    problem(await t.signIn(id, PASSWORD, { totp: code }), 401, 'EID_SECOND_FACTOR_INVALID');
    // One step behind (a slow phone) is fine, two is not.
    t.clock.advance(60_000);
    problem(await t.signIn(id, PASSWORD, { totp: await totp(secret, -2) }), 401, 'EID_SECOND_FACTOR_INVALID');
    const late = await t.signIn(id, PASSWORD, { totp: await totp(secret, -1) });
    assert.equal(late.statusCode, 200, late.body);
    const sessions = await t.get('/api/v1/eid/me/sessions', { authorization: `Bearer ${late.json().token}` });
    assert.equal(sessions.json().items.find((s: any) => s.current).method, 'password+totp');
    assert.equal(sessions.json().items.find((s: any) => s.current).acr, 2);
    // Wrong codes after the right password count toward the lock (a right password does not reset the count).
    t.clock.advance(30_000);
    for (let i = 0; i < 4; i++) problem(await t.signIn(id, PASSWORD, { totp: '000000' }), 401, 'EID_SECOND_FACTOR_INVALID');
    problem(await t.signIn(id, PASSWORD, { totp: '000000' }), 423, 'EID_ACCOUNT_LOCKED');
    t.clock.advance(16 * 60_000);
    // Turning TOTP off needs the password.
    const h2 = { authorization: `Bearer ${(await t.signIn(id, PASSWORD, { totp: await totp(secret) })).json().token}` };
    problem(await t.del('/api/v1/eid/me/totp', { password: WRONG }, h2), 403, 'EID_WRONG_PASSWORD');
    assert.equal((await t.del('/api/v1/eid/me/totp', { password: PASSWORD }, h2)).statusCode, 204);
    assert.equal((await t.signIn(id)).statusCode, 200);
  });

  test('sessions: listed with the current one marked; revoking one makes its token 401; revoke all others; sign out', async () => {
    const id = await t.person({ fullName: 'Ông Thị Phiên', sex: 'female', birthDate: '1990-09-09' });
    const phone = newPhone();
    await t.level1({ idNumber: id, fullName: 'Ông Thị Phiên', birthDate: '1990-09-09', phone });
    const phoneA = await t.citizen(id, PASSWORD, { userAgent: 'VNeID/1.0 (Android 14)' });
    const noticesBefore = t.sender.to(phone).filter((m) => m.purpose === 'notice').length;
    const laptop = await t.citizen(id, PASSWORD, { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140' });
    const tablet = await t.citizen(id, PASSWORD, { userAgent: 'Mozilla/5.0 (iPad) Safari/18' });
    await t.citizen(id, PASSWORD, { userAgent: 'VNeID/1.0 (Android 14)' });
    // A new device is told by SMS (queued, then sent by the notice worker); the same device again is not.
    await t.services.notices.deliverAll();
    const notices = t.sender.to(phone).filter((m) => m.purpose === 'notice');
    assert.equal(notices.length - noticesBefore, 2);
    assert.match(notices.at(-1)!.text.en, /signed in on a new device \(Mozilla\/5.0 \(iPad\)/);

    const list = await t.get('/api/v1/eid/me/sessions', laptop);
    assert.equal(list.statusCode, 200, list.body);
    assert.equal(list.json().items.length, 4);
    const current = list.json().items.filter((s: any) => s.current);
    assert.equal(current.length, 1);
    assert.equal(current[0].userAgent, 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140');
    const tabletSession = list.json().items.find((s: any) => s.userAgent?.includes('iPad'));
    assert.equal((await t.del(`/api/v1/eid/me/sessions/${tabletSession.id}`, undefined, laptop)).statusCode, 204);
    problem(await t.get('/api/v1/eid/me', tablet), 401, 'EID_SESSION_ENDED');
    // Another id that is certainly not this session's: change its last hex digit to a different one.
    const otherId = `${tabletSession.id.slice(0, -1)}${tabletSession.id.endsWith('0') ? '1' : '0'}`;
    problem(await t.del(`/api/v1/eid/me/sessions/${otherId}`, undefined, laptop), 404, 'EID_SESSION_NOT_FOUND');
    const others = await t.post('/api/v1/eid/me/sessions/revoke-others', {}, laptop);
    assert.deepEqual(others.json(), { revoked: 2 });
    problem(await t.get('/api/v1/eid/me', phoneA), 401, 'EID_SESSION_ENDED');
    assert.equal((await t.get('/api/v1/eid/me', laptop)).statusCode, 200);
    // Another citizen cannot revoke my session.
    const other = await t.person({ fullName: 'Ông Văn Khác', sex: 'male', birthDate: '1991-01-01' });
    await t.level1({ idNumber: other, fullName: 'Ông Văn Khác', birthDate: '1991-01-01', phone: newPhone() });
    const otherH = await t.citizen(other);
    problem(await t.del(`/api/v1/eid/me/sessions/${current[0].id}`, undefined, otherH), 404, 'EID_SESSION_NOT_FOUND');
    // Sign out.
    assert.equal((await t.del('/api/v1/eid/sessions', undefined, laptop)).statusCode, 204);
    problem(await t.get('/api/v1/eid/me', laptop), 401, 'EID_SESSION_ENDED');
    // No token at all: the guard's AUTH_REQUIRED; a made-up token: session ended.
    problem(await t.get('/api/v1/eid/me'), 401, 'AUTH_REQUIRED');
    problem(await t.get('/api/v1/eid/me', { authorization: 'Bearer made-up' }), 401, 'EID_SESSION_ENDED');
    // An officer's token is not a citizen's.
    problem(await t.get('/api/v1/eid/me', t.reg), 401, 'EID_SESSION_ENDED');
  });

  test('the cookie open06_citizen works too; with an unsafe method from another origin it is refused (CSRF)', async () => {
    const id = await t.person({ fullName: 'Kha Thị Bánh', sex: 'female', birthDate: '1995-05-15' });
    await t.level1({ idNumber: id, fullName: 'Kha Thị Bánh', birthDate: '1995-05-15', phone: newPhone() });
    const token = (await t.signIn(id)).json().token;
    const cookie = { cookie: `open06_citizen=${token}` };
    assert.equal((await t.get('/api/v1/eid/me', cookie)).statusCode, 200);
    problem(await t.post('/api/v1/eid/me/sessions/revoke-others', {}, { ...cookie, origin: 'https://evil.example' }), 403, 'CSRF_REJECTED');
    assert.equal((await t.post('/api/v1/eid/me/sessions/revoke-others', {}, { ...cookie, origin: 'http://localhost:8060' })).statusCode, 200);
  });

  test('change password: the current one is needed (wrong counts), the new one follows the rules, other sessions end', async () => {
    const id = await t.person({ fullName: 'Triệu Văn Đổi', sex: 'male', birthDate: '1972-12-12' });
    const phone = newPhone();
    await t.level1({ idNumber: id, fullName: 'Triệu Văn Đổi', birthDate: '1972-12-12', phone });
    const a = await t.citizen(id);
    const b = await t.citizen(id, PASSWORD, { userAgent: 'other' });
    const NEW = 'Mat-khau-thu-hai-2026!';
    const wrong = problem(await t.post('/api/v1/eid/me/password', { currentPassword: WRONG, newPassword: NEW }, a), 403, 'EID_WRONG_PASSWORD');
    assert.equal(wrong.errors[0].field, 'currentPassword');
    const weak = problem(await t.post('/api/v1/eid/me/password', { currentPassword: PASSWORD, newPassword: `x${id}x` }, a), 400, 'EID_WEAK_PASSWORD');
    assert.equal(weak.errors[0].field, 'newPassword');
    assert.equal((await t.post('/api/v1/eid/me/password', { currentPassword: PASSWORD, newPassword: NEW }, a)).statusCode, 204);
    assert.equal((await t.get('/api/v1/eid/me', a)).statusCode, 200);
    problem(await t.get('/api/v1/eid/me', b), 401, 'EID_SESSION_ENDED');
    problem(await t.signIn(id), 401, 'EID_INVALID_CREDENTIALS');
    assert.equal((await t.signIn(id, NEW)).statusCode, 200);
    assert.equal((await t.notices(phone)).filter((n) => /password was changed/.test(n)).length, 1);
  });

  test('closing at the citizen\'s request: password needed, sessions end, identity.account.closed published; the person may register again', async () => {
    const id = await t.person({ fullName: 'Tạ Văn Đóng', sex: 'male', birthDate: '1969-09-29' });
    const phone = newPhone();
    const account = await t.level1({ idNumber: id, fullName: 'Tạ Văn Đóng', birthDate: '1969-09-29', phone });
    const h = await t.citizen(id);
    problem(await t.post('/api/v1/eid/me/close', { password: WRONG }, h), 403, 'EID_WRONG_PASSWORD');
    assert.equal((await t.post('/api/v1/eid/me/close', { password: PASSWORD }, h)).statusCode, 204);
    assert.equal((await t.notices(phone)).filter((n) => /closed at your request/.test(n)).length, 1);
    problem(await t.get('/api/v1/eid/me', h), 401, 'EID_SESSION_ENDED');
    problem(await t.signIn(id), 403, 'EID_ACCOUNT_CLOSED');
    problem(await t.signIn(id, WRONG), 401, 'EID_INVALID_CREDENTIALS');
    const ev = await sql<{ key: string; payload: any }>`select key, payload from platform.outbox where topic = 'identity.account.closed'`.execute(t.platform.db);
    assert.deepEqual(ev.rows.map((r) => ({ key: r.key, accountId: r.payload.accountId, idNumber: r.payload.idNumber, reason: r.payload.reason })), [{ key: id, accountId: account.id, idNumber: id, reason: 'citizen_request' }]);
    assert.equal((await t.services.accounts.getAccountByIdNumber(id))!.status, 'closed');
    const again = await t.level1({ idNumber: id, fullName: 'Tạ Văn Đóng', birthDate: '1969-09-29', phone });
    assert.notEqual(again.id, account.id);
    assert.equal((await t.services.accounts.getAccountByIdNumber(id))!.status, 'active');
  });
  // Last: it moves the clock past every session, officers' too.
  test('sessions expire after SESSION_TTL_MINUTES', async () => {
    const id = await t.person({ fullName: 'Giang Văn Hạn', sex: 'male', birthDate: '1983-03-13' });
    await t.level1({ idNumber: id, fullName: 'Giang Văn Hạn', birthDate: '1983-03-13', phone: newPhone() });
    const res = await t.signIn(id);
    assert.equal(res.json().expiresAt, new Date(t.clock.now().getTime() + 480 * 60_000).toISOString());
    const h = { authorization: `Bearer ${res.json().token}` };
    t.clock.advance(480 * 60_000);
    problem(await t.get('/api/v1/eid/me', h), 401, 'EID_SESSION_ENDED');
  });

});
