import { sql, type Kysely } from 'kysely';
import { SEARCH_INDEXES } from './20261124_0101_create_registry.ts';

/**
 * Databases created before search keys moved to the "C" collation: swap the search indexes for
 * ones that also give the order (a no-op on a database created since).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    drop index if exists registry.person_name_words;
    drop index if exists registry.person_name_key;
    drop index if exists registry.person_given_key;
    drop index if exists registry.person_dup_key;
    alter table registry.person alter column name_key type text collate "C", alter column given_key type text collate "C";
  `.execute(db);
  for (const ix of SEARCH_INDEXES) await sql.raw(ix).execute(db);
}

export async function down(): Promise<void> {
  // The earlier indexes are not restored: the new ones answer the same queries.
}
