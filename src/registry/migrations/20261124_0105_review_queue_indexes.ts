import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The review queues page by request time (oldest first), nationwide or in a province.
    create index duplicate_review_pending_requested on registry.duplicate_review (province_code, requested_at, id) where status = 'pending';
    create index duplicate_review_pending_requested_all on registry.duplicate_review (requested_at, id) where status = 'pending';
    create index correction_pending_requested on registry.correction (requested_at, id) where status = 'pending';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index registry.duplicate_review_pending_requested;
    drop index registry.duplicate_review_pending_requested_all;
    drop index registry.correction_pending_requested;
  `.execute(db);
}
