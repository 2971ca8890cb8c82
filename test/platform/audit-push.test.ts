import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { testApp } from '../harness/app.ts';
import { chainAll, checkpointIfGrown, ReceiptPusher } from '../../src/platform/audit/index.ts';
import { platformKeys } from '../../src/platform/keys/jose-keys.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import { createPlatform, type Platform } from '../../src/platform/platform.ts';
import { migrations } from '../../src/modules.ts';
import { ConfigError, loadConfig, receiptPushUrls } from '../../src/config.ts';

interface Received { path: string; contentType: string | undefined; body: { receipt: string } }

/** A keeper on loopback: answers each path with the next status of its script (the last one repeats). */
async function keeper(scripts: Record<string, number[]>, delayMs = 0) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => { text += c; });
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      received.push({ path, contentType: req.headers['content-type'], body: JSON.parse(text) });
      const script = scripts[path] ?? [404];
      const status = script.length > 1 ? script.shift()! : script[0]!;
      setTimeout(() => res.writeHead(status).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

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
  const k = await keeper({ '/keep': [500, 500, 200], '/broken': [503] });
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
      ['/keep?token=s3cret', 'sent', 3, 200, null],
      ['/broken?token=s3cret', 'failed', 3, 503, null],
    ]);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /checkpoint \d+ to http:\/\/127\.0\.0\.1:\d+\/broken failed after 3 attempts \(last: HTTP 503\)/);
    assert.doesNotMatch(String(errors[0]), /s3cret|eyJ/, 'neither the keeper\'s token nor the receipt is logged');
  } finally {
    await t.close();
    await k.close();
  }
});

test('two platforms pushing at once send each push once', async () => {
  const k = await keeper({ '/a': [200], '/b': [200] }, 100);
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
