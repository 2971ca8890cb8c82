import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- One push of a checkpoint's signed receipt to a keeper outside the platform (AUDIT_RECEIPT_PUSH_URLS),
    -- queued in the transaction that records the checkpoint and sent by the receipt pusher.
    create table platform.audit_receipt_push (
      id bigserial primary key,
      seq bigint not null,
      url text not null,
      status text not null default 'pending' check (status in ('pending', 'sent', 'failed')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      last_status integer,
      last_error text,
      created_at timestamptz not null default now()
    );
    create index audit_receipt_push_due on platform.audit_receipt_push (next_attempt_at) where status = 'pending';
    create index audit_receipt_push_seq on platform.audit_receipt_push (seq, id);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table platform.audit_receipt_push;`.execute(db);
}
