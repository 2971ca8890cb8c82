import { freePort } from '../../src/platform/net.ts';
export { freePort };
import { buildApp } from '../../src/app.ts';
import { modules } from '../../src/modules.ts';
import type { Role } from '../../src/platform/auth/actor.ts';
import type { Platform } from '../../src/platform/platform.ts';
import { testPlatform } from './platform.ts';

export interface TestServer {
  baseUrl: string;
  platform: Platform;
  createOfficer(o: { username: string; password: string; displayName: string; roles: string[]; provinceCode: string | null; communeCode?: string | null }): Promise<void>;
  close(): Promise<void>;
}

/** The whole platform on real HTTP (loopback), on a fresh database. */
export async function startTestServer(opts: Parameters<typeof testPlatform>[0] = {}): Promise<TestServer> {
  const port = await freePort();
  const platform = await testPlatform({ ...opts, config: { PORT: port, HOST: '127.0.0.1', PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, ...opts.config } });
  const app = await buildApp(platform, modules, { logger: false });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    platform,
    async createOfficer(o) {
      await platform.officers.create({ ...o, roles: o.roles as Role[], communeCode: o.communeCode ?? null }, 'test');
    },
    async close() {
      await app.close();
      await platform.close();
    },
  };
}
