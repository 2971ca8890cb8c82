import { sql, type Transaction } from 'kysely';
import type { AuditEntry } from '../audit/index.ts';
import { toJsonRow } from '../audit/audit.store.ts';
import type { DomainEvent } from './outbox.ts';

/**
 * A change's side effects, written in the change's transaction by one statement: its domain
 * events (outbox) and its audit entries (inbox, chained in order afterwards). One round trip on
 * the hot path of every life event and card action.
 */
export async function recordEffects(trx: Transaction<any>, effects: { events: readonly DomainEvent[]; audit: readonly AuditEntry[] }): Promise<void> {
  if (!effects.events.length && !effects.audit.length) return;
  const events = effects.events.map((e) => ({ topic: e.topic, key: e.key ?? null, payload: e.payload }));
  const audit = effects.audit.map(toJsonRow);
  await sql`
    with outbox as (
      insert into platform.outbox (topic, key, payload)
      select topic, key, payload from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as x(topic text, key text, payload jsonb)
    )
    insert into platform.audit_inbox (at, actor_kind, actor_id, action, subject_kind, subject_id, fields, purpose, legal_basis, request_id, details)
    select at, actor_kind, actor_id, action, subject_kind, subject_id, coalesce(fields, '{}'), purpose, legal_basis, request_id, coalesce(details, '{}')
    from jsonb_to_recordset(${JSON.stringify(audit)}::jsonb)
      as x(at timestamptz, actor_kind text, actor_id text, action text, subject_kind text, subject_id text, fields text[], purpose text, legal_basis text, request_id text, details jsonb)`.execute(trx);
}
