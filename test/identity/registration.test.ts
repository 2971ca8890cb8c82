/**
 * Level-1 self-service registration checked against the population registry, its rejections, the
 * uniform answer for unknown ID numbers and existing accounts, and a parent opening a child's account.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { eidTestApp, newPhone, problem, PASSWORD, type EidTestApp } from './accounts.harness.ts';

describe('eID level 1: self-service registration', () => {
  let t: EidTestApp;
  let lan: string;
  const LAN = { fullName: 'Trần Thị Lan', birthDate: '1991-04-12' };

  before(async () => {
    t = await eidTestApp();
    lan = await t.person({ ...LAN, sex: 'female' });
  });
  after(async () => { await t.close(); });

  const start = (body: Record<string, unknown>, ip?: string) => t.post('/api/v1/eid/registrations', body, {}, ip);
  const confirm = (flowId: string, code: string, password = PASSWORD) => t.post(`/api/v1/eid/registrations/${flowId}/confirm`, { code, password });

  test('happy path: registry match → code by SMS → code + password → active level-1 account that signs in', async () => {
    const phone = newPhone();
    const s = await start({ idNumber: lan, fullName: LAN.fullName, birthDate: LAN.birthDate, phone, email: 'lan@example.vn' });
    assert.equal(s.statusCode, 202, s.body);
    assert.deepEqual(Object.keys(s.json()).sort(), ['expiresAt', 'flowId', 'sentTo']);
    assert.equal(s.json().sentTo, `09******${phone.slice(-2)}`);
    assert.equal(s.json().expiresAt, new Date(t.clock.now().getTime() + 10 * 60_000).toISOString());
    const sms = t.sender.to(phone);
    assert.equal(sms.length, 1);
    assert.equal(sms[0]!.purpose, 'register');
    assert.match(sms[0]!.text.vi, /^Open06: mã \d{6} dùng để đăng ký tài khoản định danh điện tử/);
    const done = await confirm(s.json().flowId, t.code(phone));
    assert.equal(done.statusCode, 201, done.body);
    const account = done.json().account;
    assert.equal(account.idNumber, lan);
    assert.equal(account.level, 1);
    assert.equal(account.status, 'active');
    assert.equal(account.phoneMasked, `09******${phone.slice(-2)}`);
    // The code is used up.
    problem(await confirm(s.json().flowId, t.code(phone)), 410, 'EID_CODE_EXPIRED');
    const me = await t.get('/api/v1/eid/me', await t.citizen(lan));
    assert.equal(me.statusCode, 200, me.body);
    assert.equal(me.json().phoneVerified, true);
    assert.equal(me.json().emailMasked, 'l***@example.vn');
    // Only a hash of the code is stored.
    const rows = await sql<{ code_hash: Buffer }>`select code_hash from identity.one_time_code where id = ${s.json().flowId}`.execute(t.platform.db);
    assert.equal(rows.rows[0]!.code_hash.length, 32);
  });

  test('registry mismatch: wrong name, wrong birth date, unknown ID number and a dead person all get the same error, naming no field', async () => {
    const dead = await t.person({ fullName: 'Lý Văn Mất', sex: 'male', birthDate: '1950-01-01' });
    const death = await t.post(`/api/v1/registry/people/${dead}/death`, { legalBasis: 'Luật Hộ tịch 2014', deathDate: '2026-11-01' }, t.reg);
    assert.equal(death.statusCode, 200, death.body);
    const phone = newPhone();
    const bodies = [
      { idNumber: lan, fullName: 'Trần Thị Lam', birthDate: LAN.birthDate },
      { idNumber: lan, fullName: LAN.fullName, birthDate: '1991-04-13' },
      { idNumber: '001191099999', fullName: LAN.fullName, birthDate: LAN.birthDate },
      { idNumber: dead, fullName: 'Lý Văn Mất', birthDate: '1950-01-01' },
      { idNumber: lan, fullName: LAN.fullName, birthDate: LAN.birthDate, cardIssueDate: '2026-01-01' },
    ];
    const answers: unknown[] = [];
    for (const b of bodies) {
      const p = problem(await start({ ...b, phone }), 422, 'EID_REGISTRY_MISMATCH');
      assert.equal(p.errors, undefined);
      answers.push(p.messages);
    }
    assert.ok(answers.every((m) => JSON.stringify(m) === JSON.stringify(answers[0])));
    assert.equal(t.sender.to(phone).length, 0);
    // Letter case and spacing are forgiven; diacritics are not.
    const ok = await start({ idNumber: lan, fullName: '  trần   THỊ lan ', birthDate: LAN.birthDate, phone });
    assert.equal(ok.statusCode, 202, ok.body);
    problem(await start({ idNumber: lan, fullName: 'Tran Thi Lan', birthDate: LAN.birthDate, phone }), 422, 'EID_REGISTRY_MISMATCH');
  });

  test('the card issue date, when given, must be that of a valid card', async () => {
    const hoa = await t.person({ fullName: 'Phạm Thị Hoa', sex: 'female', birthDate: '1988-08-08' });
    const card = await t.issueCard(hoa);
    const phone = newPhone();
    const s = await start({ idNumber: hoa, fullName: 'Phạm Thị Hoa', birthDate: '1988-08-08', cardIssueDate: card.card.issueDate, phone });
    assert.equal(s.statusCode, 202, s.body);
  });

  test('an existing account gets the same answer as a new one; its owner is told on their own phone and the code never works', async () => {
    const minh = await t.person({ fullName: 'Đỗ Văn Minh', sex: 'male', birthDate: '1985-02-03' });
    const ownerPhone = newPhone();
    await t.level1({ idNumber: minh, fullName: 'Đỗ Văn Minh', birthDate: '1985-02-03', phone: ownerPhone });
    const attackerPhone = newPhone();
    const s = await start({ idNumber: minh, fullName: 'Đỗ Văn Minh', birthDate: '1985-02-03', phone: attackerPhone });
    assert.equal(s.statusCode, 202, s.body);
    assert.deepEqual(Object.keys(s.json()).sort(), ['expiresAt', 'flowId', 'sentTo']);
    assert.equal(s.json().sentTo, `09******${attackerPhone.slice(-2)}`);
    assert.equal(t.sender.to(attackerPhone).length, 0, 'no code to the requester');
    assert.equal((await t.notices(ownerPhone)).filter((n) => /already have one/.test(n)).length, 1);
    // Confirming fails like a wrong code, attempt by attempt, then like too many attempts.
    for (let remaining = 4; remaining >= 1; remaining--) assert.equal(problem(await confirm(s.json().flowId, '123456'), 400, 'EID_CODE_INVALID').messages.en, `Wrong code; ${remaining} attempts left.`);
    problem(await confirm(s.json().flowId, '123456'), 410, 'EID_CODE_ATTEMPTS_EXCEEDED');
  });

  test('weak passwords are refused naming the field and the reason; the code stays usable', async () => {
    const nam = await t.person({ fullName: 'Vũ Hoài Nam', sex: 'male', birthDate: '1999-12-31' });
    const phone = newPhone();
    const s = await start({ idNumber: nam, fullName: 'Vũ Hoài Nam', birthDate: '1999-12-31', phone });
    const flow = s.json().flowId;
    const weak: Array<[string, string]> = [
      ['short-pass', 'too_short'],
      ['password1234', 'common'],
      [`my-id-${nam}-ok`, 'contains_id_number'],
      ['Sinh-ngay-31121999!', 'contains_birth_date'],
      ['Sinh-ngay-1999-12-31!', 'contains_birth_date'],
    ];
    for (const [password, reason] of weak) {
      const p = problem(await confirm(flow, t.code(phone), password), 400, 'EID_WEAK_PASSWORD');
      assert.equal(p.errors[0].field, 'password');
      assert.equal(p.errors[0].code, reason);
    }
    const done = await confirm(flow, t.code(phone));
    assert.equal(done.statusCode, 201, done.body);
  });

  test('wrong code: counted, 5 attempts then a new code is needed; an expired code is refused', async () => {
    const an = await t.person({ fullName: 'Bùi Thị An', sex: 'female', birthDate: '1993-06-01' });
    const phone = newPhone();
    const body = { idNumber: an, fullName: 'Bùi Thị An', birthDate: '1993-06-01', phone };
    let s = await start(body);
    const right = t.code(phone);
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 0; i < 4; i++) problem(await confirm(s.json().flowId, wrong), 400, 'EID_CODE_INVALID');
    problem(await confirm(s.json().flowId, wrong), 410, 'EID_CODE_ATTEMPTS_EXCEEDED');
    problem(await confirm(s.json().flowId, right), 410, 'EID_CODE_ATTEMPTS_EXCEEDED');
    // Expiry (10 minutes).
    s = await start(body);
    t.clock.advance(10 * 60_000 + 1);
    problem(await confirm(s.json().flowId, t.code(phone)), 410, 'EID_CODE_EXPIRED');
    // A new request retires the earlier code for the same phone.
    const first = await start(body);
    const firstCode = t.code(phone);
    const second = await start(body);
    problem(await confirm(first.json().flowId, firstCode), 410, 'EID_CODE_EXPIRED');
    assert.equal((await confirm(second.json().flowId, t.code(phone))).statusCode, 201);
  });

  test('codes per ID number are limited (decoys count too, so the limit reveals nothing)', async () => {
    const binh = await t.person({ fullName: 'Cao Văn Bình', sex: 'male', birthDate: '1980-10-10' });
    const body = { idNumber: binh, fullName: 'Cao Văn Bình', birthDate: '1980-10-10', phone: newPhone() };
    for (let i = 0; i < 5; i++) assert.equal((await start(body)).statusCode, 202);
    const res = await start(body);
    problem(res, 429, 'EID_CODE_REQUESTS_EXCEEDED');
    assert.ok(Number(res.headers['retry-after']) > 0);
    t.clock.advance(3_600_000);
    assert.equal((await start(body)).statusCode, 202);
  });

  test('invalid input names the field (phone, ID number, date format)', async () => {
    const p = problem(await start({ idNumber: lan, fullName: LAN.fullName, birthDate: LAN.birthDate, phone: '0112345678' }), 400, 'VALIDATION_FAILED');
    assert.equal(p.errors[0].field, 'phone');
    const q = problem(await start({ idNumber: '123', fullName: LAN.fullName, birthDate: '12/04/1991', phone: newPhone() }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(q.errors.map((e: any) => e.field).sort(), ['birthDate', 'idNumber']);
  });

  test('under 14: refused, a parent registers the child', async () => {
    const kid = await t.person({ fullName: 'Trần Minh Khôi', sex: 'male', birthDate: '2015-05-05' });
    const p = problem(await start({ idNumber: kid, fullName: 'Trần Minh Khôi', birthDate: '2015-05-05', phone: newPhone() }), 422, 'EID_UNDER_AGE');
    assert.match(p.messages.en, /under 14/);
  });
});

describe('eID: a parent with a level-2 account opens a level-1 account for a child under 14', () => {
  let t: EidTestApp;
  before(async () => { t = await eidTestApp(); });
  after(async () => { await t.close(); });

  test('the registry\'s parent link is required; the child account uses the parent\'s phone; a child of 14 registers alone', async () => {
    const motherPhone = newPhone();
    const mother = await t.person({ fullName: 'Lê Thị Mai', sex: 'female', birthDate: '1988-03-03' });
    const child = await t.person({ fullName: 'Nguyễn Lê Bảo', sex: 'male', birthDate: '2019-09-09', motherId: mother });
    const teen = await t.person({ fullName: 'Nguyễn Lê Hân', sex: 'female', birthDate: '2010-01-01', motherId: mother });
    const stranger = await t.person({ fullName: 'Hồ Văn Lạ', sex: 'male', birthDate: '1987-07-07' });

    // A level-1 parent may not.
    await t.level1({ idNumber: mother, fullName: 'Lê Thị Mai', birthDate: '1988-03-03', phone: motherPhone });
    const asLevel1 = await t.citizen(mother);
    problem(await t.post('/api/v1/eid/me/children', { childIdNumber: child, password: 'Con-yeu-cua-me-2026' }, asLevel1), 403, 'EID_LEVEL2_REQUIRED');

    // Level 2 (the card and the counter upgrade the account).
    const card = await t.issueCard(mother);
    const up = await t.post('/api/v1/eid/counter/level2', { idNumber: mother, chip: card.chip, faceMatch: 'match', phone: motherPhone }, t.cardOfficer);
    assert.equal(up.statusCode, 201, up.body);
    assert.equal(up.json().activation.kind, 'upgrade');
    assert.equal((await t.post('/api/v1/eid/activation', { idNumber: mother, code: t.code(motherPhone) })).statusCode, 200);
    const parent = await t.citizen(mother);

    const res = await t.post('/api/v1/eid/me/children', { childIdNumber: child, password: 'Con-yeu-cua-me-2026' }, parent);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().account.level, 1);
    assert.equal(res.json().account.phoneMasked, `09******${motherPhone.slice(-2)}`);
    assert.equal((await t.notices(motherPhone)).filter((n) => /level-1 eID account for your child/.test(n)).length, 1);
    // The child signs in with the password the parent set.
    assert.equal((await t.signIn(child, 'Con-yeu-cua-me-2026')).statusCode, 200);
    problem(await t.post('/api/v1/eid/me/children', { childIdNumber: child, password: 'Con-yeu-cua-me-2026' }, parent), 409, 'EID_ACCOUNT_EXISTS');
    problem(await t.post('/api/v1/eid/me/children', { childIdNumber: teen, password: 'Con-yeu-cua-me-2026' }, parent), 422, 'EID_CHILD_TOO_OLD');
    const notMine = problem(await t.post('/api/v1/eid/me/children', { childIdNumber: stranger, password: 'Con-yeu-cua-me-2026' }, parent), 403, 'EID_NOT_GUARDIAN');
    assert.equal(notMine.errors[0].field, 'childIdNumber');
    problem(await t.post('/api/v1/eid/me/children', { childIdNumber: '001090000000', password: 'Con-yeu-cua-me-2026' }, parent), 403, 'EID_NOT_GUARDIAN');
    // The child's password follows the child's rules.
    const baby = await t.person({ fullName: 'Nguyễn Lê Bông', sex: 'female', birthDate: '2024-02-29', motherId: mother });
    const weak = problem(await t.post('/api/v1/eid/me/children', { childIdNumber: baby, password: 'Bong-sinh-29022024' }, parent), 400, 'EID_WEAK_PASSWORD');
    assert.equal(weak.errors[0].code, 'contains_birth_date');
  });
});
