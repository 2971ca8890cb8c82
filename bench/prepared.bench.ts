/**
 * Prepared statements: the person-by-ID query through Kysely, unnamed (parsed and planned on
 * every call) against named (the wrapper in src/platform/db/database.ts), same data, same run,
 * 8 concurrent callers, three rounds of 30,000 queries each.
 * Usage: node --import tsx bench/prepared.bench.ts [--dir bench-pg-scale]   (a folder the registry benchmark filled)
 */
import path from 'node:path';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { preparedStatements } from '../src/platform/db/database.ts';

const args = process.argv.slice(2);
const i = args.indexOf('--dir');
const dataDir = path.resolve(import.meta.dirname, '..', '.tmp', i >= 0 ? args[i + 1]! : 'bench-pg-scale');
const server = await startEmbeddedPostgres({ dataDir, port: 54395 });
try {
  const plainPool = new pg.Pool({ connectionString: server.url, max: 8 });
  const namedPool = new pg.Pool({ connectionString: server.url, max: 8 });
  preparedStatements(namedPool);
  const ids = (await plainPool.query(`select id_number from registry.person tablesample system (0.1) limit 5000`)).rows.map((r) => r.id_number as string);
  const plain = new Kysely<any>({ dialect: new PostgresDialect({ pool: plainPool }) });
  const named = new Kysely<any>({ dialect: new PostgresDialect({ pool: namedPool }) });
  const run = async (db: Kysely<any>, n: number) => {
    let k = 0;
    const t = performance.now();
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (k < n) await db.selectFrom('registry.person').selectAll().where('id_number', '=', ids[k++ % ids.length]!).executeTakeFirst();
    }));
    return n / ((performance.now() - t) / 1000);
  };
  await run(plain, 5000);
  await run(named, 5000);
  for (let r = 0; r < 3; r++) {
    const a = await run(plain, 30_000);
    const b = await run(named, 30_000);
    console.log(`round ${r + 1}: unnamed ${a.toFixed(0)}/s, prepared ${b.toFixed(0)}/s, ratio ${(b / a).toFixed(2)}`);
  }
  await plain.destroy();
  await named.destroy();
} finally {
  await server.stop();
}
