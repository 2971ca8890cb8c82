/**
 * `--prewarm` for the benchmarks: the people's table, its indexes and the audit log's index by
 * person read into PostgreSQL's buffer cache (pg_prewarm) before measuring, as in a server that has
 * been running. This VM reclaims the operating system's page cache (DAMON), so without it the first
 * minutes of a run read those pages from disk. Pair with `shared_buffers=8GB` so they fit (~6 GB at
 * 10 million people).
 */
import pg from 'pg';

export const PREWARM_TUNING = ['-c', 'shared_buffers=8GB'];

export async function prewarm(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const t = Date.now();
    await client.query('create extension if not exists pg_prewarm');
    const { rows } = await client.query(`select sum(pg_prewarm(c.oid))::bigint as blocks, current_setting('shared_buffers') as buffers from pg_class c where c.oid in ('registry.person'::regclass, 'platform.audit_log_subject'::regclass) or c.oid in (select indexrelid from pg_index where indrelid = 'registry.person'::regclass)`);
    console.log(`prewarm: ${Math.round((Number(rows[0].blocks) * 8) / 1024)} MiB of registry.person, its indexes and platform.audit_log_subject in ${Math.round((Date.now() - t) / 1000)} s (shared_buffers ${rows[0].buffers})`);
  } finally {
    await client.end();
  }
}
