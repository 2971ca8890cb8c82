import { sql, type Kysely } from 'kysely';
import { SEARCH_INDEXES } from './20261124_0101_create_registry.ts';

export async function up(db: Kysely<any>): Promise<void> {
  for (const ix of SEARCH_INDEXES) await sql.raw(ix).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['person_dup_key', 'person_year_name', 'person_given_key', 'person_perm_unit', 'person_household']) await sql.raw(`drop index if exists registry.${name}`).execute(db);
}
