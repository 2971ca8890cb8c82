import { sql, type Kysely } from 'kysely';

/**
 * Exact daily quotas across platform processes. `quota_day` is the one row per system, service and
 * Vietnam day that every process reserves from (its row lock orders them): `used` counts calls
 * (rows for bulk verification) settled, `reserved` the blocks processes hold and have not settled.
 * `quota_reservation` says which process holds how much, so a dead process's block is reclaimed.
 * Today's `used` starts from what exchange.usage already counted.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table exchange.quota_day (
      system_id text not null,
      service text not null,
      day date not null,
      used bigint not null default 0,
      reserved bigint not null default 0 check (reserved >= 0),
      -- The units the last reservation granted (set with it: RETURNING sees it).
      last_grant bigint not null default 0,
      primary key (system_id, service, day)
    );
    create table exchange.quota_reservation (
      system_id text not null,
      service text not null,
      day date not null,
      process_id text not null,
      units bigint not null check (units >= 0),
      renewed_at timestamptz not null default now(),
      primary key (system_id, service, day, process_id)
    );
    insert into exchange.quota_day (system_id, service, day, used)
    select system_id, service, (hour at time zone 'Asia/Ho_Chi_Minh')::date, sum(calls)
    from exchange.usage where hour >= now() - interval '2 days'
    group by 1, 2, 3;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table exchange.quota_reservation; drop table exchange.quota_day;`.execute(db);
}
