import type { Kysely } from 'kysely';

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

export async function recordCheckpoint(db: Kysely<any>, c: Checkpoint): Promise<void> {
  await db.insertInto('platform.audit_checkpoint')
    .values({ seq: c.seq, hash: Buffer.from(c.hash, 'hex'), walk: c.walk, from_seq: c.fromSeq, entries: c.entries, verified_at: new Date(c.verifiedAt), verified_by: c.verifiedBy })
    .execute();
}
