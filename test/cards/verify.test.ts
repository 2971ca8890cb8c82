/**
 * Card verification for relying parties: POST /api/v1/cards/verify/{qr,mrz,chip}. Each presented
 * field is answered match / mismatch / not_provided / not_checked with the card's status, never
 * with a registry value; malformed input is a 400 naming the field or check; each verification is
 * audited. (Role denial for these routes is covered by test/platform/route-auth.scopes.test.ts.)
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { fixedClock } from '../../src/platform/clock.ts';
import { formatCardQr, formatVnMrz, parseCardQr } from '../../src/cards/index.ts';
import { seededRandom } from '../../src/cards/random.ts';
import { resident, HN2 } from '../harness/registry.ts';
import { cardsTestApp, type CardsTestApp } from './harness.ts';

type H = Record<string, string>;
const CARD_LAW = { legalBasis: 'Luật Căn cước 2023, Điều 24' };
const NAME = 'Lê Thị Thu Hà';
const BIRTH = '1992-03-15';

function problem(res: { statusCode: number; json(): any; body: string }, status: number, code: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(res.json().code, code, res.body);
  return res.json();
}

describe('cards: verification of QR, MRZ and chip', () => {
  const clock = fixedClock(new Date('2026-11-20T03:00:00Z'));
  let t: CardsTestApp;
  let reg: H;
  let officer: H;
  let serviceHcm: H;
  let supervisor: H;
  let idNumber: string;
  let address: string;
  let issued: any;

  const verify = (kind: 'qr' | 'mrz' | 'chip', body: object, headers: H = serviceHcm) => t.app.inject({ method: 'POST', url: `/api/v1/cards/verify/${kind}`, headers, payload: body });
  const ok = async (kind: 'qr' | 'mrz' | 'chip', body: object, headers?: H) => {
    const res = await verify(kind, body, headers);
    assert.equal(res.statusCode, 200, res.body);
    return { json: res.json(), body: res.body };
  };
  const chipBody = (x: any, patch: Record<string, string> = {}) => ({ sod: x.chip.sod, dataGroups: { ...x.chip.dataGroups, ...patch } });
  const auditOf = async (action: string) => {
    await t.platform.audit.idle();
    const r = await sql<{ actor_id: string; subject_id: string | null; fields: string[]; details: any; purpose: string | null }>`
      select actor_id, subject_id, fields, details, purpose from (select id, actor_id, subject_id, fields, details, purpose, action from platform.audit_inbox union all select seq, actor_id, subject_id, fields, details, purpose, action from platform.audit_log) a
      where action = ${action} order by id`.execute(t.platform.db);
    return r.rows;
  };

  before(async () => {
    t = await cardsTestApp({ clock, random: seededRandom('cards-verify-test') });
    reg = await t.officer('reg.hn', ['registrar'], '01');
    officer = await t.officer('card.hn', ['card_officer'], '01');
    // A service officer in Hồ Chí Minh City verifies a Hà Nội card: verification has no jurisdiction limit.
    serviceHcm = await t.officer('service.hcm', ['service_officer'], '79');
    supervisor = await t.officer('sup.hcm', ['supervisor'], '79', '25747');
    const p = await resident(t, reg, { fullName: NAME, sex: 'female', birthDate: BIRTH });
    idNumber = p.idNumber;
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/cards/people/${idNumber}/cards`, headers: officer, payload: { ...CARD_LAW, kind: 'first_issue' } });
    assert.equal(res.statusCode, 201, res.body);
    issued = res.json();
    const qr = parseCardQr(issued.qr);
    assert.ok(qr.ok);
    address = qr.value.address;
  });
  after(async () => { await t.close(); });

  test('QR as issued: every field matches, the card is valid; officers of other roles and provinces may verify', async () => {
    const { json } = await ok('qr', { payload: issued.qr });
    assert.equal(json.ok, true);
    assert.equal(json.idNumber, idNumber);
    assert.equal(json.person, 'found');
    assert.deepEqual(json.fields, { fullName: 'match', birthDate: 'match', sex: 'match', address: 'match', issueDate: 'match', oldIdNumber: 'not_provided' });
    assert.deepEqual(json.card, { status: 'valid' });
    assert.equal(json.checkedAt, clock.now().toISOString());
    for (const h of [officer, reg, supervisor]) assert.equal((await ok('qr', { payload: issued.qr }, h)).json.ok, true);
    // Scanners add a line break; the text may arrive decomposed (NFD) and with other letter case.
    const variant = `${issued.qr.normalize('NFD').replace(NAME.normalize('NFD'), NAME.toUpperCase().normalize('NFD'))}\r\n`;
    assert.equal((await ok('qr', { payload: variant })).json.ok, true);
  });

  test('QR with another name, address and issue date: each is a mismatch, the card is unknown, and no registry value comes back', async () => {
    const payload = formatCardQr({ idNumber, oldIdNumber: '012345678', fullName: 'Lê Thị Thu Hương', birthDate: { kind: 'full', year: 1992, month: 3, day: 15 }, sex: 'female', address: 'Số 9, phố Huế, Phường Hai Bà Trưng, Thành phố Hà Nội', issueDate: { kind: 'full', year: 2025, month: 1, day: 2 } });
    const { json, body } = await ok('qr', { payload });
    assert.equal(json.ok, false);
    assert.deepEqual(json.fields, { fullName: 'mismatch', birthDate: 'match', sex: 'match', address: 'mismatch', issueDate: 'mismatch', oldIdNumber: 'not_checked' });
    assert.deepEqual(json.card, { status: 'unknown' });
    const { checkedAt: _now, ...verdicts } = json;
    for (const secret of [NAME, address, issued.card.issueDate, '20/11/2026', '20112026']) assert.ok(!JSON.stringify(verdicts).includes(secret), `the answer does not reveal ${secret}`);
    assert.ok(!body.includes(NAME) && !body.includes(address));
    assert.deepEqual(Object.keys(json).sort(), ['card', 'checkedAt', 'fields', 'idNumber', 'ok', 'person']);
  });

  test('QR of a well-formed ID number nobody has: person not_found, nothing compared', async () => {
    const payload = issued.qr.replace(idNumber, `${idNumber.slice(0, 6)}999999`);
    const { json } = await ok('qr', { payload });
    assert.equal(json.person, 'not_found');
    assert.equal(json.ok, false);
    assert.ok(Object.values(json.fields).every((v) => v === 'not_checked'));
    assert.deepEqual(json.card, { status: 'unknown' });
  });

  test('malformed QR: 400 naming the field and problem, in both languages', async () => {
    const few = problem(await verify('qr', { payload: 'a|b|c' }), 400, 'CARDS_QR_MALFORMED');
    assert.deepEqual(few.errors.map((e: any) => [e.field, e.code]), [['payload', 'field_count']]);
    assert.match(few.errors[0].messages.vi, /ít nhất 7 trường/);
    const fields = issued.qr.split('|');
    fields[3] = '31022000';
    fields[4] = 'Nu';
    const bad = problem(await verify('qr', { payload: fields.join('|') }), 400, 'CARDS_QR_MALFORMED');
    assert.deepEqual(bad.errors.map((e: any) => [e.field, e.code]), [['payload.birthDate', 'not_a_date'], ['payload.sex', 'not_nam_or_nu']]);
    assert.equal(bad.errors[0].messages.en, 'Field 4 (date of birth) is not a valid ddmmyyyy date.');
    assert.equal(bad.errors[1].messages.vi, 'Trường thứ 5 (giới tính) phải là "Nam" hoặc "Nữ".');
    problem(await verify('qr', { payload: '' }), 400, 'VALIDATION_FAILED');
    problem(await verify('qr', { payload: issued.qr, extra: 1 }), 400, 'VALIDATION_FAILED');
  });

  test('MRZ as issued matches; a changed name line or birth day is a mismatch', async () => {
    const { json } = await ok('mrz', { mrz: issued.mrz.join('\n') });
    assert.equal(json.ok, true);
    assert.deepEqual(json.fields, { fullName: 'match', birthDate: 'match', sex: 'match', nationality: 'match', expiryDate: 'match' });
    assert.deepEqual(json.card, { status: 'valid' });
    assert.equal((await ok('mrz', { mrz: issued.mrz.join('') })).json.ok, true, '90 characters in a row');

    const otherName = [issued.mrz[0], issued.mrz[1], 'LE<<THI<THU<HUONG'.padEnd(30, '<')].join('\n');
    const a = (await ok('mrz', { mrz: otherName })).json;
    assert.deepEqual([a.ok, a.fields.fullName, a.fields.birthDate, a.card.status], [false, 'mismatch', 'match', 'valid']);

    const otherBirth = formatVnMrz({ idNumber, fullName: NAME, birthDate: { kind: 'full', year: 1992, month: 3, day: 16 }, sex: 'female', expiry: { kind: 'on', date: { kind: 'full', year: 2032, month: 3, day: 15 } } });
    const b = await ok('mrz', { mrz: otherBirth.join('\n') });
    assert.deepEqual([b.json.fields.birthDate, b.json.fields.expiryDate, b.json.card.status], ['mismatch', 'match', 'valid']);
    assert.ok(!b.body.includes('920315') && !b.body.includes('1992-03-15'));
  });

  test('malformed MRZ: 400 naming the check digit, the field or the line', async () => {
    const l2 = issued.mrz[1] as string;
    const wrongDigit = `${l2.slice(0, 6)}${(Number(l2[6]) + 1) % 10}${l2.slice(7)}`;
    const e1 = problem(await verify('mrz', { mrz: [issued.mrz[0], wrongDigit, issued.mrz[2]].join('\n') }), 400, 'CARDS_MRZ_MALFORMED');
    assert.deepEqual(e1.errors.map((e: any) => [e.field, e.code]), [['mrz.birth_date', 'check_digit'], ['mrz.composite', 'check_digit']]);
    assert.match(e1.errors[0].messages.vi, /^Chữ số kiểm tra ngày sinh \(dòng 2, cột 7\) sai/);
    const e2 = problem(await verify('mrz', { mrz: issued.mrz.slice(0, 2).join('\n') }), 400, 'CARDS_MRZ_MALFORMED');
    assert.deepEqual(e2.errors.map((e: any) => [e.field, e.code]), [['mrz', 'line_count']]);
    const e3 = problem(await verify('mrz', { mrz: [issued.mrz[0], issued.mrz[1], 'lê<<thi'.padEnd(30, '<')].join('\n') }), 400, 'CARDS_MRZ_MALFORMED');
    assert.deepEqual(e3.errors.map((e: any) => [e.field, e.code]).slice(0, 1), [['mrz.line3', 'character']]);
    const e4 = problem(await verify('mrz', { mrz: [`IPVNM${issued.mrz[0].slice(5)}`, issued.mrz[1], issued.mrz[2]].join('\n') }), 400, 'CARDS_MRZ_MALFORMED');
    assert.ok(e4.errors.some((e: any) => e.field === 'mrz.document_code' && e.code === 'not_ID'), JSON.stringify(e4.errors));
  });

  test('chip as read: every check passes with the card status; a changed data group fails its own check', async () => {
    const { json } = await ok('chip', chipBody(issued));
    assert.equal(json.ok, true, JSON.stringify(json.failures));
    assert.deepEqual(json.checks.map((c: any) => (c.check === 'dg_hash' ? `${c.check}:DG${c.dataGroup}:${c.outcome}` : `${c.check}:${c.outcome}`)), [
      'sod:pass', 'dg_hash:DG1:pass', 'dg_hash:DG2:pass', 'dg_hash:DG13:pass', 'sod_signature:pass', 'signer_chain:pass', 'signer_validity:pass', 'document_expiry:pass', 'card_status:pass',
    ]);
    const dg13 = Buffer.from(issued.chip.dataGroups.DG13, 'base64');
    dg13[dg13.length - 1]! ^= 1;
    const tampered = (await ok('chip', chipBody(issued, { DG13: dg13.toString('base64') }))).json;
    assert.deepEqual(tampered.failures, ['dg_hash_mismatch: DG13']);
    const { DG2: _dg2, DG13: _dg13, ...onlyDg1 } = issued.chip.dataGroups;
    const partial = (await ok('chip', { sod: issued.chip.sod, dataGroups: onlyDg1 })).json;
    assert.equal(partial.ok, true);
    assert.deepEqual(partial.checks.filter((c: any) => c.check === 'dg_hash').map((c: any) => c.outcome), ['pass', 'not_presented', 'not_presented']);
    const sod = Buffer.from(issued.chip.sod, 'base64');
    const garbage = (await ok('chip', { sod: sod.subarray(0, 40).toString('base64'), dataGroups: issued.chip.dataGroups })).json;
    assert.deepEqual(garbage.failures, ['sod_malformed']);
  });

  test('malformed chip request: 400 naming the field', async () => {
    const e1 = problem(await verify('chip', { sod: 'not base64!', dataGroups: issued.chip.dataGroups }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(e1.errors.map((e: any) => e.field), ['sod']);
    const e2 = problem(await verify('chip', { sod: issued.chip.sod, dataGroups: { DG2: issued.chip.dataGroups.DG2 } }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(e2.errors.map((e: any) => e.field), ['dataGroups.DG1']);
    const e3 = problem(await verify('chip', { sod: issued.chip.sod, dataGroups: { ...issued.chip.dataGroups, DG99: 'AAAA' } }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(e3.errors.map((e: any) => e.field), ['dataGroups.DG99']);
  });

  test('each verification is audited as a read of the holder: actor, fields compared, outcome', async () => {
    await ok('qr', { payload: issued.qr, purpose: 'Mở tài khoản ngân hàng' });
    const qr = await auditOf('cards.verify.qr');
    const last = qr.at(-1)!;
    assert.deepEqual([last.actor_id !== '', last.subject_id, last.purpose, last.details.outcome], [true, idNumber, 'Mở tài khoản ngân hàng', 'match']);
    assert.deepEqual(last.fields, ['fullName', 'birthDate', 'sex', 'address', 'issueDate', 'card.status']);
    const mismatch = qr.find((r) => r.details.outcome === 'mismatch')!;
    assert.deepEqual(mismatch.details.mismatched, ['fullName', 'address', 'issueDate']);
    assert.ok(qr.some((r) => r.details.outcome === 'person_not_found'));
    const mrz = await auditOf('cards.verify.mrz');
    assert.ok(mrz.length >= 4);
    assert.deepEqual(mrz[0]!.fields, ['fullName', 'birthDate', 'sex', 'nationality', 'expiryDate', 'card.status']);
    const chip = await auditOf('cards.verify.chip');
    assert.ok(chip.some((r) => r.subject_id === idNumber && r.details.outcome === 'fail' && r.details.failures[0] === 'dg_hash_mismatch: DG13'));
    assert.deepEqual(chip[0]!.fields, ['card.status']);
  });

  test('revoked card: QR, MRZ and chip all report it, and ok is false', async () => {
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/cards/people/${idNumber}/cards/1/revoke`, headers: officer, payload: { ...CARD_LAW, reason: 'Cấp sai thông tin' } });
    assert.equal(res.statusCode, 200, res.body);
    const qr = (await ok('qr', { payload: issued.qr })).json;
    assert.deepEqual([qr.ok, qr.card.status, qr.fields.fullName], [false, 'revoked', 'match']);
    const mrz = (await ok('mrz', { mrz: issued.mrz.join('\n') })).json;
    assert.deepEqual([mrz.ok, mrz.card.status], [false, 'revoked']);
    const chip = (await ok('chip', chipBody(issued))).json;
    assert.deepEqual([chip.ok, chip.failures], [false, ['card_revoked']]);
  });

  test('after a re-issue, a QR of the old card (other issue date) designates the old card; after the holder moves, the address no longer matches', async () => {
    const start = clock.now();
    try {
      clock.set(new Date(start.getTime() + 3 * 86_400_000));
      const off = await t.signIn('card.hn');
      const reissue = await t.app.inject({ method: 'POST', url: `/api/v1/cards/people/${idNumber}/cards`, headers: off, payload: { ...CARD_LAW, kind: 'reissue' } });
      assert.equal(reissue.statusCode, 201, reissue.body);
      const sh = await t.signIn('service.hcm');
      assert.equal((await ok('qr', { payload: issued.qr }, sh)).json.card.status, 'revoked');
      const fresh = (await ok('qr', { payload: reissue.json().qr }, sh)).json;
      assert.deepEqual([fresh.ok, fresh.card.status], [true, 'valid']);
      // The same MRZ (same expiry) now designates the newest card.
      assert.equal((await ok('mrz', { mrz: issued.mrz.join('\n') }, sh)).json.card.status, 'valid');
      const r = await t.signIn('reg.hn');
      const moved = await t.app.inject({ method: 'POST', url: `/api/v1/registry/people/${idNumber}/permanent-residence`, headers: r, payload: { legalBasis: 'Luật Cư trú 2020, Điều 20', residence: { address: 'Số 2, phố Tràng Tiền', ...HN2 } } });
      assert.equal(moved.statusCode, 200, moved.body);
      const after = (await ok('qr', { payload: reissue.json().qr }, sh)).json;
      assert.deepEqual([after.ok, after.fields.address, after.card.status], [false, 'mismatch', 'valid']);
    } finally {
      clock.set(start);
    }
  });
});
