import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Each successful walk of the audit chain: up to which entry it verified and that entry's hash,
    -- so that the next walk starts there instead of at the first entry.
    create table platform.audit_checkpoint (
      id bigserial primary key,
      seq bigint not null,
      hash bytea not null,
      walk text not null check (walk in ('full', 'incremental')),
      from_seq bigint not null,
      entries bigint not null,
      verified_at timestamptz not null,
      verified_by text not null
    );
    create index audit_checkpoint_latest on platform.audit_checkpoint (seq desc, id desc);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table platform.audit_checkpoint;`.execute(db);
}
