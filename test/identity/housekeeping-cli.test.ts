/**
 * `open06 housekeeping`, the real command in a child process against a database with old and
 * recent rows of every kind it cleans: it prints what it deleted per kind, honours the retention
 * settings from the environment, leaves the recent rows, and a second run deletes nothing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql, type RawBuilder } from 'kysely';
import { createTestDatabase } from '../harness/db.ts';
import type { Database } from '../../src/platform/db/database.ts';

const root = path.resolve(import.meta.dirname, '../..');
const DAY = 86_400_000;
const run = promisify(execFile);
let db: Database & { url: string };

/** The command with retentions shorter than the defaults (30 days, 6 months), to see they are read. */
async function housekeepingCli(): Promise<string> {
  const env = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent', EID_ENDED_SESSION_RETENTION_DAYS: '30', EID_SIGN_IN_RETENTION_MONTHS: '6' };
  const { stdout } = await run(process.execPath, ['bin/open06.mjs', 'housekeeping'], { cwd: root, env, timeout: 120_000 });
  return stdout;
}

before(async () => { db = await createTestDatabase(); });
after(async () => { await db.close(); });

test('open06 housekeeping deletes the old rows of each kind, prints how many, keeps the recent ones', async () => {
  // The command runs on the system clock: rows are placed hours or days away from any boundary.
  const now = Date.now();
  const ago = (ms: number) => new Date(now - ms);
  const later = (ms: number) => new Date(now + ms);
  const d = db.db;
  const idNumber = '001080000123';
  const phone = '0912000123';
  const { id: accountId } = await d.insertInto('identity.account').values({
    id_number: idNumber, level: 1, status: 'active', status_changed_at: ago(400 * DAY), phone, created_at: ago(400 * DAY), updated_at: ago(400 * DAY),
  }).returning('id').executeTakeFirstOrThrow();

  const code = (label: string, expiresAt: Date) => d.insertInto('identity.one_time_code').values({ purpose: 'unlock', account_id: accountId, id_number: idNumber, phone, code_hash: randomBytes(32), payload: JSON.stringify({ label }), max_attempts: 5, expires_at: expiresAt, created_at: ago(3 * DAY) }).execute();
  await code('expired 2 days ago', ago(2 * DAY));
  await code('expired 3 days ago', ago(3 * DAY));
  await code('expired an hour ago', ago(3_600_000));
  await code('valid', later(600_000));

  const challenge = (label: string, expiresAt: Date) => d.insertInto('identity.webauthn_challenge').values({ purpose: 'authenticate', id_number: idNumber, challenge: label, expires_at: expiresAt }).execute();
  await challenge('expired 2 days ago', ago(2 * DAY));
  await challenge('expired a minute ago', ago(60_000));

  await d.insertInto('identity.signin_throttle').values([
    { id_number: '001080000901', failed_attempts: 3, updated_at: ago(2 * DAY) },
    { id_number: '001080000902', failed_attempts: 3, updated_at: ago(3_600_000) },
  ]).execute();

  const payload = (id: string, expiresAt: Date | null, uid: string | null = null) => sql`insert into identity.oidc_payloads (model, id, payload, uid, expires_at) values (${uid ? 'Session' : 'AccessToken'}, ${id}, '{}'::jsonb, ${uid}, ${expiresAt})`.execute(d);
  await payload('expired', ago(3_600_000));
  await payload('live', later(3_600_000));
  await payload('browser-session', later(DAY), 'uid-of-a-live-browser');

  const session = async (label: string, revokedAt: Date) => String((await d.insertInto('identity.session').values({ account_id: accountId, token_hash: randomBytes(32), method: 'password', acr: 1, user_agent: label, created_at: ago(60 * DAY), last_seen_at: ago(60 * DAY), expires_at: later(DAY), revoked_at: revokedAt, revoked_reason: 'signed_out' }).returning('id').executeTakeFirstOrThrow()).id);
  await session('ended 40 days ago', ago(40 * DAY));
  const recent = await session('ended 20 days ago', ago(20 * DAY));
  await sql`insert into identity.oidc_session_device (session_uid, device_session_id, created_at) values
    ('uid-of-a-gone-browser', ${recent}::uuid, ${ago(2 * DAY)}), ('uid-of-a-live-browser', ${recent}::uuid, ${ago(2 * DAY)})`.execute(d);

  const notice = (text: string, status: 'pending' | 'sent', createdAt: Date) => d.insertInto('identity.notice').values({ kind: 'password_changed', account_id: accountId, phone, text: JSON.stringify({ vi: text, en: text }), status, next_attempt_at: createdAt, created_at: createdAt }).execute();
  await notice('sent 40 days ago', 'sent', ago(40 * DAY));
  await notice('pending for 40 days', 'pending', ago(40 * DAY));
  await notice('sent yesterday', 'sent', ago(DAY));

  await d.insertInto('identity.sign_in').values([7 * 31, 8 * 31, 5 * 30].map((days) => ({ account_id: accountId, at: ago(days * DAY), outcome: 'success', method: 'password', user_agent: `${days} days ago` }))).execute();

  assert.equal(await housekeepingCli(), [
    'oneTimeCodes: 2 deleted', 'webauthnChallenges: 1 deleted', 'signInThrottle: 1 deleted', 'oidcPayloads: 1 deleted',
    'endedSessions: 1 deleted', 'ssoLinks: 1 deleted', 'notices: 1 deleted', 'signIns: 2 deleted',
  ].join('\n') + '\n');

  const left = async (query: RawBuilder<{ v: string }>) => (await query.execute(d)).rows.map((r) => r.v);
  assert.deepEqual(await left(sql`select payload->>'label' v from identity.one_time_code order by 1`), ['expired an hour ago', 'valid']);
  assert.deepEqual(await left(sql`select challenge v from identity.webauthn_challenge order by 1`), ['expired a minute ago']);
  assert.deepEqual(await left(sql`select id_number v from identity.signin_throttle order by 1`), ['001080000902']);
  assert.deepEqual(await left(sql`select id v from identity.oidc_payloads order by 1`), ['browser-session', 'live']);
  assert.deepEqual(await left(sql`select user_agent v from identity.session order by 1`), ['ended 20 days ago']);
  assert.deepEqual(await left(sql`select session_uid v from identity.oidc_session_device order by 1`), ['uid-of-a-live-browser']);
  assert.deepEqual(await left(sql`select text->>'en' v from identity.notice order by 1`), ['pending for 40 days', 'sent yesterday']);
  assert.deepEqual(await left(sql`select user_agent v from identity.sign_in order by 1`), ['150 days ago']);

  assert.match(await housekeepingCli(), /^(\w+: 0 deleted\n){8}$/, 'a second run finds nothing more');
});
