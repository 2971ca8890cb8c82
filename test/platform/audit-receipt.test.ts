import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { testApp, type TestApp } from '../harness/app.ts';
import { chainAll } from '../../src/platform/audit/index.ts';
import { entryHash } from '../../src/platform/audit/audit.hash.ts';
import { GENESIS_HASH } from '../../src/platform/audit/audit.types.ts';
import { JoseKeys } from '../../src/platform/keys/jose-keys.ts';
import type { Platform } from '../../src/platform/platform.ts';

const root = path.resolve(import.meta.dirname, '../..');

async function fill(p: Platform, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await p.audit.append({ at: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)), actorKind: 'officer', actorId: `o${i % 3}`, action: 'person.read', subjectKind: 'person', subjectId: `00109001${String(i).padStart(4, '0')}`, fields: ['fullName'], purpose: 'test', details: { i } });
  await chainAll(p.db);
}

/**
 * What someone with write access to the database could do: change entry `seq`, re-hash it and
 * every entry after it so that every link holds, and rewrite the checkpoints to the new hashes.
 */
async function rewriteChain(p: Platform, seq: number, actorId: string): Promise<void> {
  const rows = await p.db.selectFrom('platform.audit_log').selectAll().where('seq', '>=', seq).orderBy('seq').execute();
  const before = seq > 1 ? (await p.db.selectFrom('platform.audit_log').select('hash').where('seq', '=', seq - 1).executeTakeFirstOrThrow()).hash as Buffer : GENESIS_HASH;
  let prev = before;
  for (const r of rows) {
    const actor = Number(r.seq) === seq ? actorId : r.actor_id;
    const e = { at: r.at, actorKind: r.actor_kind, actorId: actor, action: r.action, subjectKind: r.subject_kind, subjectId: r.subject_id, fields: r.fields, purpose: r.purpose, legalBasis: r.legal_basis, requestId: r.request_id, details: r.details };
    const hash = entryHash(Number(r.seq), e, prev);
    await p.db.updateTable('platform.audit_log').set({ actor_id: actor, prev_hash: prev, hash }).where('seq', '=', r.seq).execute();
    prev = hash;
  }
  await sql`update platform.audit_checkpoint c set hash = l.hash from platform.audit_log l where l.seq = c.seq`.execute(p.db);
}

function flipSignatureByte(jws: string): string {
  const [h, p, s] = jws.split('.');
  const sig = Buffer.from(s!, 'base64url');
  sig.writeUInt8(sig.readUInt8(10) ^ 0x01, 10);
  return `${h}.${p}.${sig.toString('base64url')}`;
}

function withHeader(jws: string, change: Record<string, unknown>): string {
  const [h, p, s] = jws.split('.');
  const header = { ...JSON.parse(Buffer.from(h!, 'base64url').toString('utf8')), ...change };
  return `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${p}.${s}`;
}

async function verified(t: TestApp, headers: Record<string, string>) {
  const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

async function checkReceipt(t: TestApp, headers: Record<string, string>, receipt: string) {
  return t.app.inject({ method: 'POST', url: '/api/v1/audit/verify-receipt', headers, payload: { receipt } });
}

test('receipts of checkpoints: signed with the published key, verified against an intact chain, refused when altered, for auditors and admins only', async () => {
  const t = await testApp();
  try {
    const auditor = await t.officer('kiem.toan', ['auditor'], null);
    const admin = await t.officer('quan.tri', ['admin'], null);
    const registrar = await t.officer('ho.tich', ['registrar'], '01');
    await fill(t.platform, 20);

    const none = await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints/latest/receipt', headers: auditor });
    assert.equal(none.statusCode, 404);
    assert.equal(none.json().code, 'AUDIT_NO_CHECKPOINT');

    const first = await verified(t, auditor);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints/latest/receipt', headers: admin });
    assert.equal(res.statusCode, 200, res.body);
    const r = res.json();
    assert.deepEqual([r.seq, r.hash, r.at, r.issuer], [first.checkpoint.seq, first.checkpoint.hash, first.checkpoint.verifiedAt, t.platform.config.PUBLIC_BASE_URL]);
    const header = JSON.parse(Buffer.from(r.receipt.split('.')[0], 'base64url').toString('utf8'));
    assert.deepEqual(header, { alg: 'ES256', kid: r.kid, typ: 'open06-audit-receipt+jws' });
    const payload = JSON.parse(Buffer.from(r.receipt.split('.')[1], 'base64url').toString('utf8'));
    assert.deepEqual(payload, { seq: r.seq, hash: r.hash, at: r.at, issuer: r.issuer });
    const jwks = (await t.app.inject({ method: 'GET', url: '/oidc/jwks' })).json();
    assert.ok(jwks.keys.some((k: { kid: string }) => k.kid === r.kid), 'the signing key is published');

    const bySeq = await t.app.inject({ method: 'GET', url: `/api/v1/audit/checkpoints/${r.seq}/receipt`, headers: auditor });
    assert.equal(bySeq.statusCode, 200, bySeq.body);
    assert.equal(bySeq.json().hash, r.hash);
    const noSuch = await t.app.inject({ method: 'GET', url: `/api/v1/audit/checkpoints/${r.seq - 1}/receipt`, headers: auditor });
    assert.equal(noSuch.statusCode, 404);
    assert.equal(noSuch.json().code, 'AUDIT_CHECKPOINT_NOT_FOUND');

    // Intact: the chain up to the receipt's entry hashes to its hash, and on to the head.
    await fill(t.platform, 5);
    const ok = await checkReceipt(t, auditor, r.receipt);
    assert.equal(ok.statusCode, 200, ok.body);
    const v = ok.json();
    assert.equal(v.ok, true, v.message);
    assert.equal(v.receipt.matched, true);
    assert.equal(v.receipt.kid, r.kid);
    assert.deepEqual([v.walk, v.fromSeq, v.entries, v.checkpoint], ['full', 1, v.toSeq, null]);
    assert.deepEqual(v.receipt.after, { fromSeq: r.seq, toSeq: v.toSeq, entries: v.toSeq - r.seq + 1 });
    assert.ok(v.toSeq > r.seq);
    assert.match(v.messages.en, new RegExp(`^audit chain matches the receipt of entry #${r.seq} .*entries #1–#${r.seq} hash to the receipt's hash`));
    assert.match(v.messages.vi, new RegExp(`^chuỗi nhật ký khớp biên nhận của bản ghi #${r.seq}`));
    // The JSON the receipt route returns is accepted as it is.
    assert.equal((await checkReceipt(t, admin, JSON.stringify(r))).json().ok, true);

    // A flipped byte of the signature, or a changed payload: the signature does not verify.
    const flipped = await checkReceipt(t, auditor, flipSignatureByte(r.receipt));
    assert.equal(flipped.statusCode, 422, flipped.body);
    assert.equal(flipped.json().code, 'AUDIT_RECEIPT_BAD_SIGNATURE');
    assert.equal(flipped.json().errors[0].field, 'receipt.signature');
    const [h, , s] = r.receipt.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...payload, hash: 'ab'.repeat(32) })).toString('base64url');
    assert.equal((await checkReceipt(t, auditor, `${h}.${forgedPayload}.${s}`)).json().code, 'AUDIT_RECEIPT_BAD_SIGNATURE');

    const unknown = await checkReceipt(t, auditor, withHeader(r.receipt, { kid: 'no-such-key' }));
    assert.equal(unknown.statusCode, 422);
    assert.equal(unknown.json().code, 'AUDIT_RECEIPT_UNKNOWN_KEY');
    assert.equal(unknown.json().errors[0].field, 'receipt.header.kid');

    for (const [bad, field] of [['not a receipt', 'receipt'], ['a.b', 'receipt'], [withHeader(r.receipt, { typ: 'JWT' }), 'receipt.header.typ'], [withHeader(r.receipt, { alg: 'none' }), 'receipt.header.alg'], ['{"x":1}', 'receipt']] as const) {
      const m = await checkReceipt(t, auditor, bad);
      assert.equal(m.statusCode, 400, `${bad}: ${m.body}`);
      assert.equal(m.json().code, 'AUDIT_RECEIPT_MALFORMED');
      assert.equal(m.json().errors[0].field, field, bad);
    }
    const empty = await checkReceipt(t, auditor, '');
    assert.equal(empty.statusCode, 400);
    assert.equal(empty.json().errors[0].field, 'receipt');

    for (const req of [{ method: 'GET' as const, url: '/api/v1/audit/checkpoints/latest/receipt' }, { method: 'GET' as const, url: `/api/v1/audit/checkpoints/${r.seq}/receipt` }, { method: 'POST' as const, url: '/api/v1/audit/verify-receipt', payload: { receipt: r.receipt } }]) {
      assert.equal((await t.app.inject({ ...req, headers: registrar })).statusCode, 403, req.url);
    }
  } finally {
    await t.close();
  }
});

test('a chain altered and re-hashed together with its checkpoints passes both walks but not the receipt kept outside', async () => {
  const t = await testApp();
  try {
    const auditor = await t.officer('kiem.toan', ['auditor'], null);
    await fill(t.platform, 20);
    await verified(t, auditor);
    const r = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints/latest/receipt', headers: auditor })).json();
    await fill(t.platform, 5);
    await verified(t, auditor);

    await rewriteChain(t.platform, 4, 'someone-else');
    const incremental = await verified(t, auditor);
    assert.equal(incremental.ok, true, 'the rewritten checkpoint matches the rewritten chain');
    const full = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/verify?full=true', headers: auditor })).json();
    assert.equal(full.ok, true, 'every link of the rewritten chain holds');

    const res = await checkReceipt(t, auditor, r.receipt);
    assert.equal(res.statusCode, 200, res.body);
    const v = res.json();
    assert.equal(v.ok, false);
    assert.deepEqual(v.firstBreak, { kind: 'receipt_mismatch', seq: r.seq, at: r.at });
    assert.equal(v.receipt.matched, false);
    assert.match(v.messages.en, new RegExp(`^entry #${r.seq} no longer has the hash in the receipt signed at ${r.at}`));
    assert.match(v.messages.vi, new RegExp(`^bản ghi #${r.seq} không còn mã băm trong biên nhận`));

    // The platform will not sign a receipt for a checkpoint whose entry changed under it.
    await sql`update platform.audit_checkpoint set hash = ${Buffer.alloc(32, 7)} where seq = ${r.seq}`.execute(t.platform.db);
    const refused = await t.app.inject({ method: 'GET', url: `/api/v1/audit/checkpoints/${r.seq}/receipt`, headers: auditor });
    assert.equal(refused.statusCode, 409, refused.body);
    assert.equal(refused.json().code, 'AUDIT_CHECKPOINT_CHANGED');
  } finally {
    await t.close();
  }
});

test('entries deleted after the receipt was signed: the receipt\'s entry is gone and it says so', async () => {
  const t = await testApp();
  try {
    const auditor = await t.officer('kiem.toan', ['auditor'], null);
    await fill(t.platform, 10);
    await verified(t, auditor);
    const r = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints/latest/receipt', headers: auditor })).json();
    await sql`delete from platform.audit_log where seq >= ${r.seq - 2}`.execute(t.platform.db);
    await sql`delete from platform.audit_checkpoint`.execute(t.platform.db);
    const v = (await checkReceipt(t, auditor, r.receipt)).json();
    assert.equal(v.ok, false);
    assert.deepEqual(v.firstBreak, { kind: 'receipt_mismatch', seq: r.seq, at: r.at });
    assert.equal(v.receipt.matched, false);
  } finally {
    await t.close();
  }
});

test('a receipt signed by a key since retired from the JWKS still verifies; new receipts use the new key', async () => {
  const t = await testApp();
  try {
    const auditor = await t.officer('kiem.toan', ['auditor'], null);
    await fill(t.platform, 5);
    await verified(t, auditor);
    const old = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints/latest/receipt', headers: auditor })).json();
    const keys = new JoseKeys(t.platform.db);
    const newKid = await keys.rotate();
    assert.deepEqual(await keys.retire(new Date(Date.now() + 60_000)), [old.kid]);
    assert.ok(!(await keys.publicJwks()).keys.some((k) => k.kid === old.kid), 'the retired key left the published JWKS');

    const v = (await checkReceipt(t, auditor, old.receipt)).json();
    assert.equal(v.ok, true, v.message);
    assert.equal(v.receipt.kid, old.kid);
    const next = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints/latest/receipt', headers: auditor })).json();
    assert.equal(next.kid, newKid);
  } finally {
    await t.close();
  }
});

function cli(args: string[], databaseUrl: string): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    // Only the database: no server, no other configuration.
    const child = spawn(process.execPath, ['bin/open06.mjs', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { err += b; });
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

test('open06 audit verify --receipt FILE: OK on an intact chain (also against a kept JWKS), REFUSED with a flipped signature byte, BROKEN after the chain and its checkpoints were rewritten', async () => {
  const t = await testApp();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'open06-receipt-'));
  try {
    const url = t.platform.config.DATABASE_URL!;
    const auditor = await t.officer('kiem.toan', ['auditor'], null);
    await fill(t.platform, 12);
    await verified(t, auditor);
    const r = (await t.app.inject({ method: 'GET', url: '/api/v1/audit/checkpoints/latest/receipt', headers: auditor })).json();
    const file = path.join(dir, 'receipt.jws');
    fs.writeFileSync(file, `${r.receipt}\n`);
    const jwksFile = path.join(dir, 'jwks.json');
    fs.writeFileSync(jwksFile, (await t.app.inject({ method: 'GET', url: '/oidc/jwks' })).body);

    const ok = await cli(['audit', 'verify', '--receipt', file, '--jwks', jwksFile], url);
    assert.equal(ok.code, 0, ok.out + ok.err);
    assert.match(ok.out, new RegExp(`^OK: audit chain matches the receipt of entry #${r.seq} \\(signed at ${r.at}, key ${r.kid}\\)`));
    assert.match(ok.out, /\nĐẠT: chuỗi nhật ký khớp biên nhận/);

    const flippedFile = path.join(dir, 'flipped.jws');
    fs.writeFileSync(flippedFile, flipSignatureByte(r.receipt));
    const refused = await cli(['audit', 'verify', '--receipt', flippedFile], url);
    assert.equal(refused.code, 1, refused.out + refused.err);
    assert.match(refused.out, /^REFUSED: The receipt's signature does not verify.* \(receipt\.signature\)\nTỪ CHỐI: Chữ ký của biên nhận không hợp lệ/);

    await rewriteChain(t.platform, 2, 'someone-else');
    const plain = await cli(['audit', 'verify'], url);
    assert.equal(plain.code, 0, 'the rewritten chain holds together on its own');
    const broken = await cli(['audit', 'verify', '--receipt', file], url);
    assert.equal(broken.code, 1, broken.out + broken.err);
    assert.match(broken.out, new RegExp(`^BROKEN: entry #${r.seq} no longer has the hash in the receipt signed at ${r.at}`));
    assert.match(broken.out, new RegExp(`\nHỎNG: bản ghi #${r.seq} không còn mã băm trong biên nhận`));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await t.close();
  }
});
