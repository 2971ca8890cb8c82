import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { AnyDb } from './database.ts';

/** Migrations are plain objects registered in code, so a bundle or a fresh clone needs no file scanning. */
export function migrator(db: AnyDb, migrations: Record<string, Migration>): Migrator {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  // Modules add migrations independently, so a new one may sort before another module's last.
  return new Migrator({ db, provider, migrationTableSchema: 'public', allowUnorderedMigrations: true });
}

export async function migrateToLatest(db: AnyDb, migrations: Record<string, Migration>): Promise<string[]> {
  const { error, results } = await migrator(db, migrations).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '?'} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
