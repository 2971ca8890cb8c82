import type { Kysely, Migration } from 'kysely';
import { receiptPushUrls, type Config } from '../config.ts';
import { connect, type Database } from './db/database.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './db/embedded.ts';
import { migrateToLatest } from './db/migrate.ts';
import { AuditWriter, Chainer, Checkpointer, ReceiptPusher, type PushSettings } from './audit/index.ts';
import { platformKeys } from './keys/jose-keys.ts';
import { systemClock, type Clock } from './clock.ts';
import { OfficerService } from './auth/officer.service.ts';
import { Heartbeat } from './heartbeat.ts';

/** The shared services every module receives. */
export interface Platform {
  config: Config;
  db: Kysely<any>;
  database: Database;
  clock: Clock;
  audit: AuditWriter;
  chainer: Chainer;
  /** Records a checkpoint of the audit chain every AUDIT_CHECKPOINT_INTERVAL_MINUTES when it has grown. */
  checkpointer: Checkpointer;
  /** Sends the receipts of new checkpoints to AUDIT_RECEIPT_PUSH_URLS, with retries. */
  receiptPusher: ReceiptPusher;
  officers: OfficerService;
  /** How many platform processes share the database (per-system rate limits are divided among them). */
  heartbeat: Heartbeat;
  embedded: EmbeddedServer | null;
  close(): Promise<void>;
}

export async function databaseUrl(config: Config, log: (m: string) => void): Promise<{ url: string; embedded: EmbeddedServer | null }> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, embedded: null };
  const embedded = await startEmbeddedPostgres({ dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT, log: (m) => { if (/FATAL|ERROR|PANIC/.test(m)) log(m.trim()); } });
  return { url: embedded.url, embedded };
}

export interface PlatformOptions {
  clock?: Clock;
  log?: (m: string) => void;
  onError?: (e: unknown) => void;
  /**
   * Tests only: the receipt pusher's interval (default 5 s) and settings (default
   * DEFAULT_PUSH_SETTINGS), e.g. so that a push reaches `failed` within seconds.
   */
  receiptPush?: Partial<PushSettings> & { intervalMs?: number };
}

export async function createPlatform(config: Config, migrations: Record<string, Migration>, opts: PlatformOptions = {}): Promise<Platform> {
  const log = opts.log ?? (() => undefined);
  const { url, embedded } = await databaseUrl(config, log);
  const database = connect(url, config.DATABASE_POOL_SIZE);
  try {
    await migrateToLatest(database.db, migrations);
  } catch (e) {
    await database.close();
    await embedded?.stop();
    throw e;
  }
  const clock = opts.clock ?? systemClock;
  const chainer = new Chainer(database.db, 1000, opts.onError);
  const audit = new AuditWriter(database.db, config.AUDIT_BATCH_MAX, database.pool);
  chainer.start();
  const heartbeat = new Heartbeat(database.db, 2000, opts.onError);
  heartbeat.start();
  const pushTo = receiptPushUrls(config);
  const checkpointer = new Checkpointer(database.db, config.AUDIT_CHECKPOINT_INTERVAL_MINUTES * 60_000, () => clock.now(), opts.onError, { pushTo });
  checkpointer.start();
  const { intervalMs: pushIntervalMs = 5_000, ...pushSettings } = opts.receiptPush ?? {};
  const receiptPusher = new ReceiptPusher(database.db, platformKeys(database.db, config.SIGNING_KEY_ENCRYPTION_KEY), config.PUBLIC_BASE_URL, pushIntervalMs, () => clock.now(), opts.onError, pushSettings);
  // Nothing is queued without keepers: no need to look for due pushes.
  if (pushTo.length) await receiptPusher.start(pushTo);
  const officers = new OfficerService(database.db, clock, audit, { sessionTtlMinutes: config.SESSION_TTL_MINUTES, maxFailures: config.LOGIN_MAX_FAILURES, lockMinutes: config.LOGIN_LOCK_MINUTES });
  return {
    config,
    db: database.db,
    database,
    clock,
    audit,
    chainer,
    checkpointer,
    receiptPusher,
    officers,
    heartbeat,
    embedded,
    async close() {
      await checkpointer.stop();
      await receiptPusher.stop();
      await heartbeat.stop();
      await audit.close();
      await chainer.stop();
      await database.close();
      await embedded?.stop();
    },
  };
}
