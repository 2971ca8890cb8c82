import type { Platform } from './platform/platform.ts';
import type { Role } from './platform/auth/actor.ts';
import { loadPopulation, progressBar } from './synth/loader.ts';
import { identityAccountsServices } from './identity/accounts/accounts.routes.ts';
import { DevOtpSender } from './identity/accounts/otp-sender.ts';

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
  const first = { limit: 1, offset: 0, sort: 'username' } as const;
  const none = (await p.officers.list({}, first)).items.length === 0;
  if (none) {
    for (const o of DEMO_OFFICERS) await p.officers.create({ ...o, password: DEMO_PASSWORD }, 'first-start');
  }
  const lines: string[] = [];
  if (none || (await p.officers.list({ q: 'canbo.hanoi' }, first)).items.some((o) => o.username === 'canbo.hanoi')) {
    lines.push(`Demo officer:   canbo.hanoi / ${DEMO_PASSWORD}  (registrar + card officer, Hà Nội; also admin, kiemtoan, canbo.badinh, lanhdao.hanoi with the same password)`);
  }
  if (opts.seedPeople > 0) {
    const seeded = await seedIfEmpty(p, opts.seedPeople, opts.log);
    if (seeded) lines.push(`Seeded ${seeded} synthetic people (dân cư tổng hợp, not real persons)`);
  }
  const citizen = await ensureDemoCitizen(p);
  if (citizen) lines.push(`Demo citizen:   ${citizen} / ${DEMO_PASSWORD}  (eID level 1, synthetic; sign in at /portal)`);
  return { lines };
}

/**
 * A synthetic adult of Hà Nội with an eID account, made through the public registration flow (the
 * development SMS sender hands the code over), so the portal can be tried at once. Only with
 * OTP_SENDER=dev, and only while no eID account exists yet.
 */
async function ensureDemoCitizen(p: Platform): Promise<string | null> {
  const { enrolment, sender } = identityAccountsServices(p);
  if (!(sender instanceof DevOtpSender)) return null;
  const { rows: accounts } = await p.database.pool.query(`select id_number from identity.account where synthetic and status = 'active' order by created_at limit 1`);
  if (accounts[0]) return accounts[0].id_number as string;
  const { rows: [person] } = await p.database.pool.query(`
    select id_number, full_name, birth_year, birth_month, birth_day from registry.person
    where status = 'living' and synthetic and perm_province_code = '01' and birth_day is not null and birth_year between 1960 and 2000
    order by id_number limit 1`);
  if (!person) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  const phone = '0900000006';
  const meta = { ip: '127.0.0.1', userAgent: 'open06 first start', requestId: null };
  const flow = await enrolment.startRegistration({ idNumber: person.id_number, fullName: person.full_name, birthDate: `${person.birth_year}-${pad(person.birth_month)}-${pad(person.birth_day)}`, phone }, meta);
  const code = sender.lastCode(phone);
  if (!code) return null;
  await enrolment.confirmRegistration(flow.flowId, { code, password: DEMO_PASSWORD }, meta);
  await p.database.pool.query(`update identity.account set synthetic = true where id_number = $1`, [person.id_number]);
  return person.id_number as string;
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
