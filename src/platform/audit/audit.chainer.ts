import type { Kysely } from 'kysely';
import { appendEntries, lockChain, takeInbox } from './audit.store.ts';

/**
 * Moves inbox entries (written inside the transactions of changes), oldest first, onto the end of
 * the hash chain. Any number of processes may run a chainer; an advisory lock makes them take turns.
 * The entries go onto the chain through platform.audit_append, in the same transaction as their
 * removal from the inbox, so an entry is either still in the inbox or on the chain, never both.
 * Returns how many entries it chained.
 */
export async function chainOnce(db: Kysely<any>, limit = 500): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Lock first so that two chainers do not take the same inbox rows (audit_append takes the
    // same lock again, which a transaction already holding it is granted at once).
    await lockChain(trx);
    const pending = await takeInbox(trx, limit);
    if (pending.length) await appendEntries(trx, pending.map(({ inboxId: _id, ...e }) => e));
    return pending.length;
  });
}

export async function chainAll(db: Kysely<any>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await chainOnce(db);
    total += n;
    if (n === 0) return total;
  }
}

/** Runs the chainer soon after each commit signal, and every `intervalMs` as a safety net. */
export class Chainer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly db: Kysely<any>, private readonly intervalMs = 1000, private readonly onError: (e: unknown) => void = () => undefined) {}

  start(): void {
    this.timer = setInterval(() => this.poke(), this.intervalMs);
    this.timer.unref();
  }

  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await chainAll(this.db);
        } catch (e) {
          this.onError(e);
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
