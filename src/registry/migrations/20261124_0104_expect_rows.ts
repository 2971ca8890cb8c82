import { sql, type Kysely } from 'kysely';

/**
 * A life event written by one statement checks in that statement that every person it changes
 * still has the version it was read at; otherwise the statement fails with a serialization
 * failure (40001) and the service reads again and retries.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create function registry.expect_rows(actual int, expected int) returns int
    language plpgsql as $$
    begin
      if actual <> expected then
        raise exception using errcode = '40001', message = 'registry: a person changed since it was read';
      end if;
      return actual;
    end $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists registry.expect_rows(int, int)`.execute(db);
}
