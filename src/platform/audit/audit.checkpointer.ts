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
 * Walks the chain from the last checkpoint and records a checkpoint as the system, only when the
 * chain has grown since. Processes sharing the database take turns through an advisory lock; one
 * that finds it taken leaves the work to the holder. Returns the walk, or null when it did not walk.
 * A broken chain records nothing and throws AuditChainBroken.
 */
export async function checkpointIfGrown(db: Kysely<any>, now: () => Date): Promise<VerifyResult | null> {
  await chainAll(db);
  const result = await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${CHECKPOINT_LOCK}) as locked`.execute(trx);
    if (!rows[0]?.locked) return null;
    // Read under the lock: a checkpoint another process recorded before we took it is seen here.
    const [last, head] = await Promise.all([latestCheckpoint(trx), headSeq(trx)]);
    if (head === 0 || (last && last.seq >= head)) return null;
    return verifyChain(trx, { from: 'checkpoint', verifiedBy: SYSTEM_VERIFIER, now });
  });
  if (result && !result.ok) throw new AuditChainBroken(result);
  return result;
}

/** How soon after start the first walk runs: a fresh platform publishes a head within seconds, not after an interval. */
export const FIRST_CHECKPOINT_DELAY_MS = 5_000;

/** Runs checkpointIfGrown shortly after start, then every `intervalMs` (0 = never); failures go to onError. */
export class Checkpointer {
  private first: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly db: Kysely<any>, private readonly intervalMs: number, private readonly now: () => Date, private readonly onError: (e: unknown) => void = () => undefined, private readonly firstDelayMs = FIRST_CHECKPOINT_DELAY_MS) {}

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.first = setTimeout(() => { this.first = null; this.tick(); }, this.firstDelayMs);
    this.first.unref();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  private tick(): void {
    if (this.running) return;
    this.running = checkpointIfGrown(this.db, this.now).catch(this.onError).finally(() => { this.running = null; });
  }

  async stop(): Promise<void> {
    if (this.first) clearTimeout(this.first);
    if (this.timer) clearInterval(this.timer);
    this.first = null;
    this.timer = null;
    await this.running;
  }
}
