import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compactVerify, createLocalJWKSet } from 'jose';
import { sql } from 'kysely';
import { testApp } from '../harness/app.ts';
import { createPlatform, type Platform } from '../../src/platform/platform.ts';
import { migrations } from '../../src/modules.ts';
import { chainAll, checkpointIfGrown, Checkpointer, AuditChainBroken, latestCheckpoint } from '../../src/platform/audit/index.ts';
import { fixedClock } from '../../src/platform/clock.ts';

async function fill(p: Platform, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await p.audit.append({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)), actorKind: 'officer', actorId: 'o1', action: 'person.read', subjectKind: 'person', subjectId: `00109001${String(i).padStart(4, '0')}`, fields: ['fullName'], purpose: 'test', details: { i } });
  await chainAll(p.db);
}

async function checkpointCount(p: Platform): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from platform.audit_checkpoint`.execute(p.db);
  return rows[0]!.n;
}

test('the checkpoint job records a checkpoint as the system when the chain has grown, none when nothing changed', async () => {
  const t = await testApp();
  try {
    const now = () => t.platform.clock.now();
    await fill(t.platform, 8);
    const first = await checkpointIfGrown(t.platform.db, now);
    assert.ok(first?.checkpoint, 'a checkpoint on the first run');
    assert.equal(first.checkpoint.verifiedBy, 'system');
    assert.equal(first.checkpoint.seq, first.head!.seq);
    assert.equal(await checkpointCount(t.platform), 1);

    assert.equal(await checkpointIfGrown(t.platform.db, now), null, 'nothing new: no walk');
    assert.equal(await checkpointCount(t.platform), 1);

    await fill(t.platform, 3);
    const second = await checkpointIfGrown(t.platform.db, now);
    assert.equal(second?.walk, 'incremental');
    assert.equal(second?.startedFrom?.seq, first.checkpoint.seq);
    assert.equal(second?.checkpoint?.seq, first.checkpoint.seq + 3);
    assert.equal(await checkpointCount(t.platform), 2);

    // A broken chain: nothing recorded, and the job says why.
    await fill(t.platform, 2);
    await sql`update platform.audit_log set actor_id = 'someone-else' where seq = (select max(seq) from platform.audit_log)`.execute(t.platform.db);
    await assert.rejects(checkpointIfGrown(t.platform.db, now), (e: unknown) => e instanceof AuditChainBroken && /was altered/.test(e.message));
    assert.equal(await checkpointCount(t.platform), 2);
    // The timer reports it to onError and carries on.
    const errors: unknown[] = [];
    const job = new Checkpointer(t.platform.db, 20, now, (e) => errors.push(e));
    job.start();
    while (errors.length < 2) await new Promise((r) => setTimeout(r, 20));
    await job.stop();
    assert.ok(errors.every((e) => e instanceof AuditChainBroken));
  } finally {
    await t.close();
  }
});

test('two platforms running the job at once record one checkpoint', async () => {
  const t = await testApp();
  const other = await createPlatform(t.platform.config, migrations);
  try {
    await fill(t.platform, 30);
    const results = await Promise.all([t.platform, other, t.platform, other].map((p) => checkpointIfGrown(p.db, () => p.clock.now())));
    assert.equal(results.filter((r) => r?.checkpoint).length, 1, 'one walk recorded a checkpoint');
    assert.equal(await checkpointCount(t.platform), 1);
  } finally {
    await other.close();
    await t.close();
  }
});

test('GET /api/v1/audit/head: public, cacheable, verifies against the JWKS and through verify-receipt', async () => {
  const t = await testApp();
  try {
    const none = await t.app.inject({ method: 'GET', url: '/api/v1/audit/head' });
    assert.equal(none.statusCode, 404, none.body);
    assert.equal(none.json().code, 'AUDIT_NO_CHECKPOINT');
    assert.match(none.headers['content-type'] as string, /^application\/problem\+json/);

    await fill(t.platform, 12);
    const job = await checkpointIfGrown(t.platform.db, () => t.platform.clock.now());
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit/head' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['cache-control'], 'public, max-age=60');
    const again = await t.app.inject({ method: 'GET', url: '/api/v1/audit/head' });
    assert.equal(again.body, res.body, 'signed once, then served from memory for the minute');
    const r = res.json();
    assert.deepEqual(Object.keys(r).sort(), ['at', 'hash', 'issuer', 'kid', 'receipt', 'seq']);
    assert.deepEqual([r.seq, r.hash, r.at, r.issuer], [job!.checkpoint!.seq, job!.checkpoint!.hash, job!.checkpoint!.verifiedAt, t.platform.config.PUBLIC_BASE_URL]);

    const jwks = (await t.app.inject({ method: 'GET', url: '/oidc/jwks' })).json();
    const { payload, protectedHeader } = await compactVerify(r.receipt, createLocalJWKSet(jwks));
    assert.deepEqual(protectedHeader, { alg: 'ES256', kid: r.kid, typ: 'open06-audit-receipt+jws' });
    assert.deepEqual(JSON.parse(new TextDecoder().decode(payload)), { seq: r.seq, hash: r.hash, at: r.at, issuer: r.issuer });

    // The same receipt the auditors' route signs for the same checkpoint.
    const auditor = await t.officer('kiem.toan', ['auditor'], null);
    const theirs = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints/latest/receipt', headers: auditor })).json();
    assert.deepEqual([theirs.seq, theirs.hash, theirs.at, theirs.kid], [r.seq, r.hash, r.at, r.kid]);

    // Kept as downloaded, checked later after the chain has grown.
    await fill(t.platform, 4);
    const check = await t.app.inject({ method: 'POST', url: '/api/v1/audit/verify-receipt', headers: auditor, payload: { receipt: res.body } });
    assert.equal(check.statusCode, 200, check.body);
    assert.equal(check.json().ok, true, check.json().message);
    assert.equal(check.json().receipt.matched, true);
  } finally {
    await t.close();
  }
});

test('a started Checkpointer walks once shortly after start, not after its first interval', async () => {
  const t = await testApp();
  try {
    await fill(t.platform, 5);
    const errors: unknown[] = [];
    const job = new Checkpointer(t.platform.db, 60 * 60_000, () => t.platform.clock.now(), (e) => errors.push(e), { firstDelayMs: 500 });
    const started = Date.now();
    job.start();
    assert.equal(await checkpointCount(t.platform), 0, 'not at once');
    while (await checkpointCount(t.platform) === 0) {
      assert.ok(Date.now() - started < 30_000, 'no checkpoint 30 s after start');
      await new Promise((r) => setTimeout(r, 50));
    }
    await job.stop();
    assert.deepEqual(errors, []);
    assert.ok(Date.now() - started >= 500, 'after the delay');
    const c = await latestCheckpoint(t.platform.db);
    assert.deepEqual([c?.seq, c?.verifiedBy], [5, 'system']);
  } finally {
    await t.close();
  }
});

test('GET /api/v1/audit/head: at most AUDIT_HEAD_MAX_PER_IP_PER_MINUTE requests per client address, then 429 with Retry-After', async () => {
  const clock = fixedClock(new Date('2026-03-01T08:00:00Z'));
  const t = await testApp({ clock, config: { AUDIT_HEAD_MAX_PER_IP_PER_MINUTE: 3 } });
  try {
    await fill(t.platform, 3);
    await checkpointIfGrown(t.platform.db, () => clock.now());
    const head = (remoteAddress: string) => t.app.inject({ method: 'GET', url: '/api/v1/audit/head', remoteAddress, headers: { 'accept-language': 'en' } });
    for (let i = 0; i < 3; i++) assert.equal((await head('203.0.113.7')).statusCode, 200);
    clock.advance(20_000);
    const over = await head('203.0.113.7');
    assert.equal(over.statusCode, 429, over.body);
    assert.equal(over.json().code, 'RATE_LIMITED');
    assert.match(over.headers['content-type'] as string, /^application\/problem\+json/);
    assert.equal(over.headers['retry-after'], '40');
    assert.match(over.json().detail, /retry in 40 s/);

    assert.equal((await head('198.51.100.9')).statusCode, 200, 'another address has its own count');
    clock.advance(40_000);
    assert.equal((await head('203.0.113.7')).statusCode, 200, 'a new minute, a new count');
  } finally {
    await t.close();
  }
});

test('a long unverified stretch is walked in slices, each ending in a checkpoint, and the job catches up on its own', async () => {
  const t = await testApp();
  try {
    await fill(t.platform, 25);
    const now = () => t.platform.clock.now();
    const first = await checkpointIfGrown(t.platform.db, now, 10);
    assert.deepEqual([first?.ok, first?.more, first?.entries, first?.checkpoint?.seq, first?.walk], [true, true, 10, 10, 'full']);
    const second = await checkpointIfGrown(t.platform.db, now, 10);
    // An incremental walk counts its starting checkpoint's entry: entries #10–#19.
    assert.deepEqual([second?.more, second?.startedFrom?.seq, second?.checkpoint?.seq], [true, 10, 19]);
    // The started job walks the rest in slices, without waiting for its (hour-long) interval.
    await fill(t.platform, 20);
    const errors: unknown[] = [];
    const job = new Checkpointer(t.platform.db, 60 * 60_000, now, (e) => errors.push(e), { firstDelayMs: 10, slice: 10, catchUpDelayMs: 10 });
    job.start();
    const started = Date.now();
    while ((await latestCheckpoint(t.platform.db))?.seq !== 45) {
      assert.ok(Date.now() - started < 30_000, 'the job did not reach the head');
      await new Promise((r) => setTimeout(r, 20));
    }
    await job.stop();
    assert.deepEqual(errors, []);
    // 19 → 28 → 37 → 45: three more slices, each a checkpoint.
    assert.equal(await checkpointCount(t.platform), 5);
    assert.equal((await checkpointIfGrown(t.platform.db, now, 10)), null, 'at the head: nothing to walk');
  } finally {
    await t.close();
  }
});
