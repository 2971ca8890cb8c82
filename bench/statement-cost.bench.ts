/**
 * What one statement costs the platform's thread, and what one audit batch costs PostgreSQL
 * (BENCHMARKS.md, session 4; docs/decisions/0004). On a folder the registry benchmark filled:
 *   1. 16 callers for 4 s each, prepared statements on a pool of 16: one person's 41 columns
 *      (`select *`), the same row as one JSON column (`row_to_json`), one column, `select 1`:
 *      queries per second and this process's CPU per query;
 *   2. `platform.audit_append` with 24 verification-like entries, 200 times each inside a
 *      transaction rolled back (execution only) and committed (execution and the WAL flush).
 * Usage: node --import tsx bench/statement-cost.bench.ts [--dir bench-pg] [--rounds 2]
 */
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { appendPayload } from '../src/platform/audit/audit.store.ts';
import { arg } from './exchange-setup.ts';

const dataDir = path.resolve(import.meta.dirname, '..', '.tmp', arg('dir', 'bench-pg'));
const ROUNDS = Number(arg('rounds', '2'));
const server = await startEmbeddedPostgres({ dataDir, port: 54396, tuning: ['-c', 'shared_buffers=2GB', '-c', 'max_wal_size=8GB', '-c', 'checkpoint_timeout=30min'] });
const pool = new pg.Pool({ connectionString: server.url, max: 16 });
try {
  const ids = (await pool.query(`select id_number from registry.person tablesample system (0.01) limit 2000`)).rows.map((r) => r.id_number as string);
  if (!ids.length) throw new Error(`no people in ${dataDir}: run the registry benchmark first`);

  const perQuery = async (name: string, text: string, values: (id: string) => unknown[]) => {
    let n = 0;
    const end = Date.now() + 4000;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 16 }, async () => {
      while (Date.now() < end) await pool.query({ name, text, values: values(ids[n++ % ids.length]!) });
    }));
    const c = process.cpuUsage(c0);
    console.log(`${name}: ${Math.round(n / ((performance.now() - t0) / 1000))} queries/s, ${Math.round((c.user + c.system) / n)} µs of this process's CPU per query`);
  };

  const client = await pool.connect();
  const batch = () => appendPayload(Array.from({ length: 24 }, (_, i) => ({
    at: new Date(), actorKind: 'partner' as const, actorId: `bench-system-${i % 3}`, action: 'exchange.identity_verification', subjectKind: 'person',
    subjectId: ids[Math.floor(Math.random() * ids.length)]!, fields: ['fullName', 'birthDate', 'personStatus', 'cardValid'], purpose: 'account_opening',
    legalBasis: 'bench', requestId: `bench-${Math.random()}`, details: { outcome: 'match', nameMatching: 'exact' },
  })));
  const append = async (commit: boolean) => {
    let t = 0;
    for (let r = 0; r < 200; r++) {
      const payload = batch();
      if (!commit) await client.query('begin');
      const t0 = performance.now();
      await client.query({ name: 'append', text: 'select platform.audit_append($1::jsonb)', values: [payload] });
      t += performance.now() - t0;
      if (!commit) await client.query('rollback');
    }
    return t / 200;
  };
  try {
    await append(false); // the chain's and the indexes' pages into the cache first
    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`round ${round}`);
      await perQuery('select * (41 columns)', 'select * from registry.person where id_number = $1', (id) => [id]);
      await perQuery('row_to_json (one JSON column)', 'select row_to_json(p) as r from registry.person p where id_number = $1', (id) => [id]);
      await perQuery('one column', 'select full_name from registry.person where id_number = $1', (id) => [id]);
      await perQuery('select 1', 'select $1::int as x', () => [1]);
      const rolledBack = await append(false);
      const committed = await append(true);
      console.log(`audit_append, 24 entries: ${rolledBack.toFixed(3)} ms rolled back, ${committed.toFixed(3)} ms committed (the WAL flush: ${(committed - rolledBack).toFixed(3)} ms)`);
    }
  } finally {
    client.release();
  }
} finally {
  await pool.end();
  await server.stop();
}
