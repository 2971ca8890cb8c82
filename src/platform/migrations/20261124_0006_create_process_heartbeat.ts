import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- Each running platform process, refreshed every few seconds: how many share the work (a
    -- partner system's rate limit is divided among the live processes).
    create table platform.process_heartbeat (
      id text primary key,
      host text not null,
      pid int not null,
      started_at timestamptz not null default now(),
      seen_at timestamptz not null default now()
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table platform.process_heartbeat;`.execute(db);
}
