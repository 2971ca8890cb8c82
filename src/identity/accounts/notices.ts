/**
 * Every notice to a citizen (a new device signed in, an organisation asks for consent, the password
 * changed, the account closed, suspended or reactivated, a child's account opened, a registration
 * or a level-2 reset attempted on their account) goes through a durable table, `identity.notice`,
 * written in the transaction of the change that causes it (a change that rolls back sends nothing;
 * one that commits is not lost if the process dies just after), and is sent by `NoticeWorker` with
 * retries: a text the gateway fails to send is tried again with exponential backoff and given up
 * (recorded as `failed`) after `maxAttempts`. One-time codes do not come here: the citizen is
 * waiting for them and can ask again.
 *
 * Several processes may run the worker: a due row is claimed with `for update skip locked` and its
 * next attempt moved `leaseMs` ahead in the same statement, so no other worker sees it due while it
 * is being sent (a process that dies mid-send leaves it to be retried when the lease runs out).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.ts';
import type { Localised } from '../../platform/i18n/lang.ts';
import { maskEmail, maskPhone, type OtpSender } from './otp-sender.ts';

export type NoticeKind =
  | 'new_device' | 'consent_requested' | 'password_changed' | 'account_closed' | 'suspended' | 'reactivated'
  | 'child_account_opened' | 'registration_with_existing_account' | 'level2_reset_refused';

export interface NoticeSettings {
  /** Attempts before a notice is given up. */
  maxAttempts: number;
  /** Delay after the first failure; doubled after each further one, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** How long a claimed notice is hidden from other workers while it is being sent. */
  leaseMs: number;
  /** Notices claimed per statement. */
  batch: number;
}

export const DEFAULT_NOTICE_SETTINGS: NoticeSettings = { maxAttempts: 8, baseDelayMs: 30_000, maxDelayMs: 3_600_000, leaseMs: 300_000, batch: 50 };

export interface NoticeInput {
  kind: NoticeKind;
  accountId: string | null;
  to: { phone: string } | { email: string };
  text: Localised;
  /** Makes queueing idempotent (an event handled twice queues its notice once). */
  dedupeKey?: string;
}

interface NoticeRow {
  id: string;
  kind: NoticeKind;
  phone: string | null;
  email: string | null;
  text: Localised;
  attempts: number;
}

/** Queues a notice in the caller's transaction; its id, or null when one with the same dedupe key exists. */
export async function queueNotice(trx: Transaction<any> | Kysely<any>, n: NoticeInput, now: Date): Promise<string | null> {
  const r = await trx.insertInto('identity.notice').values({
    kind: n.kind, account_id: n.accountId,
    phone: 'phone' in n.to ? n.to.phone : null, email: 'email' in n.to ? n.to.email : null,
    text: JSON.stringify(n.text), dedupe_key: n.dedupeKey ?? null,
    status: 'pending', attempts: 0, next_attempt_at: now, created_at: now,
  }).onConflict((oc) => oc.column('dedupe_key').doNothing()).returning(sql<string>`id::text`.as('id')).executeTakeFirst();
  return r?.id ?? null;
}

/** Digits runs that look like phone numbers are masked (a gateway's error may quote the number). */
export function maskPhonesIn(text: string): string {
  return text.replace(/\+?\d[\d .-]{7,}\d/g, (m) => maskPhone(m.replace(/[^\d+]/g, '')));
}

export function backoffMs(s: NoticeSettings, failures: number): number {
  return Math.min(s.maxDelayMs, s.baseDelayMs * 2 ** Math.max(0, failures - 1));
}

export class NoticeWorker {
  readonly settings: NoticeSettings;

  constructor(
    private readonly db: Kysely<any>,
    private readonly sender: OtpSender,
    private readonly clock: Clock,
    settings: Partial<NoticeSettings> = {},
    /** Lines for the log; phone numbers and e-mails in them are masked. */
    public log: (level: 'info' | 'warn', line: string) => void = () => undefined,
  ) {
    this.settings = { ...DEFAULT_NOTICE_SETTINGS, ...settings };
  }

  /** Claims the notices that are due (at most `batch`) and sends them; returns how many were attempted. */
  async deliverDue(): Promise<number> {
    const now = this.clock.now();
    return this.claimAndSend(sql`select id from identity.notice
        where status = 'pending' and next_attempt_at <= ${now}
        order by next_attempt_at limit ${this.settings.batch}
        for update skip locked`);
  }

  /**
   * Sends these notices now, before the caller answers (a failure leaves them to the retries). Used
   * where the answer's timing must not depend on which of two texts was sent: a registration on
   * an existing account sends its notice in the time a new one sends its code.
   */
  async deliverNow(ids: readonly string[]): Promise<number> {
    if (!ids.length) return 0;
    return this.claimAndSend(sql`select id from identity.notice where id = any(${ids}::bigint[]) and status = 'pending' for update skip locked`);
  }

  private async claimAndSend(due: ReturnType<typeof sql>): Promise<number> {
    const now = this.clock.now();
    const { rows } = await sql<NoticeRow>`
      with due as (${due})
      update identity.notice n set next_attempt_at = ${new Date(now.getTime() + this.settings.leaseMs)}, attempts = n.attempts + 1
      from due where n.id = due.id
      returning n.id::text, n.kind, n.phone, n.email, n.text, n.attempts`.execute(this.db);
    await Promise.all(rows.map((r) => this.send(r)));
    return rows.length;
  }

  /** Delivers until nothing is due now (tests, the CLI). */
  async deliverAll(): Promise<number> {
    let n = 0;
    for (let k = await this.deliverDue(); k > 0; k = await this.deliverDue()) n += k;
    return n;
  }

  private async send(r: NoticeRow): Promise<void> {
    const to = r.phone ? maskPhone(r.phone) : maskEmail(r.email ?? '');
    try {
      await this.sender.send({ to: r.phone ? { phone: r.phone } : { email: r.email! }, purpose: 'notice', text: r.text });
    } catch (e) {
      const error = maskPhonesIn(String((e as Error)?.message ?? e)).slice(0, 500);
      const now = this.clock.now();
      if (r.attempts >= this.settings.maxAttempts) {
        await this.db.updateTable('identity.notice').set({ status: 'failed', last_error: error, gave_up_at: now }).where('id', '=', r.id).execute();
        this.log('warn', `eID notice ${r.id} (${r.kind}) to ${to} given up after ${r.attempts} attempts: ${error}`);
      } else {
        const next = new Date(now.getTime() + backoffMs(this.settings, r.attempts));
        await this.db.updateTable('identity.notice').set({ last_error: error, next_attempt_at: next }).where('id', '=', r.id).execute();
        this.log('warn', `eID notice ${r.id} (${r.kind}) to ${to} failed (attempt ${r.attempts} of ${this.settings.maxAttempts}), next at ${next.toISOString()}: ${error}`);
      }
      return;
    }
    await this.db.updateTable('identity.notice').set({ status: 'sent', sent_at: this.clock.now(), last_error: null }).where('id', '=', r.id).execute();
    this.log('info', `eID notice ${r.id} (${r.kind}) sent to ${to}`);
  }
}
