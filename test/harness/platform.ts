import { loadConfig, type Config } from '../../src/config.ts';
import { createPlatform, type Platform, type PlatformOptions } from '../../src/platform/platform.ts';
import { migrations } from '../../src/modules.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { createTestDatabase } from './db.ts';

/** A platform on its own fresh database (no embedded server of its own). */
export async function testPlatform(opts: { clock?: Clock; config?: Partial<Config>; receiptPush?: PlatformOptions['receiptPush'] } = {}): Promise<Platform> {
  const db = await createTestDatabase();
  await db.close();
  // Tests sign in many officers from one address; the per-IP limit has its own test. No background
  // checkpoints (the first would come 5 s after start, in the middle of a test): tests that want them ask.
  const config = loadConfig({}, { DATABASE_URL: db.url, LOG_LEVEL: 'silent', PORT: 0, DATABASE_POOL_SIZE: 10, LOGIN_MAX_PER_IP_PER_MINUTE: 10_000, AUDIT_CHECKPOINT_INTERVAL_MINUTES: 0, ...opts.config });
  return createPlatform(config, migrations, { clock: opts.clock, receiptPush: opts.receiptPush });
}
