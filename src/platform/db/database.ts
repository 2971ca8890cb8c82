import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

// Dates stay strings ('yyyy-mm-dd'): a birth date is a calendar day, not an instant.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);
// bigint counters fit in a JS number for every table we have.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type AnyDb = Kysely<any>;

export interface Database {
  db: AnyDb;
  pool: pg.Pool;
  close(): Promise<void>;
}

export function connect(url: string, poolSize = 20): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'open06' });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool, close: () => db.destroy() };
}

export async function ping(db: AnyDb): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Replaces the database part of a PostgreSQL URL. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
