/**
 * Pushes each new checkpoint's signed receipt to the keepers outside the platform
 * (AUDIT_RECEIPT_PUSH_URLS): recordCheckpoint queues one row per keeper in
 * platform.audit_receipt_push, and this worker POSTs `{"receipt": "<compact JWS>"}` to each,
 * retrying with exponential backoff until a 2xx or `maxAttempts` (then `failed`, reported to onError
 * and to the onFailed listeners, which count it in /metrics). An admin may send a failed push again
 * (retryFailedPush). On start it queues the latest checkpoint's receipt for keepers that have none.
 *
 * Several processes may run it: a due row is claimed with `for update skip locked` and its next
 * attempt moved `leaseMs` ahead in the same statement, so no other process sees it due while it is
 * being sent (a process that dies mid-send leaves it to be retried when the lease runs out).
 */
import { sql, type Kysely } from 'kysely';
import type { JoseKeys } from '../keys/jose-keys.ts';
import { AppError } from '../http/errors.ts';
import { signReceipt } from './audit.receipt.ts';
import { insertInbox } from './audit.store.ts';
import './audit.errors.ts';

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
  id: string;
  url: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  lastStatus: number | null;
  nextAttemptAt: string | null;
  lastError: string | null;
}

interface PushRow { id: string; seq: string; url: string; attempts: number }

const VIEW_COLUMNS = ['id', 'url', 'status', 'attempts', 'last_status', 'next_attempt_at', 'last_error'] as const;

function toView(r: Record<string, any>): ReceiptPush {
  // The query and fragment are left out: a keeper's token may sit there, and the page shows this to auditors.
  return { id: String(r.id), url: shown(r.url), status: r.status, attempts: r.attempts, lastStatus: r.last_status, nextAttemptAt: r.status === 'pending' ? (r.next_attempt_at as Date).toISOString() : null, lastError: r.last_error };
}

/** The pushes of the checkpoints at entry `seq`, oldest first. */
export async function receiptPushes(db: Kysely<any>, seq: number): Promise<ReceiptPush[]> {
  const rows = await db.selectFrom('platform.audit_receipt_push').select([...VIEW_COLUMNS]).where('seq', '=', seq).orderBy('id').limit(50).execute();
  return rows.map(toView);
}

const STATUS_TEXT = { pending: { vi: 'đang chờ gửi', en: 'waiting to be sent' }, sent: { vi: 'đã gửi', en: 'sent' } } as const;

/**
 * Sends a `failed` push again: it becomes `pending` with no attempts, due at `now` (the pusher sends
 * it within its interval). Audited in the same transaction as `audit.receipt_push_retry`, with the
 * keeper's URL without its query. 404 for an unknown push, 409 for one that is not failed.
 */
export async function retryFailedPush(db: Kysely<any>, id: string, now: Date, by: { actorId: string; requestId: string }): Promise<ReceiptPush> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.updateTable('platform.audit_receipt_push').set({ status: 'pending', attempts: 0, next_attempt_at: now })
      .where('id', '=', id).where('status', '=', 'failed').returning([...VIEW_COLUMNS, 'seq']).executeTakeFirst();
    if (!row) {
      const found = await trx.selectFrom('platform.audit_receipt_push').select('status').where('id', '=', id).executeTakeFirst();
      if (!found) throw new AppError('AUDIT_RECEIPT_PUSH_NOT_FOUND', { id });
      throw new AppError('AUDIT_RECEIPT_PUSH_NOT_FAILED', { id, status: STATUS_TEXT[found.status as 'pending' | 'sent'] });
    }
    await insertInbox(trx, [{ at: now, actorKind: 'officer', actorId: by.actorId, action: 'audit.receipt_push_retry', requestId: by.requestId, details: { pushId: String(row.id), seq: Number(row.seq), keeper: shown(row.url) } }]);
    return toView(row);
  });
}

/**
 * Queues the latest checkpoint's receipt for each keeper with no push of that checkpoint (a keeper
 * added to the configuration since): a receipt covers the whole chain up to its entry, so the latest
 * is all a new keeper needs. Processes starting together queue it once (unique seq, url).
 * Returns how many it queued.
 */
export async function queueLatestForKeepers(db: Kysely<any>, keepers: readonly string[], now: Date): Promise<number> {
  if (!keepers.length) return 0;
  const r = await sql`
    insert into platform.audit_receipt_push (seq, url, next_attempt_at)
    select c.seq, u.url, ${now}
    from (select seq from platform.audit_checkpoint order by seq desc, id desc limit 1) c
    cross join unnest(${[...keepers]}::text[]) as u(url)
    on conflict (seq, url) do nothing`.execute(db);
  return Number(r.numAffectedRows ?? 0);
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
  private readonly failedListeners = new Set<() => void>();

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

  /** Called each time this process marks a push failed; returns the unsubscribe. */
  onFailed(listener: () => void): () => void {
    this.failedListeners.add(listener);
    return () => { this.failedListeners.delete(listener); };
  }

  /**
   * Queues the latest receipt for the keepers that have none (queueLatestForKeepers; a failure goes
   * to onError and does not stop the start), then looks for due pushes every interval.
   */
  async start(keepers: readonly string[]): Promise<void> {
    if (this.timer || this.intervalMs <= 0) return;
    await queueLatestForKeepers(this.db, keepers, this.now()).catch(this.onError);
    if (this.timer) return;
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
    if (!failed) return;
    for (const listener of this.failedListeners) listener();
    this.onError(new Error(`audit receipt push of checkpoint ${r.seq} to ${shown(r.url)} failed after ${r.attempts} attempts (last: ${error})`));
  }
}
