import { sql, type Kysely } from 'kysely';

/**
 * Staff of member organisations (the partner console): citizens who sign in with eID, linked to a
 * member by an admin as a manager (may replace keys, start and cancel bulk jobs) or a viewer
 * (reads only). Removal keeps the row (who added and removed whom, and when); a person is active
 * staff of a member at most once at a time.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table exchange.member_staff (
      id bigserial primary key,
      member_id text not null references exchange.member (id),
      id_number text not null check (id_number ~ '^[0-9]{12}$'),
      role text not null check (role in ('manager', 'viewer')),
      added_by text not null,
      added_at timestamptz not null default now(),
      removed_at timestamptz,
      removed_by text
    );
    create unique index member_staff_active on exchange.member_staff (member_id, id_number) where removed_at is null;
    create index member_staff_person on exchange.member_staff (id_number) where removed_at is null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table exchange.member_staff`.execute(db);
}
