import type { Kysely } from 'kysely';
import { appendEntries } from './audit.store.ts';
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
 */
export class AuditWriter {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private batches = 0;
  private entries = 0;

  constructor(private readonly db: Kysely<any>, private readonly maxBatch = 500) {}

  append(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      if (!this.flushing) this.flushing = this.drain();
    });
  }

  stats() {
    return { batches: this.batches, entries: this.entries, queued: this.queue.length };
  }

  /** Resolves once everything appended so far is durable. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await appendEntries(this.db, batch.map((p) => p.entry));
          this.batches++;
          this.entries += batch.length;
          for (const p of batch) p.resolve();
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.flushing = null;
    }
  }
}
