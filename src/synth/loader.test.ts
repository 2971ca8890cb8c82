import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createTestDatabase } from '../../test/harness/db.ts';
import { loadPopulation, searchIndexes } from './loader.ts';
import { copyLine } from './copy-format.ts';
import { NEAR_DUPLICATE_MARK } from './population.ts';
import { SEARCH_INDEXES } from '../registry/migrations/20261124_0101_create_registry.ts';

const SEED = 11;
const opened: Array<{ close(): Promise<void> }> = [];
after(async () => { for (const d of opened) await d.close(); });

async function freshDb() {
  const d = await createTestDatabase();
  opened.push(d);
  return d;
}

async function counts(pool: pg.Pool) {
  const { rows } = await pool.query(`select
    (select count(*) from registry.person)::int as people,
    (select count(distinct id_number) from registry.person)::int as distinct_people,
    (select count(*) from registry.household)::int as households,
    (select count(*) from registry.issued_id)::int as issued,
    (select coalesce(sum(people), 0) from registry.seed_batch)::int as recorded_people,
    (select coalesce(sum(households), 0) from registry.seed_batch)::int as recorded_households,
    (select count(*) from registry.seed_batch)::int as batches,
    (select md5(string_agg(id_number, ',' order by id_number)) from registry.person) as ids_hash`);
  return rows[0] as { people: number; distinct_people: number; households: number; issued: number; recorded_people: number; recorded_households: number; batches: number; ids_hash: string };
}

describe('loadPopulation', () => {
  let reference: Awaited<ReturnType<typeof counts>>;

  test('loads 3,000 people in batches of 1,000 with COPY, recording each batch', async () => {
    const { pool } = await freshDb();
    const progress: number[] = [];
    const r = await loadPopulation(pool, { people: 3_000, seed: SEED, batchSize: 1_000, onProgress: (done, total) => { assert.equal(total, 3_000); progress.push(done); } });
    assert.equal(r.people, 3_000);
    assert.equal(r.batches, 3);
    assert.equal(r.skippedBatches, 0);
    assert.ok(r.households > 600 && r.households < 1_100, `${r.households} households`);
    assert.equal(progress.at(-1), 3_000);
    reference = await counts(pool);
    assert.equal(reference.people, 3_000);
    assert.equal(reference.distinct_people, 3_000);
    assert.equal(reference.issued, 3_000);
    assert.equal(reference.households, r.households);
    assert.equal(reference.recorded_people, 3_000);
    assert.equal(reference.recorded_households, r.households);
    assert.equal(reference.batches, 3);
    // The rows arrive intact: Vietnamese text, arrays, nulls, links inside households.
    const { rows } = await pool.query(`select p.* from registry.person p where p.synthetic and p.father_id is not null and p.birth_day is not null limit 1`);
    const child = rows[0];
    assert.ok(child);
    const father = (await pool.query('select * from registry.person where id_number = $1', [child.father_id])).rows[0];
    assert.equal(father.household_no, child.household_no);
    assert.equal(father.sex, 'male');
    assert.deepEqual(child.other_names, []);
    const dup = (await pool.query(`select * from registry.person where other_names[1] like $1 limit 1`, [`${NEAR_DUPLICATE_MARK}%`])).rows[0];
    assert.ok(dup, 'a near-duplicate row');
    const original = (await pool.query('select * from registry.person where id_number = $1', [dup.other_names[0].slice(NEAR_DUPLICATE_MARK.length)])).rows[0];
    assert.equal(original.name_key, dup.name_key);
    const { rows: bad } = await pool.query(`select count(*)::int as n from registry.person where not synthetic or full_name !~ ' ' or full_name <> normalize(full_name, NFC)`);
    assert.equal(bad[0].n, 0);
    const { rows: hh } = await pool.query(`select count(*)::int as n from registry.household h where not synthetic or not exists (select 1 from registry.person p where p.id_number = h.head_id and p.household_no = h.household_no and p.relation_to_head = 'Chủ hộ')`);
    assert.equal(hh[0].n, 0);
  });

  test('a crash after the first batch loses nothing committed; the rerun resumes without duplicates', async () => {
    const { pool } = await freshDb();
    let batchesSeen = 0;
    await assert.rejects(
      loadPopulation(pool, { people: 3_000, seed: SEED, batchSize: 1_000, onProgress: () => { batchesSeen++; throw new Error('simulated crash'); } }),
      /simulated crash/,
    );
    assert.ok(batchesSeen >= 1);
    const partial = await counts(pool);
    assert.ok(partial.batches >= 1 && partial.batches < 3, `${partial.batches} batches after the crash`);
    assert.equal(partial.people, partial.recorded_people, 'every committed batch is recorded, nothing else was written');
    assert.equal(partial.issued, partial.people);
    assert.equal(partial.households, partial.recorded_households);

    const r = await loadPopulation(pool, { people: 3_000, seed: SEED, batchSize: 1_000 });
    assert.equal(r.skippedBatches, partial.batches);
    assert.equal(r.batches, 3 - partial.batches);
    assert.equal(r.people, 3_000 - partial.people);
    const done = await counts(pool);
    assert.deepEqual(done, reference, 'the resumed load equals an uninterrupted one');

    // Once more: everything is skipped.
    const again = await loadPopulation(pool, { people: 3_000, seed: SEED, batchSize: 1_000 });
    assert.equal(again.batches, 0);
    assert.equal(again.skippedBatches, 3);
    assert.deepEqual(await counts(pool), reference);
  });

  test('tops up an earlier load, completing a short last batch; refuses another seed or batch size', async () => {
    const { pool } = await freshDb();
    await loadPopulation(pool, { people: 2_500, seed: SEED, batchSize: 1_000 });
    let c = await counts(pool);
    assert.equal(c.people, 2_500);
    const r = await loadPopulation(pool, { people: 3_000, seed: SEED, batchSize: 1_000 });
    assert.equal(r.skippedBatches, 2);
    assert.equal(r.batches, 1);
    c = await counts(pool);
    assert.deepEqual(c, reference, 'topping 2,500 up to 3,000 gives the same rows as loading 3,000');
    await assert.rejects(loadPopulation(pool, { people: 3_000, seed: SEED + 1, batchSize: 1_000 }), /seed 11/);
    await assert.rejects(loadPopulation(pool, { people: 4_000, seed: SEED, batchSize: 500 }), /batch size/);
    assert.deepEqual(await counts(pool), reference);
  });

  test('a first load with a smaller batch size is detected, not loaded over', async () => {
    const { pool } = await freshDb();
    await loadPopulation(pool, { people: 500, seed: SEED, batchSize: 500 });
    // Batch 0 looks like a short last batch of 1,000, but its rows are another batch size's.
    await assert.rejects(loadPopulation(pool, { people: 3_000, seed: SEED, batchSize: 1_000 }), /batch size/);
    const c = await counts(pool);
    assert.equal(c.people, 500);
    assert.equal(c.batches, 1);
  });

  test('dropIndexes: the search indexes are dropped for the load and are there afterwards (pool of one connection)', async () => {
    const { url } = await freshDb();
    // With a single connection, the one holding the advisory lock also writes and builds the indexes.
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    pool.on('error', () => undefined);
    opened.push({ close: () => pool.end() });
    const names = searchIndexes().map((i) => i.name);
    assert.equal(names.length, SEARCH_INDEXES.length);
    assert.ok(names.includes('person_year_name') && names.includes('person_given_key'));
    const logs: string[] = [];
    const r = await loadPopulation(pool, { people: 1_500, seed: SEED, batchSize: 1_000, dropIndexes: true, worker: false, log: (m) => logs.push(m) });
    assert.equal(r.droppedIndexes, true);
    assert.ok(logs.some((l) => l.includes('dropped')));
    const { rows } = await pool.query(`select indexname from pg_indexes where schemaname = 'registry' and indexname = any($1::text[])`, [names]);
    assert.deepEqual(rows.map((x) => x.indexname).sort(), [...names].sort());
    assert.equal((await counts(pool)).people, 1_500);
  });

  test('COPY text escaping survives a round trip through PostgreSQL', async () => {
    const { pool } = await freshDb();
    const client = await pool.connect();
    try {
      await client.query('create temp table t (a text, b text[], c int, d boolean)');
      const nasty = ['tab\there', 'new\nline', 'cr\rhere', 'back\\slash', '\\N', 'Nguyễn "Văn" {A}, B'];
      const rows: Array<[string | null, string[], number | null, boolean]> = [
        ...nasty.map((s, i) => [s, [s, 'x'], i, i % 2 === 0] as [string, string[], number, boolean]),
        [null, [], null, false],
      ];
      const stream = client.query(copyFrom('copy t (a, b, c, d) from stdin'));
      await new Promise<void>((resolve, reject) => {
        stream.on('error', reject);
        stream.on('finish', resolve);
        for (const r of rows) stream.write(copyLine(r));
        stream.end();
      });
      const back = (await client.query('select a, b, c, d from t order by c nulls last')).rows;
      assert.deepEqual(back.map((r) => [r.a, r.b, r.c, r.d]), rows);
    } finally {
      client.release();
    }
  });
});
