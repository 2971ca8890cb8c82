import type { Kysely } from 'kysely';
import type pg from 'pg';
import { APPEND_SQL, appendEntries, appendPayload } from './audit.store.ts';
import type { AuditEntry } from './audit.types.ts';

interface Pending {
  entry: AuditEntry;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit: entries appended while a write is in flight are chained together in the next
 * batch: one autocommit statement, `select platform.audit_append($1)`, which locks the chain, reads
 * its head and inserts the whole batch (one round trip per batch). Each caller's promise settles only when
 * its entry is committed, so a request is answered only after its audit entry is durable, while a
 * busy server writes one batch per commit instead of one commit per request.
 *
 * Given a pool, the writer keeps one connection of it for itself, so a batch is written to
 * PostgreSQL the moment it is taken (no pool or query-builder steps in between), and it sends the
 * next batch before it lets the finished batch's requests go on: their answers are then written
 * while PostgreSQL commits the next batch, not before it starts.
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private batches = 0;
  private entries = 0;
  private client: pg.PoolClient | null = null;
  private closed = false;

  constructor(private readonly db: Kysely<any>, private readonly maxBatch = 500, private readonly pool: pg.Pool | null = null) {}

  append(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      // Start in the check phase, not at once: the requests answered in this turn of the event
      // loop (their reads often come back together) then share the first batch instead of the
      // first of them going alone and the rest waiting for its commit.
      if (!this.flushing) this.flushing = new Promise<void>((r) => setImmediate(r)).then(() => this.drain());
    });
  }

  stats() {
    return { batches: this.batches, entries: this.entries, queued: this.queue.length };
  }

  /** Resolves once everything appended so far is durable. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /** Waits for what was appended, then gives the writer's connection back to the pool. */
  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
    this.client?.release();
    this.client = null;
  }

  private async drain(): Promise<void> {
    try {
      let batch = this.queue.splice(0, this.maxBatch);
      let sending = this.send(batch);
      while (batch.length) {
        let error: unknown = null;
        try {
          await sending;
        } catch (e) {
          error = e ?? new Error('audit append failed');
        }
        const done = batch;
        batch = this.queue.splice(0, this.maxBatch);
        if (batch.length) sending = this.send(batch);
        if (error) {
          for (const p of done) p.reject(error);
        } else {
          this.batches++;
          this.entries += done.length;
          for (const p of done) p.resolve();
        }
      }
    } finally {
      this.flushing = null;
    }
  }

  private send(batch: readonly Pending[]): Promise<unknown> {
    const entries = batch.map((p) => p.entry);
    if (!this.pool || this.closed) return appendEntries(this.db, entries);
    const query = (c: pg.PoolClient) => c.query({ name: 'open06_audit_append', text: APPEND_SQL, values: [appendPayload(entries)] }).catch((e: unknown) => {
      this.drop(c, e);
      throw e;
    });
    if (this.client) return query(this.client);
    return this.pool.connect().then((c) => {
      // The pool stops listening for a checked-out client's errors; without this a connection the
      // server drops would be an unhandled 'error' event.
      c.on('error', (e) => this.drop(c, e));
      this.client = c;
      return query(c);
    });
  }

  /** A broken connection goes back to the pool to be destroyed; the next batch takes a fresh one. */
  private drop(c: pg.PoolClient, e: unknown): void {
    if (this.client !== c) return;
    this.client = null;
    c.release(e instanceof Error ? e : true);
  }
}
