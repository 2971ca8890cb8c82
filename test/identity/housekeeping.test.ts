/**
 * Housekeeping deletes what is past its time and keeps the rest: expired one-time codes (a day
 * after expiry), expired OpenID payloads (consumed or not), ended device sessions past their
 * retention (with their single-sign-on links), sign-in history past EID_SIGN_IN_RETENTION_MONTHS;
 * in small batches, with two runs at once. The citizen's sign-in history says how long it is kept.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { eidTestApp, newPhone, type EidTestApp } from './accounts.harness.ts';
import { housekeeping, housekeepingSettings } from '../../src/identity/housekeeping.ts';
import { queueNotice } from '../../src/identity/accounts/index.ts';

const DAY = 86_400_000;

describe('eID housekeeping', () => {
  let t: EidTestApp;
  before(async () => { t = await eidTestApp({ config: { EID_SIGN_IN_RETENTION_MONTHS: 12, EID_ENDED_SESSION_RETENTION_DAYS: 30 } }); });
  after(async () => { await t.close(); });

  test('old rows go, recent ones stay; in batches, two runs at once', async () => {
    const db = t.platform.db;
    const id = await t.person({ fullName: 'Vi Văn Dọn', sex: 'male', birthDate: '1980-08-08' });
    const phone = newPhone();
    const account = await t.level1({ idNumber: id, fullName: 'Vi Văn Dọn', birthDate: '1980-08-08', phone });
    const headers = await t.citizen(id);
    const now = t.clock.now();
    const ago = (ms: number) => new Date(now.getTime() - ms);
    const later = (ms: number) => new Date(now.getTime() + ms);

    const code = (label: string, expiresAt: Date) => db.insertInto('identity.one_time_code').values({ purpose: 'unlock', account_id: account.id, id_number: id, phone, code_hash: randomBytes(32), payload: JSON.stringify({ label }), max_attempts: 5, expires_at: expiresAt, created_at: ago(DAY * 3) }).execute();
    for (let i = 0; i < 3; i++) await code('old', ago(2 * DAY));
    await code('expired an hour ago', ago(3_600_000));
    await code('valid', later(600_000));

    const payload = (model: string, pid: string, expiresAt: Date | null, consumed = false) => sql`insert into identity.oidc_payloads (model, id, payload, expires_at, consumed_at) values (${model}, ${pid}, '{}'::jsonb, ${expiresAt}, ${consumed ? ago(DAY) : null})`.execute(db);
    await payload('AuthorizationCode', 'old-consumed', ago(60_000), true);
    await payload('AccessToken', 'old', ago(DAY));
    await payload('AccessToken', 'live', later(600_000));
    await payload('Grant', 'forever', null);

    const session = async (label: string, createdAt: Date, expiresAt: Date, revokedAt: Date | null) => String((await db.insertInto('identity.session').values({ account_id: account.id, token_hash: randomBytes(32), method: 'password', acr: 1, ip: '203.0.113.9', user_agent: label, created_at: createdAt, last_seen_at: createdAt, expires_at: expiresAt, revoked_at: revokedAt, revoked_reason: revokedAt ? 'signed_out' : null }).returning('id').executeTakeFirstOrThrow()).id);
    const oldRevoked = await session('revoked 40 days ago', ago(41 * DAY), ago(40 * DAY - 3_600_000), ago(40 * DAY));
    await session('expired 35 days ago', ago(36 * DAY), ago(35 * DAY), null);
    await session('revoked yesterday', ago(2 * DAY), later(DAY), ago(DAY));
    await sql`insert into identity.oidc_session_device (session_uid, device_session_id) values ('uid-of-a-gone-browser', ${oldRevoked}::uuid)`.execute(db);

    const signIn = (at: Date) => db.insertInto('identity.sign_in').values({ account_id: account.id, at, outcome: 'success', method: 'password' }).execute();
    for (let i = 0; i < 5; i++) await signIn(ago((13 * 31 + i) * DAY));
    await signIn(ago(11 * 30 * DAY));

    await queueNotice(db, { kind: 'new_device', accountId: account.id, to: { phone }, text: { vi: 'x', en: 'x' } }, ago(40 * DAY));
    await sql`update identity.notice set status = 'sent', sent_at = created_at where account_id = ${account.id}::uuid`.execute(db);
    await queueNotice(db, { kind: 'new_device', accountId: account.id, to: { phone }, text: { vi: 'y', en: 'y' } }, ago(40 * DAY));

    const settings = { ...housekeepingSettings(t.platform.config), batch: 2 };
    const [a, b] = await Promise.all([housekeeping(db, t.clock, settings), housekeeping(db, t.clock, settings)]);
    const sum = (k: string) => a[k]! + b[k]!;
    assert.equal(sum('oneTimeCodes'), 3);
    assert.equal(sum('oidcPayloads'), 2);
    assert.equal(sum('endedSessions'), 2);
    assert.equal(sum('signIns'), 5);
    assert.equal(sum('notices'), 1);

    const codes = (await sql<{ label: string }>`select payload->>'label' as label from identity.one_time_code where id_number = ${id} and purpose = 'unlock' order by label`.execute(db)).rows.map((r) => r.label);
    assert.deepEqual(codes, ['expired an hour ago', 'valid']);
    const payloads = (await sql<{ id: string }>`select id from identity.oidc_payloads where id in ('old-consumed', 'old', 'live', 'forever') order by id`.execute(db)).rows.map((r) => r.id);
    assert.deepEqual(payloads, ['forever', 'live']);
    const sessions = (await sql<{ user_agent: string }>`select user_agent from identity.session where account_id = ${account.id}::uuid order by created_at`.execute(db)).rows.map((r) => r.user_agent);
    assert.equal(sessions.length, 2, sessions.join(', '));
    assert.ok(sessions.includes('revoked yesterday'));
    assert.equal((await sql<{ n: number }>`select count(*)::int n from identity.oidc_session_device where device_session_id = ${oldRevoked}::uuid`.execute(db)).rows[0]!.n, 0);
    const kept = (await sql<{ n: number }>`select count(*)::int n from identity.sign_in where account_id = ${account.id}::uuid`.execute(db)).rows[0]!.n;
    assert.equal(kept, 2, 'the sign-in 11 months ago and today\'s stay');
    assert.deepEqual((await sql<{ status: string }>`select status from identity.notice where account_id = ${account.id}::uuid`.execute(db)).rows.map((r) => r.status), ['pending']);

    // The citizen still signs in, and the history says how long it is kept.
    const history = await t.get('/api/v1/eid/me/sign-ins', headers);
    assert.equal(history.statusCode, 200, history.body);
    assert.equal(history.json().retentionMonths, 12);
    assert.equal(history.json().items.length, 2);
    // A second run finds nothing more.
    assert.ok(Object.values(await housekeeping(db, t.clock, settings)).every((n) => n === 0));
  });
});
