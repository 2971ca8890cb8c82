/**
 * Identity verification through the data exchange (issue 6 figure: ≥ 65 % of a bare baseline
 * measured in the same run, at 64 clients, p99 ≤ 25 ms).
 *
 * The platform runs as its own process (`open06 start`, pool of 40); a partner system is registered
 * through the admin API with a key made here and gets a real access token from /oidc/token. Then
 * autocannon drives, over loopback, alternately:
 *   baseline — bench/baseline-server.ts: the same Fastify answering one JSON POST with one
 *              prepared primary-key lookup, no auth, no audit (its own process, pool of 40);
 *   exchange — POST /api/v1/exchange/verify: bearer token, system and grant, rate limit, quota,
 *              the person and their cards, the comparison, and the audit entry durably chained
 *              before the answer.
 * Each phase reports requests/s, p50/p95/p99, and CPU seconds of the server process and of
 * PostgreSQL; the app's resident memory is reported at the end.
 *
 * Usage: node --import tsx bench/exchange-verify.bench.ts [--people 1000000] [--seconds 15] [--connections 64] [--rounds 2] [--dir bench-pg] [--pg-stats] [--prewarm]
 * --prewarm: the people's table and the audit log's index by person in PostgreSQL's cache first (bench/prewarm.ts).
 * With --dir bench-pg after the registry benchmark loaded 10 million people, nothing is loaded.
 */
import os from 'node:os';
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { PG_STATS_TUNING, PgStats } from './pg-stats.ts';
import { arg, database, machineBusy, pct, postgresCpu, procStats, registerPartner, samplePeople, startApp, startChild } from './exchange-setup.ts';
import { stopProcess } from './app-env.ts';
import { PREWARM_TUNING, prewarm } from './prewarm.ts';

const PEOPLE = Number(arg('people', '1000000'));
const SECONDS = Number(arg('seconds', '15'));
const CONNECTIONS = Number(arg('connections', '64'));
const ROUNDS = Number(arg('rounds', '2'));
const DIR = arg('dir', 'bench-pg');
const PG_PORT = Number(arg('pg-port', '54393'));
const PG_STATS = process.argv.includes('--pg-stats');
const PREWARM = process.argv.includes('--prewarm');
const APP_PORT = 8093;
const BASE_PORT = 8094;

interface Phase { name: string; rps: number; p50: number; p95: number; p99: number; errors: number; appCpu: number; pgCpu: number; machineBusyPct: number; loadavg: number }

async function drive(name: string, port: number, path: string, headers: Record<string, string>, body: () => string, seconds: number, pid: number, connections = CONNECTIONS): Promise<Phase> {
  const latencies: number[] = [];
  let errors = 0;
  const cpu0 = procStats(pid).cpu;
  const pg0 = postgresCpu(DIR);
  const m0 = machineBusy();
  const inst = autocannon({
    url: `http://127.0.0.1:${port}`, connections, duration: seconds,
    requests: [{ method: 'POST', path, setupRequest: (req: any) => ({ ...req, headers: { ...headers, 'content-type': 'application/json' }, body: body() }) }],
  }) as unknown as import('node:events').EventEmitter & Promise<autocannon.Result>;
  inst.on('response', (_c: unknown, status: number, _b: unknown, ms: number) => { if (status !== 200) errors++; latencies.push(ms); });
  await inst;
  latencies.sort((a, b) => a - b);
  const r: Phase = { name, rps: Math.round(latencies.length / seconds), p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), errors, appCpu: Math.round((procStats(pid).cpu - cpu0) * 10) / 10, pgCpu: Math.max(0, Math.round((postgresCpu(DIR) - pg0) * 10) / 10), machineBusyPct: Math.round(((machineBusy() - m0) / (seconds * os.cpus().length)) * 100), loadavg: os.loadavg()[0]! };
  console.log(`${name}: ${r.rps} req/s, p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, errors ${errors}, server CPU ${r.appCpu} s, PostgreSQL CPU ${r.pgCpu} s, machine ${r.machineBusyPct} % busy`);
  return r;
}

const t0 = Date.now();
const { server, people } = await database(DIR, PEOPLE, PG_PORT, [...(PG_STATS ? PG_STATS_TUNING : []), ...(PREWARM ? PREWARM_TUNING : [])]);
if (PREWARM) await prewarm(server.url);
let app: ChildProcess | null = null;
let base: ChildProcess | null = null;
try {
  const sample = await samplePeople(server.url, 20_000, people);
  console.log(`population ${people}, sample ${sample.length}`);
  app = await startApp(server.url, APP_PORT);
  base = await startChild(['bench/baseline-server.ts'], { DATABASE_URL: server.url, PORT: String(BASE_PORT) }, 'baseline ready');
  const client = await registerPartner(`http://127.0.0.1:${APP_PORT}`, [{ service: 'identity_verification', fields: ['fullName', 'birthDate', 'sex', 'personStatus', 'cardValid'], purposes: ['account_opening'] }]);
  const auth = { authorization: `Bearer ${await client.accessToken()}` };
  let i = 0;
  const body = () => {
    const p = sample[i++ % sample.length]!;
    return JSON.stringify({ idNumber: p.idNumber, purpose: 'account_opening', fullName: p.fullName, birthDate: p.birthDate });
  };
  // One check that the exchange answers as expected before measuring.
  const probe = await fetch(`http://127.0.0.1:${APP_PORT}/api/v1/exchange/verify`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: body() });
  const answer = await probe.json() as { outcome?: string };
  if (probe.status !== 200 || answer.outcome !== 'match') throw new Error(`probe: ${probe.status} ${JSON.stringify(answer)}`);

  await drive('warm-up baseline', BASE_PORT, '/verify', {}, body, Math.min(5, SECONDS), base.pid!, 16);
  await drive('warm-up exchange', APP_PORT, '/api/v1/exchange/verify', auth, body, Math.min(5, SECONDS), app.pid!, 16);
  const phases: Phase[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    phases.push(await drive(`baseline #${round}`, BASE_PORT, '/verify', {}, body, SECONDS, base.pid!));
    const stats = PG_STATS && round === ROUNDS ? await PgStats.reset(server.url) : null;
    phases.push(await drive(`exchange verify #${round}`, APP_PORT, '/api/v1/exchange/verify', auth, body, SECONDS, app.pid!));
    await stats?.report(10);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const baseRps = mean(phases.filter((p) => p.name.startsWith('baseline')).map((p) => p.rps));
  const exRps = mean(phases.filter((p) => p.name.startsWith('exchange')).map((p) => p.rps));
  const worstP99 = Math.max(...phases.filter((p) => p.name.startsWith('exchange')).map((p) => p.p99));
  const mem = procStats(app.pid!);
  const result = {
    people, seconds: SECONDS, connections: CONNECTIONS,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
    phases, baselineRps: Math.round(baseRps), exchangeRps: Math.round(exRps), ratio: Math.round((exRps / baseRps) * 1000) / 1000,
    exchangeP99: worstP99, target: { ratio: 0.65, p99: 25 }, met: exRps / baseRps >= 0.65 && worstP99 <= 25,
    appMemory: { rssMiB: mem.rssMiB, peakMiB: mem.hwmMiB }, wallSeconds: Math.round((Date.now() - t0) / 1000),
  };
  console.log(`exchange / baseline = ${result.ratio} (target ≥ 0.65), exchange p99 ${worstP99.toFixed(2)} ms (target ≤ 25 ms)`);
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await Promise.all([stopProcess(base), stopProcess(app)]);
  await server.stop();
}
