/**
 * Registry benchmark: loads (or tops up) a synthetic population of N people into its own embedded
 * PostgreSQL, starts the platform in a child process, and drives it over loopback HTTP with
 * autocannon:
 *   1. person by ID (full read with purpose, audited)       16 connections
 *   2. name search without diacritics + birth year          16 connections
 *   3. a life event (change of current place of living)     50 connections
 * Usage: node --import tsx bench/registry.bench.ts --people 1000000 [--seconds 20] [--dir bench-pg]
 *        [--phases byId,search,given,events]   (default: all; BENCH_APP_NODE_OPTIONS adds flags to the app, e.g. --cpu-prof)
 *        [--pg-stats]   PostgreSQL with pg_stat_statements: after each phase, its costliest statements and its WAL
 *        [--pg-set name=value]   a PostgreSQL setting for an experiment (repeatable)
 *        [--prewarm]   the people's table, its indexes and the audit log's index by person read into
 *                      PostgreSQL's buffer cache first, with shared_buffers of 8 GB (bench/prewarm.ts)
 * The data folder .tmp/<dir> is reused: running 1M, then 3M, then 10M loads only the difference.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { connect } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { migrations } from '../src/modules.ts';
import { loadPopulation } from '../src/synth/loader.ts';
import { hashPassword } from '../src/platform/auth/password.ts';
import { machineBusy, postgresCpu, procStats } from './exchange-setup.ts';
import { PG_STATS_TUNING, PgStats } from './pg-stats.ts';
import { BENCH_APP_ENV, stopProcess } from './app-env.ts';
import { PREWARM_TUNING, prewarm } from './prewarm.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};
const PEOPLE = Number(arg('people', '1000000'));
const SECONDS = Number(arg('seconds', '20'));
const PHASES = new Set(arg('phases', 'byId,search,given,events').split(','));
const PG_STATS = args.includes('--pg-stats');
// --pg-set name=value (repeatable): a PostgreSQL setting for an experiment, e.g. --pg-set wal_compression=pglz
const PG_SET = args.flatMap((a, k) => (args[k - 1] === '--pg-set' ? ['-c', a] : []));
const PREWARM = args.includes('--prewarm');
const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, '.tmp', arg('dir', 'bench-pg'));
const PG_PORT = 54391;
const APP_PORT = 8091;

function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function drive(...a: Parameters<typeof measure>) {
  // With --pg-stats: where PostgreSQL spent each phase.
  const stats = PG_STATS ? await PgStats.reset(server.url) : null;
  const r = await measure(...a);
  await stats?.report();
  return r;
}

async function measure(name: string, connections: number, method: 'GET' | 'POST', nextPath: () => string, body: (() => string) | null, token: string) {
  const latencies: number[] = [];
  let errors = 0;
  const statuses: Record<number, number> = {};
  const cpu0 = { app: app?.pid ? procStats(app.pid).cpu : 0, pg: postgresCpu(path.basename(dataDir)), machine: machineBusy() };
  const inst = autocannon({
    url: `http://127.0.0.1:${APP_PORT}`,
    connections,
    duration: SECONDS,
    requests: [{
      method,
      setupRequest: (req: any) => ({ ...req, path: nextPath(), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, ...(body ? { body: body() } : {}) }),
    }],
  }) as unknown as import('node:events').EventEmitter & Promise<autocannon.Result>;
  inst.on('response', (_c: unknown, status: number, _b: unknown, ms: number) => {
    if (status >= 400) {
      errors++;
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    latencies.push(ms);
  });
  const res = await inst;
  latencies.sort((a, b) => a - b);
  const n = latencies.length || 1;
  // CPU per request (µs) of the platform process and of PostgreSQL, and the whole machine's busy share: steadier than req/s on a shared machine.
  const cpu = { appUs: Math.round(((app?.pid ? procStats(app.pid).cpu : 0) - cpu0.app) * 1e6 / n), pgUs: Math.round((postgresCpu(path.basename(dataDir)) - cpu0.pg) * 1e6 / n), machineBusyPct: Math.round((machineBusy() - cpu0.machine) * 100 / SECONDS / os.cpus().length) };
  const r = { name, connections, requests: latencies.length, rps: Math.round(latencies.length / SECONDS), errors, non2xx: res.non2xx, p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), max: latencies[latencies.length - 1], cpu };
  console.log(`${name}: ${r.rps} req/s, p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, errors ${errors}${errors ? ` ${JSON.stringify(statuses)}` : ''}; CPU per request: platform ${cpu.appUs} µs, PostgreSQL ${cpu.pgUs} µs; machine ${cpu.machineBusyPct} % busy`);
  return r;
}

const t0 = Date.now();
fs.mkdirSync(path.dirname(dataDir), { recursive: true });
const server = await startEmbeddedPostgres({ dataDir, port: PG_PORT, tuning: ['-c', 'shared_buffers=2GB', '-c', 'max_wal_size=8GB', '-c', 'maintenance_work_mem=1GB', '-c', 'work_mem=32MB', '-c', 'effective_cache_size=12GB', '-c', 'checkpoint_timeout=30min', ...(PG_STATS ? PG_STATS_TUNING : []), ...(PREWARM ? PREWARM_TUNING : []), ...PG_SET] });
let app: ChildProcess | null = null;
try {
  const d = connect(server.url, 8);
  await migrateToLatest(d.db, migrations);
  const pool = new pg.Pool({ connectionString: server.url, max: 4 });
  const before = Number((await pool.query('select count(*)::int n from registry.person')).rows[0].n);
  let load: unknown = null;
  if (before < PEOPLE) {
    let last = 0;
    load = await loadPopulation(pool, { people: PEOPLE, seed: 6, onProgress: (done: number, total: number) => { if (done - last >= 500_000 || done === total) { last = done; console.log(`  loaded ${done}/${total}`); } } });
    console.log('load:', JSON.stringify(load));
  }
  const people = Number((await pool.query('select count(*)::int n from registry.person')).rows[0].n);
  if (PREWARM) await prewarm(server.url);
  await pool.query(`insert into platform.officer (username, display_name, password_hash, roles, province_code, created_by) values ('bench', 'Benchmark', $1, '{registrar,supervisor}', null, 'bench') on conflict (username) do nothing`, [await hashPassword('bench-password-not-secret')]);
  const sampleIds = (await pool.query(`select id_number from registry.person tablesample system (1) where status = 'living' limit 20000`)).rows.map((r) => r.id_number as string);
  const sampleNames = (await pool.query(`select full_name, birth_year from registry.person tablesample system (1) limit 5000`)).rows as Array<{ full_name: string; birth_year: number }>;
  await pool.end();
  await d.close();

  app = spawn(process.execPath, ['--import', 'tsx', ...(process.env.BENCH_APP_NODE_OPTIONS ?? '').split(' ').filter(Boolean), 'src/cli.ts', 'start', '--no-seed'], { cwd: root, env: { ...process.env, DATABASE_URL: server.url, PORT: String(APP_PORT), LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '40', ...BENCH_APP_ENV }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    app!.stdout!.on('data', (b: Buffer) => { if (b.toString().includes('Open06 is running')) resolve(); });
    app!.on('exit', (c) => reject(new Error(`app exited ${c}`)));
  });
  const login = await fetch(`http://127.0.0.1:${APP_PORT}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-password-not-secret', bearer: true }) });
  const token = (await login.json()).token as string;

  let i = 0;
  const strip = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
  // Warm-up, then the three measured phases.
  await drive('warm-up', 8, 'GET', () => `/api/v1/registry/people/${sampleIds[i++ % sampleIds.length]}?purpose=bench`, null, token);
  const skip = null;
  const byId = !PHASES.has('byId') ? skip : await drive('person by ID', 16, 'GET', () => `/api/v1/registry/people/${sampleIds[i++ % sampleIds.length]}?purpose=bench`, null, token);
  const search = !PHASES.has('search') ? skip : await drive('name search (no diacritics) + birth year', 16, 'GET', () => {
    const s = sampleNames[i++ % sampleNames.length]!;
    return `/api/v1/registry/people?q=${encodeURIComponent(strip(s.full_name))}&birthYear=${s.birth_year}`;
  }, null, token);
  const given = !PHASES.has('given') ? skip : await drive('given name only (whole word) + birth year', 16, 'GET', () => {
    const s = sampleNames[i++ % sampleNames.length]!;
    return `/api/v1/registry/people?q=${encodeURIComponent(strip(s.full_name).split(' ').pop()!)}&birthYear=${s.birth_year}`;
  }, null, token);
  let n = 0;
  const events = !PHASES.has('events') ? skip : await drive('life event: current residence change', 50, 'POST', () => `/api/v1/registry/people/${sampleIds[(n++ * 7919) % sampleIds.length]}/current-residence`, () => JSON.stringify({ legalBasis: 'Luật Cư trú 2020, Điều 19', residence: { address: `Số ${n} phố Bench ${t0}`, provinceCode: '01', communeCode: '00004' } }), token);
  const result = { people, seconds: SECONDS, machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version }, load, byId, search, given, events, wallSeconds: Math.round((Date.now() - t0) / 1000) };
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await stopProcess(app);
  await server.stop();
}
