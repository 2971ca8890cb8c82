/**
 * Runs the whole test suite against a real PostgreSQL: starts an embedded server in a fresh
 * folder, migrates a template database once, then runs every *.test.ts with Node's test runner.
 * Each test file clones the template into a database of its own.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../src/platform/net.ts';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { connect, withDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { migrations } from '../src/modules.ts';

const root = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith('--'));

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules') out.push(...findTests(p));
    else if (e.isFile() && e.name.endsWith('.test.ts')) out.push(path.relative(root, p));
  }
  return out;
}

async function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, env, stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

// Arguments may name test files or folders of them.
const files = (only.length ? only.flatMap((a) => (fs.statSync(path.resolve(root, a)).isDirectory() ? findTests(path.resolve(root, a)) : [a])) : [...findTests(path.join(root, 'src')), ...findTests(path.join(root, 'test'))]).sort();
// OPEN06_SKIP_WEB_BUILD=1 reuses dist/web as it is (e2e tests of server-rendered pages while the web app is being edited).
const needsWeb = files.some((f) => f.includes('e2e')) && process.env.OPEN06_SKIP_WEB_BUILD !== '1';
if (needsWeb) {
  const code = await run(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], process.env);
  if (code !== 0) process.exit(code);
}

const dataDir = path.join(root, '.tmp', `test-pg-${process.pid}`);
fs.rmSync(dataDir, { recursive: true, force: true });
const port = await freePort();
const server = await startEmbeddedPostgres({ dataDir, port, tuning: ['-c', 'shared_buffers=256MB', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] });
let code = 1;
try {
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('create database open06_template');
  await admin.end();
  const tpl = connect(withDatabase(server.url, 'open06_template'), 2);
  await migrateToLatest(tpl.db, migrations);
  await tpl.close();
  code = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...files], {
    ...process.env,
    OPEN06_TEST_PG_URL: server.url,
    OPEN06_TEST_TEMPLATE: 'open06_template',
  });
} finally {
  await server.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
process.exit(code);
