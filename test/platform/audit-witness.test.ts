import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { startTestServer, type TestServer } from '../harness/server.ts';
import { chainAll, checkpointIfGrown } from '../../src/platform/audit/index.ts';

const root = path.resolve(import.meta.dirname, '../..');

interface Run { code: number; out: string; err: string }

function open06(args: string[], env: Record<string, string> = {}): { child: ChildProcess; done: Promise<Run> } {
  // Only what is named: a witness runs anywhere, without the platform's configuration.
  const child = spawn(process.execPath, ['bin/open06.mjs', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b) => { out += b; });
  child.stderr!.on('data', (b) => { err += b; });
  return { child, done: new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, out, err }))) };
}

let filled = 0;
async function activity(s: TestServer, n: number): Promise<void> {
  for (let i = 0; i < n; i++, filled++) await s.platform.audit.append({ at: new Date(), actorKind: 'officer', actorId: 'o1', action: 'person.read', subjectKind: 'person', subjectId: `00109001${String(filled).padStart(4, '0')}`, fields: ['fullName'], purpose: 'test', details: { i: filled } });
  await chainAll(s.platform.db);
}

const kept = (dir: string) => fs.readdirSync(dir).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    assert.ok(Date.now() - start < ms, `waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('open06 audit witness keeps each new signed head, refuses a rewritten chain, a head gone back and a bad signature', async () => {
  // The platform's clock runs ahead on demand: the public head is re-signed once its minute is over.
  let ahead = 0;
  const s = await startTestServer({ clock: { now: () => new Date(Date.now() + ahead) } });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'open06-witness-'));
  const dir = path.join(tmp, 'receipts');
  const witness = (d: string, ...more: string[]) => open06(['audit', 'witness', '--url', s.baseUrl, '--dir', d, ...more]).done;
  let polling: ChildProcess | null = null;
  try {
    const noUrl = await open06(['audit', 'witness', '--dir', dir]).done;
    assert.equal(noUrl.code, 2, 'bad options');
    assert.match(noUrl.err, /--url/);

    const none = await witness(dir, '--once');
    assert.equal(none.code, 0, none.out + none.err);
    assert.match(none.out, /^chưa có gì để lưu: nền tảng chưa có điểm kiểm tra nào\nnothing to keep: the platform has no checkpoint yet\n/);
    assert.deepEqual(kept(dir), []);

    await activity(s, 6);
    const first = await checkpointIfGrown(s.platform.db, () => s.platform.clock.now());
    const stored = await witness(dir, '--once');
    assert.equal(stored.code, 0, stored.out + stored.err);
    assert.match(stored.out, new RegExp(`^đã lưu: biên nhận của bản ghi #${first!.checkpoint!.seq} [^\n]*\nstored: receipt of entry #${first!.checkpoint!.seq} \\(hash ${first!.checkpoint!.hash}, .*\\) in ${dir}/${first!.checkpoint!.seq}\\.jws\n`));
    assert.deepEqual(kept(dir), [`${first!.checkpoint!.seq}.jws`]);
    const same = await witness(dir, '--once');
    assert.equal(same.code, 0, same.out + same.err);
    assert.match(same.out, /^không đổi: [^\n]*\nunchanged: entry #\d+ is already kept/);

    // More audited activity, the next checkpoint, and the next minute's head.
    await activity(s, 4);
    const second = await checkpointIfGrown(s.platform.db, () => s.platform.clock.now());
    ahead += 61_000;
    const next = await witness(dir, '--once');
    assert.equal(next.code, 0, next.out + next.err);
    assert.match(next.out, new RegExp(`^đã lưu: biên nhận của bản ghi #${second!.checkpoint!.seq} [^\n]*\nstored: receipt of entry #${second!.checkpoint!.seq} `));
    const files = kept(dir);
    assert.deepEqual(files, [`${first!.checkpoint!.seq}.jws`, `${second!.checkpoint!.seq}.jws`]);

    // What the witness keeps is what `open06 audit verify --receipt` checks against the database.
    for (const f of files) {
      const v = await open06(['audit', 'verify', '--receipt', path.join(dir, f)], { DATABASE_URL: s.platform.config.DATABASE_URL! }).done;
      assert.equal(v.code, 0, v.out + v.err);
      assert.match(v.out, new RegExp(`^OK: audit chain matches the receipt of entry #${parseInt(f, 10)} `));
    }

    // Against a kept JWKS: the platform's own keys verify; another key under the same kid does not.
    const latest = path.join(dir, files[1]!);
    const original = fs.readFileSync(latest, 'utf8');
    const kid = (JSON.parse(Buffer.from(original.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
    const goodJwks = path.join(tmp, 'jwks.json');
    fs.writeFileSync(goodJwks, await (await fetch(`${s.baseUrl}/oidc/jwks`)).text());
    const pinned = await witness(path.join(tmp, 'pinned'), '--once', '--jwks', goodJwks);
    assert.equal(pinned.code, 0, pinned.out + pinned.err);
    assert.deepEqual(kept(path.join(tmp, 'pinned')), [files[1]]);
    const { publicKey } = await generateKeyPair('ES256');
    const wrongJwks = path.join(tmp, 'wrong-jwks.json');
    fs.writeFileSync(wrongJwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }));
    const forged = await witness(path.join(tmp, 'forged'), '--once', '--jwks', wrongJwks);
    assert.equal(forged.code, 5, forged.out + forged.err);
    assert.match(forged.out, /^TỪ CHỐI: Biên nhận của nền tảng bị từ chối, không lưu: Chữ ký của biên nhận không hợp lệ.*\nREFUSED: The platform's receipt was refused and not kept: The receipt's signature does not verify.*\(receipt\.signature\)\n/);
    assert.deepEqual(kept(path.join(tmp, 'forged')), []);

    // A witness holding a receipt for a later entry than the platform now publishes: the head went back.
    const backDir = path.join(tmp, 'back');
    fs.mkdirSync(backDir);
    fs.writeFileSync(path.join(backDir, `${second!.checkpoint!.seq + 5}.jws`), original);
    const back = await witness(backDir, '--once');
    assert.equal(back.code, 3, back.out + back.err);
    assert.match(back.out, new RegExp(`^TỪ CHỐI: Đầu chuỗi nhật ký kiểm toán của nền tảng đã lùi lại.*\nREFUSED: The platform's audit head went back: it now publishes entry #${second!.checkpoint!.seq}, but .* keeps a receipt for entry #${second!.checkpoint!.seq + 5}\\.`));
    assert.deepEqual(kept(backDir), [`${second!.checkpoint!.seq + 5}.jws`], 'nothing stored');

    // The kept receipt of the same entry says another hash: the chain was rewritten. The kept file stays.
    const [header, , signature] = original.trim().split('.');
    const claims = JSON.parse(Buffer.from(original.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const otherHash = 'ab'.repeat(32);
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, hash: otherHash })).toString('base64url')}.${signature}\n`;
    fs.writeFileSync(latest, tampered);
    const rewritten = await witness(dir, '--once');
    assert.equal(rewritten.code, 4, rewritten.out + rewritten.err);
    assert.match(rewritten.out, new RegExp(`^TỪ CHỐI: Chuỗi nhật ký kiểm toán đã bị viết lại.*\nREFUSED: The audit chain was rewritten: the platform now signs hash ${second!.checkpoint!.hash} for entry #${second!.checkpoint!.seq}, but the receipt kept in ${latest} says ${otherHash}\\.`));
    assert.equal(fs.readFileSync(latest, 'utf8'), tampered, 'never overwritten');

    // Without --once it polls: it keeps the head, then stops with the same code once a kept receipt disagrees.
    const pollDir = path.join(tmp, 'poll');
    const run = open06(['audit', 'witness', '--url', s.baseUrl, '--dir', pollDir, '--interval', '1']);
    polling = run.child;
    await until('the polling witness to keep the head', () => fs.existsSync(path.join(pollDir, files[1]!)));
    fs.writeFileSync(path.join(pollDir, files[1]!), tampered);
    const stopped = await run.done;
    polling = null;
    assert.equal(stopped.code, 4, stopped.out + stopped.err);
    assert.match(stopped.out, /Z đã lưu: biên nhận của bản ghi #\d+ [^]*\nstored: receipt of entry #\d+ [^]*Z TỪ CHỐI: Chuỗi nhật ký kiểm toán đã bị viết lại[^]*\nREFUSED: The audit chain was rewritten/);
  } finally {
    polling?.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
    await s.close();
  }
});
