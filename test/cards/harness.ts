import type { Migration } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { migrations } from '../../src/modules.ts';
import { registryModule } from '../../src/registry/index.ts';
import type { Role } from '../../src/platform/auth/actor.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { createPlatform } from '../../src/platform/platform.ts';
import { cardsModule, cardsServices, type CardsModuleOptions } from '../../src/cards/index.ts';
import * as cards0201 from '../../src/cards/migrations/20261124_0201_create_cards.ts';
import { createTestDatabase } from '../harness/db.ts';
import { TEST_PASSWORD, type TestApp } from '../harness/app.ts';

/** The cards migration, whether or not src/modules.ts lists it yet (same name, same object). */
const ALL_MIGRATIONS: Record<string, Migration> = { ...migrations, '20261124_0201_create_cards': cards0201 };

export interface CardsTestApp extends TestApp {
  cards: ReturnType<typeof cardsServices>['cards'];
  /** Signs an existing officer in again (after the test clock moved past their session). */
  signIn(username: string): Promise<Record<string, string>>;
}

/**
 * The app with the registry and a cards module built with test options (seeded randomness, no
 * background consumer: tests run it when they mean to), on a fresh database.
 */
export async function cardsTestApp(opts: { clock: Clock } & CardsModuleOptions): Promise<CardsTestApp> {
  const db = await createTestDatabase();
  await db.close();
  const config = loadConfig({}, { DATABASE_URL: db.url, LOG_LEVEL: 'silent', PORT: 0, DATABASE_POOL_SIZE: 10 });
  const platform = await createPlatform(config, ALL_MIGRATIONS, { clock: opts.clock });
  const moduleOpts: CardsModuleOptions = { consumerIntervalMs: 0, ...opts };
  // The routes and the test share one CardsService, so its caches see what the routes did.
  const services = cardsServices(platform, moduleOpts);
  // The modules the cards tests need, listed explicitly (not src/modules.ts), so the cards module is
  // mounted once with these options however src/modules.ts wires its own.
  const app = await buildApp(platform, [registryModule, () => cardsModule(platform, moduleOpts, services)], { logger: false });
  const signIn = async (username: string): Promise<Record<string, string>> => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD, bearer: true } });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
    return { authorization: `Bearer ${res.json().token}` };
  };
  return {
    app,
    platform,
    cards: services.cards,
    signIn,
    async officer(username: string, roles: Role[], provinceCode: string | null, communeCode: string | null = null) {
      await platform.officers.create({ username, displayName: username, password: TEST_PASSWORD, roles, provinceCode, communeCode }, 'test');
      return signIn(username);
    },
    async close() {
      await app.close();
      await platform.close();
    },
  };
}
