/**
 * Every notice a change causes (password changed, suspended, a registration on an existing account,
 * …) is queued in the transaction of the change, not sent after it: nothing reaches the phone
 * before the notice worker runs, a gateway that fails once is retried and the text arrives exactly
 * once, and a change that rolls back (here: failing at commit) leaves no notice behind.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { eidTestApp, newPhone, problem, PASSWORD, type EidTestApp } from './accounts.harness.ts';
import { NoticeWorker, SmsOtpSender } from '../../src/identity/accounts/index.ts';
import { FailsOncePerNumber } from './flaky-gateway.ts';

const MINUTE = 60_000;

describe('eID notices caused by changes: queued with the change, retried, never for a rolled-back change', () => {
  let t: EidTestApp;
  const lines: string[] = [];
  const rows = async (phone: string) => (await sql<{ kind: string; status: string; attempts: number }>`
    select kind, status, attempts from identity.notice where phone = ${phone} order by id`.execute(t.platform.db)).rows;
  const account = async (fullName: string, sex: 'male' | 'female', birthDate: string) => {
    const idNumber = await t.person({ fullName, sex, birthDate });
    const phone = newPhone();
    await t.level1({ idNumber, fullName, birthDate, phone });
    return { idNumber, phone, fullName, birthDate };
  };

  before(async () => { t = await eidTestApp(); });
  after(async () => { await t.close(); });

  // First: the next test moves the clock past the officers' sessions.
  test('a change that fails at commit queues nothing and sends nothing; the same change committed queues one notice', async () => {
    const d = await account('Đàm Văn Hoàn', 'male', '1981-01-21');
    const h = await t.citizen(d.idNumber);
    const db = t.platform.db;
    await sql`create function public.fail_at_commit() returns trigger language plpgsql as $$ begin raise exception 'the change fails at commit (test)'; end $$`.execute(db);
    await sql`create constraint trigger fail_suspension after update on identity.account deferrable initially deferred for each row
      when (new.id_number = ${sql.lit(d.idNumber)} and new.status = 'suspended') execute function public.fail_at_commit()`.execute(db);
    await sql`create constraint trigger fail_password after update on identity.account deferrable initially deferred for each row
      when (new.id_number = ${sql.lit(d.idNumber)} and new.password_hash is distinct from old.password_hash) execute function public.fail_at_commit()`.execute(db);

    problem(await t.post(`/api/v1/eid/accounts/${d.idNumber}/suspend`, { reason: 'Nghi bị chiếm đoạt tài khoản' }, t.cardOfficer), 500, 'INTERNAL');
    problem(await t.post('/api/v1/eid/me/password', { currentPassword: PASSWORD, newPassword: 'Mat-khau-khong-luu-2026' }, h), 500, 'INTERNAL');
    assert.equal((await t.services.accounts.getAccountByIdNumber(d.idNumber))!.status, 'active', 'the suspension rolled back');
    assert.equal((await t.get('/api/v1/eid/me', h)).statusCode, 200, 'the session was not revoked');
    assert.equal((await t.signIn(d.idNumber)).statusCode, 200, 'the password did not change');
    assert.deepEqual(await rows(d.phone), []);
    assert.deepEqual(await t.notices(d.phone), []);

    await sql`drop trigger fail_suspension on identity.account`.execute(db);
    await sql`drop trigger fail_password on identity.account`.execute(db);
    await sql`drop function public.fail_at_commit()`.execute(db);
    assert.equal((await t.post(`/api/v1/eid/accounts/${d.idNumber}/suspend`, { reason: 'Nghi bị chiếm đoạt tài khoản' }, t.cardOfficer)).statusCode, 200);
    assert.deepEqual((await rows(d.phone)).map((r) => [r.kind, r.status]), [['suspended', 'pending']]);
    assert.deepEqual(await t.notices(d.phone), ['Open06: your eID account was suspended by the authority. Please contact the nearest police office.']);
  });

  test('password changed, suspended: nothing sent by the change; a gateway failing once delivers each exactly once. A registration on an existing account sends its notice before answering', async () => {
    const a = await account('Phí Văn Đổi', 'male', '1975-05-25');
    const b = await account('Phí Thị Dừng', 'female', '1979-09-29');
    const c = await account('Phí Văn Trùng', 'male', '1988-08-28');
    const ha = await t.citizen(a.idNumber);
    assert.equal((await t.post('/api/v1/eid/me/password', { currentPassword: PASSWORD, newPassword: 'Mat-khau-moi-cua-toi-2026' }, ha)).statusCode, 204);
    assert.equal((await t.post(`/api/v1/eid/accounts/${b.idNumber}/suspend`, { reason: 'Theo đề nghị của công dân' }, t.cardOfficer)).statusCode, 200);
    const reg = await t.post('/api/v1/eid/registrations', { idNumber: c.idNumber, fullName: c.fullName, birthDate: c.birthDate, phone: newPhone() });
    assert.equal(reg.statusCode, 202, reg.body);

    // The registration's answer waits for one text either way (a code, or this notice), so its
    // timing does not tell whether the ID number has an account.
    assert.deepEqual((await rows(c.phone)).map((r) => [r.kind, r.status, r.attempts]), [['registration_with_existing_account', 'sent', 1]]);
    const toOwner = t.sender.to(c.phone).filter((m) => m.purpose === 'notice');
    assert.equal(toOwner.length, 1);
    assert.match(toOwner[0]!.text.vi, /^Open06: có yêu cầu mở tài khoản định danh điện tử bằng số định danh của bạn, nhưng bạn đã có tài khoản\./);

    const people = [
      { phone: a.phone, kind: 'password_changed', vi: /^Open06: mật khẩu tài khoản định danh điện tử của bạn đã được thay đổi lúc \d\d:\d\d \d\d\/\d\d\/\d{4}/ },
      { phone: b.phone, kind: 'suspended', vi: /^Open06: tài khoản định danh điện tử của bạn đã bị tạm dừng bởi cơ quan quản lý\./ },
    ];
    for (const p of people) {
      assert.deepEqual((await rows(p.phone)).map((r) => [r.kind, r.status]), [[p.kind, 'pending']], p.kind);
      assert.equal(t.sender.to(p.phone).filter((m) => m.purpose === 'notice').length, 0, `${p.kind}: not sent by the change itself`);
    }

    const gateway = new FailsOncePerNumber();
    const worker = new NoticeWorker(t.platform.db, new SmsOtpSender(gateway), t.clock, { maxAttempts: 5, baseDelayMs: MINUTE, maxDelayMs: 60 * MINUTE }, (_level, line) => lines.push(line));
    await worker.deliverAll();
    for (const p of people) {
      assert.deepEqual((await rows(p.phone)).map((r) => [r.status, r.attempts]), [['pending', 1]], `${p.kind}: failed once, waiting`);
      assert.deepEqual(gateway.to(p.phone), []);
    }
    t.clock.advance(MINUTE);
    await worker.deliverAll();
    t.clock.advance(120 * MINUTE);
    await worker.deliverAll();
    for (const p of people) {
      assert.deepEqual((await rows(p.phone)).map((r) => [r.status, r.attempts]), [['sent', 2]], p.kind);
      const texts = gateway.to(p.phone);
      assert.equal(texts.length, 1, `${p.kind}: exactly once`);
      assert.match(texts[0]!, p.vi);
      const masked = `${p.phone.slice(0, 2)}******${p.phone.slice(-2)}`;
      assert.ok(lines.some((l) => l.includes(`(${p.kind}) sent to ${masked}`)), lines.join('\n'));
    }
    for (const line of lines) assert.ok(!/0\d{9}/.test(line), `a phone number in: ${line}`);
  });
});
