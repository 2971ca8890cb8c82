/**
 * `open06 cards …`: passive authentication of a chip from the files an NFC reader saved, and the
 * CSCA certificates a relying party trusts.
 *
 *   open06 cards verify-chip --sod F --dg1 F [--dg2 F] [--dg13 F] [--csca FILE.pem …] [--json]
 *   open06 cards csca
 *
 * With `--csca`, verification is offline: only the given certificates are trusted and the card
 * status is not checked (no database). Without it, the platform's CSCA list and card records are
 * used through the database (DATABASE_URL, or the embedded PostgreSQL), and the verification is
 * audited like one made through the API (actor `system` / `cli`).
 *
 * Exit codes: 0 every check passed; 1 a check failed; 2 the input could not be used (a missing
 * file, a PEM without certificates, a certificate that is not a CSCA, a bad configuration).
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { migrations } from '../modules.ts';
import { createPlatform } from '../platform/platform.ts';
import { cardsServices } from './cards.routes.ts';
import { createPassiveAuthenticator, type PaCheck } from './passive-auth.ts';
import { fromPem, toPem } from './pki.ts';

const err = (m: string): void => { process.stderr.write(`${m}\n`); };

/** Writes, then exits once the output is flushed (the embedded server's exit hook would otherwise end with 0). */
function finish(text: string, code: number): void {
  process.stdout.write(text, () => process.exit(code));
}

class UsageError extends Error {}

function readInput(option: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new UsageError(`${option} ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

function platformConfig(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`${e.message}\nSee README.md, "Configuration".`);
    throw e;
  }
}

const label = (c: PaCheck): string => (c.check === 'dg_hash' ? `dg_hash DG${c.dataGroup}` : c.check);

type Report = { ok: boolean; checks: readonly PaCheck[]; failures: readonly string[] };

/** The report as a table: one check a line, then the verdict. */
export function formatChipReport(r: Report, offline: boolean): string {
  const width = Math.max(...r.checks.map((c) => label(c).length));
  const lines = r.checks.map((c) => `${label(c).padEnd(width)}  ${c.outcome}${'detail' in c && c.detail ? ` (${c.detail})` : ''}`);
  lines.push(r.ok ? `OK: no check failed${offline ? ' (offline: card status not checked)' : ''}` : `FAILED: ${r.failures.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

interface VerifyOpts {
  sod: string;
  dg1: string;
  dg2?: string;
  dg13?: string;
  csca: string[];
  json?: boolean;
}

async function verifyChip(o: VerifyOpts): Promise<void> {
  const sod = readInput('--sod', o.sod);
  const dataGroups = new Map<number, Buffer>([[1, readInput('--dg1', o.dg1)]]);
  if (o.dg2) dataGroups.set(2, readInput('--dg2', o.dg2));
  if (o.dg13) dataGroups.set(13, readInput('--dg13', o.dg13));

  let report: Report;
  const offline = o.csca.length > 0;
  if (offline) {
    const trusted = o.csca.flatMap((file) => {
      const certs = fromPem(readInput('--csca', file).toString('utf8'));
      if (!certs.length) throw new UsageError(`--csca ${file}: no CERTIFICATE in the file`);
      return certs;
    });
    let pa;
    try {
      pa = createPassiveAuthenticator({ trustedCscas: trusted });
    } catch (e) {
      throw new UsageError(`--csca: ${(e as Error).message}`);
    }
    report = await pa.verify({ sod, dataGroups, at: new Date() });
  } else {
    const p = await createPlatform(platformConfig(), migrations, { log: err });
    try {
      report = await cardsServices(p).verification.chip({ kind: 'system', id: 'cli', requestId: null }, { sod, dataGroups });
    } finally {
      await p.close();
    }
  }
  finish(o.json ? `${JSON.stringify({ ok: report.ok, checks: report.checks, failures: report.failures }, null, 2)}\n` : formatChipReport(report, offline), report.ok ? 0 : 1);
}

async function printCsca(): Promise<void> {
  const p = await createPlatform(platformConfig(), migrations, { log: err });
  let pem: string;
  try {
    pem = (await cardsServices(p).keys.cscaCertificates()).map((c) => toPem(c.der)).join('');
  } finally {
    await p.close();
  }
  if (!pem) {
    err('open06 cards csca: no CSCA certificate yet (the first card issued makes one)');
    process.exit(1);
  }
  finish(pem, 0);
}

/** Fails with exit code 2 on unusable input, 1 on anything else unexpected. */
function run(name: string, work: () => Promise<void>): Promise<void> {
  return work().catch((e: unknown) => {
    if (e instanceof UsageError) {
      err(`open06 cards ${name}: ${e.message}`);
      process.exit(2);
    }
    throw e;
  });
}

/** Adds `open06 cards verify-chip` and `open06 cards csca` to the CLI. */
export function registerCardsCli(program: Command): void {
  const cards = program.command('cards').description('ID cards: verify a chip (passive authentication), print the CSCA certificates');
  cards.command('verify-chip')
    .description('Passive authentication of a chip from the files an NFC reader saved: data group hashes, SOD signature, Document Signer → CSCA chain, validity, expiry; then the card status (through the database, unless --csca is given). Exit 0 all passed, 1 a check failed, 2 unusable input')
    .requiredOption('--sod <file>', 'EF.SOD as read (binary)')
    .requiredOption('--dg1 <file>', 'EF.DG1, the MRZ (binary)')
    .option('--dg2 <file>', 'EF.DG2, the face (binary)')
    .option('--dg13 <file>', 'EF.DG13, the Vietnamese data (binary)')
    .option('--csca <file>', 'trusted CSCA certificates (PEM; repeatable): verify offline, without the database and card status', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print the report as JSON')
    .action((o: VerifyOpts) => run('verify-chip', () => verifyChip(o)));
  cards.command('csca')
    .description('Print the CSCA certificates of this platform (PEM bundle), for relying parties\' trust lists')
    .action(() => run('csca', printCsca));
}
