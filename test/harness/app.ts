import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { modules } from '../../src/modules.ts';
import type { Role } from '../../src/platform/auth/actor.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { testPlatform } from './platform.ts';

export const TEST_PASSWORD = 'correct-horse-battery-staple';

export interface TestApp {
  app: FastifyInstance;
  platform: Platform;
  /** Creates an officer and signs in; returns headers carrying the session. */
  officer(username: string, roles: Role[], provinceCode: string | null, communeCode?: string | null): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** The app on a fresh database, driven with `inject` (no socket). */
export async function testApp(opts: Parameters<typeof testPlatform>[0] = {}): Promise<TestApp> {
  const platform = await testPlatform(opts);
  const app = await buildApp(platform, modules, { logger: false });
  return {
    app,
    platform,
    async officer(username, roles, provinceCode, communeCode = null) {
      await platform.officers.create({ username, displayName: username, password: TEST_PASSWORD, roles, provinceCode, communeCode }, 'test');
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD, bearer: true } });
      if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
      return { authorization: `Bearer ${res.json().token}` };
    },
    async close() {
      await app.close();
      await platform.close();
    },
  };
}
