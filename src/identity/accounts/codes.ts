/**
 * One-time codes sent to a phone: six digits, kept only as a hash (salted with the code's row id),
 * with a purpose, an expiry and a number of attempts. A wrong attempt is counted in its own
 * transaction, so it stays counted whatever happens next.
 */
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../platform/http/errors.ts';
import { accountsStore as store, type CodePurpose, type CodeRow } from './accounts.store.ts';
import { fieldError } from './accounts.errors.ts';

export const CODE_MAX_ATTEMPTS = 5;

export function hashCode(id: string, code: string): Buffer {
  return createHash('sha256').update(`${id}:${code}`).digest();
}

export function newCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export interface IssuedCode {
  id: string;
  code: string;
  expiresAt: Date;
}

export interface CodeLimits {
  /** Codes one ID number may be sent per purpose within `windowMs` (decoys included, so the limit says nothing about accounts). */
  perIdNumber: number;
  windowMs: number;
}

/** Refuses a new code when the ID number had too many of this purpose lately. */
export async function checkCodeQuota(db: Kysely<any> | Transaction<any>, idNumber: string, purpose: CodePurpose, now: Date, limits: CodeLimits): Promise<void> {
  const { n, oldest } = await store.codesSince(db, idNumber, purpose, new Date(now.getTime() - limits.windowMs));
  if (n >= limits.perIdNumber) {
    const minutes = Math.max(1, Math.ceil(((oldest?.getTime() ?? now.getTime()) + limits.windowMs - now.getTime()) / 60_000));
    throw new AppError('EID_CODE_REQUESTS_EXCEEDED', { minutes }, [], { 'retry-after': String(minutes * 60) });
  }
}

/** Writes a code (or a decoy that is never sent and never matches) and returns it for sending. */
export async function issueCode(trx: Kysely<any> | Transaction<any>, c: { purpose: CodePurpose; accountId: string | null; idNumber: string; phone: string; payload?: Record<string, unknown>; decoy?: boolean; ttlMs: number; now: Date; ip?: string | null; retire?: 'same_phone' | 'all' }): Promise<IssuedCode> {
  const id = randomUUID();
  const code = newCode();
  const expiresAt = new Date(c.now.getTime() + c.ttlMs);
  // A decoy retires nothing: a stranger's request must not cancel the owner's code.
  if (!c.decoy && c.retire) await store.retireCodes(trx, c.idNumber, c.purpose, c.now, c.retire === 'same_phone' ? c.phone : undefined);
  await store.insertCode(trx, {
    id, purpose: c.purpose, account_id: c.accountId, id_number: c.idNumber, phone: c.phone,
    code_hash: c.decoy ? hashCode(id, `decoy:${randomUUID()}`) : hashCode(id, code),
    payload: c.payload ?? {}, decoy: !!c.decoy, max_attempts: CODE_MAX_ATTEMPTS, expires_at: expiresAt, created_at: c.now, ip: c.ip ?? null,
  });
  return { id, code, expiresAt };
}

export type CodeCheck = { ok: true; row: CodeRow } | { ok: false; error: AppError };

/**
 * Checks a code inside the caller's transaction, locking its row. A wrong code is counted and
 * reported as `{ ok: false }` (the caller commits, then throws), never thrown, so the count stays.
 */
export async function checkCode(trx: Transaction<any>, id: string, purpose: CodePurpose, code: string, now: Date): Promise<CodeCheck> {
  const row = await store.code(trx, id, { forUpdate: true });
  const field = [fieldError('code', 'code', 'Mã xác thực.', 'The code.')];
  if (!row || row.purpose !== purpose || row.consumed_at || row.expires_at <= now) return { ok: false, error: new AppError('EID_CODE_EXPIRED', {}, field) };
  if (row.attempts >= row.max_attempts) return { ok: false, error: new AppError('EID_CODE_ATTEMPTS_EXCEEDED', {}, field) };
  const given = /^\d{6}$/.test(code) ? hashCode(row.id, code) : Buffer.alloc(32);
  if (row.decoy || !timingSafeEqual(given, row.code_hash)) {
    const attempts = await store.failCode(trx, row.id);
    const remaining = row.max_attempts - attempts;
    return { ok: false, error: remaining > 0 ? new AppError('EID_CODE_INVALID', { remaining }, field) : new AppError('EID_CODE_ATTEMPTS_EXCEEDED', {}, field) };
  }
  await store.consumeCode(trx, row.id, now);
  return { ok: true, row };
}
