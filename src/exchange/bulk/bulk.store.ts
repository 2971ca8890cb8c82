/** SQL of bulk verification jobs: the job row (checkpoint and lease), input and result chunks, the per-person index. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type pg from 'pg';
import { orderBy, type PageRequest, type SortParam } from '../../platform/http/paging.ts';

type Db = Kysely<any> | Transaction<any>;

/** Input is stored in chunks of exactly this size (the last may be shorter): an offset maps to (seq, position). */
export const CHUNK = 1 << 20;

export type JobStatus = 'uploading' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface JobRow {
  id: string;
  no: number;
  system_id: string;
  member_id: string;
  grant_id: number;
  purpose: string;
  legal_basis: string;
  basis: 'provision' | 'consent';
  fields: string[];
  format: 'csv' | 'jsonl';
  name_matching: 'exact' | 'diacritic_insensitive';
  status: JobStatus;
  idempotency_key: string | null;
  input_bytes: number;
  input_chunks: number;
  rows_estimated: number | null;
  columns: string[] | null;
  delimiter: string | null;
  offset_bytes: number;
  lines_done: number;
  rows_done: number;
  rows_match: number;
  rows_mismatch: number;
  rows_not_found: number;
  rows_malformed: number;
  rows_refused: number;
  result_chunks: number;
  result_bytes: number;
  rate: number | null;
  lease_owner: string | null;
  lease_until: Date | null;
  attempts: number;
  cancel_requested: boolean;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export interface Checkpoint {
  offset: number;
  lines: number;
  rowsDone: number;
  match: number;
  mismatch: number;
  notFound: number;
  malformed: number;
  refused: number;
  resultChunks: number;
  resultBytes: number;
  rate: number | null;
}

/**
 * A query on a client of its own. Not `pool.query`: the platform's pool wraps `connect` for
 * prepared statements (src/platform/db/database.ts) in a way `pool.query`'s callback form does not
 * survive, so every raw query here checks out a client.
 */
async function q<R extends pg.QueryResultRow>(pool: pg.Pool, config: pg.QueryConfig | string, values?: unknown[]): Promise<pg.QueryResult<R>> {
  const client = await pool.connect();
  try {
    return await (typeof config === 'string' ? client.query<R>(config, values) : client.query<R>(config));
  } finally {
    client.release();
  }
}

export const JOB_SORTS = ['createdAt', 'status', 'rows', 'finishedAt'] as const;
const JOB_ORDER = { createdAt: [sql`created_at`], status: [sql`status`], rows: [sql`rows_done`], finishedAt: [sql`finished_at`] };

export const bulkStore = {
  async insertJob(db: Db, j: Pick<JobRow, 'system_id' | 'member_id' | 'grant_id' | 'purpose' | 'legal_basis' | 'basis' | 'fields' | 'format' | 'name_matching' | 'idempotency_key' | 'columns' | 'delimiter' | 'offset_bytes' | 'lines_done'>): Promise<JobRow | null> {
    const r = await db.insertInto('exchange.job').values({ ...j, status: 'uploading' }).onConflict((oc) => oc.columns(['system_id', 'idempotency_key']).doNothing()).returningAll().executeTakeFirst();
    return (r as JobRow | undefined) ?? null;
  },
  job(db: Db, id: string): Promise<JobRow | undefined> {
    return db.selectFrom('exchange.job').selectAll().where('id', '=', id).executeTakeFirst() as Promise<JobRow | undefined>;
  },
  jobByKey(db: Db, systemId: string, key: string): Promise<JobRow | undefined> {
    return db.selectFrom('exchange.job').selectAll().where('system_id', '=', systemId).where('idempotency_key', '=', key).executeTakeFirst() as Promise<JobRow | undefined>;
  },
  /**
   * A page of the jobs of some systems (one, or a member's), optionally of one status: each
   * system's first rows through its index, then the page across them.
   */
  async jobPage(db: Db, systemIds: readonly string[], f: { status?: JobStatus }, p: PageRequest<SortParam<(typeof JOB_SORTS)[number]>>): Promise<JobRow[]> {
    if (!systemIds.length) return [];
    const order = orderBy(p.sort, JOB_ORDER, sql`no`);
    const { rows } = await sql<JobRow>`
      select j.* from unnest(${systemIds as string[]}::text[]) as s(sid)
      cross join lateral (select * from exchange.job where system_id = s.sid ${f.status ? sql`and status = ${f.status}` : sql``} ${order} limit ${p.offset + p.limit + 1}) j
      ${order} limit ${p.limit + 1} offset ${p.offset}`.execute(db);
    return rows;
  },
  async deleteJob(db: Db, id: string): Promise<void> {
    await db.deleteFrom('exchange.job').where('id', '=', id).execute();
  },

  async insertInput(pool: pg.Pool, jobId: string, seq: number, data: Buffer): Promise<void> {
    await q(pool, 'insert into exchange.job_input (job_id, seq, data) values ($1, $2, $3)', [jobId, seq, data]);
  },
  async inputChunk(pool: pg.Pool, jobId: string, seq: number): Promise<Buffer | null> {
    const r = await q<{ data: Buffer }>(pool, 'select data from exchange.job_input where job_id = $1 and seq = $2', [jobId, seq]);
    return r.rows[0]?.data ?? null;
  },
  async resultChunks(pool: pg.Pool, jobId: string, fromSeq: number, limit: number): Promise<Array<{ seq: number; data: Buffer }>> {
    const r = await q<{ seq: number; data: Buffer }>(pool, 'select seq, data from exchange.job_result where job_id = $1 and seq >= $2 order by seq limit $3', [jobId, fromSeq, limit]);
    return r.rows.map((x) => ({ seq: Number(x.seq), data: x.data }));
  },

  async uploaded(db: Db, id: string, v: { bytes: number; chunks: number; rowsEstimated: number }): Promise<JobRow> {
    return await db.updateTable('exchange.job').set({ status: 'queued', input_bytes: v.bytes, input_chunks: v.chunks, rows_estimated: v.rowsEstimated, updated_at: sql`now()` })
      .where('id', '=', id).where('status', '=', 'uploading').returningAll().executeTakeFirstOrThrow() as JobRow;
  },

  /**
   * Takes the oldest runnable job: queued, or running under a lease that expired (its runner died).
   * SKIP LOCKED: runners in any number of processes never take the same job.
   */
  async claim(db: Db, owner: string, leaseMs: number): Promise<JobRow | null> {
    const { rows } = await sql<JobRow>`
      update exchange.job j set status = 'running', lease_owner = ${owner}, lease_until = now() + make_interval(secs => ${leaseMs / 1000}),
        attempts = j.attempts + 1, started_at = coalesce(j.started_at, now()), updated_at = now()
      where j.id = (
        select id from exchange.job
        where status = 'queued' or (status = 'running' and lease_until < now())
        order by created_at limit 1 for update skip locked)
      returning j.*`.execute(db);
    return rows[0] ?? null;
  },
  /** Whether a job is waiting for a runner (queued, or running under an expired lease). */
  async runnable(db: Db): Promise<boolean> {
    const { rows } = await sql<{ x: boolean }>`select exists (select 1 from exchange.job where status = 'queued' or (status = 'running' and lease_until < now())) as x`.execute(db);
    return rows[0]?.x === true;
  },
  async renewLease(db: Db, id: string, owner: string, leaseMs: number): Promise<boolean> {
    const r = await sql`update exchange.job set lease_until = now() + make_interval(secs => ${leaseMs / 1000}) where id = ${id} and lease_owner = ${owner} and status = 'running'`.execute(db);
    return Number(r.numAffectedRows ?? 0) > 0;
  },
  /** Lets another runner (or this one, after `delayMs`) take the job up again from its checkpoint. */
  async releaseLease(db: Db, id: string, owner: string, error: string | null, delayMs = 0): Promise<void> {
    await sql`update exchange.job set lease_owner = null, lease_until = now() + make_interval(secs => ${delayMs / 1000}), error = ${error}, updated_at = now() where id = ${id} and lease_owner = ${owner} and status = 'running'`.execute(db);
  },

  /**
   * One batch's checkpoint, in one transaction: its result chunk, its people (one array), and the job's
   * counters and offset — only while this runner holds the lease. Returns whether the job was
   * asked to cancel, or null when the lease was lost (nothing written).
   */
  async checkpoint(pool: pg.Pool, job: { id: string; no: number; system_id: string }, owner: string, leaseMs: number, cp: Checkpoint, result: { seq: number; data: Buffer } | null, people: readonly string[], usage: { rows: number; people: number }): Promise<{ cancel: boolean } | null> {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const u = await client.query<{ cancel_requested: boolean }>(
        `update exchange.job set offset_bytes = $3, rows_done = $4, rows_match = $5, rows_mismatch = $6, rows_not_found = $7, rows_malformed = $8, rows_refused = $9,
           result_chunks = $10, result_bytes = $11, rate = $12, lines_done = $13, lease_until = now() + make_interval(secs => $14), updated_at = now()
         where id = $1 and lease_owner = $2 and status = 'running' returning cancel_requested`,
        [job.id, owner, cp.offset, cp.rowsDone, cp.match, cp.mismatch, cp.notFound, cp.malformed, cp.refused, cp.resultChunks, cp.resultBytes, cp.rate, cp.lines, leaseMs / 1000],
      );
      if (!u.rows.length) { await client.query('rollback'); return null; }
      if (result) await client.query('insert into exchange.job_result (job_id, seq, data) values ($1, $2, $3)', [job.id, result.seq, result.data]);
      // The batch's rows count against the daily quota (calls = rows) and its people in the usage
      // the admin sees, exactly once, with the batch.
      if (usage.rows) {
        await client.query(`insert into exchange.usage (system_id, service, hour, calls, people) values ($1, 'bulk_verification', date_trunc('hour', now()), $2, $3)
          on conflict (system_id, service, hour) do update set calls = exchange.usage.calls + excluded.calls, people = exchange.usage.people + excluded.people`, [job.system_id, usage.rows, usage.people]);
        await client.query(`insert into exchange.quota_day (system_id, service, day, used) values ($1, 'bulk_verification', (now() at time zone 'Asia/Ho_Chi_Minh')::date, $2)
          on conflict (system_id, service, day) do update set used = exchange.quota_day.used + excluded.used`, [job.system_id, usage.rows]);
      }
      if (people.length) await client.query('insert into exchange.job_person (job, batch, persons) values ($1, $2, $3::bigint[])', [job.no, cp.resultChunks, people]);
      await client.query('commit');
      return { cancel: u.rows[0]!.cancel_requested };
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  },

  /** Ends a job (completed, cancelled, failed) while holding its lease, or a job no runner holds. */
  async finish(trx: Transaction<any>, id: string, status: 'completed' | 'cancelled' | 'failed', owner: string | null, error: string | null): Promise<JobRow | null> {
    let q = trx.updateTable('exchange.job').set({ status, finished_at: sql`now()`, lease_owner: null, lease_until: null, error, updated_at: sql`now()` }).where('id', '=', id);
    q = owner ? q.where('lease_owner', '=', owner).where('status', '=', 'running') : q.where('status', 'in', ['uploading', 'queued']);
    return (await q.returningAll().executeTakeFirst() as JobRow | undefined) ?? null;
  },
  async dropInput(db: Db, id: string): Promise<void> {
    await db.deleteFrom('exchange.job_input').where('job_id', '=', id).execute();
  },
  async requestCancel(db: Db, id: string): Promise<void> {
    await db.updateTable('exchange.job').set({ cancel_requested: true, updated_at: sql`now()` }).where('id', '=', id).execute();
  },

  /** The bulk jobs that read a person (the per-person index), newest first. */
  async jobsOfPerson(db: Db, idNumber: string, limit: number, offset = 0): Promise<JobRow[]> {
    const { rows } = await sql<JobRow>`
      select j.* from exchange.job j where j.no in (select distinct job from exchange.job_person where persons @> array[${idNumber}::bigint])
      order by j.created_at desc, j.no desc limit ${limit} offset ${offset}`.execute(db);
    return rows;
  },
  /** Deletes the result files of jobs finished before `before` (retention). */
  async purgeResults(db: Db, before: Date): Promise<number> {
    const r = await sql`delete from exchange.job_result r using exchange.job j where j.id = r.job_id and j.finished_at < ${before}`.execute(db);
    return Number(r.numAffectedRows ?? 0);
  },
};
