/**
 * The data exchange with the partner console on loopback HTTP: the same modules and test options
 * as exchangeTestServer (harness/partner.ts: no background runner or deliverer, tests drive them),
 * plus the partner console sharing the exchange's services, plus helpers for citizens (eID bearer
 * tokens) and for the audit log (entries chained or still in the inbox).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { registryModule } from '../../src/registry/index.ts';
import { cardsModule } from '../../src/cards/index.ts';
import { identityAccountsModule } from '../../src/identity/accounts/index.ts';
import { identityOidcModule } from '../../src/identity/index.ts';
import { exchangeManagesClient, exchangeModule, exchangeServices, type ExchangeModuleOptions, type ExchangeServices } from '../../src/exchange/index.ts';
import { partnerConsoleModule } from '../../src/exchange/staff/index.ts';
import type { Platform } from '../../src/platform/platform.ts';
import type { Config } from '../../src/config.ts';
import type { FastifyInstance } from 'fastify';
import { accessToken, ALWAYS, call, partnerKeys, type H, type Partner } from './partner.ts';
import { freePort } from './server.ts';
import { testPlatform } from './platform.ts';
import { TEST_PASSWORD } from './app.ts';
import { citizenToken, level1Account, resident } from './eid.ts';

export interface ConsoleTestServer {
  baseUrl: string;
  platform: Platform;
  app: FastifyInstance;
  x: ExchangeServices;
  admin: H;
  officer(username: string, roles: string[], provinceCode: string | null): Promise<H>;
  partner(p: { member: string; kind?: string; system?: string }): Promise<Partner>;
  grant(systemId: string, g: Record<string, unknown>): Promise<number>;
  /** A resident with a level-1 eID account, signed in: bearer headers. */
  citizen(fullName: string, birthDate: string, phone: string): Promise<{ idNumber: string; headers: H }>;
  /** Audit entries with this action (and subject), chained or still waiting in the inbox. */
  audited(action: string, subjectId?: string): Promise<Array<{ actor_kind: string; actor_id: string; subject_id: string | null; details: any }>>;
  close(): Promise<void>;
}

export async function consoleTestServer(opts: { exchange?: ExchangeModuleOptions; config?: Partial<Config> } = {}): Promise<ConsoleTestServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const platform = await testPlatform({ config: { PORT: port, HOST: '127.0.0.1', PUBLIC_BASE_URL: baseUrl, ...opts.config } });
  const xopts: ExchangeModuleOptions = { usageFlushMs: 0, eventsIntervalMs: 0, runner: { pollMs: 0, leaseMs: 2000 }, bulkThread: false, ...opts.exchange };
  const x = exchangeServices(platform, xopts);
  const app = await buildApp(platform, [
    registryModule,
    (p) => cardsModule(p, { consumerIntervalMs: 0 }),
    (p) => identityAccountsModule(p),
    (p) => identityOidcModule(p, { jobsIntervalMs: 0, managedElsewhere: (clientId) => exchangeManagesClient(p.db, clientId) }),
    (p) => exchangeModule(p, xopts, x),
    (p) => partnerConsoleModule(p, x),
  ], { logger: false });
  await app.listen({ port, host: '127.0.0.1' });
  const officer = async (username: string, roles: string[], provinceCode: string | null): Promise<H> => {
    await platform.officers.create({ username, displayName: username, password: TEST_PASSWORD, roles: roles as never, provinceCode, communeCode: null }, 'test');
    const r = await call(baseUrl, 'POST', '/api/v1/auth/login', { username, password: TEST_PASSWORD, bearer: true });
    assert.equal(r.status, 200, r.text);
    return { authorization: `Bearer ${r.json.token}` };
  };
  const admin = await officer('quantri.console', ['admin'], null);
  const registrar = await officer('hotich.console', ['registrar'], null);
  let n = 0;
  return {
    baseUrl, platform, app, x, admin, officer,
    async partner(p) {
      n++;
      const m = await call(baseUrl, 'POST', '/api/v1/exchange/admin/members', { name: p.member, kind: p.kind ?? 'bank', code: `C${n}-${randomUUID().slice(0, 6)}` }, admin);
      assert.equal(m.status, 201, m.text);
      const keys = await partnerKeys();
      const s = await call(baseUrl, 'POST', `/api/v1/exchange/admin/members/${m.json.id}/systems`, { name: p.system ?? `${p.member} — hệ thống ${n}`, jwks: { keys: [keys.publicJwk] } }, admin);
      assert.equal(s.status, 201, s.text);
      const clientId = s.json.clientId as string;
      let token: string | null = null;
      const headers = async () => { token ??= await accessToken(baseUrl, clientId, keys); return { authorization: `Bearer ${token}` }; };
      return { memberId: m.json.id, systemId: s.json.id, clientId, keys, headers, call: async (method, path, body) => call(baseUrl, method, path, body, await headers()) };
    },
    async grant(systemId, g) {
      const r = await call(baseUrl, 'POST', `/api/v1/exchange/admin/systems/${systemId}/grants`, { ...ALWAYS, ...g }, admin);
      assert.equal(r.status, 201, r.text);
      return r.json.id as number;
    },
    async citizen(fullName, birthDate, phone) {
      const idNumber = await resident(baseUrl, registrar, { fullName, sex: 'female', birthDate });
      await level1Account(baseUrl, { idNumber, fullName, birthDate, phone });
      return { idNumber, headers: { authorization: `Bearer ${await citizenToken(baseUrl, idNumber)}` } };
    },
    async audited(action, subjectId) {
      const { rows } = await sql<{ actor_kind: string; actor_id: string; subject_id: string | null; details: any }>`
        select actor_kind, actor_id, subject_id, details from platform.audit_log where action = ${action} and (${subjectId ?? null}::text is null or subject_id = ${subjectId ?? null})
        union all
        select actor_kind, actor_id, subject_id, details from platform.audit_inbox where action = ${action} and (${subjectId ?? null}::text is null or subject_id = ${subjectId ?? null})`.execute(platform.db);
      return rows;
    },
    async close() {
      await app.close();
      await platform.close();
    },
  };
}
