/**
 * What the exchange benchmarks share: an embedded PostgreSQL in .tmp/<dir> with a synthetic
 * population of at least N people (the registry benchmark's folder `bench-pg` holds 10 million
 * once loaded), the platform started as its own process, a partner system registered through the
 * admin API with a key made here, and CPU/memory readings of processes from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/platform/db/embedded.ts';
import { connect } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { migrations } from '../src/modules.ts';
import { loadPopulation } from '../src/synth/loader.ts';
import { hashPassword } from '../src/platform/auth/password.ts';
import { ExchangeClient } from '../src/exchange/client.ts';
import { BENCH_APP_ENV } from './app-env.ts';

export const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
export const arg = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : dflt;
};

export const PG_TUNING = ['-c', 'shared_buffers=2GB', '-c', 'max_wal_size=8GB', '-c', 'maintenance_work_mem=1GB', '-c', 'work_mem=32MB', '-c', 'effective_cache_size=12GB', '-c', 'checkpoint_timeout=30min', '-c', 'max_connections=200'];

export async function database(dir: string, people: number, pgPort: number, extraTuning: string[] = []): Promise<{ server: EmbeddedServer; people: number }> {
  const dataDir = path.join(root, '.tmp', dir);
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const server = await startEmbeddedPostgres({ dataDir, port: pgPort, tuning: [...PG_TUNING, ...extraTuning] });
  const d = connect(server.url, 8);
  await migrateToLatest(d.db, migrations);
  const pool = new pg.Pool({ connectionString: server.url, max: 4 });
  const client = await pool.connect();
  try {
    const before = Number((await client.query('select count(*)::int n from registry.person')).rows[0].n);
    if (before < people) {
      let last = 0;
      await loadPopulation(pool, { people, seed: 6, onProgress: (done: number, total: number) => { if (done - last >= 500_000 || done === total) { last = done; console.log(`  loaded ${done}/${total}`); } } });
    }
    await client.query(`insert into platform.officer (username, display_name, password_hash, roles, province_code, created_by) values ('bench.admin', 'Benchmark admin', $1, '{admin}', null, 'bench') on conflict (username) do nothing`, [await hashPassword('bench-password-not-secret')]);
    const n = Number((await client.query('select count(*)::int n from registry.person')).rows[0].n);
    return { server, people: n };
  } finally {
    client.release();
    await pool.end();
    await d.close();
  }
}

/** `count` living people sampled from the whole table (id, name, birth date, sex). */
export async function samplePeople(url: string, count: number, total: number): Promise<Array<{ idNumber: string; fullName: string; birthDate: string; sex: string }>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const pct = Math.min(100, Math.max(0.01, (count / Math.max(1, total)) * 150));
    const r = await c.query(`select id_number, full_name, birth_year, birth_month, birth_day, sex from registry.person tablesample system (${pct}) where status = 'living' limit ${count}`);
    const p2 = (n: number) => String(n).padStart(2, '0');
    return r.rows.map((x) => ({ idNumber: x.id_number, fullName: x.full_name, sex: x.sex, birthDate: x.birth_month === null ? String(x.birth_year) : x.birth_day === null ? `${x.birth_year}-${p2(x.birth_month)}` : `${x.birth_year}-${p2(x.birth_month)}-${p2(x.birth_day)}` }));
  } finally {
    await c.end();
  }
}

export async function startChild(argv: string[], env: Record<string, string>, ready: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', ...argv], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (b: Buffer) => { if (b.toString().includes(ready)) resolve(); });
    child.on('exit', (c) => reject(new Error(`${argv.join(' ')} exited ${c}`)));
  });
  return child;
}

/** The platform as its own process (`open06 start --no-seed`), on `port`. */
export function startApp(url: string, port: number, extra: Record<string, string> = {}): Promise<ChildProcess> {
  return startChild([...(process.env.BENCH_APP_NODE_OPTIONS ?? '').split(' ').filter(Boolean), 'src/cli.ts', 'start', '--no-seed'], { DATABASE_URL: url, PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'warn', DATABASE_POOL_SIZE: '40', ...BENCH_APP_ENV, ...extra }, 'Open06 is running');
}

/** A member and a system registered through the admin API, with grants; returns a client holding its key. */
export async function registerPartner(base: string, grants: Array<Record<string, unknown>>, name = 'Benchmark partner'): Promise<ExchangeClient> {
  const login = await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench.admin', password: 'bench-password-not-secret', bearer: true }) });
  const admin = { authorization: `Bearer ${(await login.json() as { token: string }).token}`, 'content-type': 'application/json' };
  const post = async (p: string, body: unknown) => {
    const r = await fetch(`${base}${p}`, { method: 'POST', headers: admin, body: JSON.stringify(body) });
    const j = await r.json() as any;
    if (r.status !== 201) throw new Error(`${p}: ${r.status} ${JSON.stringify(j)}`);
    return j;
  };
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const kid = `bench-${Date.now()}`;
  const m = await post('/api/v1/exchange/admin/members', { name, kind: 'bank' });
  const s = await post(`/api/v1/exchange/admin/members/${m.id}/systems`, { name: `${name} system`, ratePerSecond: 1_000_000, jwks: { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] } });
  for (const g of grants) await post(`/api/v1/exchange/admin/systems/${s.id}/grants`, { validFrom: '2020-01-01', validUntil: '2099-12-31', quotaPerDay: 1_000_000_000, basis: { kind: 'provision', provision: 'Benchmark (synthetic data)' }, ...g });
  return new ExchangeClient(base, s.clientId, { key: privateKey, kid, alg: 'ES256' });
}

/** CPU seconds (user + system) a process has used so far, and its resident memory now and at peak (MiB). */
export function procStats(pid: number): { cpu: number; rssMiB: number; hwmMiB: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { cpu: ticks / 100, rssMiB: Math.round(kb('VmRSS') / 1024), hwmMiB: Math.round(kb('VmHWM') / 1024) };
  } catch {
    return { cpu: 0, rssMiB: 0, hwmMiB: 0 };
  }
}

/** CPU seconds of the PostgreSQL server in .tmp/<dir>: its postmaster (postmaster.pid) and every child of it. */
export function postgresCpu(dir: string): number {
  let postmaster: string;
  try {
    postmaster = fs.readFileSync(path.join(root, '.tmp', dir, 'postmaster.pid'), 'utf8').split('\n')[0]!.trim();
  } catch {
    return 0;
  }
  let total = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (d !== postmaster && f[1] !== postmaster) continue;
      // The postmaster's cutime/cstime hold the CPU of backends that have exited (closed connections).
      total += (Number(f[11]) + Number(f[12]) + (d === postmaster ? Number(f[13]) + Number(f[14]) : 0)) / 100;
    } catch { /* gone */ }
  }
  return total;
}

export function pct(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Busy CPU seconds of the whole machine so far (all cores; /proc/stat), to report utilisation. */
export function machineBusy(): number {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return (f.reduce((a, b) => a + b, 0) - idle) / 100;
}
