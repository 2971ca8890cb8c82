import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase } from '../harness/db.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** `open06 start` on a database of its own; resolves once it says it is running. */
async function start(url: string) {
  const child = spawn(process.execPath, ['bin/open06.mjs', 'start', '--no-seed'], { cwd: root, env: { ...process.env, DATABASE_URL: url, PORT: '0', LOG_LEVEL: 'silent', AUDIT_CHECKPOINT_INTERVAL_MINUTES: '0' } });
  let out = '';
  let err = '';
  child.stdout.on('data', (b) => { out += b; });
  child.stderr.on('data', (b) => { err += b; });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const deadline = Date.now() + 60_000;
  while (!out.includes('Open06 is running')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`open06 start did not come up: ${out}${err}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, exited, output: () => ({ out, err }) };
}

test('open06 start stops on SIGTERM with code 0; when its database went away first, it says so and exits 1 without a crash', async () => {
  const db = await createTestDatabase();
  await db.close();
  const normal = await start(db.url);
  normal.child.kill('SIGTERM');
  const normalCode = await normal.exited;
  assert.equal(normalCode, 0, JSON.stringify(normal.output()));
  assert.match(normal.output().err, /open06: SIGTERM, stopping/);

  const app = await start(db.url);
  // The database goes away under the running platform: its last flush on stopping cannot be written.
  const name = new URL(db.url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: process.env.OPEN06_TEST_PG_URL });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
    await admin.query(`drop database ${name} with (force)`);
  } finally {
    await admin.end();
  }
  app.child.kill('SIGTERM');
  const code = await app.exited;
  const { err } = app.output();
  assert.equal(code, 1, err);
  assert.match(err, /open06: while stopping: /);
  assert.doesNotMatch(err, /\n\s+at /, 'no stack trace: the error was handled');
});
