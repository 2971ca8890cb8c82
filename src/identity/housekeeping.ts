/**
 * Deletes what the identity module no longer needs: expired one-time codes and WebAuthn
 * challenges (a day after expiry, past every per-ID-number limit window), stale sign-in throttle
 * rows, the OpenID provider's expired payloads (consumed ones included), device sessions ended
 * longer ago than their retention (with their single-sign-on links), links whose provider Session
 * is gone, sent or given-up notices after a month, and sign-in history older than its retention.
 *
 * Each deletion is a bounded statement (`batch` rows, `for update skip locked`), repeated until a
 * batch comes back short: several processes may run it at once without waiting on each other.
 * Runs in the background (accounts.routes.ts) and as `open06 housekeeping`.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../config.ts';

export interface HousekeepingSettings {
  signInRetentionMonths: number;
  endedSessionRetentionDays: number;
  noticeRetentionDays: number;
  batch: number;
}

const DAY = 86_400_000;

export function housekeepingSettings(c: Pick<Config, 'EID_SIGN_IN_RETENTION_MONTHS' | 'EID_ENDED_SESSION_RETENTION_DAYS'>): HousekeepingSettings {
  return { signInRetentionMonths: c.EID_SIGN_IN_RETENTION_MONTHS, endedSessionRetentionDays: c.EID_ENDED_SESSION_RETENTION_DAYS, noticeRetentionDays: 30, batch: 1000 };
}

function monthsBefore(d: Date, months: number): Date {
  const x = new Date(d);
  x.setUTCMonth(x.getUTCMonth() - months);
  return x;
}

async function inBatches(db: Kysely<any>, batch: number, statement: (limit: number) => RawBuilder<unknown>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = Number((await statement(batch).execute(db)).numAffectedRows ?? 0);
    total += n;
    if (n < batch) return total;
  }
}

/** Deletes one table's rows matching `where` (SQL over the table's own columns), a batch at a time. */
function deleteWhere(db: Kysely<any>, table: string, key: string, where: RawBuilder<unknown>, batch: number): Promise<number> {
  const t = sql.raw(table);
  const k = sql.raw(key);
  return inBatches(db, batch, (limit) => sql`delete from ${t} where (${k}) in (select ${k} from ${t} where ${where} limit ${limit} for update skip locked)`);
}

/** The OpenID provider's payloads past their expiry (codes and tokens consumed or not); also run by the provider's own purge. */
export function purgeExpiredPayloads(db: Kysely<any>, now: Date, batch = 1000): Promise<number> {
  return deleteWhere(db, 'identity.oidc_payloads', 'model, id', sql`expires_at < ${now}`, batch);
}

export async function housekeeping(db: Kysely<any>, clock: Clock, s: HousekeepingSettings): Promise<Record<string, number>> {
  const now = clock.now();
  const dayAgo = new Date(now.getTime() - DAY);
  const b = s.batch;
  return {
    oneTimeCodes: await deleteWhere(db, 'identity.one_time_code', 'id', sql`expires_at < ${dayAgo}`, b),
    webauthnChallenges: await deleteWhere(db, 'identity.webauthn_challenge', 'id', sql`expires_at < ${dayAgo}`, b),
    signInThrottle: await deleteWhere(db, 'identity.signin_throttle', 'id_number', sql`updated_at < ${dayAgo} and (locked_until is null or locked_until < ${dayAgo})`, b),
    oidcPayloads: await purgeExpiredPayloads(db, now, b),
    endedSessions: await deleteWhere(db, 'identity.session', 'id', sql`coalesce(revoked_at, expires_at) < ${new Date(now.getTime() - s.endedSessionRetentionDays * DAY)}`, b),
    ssoLinks: await deleteWhere(db, 'identity.oidc_session_device', 'session_uid, device_session_id',
      sql`created_at < ${dayAgo} and not exists (select 1 from identity.oidc_payloads p where p.model = 'Session' and p.uid = session_uid)`, b),
    notices: await deleteWhere(db, 'identity.notice', 'id', sql`status <> 'pending' and created_at < ${new Date(now.getTime() - s.noticeRetentionDays * DAY)}`, b),
    signIns: await deleteWhere(db, 'identity.sign_in', 'id', sql`at < ${monthsBefore(now, s.signInRetentionMonths)}`, b),
  };
}
