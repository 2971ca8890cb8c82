/**
 * The data exchange on real HTTP, as partners use it: a member and its system registered through
 * the admin API with a key pair made by jose, and real access tokens from POST /oidc/token
 * (client credentials, private_key_jwt). The exchange module runs with test options: no
 * background runner or deliverer unless asked (tests drive them), short leases and retries.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { buildApp } from '../../src/app.ts';
import { registryModule } from '../../src/registry/index.ts';
import { cardsModule } from '../../src/cards/index.ts';
import { identityAccountsModule, type IdentityAccountsOptions } from '../../src/identity/accounts/index.ts';
import { identityOidcModule } from '../../src/identity/index.ts';
import { exchangeManagesClient, exchangeModule, exchangeServices, type ExchangeModuleOptions, type ExchangeServices } from '../../src/exchange/index.ts';
import type { Platform } from '../../src/platform/platform.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { Config } from '../../src/config.ts';
import type { FastifyInstance } from 'fastify';
import { freePort } from './server.ts';
import { testPlatform } from './platform.ts';
import { TEST_PASSWORD } from './app.ts';

export type H = Record<string, string>;
export interface Res { status: number; json: any; text: string; headers: Headers }

export async function call(base: string, method: string, path: string, body?: unknown, headers: H = {}): Promise<Res> {
  const res = await fetch(`${base}${path}`, { method, headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await res.text();
  let json: any = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, json, text, headers: res.headers };
}

export interface PartnerKeys { privateKey: CryptoKey; publicJwk: JWK; kid: string }

export async function partnerKeys(kid = `k-${randomUUID().slice(0, 8)}`): Promise<PartnerKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }, kid };
}

/** An access token from the platform's token endpoint, authenticating with a signed client assertion. */
export async function accessToken(base: string, clientId: string, keys: PartnerKeys): Promise<string> {
  const issuer = `${base}/oidc`;
  const assertion = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: keys.kid })
    .setIssuer(clientId).setSubject(clientId).setAudience(issuer).setJti(randomUUID()).setIssuedAt().setExpirationTime('2m').sign(keys.privateKey);
  const res = await fetch(`${issuer}/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'exchange', client_id: clientId, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `token endpoint: ${res.status} ${text}`);
  return JSON.parse(text).access_token as string;
}

export interface Partner {
  memberId: string;
  systemId: string;
  clientId: string;
  keys: PartnerKeys;
  /** Bearer headers with a fresh token. */
  headers(): Promise<H>;
  call(method: string, path: string, body?: unknown): Promise<Res>;
}

export interface ExchangeTestServer {
  baseUrl: string;
  platform: Platform;
  app: FastifyInstance;
  x: ExchangeServices;
  admin: H;
  officer(username: string, roles: string[], provinceCode: string | null): Promise<H>;
  partner(p: { member: string; kind?: string; system?: string; ratePerSecond?: number; memberId?: string }): Promise<Partner>;
  grant(systemId: string, g: Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

export const PROVISION = { kind: 'provision', provision: 'Luật Căn cước 2023, Điều 10' };
export const ALWAYS = { validFrom: '2020-01-01', validUntil: '2099-12-31' };

/** The platform on loopback HTTP with the exchange module under test options. */
export async function exchangeTestServer(opts: { exchange?: ExchangeModuleOptions; clock?: Clock; config?: Partial<Config>; accounts?: IdentityAccountsOptions } = {}): Promise<ExchangeTestServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const platform = await testPlatform({ ...(opts.clock ? { clock: opts.clock } : {}), config: { PORT: port, HOST: '127.0.0.1', PUBLIC_BASE_URL: baseUrl, ...opts.config } });
  const xopts: ExchangeModuleOptions = { usageFlushMs: 0, eventsIntervalMs: 0, runner: { pollMs: 0, leaseMs: 2000 }, bulkThread: false, ...opts.exchange };
  const x = exchangeServices(platform, xopts);
  const app = await buildApp(platform, [
    registryModule,
    (p) => cardsModule(p, { consumerIntervalMs: 0 }),
    (p) => identityAccountsModule(p, opts.accounts),
    (p) => identityOidcModule(p, { jobsIntervalMs: 0, managedElsewhere: (clientId) => exchangeManagesClient(p.db, clientId) }),
    (p) => exchangeModule(p, xopts, x),
  ], { logger: false });
  await app.listen({ port, host: '127.0.0.1' });
  const officer = async (username: string, roles: string[], provinceCode: string | null): Promise<H> => {
    await platform.officers.create({ username, displayName: username, password: TEST_PASSWORD, roles: roles as never, provinceCode, communeCode: null }, 'test');
    const r = await call(baseUrl, 'POST', '/api/v1/auth/login', { username, password: TEST_PASSWORD, bearer: true });
    assert.equal(r.status, 200, r.text);
    return { authorization: `Bearer ${r.json.token}` };
  };
  const admin = await officer('quantri.exchange', ['admin'], null);
  let n = 0;
  return {
    baseUrl, platform, app, x, admin, officer,
    async partner(p) {
      n++;
      let memberId = p.memberId;
      if (!memberId) {
        const m = await call(baseUrl, 'POST', '/api/v1/exchange/admin/members', { name: p.member, kind: p.kind ?? 'bank', code: `M${n}-${randomUUID().slice(0, 6)}` }, admin);
        assert.equal(m.status, 201, m.text);
        memberId = m.json.id as string;
      }
      const keys = await partnerKeys();
      const s = await call(baseUrl, 'POST', `/api/v1/exchange/admin/members/${memberId}/systems`, { name: p.system ?? `${p.member} — hệ thống ${n}`, jwks: { keys: [keys.publicJwk] }, ...(p.ratePerSecond ? { ratePerSecond: p.ratePerSecond } : {}) }, admin);
      assert.equal(s.status, 201, s.text);
      const clientId = s.json.clientId as string;
      let token: string | null = null;
      const headers = async () => { token ??= await accessToken(baseUrl, clientId, keys); return { authorization: `Bearer ${token}` }; };
      return { memberId, systemId: s.json.id, clientId, keys, headers, call: async (method, path, body) => call(baseUrl, method, path, body, await headers()) };
    },
    async grant(systemId, g) {
      const r = await call(baseUrl, 'POST', `/api/v1/exchange/admin/systems/${systemId}/grants`, { ...ALWAYS, ...g }, admin);
      assert.equal(r.status, 201, r.text);
      return r.json.id as number;
    },
    async close() {
      await app.close();
      await platform.close();
    },
  };
}

/** Registers a living resident of Ba Đình through the registry API; returns the ID number. */
let seq = 0;
export async function resident(base: string, registrar: H, p: { fullName: string; sex: 'male' | 'female'; birthDate: string; householdNo?: string; at?: { provinceCode: string; communeCode: string } }): Promise<string> {
  const at = p.at ?? { provinceCode: '01', communeCode: '00004' };
  const b = await call(base, 'POST', '/api/v1/registry/births', { legalBasis: 'Luật Hộ tịch 2014, Điều 16', fullName: p.fullName, sex: p.sex, birthDate: p.birthDate, birthRegistration: at }, registrar);
  assert.equal(b.status, 201, b.text);
  const idNumber = b.json.idNumber as string;
  if (p.householdNo) {
    const r = await call(base, 'POST', `/api/v1/registry/households/${p.householdNo}/members`, { legalBasis: 'Luật Cư trú 2020, Điều 20', idNumber, relationToHead: 'Con' }, registrar);
    assert.equal(r.status, 200, r.text);
  } else {
    const r = await call(base, 'POST', `/api/v1/registry/people/${idNumber}/permanent-residence`, { legalBasis: 'Luật Cư trú 2020, Điều 20', residence: { address: `Số ${30 + ++seq}, phố Liễu Giai`, ...at } }, registrar);
    assert.equal(r.status, 200, r.text);
  }
  return idNumber;
}

export function problem(r: Res, status: number, code: string): any {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json?.code, code, r.text);
  return r.json;
}
