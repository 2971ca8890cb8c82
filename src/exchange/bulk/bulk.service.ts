/**
 * Bulk verification jobs as a partner sees them: upload (streamed into 1 MiB chunks in
 * PostgreSQL, never held whole in memory), progress (rows done, rate, ETA), cancellation, and the
 * result file (streamed back chunk by chunk). The header is read as the upload starts, so a file
 * whose columns the grant does not cover is refused before it is stored.
 */
import { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Clock } from '../../platform/clock.ts';
import { recordEffects } from '../../platform/events/effects.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { AuditWriter } from '../../platform/audit/index.ts';
import { CATALOGUE } from '../catalogue.ts';
import type { NameMatching } from '../compare.ts';
import type { Caller } from '../entitlements.ts';
import { basisText, type PartnerService } from '../partner.service.ts';
import type { UsageMeter } from '../quota.ts';
import { BULK_COLUMNS, HeaderError, readHeader } from './bulk.parse.ts';
import { jobAuditEntry } from './bulk.runner.ts';
import { pageOf, type Page, type PageRequest, type SortParam } from '../../platform/http/paging.ts';
import { bulkStore, CHUNK, type JOB_SORTS, type JobRow, type JobStatus } from './bulk.store.ts';

export interface BulkDeps {
  db: Kysely<any>;
  pool: pg.Pool;
  clock: Clock;
  audit: AuditWriter;
  meter: UsageMeter;
  partner: PartnerService;
  /** Wakes the local runner when a job is queued. */
  wake?: () => void;
  poke?: () => void;
}

export interface JobView {
  id: string;
  status: JobRow['status'];
  purpose: string;
  format: 'csv' | 'jsonl';
  nameMatching: NameMatching;
  fields: string[];
  legalBasis: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  input: { bytes: number };
  rows: { done: number; estimated: number | null; match: number; mismatch: number; notFound: number; malformed: number; refused: number };
  progress: { percent: number | null; rowsPerSecond: number | null; etaSeconds: number | null };
  result: { available: boolean; bytes: number; url: string };
  cancelRequested: boolean;
  error: string | null;
}

export function jobView(j: JobRow): JobView {
  const done = Number(j.rows_done);
  const est = j.rows_estimated === null ? null : Math.max(Number(j.rows_estimated), done);
  const finished = j.status === 'completed' || j.status === 'cancelled' || j.status === 'failed';
  const rate = j.rate === null ? null : Math.round(j.rate);
  return {
    id: j.id, status: j.status, purpose: j.purpose, format: j.format, nameMatching: j.name_matching, fields: j.fields, legalBasis: j.legal_basis,
    createdAt: j.created_at.toISOString(), startedAt: j.started_at?.toISOString() ?? null, finishedAt: j.finished_at?.toISOString() ?? null,
    input: { bytes: Number(j.input_bytes) },
    rows: { done, estimated: j.status === 'completed' ? done : est, match: Number(j.rows_match), mismatch: Number(j.rows_mismatch), notFound: Number(j.rows_not_found), malformed: Number(j.rows_malformed), refused: Number(j.rows_refused) },
    progress: {
      percent: j.status === 'completed' ? 100 : est ? Math.min(100, Math.round((done / est) * 1000) / 10) : null,
      rowsPerSecond: rate,
      etaSeconds: finished ? 0 : est !== null && rate ? Math.ceil((est - done) / rate) : null,
    },
    result: { available: finished && j.result_chunks > 0, bytes: Number(j.result_bytes), url: `/api/v1/exchange/bulk-jobs/${j.id}/result` },
    cancelRequested: j.cancel_requested, error: j.error,
  };
}

const MAX_HEADER_BYTES = 64 * 1024;

export class BulkService {
  constructor(private readonly d: BulkDeps, private readonly opts: { maxUploadBytes: number }) {}

  /**
   * Creates a job from an upload stream. The first line (CSV header) decides the compared fields,
   * which the system's grant must cover for the purpose; then the file is stored chunk by chunk
   * (backpressure: the next chunk is read once the previous is written). An Idempotency-Key
   * returns the job it created before (the body is then not stored again).
   */
  async create(caller: Caller, q: { purpose: string; format: 'csv' | 'jsonl'; nameMatching: NameMatching; idempotencyKey?: string | undefined }, body: AsyncIterable<Buffer>): Promise<{ job: JobView; created: boolean }> {
    if (q.idempotencyKey) {
      const existing = await bulkStore.jobByKey(this.d.db, caller.systemId, q.idempotencyKey);
      if (existing) { await drain(body); return { job: jobView(existing), created: false }; }
    }
    const it = body[Symbol.asyncIterator]();
    // Read up to the end of the header (CSV) or nothing (JSON lines: every row names its fields).
    const head: Buffer[] = [];
    let headBytes = 0;
    let header: ReturnType<typeof readHeader> = null;
    if (q.format === 'csv') {
      for (;;) {
        const n = await it.next();
        if (!n.done) { const b = Buffer.isBuffer(n.value) ? n.value : Buffer.from(n.value); head.push(b); headBytes += b.length; }
        try {
          header = readHeader(Buffer.concat(head), !!n.done);
        } catch (e) {
          if (e instanceof HeaderError) { await drainIt(it); throw new AppError('EXCHANGE_JOB_INPUT_INVALID', { reason: e.message }); }
          throw e;
        }
        if (header) break;
        if (n.done) throw new AppError('EXCHANGE_JOB_INPUT_INVALID', { reason: 'the file has no header line' });
        if (headBytes > MAX_HEADER_BYTES) { await drainIt(it); throw new AppError('EXCHANGE_JOB_INPUT_INVALID', { reason: `no header line in the first ${MAX_HEADER_BYTES} bytes` }); }
      }
    }
    const compared = header ? (['fullName', 'birthDate', 'sex', 'cardIssueDate', 'phone'] as const).filter((c) => header!.columns.includes(c)) : (['fullName', 'birthDate'] as const);
    let g;
    try {
      g = await this.d.partner.gate(caller, 'bulk_verification', q.purpose, compared, null, 0);
    } catch (e) {
      await drainIt(it);
      throw e;
    }
    const headerEnd = header?.offset ?? 0;
    const headerLine = header?.line ?? 0;
    const fields = [...compared, ...g.grant.fields.filter((f) => f === 'personStatus' || f === 'cardValid' || (q.format === 'jsonl' && (f === 'sex' || f === 'cardIssueDate' || f === 'phone')))];
    const job = await bulkStore.insertJob(this.d.db, {
      system_id: caller.systemId, member_id: caller.memberId, grant_id: g.grant.id, purpose: q.purpose, legal_basis: basisText(g.grant, g.grant.basis === 'consent' ? 'per row' : null),
      basis: g.grant.basis, fields, format: q.format, name_matching: q.nameMatching, idempotency_key: q.idempotencyKey ?? null,
      columns: header ? header.columns.map((c) => c ?? '') : null, delimiter: header?.delimiter ?? null, offset_bytes: headerEnd, lines_done: headerLine,
    });
    if (!job) {
      // The same key raced in: answer with the job that won.
      await drainIt(it);
      return { job: jobView((await bulkStore.jobByKey(this.d.db, caller.systemId, q.idempotencyKey!))!), created: false };
    }
    try {
      let seq = 0;
      let total = 0;
      let newlines = 0;
      let lastByte = 10;
      let buf = Buffer.allocUnsafe(CHUNK);
      let fill = 0;
      const take = async (b: Buffer) => {
        total += b.length;
        if (total > this.opts.maxUploadBytes) throw new AppError('EXCHANGE_JOB_INPUT_INVALID', { reason: `larger than ${this.opts.maxUploadBytes} bytes` });
        for (let p = b.indexOf(10); p >= 0; p = b.indexOf(10, p + 1)) newlines++;
        if (b.length) lastByte = b[b.length - 1]!;
        let o = 0;
        while (o < b.length) {
          const n = Math.min(CHUNK - fill, b.length - o);
          b.copy(buf, fill, o, o + n);
          fill += n; o += n;
          if (fill === CHUNK) { await bulkStore.insertInput(this.d.pool, job.id, seq++, buf); buf = Buffer.allocUnsafe(CHUNK); fill = 0; }
        }
      };
      for (const b of head) await take(b);
      for (;;) {
        const n = await it.next();
        if (n.done) break;
        await take(Buffer.isBuffer(n.value) ? n.value : Buffer.from(n.value));
      }
      if (fill) await bulkStore.insertInput(this.d.pool, job.id, seq++, buf.subarray(0, fill));
      const lines = newlines + (lastByte === 10 ? 0 : 1);
      const rowsEstimated = Math.max(0, lines - headerLine);
      // The quota counts rows; refuse now rather than stop half-way.
      const quota = g.grant.quota_per_day ?? CATALOGUE.bulk_verification.defaultQuotaPerDay;
      await this.d.meter.checkRows(caller.systemId, caller.systemName, 'bulk_verification', quota, rowsEstimated);
      const queued = await bulkStore.uploaded(this.d.db, job.id, { bytes: total, chunks: seq, rowsEstimated });
      this.d.wake?.();
      return { job: jobView(queued), created: true };
    } catch (e) {
      await drainIt(it).catch(() => undefined);
      await bulkStore.deleteJob(this.d.db, job.id).catch(() => undefined);
      throw e;
    }
  }

  private async own(caller: Caller, id: string): Promise<JobRow> {
    const j = /^[0-9a-f-]{36}$/.test(id) ? await bulkStore.job(this.d.db, id) : undefined;
    if (!j || j.system_id !== caller.systemId) throw new AppError('EXCHANGE_JOB_NOT_FOUND', { jobId: id });
    return j;
  }

  async get(caller: Caller, id: string): Promise<JobView> { return jobView(await this.own(caller, id)); }

  async list(caller: Caller, f: { status?: JobStatus }, p: PageRequest<SortParam<(typeof JOB_SORTS)[number]>>): Promise<Page<JobView>> {
    return pageOf(await bulkStore.jobPage(this.d.db, [caller.systemId], f, p), p, jobView);
  }

  /** A queued job ends at once; a running one stops at its next checkpoint (rows done so far stay in the result). */
  async cancel(caller: Caller, id: string): Promise<JobView> {
    const j = await this.own(caller, id);
    if (j.status === 'completed' || j.status === 'cancelled' || j.status === 'failed') throw new AppError('EXCHANGE_JOB_FINISHED', { jobId: id, status: j.status });
    await bulkStore.requestCancel(this.d.db, id);
    const ended = await this.d.db.transaction().execute(async (trx) => {
      const row = await bulkStore.finish(trx, id, 'cancelled', null, null);
      if (!row) return null;
      await recordEffects(trx, { events: [], audit: [jobAuditEntry(row, this.d.clock.now())] });
      await bulkStore.dropInput(trx, id);
      return row;
    });
    if (ended) this.d.poke?.();
    return jobView(ended ?? (await bulkStore.job(this.d.db, id))!);
  }

  /** The result file, streamed chunk by chunk (completed, cancelled or failed jobs). Audited as one read of the job's result. */
  async result(caller: Caller, id: string, requestId: string | null): Promise<{ stream: Readable; job: JobRow }> {
    const j = await this.own(caller, id);
    if (j.status !== 'completed' && j.status !== 'cancelled' && j.status !== 'failed') throw new AppError('EXCHANGE_JOB_NOT_FINISHED', { jobId: id, status: j.status });
    await this.d.audit.append({ at: this.d.clock.now(), actorKind: 'partner', actorId: caller.systemId, action: 'exchange.bulk_verification.result', subjectKind: 'bulk_job', subjectId: id, requestId, details: { member: caller.memberId, job: Number(j.no), bytes: Number(j.result_bytes) } });
    const pool = this.d.pool;
    async function* chunks() {
      let seq = 0;
      for (;;) {
        const rows = await bulkStore.resultChunks(pool, id, seq, 4);
        for (const r of rows) yield r.data;
        if (rows.length < 4) return;
        seq = rows[rows.length - 1]!.seq + 1;
      }
    }
    return { stream: Readable.from(chunks()), job: j };
  }
}

async function drain(body: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of body) { /* discard */ }
}

async function drainIt(it: AsyncIterator<Buffer>): Promise<void> {
  for (;;) { const n = await it.next(); if (n.done) return; }
}

export { BULK_COLUMNS };
