import { sql, type RawBuilder, type Transaction } from 'kysely';
import type { AuditEntry } from '../audit/index.ts';
import { toJsonRow } from '../audit/audit.store.ts';
import type { DomainEvent } from './outbox.ts';

export interface Effects {
  events: readonly DomainEvent[];
  audit: readonly AuditEntry[];
}

/**
 * The two inserts of a change's side effects, as statements to compose: its domain events (outbox)
 * and its audit entries (inbox, chained in order afterwards). With `stamp`, each row is read
 * alongside the relation `stamp.from` (e.g. a CTE that inserted the event) and the value
 * `stamp.id` is written into each payload's and audit entry's `eventId`, so a statement that
 * creates the event's id can write its effects too.
 */
export function effectInserts(effects: Effects, stamp?: { from: string; id: string }): { outbox: RawBuilder<unknown>; audit: RawBuilder<unknown> } {
  const events = effects.events.map((e) => ({ topic: e.topic, key: e.key ?? null, payload: e.payload }));
  const audit = effects.audit.map(toJsonRow);
  const from = sql.raw(stamp ? `${stamp.from}, ` : '');
  const stamped = (col: string) => sql.raw(stamp ? `jsonb_set(${col}, '{eventId}', to_jsonb(${stamp.id}))` : col);
  return {
    outbox: sql`
      insert into platform.outbox (topic, key, payload)
      select x.topic, x.key, ${stamped('x.payload')}
      from ${from}jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as x(topic text, key text, payload jsonb)`,
    audit: sql`
      insert into platform.audit_inbox (at, actor_kind, actor_id, action, subject_kind, subject_id, fields, purpose, legal_basis, request_id, details)
      select x.at, x.actor_kind, x.actor_id, x.action, x.subject_kind, x.subject_id, coalesce(x.fields, '{}'), x.purpose, x.legal_basis, x.request_id, ${stamped("coalesce(x.details, '{}')")}
      from ${from}jsonb_to_recordset(${JSON.stringify(audit)}::jsonb)
        as x(at timestamptz, actor_kind text, actor_id text, action text, subject_kind text, subject_id text, fields text[], purpose text, legal_basis text, request_id text, details jsonb)`,
  };
}

/**
 * A change's side effects, written in the change's transaction by one statement. One round trip
 * on the hot path of every life event and card action.
 */
export async function recordEffects(trx: Transaction<any>, effects: Effects): Promise<void> {
  if (!effects.events.length && !effects.audit.length) return;
  const s = effectInserts(effects);
  await sql`with outbox as (${s.outbox}) ${s.audit}`.execute(trx);
}
