import type { Platform } from './platform/platform.ts';
import type { Role } from './platform/auth/actor.ts';
import { loadPopulation, progressBar } from './synth/loader.ts';

/** Demo accounts created on the first start of an empty database. Synthetic, for trying the platform. */
export const DEMO_PASSWORD = 'Open06-demo-2026';
export const DEMO_OFFICERS: ReadonlyArray<{ username: string; displayName: string; roles: Role[]; provinceCode: string | null; communeCode: string | null }> = [
  { username: 'admin', displayName: 'Quản trị hệ thống (demo)', roles: ['admin'], provinceCode: null, communeCode: null },
  { username: 'kiemtoan', displayName: 'Kiểm toán viên (demo)', roles: ['auditor'], provinceCode: null, communeCode: null },
  { username: 'canbo.hanoi', displayName: 'Nguyễn Thị Lan (demo)', roles: ['registrar', 'card_officer'], provinceCode: '01', communeCode: null },
  { username: 'canbo.badinh', displayName: 'Trần Văn Minh (demo)', roles: ['registrar'], provinceCode: '01', communeCode: '00004' },
  { username: 'lanhdao.hanoi', displayName: 'Lê Văn Hùng (demo)', roles: ['supervisor'], provinceCode: '01', communeCode: null },
];

export async function ensureDemo(p: Platform, opts: { seedPeople: number; log: (m: string) => void }): Promise<{ lines: string[] }> {
  const existing = await p.officers.list();
  if (existing.length === 0) {
    for (const o of DEMO_OFFICERS) await p.officers.create({ ...o, password: DEMO_PASSWORD }, 'first-start');
  }
  const lines: string[] = [];
  if (existing.length === 0 || existing.some((o) => o.username === 'canbo.hanoi')) {
    lines.push(`Demo officer:   canbo.hanoi / ${DEMO_PASSWORD}  (registrar + card officer, Hà Nội; also admin, kiemtoan, canbo.badinh, lanhdao.hanoi with the same password)`);
  }
  if (opts.seedPeople > 0) {
    const seeded = await seedIfEmpty(p, opts.seedPeople, opts.log);
    if (seeded) lines.push(`Seeded ${seeded} synthetic people (dân cư tổng hợp, not real persons)`);
  }
  return { lines };
}

/** Seeds a small synthetic population on the first start of an empty registry. */
async function seedIfEmpty(p: Platform, people: number, log: (m: string) => void): Promise<number> {
  const { rows } = await p.database.pool.query('select exists (select 1 from registry.person) as any');
  if (rows[0].any) return 0;
  log(`open06: seeding ${people} synthetic people (first start)…`);
  const r = await loadPopulation(p.database.pool, { people, seed: DEMO_SEED, dropIndexes: false, worker: false, log });
  return r.people;
}

export const DEMO_SEED = 6;

/** `open06 seed`: streams N synthetic people into the registry; a rerun resumes or tops up. */
export async function runSeed(p: Platform, o: { people: number; seed: number; progress: boolean; log: (m: string) => void }): Promise<void> {
  const bar = o.progress ? progressBar() : null;
  try {
    const r = await loadPopulation(p.database.pool, { people: o.people, seed: o.seed, onProgress: bar?.update, log: o.log });
    bar?.stop();
    o.log(`seeded ${r.people} people in ${r.households} households (${r.batches} batches written, ${r.skippedBatches} already loaded) in ${r.seconds.toFixed(1)} s — synthetic data`);
  } finally {
    bar?.stop();
  }
}
