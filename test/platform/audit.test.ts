import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testPlatform } from '../harness/platform.ts';
import { chainAll, verifyChain } from '../../src/platform/audit/index.ts';
import { entryHash } from '../../src/platform/audit/audit.hash.ts';
import type { Platform } from '../../src/platform/platform.ts';

async function fill(p: Platform, n: number): Promise<void> {
  await Promise.all(Array.from({ length: n }, (_, i) => p.audit.append({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)), actorKind: 'officer', actorId: `o${i % 3}`, action: 'person.read', subjectKind: 'person', subjectId: `00109001${String(i).padStart(4, '0')}`, fields: ['fullName'], purpose: 'test', details: { i } })));
  await chainAll(p.db);
}

describe('audit log', () => {
  let p: Platform;
  before(async () => { p = await testPlatform(); });
  after(async () => { await p.close(); });

  test('concurrent appends are group-committed and each resolves only once durable', async () => {
    const before = p.audit.stats();
    await fill(p, 200);
    const s = p.audit.stats();
    assert.equal(s.entries - before.entries, 200);
    assert.ok(s.batches - before.batches < 50, `expected batching, got ${s.batches - before.batches} batches for 200 entries`);
    const { rows } = await sql<{ n: number }>`select count(*)::int n from platform.audit_log`.execute(p.db);
    assert.equal(rows[0]!.n, 200);
  });

  test('an intact chain verifies, with head and count', async () => {
    const r = await verifyChain(p.db);
    assert.equal(r.ok, true, r.message);
    assert.equal(r.entries, 200);
    assert.equal(r.head?.seq, 200);
  });
});

describe('audit tamper detection', () => {
  const cases: Array<{ name: string; tamper: (p: Platform) => Promise<void>; expect: { kind: string; seq?: number; afterSeq?: number } }> = [
    {
      name: 'an updated entry is named as altered',
      tamper: (p) => sql`update platform.audit_log set purpose = 'covered up' where seq = 7`.execute(p.db).then(() => undefined),
      expect: { kind: 'altered', seq: 7 },
    },
    {
      name: 'a deleted entry is named as deleted',
      tamper: (p) => sql`delete from platform.audit_log where seq = 5`.execute(p.db).then(() => undefined),
      expect: { kind: 'deleted', afterSeq: 4 },
    },
    {
      name: 'an entry inserted in the middle (later ones renumbered) is named as inserted',
      tamper: async (p) => {
        await sql`update platform.audit_log set seq = -seq - 1 where seq >= 9`.execute(p.db);
        await sql`update platform.audit_log set seq = -seq where seq < 0`.execute(p.db);
        const prev = await p.db.selectFrom('platform.audit_log').select('hash').where('seq', '=', 8).executeTakeFirstOrThrow();
        const forged = { at: new Date(Date.UTC(2026, 0, 1)), actorKind: 'officer' as const, actorId: 'forger', action: 'person.read', fields: [], details: {} };
        const hash = entryHash(9, forged, prev.hash);
        await p.db.insertInto('platform.audit_log').values({ seq: 9, at: forged.at, actor_kind: 'officer', actor_id: 'forger', action: 'person.read', fields: [], details: '{}', prev_hash: prev.hash, hash }).execute();
      },
      expect: { kind: 'inserted', seq: 9 },
    },
    {
      name: 'an entry altered and re-hashed is caught at the next link',
      tamper: async (p) => {
        const rows = await p.db.selectFrom('platform.audit_log').selectAll().where('seq', '=', 3).execute();
        const r = rows[0]!;
        const e = { at: r.at, actorKind: r.actor_kind, actorId: 'someone-else', action: r.action, subjectKind: r.subject_kind, subjectId: r.subject_id, fields: r.fields, purpose: r.purpose, legalBasis: r.legal_basis, requestId: r.request_id, details: r.details };
        await p.db.updateTable('platform.audit_log').set({ actor_id: 'someone-else', hash: entryHash(3, e, r.prev_hash) }).where('seq', '=', 3).execute();
      },
      expect: { kind: 'rehashed_or_deleted', seq: 3 },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const p = await testPlatform();
      try {
        await fill(p, 20);
        assert.equal((await verifyChain(p.db)).ok, true);
        await c.tamper(p);
        const r = await verifyChain(p.db);
        assert.equal(r.ok, false);
        assert.equal(r.firstBreak?.kind, c.expect.kind, r.message);
        if (c.expect.seq !== undefined) assert.equal((r.firstBreak as { seq: number }).seq, c.expect.seq, r.message);
        if (c.expect.afterSeq !== undefined) assert.equal((r.firstBreak as { afterSeq: number }).afterSeq, c.expect.afterSeq, r.message);
        assert.match(r.message, /#\d+/);
        assert.match(r.messages.vi, /^(bản ghi|một bản ghi)/);
        assert.ok(r.messages.vi.includes(`#${c.expect.seq ?? c.expect.afterSeq}`), r.messages.vi);
      } finally {
        await p.close();
      }
    });
  }
});

test('concurrent writers from several processes never fork the chain', async () => {
  const a = await testPlatform();
  // A second platform on the same database stands for a second process.
  const b = await (await import('../../src/platform/platform.ts')).createPlatform(a.config, (await import('../../src/modules.ts')).migrations);
  try {
    const entry = (i: number) => ({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)), actorKind: 'officer' as const, actorId: `p${i % 2}`, action: 'person.read', details: { i } });
    await Promise.all(Array.from({ length: 300 }, (_, i) => (i % 2 ? a : b).audit.append(entry(i))));
    await chainAll(a.db);
    const r = await verifyChain(a.db);
    assert.equal(r.ok, true, r.message);
    assert.equal(r.entries, 300);
  } finally {
    await b.close();
    await a.close();
  }
});

test('1,000 concurrent appends from two platforms, mixed with chained inbox entries, verify intact', async () => {
  const a = await testPlatform();
  const b = await (await import('../../src/platform/platform.ts')).createPlatform(a.config, (await import('../../src/modules.ts')).migrations);
  const { insertInbox } = await import('../../src/platform/audit/index.ts');
  try {
    // Values that must survive the round trip through the columns unchanged: ms timestamps,
    // unsorted and nested jsonb keys, non-ASCII text, empty and missing optionals.
    const entry = (i: number) => ({
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60, i % 1000)),
      actorKind: 'officer' as const,
      actorId: `p${i % 2}`,
      action: 'person.read',
      subjectKind: i % 3 ? 'person' : null,
      subjectId: i % 3 ? `00109001${String(i).padStart(4, '0')}` : undefined,
      fields: i % 4 ? ['fullName', 'địa chỉ'] : [],
      purpose: i % 5 ? 'kiểm tra "quote" \\ slash' : null,
      details: { z: i, a: { y: 'Nguyễn Văn A', b: [1, 'x', null, 2.5] }, m: i % 7 ? undefined : 'seven' },
    });
    const inbox = Promise.all(Array.from({ length: 10 }, (_, k) => insertInbox(a.db, Array.from({ length: 10 }, (_, j) => entry(5000 + k * 10 + j))).then(() => chainAll(k % 2 ? a.db : b.db))));
    await Promise.all([...Array.from({ length: 1000 }, (_, i) => (i % 2 ? a : b).audit.append(entry(i))), inbox]);
    await chainAll(a.db);
    const r = await verifyChain(a.db);
    assert.equal(r.ok, true, r.message);
    assert.equal(r.entries, 1100);
    assert.equal(r.head?.seq, 1100);
    assert.equal(r.pendingInInbox, 0);
  } finally {
    await b.close();
    await a.close();
  }
});

test('platform.audit_append refuses to run where its head read would use a stale snapshot', async () => {
  const p = await testPlatform();
  try {
    await assert.rejects(
      p.db.transaction().setIsolationLevel('repeatable read').execute((trx) => sql`select platform.audit_append('[]'::jsonb)`.execute(trx)),
      /READ COMMITTED/,
    );
  } finally {
    await p.close();
  }
});

test('platform.audit_append takes bodies alone and, from a process of the previous version, entries with their columns; both chain and verify', async () => {
  const p = await testPlatform();
  try {
    const { entryBody } = await import('../../src/platform/audit/audit.hash.ts');
    const { toJsonRow, appendPayload } = await import('../../src/platform/audit/audit.store.ts');
    const entry = (i: number) => ({ at: new Date(Date.UTC(2026, 0, 2, 0, 0, i, 7)), actorKind: 'partner' as const, actorId: `x-sys${i}`, action: 'exchange.identity_verification', subjectKind: 'person', subjectId: `0010990${String(i).padStart(5, '0')}`, fields: ['fullName', 'birthDate'], purpose: 'account_opening', legalBasis: i % 2 ? 'Luật Căn cước 2023, Điều 10' : null, requestId: `r${i}`, details: { outcome: 'match', note: 'Nguyễn "Đức" \\ Hòa', nested: { b: 1, a: [true, null] } } });
    const bodies = [entry(1), entry(2)];
    const objects = [entry(3), entry(4)];
    await sql`select platform.audit_append(${appendPayload(bodies)}::jsonb)`.execute(p.db);
    await sql`select platform.audit_append(${JSON.stringify(objects.map((e) => ({ body: entryBody(e), ...toJsonRow(e) })))}::jsonb)`.execute(p.db);
    const r = await verifyChain(p.db);
    assert.equal(r.ok, true, r.message);
    assert.equal(r.entries, 4);
    const { rows } = await sql<{ seq: string; at: Date; actor_id: string; subject_kind: string; legal_basis: string | null; fields: string[]; details: unknown }>`select seq, at, actor_id, subject_kind, legal_basis, fields, details from platform.audit_log order by seq`.execute(p.db);
    assert.deepEqual(rows.map((x) => [x.actor_id, x.at.toISOString(), x.subject_kind, x.legal_basis, x.fields]), [1, 2, 3, 4].map((i) => [`x-sys${i}`, entry(i).at.toISOString(), 'person', entry(i).legalBasis, ['fullName', 'birthDate']]));
    assert.deepEqual(rows[0]!.details, entry(1).details);
  } finally {
    await p.close();
  }
});
