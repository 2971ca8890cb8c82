/**
 * The partner console's server side over real HTTP: an admin links citizens to a member as
 * manager or viewer; every console route refuses a citizen who is not (or no longer) staff with a
 * 403 naming the member; a viewer reads but changes nothing; a manager replaces the system's keys
 * (checked like the admin's rotation; the new key then gets tokens), starts a bulk job from a CSV
 * that runs and is audited exactly as one the system starts itself, watches its progress,
 * downloads the result (audited, naming the person), cancels another; usage per day with the
 * quota; webhook deliveries with the person's ID number masked.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { exportJWK } from 'jose';
import { consoleTestServer, type ConsoleTestServer } from '../harness/staff.ts';
import { accessToken, call, partnerKeys, problem, PROVISION, resident, type H, type Partner } from '../harness/partner.ts';
import { outboxSettled } from '../harness/outbox.ts';

const BANK = 'Ngân hàng TMCP Bảng Điều Khiển';

describe('partner console (server)', () => {
  let t: ConsoleTestServer;
  let bank: Partner;
  let other: Partner;
  let reg: H;
  let manager: { idNumber: string; headers: H };
  let viewer: { idNumber: string; headers: H };
  let outsider: { idNumber: string; headers: H };
  const people: Array<{ idNumber: string; fullName: string; birthDate: string }> = [];
  const m = (path = '') => `/api/v1/partner/members/${bank.memberId}${path}`;
  const as = (who: { headers: H }, method: string, path: string, body?: unknown) => call(t.baseUrl, method, path, body, who.headers);
  const upload = async (who: { headers: H }, systemId: string, csv: string, q: string, extra: H = {}) => {
    const res = await fetch(`${t.baseUrl}${m(`/systems/${systemId}/bulk-jobs`)}?${q}`, { method: 'POST', headers: { ...who.headers, 'content-type': 'text/csv', ...extra }, body: csv });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null, text, headers: res.headers };
  };

  before(async () => {
    t = await consoleTestServer({ exchange: { webhookBackoffMs: [60_000], webhookTimeoutMs: 1000 }, config: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    reg = await t.officer('hotich.people', ['registrar'], null);
    for (const [fullName, birthDate] of [['Nguyễn Thị Hạnh', '1985-02-03'], ['Trần Văn Bình', '1979-11-20'], ['Lê Thu Trang', '1992-07-07']] as const) {
      people.push({ idNumber: await resident(t.baseUrl, reg, { fullName, sex: 'female', birthDate }), fullName, birthDate });
    }
    bank = await t.partner({ member: BANK, system: 'Rà soát khách hàng' });
    other = await t.partner({ member: 'Công ty Khác', kind: 'other' });
    await t.grant(bank.systemId, { service: 'bulk_verification', fields: ['fullName', 'birthDate', 'personStatus'], purposes: ['customer_due_diligence'], basis: PROVISION, quotaPerDay: 500 });
    await t.grant(bank.systemId, { service: 'event_subscription', fields: ['person.deceased'], purposes: ['customer_due_diligence'], basis: PROVISION });
    manager = await t.citizen('Phạm Minh Quản', '1988-01-01', '0912000101');
    viewer = await t.citizen('Đỗ Thị Xem', '1990-02-02', '0912000102');
    outsider = await t.citizen('Vũ Văn Ngoài', '1991-03-03', '0912000103');
  });
  after(async () => { await t?.close(); });

  test('an admin adds staff as manager or viewer (audited); an unknown person is refused next to the field', async () => {
    const add = await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${bank.memberId}/staff`, { idNumber: manager.idNumber, role: 'manager' }, t.admin);
    assert.equal(add.status, 201, add.text);
    assert.equal(add.json.role, 'manager');
    const v = await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${bank.memberId}/staff`, { idNumber: viewer.idNumber, role: 'manager' }, t.admin);
    assert.equal(v.status, 201, v.text);
    // Adding again with another role changes the role.
    const again = await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${bank.memberId}/staff`, { idNumber: viewer.idNumber, role: 'viewer' }, t.admin);
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.role, 'viewer');
    const unknown = problem(await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${bank.memberId}/staff`, { idNumber: '001099999990', role: 'viewer' }, t.admin), 400, 'PARTNER_STAFF_PERSON_UNKNOWN');
    assert.equal(unknown.errors[0].field, 'idNumber');
    const list = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/members/${bank.memberId}/staff`, undefined, t.admin);
    assert.deepEqual(list.json.items.map((s: any) => [s.idNumber, s.role]), [[manager.idNumber, 'manager'], [viewer.idNumber, 'viewer']]);
    const registrar = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/members/${bank.memberId}/staff`, undefined, reg);
    assert.equal(registrar.status, 403);
    assert.equal((await t.audited('exchange.staff.add', bank.memberId)).length, 2);
    assert.equal((await t.audited('exchange.staff.role', bank.memberId))[0]?.details.role, 'viewer');
  });

  test('a citizen who is not staff is refused on every console route with a 403 naming the member', async () => {
    const me = await as(outsider, 'GET', '/api/v1/partner/me');
    assert.equal(me.status, 200, me.text);
    assert.deepEqual(me.json.organisations, []);
    const routes: Array<[string, string, unknown?]> = [
      ['GET', m()], ['GET', m('/grants')], ['GET', m('/usage')], ['GET', m('/bulk-jobs')], ['GET', m('/subscriptions')], ['GET', m('/deliveries')],
      ['GET', m('/bulk-jobs/00000000-0000-4000-8000-000000000000')], ['GET', m('/bulk-jobs/00000000-0000-4000-8000-000000000000/result')],
      ['POST', m('/bulk-jobs/00000000-0000-4000-8000-000000000000/cancel')],
      ['PUT', m(`/systems/${bank.systemId}/jwks`), { keys: [bank.keys.publicJwk] }],
    ];
    for (const [method, path, body] of routes) {
      const r = problem(await as(outsider, method, path, body), 403, 'PARTNER_NOT_STAFF');
      assert.match(r.messages.vi, new RegExp(BANK), `${method} ${path}`);
      assert.match(r.messages.en, new RegExp(BANK));
    }
    const up = await upload(outsider, bank.systemId, 'idNumber,fullName,birthDate\n', 'purpose=customer_due_diligence');
    assert.equal(up.status, 403, up.text);
    assert.equal(up.json.code, 'PARTNER_NOT_STAFF');
    // Staff of one member is not staff of another.
    problem(await as(manager, 'GET', `/api/v1/partner/members/${other.memberId}`), 403, 'PARTNER_NOT_STAFF');
    // A system of another member is not reachable through this member.
    problem(await as(manager, 'PUT', m(`/systems/${other.systemId}/jwks`), { keys: [other.keys.publicJwk] }), 404, 'PARTNER_SYSTEM_NOT_OF_MEMBER');
    // Without an eID session at all.
    assert.equal((await call(t.baseUrl, 'GET', m())).status, 401);
  });

  test('a viewer reads systems, keys and grants but cannot replace keys, start or cancel jobs', async () => {
    const me = await as(viewer, 'GET', '/api/v1/partner/me');
    assert.deepEqual(me.json.organisations.map((o: any) => [o.id, o.name, o.role]), [[bank.memberId, BANK, 'viewer']]);
    const member = await as(viewer, 'GET', m());
    assert.equal(member.status, 200, member.text);
    assert.equal(member.json.role, 'viewer');
    const sys = member.json.systems[0];
    assert.equal(sys.clientId, bank.clientId);
    assert.deepEqual(sys.keys.map((k: any) => k.kid), [bank.keys.kid]);
    assert.equal(sys.jwks.keys[0].x, bank.keys.publicJwk.x);
    assert.deepEqual(sys.bulkPurposes.map((p: any) => p.code), ['customer_due_diligence']);
    const grants = await as(viewer, 'GET', m('/grants'));
    const g = grants.json.systems[0].grants.find((x: any) => x.service === 'bulk_verification');
    assert.deepEqual({ status: g.status, fields: g.fields.map((f: any) => f.field), purposes: g.purposes.map((p: any) => p.code), basis: g.basis, quota: g.quotaPerDay, from: g.validFrom, until: g.validUntil },
      { status: 'active', fields: ['fullName', 'birthDate', 'personStatus'], purposes: ['customer_due_diligence'], basis: PROVISION, quota: 500, from: '2020-01-01', until: '2099-12-31' });
    assert.deepEqual(g.serviceName, { vi: 'Xác thực theo lô', en: 'Bulk verification' });

    const newKeys = await partnerKeys();
    const rotate = problem(await as(viewer, 'PUT', m(`/systems/${bank.systemId}/jwks`), { keys: [bank.keys.publicJwk, newKeys.publicJwk] }), 403, 'PARTNER_VIEWER_READ_ONLY');
    assert.match(rotate.messages.vi, new RegExp(BANK));
    const up = await upload(viewer, bank.systemId, `idNumber,fullName,birthDate\n${people[0]!.idNumber},${people[0]!.fullName},${people[0]!.birthDate}\n`, 'purpose=customer_due_diligence');
    assert.equal(up.status, 403, up.text);
    assert.equal(up.json.code, 'PARTNER_VIEWER_READ_ONLY');
    problem(await as(viewer, 'POST', m('/bulk-jobs/00000000-0000-4000-8000-000000000000/cancel')), 403, 'PARTNER_VIEWER_READ_ONLY');
    assert.equal((await as(viewer, 'GET', m('/bulk-jobs'))).json.items.length, 0, 'no job was made');
  });

  test('a manager replaces the keys: checked like the admin route; the new key then gets tokens; audited under the person', async () => {
    const priv = await partnerKeys('with-private');
    const privateJwk = { ...(await exportJWK(priv.privateKey)), kid: 'with-private', alg: 'ES256' };
    const refused = problem(await as(manager, 'PUT', m(`/systems/${bank.systemId}/jwks`), { keys: [privateJwk] }), 400, 'EXCHANGE_JWKS_INVALID');
    assert.equal(refused.errors[0].field, 'jwks');
    assert.match(refused.messages.en, /private members/);
    problem(await as(manager, 'PUT', m(`/systems/${bank.systemId}/jwks`), { keys: [{ kty: 'EC', crv: 'P-256', x: 'nope', y: 'nope' }] }), 400, 'EXCHANGE_JWKS_INVALID');

    const next = await partnerKeys('bank-2026-12');
    const ok = await as(manager, 'PUT', m(`/systems/${bank.systemId}/jwks`), { keys: [bank.keys.publicJwk, next.publicJwk] });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json.keys.map((k: any) => k.kid), [bank.keys.kid, 'bank-2026-12']);
    // Both keys now authenticate the system at the token endpoint.
    assert.ok(await accessToken(t.baseUrl, bank.clientId, next));
    assert.ok(await accessToken(t.baseUrl, bank.clientId, bank.keys));
    const [entry] = await t.audited('exchange.system.keys', bank.systemId);
    assert.equal(entry?.actor_kind, 'citizen');
    assert.equal(entry?.details.member, bank.memberId);
    assert.equal(entry?.details.staffRole, 'manager');
    assert.deepEqual(entry?.details.keys, [bank.keys.kid, 'bank-2026-12']);
    // The admin's system view: the new key added by the member's staff, the first one kept.
    const view = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/systems/${bank.systemId}`, undefined, t.admin);
    assert.deepEqual(view.json.keys.map((k: any) => [k.kid, k.addedBy?.kind ?? null]), [[bank.keys.kid, 'officer'], ['bank-2026-12', 'partner_staff']]);
  });

  let jobId = '';
  test('a manager starts a bulk job from a CSV: it runs and is audited as the system\'s own; progress; result download audited', async () => {
    const [a, b, c] = people as [typeof people[0], typeof people[0], typeof people[0]];
    // Refusals name the form field: a purpose the grant lacks, a column the grant does not cover.
    const wrongPurpose = await upload(manager, bank.systemId, `idNumber,fullName,birthDate\n${a.idNumber},${a.fullName},${a.birthDate}\n`, 'purpose=credit_assessment');
    assert.equal(wrongPurpose.status, 403, wrongPurpose.text);
    assert.equal(wrongPurpose.json.code, 'EXCHANGE_PURPOSE_NOT_GRANTED');
    assert.equal(wrongPurpose.json.errors[0].field, 'purpose');
    const wrongColumn = await upload(manager, bank.systemId, `idNumber,fullName,birthDate,sex\n${a.idNumber},${a.fullName},${a.birthDate},Nữ\n`, 'purpose=customer_due_diligence');
    assert.equal(wrongColumn.status, 403, wrongColumn.text);
    assert.equal(wrongColumn.json.errors[0].field, 'file');
    const noHeader = await upload(manager, bank.systemId, 'hello\n', 'purpose=customer_due_diligence');
    assert.equal(noHeader.status, 400, noHeader.text);
    assert.equal(noHeader.json.errors[0].field, 'file');

    const csv = `idNumber,fullName,birthDate,ref\n${a.idNumber},${a.fullName},${a.birthDate},R1\n${b.idNumber},Trần Văn Sai,${b.birthDate},R2\n${c.idNumber},${c.fullName},${c.birthDate},R3\n`;
    const up = await upload(manager, bank.systemId, csv, 'purpose=customer_due_diligence', { 'idempotency-key': 'console-upload-0001' });
    assert.equal(up.status, 202, up.text);
    jobId = up.json.id;
    assert.equal(up.json.status, 'queued');
    assert.equal(up.json.systemId, bank.systemId);
    assert.equal(up.json.rows.estimated, 3);
    assert.equal(up.json.result.url, m(`/bulk-jobs/${jobId}/result`));
    // The same key again: the same job, not a second one.
    const retry = await upload(manager, bank.systemId, csv, 'purpose=customer_due_diligence', { 'idempotency-key': 'console-upload-0001' });
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.json.id, jobId);

    // The system sees it among its own jobs on the partner API.
    const own = await bank.call('GET', '/api/v1/exchange/bulk-jobs');
    assert.deepEqual(own.json.items.map((j: any) => j.id), [jobId]);
    // Not finished yet: no result.
    problem(await as(manager, 'GET', m(`/bulk-jobs/${jobId}/result`)), 409, 'EXCHANGE_JOB_NOT_FINISHED');

    await t.x.runner.drain();
    const list = await as(viewer, 'GET', m('/bulk-jobs'));
    const j = list.json.items[0];
    assert.equal(j.id, jobId);
    assert.equal(j.status, 'completed');
    assert.equal(j.systemName, 'Rà soát khách hàng');
    assert.deepEqual({ done: j.rows.done, match: j.rows.match, mismatch: j.rows.mismatch }, { done: 3, match: 2, mismatch: 1 });
    assert.equal(j.progress.percent, 100);
    assert.equal(j.result.available, true);
    const one = await as(viewer, 'GET', m(`/bulk-jobs/${jobId}`));
    assert.equal(one.json.status, 'completed');

    // The job's own chained entry is the system's, as for an upload with an access token; the start names the person.
    await t.platform.chainer.poke();
    const jobEntry = await t.audited('exchange.bulk_verification', jobId);
    assert.equal(jobEntry.length, 1);
    assert.equal(jobEntry[0]!.actor_kind, 'partner');
    assert.equal(jobEntry[0]!.actor_id, bank.systemId);
    const start = await t.audited('exchange.staff.bulk_job.start', jobId);
    assert.equal(start.length, 1, 'one start (the retried upload is not a second)');
    assert.equal(start[0]!.actor_kind, 'citizen');
    // Every person in the file sees the job in their access history.
    const history = await t.x.accessLog.history(a.idNumber);
    assert.ok(history.items.some((i) => i.source === 'bulk_job' && i.ref === jobId), 'the job is in the person\'s history');

    // The viewer may download (a read), audited as the exchange audits a result read, and under the person.
    const res = await fetch(`${t.baseUrl}${m(`/bulk-jobs/${jobId}/result`)}`, { headers: viewer.headers });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/csv/);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="open06-verification-/);
    const lines = (await res.text()).trimEnd().split('\n');
    assert.equal(lines[0], 'row,line,ref,idNumber,outcome,fullName,birthDate,personStatus,reasons');
    assert.equal(lines[1], `1,2,R1,${a.idNumber},match,match,match,living,`);
    assert.equal(lines[2], `2,3,R2,${b.idNumber},mismatch,mismatch,match,living,fullName`);
    assert.equal((await t.audited('exchange.bulk_verification.result', jobId)).length, 1);
    const read = await t.audited('exchange.staff.bulk_job.result', jobId);
    assert.equal(read.length, 1);
    assert.equal(read[0]!.actor_kind, 'citizen');
    assert.equal(read[0]!.details.staffRole, 'viewer');
    assert.equal(read[0]!.details.legalBasis, PROVISION.provision);
  });

  test('usage per day with today\'s use against the quota', async () => {
    const u = await as(viewer, 'GET', m('/usage?days=7'));
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.days.length, 7);
    const sys = u.json.systems.find((s: any) => s.systemId === bank.systemId);
    const bulk = sys.services.find((s: any) => s.service === 'bulk_verification');
    assert.equal(bulk.quotaPerDay, 500);
    assert.equal(bulk.usedToday, 3);
    assert.equal(bulk.days.length, 7);
    assert.equal(bulk.days[6].day, u.json.to);
    assert.equal(bulk.days[6].calls, 3);
    assert.equal(bulk.days[6].people, 3);
    assert.ok(sys.services.some((s: any) => s.service === 'event_subscription'));
    problem(await as(viewer, 'GET', m('/usage?days=400')), 400, 'VALIDATION_FAILED');
  });

  test('a manager cancels a queued job; a finished one cannot be cancelled', async () => {
    const a = people[0]!;
    const up = await upload(manager, bank.systemId, `idNumber,fullName,birthDate\n${a.idNumber},${a.fullName},${a.birthDate}\n`, 'purpose=customer_due_diligence');
    assert.equal(up.status, 202, up.text);
    const c = await as(manager, 'POST', m(`/bulk-jobs/${up.json.id}/cancel`));
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.status, 'cancelled');
    problem(await as(manager, 'POST', m(`/bulk-jobs/${jobId}/cancel`)), 409, 'EXCHANGE_JOB_FINISHED');
    assert.equal((await t.audited('exchange.staff.bulk_job.cancel', up.json.id)).length, 1);
    problem(await as(manager, 'GET', `/api/v1/partner/members/${bank.memberId}/bulk-jobs/${'0'.repeat(8)}-0000-4000-8000-000000000000`), 404, 'EXCHANGE_JOB_NOT_FOUND');
  });

  test('subscriptions and deliveries: status, attempts, next retry, last error; the person\'s ID number masked', async () => {
    const sub = await bank.call('POST', '/api/v1/exchange/subscriptions', { purpose: 'customer_due_diligence', topics: ['person.deceased'], url: 'http://127.0.0.1:9/hook' });
    assert.equal(sub.status, 201, sub.text);
    const w = await bank.call('POST', `/api/v1/exchange/subscriptions/${sub.json.id}/people`, { add: [people[2]!.idNumber] });
    assert.equal(w.status, 200, w.text);
    const death = await call(t.baseUrl, 'POST', `/api/v1/registry/people/${people[2]!.idNumber}/death`, { legalBasis: 'Luật Hộ tịch 2014, Điều 33', deathDate: '2026-11-02' }, reg);
    assert.equal(death.status, 200, death.text);
    await outboxSettled(t.platform.db);
    await t.x.events.fanOut();
    await t.x.events.deliverDue();

    const subs = await as(viewer, 'GET', m('/subscriptions'));
    assert.deepEqual(subs.json.items.map((s: any) => [s.id, s.systemName, s.watched]), [[sub.json.id, 'Rà soát khách hàng', 1]]);
    const d = await as(viewer, 'GET', m('/deliveries'));
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.items.length, 1);
    const item = d.json.items[0];
    assert.equal(item.topic, 'person.deceased');
    assert.equal(item.status, 'pending');
    assert.equal(item.attempts, 1);
    assert.ok(item.nextAttemptAt);
    assert.ok(item.lastError);
    assert.equal(item.idNumber, `${people[2]!.idNumber.slice(0, 3)}******${people[2]!.idNumber.slice(-3)}`);
    assert.equal((await as(viewer, 'GET', m('/deliveries?status=delivered'))).json.items.length, 0);
  });

  test('removed staff lose access from their next request', async () => {
    const del = await call(t.baseUrl, 'DELETE', `/api/v1/exchange/admin/members/${bank.memberId}/staff/${manager.idNumber}`, undefined, t.admin);
    assert.equal(del.status, 200, del.text);
    assert.ok(del.json.removedAt);
    problem(await as(manager, 'GET', m()), 403, 'PARTNER_NOT_STAFF');
    problem(await as(manager, 'PUT', m(`/systems/${bank.systemId}/jwks`), { keys: [bank.keys.publicJwk] }), 403, 'PARTNER_NOT_STAFF');
    assert.deepEqual((await as(manager, 'GET', '/api/v1/partner/me')).json.organisations, []);
    problem(await call(t.baseUrl, 'DELETE', `/api/v1/exchange/admin/members/${bank.memberId}/staff/${manager.idNumber}`, undefined, t.admin), 404, 'PARTNER_STAFF_NOT_FOUND');
    const all = await call(t.baseUrl, 'GET', `/api/v1/exchange/admin/members/${bank.memberId}/staff?includeRemoved=true`, undefined, t.admin);
    assert.equal(all.json.items.length, 2);
    assert.equal((await t.audited('exchange.staff.remove', bank.memberId)).length, 1);
    // The viewer still reads.
    assert.equal((await as(viewer, 'GET', m())).status, 200);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from exchange.member_staff where member_id = ${bank.memberId} and removed_at is null`.execute(t.platform.db);
    assert.equal(rows[0]!.n, 1);
  });
});
