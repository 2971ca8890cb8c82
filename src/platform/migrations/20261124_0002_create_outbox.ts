import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Domain events written in the same transaction as the change they describe.
    create table platform.outbox (
      id bigserial primary key,
      xid xid8 not null default pg_current_xact_id(),
      topic text not null,
      key text,
      payload jsonb not null,
      created_at timestamptz not null default now()
    );
    create index outbox_xid on platform.outbox (xid, id);

    -- How far each consumer has read, as (transaction id, row id): rows become visible in commit
    -- order, not id order, so a consumer reads only rows of transactions older than every one still running.
    create table platform.outbox_consumer (
      name text primary key,
      last_xid xid8 not null default '0',
      last_id bigint not null default 0,
      processed bigint not null default 0,
      updated_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table platform.outbox_consumer; drop table platform.outbox;`.execute(db);
}
