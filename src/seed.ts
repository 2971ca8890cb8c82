import type { Platform } from './platform/platform.ts';
import type { Role } from './platform/auth/actor.ts';

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

/** Filled in by the registry module's synthetic population. */
async function seedIfEmpty(_p: Platform, _people: number, _log: (m: string) => void): Promise<number> {
  return 0;
}

export async function runSeed(_p: Platform, _o: { people: number; seed: number; progress: boolean; log: (m: string) => void }): Promise<void> {
  throw new Error('the synthetic population loader is not built yet');
}
