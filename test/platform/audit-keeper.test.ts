import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { startTestServer, freePort } from '../harness/server.ts';
import { chainAll, checkpointIfGrown, readReceipt, jwksKeyLookup, receiptPushes, RECEIPT_TYP } from '../../src/platform/audit/index.ts';
import { startKeeper, type KeeperEvent } from '../../src/platform/audit/audit.keeper.ts';
import { platformKeys } from '../../src/platform/keys/jose-keys.ts';
import { receiptPushUrls } from '../../src/config.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** A signing key of the test's own, put in the keeper's JWKS next to the platform's. */
async function ownKey(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const sign = (claims: Record<string, unknown>, header: Record<string, unknown> = {}) =>
    new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'ES256', kid, typ: RECEIPT_TYP, ...header }).sign(privateKey);
  return { jwk, sign };
}

const claimsOf = (jws: string) => JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as { seq: number; hash: string; at: string; issuer: string };
const kept = (dir: string) => fs.readdirSync(dir).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));

async function post(url: string, body: string, contentType = 'application/json') {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), json: text ? JSON.parse(text) : null };
}

async function until(what: string, cond: () => boolean, ms = 30_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    assert.ok(Date.now() - start < ms, `waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function assertProblem(r: Awaited<ReturnType<typeof post>>, status: number, code: string, field?: string): void {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(r.type, 'application/problem+json; charset=utf-8');
  assert.equal(r.json.status, status);
  assert.equal(r.json.code, code);
  assert.equal(r.json.type, `/docs/errors#${code}`);
  assert.ok(r.json.messages.vi && r.json.messages.en && r.json.messages.vi !== r.json.messages.en, code);
  if (field) assert.deepEqual(r.json.errors.map((e: { field: string }) => e.field), [field]);
}

test('a keeper receives the platform\'s pushed receipt and keeps it once; refuses forged, foreign and oversized pushes, a wrong token, and a kept entry with another hash', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'open06-keeper-'));
  const dir = path.join(tmp, 'receipts');
  const port = await freePort();
  const pushUrl = `http://127.0.0.1:${port}/receipts?token=s3cret`;
  const s = await startTestServer({ config: { AUDIT_RECEIPT_PUSH_URLS: pushUrl }, receiptPush: { intervalMs: 100, baseDelayMs: 100, maxAttempts: 5 } });
  const events: KeeperEvent[] = [];
  let keeper: Awaited<ReturnType<typeof startKeeper>> | null = null;
  try {
    // The operator fetches the platform's JWKS once (a running platform has a signing key by then).
    await platformKeys(s.platform.db, s.platform.config.SIGNING_KEY_ENCRYPTION_KEY).privateJwks();
    const platformJwks = await (await fetch(`${s.baseUrl}/oidc/jwks`)).json() as { keys: JWK[] };
    const own = await ownKey('keeper-test');
    keeper = await startKeeper({ dir, jwks: { keys: [...platformJwks.keys, own.jwk] }, host: '127.0.0.1', port, token: 's3cret', onEvent: (e) => events.push(e) });
    assert.equal(keeper.url, `http://127.0.0.1:${port}/`);
    const url = pushUrl;

    for (let i = 0; i < 5; i++) await s.platform.audit.append({ at: new Date(), actorKind: 'officer', actorId: 'o1', action: 'person.read', subjectKind: 'person', subjectId: `00109001${String(i).padStart(4, '0')}`, fields: ['fullName'], purpose: 'test' });
    await chainAll(s.platform.db);
    const walk = await checkpointIfGrown(s.platform.db, () => new Date(), undefined, receiptPushUrls(s.platform.config));
    const { seq, hash } = walk!.checkpoint!;
    const file = path.join(dir, `${seq}.jws`);
    await until('the pushed receipt to be kept', () => fs.existsSync(file));
    const received = fs.readFileSync(file, 'utf8');
    assert.match(received, /^[\w-]+\.[\w-]+\.[\w-]+\n$/, 'the same file format as the witness');
    const receipt = received.trim();
    const claims = await readReceipt(receipt, jwksKeyLookup(platformJwks));
    assert.equal(claims.seq, seq);
    assert.equal(claims.hash, hash);
    const push = () => s.platform.db.selectFrom('platform.audit_receipt_push').select(['status', 'last_status']).executeTakeFirstOrThrow();
    for (const start = Date.now(); (await push()).status === 'pending' && Date.now() - start < 10_000;) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await push(), { status: 'sent', last_status: 201 }, 'the platform counts the keeper\'s 201 as sent');
    const shownPushes = await receiptPushes(s.platform.db, seq);
    assert.equal(shownPushes.length, 1);
    assert.ok(!JSON.stringify(shownPushes).includes('s3cret'), 'the keeper\'s token is not shown with its push');
    assert.deepEqual(events.map((e) => e.kind), ['stored']);

    // The same receipt again (a retry): 200, nothing new.
    const again = await post(url, JSON.stringify({ receipt }));
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, { seq, hash, kept: 'unchanged' });
    assert.deepEqual(kept(dir), [`${seq}.jws`]);
    assert.equal(fs.readFileSync(file, 'utf8'), received);

    // The platform's claims for a later entry, signed by a key under the platform's kid that is not the platform's.
    const platformKid = (JSON.parse(Buffer.from(receipt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
    const forged = await post(url, JSON.stringify({ receipt: await own.sign({ ...claims, seq: seq + 100 }, { kid: platformKid }) }));
    assertProblem(forged, 422, 'AUDIT_KEEPER_REFUSED', 'receipt.signature');
    assert.match(forged.json.messages.en, /^The receipt was refused and not kept: The receipt's signature does not verify/);
    assertProblem(await post(url, JSON.stringify({ receipt: await own.sign({ ...claims, seq: seq + 100 }, { kid: 'nobody' }) })), 422, 'AUDIT_KEEPER_REFUSED', 'receipt.header.kid');
    assertProblem(await post(url, JSON.stringify({ receipt: await own.sign({ ...claims, seq: seq + 100 }, { typ: 'JWT' }) })), 422, 'AUDIT_KEEPER_REFUSED', 'receipt.header.typ');
    assert.deepEqual(kept(dir), [`${seq}.jws`], 'nothing refused is kept');

    // A receipt for the kept entry with another hash, validly signed by a key the keeper trusts.
    const otherHash = 'ab'.repeat(32);
    const rewritten = await post(url, JSON.stringify({ receipt: await own.sign({ ...claims, hash: otherHash }) }));
    assertProblem(rewritten, 409, 'AUDIT_KEEPER_REWRITTEN');
    assert.equal(rewritten.json.messages.en, `The audit chain was rewritten: this receipt signs hash ${otherHash} for entry #${seq}, but the keeper holds a receipt that says ${hash}. Not kept; keep the receipts and report it.`);
    assert.equal(fs.readFileSync(file, 'utf8'), received, 'the kept receipt is never overwritten');
    const alarm = events.find((e) => e.kind === 'rewritten');
    assert.ok(alarm && alarm.kind === 'rewritten');
    assert.equal(alarm.kept, hash);
    assert.match(alarm.messages.vi, new RegExp(`^Chuỗi nhật ký kiểm toán đã bị viết lại: nền tảng nay ký mã băm ${otherHash} cho bản ghi #${seq}, nhưng biên nhận lưu tại ${file} ghi ${hash}\\.`));

    // Pushes are retried: an older entry after a newer one is kept too.
    const later = await post(url, JSON.stringify({ receipt: await own.sign({ ...claims, seq: seq + 10 }) }));
    assert.equal(later.status, 201);
    assert.deepEqual(later.json, { seq: seq + 10, hash, kept: 'stored' });
    assert.equal((await post(url, JSON.stringify({ receipt: await own.sign({ ...claims, seq: seq + 5 }) }))).status, 201);
    assert.deepEqual(kept(dir), [`${seq}.jws`, `${seq + 5}.jws`, `${seq + 10}.jws`]);

    // Neither a missing nor a wrong token is let in; the body is not looked at.
    const base = `http://127.0.0.1:${port}/receipts`;
    assertProblem(await post(base, JSON.stringify({ receipt })), 401, 'AUDIT_KEEPER_TOKEN');
    assertProblem(await post(`${base}?token=s3creT`, JSON.stringify({ receipt })), 401, 'AUDIT_KEEPER_TOKEN');
    assertProblem(await post(`${base}?token=`, JSON.stringify({ receipt })), 401, 'AUDIT_KEEPER_TOKEN');

    assertProblem(await post(url, JSON.stringify({ receipt, padding: 'x'.repeat(20 * 1024) })), 413, 'PAYLOAD_TOO_LARGE');
    assertProblem(await post(url, 'not json'), 400, 'MALFORMED_JSON');
    assertProblem(await post(url, JSON.stringify({ jws: receipt })), 400, 'VALIDATION_FAILED', 'receipt');
    assertProblem(await post(url, JSON.stringify({ receipt: JSON.stringify({ receipt }) })), 400, 'VALIDATION_FAILED', 'receipt');
    assertProblem(await post(url, receipt, 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    const get = await fetch(url);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    // A request target that is no URL at all (fetch cannot send one): refused, not a crash.
    const raw = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.end('POST http://[ HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}'));
      let text = '';
      socket.on('data', (b) => { text += b; });
      socket.on('close', () => resolve(text));
    });
    assert.match(raw, /^HTTP\/1\.1 401 /);

    // A kept file someone damaged: that request fails with a 500 problem, and the keeper goes on.
    fs.writeFileSync(path.join(dir, `${seq + 7}.jws`), 'not a receipt\n');
    const broken = await post(url, JSON.stringify({ receipt: await own.sign({ ...claims, seq: seq + 7 }) }));
    assertProblem(broken, 500, 'INTERNAL');
    const failed = events.find((e) => e.kind === 'failed');
    assert.match(String(failed && failed.kind === 'failed' && failed.error), /cannot read the kept receipt .*\/\d+\.jws .*move it aside/);
    assert.equal((await post(url, JSON.stringify({ receipt: await own.sign({ ...claims, seq: seq + 8 }) }))).status, 201);

    const errorsPage = await fetch(`http://127.0.0.1:${port}/docs/errors`);
    assert.equal(errorsPage.status, 200);
    assert.match(await errorsPage.text(), /id="AUDIT_KEEPER_REWRITTEN"/);
    assert.deepEqual(events.filter((e) => e.kind === 'refused').map((e) => e.kind === 'refused' && e.status), [422, 422, 422, 401, 401, 401, 413, 400, 400, 400, 415, 405, 401]);
  } finally {
    await keeper?.close();
    await s.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('open06 audit keeper: keeps a posted receipt, says so in Vietnamese and English, warns on stderr of a rewritten chain, stops with 0 on SIGTERM; bad options exit 2', async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'open06-keeper-cli-'));
  const dir = path.join(tmp, 'receipts');
  const jwksFile = path.join(tmp, 'platform.jwks');
  const own = await ownKey('cli-test');
  fs.writeFileSync(jwksFile, JSON.stringify({ keys: [own.jwk] }));
  // Only what is named: a keeper runs anywhere, without the platform's configuration.
  const run = (args: string[], env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, ['bin/open06.mjs', 'audit', 'keeper', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { err += b; });
    const done = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    return { child, done, out: () => out, err: () => err };
  };
  try {
    const noJwks = run(['--dir', dir]);
    assert.equal(await noJwks.done, 2, noJwks.err());
    assert.match(noJwks.err(), /--jwks/);
    const badListen = run(['--dir', dir, '--jwks', jwksFile, '--listen', 'localhost']);
    assert.equal(await badListen.done, 2, badListen.err());
    assert.match(badListen.err(), /--listen must be HOST:PORT/);

    const keeper = run(['--dir', dir, '--jwks', jwksFile, '--listen', '127.0.0.1:0'], { OPEN06_KEEPER_TOKEN: 'from-env' });
    await until('the keeper to listen', () => /receiving receipts at/.test(keeper.out()) || keeper.child.exitCode !== null);
    const listening = /^đang nhận biên nhận tại (http:\/\/127\.0\.0\.1:\d+\/), lưu vào [^\n]+ \(cần \?token=\)\nreceiving receipts at \1, keeping them in [^\n]+ \(\?token= required\)\n/.exec(keeper.out());
    assert.ok(listening, keeper.out() + keeper.err());
    const claims = { seq: 42, hash: 'cd'.repeat(32), at: new Date().toISOString(), issuer: 'https://open06.example.vn' };
    const receipt = await own.sign(claims);
    assert.equal((await post(`${listening[1]}?token=wrong`, JSON.stringify({ receipt }))).status, 401);
    const stored = await post(`${listening[1]}?token=from-env`, JSON.stringify({ receipt }));
    assert.equal(stored.status, 201);
    assert.equal(fs.readFileSync(path.join(dir, '42.jws'), 'utf8'), `${receipt}\n`);
    const rewritten = await post(`${listening[1]}?token=from-env`, JSON.stringify({ receipt: await own.sign({ ...claims, hash: 'ef'.repeat(32) }) }));
    assert.equal(rewritten.status, 409);
    await until('the report lines', () => /stored: /.test(keeper.out()) && /ALERT: /.test(keeper.err()));
    keeper.child.kill('SIGTERM');
    assert.equal(await keeper.done, 0, keeper.err());
    assert.match(keeper.out(), /\n\d{4}-\d\d-\d\dT[\d:.]+Z đã lưu: biên nhận của bản ghi #42 \(mã băm (cd)+, [^\n]*\nstored: receipt of entry #42 \(hash (cd)+, signed at [^,]+, key cli-test\) in [^\n]+\/42\.jws\n$/);
    assert.match(keeper.err(), /Z từ chối \(HTTP 401\): [^\n]*\nrefused \(HTTP 401\): The keeper's token/);
    assert.match(keeper.err(), /Z CẢNH BÁO: Chuỗi nhật ký kiểm toán đã bị viết lại: [^\n]*\nALERT: The audit chain was rewritten: the platform now signs hash (ef)+ for entry #42, but the receipt kept in [^\n]+\/42\.jws says (cd)+\./);
    assert.match(keeper.err(), /open06 audit keeper: SIGTERM, stopping/);
    assert.doesNotMatch(keeper.out() + keeper.err(), /from-env/, 'the token is never printed');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
