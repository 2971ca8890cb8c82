/**
 * `open06 housekeeping`: deletes expired eID codes and OpenID payloads, ended device sessions and
 * sign-in history past their retention (see housekeeping.ts), then prints what it deleted. The same
 * job runs in the background of `open06 start`; running both at once is safe.
 */
import type { Command } from 'commander';
import type { Platform } from '../platform/platform.ts';
import { housekeeping, housekeepingSettings } from './housekeeping.ts';

type WithPlatform = <T>(fn: (p: Platform) => Promise<T>) => Promise<T>;

export function registerIdentityCli(program: Command, withPlatform: WithPlatform): void {
  program.command('housekeeping')
    .description('Delete expired eID codes and OpenID payloads, ended device sessions (EID_ENDED_SESSION_RETENTION_DAYS) and sign-in history (EID_SIGN_IN_RETENTION_MONTHS) past their retention, in batches')
    .action(async () => {
      const r = await withPlatform((p) => housekeeping(p.db, p.clock, housekeepingSettings(p.config)));
      process.stdout.write(`${Object.entries(r).map(([k, n]) => `${k}: ${n} deleted`).join('\n')}\n`);
    });
}
