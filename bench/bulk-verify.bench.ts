/**
 * Bulk verification through the data exchange (issue 6 figure: 10 million rows in ≤ 2 minutes,
 * ≥ 83,000 rows/s, with the platform's resident memory ≤ 1 GiB).
 *
 * Writes (once per database folder and N, in .tmp/bulk-<dir>-<N>.csv) a CSV of N rows from people sampled from the registry — about 2 % with a changed
 * name, 0.5 % malformed, 0.5 % unknown ID numbers — starts the platform as its own process,
 * registers a partner system, streams the file up as a partner does (POST /api/v1/exchange/bulk-jobs),
 * follows the job to its end, and streams the result file down. Reports upload time, job time
 * (started → finished, as the job records it), rows/s, CPU seconds of the platform and of
 * PostgreSQL, and the platform's resident memory (sampled, and the kernel's peak VmHWM).
 *
 * Usage: node --import tsx bench/bulk-verify.bench.ts [--rows 1000000] [--people 1000000] [--dir bench-pg]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type { ChildProcess } from 'node:child_process';
import { arg, database, postgresCpu, procStats, registerPartner, root, samplePeople, startApp } from './exchange-setup.ts';
import { stopProcess } from './app-env.ts';

const ROWS = Number(arg('rows', '1000000'));
const PEOPLE = Number(arg('people', '1000000'));
const DIR = arg('dir', 'bench-pg');
const PG_PORT = Number(arg('pg-port', '54393'));
const APP_PORT = 8093;

async function writeFile(file: string, url: string, people: number): Promise<void> {
  if (fs.existsSync(file)) return;
  const sample = await samplePeople(url, Math.min(500_000, people), people);
  console.log(`writing ${file} (${ROWS} rows from ${sample.length} people)`);
  const tmp = `${file}.part`;
  const out = fs.createWriteStream(tmp);
  out.write('idNumber,fullName,birthDate,sex,ref\n');
  for (let i = 0; i < ROWS; i++) {
    const p = sample[(i * 7919) % sample.length]!;
    let line: string;
    if (i % 200 === 199) line = `${p.idNumber.slice(0, 11)},${p.fullName},${p.birthDate},,R${i}`;
    else if (i % 200 === 99) line = `0019999${String(i % 100000).padStart(5, '0')},Không Có,1990-01-01,,R${i}`;
    else if (i % 50 === 7) line = `${p.idNumber},${p.fullName} Anh,${p.birthDate},${p.sex},R${i}`;
    else line = `${p.idNumber},${p.fullName},${p.birthDate},${p.sex},R${i}`;
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  fs.renameSync(tmp, file);
}

const t0 = Date.now();
const { server, people } = await database(DIR, PEOPLE, PG_PORT);
let app: ChildProcess | null = null;
try {
  // Rows are sampled from this database: one file per database folder and size.
  const file = path.join(root, '.tmp', `bulk-${DIR}-${ROWS}.csv`);
  await writeFile(file, server.url, people);
  const size = fs.statSync(file).size;
  app = await startApp(server.url, APP_PORT);
  const pid = app.pid!;
  const client = await registerPartner(`http://127.0.0.1:${APP_PORT}`, [{ service: 'bulk_verification', fields: ['fullName', 'birthDate', 'sex', 'personStatus', 'cardValid'], purposes: ['sim_registration'] }], `Bulk benchmark ${Date.now()}`);
  const idleRss = procStats(pid).rssMiB;
  let maxRss = 0;
  const sampler = setInterval(() => { maxRss = Math.max(maxRss, procStats(pid).rssMiB); }, 250);
  const cpu0 = procStats(pid).cpu;
  const pg0 = postgresCpu(DIR);

  const u0 = Date.now();
  const job0 = await client.upload(file, { purpose: 'sim_registration', format: 'csv' });
  const uploadSeconds = (Date.now() - u0) / 1000;
  console.log(`uploaded ${(size / 2 ** 20).toFixed(0)} MiB in ${uploadSeconds.toFixed(1)} s; job ${job0.id}, ${job0.rows.estimated} rows`);
  const cpuUp = procStats(pid).cpu;
  const pgUp = postgresCpu(DIR);
  let job = job0;
  let last = 0;
  while (!['completed', 'failed', 'cancelled'].includes(job.status)) {
    await new Promise((r) => setTimeout(r, 1000));
    job = await client.job(job.id);
    if (Date.now() - last > 5000) { last = Date.now(); console.log(`  ${job.status} ${job.rows.done}/${job.rows.estimated} rows, ${job.progress.rowsPerSecond ?? '-'} rows/s, ETA ${job.progress.etaSeconds ?? '-'} s, RSS ${procStats(pid).rssMiB} MiB`); }
  }
  const jobSeconds = (new Date(job.finishedAt).getTime() - new Date(job.startedAt).getTime()) / 1000;
  const cpuJob = procStats(pid).cpu - cpuUp;
  const pgJob = postgresCpu(DIR) - pgUp;
  const d0 = Date.now();
  const out = path.join(root, '.tmp', `bulk-${DIR}-${ROWS}.result.csv`);
  const bytes = await client.download(job.id, out);
  const downloadSeconds = (Date.now() - d0) / 1000;
  clearInterval(sampler);
  const mem = procStats(pid);
  const result = {
    rows: ROWS, people, fileMiB: Math.round(size / 2 ** 20), status: job.status, counts: job.rows,
    upload: { seconds: uploadSeconds, mibPerSecond: Math.round(size / 2 ** 20 / uploadSeconds), appCpu: Math.round((cpuUp - cpu0) * 10) / 10, pgCpu: Math.round((pgUp - pg0) * 10) / 10 },
    job: { seconds: jobSeconds, rowsPerSecond: Math.round(ROWS / jobSeconds), appCpu: Math.round(cpuJob * 10) / 10, pgCpu: Math.round(pgJob * 10) / 10 },
    download: { seconds: downloadSeconds, mib: Math.round(bytes / 2 ** 20) },
    appMemory: { beforeJobRssMiB: idleRss, maxSampledRssMiB: maxRss, peakRssMiB: mem.hwmMiB },
    target: { rowsPerSecond: 83_000, rssMiB: 1024 }, met: ROWS / jobSeconds >= 83_000 && mem.hwmMiB <= 1024,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, loadavg: os.loadavg()[0] },
    wallSeconds: Math.round((Date.now() - t0) / 1000),
  };
  console.log(`job: ${ROWS} rows in ${jobSeconds.toFixed(1)} s = ${result.job.rowsPerSecond} rows/s (target ≥ 83,000), peak RSS ${mem.hwmMiB} MiB (target ≤ 1,024)`);
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  await stopProcess(app);
  await server.stop();
}
