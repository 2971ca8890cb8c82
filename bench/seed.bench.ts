/**
 * Synthetic-population load benchmark: loads N people into a FRESH database (its own embedded
 * PostgreSQL, data under .tmp/) and reports people/s end to end (generation + COPY + index build +
 * ANALYZE) and the time of each phase.
 * Usage: node --import tsx bench/seed.bench.ts [people=1000000] [--batch-size 50000] [--seed 6] [--no-worker] [--keep]
 */
import fs from 'node:fs';
import { freePort } from '../src/platform/net.ts';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { connect } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { migrations } from '../src/modules.ts';
import { generateBatch } from '../src/synth/population.ts';
import { loadPopulation, progressBar } from '../src/synth/loader.ts';

const args = process.argv.slice(2);
const flag = (name: string) => args.includes(`--${name}`);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1]! : dflt;
};
const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && ['--batch-size', '--seed'].includes(args[i - 1]!)));
const PEOPLE = Number(positional[0] ?? opt('people', '1000000'));
const BATCH = Number(opt('batch-size', '50000'));
const SEED = Number(opt('seed', '6'));
if (!Number.isInteger(PEOPLE) || PEOPLE < 1) throw new Error(`bad number of people: ${positional[0]}`);

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, '.tmp', `seed-bench-pg-${process.pid}`);

const secs = (t: number) => Math.round((performance.now() - t) / 10) / 100;

// 1. The generator alone, one core (no database): people/s.
const genN = Math.min(PEOPLE, 200_000);
generateBatch(SEED, 0, 10_000); // warm-up (reference tables, JIT)
let t = performance.now();
for (let b = 0, left = genN; left > 0; b++, left -= BATCH) generateBatch(SEED, b, BATCH, { people: Math.min(BATCH, left) });
const generatorPerSecond = Math.round(genN / ((performance.now() - t) / 1000));
console.log(`generator alone: ${generatorPerSecond.toLocaleString('en-US')} people/s (${genN.toLocaleString('en-US')} people, one core)`);

// 2. A fresh PostgreSQL and schema.
fs.rmSync(dataDir, { recursive: true, force: true });
t = performance.now();
const server = await startEmbeddedPostgres({
  dataDir, port: await freePort(),
  tuning: ['-c', 'shared_buffers=2GB', '-c', 'max_wal_size=8GB', '-c', 'maintenance_work_mem=1GB', '-c', 'work_mem=32MB', '-c', 'effective_cache_size=12GB', '-c', 'checkpoint_timeout=30min'],
});
const startSeconds = secs(t);
try {
  t = performance.now();
  const d = connect(server.url, 4);
  await migrateToLatest(d.db, migrations);
  await d.close();
  const migrateSeconds = secs(t);
  console.log(`PostgreSQL started in ${startSeconds} s, migrated in ${migrateSeconds} s; loading ${PEOPLE.toLocaleString('en-US')} people (batches of ${BATCH.toLocaleString('en-US')}, seed ${SEED})`);

  // 3. The load, end to end.
  const pool = new pg.Pool({ connectionString: server.url, max: 4 });
  // pool.end() can resolve before every socket is closed; the server stopping must not crash us.
  pool.on('error', () => undefined);
  const bar = process.stderr.isTTY ? progressBar() : null;
  let lastLogged = 0;
  t = performance.now();
  const load = await loadPopulation(pool, {
    people: PEOPLE, seed: SEED, batchSize: BATCH, worker: !flag('no-worker'), dropIndexes: PEOPLE >= 1_000_000 ? true : undefined,
    log: (m) => { if (!bar) console.log(`  ${m}`); },
    onProgress: (done, total) => {
      bar?.update(done, total);
      if (!bar && (done - lastLogged >= Math.max(BATCH, total / 10) || done === total)) {
        lastLogged = done;
        console.log(`  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} people, ${Math.round(done / ((performance.now() - t) / 1000)).toLocaleString('en-US')} people/s`);
      }
    },
  });
  bar?.stop();
  const endToEnd = (performance.now() - t) / 1000;
  const counts = (await pool.query(`select (select count(*) from registry.person)::int as people, (select count(*) from registry.household)::int as households,
    (select count(*) from registry.issued_id)::int as ids, pg_total_relation_size('registry.person')::bigint as person_bytes`)).rows[0];
  await pool.end();
  if (counts.people !== PEOPLE) throw new Error(`expected ${PEOPLE} people, found ${counts.people}`);

  const p = load.phases;
  const rate = (n: number, s: number) => (s > 0 ? Math.round(n / s) : 0);
  console.log('');
  console.log(`people/s end to end: ${rate(PEOPLE, endToEnd).toLocaleString('en-US')} (${PEOPLE.toLocaleString('en-US')} people, ${counts.households.toLocaleString('en-US')} households in ${endToEnd.toFixed(1)} s)`);
  console.log(`  drop indexes   ${p.dropIndexes.toFixed(2)} s`);
  console.log(`  generate+COPY  ${p.copy.toFixed(1)} s  → ${rate(PEOPLE, p.copy).toLocaleString('en-US')} people/s (of which generating + formatting COPY text: ${p.generate.toFixed(1)} s${flag('no-worker') ? ', in-process' : ', in a worker thread, overlapped with the COPYs'})`);
  console.log(`  index build    ${p.indexes.toFixed(1)} s  (${load.droppedIndexes ? 'rebuilt' : 'kept during the load'})`);
  console.log(`  ANALYZE        ${p.analyze.toFixed(1)} s`);
  console.log(`  person table + indexes: ${(Number(counts.person_bytes) / 2 ** 20).toFixed(0)} MiB`);
  const out = {
    bench: 'seed', people: PEOPLE, households: counts.households, batchSize: BATCH, seed: SEED, worker: !flag('no-worker'),
    peoplePerSecond: rate(PEOPLE, endToEnd), generatorPeoplePerSecond: generatorPerSecond, copyPeoplePerSecond: rate(PEOPLE, p.copy),
    seconds: { endToEnd: Math.round(endToEnd * 100) / 100, dropIndexes: p.dropIndexes, copy: p.copy, generate: p.generate, indexes: p.indexes, analyze: p.analyze, pgStart: startSeconds, migrate: migrateSeconds },
    personMiB: Math.round(Number(counts.person_bytes) / 2 ** 20),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  };
  console.log(`RESULT ${JSON.stringify(out)}`);
} finally {
  await server.stop();
  if (!flag('keep')) fs.rmSync(dataDir, { recursive: true, force: true });
}
