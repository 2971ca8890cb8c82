import { sql, type Kysely } from 'kysely';
import { chainAll } from './audit.chainer.ts';
import { latestCheckpoint } from './audit.checkpoint.ts';
import { headSeq } from './audit.store.ts';
import { verifyChain, type VerifyResult } from './audit.verify.ts';

/** Who the checkpoints of the background job are recorded in the name of. */
export const SYSTEM_VERIFIER = 'system';

// Not the chain's own lock (7460602): the walk must not stop the chainer and the writers.
const CHECKPOINT_LOCK = 7460603;

export class AuditChainBroken extends Error {
  constructor(readonly result: VerifyResult) {
    super(`audit checkpoint job: ${result.message}`);
  }
}

/**
 * The most entries one walk of the background job looks at: a long unverified stretch (a chain that
 * grew for a long time without checkpoints) is walked in slices, each ending in a checkpoint, with
 * pauses between them, instead of in one walk that holds the CPU for minutes.
 */
export const CHECKPOINT_WALK_SLICE = 200_000;

/**
 * Walks the chain from the last checkpoint (at most `slice` entries) and records a checkpoint as the
 * system (queuing its receipt's pushes to `pushTo`), only when the chain has grown since. Processes sharing the database take turns through an advisory lock; one
 * that finds it taken leaves the work to the holder. Returns the walk, or null when it did not walk.
 * A broken chain records nothing and throws AuditChainBroken.
 */
export async function checkpointIfGrown(db: Kysely<any>, now: () => Date, slice = CHECKPOINT_WALK_SLICE, pushTo: readonly string[] = []): Promise<VerifyResult | null> {
  await chainAll(db);
  const result = await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${CHECKPOINT_LOCK}) as locked`.execute(trx);
    if (!rows[0]?.locked) return null;
    // Read under the lock: a checkpoint another process recorded before we took it is seen here.
    const [last, head] = await Promise.all([latestCheckpoint(trx), headSeq(trx)]);
    if (head === 0 || (last && last.seq >= head)) return null;
    return verifyChain(trx, { from: 'checkpoint', verifiedBy: SYSTEM_VERIFIER, now, maxEntries: slice, pushTo });
  });
  if (result && !result.ok) throw new AuditChainBroken(result);
  return result;
}

/** How soon after start the first walk runs: a fresh platform publishes a head within seconds, not after an interval. */
export const FIRST_CHECKPOINT_DELAY_MS = 5_000;

export interface CheckpointerOptions {
  /** The first walk after start (default FIRST_CHECKPOINT_DELAY_MS). */
  firstDelayMs?: number;
  /** The most entries one walk looks at (default CHECKPOINT_WALK_SLICE). */
  slice?: number;
  /** The pause before the next slice while a walk stopped short of the head (default 2 s). */
  catchUpDelayMs?: number;
  /** Keepers each new checkpoint's receipt is pushed to (AUDIT_RECEIPT_PUSH_URLS). */
  pushTo?: readonly string[];
}

/**
 * Runs checkpointIfGrown shortly after start, then every `intervalMs` (0 = never); while a walk stops
 * at its slice before the head, the next slice follows after `catchUpDelayMs`. Failures go to onError.
 */
export class Checkpointer {
  private first: NodeJS.Timeout | null = null;
  private catchUp: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  private readonly o: Required<CheckpointerOptions>;

  constructor(private readonly db: Kysely<any>, private readonly intervalMs: number, private readonly now: () => Date, private readonly onError: (e: unknown) => void = () => undefined, options: CheckpointerOptions = {}) {
    this.o = { firstDelayMs: FIRST_CHECKPOINT_DELAY_MS, slice: CHECKPOINT_WALK_SLICE, catchUpDelayMs: 2_000, pushTo: [], ...options };
  }

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.first = setTimeout(() => { this.first = null; this.tick(); }, this.o.firstDelayMs);
    this.first.unref();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private tick(): void {
    if (this.running) return;
    this.running = checkpointIfGrown(this.db, this.now, this.o.slice, this.o.pushTo)
      .then((r) => {
        if (r?.more && this.timer && !this.catchUp) {
          this.catchUp = setTimeout(() => { this.catchUp = null; this.tick(); }, this.o.catchUpDelayMs);
          this.catchUp.unref();
        }
      })
      .catch(this.onError)
      .finally(() => { this.running = null; });
  }

  async stop(): Promise<void> {
    if (this.first) clearTimeout(this.first);
    if (this.catchUp) clearTimeout(this.catchUp);
    this.catchUp = null;
    if (this.timer) clearInterval(this.timer);
    this.first = null;
    this.timer = null;
    await this.running;
  }
}
