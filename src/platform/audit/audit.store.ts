import { sql, type Kysely, type Transaction } from 'kysely';
import type { AuditEntry, ChainedEntry } from './audit.types.ts';
import { entryBody } from './audit.hash.ts';

type Db = Kysely<any> | Transaction<any>;

/** An entry as audit_log / audit_inbox columns, in JSON form (timestamp as ISO text, details as an object). */
export function toJsonRow(e: AuditEntry) {
  return {
    at: e.at.toISOString(),
    actor_kind: e.actorKind,
    actor_id: e.actorId,
    action: e.action,
    subject_kind: e.subjectKind ?? null,
    subject_id: e.subjectId ?? null,
    fields: [...(e.fields ?? [])],
    purpose: e.purpose ?? null,
    legal_basis: e.legalBasis ?? null,
    request_id: e.requestId ?? null,
    details: e.details ?? {},
  };
}

function toRow(e: AuditEntry) {
  return { ...toJsonRow(e), at: e.at, details: JSON.stringify(e.details ?? {}) };
}

export function fromRow(r: Record<string, any>): AuditEntry {
  return {
    at: r.at,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    action: r.action,
    subjectKind: r.subject_kind,
    subjectId: r.subject_id,
    fields: r.fields,
    purpose: r.purpose,
    legalBasis: r.legal_basis,
    requestId: r.request_id,
    details: r.details,
  };
}

function fromChainRow(r: Record<string, any>): ChainedEntry {
  return { ...fromRow(r), seq: Number(r.seq), prevHash: r.prev_hash, hash: r.hash };
}

export async function insertInbox(db: Db, entries: readonly AuditEntry[]): Promise<void> {
  if (entries.length) await db.insertInto('platform.audit_inbox').values(entries.map(toRow)).execute();
}

/** One chainer at a time extends the chain, in any number of processes; others wait their turn. */
export async function lockChain(trx: Transaction<any>): Promise<void> {
  await sql`select pg_advisory_xact_lock(7460602)`.execute(trx);
}

export async function takeInbox(trx: Transaction<any>, limit: number): Promise<Array<AuditEntry & { inboxId: number }>> {
  const rows = await trx.deleteFrom('platform.audit_inbox')
    .where('id', 'in', (eb: any) => eb.selectFrom('platform.audit_inbox').select('id').orderBy('id').limit(limit))
    .returningAll()
    .execute();
  return rows.sort((a, b) => Number(a.id) - Number(b.id)).map((r) => ({ ...fromRow(r), inboxId: Number(r.id) }));
}

/**
 * Appends entries, oldest first, to the end of the chain with one statement (one round trip):
 * platform.audit_append takes the chain lock, reads the head after the lock is granted, and hashes
 * and inserts every entry. Called on the pool it is its own autocommit transaction; called in a
 * transaction (READ COMMITTED) it holds the chain lock until that transaction ends.
 * Returns the seq of the new head.
 */
export async function appendEntries(db: Db, entries: readonly AuditEntry[]): Promise<number> {
  const { rows } = await sql<{ head: string }>`select platform.audit_append(${appendPayload(entries)}::jsonb) as head`.execute(db);
  return Number(rows[0]!.head);
}

/**
 * The argument of platform.audit_append for these entries (oldest first): each entry as its body
 * alone, the canonical JSON text that is hashed, from which the function also reads the columns.
 */
export function appendPayload(entries: readonly AuditEntry[]): string {
  return JSON.stringify(entries.map(entryBody));
}

export const APPEND_SQL = 'select platform.audit_append($1::jsonb) as head';

/** The chain from the entry after `afterSeq` to the head, read `batch` entries at a time. */
export async function* readChain(db: Db, afterSeq = 0, batch = 10_000): AsyncGenerator<ChainedEntry> {
  let after = afterSeq;
  for (;;) {
    const rows = await db.selectFrom('platform.audit_log').selectAll().where('seq', '>', after).orderBy('seq').limit(batch).execute();
    for (const r of rows) yield fromChainRow(r);
    if (rows.length < batch) return;
    after = Number(rows[rows.length - 1]!.seq);
  }
}

export async function chainedEntry(db: Db, seq: number): Promise<ChainedEntry | null> {
  const r = await db.selectFrom('platform.audit_log').selectAll().where('seq', '=', seq).executeTakeFirst();
  return r ? fromChainRow(r) : null;
}

export async function headSeq(db: Db): Promise<number> {
  const { rows } = await sql<{ seq: string | null }>`select max(seq) as seq from platform.audit_log`.execute(db);
  return Number(rows[0]?.seq ?? 0);
}

export async function inboxCount(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from platform.audit_inbox`.execute(db);
  return rows[0]?.n ?? 0;
}

export interface AuditQuery {
  subjectId?: string;
  actorId?: string;
  action?: string;
  beforeSeq?: number;
  /** Entries at or after `from` and before `to`. */
  from?: Date;
  to?: Date;
  limit: number;
}

export async function searchChain(db: Db, q: AuditQuery): Promise<ChainedEntry[]> {
  let query = db.selectFrom('platform.audit_log').selectAll().orderBy('seq', 'desc').limit(q.limit);
  if (q.subjectId) query = query.where('subject_id', '=', q.subjectId);
  if (q.actorId) query = query.where('actor_id', '=', q.actorId);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.beforeSeq !== undefined) query = query.where('seq', '<', q.beforeSeq);
  if (q.from) query = query.where('at', '>=', q.from);
  if (q.to) query = query.where('at', '<', q.to);
  const rows = await query.execute();
  return rows.map(fromChainRow);
}
