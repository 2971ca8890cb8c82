import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { createTestDatabase } from '../harness/db.ts';
import { connect } from '../../src/platform/db/database.ts';
import { TurnReads } from '../../src/platform/db/batch-loader.ts';

test('turn reads: two parts asked for in one turn go to PostgreSQL as one statement, each key once; values read as they do as rows; a later turn reads again', async () => {
  const t = await createTestDatabase();
  await t.close();
  const d = connect(t.url, 2);
  try {
    await sql`create table tr_a (k text primary key, n int, born date, note text)`.execute(d.db);
    await sql`create table tr_b (k text, seq int, primary key (k, seq))`.execute(d.db);
    await sql`insert into tr_a values ('x', 1, '2001-02-03', 'Nguyễn'), ('y', 2, null, null)`.execute(d.db);
    await sql`insert into tr_b values ('x', 1), ('x', 2), ('z', 7)`.execute(d.db);
    const statements: string[] = [];
    // The same pool through a Kysely that logs each statement it sends.
    const counted = new Kysely<any>({ dialect: new PostgresDialect({ pool: d.pool }), log: (e) => { if (e.level === 'query') statements.push(e.query.sql); } });
    const reads = new TurnReads(counted, 2);
    const a = reads.part({
      query: (keys: string[]) => sql<{ k: string; n: number; born: string | null; note: string | null }>`select k, n, born, note from tr_a where k = any(${keys}::text[])`,
      index: (rows) => new Map(rows.map((r) => [r.k, r])),
    });
    const b = reads.part({
      query: (keys: string[]) => sql<{ k: string; seq: number }>`select k, seq from tr_b where k = any(${keys}::text[]) order by k, seq`,
      index: (rows) => {
        const m = new Map<string, number[]>();
        for (const r of rows) m.set(r.k, [...(m.get(r.k) ?? []), r.seq]);
        return m;
      },
    });
    const got = await Promise.all([a('x'), a('y'), a('x'), b('x'), b('q'), a('missing')]);
    assert.deepEqual(got, [
      { k: 'x', n: 1, born: '2001-02-03', note: 'Nguyễn' },
      { k: 'y', n: 2, born: null, note: null },
      { k: 'x', n: 1, born: '2001-02-03', note: 'Nguyễn' },
      [1, 2],
      undefined,
      undefined,
    ]);
    // Part a has three keys and batches of two: its third key and b's keys fit in two statements.
    assert.equal(statements.length, 2, statements.join('\n'));
    assert.match(statements[0]!, /tr_a[\s\S]*tr_b/, 'the first statement reads both parts');
    const direct = await sql<{ born: string }>`select born from tr_a where k = 'x'`.execute(d.db);
    assert.equal(direct.rows[0]!.born, '2001-02-03', 'a date reads the same as a row');
    assert.deepEqual(await b('z'), [7]);
    assert.equal(statements.length, 3, 'a later turn reads again');
  } finally {
    await d.close();
  }
});

test('turn reads: a failing part rejects its own callers; a failing statement rejects every caller of that statement', async () => {
  const t = await createTestDatabase();
  await t.close();
  const d = connect(t.url, 2);
  try {
    const reads = new TurnReads(d.db);
    const good = reads.part({ query: (keys: string[]) => sql<{ k: string }>`select unnest(${keys}::text[]) as k`, index: (rows) => new Map(rows.map((r) => [r.k, r.k.toUpperCase()])) });
    const badIndex = reads.part({ query: (keys: string[]) => sql<{ k: string }>`select unnest(${keys}::text[]) as k`, index: () => { throw new Error('cannot index'); } });
    const r1 = await Promise.allSettled([good('a'), badIndex('b')]);
    assert.deepEqual(r1.map((r) => r.status), ['fulfilled', 'rejected']);
    assert.equal((r1[0] as PromiseFulfilledResult<string>).value, 'A');
    const badSql = reads.part({ query: () => sql<{ k: string }>`select k from no_such_table` , index: () => new Map() });
    const r2 = await Promise.allSettled([good('c'), badSql('d'), badSql('d')]);
    assert.deepEqual(r2.map((r) => r.status), ['rejected', 'rejected', 'rejected']);
    assert.match(String((r2[1] as PromiseRejectedResult).reason), /no_such_table/);
    assert.equal(await good('e'), 'E', 'the next turn reads again');
  } finally {
    await d.close();
  }
});
