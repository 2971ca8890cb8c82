/**
 * `open06 verify-batch FILE` as a partner runs it: a real process that gets a token with the
 * system's private key, streams the file up, follows the job and downloads the result.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportJWK } from 'jose';
import { exchangeTestServer, resident, PROVISION, type ExchangeTestServer, type Partner } from '../harness/partner.ts';

const root = path.resolve(import.meta.dirname, '../..');

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli.ts'), ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => { stdout += b; });
    child.stderr.on('data', (b) => { stderr += b; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('open06 verify-batch', () => {
  let t: ExchangeTestServer;
  let bank: Partner;
  let dir: string;
  let keyFile: string;
  let file: string;

  before(async () => {
    // The platform's own way: bulk jobs in a worker thread, polling for work.
    t = await exchangeTestServer({ exchange: { runner: { pollMs: 100, leaseMs: 5000 }, bulkThread: true } });
    const reg = await t.officer('reg.national', ['registrar'], null);
    const a = await resident(t.baseUrl, reg, { fullName: 'Quách Thị Tuyết', sex: 'female', birthDate: '1999-09-09' });
    bank = await t.partner({ member: 'Ngân hàng Dòng Lệnh', kind: 'bank' });
    await t.grant(bank.systemId, { service: 'bulk_verification', fields: ['fullName', 'birthDate'], purposes: ['account_opening'], basis: PROVISION });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'open06-cli-'));
    keyFile = path.join(dir, 'system.jwk');
    fs.writeFileSync(keyFile, JSON.stringify({ ...(await exportJWK(bank.keys.privateKey)), kid: bank.keys.kid, alg: 'ES256' }));
    file = path.join(dir, 'customers.csv');
    fs.writeFileSync(file, `idNumber,fullName,birthDate,ref\n${a},Quách Thị Tuyết,1999-09-09,C1\n${a},Quách Thị Tuyết,1999-09-10,C2\nxx,y,z,C3\n`);
  });
  after(async () => { await t.close(); fs.rmSync(dir, { recursive: true, force: true }); });

  test('uploads, follows the job and writes the result file', async () => {
    const out = path.join(dir, 'result.csv');
    const r = await cli(['verify-batch', file, '--server', t.baseUrl, '--client-id', bank.clientId, '--key', keyFile, '--purpose', 'account_opening', '--out', out, '--interval', '100']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /completed: 3 rows — 1 match, 1 mismatch, 0 not found, 1 malformed, 0 refused/);
    assert.match(r.stderr, /job [0-9a-f-]{36} queued \(3 rows\)/);
    const lines = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[2]!, /^2,3,C2,\d{12},mismatch,match,mismatch,birthDate$/);
  });

  test('bad usage exits 2; a refusal from the server exits 1 with the problem', async () => {
    const missing = await cli(['verify-batch', path.join(dir, 'nope.csv'), '--server', t.baseUrl, '--client-id', bank.clientId, '--key', keyFile, '--purpose', 'account_opening']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no such file/);
    const refused = await cli(['verify-batch', file, '--server', t.baseUrl, '--client-id', bank.clientId, '--key', keyFile, '--purpose', 'sim_registration']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /403 EXCHANGE_PURPOSE_NOT_GRANTED/);
  });
});
