import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testPlatform } from '../harness/platform.ts';
import { testApp } from '../harness/app.ts';
import { chainAll, latestCheckpoint, verifyChain } from '../../src/platform/audit/index.ts';
import { entryHash } from '../../src/platform/audit/audit.hash.ts';
import type { Platform } from '../../src/platform/platform.ts';

let filled = 0;
async function fill(p: Platform, n: number): Promise<void> {
  for (let i = 0; i < n; i++, filled++) await p.audit.append({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, filled % 60)), actorKind: 'officer', actorId: `o${filled % 3}`, action: 'person.read', subjectKind: 'person', subjectId: `00109001${String(filled).padStart(4, '0')}`, fields: ['fullName'], purpose: 'test', details: { i: filled } });
  await chainAll(p.db);
}

const incremental = (p: Platform) => verifyChain(p.db, { from: 'checkpoint', verifiedBy: 'auditor-1' });
const full = (p: Platform) => verifyChain(p.db, { from: 'start', verifiedBy: 'auditor-1' });

/** A test on a chain of 30 entries with a checkpoint at #20. */
function onCheckpointedChain(name: string, fn: (p: Platform) => Promise<void>): void {
  test(name, async () => {
    const p = await testPlatform();
    try {
      await fill(p, 20);
      const first = await incremental(p);
      assert.equal(first.walk, 'full', 'no checkpoint yet: the walk starts at the first entry');
      assert.equal(first.checkpoint?.seq, 20);
      await fill(p, 10);
      await fn(p);
    } finally {
      await p.close();
    }
  });
}

async function rehash(p: Platform, seq: number, actorId: string): Promise<void> {
  const r = await p.db.selectFrom('platform.audit_log').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
  const e = { at: r.at, actorKind: r.actor_kind, actorId, action: r.action, subjectKind: r.subject_kind, subjectId: r.subject_id, fields: r.fields, purpose: r.purpose, legalBasis: r.legal_basis, requestId: r.request_id, details: r.details };
  await p.db.updateTable('platform.audit_log').set({ actor_id: actorId, hash: entryHash(seq, e, r.prev_hash) }).where('seq', '=', seq).execute();
}

describe('audit checkpoints', () => {
  onCheckpointedChain('an incremental walk starts at the last checkpoint, walks only what is new, and records the next checkpoint', async (p) => {
    const r = await incremental(p);
    assert.equal(r.ok, true, r.message);
    assert.equal(r.walk, 'incremental');
    assert.deepEqual([r.fromSeq, r.toSeq, r.entries], [20, 30, 11]);
    assert.equal(r.startedFrom?.seq, 20);
    assert.deepEqual(r.notWalked, { fromSeq: 1, toSeq: 19 });
    assert.equal(r.checkpoint?.seq, 30);
    assert.equal(r.checkpoint?.verifiedBy, 'auditor-1');
    assert.match(r.messages.en, /from checkpoint #20.*#1–#19 .*not walked/);
    assert.match(r.messages.vi, /từ điểm kiểm tra #20/);
    const last = await latestCheckpoint(p.db);
    assert.deepEqual([last?.seq, last?.hash, last?.walk], [30, r.head?.hash, 'incremental']);

    // Nothing new: only the checkpoint's own entry is looked at.
    const again = await incremental(p);
    assert.deepEqual([again.ok, again.fromSeq, again.toSeq, again.entries], [true, 30, 30, 1]);

    // The full walk looks at everything and says so.
    const all = await full(p);
    assert.deepEqual([all.ok, all.walk, all.fromSeq, all.toSeq, all.entries, all.notWalked], [true, 'full', 1, 30, 30, null]);
  });

  onCheckpointedChain('tampering after the checkpoint is found by the incremental walk, and no checkpoint is recorded', async (p) => {
    await sql`update platform.audit_log set purpose = 'covered up' where seq = 25`.execute(p.db);
    const r = await incremental(p);
    assert.equal(r.ok, false);
    assert.deepEqual(r.firstBreak, { kind: 'altered', seq: 25 });
    assert.equal(r.checkpoint, null);
    assert.equal((await latestCheckpoint(p.db))?.seq, 20);
  });

  onCheckpointedChain('tampering with the checkpoint\'s entry is found: altered in place, or altered and re-hashed', async (p) => {
    await sql`update platform.audit_log set purpose = 'covered up' where seq = 20`.execute(p.db);
    assert.deepEqual((await incremental(p)).firstBreak, { kind: 'altered', seq: 20 });

    await rehash(p, 20, 'someone-else');
    const r = await incremental(p);
    assert.equal(r.ok, false);
    assert.equal(r.firstBreak?.kind, 'checkpoint_changed');
    assert.equal((r.firstBreak as { seq: number }).seq, 20);
    assert.match(r.messages.vi, /^bản ghi #20 không còn mã băm đã ghi ở điểm kiểm tra/);
  });

  onCheckpointedChain('a checkpoint whose entry was deleted is reported', async (p) => {
    await sql`delete from platform.audit_log where seq >= 20`.execute(p.db);
    const r = await incremental(p);
    assert.equal(r.ok, false);
    assert.equal(r.firstBreak?.kind, 'checkpoint_changed');
  });

  onCheckpointedChain('tampering before the checkpoint: the incremental walk says it did not look there; the full walk finds it', async (p) => {
    await rehash(p, 5, 'someone-else');
    const r = await incremental(p);
    assert.equal(r.ok, true, 'entries before the checkpoint are not walked');
    assert.deepEqual(r.notWalked, { fromSeq: 1, toSeq: 19 });
    assert.match(r.messages.en, /#1–#19 were verified at .* and not walked this time/);

    const all = await full(p);
    assert.equal(all.ok, false);
    assert.deepEqual(all.firstBreak, { kind: 'rehashed_or_deleted', seq: 5 });
    assert.equal(all.checkpoint, null);
  });
});

test('GET /api/v1/audit/verify: incremental by default, ?full=true from the start, both for auditors and admins only; the checkpoint route shows the last one', async () => {
  const t = await testApp();
  try {
    const auditor = await t.officer('kiem.toan', ['auditor'], null);
    const admin = await t.officer('quan.tri', ['admin'], null);
    const registrar = await t.officer('ho.tich', ['registrar'], '01');
    const me = (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: auditor })).json().officer;

    const none = await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoint', headers: auditor });
    assert.equal(none.statusCode, 200, none.body);
    assert.equal(none.json().checkpoint, null);

    const first = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor })).json();
    assert.equal(first.ok, true, first.message);
    assert.equal(first.walk, 'full', 'the first walk has no checkpoint to start from');
    assert.equal(first.checkpoint.verifiedBy, me.id);

    await t.officer('them.mot', ['registrar'], null); // more entries (creation, sign-in)
    const cp = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoint', headers: admin })).json();
    assert.equal(cp.checkpoint.seq, first.toSeq);
    assert.ok(cp.headSeq > first.toSeq, JSON.stringify(cp));

    const next = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: admin })).json();
    assert.deepEqual([next.ok, next.walk, next.fromSeq, next.toSeq], [true, 'incremental', first.toSeq, cp.headSeq]);

    const all = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify?full=true', headers: auditor })).json();
    assert.deepEqual([all.ok, all.walk, all.fromSeq, all.entries], [true, 'full', 1, all.toSeq]);

    for (const url of ['/api/v1/audit/verify', '/api/v1/audit/verify?full=true', '/api/v1/audit/checkpoint']) {
      assert.equal((await t.app.inject({ method: 'GET', url, headers: registrar })).statusCode, 403, url);
    }
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify?full=maybe', headers: auditor });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].field, 'full');
  } finally {
    await t.close();
  }
});
