import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- One push per (checkpoint entry, keeper): two processes queueing the latest receipt for a keeper
    -- added to the configuration, or a chain verified twice at the same entry, queue it once.
    delete from platform.audit_receipt_push a
    using platform.audit_receipt_push b
    where a.seq = b.seq and a.url = b.url and a.id > b.id;
    create unique index audit_receipt_push_seq_url on platform.audit_receipt_push (seq, url);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index platform.audit_receipt_push_seq_url;`.execute(db);
}
