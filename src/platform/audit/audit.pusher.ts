/**
 * Pushes each new checkpoint's signed receipt to the keepers outside the platform
 * (AUDIT_RECEIPT_PUSH_URLS): recordCheckpoint queues one row per keeper in
 * platform.audit_receipt_push, and this worker POSTs `{"receipt": "<compact JWS>"}` to each,
 * retrying with exponential backoff until a 2xx or `maxAttempts` (then `failed`, reported to onError).
 *
 * Several processes may run it: a due row is claimed with `for update skip locked` and its next
 * attempt moved `leaseMs` ahead in the same statement, so no other process sees it due while it is
 * being sent (a process that dies mid-send leaves it to be retried when the lease runs out).
 */
import { sql, type Kysely } from 'kysely';
import type { JoseKeys } from '../keys/jose-keys.ts';
import { signReceipt } from './audit.receipt.ts';

export interface PushSettings {
  /** The first retry waits this long, each next one twice as long. */
  baseDelayMs: number;
  maxAttempts: number;
  timeoutMs: number;
  /** Longer than `timeoutMs`: how long a claimed push is left to the process sending it. */
  leaseMs: number;
  batch: number;
}

export const DEFAULT_PUSH_SETTINGS: PushSettings = { baseDelayMs: 30_000, maxAttempts: 8, timeoutMs: 10_000, leaseMs: 60_000, batch: 20 };

export interface ReceiptPush {
  url: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastStatus: number | null;
  nextAttemptAt: string | null;
}

interface PushRow { id: string; seq: string; url: string; attempts: number }

/** The pushes of the checkpoints at entry `seq`, oldest first. */
export async function receiptPushes(db: Kysely<any>, seq: number): Promise<ReceiptPush[]> {
  const rows = await db.selectFrom('platform.audit_receipt_push').select(['url', 'status', 'attempts', 'last_status', 'next_attempt_at']).where('seq', '=', seq).orderBy('id').limit(50).execute();
  return rows.map((r) => ({ url: r.url, status: r.status, attempts: r.attempts, lastStatus: r.last_status, nextAttemptAt: r.status === 'pending' ? (r.next_attempt_at as Date).toISOString() : null }));
}

/** The URL without its query and fragment, for logs (a keeper's token may sit in the query). */
function shown(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

export class ReceiptPusher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private readonly settings: PushSettings;

  constructor(
    private readonly db: Kysely<any>,
    private readonly keys: Pick<JoseKeys, 'privateJwks'>,
    private readonly issuer: string,
    private readonly intervalMs: number,
    private readonly now: () => Date,
    private readonly onError: (e: unknown) => void = () => undefined,
    settings: Partial<PushSettings> = {},
  ) {
    this.settings = { ...DEFAULT_PUSH_SETTINGS, ...settings };
  }

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.pushDue().catch(this.onError).finally(() => { this.running = null; });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Claims the due pushes and sends them; returns how many it tried. */
  async pushDue(): Promise<number> {
    const now = this.now();
    const { rows } = await sql<PushRow>`
      with due as (
        select id from platform.audit_receipt_push
        where status = 'pending' and next_attempt_at <= ${now}
        order by next_attempt_at limit ${this.settings.batch}
        for update skip locked
      )
      update platform.audit_receipt_push p set next_attempt_at = ${new Date(now.getTime() + this.settings.leaseMs)}, attempts = p.attempts + 1
      from due where p.id = due.id
      returning p.id::text, p.seq::text, p.url, p.attempts`.execute(this.db);
    // One signature per checkpoint, however many keepers it goes to.
    const receipts = new Map<string, Promise<string>>();
    const receiptOf = (seq: string) => {
      if (!receipts.has(seq)) receipts.set(seq, signReceipt(this.db, this.keys, this.issuer, Number(seq)).then((x) => x.receipt));
      return receipts.get(seq)!;
    };
    await Promise.all(rows.map((r) => this.send(r, receiptOf(r.seq))));
    return rows.length;
  }

  private async send(r: PushRow, signed: Promise<string>): Promise<void> {
    let status: number | null = null;
    let error: string | null = null;
    try {
      const receipt = await signed;
      const res = await fetch(r.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ receipt }),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      status = res.status;
      await res.body?.cancel();
      if (status >= 200 && status < 300) {
        await this.db.updateTable('platform.audit_receipt_push').set({ status: 'sent', last_status: status, last_error: null }).where('id', '=', r.id).execute();
        return;
      }
      error = `HTTP ${status}`;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      error = (typeof code === 'string' ? `${code}: ` : '') + (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 300);
    }
    const failed = r.attempts >= this.settings.maxAttempts;
    const next = new Date(this.now().getTime() + this.settings.baseDelayMs * 2 ** (r.attempts - 1));
    await this.db.updateTable('platform.audit_receipt_push')
      .set({ status: failed ? 'failed' : 'pending', next_attempt_at: next, last_status: status, last_error: error })
      .where('id', '=', r.id).execute();
    if (failed) this.onError(new Error(`audit receipt push of checkpoint ${r.seq} to ${shown(r.url)} failed after ${r.attempts} attempts (last: ${error})`));
  }
}
