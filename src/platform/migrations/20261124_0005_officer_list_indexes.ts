import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- The administrators' officer list pages by creation time (username has its unique index)
    -- and filters by province.
    create index officer_created_at on platform.officer (created_at, id);
    create index officer_province on platform.officer (province_code, username);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index platform.officer_created_at; drop index platform.officer_province;`.execute(db);
}
