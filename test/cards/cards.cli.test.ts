/**
 * `open06 cards verify-chip` and `open06 cards csca`, spawned as a user runs them, on files
 * written the way an NFC reader saves what it read (raw elementary files).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { systemClock } from '../../src/platform/clock.ts';
import { seededRandom } from '../../src/cards/random.ts';
import { resident } from '../harness/registry.ts';
import { cardsTestApp, type CardsTestApp } from './harness.ts';

const root = path.resolve(import.meta.dirname, '../..');
const CARD_LAW = { legalBasis: 'Luật Căn cước 2023, Điều 24' };

describe('open06 cards (CLI)', () => {
  let t: CardsTestApp;
  let dir: string;
  let idNumber: string;
  let officer: Record<string, string>;
  let cscaPem: string;
  const file = (name: string) => path.join(dir, name);
  const chipArgs = (dg13 = 'dg13.bin') => ['--sod', file('sod.bin'), '--dg1', file('dg1.bin'), '--dg2', file('dg2.bin'), '--dg13', file(dg13)];

  function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ['bin/open06.mjs', ...args], { cwd: root, env: { ...process.env, DATABASE_URL: t.platform.config.DATABASE_URL, LOG_LEVEL: 'silent' } });
      let out = '';
      let err = '';
      child.stdout.on('data', (b) => { out += b; });
      child.stderr.on('data', (b) => { err += b; });
      child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    });
  }

  before(async () => {
    // The real clock: the spawned CLI verifies at the real time, so the keys must be valid now.
    t = await cardsTestApp({ clock: systemClock, random: seededRandom('cards-cli-test') });
    const reg = await t.officer('reg.hn', ['registrar'], '01');
    officer = await t.officer('card.hn', ['card_officer'], '01');
    idNumber = (await resident(t, reg, { fullName: 'Đặng Văn Khoa', sex: 'male', birthDate: '1980-08-08' })).idNumber;
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/cards/people/${idNumber}/cards`, headers: officer, payload: { ...CARD_LAW, kind: 'first_issue' } });
    assert.equal(res.statusCode, 201, res.body);
    const chip = res.json().chip;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'open06-chip-'));
    fs.writeFileSync(file('sod.bin'), Buffer.from(chip.sod, 'base64'));
    for (const n of [1, 2, 13]) fs.writeFileSync(file(`dg${n}.bin`), Buffer.from(chip.dataGroups[`DG${n}`], 'base64'));
    const dg13 = Buffer.from(chip.dataGroups.DG13, 'base64');
    dg13[dg13.length - 1]! ^= 1;
    fs.writeFileSync(file('dg13-tampered.bin'), dg13);
    cscaPem = (await t.app.inject({ method: 'GET', url: '/api/v1/cards/csca.pem' })).body;
    fs.writeFileSync(file('csca.pem'), cscaPem);
    fs.writeFileSync(file('not-a-cert.pem'), 'hello\n');
  });
  after(async () => {
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('--help lists the cards commands', async () => {
    const r = await cli(['cards', '--help']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /verify-chip/);
    assert.match(r.out, /\bcsca\b/);
  });

  test('offline against a CSCA file: every check passes, the card status is not checked', async () => {
    const r = await cli(['cards', 'verify-chip', ...chipArgs(), '--csca', file('csca.pem')]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^sod +pass$/m);
    assert.match(r.out, /^dg_hash DG13 +pass$/m);
    assert.match(r.out, /^signer_chain +pass$/m);
    assert.match(r.out, /^card_status +not_checked/m);
    assert.match(r.out, /^OK: no check failed \(offline: card status not checked\)$/m);
  });

  test('through the database: the card status is checked, and the verification is audited', async () => {
    const r = await cli(['cards', 'verify-chip', ...chipArgs()]);
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /^card_status +pass$/m);
    assert.match(r.out, /^OK: no check failed$/m);
    const audit = await sql<{ actor_kind: string; actor_id: string; subject_id: string }>`
      select actor_kind, actor_id, subject_id from (select action, actor_kind, actor_id, subject_id from platform.audit_inbox union all select action, actor_kind, actor_id, subject_id from platform.audit_log) a
      where action = 'cards.verify.chip'`.execute(t.platform.db);
    assert.deepEqual(audit.rows, [{ actor_kind: 'system', actor_id: 'cli', subject_id: idNumber }]);
  });

  test('a changed data group fails its own check: exit 1 naming it', async () => {
    const r = await cli(['cards', 'verify-chip', ...chipArgs('dg13-tampered.bin'), '--csca', file('csca.pem')]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /^dg_hash DG13 +dg_hash_mismatch$/m);
    assert.match(r.out, /^FAILED: dg_hash_mismatch: DG13$/m);
  });

  test('a card reported lost: exit 1 with card_reported_lost (JSON report)', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/cards/people/${idNumber}/cards/1/report-lost`, headers: officer, payload: CARD_LAW });
    assert.equal(res.statusCode, 200, res.body);
    const r = await cli(['cards', 'verify-chip', ...chipArgs(), '--json']);
    assert.equal(r.code, 1, r.out + r.err);
    const report = JSON.parse(r.out);
    assert.equal(report.ok, false);
    assert.deepEqual(report.failures, ['card_reported_lost']);
    assert.equal(report.checks.find((c: any) => c.check === 'card_status').outcome, 'card_reported_lost');
  });

  test('open06 cards csca prints the same PEM bundle as the API', async () => {
    const r = await cli(['cards', 'csca']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, cscaPem);
    assert.match(r.out, /^-----BEGIN CERTIFICATE-----/);
  });

  test('unusable input: exit 2 naming the option and file', async () => {
    const missing = await cli(['cards', 'verify-chip', '--sod', file('nope.bin'), '--dg1', file('dg1.bin')]);
    assert.equal(missing.code, 2, missing.out + missing.err);
    assert.match(missing.err, /--sod .*nope\.bin: no such file/);
    const noCert = await cli(['cards', 'verify-chip', ...chipArgs(), '--csca', file('not-a-cert.pem')]);
    assert.equal(noCert.code, 2);
    assert.match(noCert.err, /--csca .*not-a-cert\.pem: no CERTIFICATE/);
    const noDg1 = await cli(['cards', 'verify-chip', '--sod', file('sod.bin')]);
    assert.notEqual(noDg1.code, 0);
    assert.match(noDg1.err, /--dg1/);
  });
});
