/**
 * `--pg-stats` for the benchmarks: PostgreSQL started with pg_stat_statements, counters reset before
 * a phase, then its costliest statements (execution time, which includes waiting for locks; shared
 * blocks hit, read, dirtied and written and full-page images per call) and the WAL it wrote printed after.
 */
import pg from 'pg';

export const PG_STATS_TUNING = ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track_planning=on'];

export class PgStats {
  private constructor(private readonly client: pg.Client) {}

  static async reset(url: string): Promise<PgStats> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select pg_stat_statements_reset(), pg_stat_reset_shared($1)', ['wal']);
    return new PgStats(client);
  }

  async report(top = 8): Promise<void> {
    const rows = (await this.client.query(`select calls, round((total_exec_time + total_plan_time)::numeric) as ms, round(((total_exec_time + total_plan_time) / greatest(calls, 1))::numeric, 3) as ms_per_call, round((total_plan_time / greatest(calls, 1))::numeric, 3) as plan_ms, round(shared_blks_hit::numeric / greatest(calls, 1), 1) as hit, round(shared_blks_read::numeric / greatest(calls, 1), 1) as read, round(shared_blks_dirtied::numeric / greatest(calls, 1), 1) as dirtied, round(shared_blks_written::numeric / greatest(calls, 1), 2) as written, round(wal_fpi::numeric / greatest(calls, 1), 2) as fpi, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) as query from pg_stat_statements order by total_exec_time + total_plan_time desc limit $1`, [top])).rows;
    for (const r of rows) console.log(`  pg: ${r.calls} calls, ${r.ms} ms, ${r.ms_per_call} ms/call (planning ${r.plan_ms}; blocks per call: ${r.hit} hit, ${r.read} read, ${r.dirtied} dirtied, ${r.written} written; ${r.fpi} full-page images): ${r.query}`);
    const wal = (await this.client.query('select wal_records, wal_fpi, wal_bytes from pg_stat_wal')).rows[0];
    console.log(`  pg: WAL ${wal.wal_records} records, ${wal.wal_fpi} full-page images, ${Math.round(Number(wal.wal_bytes) / 2 ** 20)} MiB`);
    await this.client.end();
  }
}
