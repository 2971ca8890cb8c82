/**
 * The app for the eID accounts tests: registry, cards (seeded keys, no background consumer) and the
 * accounts module with a development sender the tests read codes from, on a fresh database and a
 * test clock. PUBLIC_BASE_URL is http://localhost:8060 (the passkeys' origin and rpID).
 */
import assert from 'node:assert/strict';
import { buildApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { migrations } from '../../src/modules.ts';
import { createPlatform } from '../../src/platform/platform.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import type { Role } from '../../src/platform/auth/actor.ts';
import { registryModule } from '../../src/registry/index.ts';
import { cardsModule } from '../../src/cards/index.ts';
import { seededRandom } from '../../src/cards/random.ts';
import { DevOtpSender, identityAccountsModule, identityAccountsServices, type EnrolmentSettings, type IdentityAccountsServices } from '../../src/identity/accounts/index.ts';
import { createTestDatabase } from '../harness/db.ts';
import { TEST_PASSWORD, type TestApp } from '../harness/app.ts';
import { resident, born } from '../harness/registry.ts';

export const ORIGIN = 'http://localhost:8060';
export const PASSWORD = 'Hoa-sen-no-giua-dam-2026';
export const CARD_LAW = { legalBasis: 'Luật Căn cước 2023, Điều 23' };

type H = Record<string, string>;
type Res = { statusCode: number; body: string; json(): any; headers: Record<string, unknown> };

export interface EidTestApp extends TestApp {
  clock: ReturnType<typeof fixedClock>;
  sender: DevOtpSender;
  services: IdentityAccountsServices;
  reg: H;
  cardOfficer: H;
  post(url: string, payload?: unknown, headers?: H, ip?: string): Promise<Res>;
  get(url: string, headers?: H): Promise<Res>;
  del(url: string, payload?: unknown, headers?: H): Promise<Res>;
  /** The newest code sent to a phone. */
  code(phone: string): string;
  /** Runs the notice worker (notices are queued with the change), then the English notices a phone received, oldest first. */
  notices(phone: string): Promise<string[]>;
  /** A living resident of Ba Đình. */
  person(p: { fullName: string; sex: 'male' | 'female'; birthDate: string; fatherId?: string; motherId?: string }): Promise<string>;
  /** A level-1 account by self-registration. */
  level1(p: { idNumber: string; fullName: string; birthDate: string; phone: string; password?: string }): Promise<any>;
  /** A card issued to the person (the chip comes back). */
  issueCard(idNumber: string): Promise<any>;
  /** A level-2 account: card, counter, activation. */
  level2(p: { idNumber: string; phone: string; password?: string }): Promise<any>;
  signIn(idNumber: string, password?: string, extra?: { totp?: string; ip?: string; userAgent?: string }): Promise<Res>;
  /** A bearer header of a fresh session. */
  citizen(idNumber: string, password?: string, extra?: { totp?: string; userAgent?: string }): Promise<H>;
}

export function problem(res: Res, status: number, code: string): any {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(res.json().code, code, res.body);
  return res.json();
}

let phones = 0;
/** A distinct phone number per call within a test file. */
export function newPhone(): string {
  phones++;
  return `09${String(12_340_000 + phones)}`;
}

export async function eidTestApp(opts: { at?: string; config?: Partial<Config>; enrolment?: Partial<EnrolmentSettings> } = {}): Promise<EidTestApp> {
  const clock = fixedClock(new Date(opts.at ?? '2026-11-20T03:00:00Z'));
  const db = await createTestDatabase();
  await db.close();
  const config = loadConfig({}, { DATABASE_URL: db.url, LOG_LEVEL: 'silent', PORT: 0, DATABASE_POOL_SIZE: 10, PUBLIC_BASE_URL: ORIGIN, LOGIN_MAX_PER_IP_PER_MINUTE: 10_000, OTP_SENDER: 'dev', ...opts.config });
  const platform = await createPlatform(config, migrations, { clock });
  const sender = new DevOtpSender(() => undefined, () => clock.now());
  const services = identityAccountsServices(platform, { sender, consumerIntervalMs: 0, enrolment: { publicPerIpPerHour: 10_000, ...opts.enrolment } });
  const app = await buildApp(platform, [registryModule, () => cardsModule(platform, { consumerIntervalMs: 0, random: seededRandom('eid-tests') }), () => identityAccountsModule(platform, {}, services)], { logger: false });

  const inject = async (method: 'GET' | 'POST' | 'DELETE' | 'PATCH', url: string, payload?: unknown, headers: H = {}, ip?: string): Promise<Res> =>
    (await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }), ...(ip ? { remoteAddress: ip } : {}) })) as unknown as Res;
  const signInOfficer = async (username: string): Promise<H> => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD, bearer: true } });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
    return { authorization: `Bearer ${res.json().token}` };
  };
  const officer = async (username: string, roles: Role[], provinceCode: string | null, communeCode: string | null = null) => {
    await platform.officers.create({ username, displayName: username, password: TEST_PASSWORD, roles, provinceCode, communeCode }, 'test');
    return signInOfficer(username);
  };
  const reg = await officer('reg.hn', ['registrar'], '01');
  const cardOfficer = await officer('card.hn', ['card_officer'], '01');

  const t: EidTestApp = {
    app, platform, clock, sender, services, reg, cardOfficer, officer,
    post: (url, payload = {}, headers = {}, ip) => inject('POST', url, payload, headers, ip),
    get: (url, headers = {}) => inject('GET', url, undefined, headers),
    del: (url, payload, headers = {}) => inject('DELETE', url, payload, headers),
    code(phone) {
      const c = sender.lastCode(phone);
      assert.ok(c, `no code sent to ${phone}`);
      return c;
    },
    async notices(phone) {
      await services.notices.deliverAll();
      return sender.to(phone).filter((m) => m.purpose === 'notice').map((m) => m.text.en);
    },
    async person(p) {
      if (p.fatherId || p.motherId) return born(t, reg, p);
      return (await resident(t, reg, p)).idNumber;
    },
    async level1(p) {
      const start = await t.post('/api/v1/eid/registrations', { idNumber: p.idNumber, fullName: p.fullName, birthDate: p.birthDate, phone: p.phone });
      assert.equal(start.statusCode, 202, start.body);
      const done = await t.post(`/api/v1/eid/registrations/${start.json().flowId}/confirm`, { code: t.code(p.phone), password: p.password ?? PASSWORD });
      assert.equal(done.statusCode, 201, done.body);
      return done.json().account;
    },
    async issueCard(idNumber) {
      const res = await t.post(`/api/v1/cards/people/${idNumber}/cards`, { ...CARD_LAW, kind: 'first_issue' }, cardOfficer);
      assert.equal(res.statusCode, 201, res.body);
      return res.json();
    },
    async level2(p) {
      const card = await t.issueCard(p.idNumber);
      const counter = await t.post('/api/v1/eid/counter/level2', { idNumber: p.idNumber, chip: card.chip, faceMatch: 'match', phone: p.phone }, cardOfficer);
      assert.equal(counter.statusCode, 201, counter.body);
      const act = await t.post('/api/v1/eid/activation', { idNumber: p.idNumber, code: t.code(p.phone), password: p.password ?? PASSWORD });
      assert.equal(act.statusCode, 200, act.body);
      return act.json().account;
    },
    signIn: (idNumber, password = PASSWORD, extra = {}) => inject('POST', '/api/v1/eid/sessions', { idNumber, password, ...(extra.totp ? { totp: extra.totp } : {}) }, extra.userAgent ? { 'user-agent': extra.userAgent } : {}, extra.ip),
    async citizen(idNumber, password = PASSWORD, extra = {}) {
      const res = await t.signIn(idNumber, password, extra);
      assert.equal(res.statusCode, 200, res.body);
      return { authorization: `Bearer ${res.json().token}` };
    },
    async close() {
      await app.close();
      await platform.close();
    },
  };
  return t;
}
