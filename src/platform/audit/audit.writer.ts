import type { Kysely } from 'kysely';
import { insertInbox } from './audit.store.ts';
import type { AuditEntry } from './audit.types.ts';

interface Pending {
  entry: AuditEntry;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Group commit into the audit inbox: entries appended while writes are in flight go together in
 * the next multi-row insert, and up to `inFlight` inserts run at once (the inbox has no chain lock,
 * so they do not queue behind each other; PostgreSQL shares their WAL flushes). Each caller's
 * promise settles only when its entry is committed, so a request is answered only after its audit
 * entry is durable. The chainer then moves inbox entries onto the hash chain in large batches
 * (`onWritten` pokes it); readers of the chain first chain the backlog (`chainBacklog`).
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private running = 0;
  private drained: Array<() => void> = [];
  private batches = 0;
  private entries = 0;

  constructor(private readonly db: Kysely<any>, private readonly maxBatch = 500, private readonly opts: { inFlight?: number; onWritten?: () => void } = {}) {}

  append(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (this.running < (this.opts.inFlight ?? 4)) void this.flush();
    });
  }

  stats() {
    return { batches: this.batches, entries: this.entries, queued: this.queue.length, inFlight: this.running };
  }

  /** Resolves once everything appended so far is durable. */
  idle(): Promise<void> {
    if (!this.running && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private async flush(): Promise<void> {
    this.running++;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await insertInbox(this.db, batch.map((p) => p.entry));
          this.batches++;
          this.entries += batch.length;
          for (const p of batch) p.resolve();
          this.opts.onWritten?.();
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.running--;
      if (!this.running && !this.queue.length) for (const d of this.drained.splice(0)) d();
    }
  }
}
