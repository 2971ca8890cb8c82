import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Notices to citizens waiting to be sent (see src/identity/accounts/notices.ts): written in the
    -- transaction of what causes them, sent with retries and backoff, kept as sent or failed until
    -- housekeeping removes them.
    create table identity.notice (
      id bigserial primary key,
      kind text not null,
      account_id uuid references identity.account (id),
      phone text,
      email text,
      text jsonb not null,
      dedupe_key text unique,
      status text not null check (status in ('pending', 'sent', 'failed')),
      attempts int not null default 0,
      next_attempt_at timestamptz not null,
      last_error text,
      created_at timestamptz not null,
      sent_at timestamptz,
      gave_up_at timestamptz,
      check (phone is not null or email is not null)
    );
    create index notice_due on identity.notice (next_attempt_at) where status = 'pending';
    create index notice_done on identity.notice (created_at) where status <> 'pending';
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table identity.notice`.execute(db);
}
