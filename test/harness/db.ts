import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, withDatabase, type Database } from '../../src/platform/db/database.ts';

/** A fresh database cloned from the migrated template that `npm test` prepared. */
export async function createTestDatabase(): Promise<Database & { url: string }> {
  const base = process.env.OPEN06_TEST_PG_URL;
  const template = process.env.OPEN06_TEST_TEMPLATE ?? 'open06_template';
  if (!base) throw new Error('OPEN06_TEST_PG_URL is not set: run the tests with `npm test` (scripts/test.ts starts PostgreSQL)');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    // Two CREATE DATABASE ... TEMPLATE at once can collide on the template; retry briefly.
    for (let i = 0; ; i++) {
      try {
        await admin.query(`create database ${name} template ${template}`);
        break;
      } catch (e) {
        if (i > 20 || !/being accessed by other users/.test(String(e))) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(base, name);
  return { ...connect(url, 10), url };
}
