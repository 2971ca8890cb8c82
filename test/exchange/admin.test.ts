/**
 * The admin side: registering systems (public keys only, checked with jose), key rotation without
 * downtime, grants validated against the catalogue, revoking a grant and suspending a member
 * taking effect at once, daily quotas (429 with Retry-After), per-member usage and anomalies.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { exchangeTestServer, resident, problem, PROVISION, call, partnerKeys, accessToken, type ExchangeTestServer, type Partner, type H } from '../harness/partner.ts';
import { exchangeStore } from '../../src/exchange/exchange.store.ts';

describe('exchange: admin — systems, keys, grants, quotas, usage and anomalies', () => {
  let t: ExchangeTestServer;
  let reg: H;
  let idNumber: string;
  let bank: Partner;
  const verify = (p: Partner, purpose = 'account_opening') => p.call('POST', '/api/v1/exchange/verify', { idNumber, purpose, fullName: 'Kiều Thị Vân', birthDate: '1995-12-01' });

  before(async () => {
    t = await exchangeTestServer();
    reg = await t.officer('reg.national', ['registrar'], null);
    idNumber = await resident(t.baseUrl, reg, { fullName: 'Kiều Thị Vân', sex: 'female', birthDate: '1995-12-01' });
    bank = await t.partner({ member: 'Ngân hàng Quản Trị', kind: 'bank' });
    await t.grant(bank.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['account_opening'], basis: PROVISION, quotaPerDay: 3 });
  });
  after(async () => { await t.close(); });

  test('only admins manage the exchange', async () => {
    problem(await call(t.baseUrl, 'GET', '/api/v1/exchange/admin/members', undefined, reg), 403, 'FORBIDDEN_ROLE');
    const catalogue = await call(t.baseUrl, 'GET', '/api/v1/exchange/services');
    assert.equal(catalogue.status, 200);
    assert.deepEqual(catalogue.json.services.map((s: any) => s.code), ['identity_verification', 'person_data', 'card_status', 'card_verification', 'bulk_verification', 'event_subscription']);
    assert.ok(catalogue.json.purposes.some((p: any) => p.code === 'sim_registration'));
  });

  test('a system\'s keys must be public signing keys that jose imports', async () => {
    const m = (await call(t.baseUrl, 'GET', '/api/v1/exchange/admin/members', undefined, t.admin)).json.items[0];
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const priv = { ...(await exportJWK(privateKey)), kid: 'p1' };
    const r1 = problem(await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${m.id}/systems`, { name: 'Sai khoá', jwks: { keys: [priv] } }, t.admin), 400, 'EXCHANGE_JWKS_INVALID');
    assert.match(r1.messages.en, /private members \(d\)/);
    problem(await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${m.id}/systems`, { name: 'Sai khoá', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AAAA', y: 'BBBB' }] } }, t.admin), 400, 'EXCHANGE_JWKS_INVALID');
    const k1 = await partnerKeys('a');
    const k2 = await partnerKeys('b');
    problem(await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${m.id}/systems`, { name: 'Hai khoá', jwks: { keys: [{ ...k1.publicJwk, kid: undefined }, k2.publicJwk] } }, t.admin), 400, 'EXCHANGE_JWKS_INVALID');
    // Another application's client id cannot be taken over.
    problem(await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${m.id}/systems`, { name: 'Trùng mã', clientId: bank.clientId, jwks: { keys: [k1.publicJwk] } }, t.admin), 409, 'EXCHANGE_CLIENT_ID_TAKEN');
  });

  test('key rotation without downtime: old and new keys together, then the new alone', async () => {
    const sys = await t.partner({ member: 'Ngân hàng Xoay Khoá', kind: 'bank' });
    await t.grant(sys.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['account_opening'], basis: PROVISION });
    const fresh = await partnerKeys('new-2027');
    const both = await call(t.baseUrl, 'PUT', `/api/v1/exchange/admin/systems/${sys.systemId}/jwks`, { keys: [sys.keys.publicJwk, fresh.publicJwk] }, t.admin);
    assert.equal(both.status, 200, both.text);
    await accessToken(t.baseUrl, sys.clientId, sys.keys);
    const viaNew = await accessToken(t.baseUrl, sys.clientId, fresh);
    assert.equal((await call(t.baseUrl, 'POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening', fullName: 'Kiều Thị Vân' }, { authorization: `Bearer ${viaNew}` })).status, 200);
    assert.equal((await call(t.baseUrl, 'PUT', `/api/v1/exchange/admin/systems/${sys.systemId}/jwks`, { keys: [fresh.publicJwk] }, t.admin)).status, 200);
    await assert.rejects(accessToken(t.baseUrl, sys.clientId, sys.keys), /401/);
    await accessToken(t.baseUrl, sys.clientId, fresh);
    // The general client admin leaves a member system's client to the exchange (its key history, its status).
    for (const [method, path, body] of [['PUT', '/jwks', { keys: [sys.keys.publicJwk] }], ['DELETE', '', undefined]] as const) {
      const refused = problem(await call(t.baseUrl, method, `/api/v1/admin/oidc-clients/${sys.clientId}${path}`, body, t.admin), 409, 'OIDC_CLIENT_PROTECTED');
      assert.match(refused.messages.vi, /trang quản trị khai thác dữ liệu \(hệ thống /);
      assert.match(refused.messages.en, /the data-exchange administration \(system /);
    }
    await accessToken(t.baseUrl, sys.clientId, fresh);
  });

  test('grants are checked against the catalogue', async () => {
    const bad = async (g: object, field: string) => {
      const r = problem(await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/systems/${bank.systemId}/grants`, { validFrom: '2026-01-01', validUntil: '2026-12-31', ...g }, t.admin), 400, 'EXCHANGE_GRANT_INVALID');
      assert.equal(r.errors[0].field, field);
    };
    await bad({ service: 'identity_verification', fields: ['religion'], purposes: ['account_opening'], basis: PROVISION }, 'fields');
    await bad({ service: 'person_data', fields: ['religion'], purposes: ['karaoke'], basis: PROVISION }, 'purposes');
    await bad({ service: 'person_data', fields: ['religion'], purposes: ['account_opening'], basis: PROVISION, validUntil: '2025-01-01' }, 'validUntil');
  });

  test('a daily quota: 429 with Retry-After until the next Vietnamese day', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await verify(bank)).status);
    const over = await verify(bank);
    const p = problem(over, 429, 'EXCHANGE_QUOTA_EXCEEDED');
    assert.match(p.messages.en, /daily quota of 3/);
    const retry = Number(over.headers.get('retry-after'));
    assert.ok(retry >= 1 && retry <= 86_400, String(retry));
    // Counted across a flush: the totals read back from the database keep refusing.
    await t.x.meter.flush();
    problem(await verify(bank), 429, 'EXCHANGE_QUOTA_EXCEEDED');
    assert.ok(statuses.every((s) => s === 200), statuses.join(','));
  });

  test('revoking a grant and suspending a member take effect at once', async () => {
    const clinic = await t.partner({ member: 'Phòng khám Tạm Dừng', kind: 'hospital' });
    const g = await t.grant(clinic.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['health_insurance'], basis: PROVISION });
    assert.equal((await verify(clinic, 'health_insurance')).status, 200);
    assert.equal((await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/grants/${g}/revoke`, undefined, t.admin)).status, 200);
    problem(await verify(clinic, 'health_insurance'), 403, 'EXCHANGE_SERVICE_NOT_GRANTED');
    await t.grant(clinic.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['health_insurance'], basis: PROVISION });
    assert.equal((await verify(clinic, 'health_insurance')).status, 200);
    assert.equal((await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${clinic.memberId}/suspend`, { reason: 'Kiểm tra an ninh' }, t.admin)).status, 200);
    await t.platform.audit.idle();
    const logged = await sql<{ reason: string }>`select details->>'reason' as reason from platform.audit_log where action = 'exchange.member.suspend' and subject_id = ${clinic.memberId}
      union all select details->>'reason' from platform.audit_inbox where action = 'exchange.member.suspend' and subject_id = ${clinic.memberId}`.execute(t.platform.db);
    assert.deepEqual(logged.rows.map((r) => r.reason), ['Kiểm tra an ninh'], 'the reason is in the audit log');
    problem(await verify(clinic, 'health_insurance'), 403, 'EXCHANGE_MEMBER_SUSPENDED');
    problem(await verify(clinic, 'health_insurance'), 403, 'EXCHANGE_MEMBER_SUSPENDED'); // again, from the remembered token and system
    assert.equal((await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${clinic.memberId}/reinstate`, undefined, t.admin)).status, 200);
    assert.equal((await verify(clinic, 'health_insurance')).status, 200);
  });

  test('usage per member and system, and a system reading far more people than its usual', async () => {
    const usage = await call(t.baseUrl, 'GET', '/api/v1/exchange/admin/usage', undefined, t.admin);
    assert.equal(usage.status, 200, usage.text);
    const b = usage.json.members.find((m: any) => m.memberId === bank.memberId);
    assert.deepEqual({ calls: b.calls, people: b.people, refused: b.refused }, { calls: 3, people: 3, refused: 2 });
    // History: the steady system read ~100 people a day for two weeks, the other ~100 too; today one of them reads 5,000.
    const steady = await t.partner({ member: 'Hệ thống Ổn Định', kind: 'telecom' });
    const spiky = await t.partner({ member: 'Hệ thống Đột Biến', kind: 'telecom' });
    const now = Date.now();
    const rows = [];
    for (let d = 2; d <= 14; d++) {
      const hour = new Date(Math.floor((now - d * 86_400_000) / 3_600_000) * 3_600_000);
      for (const s of [steady, spiky]) rows.push({ system_id: s.systemId, service: 'identity_verification', hour, calls: 100, people: 100, refused: 0 });
    }
    const hour = new Date(Math.floor(now / 3_600_000) * 3_600_000);
    rows.push({ system_id: steady.systemId, service: 'identity_verification', hour, calls: 120, people: 120, refused: 0 });
    rows.push({ system_id: spiky.systemId, service: 'bulk_verification', hour, calls: 5000, people: 5000, refused: 0 });
    await exchangeStore.addUsage(t.platform.db, rows);
    const a = await call(t.baseUrl, 'GET', '/api/v1/exchange/admin/anomalies?minPeople=1000', undefined, t.admin);
    assert.equal(a.status, 200, a.text);
    const flagged = a.json.items.map((i: any) => i.systemId);
    assert.ok(flagged.includes(spiky.systemId), JSON.stringify(a.json));
    assert.ok(!flagged.includes(steady.systemId));
    const item = a.json.items.find((i: any) => i.systemId === spiky.systemId);
    assert.equal(item.reason, 'above_usual');
    assert.equal(item.memberName, 'Hệ thống Đột Biến');
    assert.ok(item.ratio >= 50, String(item.ratio));
  });

  test('usage per Vietnam day: every day of the range, per member, system and service; bad ranges name the field', async () => {
    const shop = await t.partner({ member: 'Cửa hàng Theo Ngày', kind: 'other' });
    const vnDay = (offset: number) => new Date(Date.now() + 7 * 3_600_000 - offset * 86_400_000).toISOString().slice(0, 10);
    // 00:30 and 23:30 in Vietnam fall on that Vietnam day (17:30 UTC the day before, 16:30 UTC the same day).
    const at = (day: string, hhmm: string) => new Date(Date.parse(`${day}T${hhmm}:00+07:00`) - (Date.parse(`${day}T${hhmm}:00+07:00`) % 3_600_000));
    await exchangeStore.addUsage(t.platform.db, [
      { system_id: shop.systemId, service: 'card_status', hour: at(vnDay(2), '00:30'), calls: 5, people: 4, refused: 1 },
      { system_id: shop.systemId, service: 'card_status', hour: at(vnDay(2), '23:30'), calls: 2, people: 2, refused: 0 },
      { system_id: shop.systemId, service: 'person_data', hour: at(vnDay(0), '00:30'), calls: 7, people: 7, refused: 3 },
    ]);
    const r = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/usage/daily?from=${vnDay(3)}&to=${vnDay(0)}`, undefined, t.admin);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.days.map((d: any) => d.day), [vnDay(3), vnDay(2), vnDay(1), vnDay(0)]);
    const m = r.json.members.find((x: any) => x.memberId === shop.memberId);
    assert.deepEqual(m.days.map((d: any) => [d.calls, d.people, d.refused]), [[0, 0, 0], [7, 6, 1], [0, 0, 0], [7, 7, 3]]);
    const services = Object.fromEntries(m.systems[0].services.map((x: any) => [x.service, x.days.map((d: any) => d.calls)]));
    assert.deepEqual(services, { card_status: [0, 7, 0, 0], person_data: [0, 0, 0, 7] });
    assert.ok(r.json.days[1].calls >= 7, 'the totals include every member');

    const bad = async (q: string, field: string) => {
      const p = problem(await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/usage/daily?${q}`, undefined, t.admin), 400, 'VALIDATION_FAILED');
      assert.equal(p.errors[0].field, field, JSON.stringify(p));
    };
    await bad('from=2026-02-30&to=2026-03-02', 'from');
    await bad('from=2026-03-05&to=2026-03-02', 'to');
    await bad('from=2026-01-01&to=2026-04-03', 'to');
    assert.equal((await call(t.baseUrl, 'GET', '/api/v1/exchange/admin/usage/daily?from=2026-01-01&to=2026-04-02', undefined, t.admin)).status, 200, '92 days are allowed');
  });

  test('usage per hour: calls through the partner API in their hour, every hour listed with zeros, Vietnam time labels; bad ranges name the field', async () => {
    const HOUR = 3_600_000;
    const vnHour = (ms: number) => `${new Date(Math.floor(ms / HOUR) * HOUR + 7 * HOUR).toISOString().slice(0, 16)}+07:00`;
    const shop = await t.partner({ member: 'Cửa hàng Theo Giờ', kind: 'other' });
    await t.grant(shop.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['account_opening'], basis: PROVISION });
    const first = Date.now();
    assert.equal((await verify(shop)).status, 200);
    assert.equal((await verify(shop)).status, 200);
    problem(await verify(shop, 'credit_assessment'), 403, 'EXCHANGE_PURPOSE_NOT_GRANTED');
    const last = Date.now();
    const from = new Date(last - 3 * HOUR).toISOString();
    const r = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/usage/hourly?from=${encodeURIComponent(from)}&to=${encodeURIComponent(new Date(last).toISOString())}&member=${shop.memberId}`, undefined, t.admin);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.hours.map((h: any) => h.hour), [3, 2, 1, 0].map((n) => vnHour(last - n * HOUR)), 'every hour from the start\'s to the end\'s, in Vietnam time');
    const busy = r.json.hours.filter((h: any) => h.calls || h.refused);
    assert.ok(busy.every((h: any) => h.hour === vnHour(first) || h.hour === vnHour(last)), JSON.stringify(busy));
    const sum = (k: string) => r.json.hours.reduce((a: number, h: any) => a + h[k], 0);
    assert.deepEqual([sum('calls'), sum('refused')], [2, 1], 'two answered, one refused');
    assert.equal(r.json.hours.filter((h: any) => !h.calls && !h.people && !h.refused).length, 4 - busy.length, 'the quiet hours are listed as zeros');
    assert.deepEqual(r.json.members.map((m: any) => m.memberId), [shop.memberId], 'one member asked');
    const [svc] = r.json.members[0].systems[0].services;
    assert.equal(svc.service, 'identity_verification');
    assert.deepEqual(svc.hours.map((h: any) => h.calls), r.json.hours.map((h: any) => h.calls));
    // Another system, or another service, has none of these calls.
    const none = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/usage/hourly?from=${encodeURIComponent(from)}&system=${bank.systemId}&service=card_status`, undefined, t.admin);
    assert.equal(none.status, 200, none.text);
    assert.deepEqual(none.json.members, []);

    // An older hour, asked for in Vietnam time without an offset (and with one whose '+' was not
    // encoded, so arrives as a space): 01:00 in Vietnam is 18:00 UTC the day before.
    await exchangeStore.addUsage(t.platform.db, [{ system_id: shop.systemId, service: 'card_status', hour: new Date('2026-01-09T18:00:00Z'), calls: 4, people: 3, refused: 1 }]);
    const old = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/usage/hourly?from=2026-01-10T00:30&to=2026-01-10T03:00+07:00&system=${shop.systemId}`, undefined, t.admin);
    assert.equal(old.status, 200, old.text);
    assert.deepEqual({ from: old.json.from, to: old.json.to }, { from: '2026-01-10T00:00+07:00', to: '2026-01-10T03:00+07:00' });
    assert.deepEqual(old.json.hours.map((h: any) => [h.hour, h.calls, h.people, h.refused]), [['2026-01-10T00:00+07:00', 0, 0, 0], ['2026-01-10T01:00+07:00', 4, 3, 1], ['2026-01-10T02:00+07:00', 0, 0, 0]]);

    const bad = async (q: string, field: string) => {
      const p = problem(await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/usage/hourly?${q}`, undefined, t.admin), 400, 'VALIDATION_FAILED');
      assert.equal(p.errors[0].field, field, JSON.stringify(p));
      assert.ok(p.errors[0].messages.vi && p.errors[0].messages.en && p.errors[0].messages.vi !== p.errors[0].messages.en, JSON.stringify(p.errors[0]));
      return p.errors[0].messages.en as string;
    };
    assert.match(await bad('from=2026-01-10T00:00Z&to=2026-01-13T01:00Z', 'to'), /72 hours/);
    assert.match(await bad('from=2026-01-10T05:00Z&to=2026-01-10T02:00Z', 'to'), /after the start/);
    await bad('from=yesterday&to=2026-01-10T02:00Z', 'from');
    await bad('from=2026-02-30T00:00Z&to=2026-03-01T02:00Z', 'from');
    assert.equal((await call(t.baseUrl, 'GET', '/api/v1/exchange/admin/usage/hourly?from=2026-01-10T00:00Z&to=2026-01-13T00:00Z', undefined, t.admin)).json.hours.length, 72, '72 hours are allowed');
    problem(await call(t.baseUrl, 'GET', '/api/v1/exchange/admin/usage/hourly', undefined, reg), 403, 'FORBIDDEN_ROLE');
  });

  test('member and system views say who created them; the system view lists its keys', async () => {
    const m = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/members/${bank.memberId}`, undefined, t.admin);
    assert.equal(m.status, 200, m.text);
    assert.deepEqual({ username: m.json.createdBy.username, displayName: m.json.createdBy.displayName }, { username: 'quantri.exchange', displayName: 'quantri.exchange' });
    assert.ok(m.json.createdAt);
    const s = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/systems/${bank.systemId}`, undefined, t.admin);
    assert.equal(s.status, 200, s.text);
    assert.equal(s.json.createdBy.username, 'quantri.exchange');
    const [key] = s.json.keys;
    assert.deepEqual({ kid: key.kid, alg: key.alg, kty: key.kty, thumbprint: key.thumbprint }, { kid: bank.keys.kid, alg: 'ES256', kty: 'EC', thumbprint: await calculateJwkThumbprint(bank.keys.publicJwk) });
    assert.equal(key.addedBy.username, 'quantri.exchange');
    assert.deepEqual(s.json.removedKeys, []);
  });

  test('the key history: when and by whom each key was added; a rotation adds the new, removes the dropped, keeps the kept', async () => {
    const view = async (systemId: string) => {
      const r = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/systems/${systemId}`, undefined, t.admin);
      assert.equal(r.status, 200, r.text);
      return r.json;
    };
    const second = await t.officer('quantri.xoaykhoa', ['admin'], null);
    const m = await call(t.baseUrl, 'POST', '/api/v1/exchange/admin/members', { name: 'Ngân hàng Lịch Sử Khoá', kind: 'bank', code: 'NHLSK' }, t.admin);
    const [k1, k2, k3] = [await partnerKeys('ls-1'), await partnerKeys('ls-2'), await partnerKeys('ls-3')];
    const before = Date.now();
    const sysr = await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${m.json.id}/systems`, { name: 'Hai khoá', jwks: { keys: [k1.publicJwk, k2.publicJwk] } }, t.admin);
    assert.equal(sysr.status, 201, sysr.text);
    const v1 = await view(sysr.json.id);
    assert.deepEqual(v1.keys.map((k: any) => k.kid), ['ls-1', 'ls-2']);
    for (const k of v1.keys) {
      assert.ok(Date.parse(k.addedAt) >= before - 1000 && Date.parse(k.addedAt) <= Date.now(), k.addedAt);
      assert.deepEqual({ kind: k.addedBy.kind, username: k.addedBy.username, displayName: k.addedBy.displayName }, { kind: 'officer', username: 'quantri.exchange', displayName: 'quantri.exchange' });
    }
    await new Promise((r) => setTimeout(r, 20));
    const rotatedFrom = Date.now();
    const rot = await call(t.baseUrl, 'PUT', `/api/v1/exchange/admin/systems/${sysr.json.id}/jwks`, { keys: [k1.publicJwk, k3.publicJwk] }, second);
    assert.equal(rot.status, 200, rot.text);
    const v2 = await view(sysr.json.id);
    assert.deepEqual(v2.keys.map((k: any) => k.kid), ['ls-1', 'ls-3']);
    assert.equal(v2.keys[0].addedAt, v1.keys[0].addedAt, 'the kept key keeps its addedAt');
    assert.equal(v2.keys[0].addedBy.username, 'quantri.exchange');
    assert.ok(Date.parse(v2.keys[1].addedAt) >= rotatedFrom - 1000 && Date.parse(v2.keys[1].addedAt) > Date.parse(v1.keys[0].addedAt), v2.keys[1].addedAt);
    assert.equal(v2.keys[1].addedBy.username, 'quantri.xoaykhoa');
    assert.equal(v2.removedKeys.length, 1);
    const gone = v2.removedKeys[0];
    assert.deepEqual({ kid: gone.kid, thumbprint: gone.thumbprint, addedAt: gone.addedAt, addedBy: gone.addedBy.username, removedBy: gone.removedBy.username }, { kid: 'ls-2', thumbprint: await calculateJwkThumbprint(k2.publicJwk), addedAt: v1.keys[1].addedAt, addedBy: 'quantri.exchange', removedBy: 'quantri.xoaykhoa' });
    assert.equal(gone.removedAt, v2.keys[1].addedAt, 'removed in the rotation that added ls-3');

    // A key without a kid is named by its RFC 7638 thumbprint; removed keys come newest first.
    const bare = { ...k2.publicJwk, kid: undefined };
    assert.equal((await call(t.baseUrl, 'PUT', `/api/v1/exchange/admin/systems/${sysr.json.id}/jwks`, { keys: [bare] }, t.admin)).status, 200);
    const v3 = await view(sysr.json.id);
    assert.deepEqual(v3.keys.map((k: any) => [k.kid, k.thumbprint, k.addedBy.username]), [[null, await calculateJwkThumbprint(k2.publicJwk), 'quantri.exchange']]);
    assert.deepEqual(v3.removedKeys.map((k: any) => k.kid), ['ls-3', 'ls-1', 'ls-2']);
    await new Promise((r) => setTimeout(r, 20));
    assert.equal((await call(t.baseUrl, 'PUT', `/api/v1/exchange/admin/systems/${sysr.json.id}/jwks`, { keys: [k3.publicJwk] }, t.admin)).status, 200);
    const v4 = await view(sysr.json.id);
    assert.deepEqual(v4.removedKeys[0].kid, await calculateJwkThumbprint(k2.publicJwk), 'the key without a kid, removed last, first');

    // Only admins see or change keys.
    problem(await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/systems/${sysr.json.id}`, undefined, reg), 403, 'FORBIDDEN_ROLE');
    problem(await call(t.baseUrl, 'PUT', `/api/v1/exchange/admin/systems/${sysr.json.id}/jwks`, { keys: [k1.publicJwk] }, reg), 403, 'FORBIDDEN_ROLE');
    assert.deepEqual((await view(sysr.json.id)).keys.map((k: any) => k.kid), ['ls-3'], 'the refused rotation changed nothing');
  });

  test('the key history\'s migration gives systems registered before it their current keys, added when their client was last updated, by no one known', async () => {
    const migration = await import('../../src/exchange/migrations/20261124_0406_system_key_history.ts');
    await migration.down(t.platform.db);
    await migration.up(t.platform.db);
    const client = await t.x.oidc.clients.find(bank.clientId);
    const s = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/systems/${bank.systemId}`, undefined, t.admin);
    assert.equal(s.status, 200, s.text);
    assert.deepEqual(s.json.keys.map((k: any) => [k.kid, k.addedAt, k.addedBy]), [[bank.keys.kid, client!.updated_at.toISOString(), null]]);
    assert.deepEqual(s.json.removedKeys, []);
  });

  test('every admin change is in the audit log', async () => {
    await t.platform.audit.idle();
    const rows = await t.platform.db.selectFrom('platform.audit_log').select(['action']).where('action', 'like', 'exchange.%').where('actor_kind', '=', 'officer').execute();
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['exchange.member.create', 'exchange.system.register', 'exchange.system.keys', 'exchange.grant.create', 'exchange.grant.revoke', 'exchange.member.suspend']) assert.ok(actions.has(a), a);
  });
});
