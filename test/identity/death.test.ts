/**
 * A registered death closes the person's eID account through the outbox (consumer
 * identity.close-on-death): sessions end, identity.account.closed is published in the same
 * transaction, and a redelivery changes nothing.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { closeAccountsOfDeceased, DEATH_CONSUMER } from '../../src/identity/accounts/index.ts';
import { outboxSettled } from '../harness/outbox.ts';
import { eidTestApp, newPhone, problem, type EidTestApp } from './accounts.harness.ts';

describe('eID: death closes the account', () => {
  let t: EidTestApp;
  before(async () => { t = await eidTestApp(); });
  after(async () => { await t.close(); });

  const closedEvents = async (idNumber: string) => (await sql<{ key: string; payload: any }>`select key, payload from platform.outbox where topic = 'identity.account.closed' and key = ${idNumber} order by id`.execute(t.platform.db)).rows;

  test('person.deceased → account closed, every session revoked, identity.account.closed published once (redelivery changes nothing)', async () => {
    const id = await t.person({ fullName: 'Vương Văn Cố', sex: 'male', birthDate: '1940-04-04' });
    const living = await t.person({ fullName: 'Vương Thị Còn', sex: 'female', birthDate: '1945-05-05' });
    const account = await t.level2({ idNumber: id, phone: newPhone() });
    await t.level1({ idNumber: living, fullName: 'Vương Thị Còn', birthDate: '1945-05-05', phone: newPhone() });
    const a = await t.citizen(id);
    const b = await t.citizen(id, undefined, { userAgent: 'another device' });
    const livingH = await t.citizen(living);
    const sessionId = (await t.get('/api/v1/eid/me/sessions', a)).json().items.find((s: any) => s.current).id;
    assert.equal(await t.services.accounts.sessionActive(sessionId), true);

    const death = await t.post(`/api/v1/registry/people/${id}/death`, { legalBasis: 'Luật Hộ tịch 2014, Điều 33', deathDate: '2026-11-19' }, t.reg);
    assert.equal(death.statusCode, 200, death.body);
    await outboxSettled(t.platform.db);
    assert.ok((await closeAccountsOfDeceased(t.platform.db, t.services.enrolment)) > 0);

    problem(await t.get('/api/v1/eid/me', a), 401, 'EID_SESSION_ENDED');
    problem(await t.get('/api/v1/eid/me', b), 401, 'EID_SESSION_ENDED');
    assert.equal(await t.services.accounts.sessionActive(sessionId), false);
    assert.equal(await t.services.accounts.resolveToken(a.authorization!.slice(7)), null);
    assert.equal((await t.services.accounts.getAccountByIdNumber(id))!.status, 'closed');
    problem(await t.signIn(id), 403, 'EID_ACCOUNT_CLOSED');
    const events = await closedEvents(id);
    assert.equal(events.length, 1);
    assert.deepEqual({ accountId: events[0]!.payload.accountId, idNumber: events[0]!.payload.idNumber, reason: events[0]!.payload.reason }, { accountId: account.id, idNumber: id, reason: 'deceased' });
    const revoked = await sql<{ revoked_reason: string }>`select revoked_reason from identity.session where account_id = ${account.id}`.execute(t.platform.db);
    assert.ok(revoked.rows.length >= 2 && revoked.rows.every((r) => r.revoked_reason === 'account_closed'));
    await t.platform.audit.idle();
    const audit = await sql<{ actor_id: string; details: any }>`select actor_id, details from (select actor_id, details, action, subject_id from platform.audit_inbox union all select actor_id, details, action, subject_id from platform.audit_log) x where action = 'eid.account.closed' and subject_id = ${id}`.execute(t.platform.db);
    assert.equal(audit.rows.length, 1);
    assert.equal(audit.rows[0]!.actor_id, 'identity.close-on-death');

    // Redelivery of everything: nothing changes.
    await sql`update platform.outbox_consumer set last_xid = '0', last_id = 0 where name = ${DEATH_CONSUMER}`.execute(t.platform.db);
    await closeAccountsOfDeceased(t.platform.db, t.services.enrolment);
    assert.equal((await closedEvents(id)).length, 1);
    // Someone else's account is untouched; the dead person cannot register again.
    assert.equal((await t.get('/api/v1/eid/me', livingH)).statusCode, 200);
    problem(await t.post('/api/v1/eid/registrations', { idNumber: id, fullName: 'Vương Văn Cố', birthDate: '1940-04-04', phone: newPhone() }), 422, 'EID_REGISTRY_MISMATCH');
  });

  test('a death without an eID account is handled (nothing to close)', async () => {
    const id = await t.person({ fullName: 'Lục Văn Không', sex: 'male', birthDate: '1930-03-03' });
    const death = await t.post(`/api/v1/registry/people/${id}/death`, { legalBasis: 'Luật Hộ tịch 2014, Điều 33', deathDate: '2026-11-18' }, t.reg);
    assert.equal(death.statusCode, 200, death.body);
    await outboxSettled(t.platform.db);
    await closeAccountsOfDeceased(t.platform.db, t.services.enrolment);
    assert.equal((await closedEvents(id)).length, 0);
    const cursor = await sql<{ processed: number }>`select processed from platform.outbox_consumer where name = ${DEATH_CONSUMER}`.execute(t.platform.db);
    assert.ok(cursor.rows[0]!.processed >= 2);
  });
});
