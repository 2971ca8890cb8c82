/**
 * Loads the synthetic population into PostgreSQL with COPY FROM STDIN, one transaction per batch:
 * registry.household, registry.person and registry.issued_id rows of the batch and its
 * registry.seed_batch row commit together. A crash loses at most the batches in flight (two at a
 * time by default, see `concurrency`); a rerun with the same seed and batch size skips the batches
 * already recorded (no row twice), so a load resumes, and a larger `people` tops up an earlier load.
 * One load at a time per database (a session advisory lock), one seed per database.
 *
 * Batches are generated (and turned into COPY text) ahead of the COPYs in flight, in a worker
 * thread when one can be started, so generation and PostgreSQL's work overlap.
 */
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import cliProgress from 'cli-progress';
import { SEARCH_INDEXES } from '../registry/migrations/20261124_0101_create_registry.ts';
import { generateBatch, maxBatches } from './population.ts';
import { HOUSEHOLD_COLUMNS, PERSON_COLUMNS } from './copy-format.ts';
import { inProcessSource, startBatchWorker, type BatchSource, type PreparedBatch } from './prepare.ts';

export interface LoadOptions {
  people: number;
  seed: number;
  /** People per batch (and per transaction); default 50,000. Keep it the same across runs of one seed. */
  batchSize?: number;
  /** Called after each committed batch with the people done so far (batches skipped included) and the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Drop the search indexes before and recreate them after (then ANALYZE). Default: when this run
   * loads at least 1,000,000 people (a top-up or resumed load of fewer keeps them).
   */
  dropIndexes?: boolean;
  /** Generate in a worker thread, overlapping generation and COPY (default true; falls back to in-process). */
  worker?: boolean;
  /**
   * Batches written at once, each in its own transaction and connection (default 2, bounded by the
   * pool size: one connection holds the load's advisory lock).
   */
  concurrency?: number;
  /** Messages about what the load does (dropping/creating indexes, …). */
  log?: (message: string) => void;
}

export interface LoadResult {
  /** People and households written by this run (skipped batches not counted). */
  people: number;
  households: number;
  /** Batches written by this run, and batches found already loaded. */
  batches: number;
  skippedBatches: number;
  seconds: number;
  /** Wall time of each phase (generation overlaps the copy phase: `generate` is the generator's own time). */
  phases: { dropIndexes: number; copy: number; generate: number; indexes: number; analyze: number };
  /** Whether the search indexes were dropped and rebuilt. */
  droppedIndexes: boolean;
}

export const DEFAULT_BATCH_SIZE = 50_000;
/** Session-level advisory lock key: one load at a time per database. */
const LOCK_KEY = 0x06_5eed;

/** The registry search indexes (SEARCH_INDEXES) with their names and drop statements. */
export function searchIndexes(): Array<{ name: string; create: string; drop: string }> {
  return SEARCH_INDEXES.map((create) => {
    const m = /create index (?:if not exists )?(\w+) on (\w+)\./i.exec(create);
    if (!m) throw new Error(`cannot read the index name of: ${create}`);
    return { name: m[1]!, create, drop: `drop index if exists ${m[2]}.${m[1]}` };
  });
}

const COPY_PERSON = `copy registry.person (${PERSON_COLUMNS.join(', ')}) from stdin`;
const COPY_HOUSEHOLD = `copy registry.household (${HOUSEHOLD_COLUMNS.join(', ')}) from stdin`;
const COPY_ISSUED = 'copy registry.issued_id (id_number) from stdin';

async function copyIn(client: pg.PoolClient, sql: string, chunks: readonly Uint8Array[]): Promise<void> {
  const stream = client.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    let i = 0;
    let settled = false;
    const fail = (e: unknown) => { if (!settled) { settled = true; reject(e); } };
    stream.on('error', fail);
    stream.on('finish', () => { if (!settled) { settled = true; resolve(); } });
    const pump = () => {
      while (i < chunks.length) {
        if (!stream.write(chunks[i++]!)) { stream.once('drain', pump); return; }
      }
      stream.end();
    };
    pump();
  });
}

export async function loadPopulation(db: pg.Pool, opts: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const total = opts.people;
  if (!Number.isInteger(total) || total < 0) throw new RangeError('people must be a whole number ≥ 0');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive whole number');
  if (!Number.isInteger(opts.seed)) throw new RangeError('seed must be an integer');
  const batches = Math.ceil(total / batchSize);
  if (batches > maxBatches(batchSize)) throw new RangeError(`${total} people in batches of ${batchSize} do not fit the ID serial space (at most ${maxBatches(batchSize)} batches): use a larger batchSize`);
  if (opts.concurrency !== undefined && (!Number.isInteger(opts.concurrency) || opts.concurrency < 1)) throw new RangeError('concurrency must be a positive whole number');
  // One connection holds the advisory lock; the others write (or, with a pool of one, that one does).
  const spare = Math.max(0, (db.options.max ?? 10) - 1);
  const concurrency = Math.max(1, Math.min(opts.concurrency ?? 2, spare));
  const log = opts.log ?? (() => undefined);
  const phases = { dropIndexes: 0, copy: 0, generate: 0, indexes: 0, analyze: 0 };
  const result: LoadResult = { people: 0, households: 0, batches: 0, skippedBatches: 0, seconds: 0, phases, droppedIndexes: false };

  const lockClient = await db.connect();
  let source: BatchSource | null = null;
  let indexesDropped = false;
  let failed = false;
  try {
    const { rows: locked } = await lockClient.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LOCK_KEY]);
    if (!locked[0]?.ok) throw new Error('another synthetic-population load is running on this database');
    try {
      const existing = await loadedBatches(lockClient, opts.seed, batchSize);
      // Work out what to do with each batch.
      const plan: Array<{ batch: number; people: number; replace: number }> = [];
      let skippedPeople = 0;
      for (let b = 0; b < batches; b++) {
        const want = Math.min(batchSize, total - b * batchSize);
        const have = existing.get(b);
        if (have !== undefined && have >= want) { result.skippedBatches++; skippedPeople += want; continue; }
        plan.push({ batch: b, people: want, replace: have ?? 0 });
      }
      // A short batch to complete is checked before anything is written (another batch size?).
      for (const step of plan) if (step.replace) await removeShortBatch(lockClient, opts.seed, batchSize, step.batch, step.replace, true);
      let done = skippedPeople;
      if (result.skippedBatches) log(`${result.skippedBatches} batch(es) of seed ${opts.seed} already loaded: skipped`);
      const toLoad = plan.reduce((n, step) => n + step.people, 0);
      if (plan.length && (opts.dropIndexes ?? toLoad >= 1_000_000)) {
        const t = performance.now();
        for (const ix of searchIndexes()) await lockClient.query(ix.drop);
        indexesDropped = true;
        result.droppedIndexes = true;
        phases.dropIndexes = (performance.now() - t) / 1000;
        log('search indexes dropped for the bulk load');
      }
      if (plan.length) {
        const tCopy = performance.now();
        source = opts.worker === false ? inProcessSource(opts.seed, batchSize) : await startBatchWorker(opts.seed, batchSize).catch((e: unknown) => {
          log(`worker thread unavailable (${e instanceof Error ? e.message : String(e)}): generating in-process`);
          return inProcessSource(opts.seed, batchSize);
        });
        // Batches are prepared in order, ahead of the COPYs; `concurrency` batches are written at
        // once, each in its own transaction (they may commit out of order: each records itself).
        const src = source;
        const prepared: Array<Promise<PreparedBatch> | undefined> = [];
        let requested = 0;
        let taken = 0;
        const request = () => {
          while (requested < plan.length && requested < taken + concurrency + 1) {
            const step = plan[requested]!;
            const p = src.get(step.batch, step.people);
            p.catch(() => undefined); // awaited later; must not count as unhandled meanwhile
            prepared[requested++] = p;
          }
        };
        let stop = false;
        const lane = async () => {
          while (!stop && taken < plan.length) {
            const i = taken++;
            request();
            const batch = await prepared[i]!;
            prepared[i] = undefined;
            if (stop) return;
            phases.generate += batch.ms / 1000;
            await writeBatch(spare > 0 ? db : lockClient, opts.seed, batchSize, plan[i]!, batch);
            result.batches++;
            result.people += batch.people;
            result.households += batch.households;
            done += batch.people;
            opts.onProgress?.(Math.min(done, total), total);
          }
        };
        const lanes = await Promise.allSettled(Array.from({ length: Math.min(concurrency, plan.length) }, () => lane().catch((e: unknown) => { stop = true; throw e; })));
        const failure = lanes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failure) throw failure.reason;
        phases.copy = (performance.now() - tCopy) / 1000;
      } else if (total > 0) {
        opts.onProgress?.(total, total);
      }
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      await source?.close();
      // Recreate the indexes even after a failure, so the registry stays searchable; `if not exists`
      // makes this a no-op when they are there (and heals a load that crashed after dropping them).
      const t = performance.now();
      try {
        await createIndexes(spare > 0 ? db : lockClient, log, indexesDropped, Math.min(2, Math.max(1, spare)));
      } catch (e) {
        if (!failed) throw e;
        log(`could not recreate the search indexes: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        phases.indexes = (performance.now() - t) / 1000;
        await lockClient.query('select pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
      }
    }
    if (result.batches > 0) {
      const t = performance.now();
      await lockClient.query('analyze registry.person');
      await lockClient.query('analyze registry.household');
      await lockClient.query('analyze registry.issued_id');
      phases.analyze = (performance.now() - t) / 1000;
    }
  } finally {
    lockClient.release();
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

/** Batches of this seed already loaded, checked against this batch size. */
async function loadedBatches(client: pg.PoolClient, seed: number, batchSize: number): Promise<Map<number, number>> {
  const { rows } = await client.query<{ seed: number; batch: number; people: number }>('select seed, batch, people from registry.seed_batch order by seed, batch');
  const other = rows.find((r) => r.seed !== seed);
  if (other) throw new Error(`this database holds a synthetic population of seed ${other.seed}: ID numbers of two seeds can collide, load seed ${other.seed} or use a fresh database`);
  const map = new Map<number, number>();
  const last = rows.length ? rows[rows.length - 1]!.batch : -1;
  for (const r of rows) {
    if (r.people > batchSize || (r.people < batchSize && r.batch !== last)) {
      throw new Error(`seed ${seed} was loaded with another batch size (batch ${r.batch} has ${r.people} people): rerun with the batch size of the first load`);
    }
    map.set(r.batch, r.people);
  }
  return map;
}

/** A pooled connection for `fn`, or the given client itself (when the pool has no connection to spare). */
async function withClient<T>(db: pg.Pool | pg.PoolClient, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  if (!('totalCount' in db)) return fn(db);
  const client = await db.connect();
  try {
    return await fn(client);
  } finally {
    client.release();
  }
}

/** One batch, one transaction: its households, people, issued ID numbers and seed_batch row. */
function writeBatch(db: pg.Pool | pg.PoolClient, seed: number, batchSize: number, step: { batch: number; people: number; replace: number }, prepared: PreparedBatch): Promise<void> {
  return withClient(db, async (client) => {
    try {
      await client.query('begin');
      // Durability of each commit is not needed: a batch lost in a crash is not in seed_batch either,
      // so the next run loads it again.
      await client.query('set local synchronous_commit = off');
      if (step.replace) await removeShortBatch(client, seed, batchSize, step.batch, step.replace);
      await copyIn(client, COPY_HOUSEHOLD, prepared.householdCopy);
      await copyIn(client, COPY_PERSON, prepared.personCopy);
      await copyIn(client, COPY_ISSUED, prepared.idCopy);
      await client.query('insert into registry.seed_batch (seed, batch, people, households) values ($1, $2, $3, $4)', [seed, step.batch, prepared.people, prepared.households]);
      await client.query('commit');
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    }
  });
}

/**
 * A batch loaded shorter (the last batch of a smaller earlier load) is regenerated to find its rows,
 * which are deleted so the full batch can take their place (`checkOnly`: only the checks). Refused
 * when its rows are not there as generated (another batch size) or once any of them took part in a
 * life event or was changed.
 */
async function removeShortBatch(client: pg.PoolClient, seed: number, batchSize: number, batch: number, people: number, checkOnly = false): Promise<void> {
  const old = generateBatch(seed, batch, batchSize, { people });
  const ids = old.people.map((p) => p.id_number);
  const nos = old.households.map((h) => h.household_no);
  const { rows } = await client.query<{ present: number; changed: number }>(
    `select (select count(*) from registry.person where id_number = any($1::text[]))::int as present,
            ((select count(*) from registry.event_subject where id_number = any($1::text[]))
             + (select count(*) from registry.person where id_number = any($1::text[]) and version <> 1))::int as changed`, [ids]);
  // The rows must be exactly those this batch size generates: a batch loaded with another batch
  // size has other rows (and other ID serial blocks), and loading over it would collide.
  if (rows[0]?.present !== ids.length) {
    throw new Error(`batch ${batch} of seed ${seed} was loaded with another batch size than ${batchSize}: rerun with the batch size of the first load (or load into a fresh database)`);
  }
  if ((rows[0]?.changed ?? 0) > 0) throw new Error(`batch ${batch} of seed ${seed} was loaded with ${people} people and has changed since: cannot top it up`);
  if (checkOnly) return;
  await client.query('delete from registry.person where id_number = any($1::text[])', [ids]);
  await client.query('delete from registry.household where household_no = any($1::text[])', [nos]);
  await client.query('delete from registry.issued_id where id_number = any($1::text[])', [ids]);
  await client.query('delete from registry.seed_batch where seed = $1 and batch = $2', [seed, batch]);
}

/** Creates the search indexes (`if not exists`), on `parallel` connections when they were dropped. */
async function createIndexes(db: pg.Pool | pg.PoolClient, log: (m: string) => void, rebuilt: boolean, parallel: number): Promise<void> {
  const all = searchIndexes();
  if (rebuilt) log(`building ${all.length} search indexes`);
  let next = 0;
  const run = () => withClient(db, async (client) => {
    if (rebuilt) await client.query(`set maintenance_work_mem = '512MB'`);
    while (next < all.length) await client.query(all[next++]!.create);
    if (rebuilt) await client.query('reset maintenance_work_mem');
  });
  await Promise.all(Array.from({ length: rebuilt ? parallel : 1 }, run));
}

/** A progress bar for the CLI: people loaded, people/s and ETA. */
export function progressBar(opts: { stream?: NodeJS.WritableStream } = {}): { update: (done: number, total: number) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar({
    format: 'Dân cư tổng hợp {bar} {percentage}% | {value}/{total} people | {rate} people/s | ETA {eta_formatted}',
    hideCursor: true,
    etaBuffer: 20,
    stream: opts.stream ?? process.stderr,
  }, cliProgress.Presets.shades_classic);
  let startedAt = 0;
  let startedDone = 0;
  let started = false;
  return {
    update(done, total) {
      const now = performance.now();
      if (!started) { started = true; startedAt = now; startedDone = done; bar.start(total, done, { rate: '-' }); return; }
      const secs = (now - startedAt) / 1000;
      const rate = secs > 0 ? Math.round((done - startedDone) / secs) : 0;
      bar.setTotal(total);
      bar.update(done, { rate: rate.toLocaleString('en-US') });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
