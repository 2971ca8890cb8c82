import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testApp } from '../harness/app.ts';
import { sql } from 'kysely';
import { chainAll, checkpointIfGrown, queueLatestForKeepers, ReceiptPusher } from '../../src/platform/audit/index.ts';
import * as pushUnique from '../../src/platform/migrations/20261125_0010_audit_receipt_push_unique.ts';
import { platformKeys } from '../../src/platform/keys/jose-keys.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import { createPlatform, type Platform } from '../../src/platform/platform.ts';
import { migrations } from '../../src/modules.ts';
import { ConfigError, loadConfig, receiptPushUrls } from '../../src/config.ts';
import { loopbackKeeper } from '../harness/keeper.ts';

async function fill(p: Platform, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await p.audit.append({ at: new Date(), actorKind: 'officer', actorId: 'o1', action: 'person.read', subjectKind: 'person', subjectId: `00109001${String(i).padStart(4, '0')}`, fields: ['fullName'], purpose: 'test' });
  await chainAll(p.db);
}

function pusherOf(p: Platform, now: () => Date, onError: (e: unknown) => void, maxAttempts = 8): ReceiptPusher {
  return new ReceiptPusher(p.db, platformKeys(p.db, p.config.SIGNING_KEY_ENCRYPTION_KEY), p.config.PUBLIC_BASE_URL, 0, now, onError, { maxAttempts });
}

async function pushRows(p: Platform) {
  return p.db.selectFrom('platform.audit_receipt_push').selectAll().orderBy('id').execute();
}

test('an auditor\'s checkpoint is pushed to each keeper: retried with backoff after 500s, the received receipt verifies; a keeper that never accepts is given up and reported without its query', async () => {
  const k = await loopbackKeeper({ '/keep': [500, 500, 200], '/broken': [503] });
  const clock = fixedClock(new Date('2026-11-24T10:00:00Z'));
  const t = await testApp({ clock, config: { AUDIT_RECEIPT_PUSH_URLS: `${k.base}/keep?token=s3cret, ${k.base}/broken?token=s3cret` } });
  try {
    await t.platform.receiptPusher.stop(); // driven by hand below, on the test's clock
    const errors: unknown[] = [];
    const pusher = pusherOf(t.platform, () => clock.now(), (e) => errors.push(e), 3);
    const auditor = await t.officer('kiem.toan', ['auditor'], null);
    await fill(t.platform, 5);
    const walk = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor });
    const seq = walk.json().checkpoint.seq;
    assert.equal((await pushRows(t.platform)).length, 2, 'one push per keeper, queued with the checkpoint');

    assert.equal(await pusher.pushDue(), 2);
    assert.equal(await pusher.pushDue(), 0, 'not due again before the backoff');
    clock.advance(30_000);
    assert.equal(await pusher.pushDue(), 2, 'second attempt after 30 s');
    clock.advance(30_000);
    assert.equal(await pusher.pushDue(), 0, 'the third waits 60 s');
    clock.advance(30_000);
    assert.equal(await pusher.pushDue(), 2);
    clock.advance(3_600_000);
    assert.equal(await pusher.pushDue(), 0, 'nothing left: one sent, one given up');

    const kept = k.received.filter((r) => r.path === '/keep');
    assert.equal(kept.length, 3);
    assert.equal(kept[2]!.contentType, 'application/json');
    assert.deepEqual(Object.keys(kept[2]!.body), ['receipt']);
    const check = await t.app.inject({ method: 'POST', url: '/api/v1/audit/verify-receipt', headers: auditor, payload: { receipt: kept[2]!.body.receipt } });
    assert.equal(check.statusCode, 200, check.body);
    assert.equal(check.json().ok, true);
    assert.equal(check.json().receipt.matched, true);
    assert.equal(check.json().receipt.seq, seq);

    const shown = await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoint', headers: auditor });
    assert.deepEqual(shown.json().pushes.map((x: any) => [x.url.replace(k.base, ''), x.status, x.attempts, x.lastStatus, x.nextAttemptAt]), [
      ['/keep', 'sent', 3, 200, null],
      ['/broken', 'failed', 3, 503, null],
    ]);
    assert.ok(!shown.body.includes('s3cret'), 'a keeper\'s token is never shown with its push');
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /checkpoint \d+ to http:\/\/127\.0\.0\.1:\d+\/broken failed after 3 attempts \(last: HTTP 503\)/);
    assert.doesNotMatch(String(errors[0]), /s3cret|eyJ/, 'neither the keeper\'s token nor the receipt is logged');
  } finally {
    await t.close();
    await k.close();
  }
});

test('two platforms pushing at once send each push once', async () => {
  const k = await loopbackKeeper({ '/a': [200], '/b': [200] }, 100);
  const t = await testApp({ config: { AUDIT_RECEIPT_PUSH_URLS: `${k.base}/a,${k.base}/b` } });
  const other = await createPlatform(t.platform.config, migrations);
  try {
    await Promise.all([t.platform.receiptPusher.stop(), other.receiptPusher.stop()]);
    for (let i = 0; i < 3; i++) {
      await fill(t.platform, 3);
      assert.ok((await checkpointIfGrown(t.platform.db, () => new Date(), undefined, receiptPushUrls(t.platform.config)))?.checkpoint);
    }
    const a = pusherOf(t.platform, () => new Date(), () => undefined);
    const b = pusherOf(other, () => new Date(), () => undefined);
    const tried = await Promise.all([a.pushDue(), b.pushDue(), a.pushDue(), b.pushDue()]);
    assert.equal(tried.reduce((x, y) => x + y, 0), 6);
    assert.equal(k.received.length, 6);
    const seqs = k.received.map((r) => `${r.path} ${JSON.parse(Buffer.from(r.body.receipt.split('.')[1]!, 'base64url').toString()).seq}`);
    assert.equal(new Set(seqs).size, 6, 'each (keeper, checkpoint) once');
    assert.ok((await pushRows(t.platform)).every((r) => r.status === 'sent' && r.attempts === 1));
  } finally {
    await other.close();
    await t.close();
    await k.close();
  }
});

/** The value of the failed-pushes counter in the app's /metrics. */
async function failedCounter(t: Awaited<ReturnType<typeof testApp>>): Promise<number> {
  const m = /^open06_audit_receipt_push_failed_total (\d+)$/m.exec((await t.app.inject('/metrics')).body);
  assert.ok(m, 'the counter is exposed before anything failed');
  return Number(m[1]);
}

function problem(res: { statusCode: number; headers: Record<string, unknown>; json(): any; body: string }, status: number, code: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.json().code, code);
  return res.json();
}

test('a failed push is counted in /metrics, shown with its last error, and an admin sends it again: pending from scratch, sent by the pusher, audited without the keeper\'s query', async () => {
  const k = await loopbackKeeper({ '/keep': [200], '/broken': [503, 503, 200] });
  const clock = fixedClock(new Date('2026-11-25T09:00:00Z'));
  const t = await testApp({ clock, config: { AUDIT_RECEIPT_PUSH_URLS: `${k.base}/keep,${k.base}/broken?token=s3cret` }, receiptPush: { intervalMs: 0, maxAttempts: 2 } });
  try {
    const auditor = await t.officer('kiem.toan', ['auditor'], null);
    const admin = await t.officer('quan.tri', ['admin'], null);
    const adminId = (await t.app.inject({ url: '/api/v1/auth/me', headers: admin })).json().officer.id;
    await fill(t.platform, 3);
    const seq = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor })).json().checkpoint.seq;
    await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor });
    assert.equal((await pushRows(t.platform)).length, 2, 'verified again with nothing new: a second checkpoint at the same entry, no second push');
    assert.equal(await failedCounter(t), 0);

    const pusher = t.platform.receiptPusher; // the platform's own, driven by hand (interval 0) on the test's clock
    assert.equal(await pusher.pushDue(), 2);
    clock.advance(30_000);
    assert.equal(await pusher.pushDue(), 1, 'the second and last attempt');
    assert.equal(await failedCounter(t), 1, 'counted when marked failed');

    const shown = (await t.app.inject({ url: '/api/v1/audit/checkpoint', headers: auditor })).json().pushes;
    assert.deepEqual(shown.map((x: any) => [typeof x.id, x.url.replace(k.base, ''), x.status, x.attempts, x.lastError]), [
      ['string', '/keep', 'sent', 1, null],
      ['string', '/broken', 'failed', 2, 'HTTP 503'],
    ]);
    const [sent, failed] = shown as Array<{ id: string }>;
    const retry = (id: string, headers: Record<string, string>) => t.app.inject({ method: 'POST', url: `/api/v1/audit/receipt-pushes/${id}/retry`, headers });

    problem(await retry(failed!.id, auditor), 403, 'FORBIDDEN_ROLE');
    assert.deepEqual(problem(await retry('abc', admin), 400, 'VALIDATION_FAILED').errors.map((e: any) => e.field), ['id']);
    problem(await retry('987654321', admin), 404, 'AUDIT_RECEIPT_PUSH_NOT_FOUND');
    const notFailed = problem(await retry(sent!.id, { ...admin, 'accept-language': 'en' }), 409, 'AUDIT_RECEIPT_PUSH_NOT_FAILED');
    assert.match(notFailed.detail, /is “sent”: only a push that failed/);
    assert.match(notFailed.messages.vi, /trạng thái “đã gửi”/);

    const again = await retry(failed!.id, admin);
    assert.equal(again.statusCode, 200, again.body);
    assert.deepEqual(again.json(), { id: failed!.id, url: `${k.base}/broken`, status: 'pending', attempts: 0, lastStatus: 503, nextAttemptAt: clock.now().toISOString(), lastError: 'HTTP 503' });
    assert.equal(problem(await retry(failed!.id, admin), 409, 'AUDIT_RECEIPT_PUSH_NOT_FAILED').messages.en, `Receipt push ${failed!.id} is “waiting to be sent”: only a push that failed can be sent again.`);

    const before = k.received.filter((r) => r.path === '/broken').length;
    assert.equal(await pusher.pushDue(), 1, 'due at once');
    assert.equal(k.received.filter((r) => r.path === '/broken').length, before + 1);
    const row = (await pushRows(t.platform)).find((r) => String(r.id) === failed!.id)!;
    assert.deepEqual([row.status, row.attempts, row.last_status, row.last_error], ['sent', 1, 200, null]);
    assert.equal(await failedCounter(t), 1);

    await chainAll(t.platform.db);
    const entries = (await t.app.inject({ url: '/api/v1/audit/entries?action=audit.receipt_push_retry', headers: auditor })).json().items;
    assert.equal(entries.length, 1, 'the refused attempts wrote nothing');
    assert.equal(entries[0].actorKind, 'officer');
    assert.equal(entries[0].actorId, adminId);
    assert.deepEqual(entries[0].details, { pushId: failed!.id, seq, keeper: `${k.base}/broken` });
  } finally {
    await t.close();
    await k.close();
  }
});

test('keepers added to the configuration get the latest checkpoint\'s receipt when the pusher starts, once however many processes start together', async () => {
  const k = await loopbackKeeper({ '/a': [200], '/b': [200], '/c': [200] });
  const first = `${k.base}/a`;
  const slow = { intervalMs: 3_600_000 }; // started for real, but never ticks during the test
  const t = await testApp({ config: { AUDIT_RECEIPT_PUSH_URLS: first }, receiptPush: slow });
  const started: Platform[] = [];
  try {
    assert.equal((await pushRows(t.platform)).length, 0, 'no checkpoint yet: nothing to queue');
    await fill(t.platform, 2);
    await checkpointIfGrown(t.platform.db, () => new Date(), undefined, [first]);
    await fill(t.platform, 2);
    const latest = (await checkpointIfGrown(t.platform.db, () => new Date(), undefined, [first]))!.checkpoint!.seq;
    assert.equal(latest, 4);

    const config = { ...t.platform.config, AUDIT_RECEIPT_PUSH_URLS: `${first},${k.base}/b,${k.base}/c` };
    started.push(...await Promise.all([createPlatform(config, migrations, { receiptPush: slow }), createPlatform(config, migrations, { receiptPush: slow })]));
    const rows = await pushRows(t.platform);
    assert.deepEqual(rows.map((r) => [Number(r.seq), r.url.replace(k.base, ''), r.status]), [
      [2, '/a', 'pending'],
      [4, '/a', 'pending'],
      [4, '/b', 'pending'],
      [4, '/c', 'pending'],
    ], 'only the latest checkpoint, once per new keeper, none again for the keeper that had it');
    assert.equal(await queueLatestForKeepers(t.platform.db, receiptPushUrls(config), new Date()), 0, 'a restart queues nothing');

    const pusher = pusherOf(started[0]!, () => new Date(), () => undefined);
    assert.equal(await pusher.pushDue(), 4);
    const got = k.received.filter((r) => r.path !== '/a').map((r) => JSON.parse(Buffer.from(r.body.receipt.split('.')[1]!, 'base64url').toString()).seq);
    assert.deepEqual(got, [4, 4]);
  } finally {
    for (const p of started) await p.close();
    await t.close();
    await k.close();
  }
});

test('migration 0010 keeps the first of duplicate pushes and then refuses a second (seq, keeper)', async () => {
  const t = await testApp();
  try {
    const db = t.platform.db;
    await pushUnique.down(db);
    const at = new Date();
    await db.insertInto('platform.audit_receipt_push').values([
      { seq: 7, url: 'https://a.example.vn/r', status: 'failed', next_attempt_at: at },
      { seq: 7, url: 'https://a.example.vn/r', status: 'sent', next_attempt_at: at },
      { seq: 7, url: 'https://b.example.vn/r', status: 'sent', next_attempt_at: at },
      { seq: 7, url: 'https://a.example.vn/r', status: 'pending', next_attempt_at: at },
      { seq: 8, url: 'https://a.example.vn/r', status: 'pending', next_attempt_at: at },
    ]).execute();
    const ids = (await pushRows(t.platform)).map((r) => String(r.id));
    await pushUnique.up(db);
    assert.deepEqual((await pushRows(t.platform)).map((r) => [String(r.id), Number(r.seq), r.url, r.status]), [
      [ids[0], 7, 'https://a.example.vn/r', 'failed'],
      [ids[2], 7, 'https://b.example.vn/r', 'sent'],
      [ids[4], 8, 'https://a.example.vn/r', 'pending'],
    ]);
    await assert.rejects(sql`insert into platform.audit_receipt_push (seq, url, next_attempt_at) values (8, 'https://a.example.vn/r', now())`.execute(db), /audit_receipt_push_seq_url/);
  } finally {
    await t.close();
  }
});

test('no keeper configured: a checkpoint queues nothing and shows no pushes', async () => {
  const t = await testApp();
  try {
    const admin = await t.officer('quan.tri', ['admin'], null);
    await fill(t.platform, 3);
    assert.ok((await checkpointIfGrown(t.platform.db, () => new Date(), undefined, receiptPushUrls(t.platform.config)))?.checkpoint);
    await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: admin });
    assert.equal((await pushRows(t.platform)).length, 0);
    const shown = await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoint', headers: admin });
    assert.equal(shown.statusCode, 200);
    assert.deepEqual(shown.json().pushes, []);
  } finally {
    await t.close();
  }
});

test('AUDIT_RECEIPT_PUSH_URLS: https anywhere, http only on loopback; anything else is a ConfigError naming the variable', () => {
  const ok = loadConfig({ AUDIT_RECEIPT_PUSH_URLS: 'https://keeper.example.vn/receipts, http://127.0.0.1:9000/r,http://localhost/x' });
  assert.deepEqual(receiptPushUrls(ok), ['https://keeper.example.vn/receipts', 'http://127.0.0.1:9000/r', 'http://localhost/x']);
  assert.deepEqual(receiptPushUrls(loadConfig({})), []);
  for (const bad of ['http://keeper.example.vn/r', 'ftp://keeper.example.vn/r', 'keeper.example.vn/r', 'https://user:pw@keeper.example.vn/r']) {
    assert.throws(() => loadConfig({ AUDIT_RECEIPT_PUSH_URLS: `https://fine.example.vn/r,${bad}` }), (e: unknown) => e instanceof ConfigError && e.problems.length === 1 && e.problems[0]!.startsWith('AUDIT_RECEIPT_PUSH_URLS:'), bad);
  }
});
