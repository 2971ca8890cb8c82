import { sql, type Kysely } from 'kysely';

/** A walk of the chain that found it intact up to entry `seq`, whose hash was then `hash` (hex). */
export interface Checkpoint {
  seq: number;
  hash: string;
  walk: 'full' | 'incremental';
  /** The first entry that walk looked at. */
  fromSeq: number;
  entries: number;
  verifiedAt: string;
  /** The officer's id, or `system` for the platform's periodic checkpoints (audit.checkpointer.ts). */
  verifiedBy: string;
}

function fromRow(r: Record<string, any>): Checkpoint {
  return { seq: Number(r.seq), hash: (r.hash as Buffer).toString('hex'), walk: r.walk, fromSeq: Number(r.from_seq), entries: Number(r.entries), verifiedAt: (r.verified_at as Date).toISOString(), verifiedBy: r.verified_by };
}

export async function latestCheckpoint(db: Kysely<any>): Promise<Checkpoint | null> {
  const r = await db.selectFrom('platform.audit_checkpoint').selectAll().orderBy('seq', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r ? fromRow(r) : null;
}

/** The last checkpoint recorded at entry `seq` (a chain verified twice with nothing new has two). */
export async function checkpointAt(db: Kysely<any>, seq: number): Promise<Checkpoint | null> {
  const r = await db.selectFrom('platform.audit_checkpoint').selectAll().where('seq', '=', seq).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return r ? fromRow(r) : null;
}

/**
 * Records the checkpoint and, in the same statement (so both or neither), queues a push of its
 * receipt to each keeper in `pushTo` (sent by audit.pusher.ts). A keeper that already has a push of
 * a checkpoint at the same entry (the chain verified again with nothing new) gets no second one.
 */
export async function recordCheckpoint(db: Kysely<any>, c: Checkpoint, pushTo: readonly string[] = []): Promise<void> {
  const verifiedAt = new Date(c.verifiedAt);
  await sql`
    with c as (
      insert into platform.audit_checkpoint (seq, hash, walk, from_seq, entries, verified_at, verified_by)
      values (${c.seq}, ${Buffer.from(c.hash, 'hex')}, ${c.walk}, ${c.fromSeq}, ${c.entries}, ${verifiedAt}, ${c.verifiedBy})
      returning seq
    )
    insert into platform.audit_receipt_push (seq, url, next_attempt_at)
    select c.seq, u.url, ${verifiedAt} from c cross join unnest(${[...pushTo]}::text[]) as u(url)
    on conflict (seq, url) do nothing
  `.execute(db);
}
