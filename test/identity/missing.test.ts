/**
 * A person declared missing cannot use their eID account until the declaration is revoked
 * (consumer identity.suspend-on-missing): the account is suspended and its sessions end; the
 * revocation reactivates it, unless an officer suspended it for another reason.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { followMissingDeclarations, MISSING_CONSUMER } from '../../src/identity/accounts/index.ts';
import { outboxSettled } from '../harness/outbox.ts';
import { eidTestApp, newPhone, problem, type EidTestApp } from './accounts.harness.ts';

const LAW = { legalBasis: 'Bộ luật Dân sự 2015, Điều 68' };

describe('eID: a declaration of missing suspends the account', () => {
  let t: EidTestApp;
  before(async () => { t = await eidTestApp(); });
  after(async () => { await t.close(); });

  const settle = async () => {
    await outboxSettled(t.platform.db);
    await followMissingDeclarations(t.platform.db, t.services.enrolment);
  };
  const status = async (id: string) => (await t.services.accounts.getAccountByIdNumber(id))!.status;

  test('declared missing → suspended, sessions end, sign-in refused; revoked → active again; redelivery changes nothing', async () => {
    const id = await t.person({ fullName: 'Hứa Văn Lạc', sex: 'male', birthDate: '1980-08-08' });
    await t.level1({ idNumber: id, fullName: 'Hứa Văn Lạc', birthDate: '1980-08-08', phone: newPhone() });
    const h = await t.citizen(id);
    assert.equal((await t.get('/api/v1/eid/me', h)).statusCode, 200);

    assert.equal((await t.post(`/api/v1/registry/people/${id}/missing`, { ...LAW, since: '2026-10-01' }, t.reg)).statusCode, 200);
    await settle();
    assert.equal(await status(id), 'suspended');
    problem(await t.get('/api/v1/eid/me', h), 401, 'EID_SESSION_ENDED');
    problem(await t.signIn(id), 403, 'EID_ACCOUNT_SUSPENDED');
    const suspended = await sql<{ payload: any }>`select payload from platform.outbox where topic = 'identity.account.suspended' and key = ${id}`.execute(t.platform.db);
    assert.equal(suspended.rows.length, 1);
    assert.equal(suspended.rows[0]!.payload.reason, 'declared_missing');

    // Redelivery of everything: still one suspension.
    await sql`update platform.outbox_consumer set last_xid = '0', last_id = 0 where name = ${MISSING_CONSUMER}`.execute(t.platform.db);
    await settle();
    assert.equal((await sql`select 1 from platform.outbox where topic = 'identity.account.suspended' and key = ${id}`.execute(t.platform.db)).rows.length, 1);

    assert.equal((await t.post(`/api/v1/registry/people/${id}/missing/revoke`, LAW, t.reg)).statusCode, 200);
    await settle();
    assert.equal(await status(id), 'active');
    assert.equal((await t.signIn(id)).statusCode, 200);
    await t.platform.audit.idle();
    const audit = await sql<{ action: string; actor_id: string }>`select action, actor_id from (select action, actor_id, subject_id from platform.audit_inbox union all select action, actor_id, subject_id from platform.audit_log) x where subject_id = ${id} and action in ('eid.account.suspended', 'eid.account.reactivated') `.execute(t.platform.db);
    // One entry each (some may still be in the inbox, some on the chain: compared without order).
    assert.deepEqual(audit.rows.map((r) => `${r.action} by ${r.actor_id}`).sort(), ['eid.account.reactivated by identity.suspend-on-missing', 'eid.account.suspended by identity.suspend-on-missing']);
  });

  test('an account an officer suspended stays suspended when the declaration is revoked', async () => {
    const id = await t.person({ fullName: 'Hứa Thị Giữ', sex: 'female', birthDate: '1982-02-02' });
    await t.level1({ idNumber: id, fullName: 'Hứa Thị Giữ', birthDate: '1982-02-02', phone: newPhone() });
    const s = await t.post(`/api/v1/eid/accounts/${id}/suspend`, { reason: 'Nghi ngờ bị chiếm đoạt tài khoản' }, t.cardOfficer);
    assert.equal(s.statusCode, 200, s.body);
    assert.equal((await t.post(`/api/v1/registry/people/${id}/missing`, { ...LAW, since: '2026-10-01' }, t.reg)).statusCode, 200);
    await settle();
    assert.equal((await t.post(`/api/v1/registry/people/${id}/missing/revoke`, LAW, t.reg)).statusCode, 200);
    await settle();
    assert.equal(await status(id), 'suspended');
    problem(await t.signIn(id), 403, 'EID_ACCOUNT_SUSPENDED');
  });
});
