/**
 * Level 2 at the counter: a real chip (issued by the cards module, read back as an NFC reader
 * would) passes passive authentication; a tampered chip, another person's chip or a face mismatch
 * is refused and recorded. Activation, upgrade, recovery at the counter, and self-service password
 * reset (level 1 only).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { eidTestApp, newPhone, problem, PASSWORD, type EidTestApp } from './accounts.harness.ts';

type H = Record<string, string>;

async function auditOf(t: EidTestApp, action: string) {
  await t.platform.audit.idle();
  const r = await sql<{ actor_id: string; subject_id: string | null; details: any }>`
    select actor_id, subject_id, details from (select id, actor_id, subject_id, details, action from platform.audit_inbox union all select seq, actor_id, subject_id, details, action from platform.audit_log) a
    where action = ${action} order by id`.execute(t.platform.db);
  return r.rows;
}

describe('eID level 2 at the counter', () => {
  let t: EidTestApp;
  let hcmOfficer: H;
  before(async () => {
    t = await eidTestApp();
    hcmOfficer = await t.officer('card.hcm', ['card_officer'], '79');
  });
  after(async () => { await t.close(); });

  const counter = (body: object, headers: H = t.cardOfficer) => t.post('/api/v1/eid/counter/level2', body, headers);

  test('a valid chip and a face match: a level-2 account pending activation; the citizen activates with the code and a password', async () => {
    const id = await t.person({ fullName: 'Nguyễn Văn Hùng', sex: 'male', birthDate: '1975-05-20' });
    const card = await t.issueCard(id);
    const phone = newPhone();
    const res = await counter({ idNumber: id, chip: card.chip, faceMatch: 'match', phone });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.account.level, 2);
    assert.equal(body.account.status, 'pending_activation');
    assert.equal(body.activation.kind, 'create');
    assert.equal(body.activation.expiresAt, new Date(t.clock.now().getTime() + 72 * 3_600_000).toISOString());
    assert.equal(body.verification.chip, 'pass');
    // Who, where, when, how: recorded and audited.
    const v = await sql<any>`select * from identity.level2_verification where id = ${body.verification.id}`.execute(t.platform.db);
    const row = v.rows[0];
    assert.equal(row.result, 'accepted');
    assert.equal(row.office_province_code, '01');
    assert.equal(row.face_match, 'match');
    assert.equal(row.chip_ok, true);
    assert.ok(row.chip_checks.some((c: any) => c.check === 'card_status' && c.outcome === 'pass'));
    const audit = await auditOf(t, 'eid.level2.verified');
    assert.equal(audit.at(-1)!.subject_id, id);
    assert.equal(audit.at(-1)!.details.chip, 'pass');
    assert.equal(audit.at(-1)!.details.faceMatch, 'match');

    // Before activation: no password, so sign-in gives the generic error.
    problem(await t.signIn(id), 401, 'EID_INVALID_CREDENTIALS');
    // Activation needs a password for a new account, checks the code.
    const noPassword = problem(await t.post('/api/v1/eid/activation', { idNumber: id, code: t.code(phone) }), 400, 'VALIDATION_FAILED');
    assert.equal(noPassword.errors[0].field, 'password');
    problem(await t.post('/api/v1/eid/activation', { idNumber: id, code: t.code(phone) === '999999' ? '999998' : '999999', password: PASSWORD }), 400, 'EID_CODE_INVALID');
    const act = await t.post('/api/v1/eid/activation', { idNumber: id, code: t.code(phone), password: PASSWORD });
    assert.equal(act.statusCode, 200, act.body);
    assert.equal(act.json().account.status, 'active');
    assert.equal(act.json().account.level, 2);
    const me = await t.get('/api/v1/eid/me', await t.citizen(id));
    assert.equal(me.json().level2VerifiedAt, t.clock.now().toISOString());
    // A second counter enrolment is refused: recovery is the way.
    problem(await counter({ idNumber: id, chip: card.chip, faceMatch: 'match', phone }), 409, 'EID_ALREADY_LEVEL2');
    // The officer's view lists the verification.
    const view = await t.get(`/api/v1/eid/accounts/${id}`, t.cardOfficer);
    assert.equal(view.statusCode, 200, view.body);
    assert.equal(view.json().verifications[0].result, 'accepted');
  });

  test('a tampered chip is refused with the failed check named; the refusal is recorded and no account is made', async () => {
    const id = await t.person({ fullName: 'Trương Thị Thu', sex: 'female', birthDate: '1982-11-11' });
    const card = await t.issueCard(id);
    const dg13 = Buffer.from(card.chip.dataGroups.DG13, 'base64');
    dg13[dg13.length - 1]! ^= 0x01;
    const p = problem(await counter({ idNumber: id, chip: { ...card.chip, dataGroups: { ...card.chip.dataGroups, DG13: dg13.toString('base64') } }, faceMatch: 'match', phone: newPhone() }), 422, 'EID_CHIP_REJECTED');
    assert.match(p.messages.en, /dg_hash_mismatch: DG13/);
    assert.equal(p.errors[0].field, 'chip');
    const v = await sql<any>`select result, refusal, chip_failures, account_id from identity.level2_verification where id_number = ${id}`.execute(t.platform.db);
    assert.deepEqual(v.rows, [{ result: 'refused', refusal: 'chip', chip_failures: ['dg_hash_mismatch: DG13'], account_id: null }]);
    assert.equal((await auditOf(t, 'eid.level2.refused')).at(-1)!.subject_id, id);
    assert.equal((await t.get(`/api/v1/eid/accounts/${id}`, t.cardOfficer)).statusCode, 404);
  });

  test('another person\'s chip, a revoked card or a face mismatch is refused', async () => {
    const a = await t.person({ fullName: 'Đặng Văn Tài', sex: 'male', birthDate: '1990-02-02' });
    const b = await t.person({ fullName: 'Đặng Văn Trí', sex: 'male', birthDate: '1992-03-03' });
    const cardA = await t.issueCard(a);
    const cardB = await t.issueCard(b);
    const other = problem(await counter({ idNumber: a, chip: cardB.chip, faceMatch: 'match', phone: newPhone() }), 422, 'EID_CHIP_REJECTED');
    assert.match(other.messages.en, /chip_of_another_person/);
    const face = problem(await counter({ idNumber: a, chip: cardA.chip, faceMatch: 'no_match', phone: newPhone() }), 422, 'EID_FACE_NOT_MATCHED');
    assert.equal(face.errors[0].field, 'faceMatch');
    const revoke = await t.post(`/api/v1/cards/people/${b}/cards/1/revoke`, { legalBasis: 'Luật Căn cước 2023' }, t.cardOfficer);
    assert.equal(revoke.statusCode, 200, revoke.body);
    const revoked = problem(await counter({ idNumber: b, chip: cardB.chip, faceMatch: 'match', phone: newPhone() }), 422, 'EID_CHIP_REJECTED');
    assert.match(revoked.messages.en, /card_revoked/);
  });

  test('any police office may enrol: a card officer of another province verifies the citizen who is present', async () => {
    const id = await t.person({ fullName: 'Mai Văn Xa', sex: 'male', birthDate: '1970-01-01' });
    const card = await t.issueCard(id);
    const res = await counter({ idNumber: id, chip: card.chip, faceMatch: 'match', phone: newPhone() }, hcmOfficer);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().activation.kind, 'create');
  });

  test('upgrade of a level-1 account: it stays active at level 1 until the code is confirmed; the password is kept', async () => {
    const id = await t.person({ fullName: 'Lâm Thị Ngọc', sex: 'female', birthDate: '1996-07-07' });
    const phone = newPhone();
    await t.level1({ idNumber: id, fullName: 'Lâm Thị Ngọc', birthDate: '1996-07-07', phone });
    const card = await t.issueCard(id);
    const newNumber = newPhone();
    const res = await counter({ idNumber: id, chip: card.chip, faceMatch: 'match', phone: newNumber });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().activation.kind, 'upgrade');
    assert.equal(res.json().account.level, 1);
    assert.equal(res.json().account.status, 'active');
    const act = await t.post('/api/v1/eid/activation', { idNumber: id, code: t.code(newNumber) });
    assert.equal(act.statusCode, 200, act.body);
    assert.equal(act.json().account.level, 2);
    assert.equal(act.json().account.phoneMasked, `09******${newNumber.slice(-2)}`, 'the phone given at the counter is now the account\'s');
    assert.equal((await t.signIn(id)).statusCode, 200);
  });
});

describe('eID recovery: self-service for level 1, at the counter for level 2', () => {
  let t: EidTestApp;
  before(async () => { t = await eidTestApp(); });
  after(async () => { await t.close(); });

  const reset = (body: object) => t.post('/api/v1/eid/password-reset', body);

  test('level 1: registry data + registered phone → code → new password; a lock is lifted, sessions end', async () => {
    const id = await t.person({ fullName: 'Kiều Văn Sơn', sex: 'male', birthDate: '1984-04-04' });
    const phone = newPhone();
    await t.level1({ idNumber: id, fullName: 'Kiều Văn Sơn', birthDate: '1984-04-04', phone });
    const session = await t.citizen(id);
    for (let i = 0; i < 5; i++) await t.signIn(id, 'not-the-password-at-all');
    problem(await t.signIn(id), 423, 'EID_ACCOUNT_LOCKED');

    const s = await reset({ idNumber: id, fullName: 'Kiều Văn Sơn', birthDate: '1984-04-04', phone });
    assert.equal(s.statusCode, 202, s.body);
    const NEW = 'Mat-khau-moi-rat-dai-2026';
    problem(await t.post(`/api/v1/eid/password-reset/${s.json().flowId}/confirm`, { code: t.code(phone), password: 'short' }), 400, 'EID_WEAK_PASSWORD');
    const done = await t.post(`/api/v1/eid/password-reset/${s.json().flowId}/confirm`, { code: t.code(phone), password: NEW });
    assert.equal(done.statusCode, 200, done.body);
    problem(await t.get('/api/v1/eid/me', session), 401, 'EID_SESSION_ENDED');
    problem(await t.signIn(id), 401, 'EID_INVALID_CREDENTIALS');
    assert.equal((await t.signIn(id, NEW)).statusCode, 200);
    assert.equal((await t.notices(phone)).filter((n) => /password was changed/.test(n)).length, 1);
  });

  test('a wrong phone or wrong registry data gets the same answer and no code', async () => {
    const id = await t.person({ fullName: 'Quách Thị Yến', sex: 'female', birthDate: '1979-09-19' });
    const phone = newPhone();
    await t.level1({ idNumber: id, fullName: 'Quách Thị Yến', birthDate: '1979-09-19', phone });
    await t.services.notices.deliverAll();
    const before = t.sender.to(phone).length;
    const other = newPhone();
    for (const body of [
      { idNumber: id, fullName: 'Quách Thị Yến', birthDate: '1979-09-19', phone: other },
      { idNumber: id, fullName: 'Quách Thị Yên', birthDate: '1979-09-19', phone },
      { idNumber: '001179000001', fullName: 'Quách Thị Yến', birthDate: '1979-09-19', phone },
    ]) {
      const r = await reset(body);
      assert.equal(r.statusCode, 202, r.body);
      assert.deepEqual(Object.keys(r.json()).sort(), ['expiresAt', 'flowId', 'sentTo']);
      problem(await t.post(`/api/v1/eid/password-reset/${r.json().flowId}/confirm`, { code: '123456', password: 'Mat-khau-moi-rat-dai-2026' }), 400, 'EID_CODE_INVALID');
    }
    await t.services.notices.deliverAll();
    assert.equal(t.sender.to(phone).length, before);
    assert.equal(t.sender.to(other).length, 0);
  });

  test('level 2: self-service reset is refused with a clear message (visit an officer); the officer\'s recovery sends a new activation code', async () => {
    const id = await t.person({ fullName: 'Tô Văn Vững', sex: 'male', birthDate: '1966-06-16' });
    const phone = newPhone();
    await t.level2({ idNumber: id, phone });
    const session = await t.citizen(id);
    const p = problem(await reset({ idNumber: id, fullName: 'Tô Văn Vững', birthDate: '1966-06-16', phone }), 409, 'EID_LEVEL2_RESET_AT_COUNTER');
    assert.match(p.messages.vi, /mang thẻ căn cước đến cơ quan Công an/);
    assert.equal((await t.notices(phone)).filter((n) => /recovered only at a police office/.test(n)).length, 1);

    // Recovery at the counter: the account returns to pending activation, its sessions end.
    const cards = await t.get(`/api/v1/cards/people/${id}/cards`, t.cardOfficer);
    const reissue = await t.post(`/api/v1/cards/people/${id}/cards`, { legalBasis: 'Luật Căn cước 2023', kind: 'renewal' }, t.cardOfficer);
    assert.equal(cards.statusCode, 200);
    assert.equal(reissue.statusCode, 201, reissue.body);
    const rec = await t.post('/api/v1/eid/counter/recovery', { idNumber: id, chip: reissue.json().chip, faceMatch: 'match', phone }, t.cardOfficer);
    assert.equal(rec.statusCode, 200, rec.body);
    assert.equal(rec.json().activation.kind, 'recovery');
    assert.equal(rec.json().account.status, 'pending_activation');
    problem(await t.get('/api/v1/eid/me', session), 401, 'EID_SESSION_ENDED');
    // The old password is right but the account waits for activation: now it may say so.
    problem(await t.signIn(id), 403, 'EID_ACCOUNT_PENDING_ACTIVATION');
    const NEW = 'Khoi-phuc-tai-quay-2026';
    const act = await t.post('/api/v1/eid/activation', { idNumber: id, code: t.code(phone), password: NEW });
    assert.equal(act.statusCode, 200, act.body);
    assert.equal(act.json().account.status, 'active');
    assert.equal((await t.signIn(id, NEW)).statusCode, 200);
    const audit = await auditOf(t, 'eid.level2.recovery_started');
    assert.equal(audit.at(-1)!.subject_id, id);
    // Recovery needs a level-2 account.
    const l1 = await t.person({ fullName: 'Tô Thị Nhẹ', sex: 'female', birthDate: '1990-01-01' });
    await t.level1({ idNumber: l1, fullName: 'Tô Thị Nhẹ', birthDate: '1990-01-01', phone: newPhone() });
    const l1card = await t.issueCard(l1);
    problem(await t.post('/api/v1/eid/counter/recovery', { idNumber: l1, chip: l1card.chip, faceMatch: 'match', phone: newPhone() }, t.cardOfficer), 404, 'EID_NO_LEVEL2_ACCOUNT');
  });
});
