import { sql, type Kysely, type Transaction } from 'kysely';

/** A domain event, named `noun.past_participle` (`person.deceased`). */
export interface DomainEvent {
  topic: string;
  key?: string | null;
  payload: Record<string, unknown>;
}

export interface StoredEvent extends DomainEvent {
  id: number;
  xid: string;
  createdAt: Date;
}

export async function publish(trx: Transaction<any>, events: readonly DomainEvent[]): Promise<void> {
  if (!events.length) return;
  await trx.insertInto('platform.outbox').values(events.map((e) => ({ topic: e.topic, key: e.key ?? null, payload: JSON.stringify(e.payload) }))).execute();
}

export type Handler = (event: StoredEvent, trx: Transaction<any>) => Promise<void>;

/**
 * Delivers outbox events, in commit order, to one named consumer. The handler runs in the same
 * transaction that advances the consumer's cursor: if the process dies, the batch is redone, so
 * handlers must be idempotent (at-least-once, never lost).
 */
export async function consumeOnce(db: Kysely<any>, name: string, topics: readonly string[], handler: Handler, limit = 1000): Promise<number> {
  const every = topics.includes('*');
  return db.transaction().execute(async (trx) => {
    await sql`insert into platform.outbox_consumer (name) values (${name}) on conflict do nothing`.execute(trx);
    const cur = await sql<{ last_xid: string; last_id: number }>`select last_xid::text, last_id from platform.outbox_consumer where name = ${name} for update skip locked`.execute(trx);
    const c = cur.rows[0];
    if (!c) return 0;
    // The next `limit` committed events are scanned in PostgreSQL; only this consumer's topics
    // (and the last event scanned, to move the cursor past the others) come back.
    const { rows } = await sql<{ id: number; xid: string; topic: string; key: string | null; payload: Record<string, unknown>; created_at: Date; is_last: boolean }>`
      with scan as (
        select id, xid, topic, key, payload, created_at from platform.outbox
        where (xid, id) > (${c.last_xid}::xid8, ${c.last_id})
          and xid < pg_snapshot_xmin(pg_current_snapshot())
        order by xid, id
        limit ${limit}
      ), last as (
        select xid, id from scan order by xid desc, id desc limit 1
      )
      select s.id, s.xid::text, s.topic, s.key, s.payload, s.created_at, (s.xid, s.id) = (l.xid, l.id) as is_last
      from scan s, last l
      where ${every} or s.topic = any(${[...topics]}::text[]) or (s.xid, s.id) = (l.xid, l.id)
      order by s.xid, s.id`.execute(trx);
    if (!rows.length) return 0;
    let handled = 0;
    for (const r of rows) {
      if (every || topics.includes(r.topic)) {
        await handler({ id: Number(r.id), xid: r.xid, topic: r.topic, key: r.key, payload: r.payload, createdAt: r.created_at }, trx);
        handled++;
      }
    }
    const last = rows[rows.length - 1]!;
    await sql`update platform.outbox_consumer set last_xid = ${last.xid}::xid8, last_id = ${last.id}, processed = processed + ${handled}, updated_at = now() where name = ${name}`.execute(trx);
    return rows.length;
  });
}

export async function consumeAll(db: Kysely<any>, name: string, topics: readonly string[], handler: Handler): Promise<number> {
  let n = 0;
  for (;;) {
    const k = await consumeOnce(db, name, topics, handler);
    if (k === 0) return n;
    n += k;
  }
}
