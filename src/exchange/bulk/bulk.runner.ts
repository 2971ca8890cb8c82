/**
 * The bulk verification job runner: a small durable job runner on PostgreSQL (pg-boss 12 needs
 * Node 22). A runner claims the oldest runnable job with FOR UPDATE SKIP LOCKED and a lease it
 * renews; it streams the upload from its last checkpoint (byte offset) through the row reader in
 * batches of a few thousand rows; each batch is looked up with one statement per module
 * (`= any($1)`), compared, and checkpointed in one transaction: the batch's result chunk, its
 * people (one array row of the per-person index) and the job's counters and offset. A crash loses at most
 * the batch in flight, which the next runner redoes from the checkpoint: no row is lost or counted
 * twice. A job whose runner died is taken up again when its lease expires.
 *
 * While batch n is being checkpointed, batch n+1 is read, looked up and compared, so the
 * runner's CPU and the database's overlap. Usage (rows against the daily quota, people read) is
 * written in each checkpoint's transaction, so it is exact across crashes.
 *
 * In the platform the runner lives in a worker thread (BulkWorkerHost): a job's garbage and CPU
 * stay off the event loop that answers HTTP requests, and the worker gets a young generation
 * sized for batches of thousands of rows.
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { Clock } from '../../platform/clock.ts';
import { recordEffects } from '../../platform/events/effects.ts';
import { verificationFacts } from '../../registry/index.ts';
import { cardFacts } from '../../cards/index.ts';
import { toIsoPartial, vnCalendarDate } from '../../vn/index.ts';
import { compareIdentity, isDate, readSex, type Compared, type FieldVerdict, type Statement } from '../compare.ts';
import { exchangeStore } from '../exchange.store.ts';
import { COL, RowReader, type RawRow, type ReaderState } from './bulk.parse.ts';
import { headerLine, layoutOf, resultLine, type ResultLayout, type ResultRow } from './bulk.result.ts';
import { bulkStore, CHUNK, type Checkpoint, type JobRow } from './bulk.store.ts';

export interface BulkRunnerOptions {
  /** Identifies this runner in leases (default: random). */
  owner?: string;
  /** How long a claim lasts without a checkpoint or heartbeat (default 30 s). */
  leaseMs?: number;
  /** Rows per batch and per checkpoint (default 5,000). */
  batchSize?: number;
  /** How often an idle runner looks for a job, ms (0 = never by itself). */
  pollMs?: number;
  /** Claims of one job before it is failed (default 5). */
  maxAttempts?: number;
  /** Called after every checkpoint (tests: stop a runner between batches). */
  afterCheckpoint?: (job: JobRow, rowsDone: number) => void | Promise<void>;
}

export interface BulkDeps {
  db: Kysely<any>;
  pool: pg.Pool;
  clock: Clock;
  /** Poked after a job's audit entry is written (moves it onto the chain). */
  poke?: () => void;
  onError?: (e: unknown) => void;
}

class LeaseLost extends Error {}

interface Prepared {
  text: string;
  people: string[];
  rows: number;
  lines: number;
  end: number;
  counts: { match: number; mismatch: number; notFound: number; malformed: number; refused: number; found: number };
}

const ID12 = /^\d{12}$/;
/** Batches prepared ahead of the one being checkpointed. */
const DEPTH = 2;

export class BulkRunner {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopping = false;
  private abandoned = false;

  constructor(private readonly d: BulkDeps, private readonly opts: BulkRunnerOptions = {}) {
    this.owner = opts.owner ?? `runner-${randomBytes(6).toString('hex')}`;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.batchSize = opts.batchSize ?? 5000;
  }

  start(): void {
    const every = this.opts.pollMs ?? 1000;
    if (this.timer || every <= 0) return;
    this.timer = setInterval(() => { void this.drain(); }, every);
    this.timer.unref();
  }

  /** Runs jobs until none is runnable (one at a time); a call while running returns the same run. */
  drain(): Promise<void> {
    this.running ??= (async () => {
      try {
        while (!this.stopping && await this.runOne());
      } catch (e) {
        this.d.onError?.(e);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Stops after the batch in flight; the job's lease is released so another runner can go on at once. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Simulates a crash: stops between batches without releasing the lease or finishing anything. */
  async abandon(): Promise<void> {
    this.abandoned = true;
    await this.stop();
  }

  /** Claims and runs one job; false when none was runnable. */
  async runOne(): Promise<boolean> {
    const job = await bulkStore.claim(this.d.db, this.owner, this.leaseMs);
    if (!job) return false;
    if (job.attempts > (this.opts.maxAttempts ?? 5)) {
      await this.finish(job, 'failed', `gave up after ${job.attempts - 1} attempts: ${job.error ?? 'unknown error'}`);
      return true;
    }
    const heartbeat = setInterval(() => { void bulkStore.renewLease(this.d.db, job.id, this.owner, this.leaseMs).catch(() => undefined); }, Math.max(200, this.leaseMs / 3));
    heartbeat.unref();
    try {
      await this.process(job);
    } catch (e) {
      if (!(e instanceof LeaseLost) && !this.abandoned) {
        this.d.onError?.(e);
        await bulkStore.releaseLease(this.d.db, job.id, this.owner, String((e as Error).message).slice(0, 500), Math.min(60_000, 2000 * job.attempts)).catch(() => undefined);
      }
    } finally {
      clearInterval(heartbeat);
    }
    return true;
  }

  private async process(job: JobRow): Promise<void> {
    const layout = layoutOf(job.format, job.fields);
    const state: ReaderState = {
      format: job.format, columns: job.columns ? job.columns.map((c) => (c === '' ? null : c)) as ReaderState['columns'] : null,
      delimiter: job.delimiter, offset: Number(job.offset_bytes), row: Number(job.rows_done), line: Number(job.lines_done),
    };
    const reader = new RowReader(state);
    const totals = { rowsDone: Number(job.rows_done), match: Number(job.rows_match), mismatch: Number(job.rows_mismatch), notFound: Number(job.rows_not_found), malformed: Number(job.rows_malformed), refused: Number(job.rows_refused), resultChunks: job.result_chunks, resultBytes: Number(job.result_bytes), lines: Number(job.lines_done), offset: Number(job.offset_bytes) };
    const startRows = totals.rowsDone;
    const startAt = Date.now();
    let inflight: Promise<{ cancel: boolean } | null> | null = null;
    let cancel = false;

    const settle = async (): Promise<void> => {
      if (!inflight) return;
      const r = await inflight;
      inflight = null;
      if (!r) throw new LeaseLost();
      if (r.cancel) cancel = true;
      await this.opts.afterCheckpoint?.(job, totals.rowsDone);
    };

    // Batches are prepared (read, looked up, compared) up to DEPTH ahead and checkpointed in order.
    const queue: Array<{ prepared: Promise<Prepared>; end: number; line: number }> = [];
    const commitHead = async (): Promise<void> => {
      const head = queue.shift()!;
      const p = await head.prepared;
      await settle();
      const header = totals.resultChunks === 0 ? headerLine(layout) : '';
      const text = header + p.text;
      const data = text ? Buffer.from(text, 'utf8') : null;
      totals.rowsDone += p.rows; totals.match += p.counts.match; totals.mismatch += p.counts.mismatch; totals.notFound += p.counts.notFound;
      totals.malformed += p.counts.malformed; totals.refused += p.counts.refused; totals.offset = head.end; totals.lines = head.line;
      const result = data ? { seq: totals.resultChunks, data } : null;
      if (data) { totals.resultChunks++; totals.resultBytes += data.length; }
      const elapsed = (Date.now() - startAt) / 1000;
      const cp: Checkpoint = { offset: totals.offset, lines: totals.lines, rowsDone: totals.rowsDone, match: totals.match, mismatch: totals.mismatch, notFound: totals.notFound, malformed: totals.malformed, refused: totals.refused, resultChunks: totals.resultChunks, resultBytes: totals.resultBytes, rate: elapsed > 0 ? (totals.rowsDone - startRows) / elapsed : null };
      inflight = bulkStore.checkpoint(this.d.pool, job, this.owner, this.leaseMs, cp, result, p.people, { rows: p.rows, people: p.counts.found });
    };
    const commit = async (rows: RawRow[], endOffset: number, endLine: number): Promise<void> => {
      const prepared = this.prepare(job, layout, rows);
      // A failure surfaces when the batch's turn comes (never as an unhandled rejection before).
      prepared.catch(() => undefined);
      queue.push({ prepared, end: endOffset, line: endLine });
      if (queue.length >= DEPTH) await commitHead();
    };
    const flush = async (): Promise<void> => { while (queue.length) await commitHead(); };

    let seq = Math.floor(state.offset / CHUNK);
    let skip = state.offset % CHUNK;
    let next: Promise<Buffer | null> | null = seq < job.input_chunks ? bulkStore.inputChunk(this.d.pool, job.id, seq) : null;
    // Rows are read a batch at a time (never a whole chunk ahead): few objects live at once.
    let pending: RawRow[] = [];
    while (next) {
      const chunk = await next;
      if (!chunk) throw new Error(`input chunk ${seq} of job ${job.id} is missing`);
      seq++;
      next = seq < job.input_chunks ? bulkStore.inputChunk(this.d.pool, job.id, seq) : null;
      reader.feed(skip ? chunk.subarray(skip) : chunk);
      skip = 0;
      for (;;) {
        reader.take(pending, this.batchSize - pending.length);
        if (pending.length < this.batchSize) break;
        const batch = pending;
        pending = [];
        await commit(batch, batch[batch.length - 1]!.end, batch[batch.length - 1]!.line);
        if (cancel || this.stopping) break;
      }
      if (cancel || this.stopping) break;
    }
    if (!cancel && !this.stopping) {
      reader.end(pending);
      await commit(pending, state.offset, state.line);
    }
    // Batches already read and looked up are checkpointed even when stopping: their people were read.
    await flush();
    await settle();
    if (this.abandoned) return;
    if (cancel) return this.finish(job, 'cancelled', null);
    if (this.stopping) {
      await bulkStore.releaseLease(this.d.db, job.id, this.owner, null);
      return;
    }
    return this.finish(job, 'completed', null);
  }

  /** Reads, looks up and compares one batch; nothing is written here. Each row becomes its result line at once. */
  private async prepare(job: JobRow, layout: ResultLayout, rows: readonly RawRow[]): Promise<Prepared> {
    const counts = { match: 0, mismatch: 0, notFound: 0, malformed: 0, refused: 0, found: 0 };
    const lines: string[] = new Array(rows.length);
    const toLook: Array<{ i: number; st: Statement; raw: RawRow }> = [];
    const granted = new Set(job.fields);
    const done = (raw: RawRow, i: number, outcome: ResultRow['outcome'], reasons: string[], c: RawRow['cells'] = raw.cells) => {
      lines[i] = resultLine(layout, { row: raw.row, line: raw.line, ref: c?.[COL.ref], idNumber: c?.[COL.idNumber], outcome, fields: null, personStatus: null, cardValid: null, reasons });
    };
    for (let i = 0; i < rows.length; i++) {
      const raw = rows[i]!;
      const c = raw.cells;
      if (!c) { done(raw, i, 'malformed', [raw.error ?? 'unreadable']); counts.malformed++; continue; }
      let problems: string[] | null = null;
      const id = c[COL.idNumber];
      if (!id) (problems ??= []).push('idNumber: empty'); else if (id.length !== 12 || !ID12.test(id)) (problems ??= []).push('idNumber: not 12 digits');
      const name = c[COL.fullName];
      if (!name) (problems ??= []).push('fullName: empty');
      const birth = c[COL.birthDate];
      if (!birth) (problems ??= []).push('birthDate: empty'); else if (!isDate(birth)) (problems ??= []).push('birthDate: not a date');
      const sexText = c[COL.sex];
      const sex = sexText ? readSex(sexText) : undefined;
      if (sex === null) (problems ??= []).push('sex: not male/female');
      const issue = c[COL.cardIssueDate] || undefined;
      if (issue !== undefined && !isDate(issue)) (problems ??= []).push('cardIssueDate: not a date');
      const phone = c[COL.phone] || undefined;
      if (problems) { done(raw, i, 'malformed', problems); counts.malformed++; continue; }
      const st: Statement = { idNumber: id!, fullName: name!, birthDate: birth!, sex: sex ?? undefined, cardIssueDate: issue, phone };
      if ((st.sex !== undefined && !granted.has('sex')) || (issue !== undefined && !granted.has('cardIssueDate')) || (phone !== undefined && !granted.has('phone'))) {
        const notGranted = (['sex', 'cardIssueDate', 'phone'] as const).filter((f) => st[f] !== undefined && !granted.has(f));
        done(raw, i, 'refused', [`not granted: ${notGranted.join(', ')}`]); counts.refused++; continue;
      }
      toLook.push({ i, st, raw });
    }
    const today = toIsoPartial(vnCalendarDate(this.d.clock.now()));
    let allowed = toLook;
    if (job.basis === 'consent' && toLook.length) {
      const ids = [...new Set(toLook.map((x) => x.st.idNumber))];
      const consented = await exchangeStore.consentedAmong(this.d.db, ids, job.member_id, job.purpose, job.fields.filter((f) => f !== 'personStatus' && f !== 'cardValid'), today);
      allowed = [];
      for (const x of toLook) {
        if (consented.has(x.st.idNumber)) allowed.push(x);
        else { done(x.raw, x.i, 'refused', ['no consent on record']); counts.refused++; }
      }
    }
    // Sorted: neighbouring index entries are read together.
    const ids = [...new Set(allowed.map((x) => x.st.idNumber))].sort();
    const needCards = layout.cardValid || layout.compared.includes('cardIssueDate');
    const [facts, cards] = ids.length
      ? await Promise.all([verificationFacts(this.d.db, ids), needCards ? cardFacts(this.d.db, ids, today) : Promise.resolve(null)])
      : [new Map(), null];
    const people: string[] = [];
    const seen = new Set<string>();
    for (const x of allowed) {
      const cmp = compareIdentity(x.st, facts.get(x.st.idNumber), cards?.get(x.st.idNumber), job.name_matching);
      const fields: Partial<Record<Compared, FieldVerdict>> = {};
      for (const f of layout.compared) fields[f] = cmp.fields[f];
      const r: ResultRow = { row: x.raw.row, line: x.raw.line, ref: x.raw.cells![COL.ref], idNumber: x.st.idNumber, outcome: cmp.outcome, fields, personStatus: null, cardValid: null, reasons: [] };
      if (cmp.outcome === 'not_found') { counts.notFound++; r.reasons.push('no person with this ID number'); }
      else {
        if (cmp.outcome === 'match') counts.match++; else { counts.mismatch++; r.reasons.push(...cmp.mismatched); }
        if (layout.personStatus) r.personStatus = cmp.personStatus;
        if (layout.cardValid) r.cardValid = cmp.cardValid;
        if (!seen.has(x.st.idNumber)) { seen.add(x.st.idNumber); people.push(x.st.idNumber); counts.found++; }
      }
      lines[x.i] = resultLine(layout, r);
    }
    const last = rows[rows.length - 1];
    return { text: lines.join(''), people, rows: rows.length, lines: last?.line ?? 0, end: last?.end ?? 0, counts };
  }

  /** The job's end: status, its one chained audit entry (the per-person index names its people), input dropped. */
  private async finish(job: JobRow, status: 'completed' | 'cancelled' | 'failed', error: string | null): Promise<void> {
    const done = await this.d.db.transaction().execute(async (trx) => {
      const row = await bulkStore.finish(trx, job.id, status, this.owner, error);
      if (!row) return false;
      await recordEffects(trx, { events: [], audit: [jobAuditEntry(row, this.d.clock.now())] });
      await bulkStore.dropInput(trx, job.id);
      return true;
    });
    if (done) this.d.poke?.();
  }
}

/** The one chained audit entry of a bulk job, written when it ends (completed, cancelled or failed). */
export function jobAuditEntry(row: JobRow, at: Date) {
  return {
    at, actorKind: 'partner' as const, actorId: row.system_id, action: 'exchange.bulk_verification', subjectKind: 'bulk_job', subjectId: row.id,
    fields: row.fields, purpose: row.purpose, legalBasis: row.legal_basis, requestId: null,
    details: {
      member: row.member_id, system: row.system_id, service: 'bulk_verification', grant: row.grant_id, job: Number(row.no), status: row.status,
      rows: Number(row.rows_done), match: Number(row.rows_match), mismatch: Number(row.rows_mismatch), notFound: Number(row.rows_not_found),
      malformed: Number(row.rows_malformed), refused: Number(row.rows_refused), personIndex: 'exchange.job_person',
    },
  };
}

/**
 * The runner in a worker thread of this process (what the platform uses); same start/drain/stop.
 * The thread is started when there is work (an upload wakes it, or the poll finds a job queued or
 * abandoned by a dead runner), so a platform without bulk jobs runs no extra thread.
 */
export class BulkWorkerHost {
  private worker: import('node:worker_threads').Worker | null = null;
  private starting: Promise<import('node:worker_threads').Worker> | null = null;
  private waiting = new Map<number, () => void>();
  private next = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private stopped = false;

  constructor(private readonly db: Kysely<any>, private readonly url: string, private readonly opts: Omit<BulkRunnerOptions, 'afterCheckpoint'> & { poolSize?: number }, private readonly hooks: { poke?: () => void; onError?: (e: unknown) => void } = {}) {}

  /** Polls for runnable jobs every `pollMs` (default 1 s). */
  start(): void {
    const every = this.opts.pollMs ?? 1000;
    if (this.timer || every <= 0) return;
    this.timer = setInterval(() => { void this.poll(); }, every);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      if (await bulkStore.runnable(this.db)) await this.drain();
    } catch (e) {
      this.hooks.onError?.(e);
    } finally {
      this.polling = false;
    }
  }

  private thread(): Promise<import('node:worker_threads').Worker> {
    this.starting ??= (async () => {
      const { Worker } = await import('node:worker_threads');
      const w = new Worker(new URL('./bulk.worker.mjs', import.meta.url), {
        // The host polls; the thread runs what it is asked to.
        workerData: { url: this.url, options: { ...this.opts, pollMs: 0 } }, execArgv: [],
        resourceLimits: { maxYoungGenerationSizeMb: 256, maxOldGenerationSizeMb: 768 },
      });
      w.on('message', (m: { drained?: number; poke?: boolean; error?: string }) => {
        if (m.poke) this.hooks.poke?.();
        if (m.error) this.hooks.onError?.(new Error(m.error));
        if (m.drained !== undefined) { this.waiting.get(m.drained)?.(); this.waiting.delete(m.drained); }
      });
      w.on('error', (e) => this.hooks.onError?.(e));
      w.on('exit', () => {
        if (this.worker === w) { this.worker = null; this.starting = null; }
        for (const r of this.waiting.values()) r();
        this.waiting.clear();
      });
      w.unref();
      this.worker = w;
      return w;
    })();
    return this.starting;
  }

  /** Runs every runnable job now; resolves when the thread has none left. */
  async drain(): Promise<void> {
    if (this.stopped) return;
    const w = await this.thread();
    const id = this.next++;
    await new Promise<void>((resolve) => { this.waiting.set(id, resolve); w.postMessage({ drain: id }); });
  }

  /** Stops after the batch in flight (the job's lease is released) and ends the thread. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const w = this.starting ? await this.starting : null;
    if (!w || this.worker !== w) return;
    const exited = new Promise<void>((resolve) => { w.once('exit', () => resolve()); });
    w.postMessage({ stop: true });
    const timer = setTimeout(() => { void w.terminate(); }, 15_000);
    await exited;
    clearTimeout(timer);
  }
}
