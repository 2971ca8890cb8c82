import type { Kysely, Transaction } from 'kysely';
import { appendChained, chainHead, lockChain, takeInbox } from './audit.store.ts';
import { entryHash } from './audit.hash.ts';
import { GENESIS_HASH, type AuditEntry, type ChainedEntry } from './audit.types.ts';

/**
 * Moves inbox entries, oldest first, onto the end of the hash chain. Any number of processes may
 * run a chainer; an advisory lock makes them take turns.
 * Returns how many entries it chained.
 */
/**
 * Appends entries to the end of the chain, taking the chain lock for the rest of the caller's
 * transaction. The head must be read by a statement that starts after the lock is granted: a
 * statement's snapshot is taken when it starts, so reading it in the locking statement would see
 * a head that another writer has since moved.
 */
export async function appendToChain(trx: Transaction<any>, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  await lockChain(trx);
  const head = await chainHead(trx);
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  const chained: ChainedEntry[] = entries.map((e) => {
    seq += 1;
    const hash = entryHash(seq, e, prev);
    const c = { ...e, seq, prevHash: prev, hash };
    prev = hash;
    return c;
  });
  await appendChained(trx, chained);
}

/**
 * Moves inbox entries (written inside the transactions of changes), oldest first, onto the end of
 * the hash chain. Any number of processes may run a chainer; an advisory lock makes them take turns.
 * Returns how many entries it chained.
 */
export async function chainOnce(db: Kysely<any>, limit = 500): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // Lock first so that two chainers do not take the same inbox rows.
    await lockChain(trx);
    const pending = await takeInbox(trx, limit);
    await appendToChain(trx, pending.map(({ inboxId: _id, ...e }) => e));
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
