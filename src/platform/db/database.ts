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

const MAX_PREPARED = 1000;
const MAX_PREPARED_TEXT = 8000;

/**
 * Every parameterised query text becomes a named prepared statement on each connection that runs
 * it, so PostgreSQL parses and plans it once per connection instead of once per call (person by
 * ID: 1.5 times the queries per second in the same run). At most MAX_PREPARED distinct texts are
 * named (dynamic SQL beyond that runs unnamed); a text whose plan a schema change invalidated
 * falls back to unnamed.
 */
export function preparedStatements(pool: pg.Pool): void {
  const names = new Map<string, string | null>();
  const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
  const wrapped = new WeakSet<pg.PoolClient>();
  type Done = (err: Error | undefined, client?: pg.PoolClient, release?: (e?: Error) => void) => void;
  // pg's own Pool.query calls connect with a callback; Kysely awaits the promise. Both are served.
  (pool as unknown as { connect: (cb?: Done) => Promise<pg.PoolClient> | undefined }).connect = (cb?: Done) => {
    const p = connect().then(wrap);
    if (!cb) return p;
    p.then((c) => cb(undefined, c, (e?: Error) => c.release(e)), (e: Error) => cb(e));
    return undefined;
  };
  const wrap = (client: pg.PoolClient): pg.PoolClient => {
    if (wrapped.has(client)) return client;
    wrapped.add(client);
    const query = client.query.bind(client) as (...a: unknown[]) => Promise<unknown>;
    (client as unknown as { query: (...a: unknown[]) => unknown }).query = (text: unknown, values?: unknown, cb?: unknown) => {
      if (typeof text !== 'string' || !Array.isArray(values) || values.length === 0 || cb !== undefined || text.length > MAX_PREPARED_TEXT) return query(text, values, cb);
      let name = names.get(text);
      if (name === undefined) {
        name = names.size < MAX_PREPARED ? `o6_${names.size}` : null;
        names.set(text, name);
      }
      if (name === null) return query(text, values);
      return query({ text, values, name }).catch((e: { code?: string }) => {
        // 0A000: "cached plan must not change result type" after a column change.
        if (e.code !== '0A000') throw e;
        names.set(text, null);
        return query(text, values);
      });
    };
    return client;
  };
}

export function connect(url: string, poolSize = 20): Database {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, application_name: 'open06' });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor one dropped while checked out between two statements (a transaction waiting on the
  // platform, a database restarting): the pool stops listening for a checked-out client's errors,
  // and an 'error' event with no listener ends the process. The statement that follows fails and
  // the client is discarded when it goes back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  preparedStatements(pool);
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
