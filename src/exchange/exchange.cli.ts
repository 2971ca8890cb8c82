/**
 * `open06 verify-batch FILE`: a partner's bulk verification from the command line. Gets an access
 * token (client credentials, private_key_jwt with the system's key), streams the file up, shows a
 * progress bar (rows, rate, ETA) while the job runs, and streams the result file down.
 *
 *   open06 verify-batch subscribers.csv --purpose sim_registration --client-id x-… --key system.jwk
 *   open06 verify-batch --job <id> --client-id x-… --key system.jwk      (follow a job again)
 *
 * The server is PUBLIC_BASE_URL unless --server is given. OPEN06_ACCESS_TOKEN may hold a token
 * instead of a key. Interrupting leaves the job running on the server (follow it with --job).
 * Exit codes: 0 the job completed; 1 it failed or was cancelled, or the server refused; 2 bad usage.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { loadConfig } from '../config.ts';
import { ExchangeClient, loadPrivateKey, ProblemError } from './client.ts';

const err = (m: string): void => { process.stderr.write(`${m}\n`); };

interface Opts {
  purpose?: string;
  clientId?: string;
  key?: string;
  kid?: string;
  server?: string;
  format?: 'csv' | 'jsonl';
  nameMatching?: 'exact' | 'diacritic-insensitive';
  out?: string;
  job?: string;
  progress: boolean;
  interval: string;
}

class UsageError extends Error {}

function serverOf(o: Opts): string {
  if (o.server) return o.server.replace(/\/$/, '');
  try {
    return loadConfig().PUBLIC_BASE_URL;
  } catch {
    throw new UsageError('give --server (the platform\'s base URL)');
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');

async function run(file: string | undefined, o: Opts): Promise<number> {
  if (!o.job && !file) throw new UsageError('give a FILE to verify, or --job ID to follow a job');
  if (!o.clientId) throw new UsageError('--client-id is required');
  const token = process.env.OPEN06_ACCESS_TOKEN || null;
  if (!o.key && !token) throw new UsageError('give --key FILE (private JWK or PKCS#8 PEM) or set OPEN06_ACCESS_TOKEN');
  if (file && !fs.existsSync(file)) throw new UsageError(`${file}: no such file`);
  const key = o.key ? await loadPrivateKey(o.key, o.kid ? { kid: o.kid } : {}) : null;
  const client = new ExchangeClient(serverOf(o), o.clientId, key, token);
  const progress = o.progress && process.stderr.isTTY;

  let job: any;
  if (o.job) job = await client.job(o.job);
  else {
    if (!o.purpose) throw new UsageError('--purpose is required (GET /api/v1/exchange/services lists the purposes)');
    const format = o.format ?? (/\.(jsonl|ndjson)$/i.test(file!) ? 'jsonl' : 'csv');
    const size = fs.statSync(file!).size;
    const up = progress ? new cliProgress.SingleBar({ format: 'tải lên / upload  [{bar}] {percentage}% | {value}/{total} MiB', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
    up?.start(Math.max(1, Math.ceil(size / 2 ** 20)), 0);
    job = await client.upload(file!, { purpose: o.purpose, format, nameMatching: o.nameMatching === 'diacritic-insensitive' ? 'diacritic_insensitive' : 'exact' }, (n) => up?.update(Math.floor(n / 2 ** 20)));
    up?.update(Math.ceil(size / 2 ** 20));
    up?.stop();
    err(`job ${job.id} queued (${fmt(job.rows.estimated ?? 0)} rows); follow it again with --job ${job.id}`);
  }
  process.once('SIGINT', () => { err(`\ninterrupted: job ${job.id} goes on on the server; follow it with --job ${job.id}`); process.exit(130); });

  const bar = progress ? new cliProgress.SingleBar({ format: 'xác thực / verify [{bar}] {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta_formatted} | {status}', stream: process.stderr, etaBuffer: 20 }, cliProgress.Presets.shades_classic) : null;
  bar?.start(Math.max(1, job.rows.estimated ?? 1), job.rows.done, { rate: 0, status: job.status });
  const every = Math.max(100, Number(o.interval) || 500);
  while (!['completed', 'failed', 'cancelled'].includes(job.status)) {
    await new Promise((r) => setTimeout(r, every));
    job = await client.job(job.id);
    if (bar) {
      bar.setTotal(Math.max(1, job.rows.estimated ?? job.rows.done));
      bar.update(job.rows.done, { rate: fmt(job.progress.rowsPerSecond ?? 0), status: job.status });
    }
  }
  bar?.stop();
  const r = job.rows;
  process.stdout.write(`${job.status}: ${fmt(r.done)} rows — ${fmt(r.match)} match, ${fmt(r.mismatch)} mismatch, ${fmt(r.notFound)} not found, ${fmt(r.malformed)} malformed, ${fmt(r.refused)} refused${job.error ? ` (${job.error})` : ''}\n`);
  if (job.result.available) {
    const out = o.out ?? `${file ?? job.id}.result.${job.format === 'csv' ? 'csv' : 'jsonl'}`;
    const bytes = await client.download(job.id, out);
    process.stdout.write(`result: ${out} (${fmt(bytes)} bytes)\n`);
  }
  return job.status === 'completed' ? 0 : 1;
}

/** Adds `open06 verify-batch` to the CLI. */
export function registerExchangeCli(program: Command): void {
  program.command('verify-batch [file]')
    .description('Bulk identity verification as a partner system: stream a CSV (idNumber,fullName,birthDate[,sex,cardIssueDate,phone,ref]) or JSON-lines file up, follow the job with a progress bar, download the result. Exit 0 completed, 1 failed/cancelled/refused, 2 bad usage')
    .option('--purpose <code>', 'purpose of the verification (e.g. sim_registration, account_opening)')
    .option('--client-id <id>', 'the system\'s OAuth client id (given when the admin registered it)')
    .option('--key <file>', 'the system\'s private key: a private JWK (JSON) or a PKCS#8 PEM')
    .option('--kid <kid>', 'key id to put in the client assertion (when the key file has none)')
    .option('--server <url>', 'the platform\'s base URL (default PUBLIC_BASE_URL)')
    .option('--format <csv|jsonl>', 'file format (default: by extension)')
    .option('--name-matching <mode>', 'exact (default) or diacritic-insensitive')
    .option('--out <file>', 'where to write the result (default FILE.result.csv)')
    .option('--job <id>', 'follow an existing job instead of uploading')
    .option('--interval <ms>', 'how often to ask for progress', '500')
    .option('--no-progress', 'no progress bar')
    .action(async (file: string | undefined, o: Opts) => {
      try {
        const code = await run(file, o);
        process.exit(code);
      } catch (e) {
        if (e instanceof UsageError) { err(`open06 verify-batch: ${e.message}`); process.exit(2); }
        if (e instanceof ProblemError) { err(`open06 verify-batch: ${e.message}`); process.exit(1); }
        throw e;
      }
    });
}
