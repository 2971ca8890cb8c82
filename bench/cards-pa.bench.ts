/**
 * Passive authentication throughput (issue 4 target: ≥ 2,000 verifications/s on 2 cores).
 * Each verification is the whole check list: SOD parse, SHA-256 of DG1/DG2/DG13, the Document
 * Signer's ECDSA P-256 signature, chain and validity, DG1 MRZ parse and an (in-memory) status lookup.
 *
 *   warm: one verifier for many chips of the same Document Signer (the DS chain result is cached,
 *         so one ECDSA verification per chip: the steady state of a verification service);
 *   cold: the DS cache disabled (each chip's DS certificate parsed by OpenSSL and its chain verified:
 *         two ECDSA verifications and a certificate parse per chip, the worst case of a cache miss).
 *
 * Runs in one process, then in one process per core (--processes, default 2), as the stateless
 * app scales on a machine.
 * Usage: node --import tsx bench/cards-pa.bench.ts [--seconds 3] [--processes 2]
 */
import os from 'node:os';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { personaliseChip } from '../src/cards/chip.ts';
import { createPassiveAuthenticator, type PassiveAuthenticator } from '../src/cards/passive-auth.ts';
import { SYNTHETIC_CARD, SYNTHETIC_HOLDER, testPki } from '../src/cards/synthetic.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const AT = new Date('2026-06-01T00:00:00Z');

/** A population of distinct chips from one Document Signer. */
function setup(n: number) {
  const { csca, ds } = testPki('bench');
  const chips = Array.from({ length: n }, (_, k) => {
    const serial = String(k).padStart(6, '0');
    return personaliseChip({ ...SYNTHETIC_HOLDER, idNumber: `001090${serial}`, fullName: `Nguyễn Văn ${k}` }, SYNTHETIC_CARD, ds, { signingTime: new Date('2026-02-10T03:00:00Z') });
  });
  return { trusted: [csca.certificate.der], chips };
}

async function run(mode: 'warm' | 'cold', seconds: number): Promise<{ count: number; elapsed: number }> {
  const { trusted, chips } = setup(64);
  const pa: PassiveAuthenticator = createPassiveAuthenticator({ trustedCscas: trusted, cardStatus: () => 'valid', cacheSize: mode === 'cold' ? 0 : 1024 });
  const once = async (k: number): Promise<void> => {
    const chip = chips[k % chips.length]!;
    const r = await pa.verify({ sod: chip.sod, dataGroups: chip.dataGroups, at: AT });
    if (!r.ok) throw new Error(`verification failed: ${r.failures.join(', ')}`);
  };
  for (let k = 0; k < 500; k++) await once(k); // warm-up (JIT)
  const start = performance.now();
  const until = start + seconds * 1000;
  let count = 0;
  while (performance.now() < until) for (let k = 0; k < 100; k++) await once(count++);
  return { count, elapsed: (performance.now() - start) / 1000 };
}

const child = args.indexOf('--child');
if (child >= 0) {
  process.send!(await run(args[child + 1] as 'warm' | 'cold', Number(args[child + 2])));
} else {
  const SECONDS = arg('seconds', 3);
  const THREADS = arg('processes', 2);
  console.log(`passive authentication benchmark: node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} ×${os.cpus().length}, ${SECONDS}s per case`);
  const rate = (r: { count: number; elapsed: number }): number => r.count / r.elapsed;
  const line = (name: string, v: number): void => console.log(`${name.padEnd(34)} ${Math.round(v).toLocaleString('en').padStart(8)} verifications/s`);
  const results: Record<string, number> = {};
  for (const mode of ['warm', 'cold'] as const) {
    results[`${mode}, 1 process`] = rate(await run(mode, SECONDS));
    line(`${mode}, 1 process`, results[`${mode}, 1 process`]!);
    const children = await Promise.all(Array.from({ length: THREADS }, () => new Promise<{ count: number; elapsed: number }>((resolve, reject) => {
      const c = fork(fileURLToPath(import.meta.url), ['--child', mode, String(SECONDS)], { execArgv: ['--import', 'tsx'] });
      c.once('message', (m) => resolve(m as { count: number; elapsed: number }));
      c.once('error', reject);
    })));
    results[`${mode}, ${THREADS} processes`] = children.reduce((s, r) => s + rate(r), 0);
    line(`${mode}, ${THREADS} processes`, results[`${mode}, ${THREADS} processes`]!);
  }
  const TARGET = 2000;
  const warm = results[`warm, ${THREADS} processes`]!;
  console.log(warm >= TARGET ? `warm, ${THREADS} processes ≥ ${TARGET.toLocaleString('en')}/s target` : `BELOW the ${TARGET.toLocaleString('en')}/s target`);
}
