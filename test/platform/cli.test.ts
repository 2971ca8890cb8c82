import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase } from '../harness/db.ts';
import type { Database } from '../../src/platform/db/database.ts';

const root = path.resolve(import.meta.dirname, '../..');
let db: Database & { url: string };

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/open06.mjs', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { err += b; });
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

before(async () => { db = await createTestDatabase(); });
after(async () => { await db.close(); });

test('open06 --help lists the commands', async () => {
  const r = await cli(['--help']);
  assert.equal(r.code, 0);
  for (const c of ['start', 'migrate', 'seed', 'audit', 'officer']) assert.match(r.out, new RegExp(`\\b${c}\\b`));
});

test('open06 migrate on an up-to-date database', async () => {
  const r = await cli(['migrate']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /up to date/);
});

test('open06 officer add: creates, and refuses a commune outside the province with the field named', async () => {
  const ok = await cli(['officer', 'add', '--username', 'cli.badinh', '--name', 'Cán bộ Ba Đình', '--role', 'registrar', '--province', '01', '--commune', '00004'], { OPEN06_OFFICER_PASSWORD: 'a-long-enough-secret' });
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /created officer cli\.badinh \(registrar\) — Phường Ba Đình/);
  const bad = await cli(['officer', 'add', '--username', 'cli.bad', '--name', 'x', '--role', 'registrar', '--province', '79', '--commune', '00004'], { OPEN06_OFFICER_PASSWORD: 'a-long-enough-secret' });
  assert.equal(bad.code, 1);
  assert.match(bad.err, /communeCode/);
  const noPassword = await cli(['officer', 'add', '--username', 'cli.nopw', '--name', 'x', '--role', 'registrar']);
  assert.equal(noPassword.code, 2);
});

test('open06 audit verify: OK on an intact chain, exit 1 naming the altered entry', async () => {
  const ok = await cli(['audit', 'verify']);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /^OK: audit chain intact: \d+ entries/);
  await sql`update platform.audit_log set actor_id = 'someone' where seq = 1`.execute(db.db);
  const broken = await cli(['audit', 'verify']);
  assert.equal(broken.code, 1, broken.out + broken.err);
  assert.match(broken.out, /BROKEN: entry #1 was altered/);
  assert.match(broken.out, /HỎNG: bản ghi #1 đã bị sửa/);
});

test('a bad configuration value stops with a message naming it', async () => {
  const r = await cli(['migrate'], { PORT: 'eighty' });
  assert.equal(r.code, 2);
  assert.match(r.err, /PORT="eighty": expected a whole number/);
});
