/**
 * `open06 keys …`: the platform's JOSE signing keys (OpenID Connect tokens, exchange access
 * tokens, webhook signatures).
 *
 *   open06 keys list              the keys, newest (signing) first
 *   open06 keys rotate            a new key signs from now on; running servers switch within seconds
 *   open06 keys retire --days N   drop keys older than N days from the published JWKS (never the newest);
 *                                 audit receipts they signed still verify (the public key is kept)
 */
import type { Command } from 'commander';
import type { Platform } from '../platform.ts';
import { platformKeys, type JoseKeys } from './jose-keys.ts';

type WithPlatform = <T>(fn: (p: Platform) => Promise<T>) => Promise<T>;

function keysOf(p: Platform): JoseKeys {
  return platformKeys(p.db, p.config.SIGNING_KEY_ENCRYPTION_KEY);
}

export function registerKeysCli(program: Command, withPlatform: WithPlatform): void {
  const keys = program.command('keys').description('Signing keys of OpenID Connect and the data exchange (JWKS, rotation)');
  keys.command('list').description('List the keys, newest (the one signing) first').action(async () => {
    const rows = await withPlatform((p) => keysOf(p).list());
    const text = rows.map((k, i) => `${k.kid}  ${k.alg}  created ${k.createdAt.toISOString()}  ${k.retiredAt ? `retired ${k.retiredAt.toISOString()}` : i === 0 ? 'SIGNING' : 'published'}${k.encrypted ? '' : '  (stored unencrypted)'}`).join('\n');
    process.stdout.write(`${text || 'no keys yet (one is made on first start)'}\n`, () => process.exit(0));
  });
  keys.command('rotate').description('Make a new signing key; the previous ones stay published until retired').action(async () => {
    const kid = await withPlatform((p) => keysOf(p).rotate());
    process.stdout.write(`new signing key ${kid}\n`, () => process.exit(0));
  });
  keys.command('retire').description('Remove keys older than --days from the published JWKS (tokens they signed stop verifying)')
    .requiredOption('--days <n>', 'age in days', (v) => Number(v))
    .action(async (o: { days: number }) => {
      if (!Number.isFinite(o.days) || o.days < 0) { process.stderr.write('open06 keys retire: --days must be a number ≥ 0\n'); process.exit(2); }
      const gone = await withPlatform((p) => keysOf(p).retire(new Date(Date.now() - o.days * 86_400_000)));
      process.stdout.write(`${gone.length ? `retired ${gone.join(', ')}` : 'nothing to retire'}\n`, () => process.exit(0));
    });
}
