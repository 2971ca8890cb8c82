/**
 * Card verification for partner systems (`card_verification`) over real HTTP with real access
 * tokens: a card issued by a card officer, presented as its QR code, its MRZ and its chip files;
 * verdicts of each check and whether the card is valid, nothing else from the registry; refusals
 * naming what the grant lacks; a tampered chip failing its named check; each call in the person's
 * access history as the citizen reads it with their eID session.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { exchangeTestServer, resident, problem, PROVISION, call, type ExchangeTestServer, type Partner, type H } from '../harness/partner.ts';
import { level1Account, citizenToken } from '../harness/eid.ts';

const NAME = 'Võ Thị Thanh Xuân';
const BIRTH = '1991-07-21';
const QR = '/api/v1/exchange/card-verification/qr';
const MRZ = '/api/v1/exchange/card-verification/mrz';
const CHIP = '/api/v1/exchange/card-verification/chip';

const flipLast = (b64: string): string => {
  const b = Buffer.from(b64, 'base64');
  b[b.length - 1]! ^= 1;
  return b.toString('base64');
};
const named = (checks: Array<{ check: string; dataGroup?: number; outcome: string }>) => checks.map((c) => (c.dataGroup === undefined ? `${c.check}:${c.outcome}` : `${c.check}:DG${c.dataGroup}:${c.outcome}`));

describe('exchange: card verification for partners (QR, MRZ, chip)', () => {
  let t: ExchangeTestServer;
  let reg: H;
  let cardOfficer: H;
  let bank: Partner;
  let qrOnly: Partner;
  let stranger: Partner;
  let idNumber: string;
  let issued: any;
  let citizen: H;
  const chipBody = (patch: Record<string, unknown> = {}) => ({ purpose: 'account_opening', sod: issued.chip.sod, dataGroups: { ...issued.chip.dataGroups }, ...patch });

  before(async () => {
    t = await exchangeTestServer();
    reg = await t.officer('reg.card-verify', ['registrar'], null);
    cardOfficer = await t.officer('card.card-verify', ['card_officer'], null);
    idNumber = await resident(t.baseUrl, reg, { fullName: NAME, sex: 'female', birthDate: BIRTH });
    const card = await call(t.baseUrl, 'POST', `/api/v1/cards/people/${idNumber}/cards`, { kind: 'first_issue', legalBasis: 'Luật Căn cước 2023, Điều 23' }, cardOfficer);
    assert.equal(card.status, 201, card.text);
    issued = card.json;
    bank = await t.partner({ member: 'Ngân hàng Sao Mai', kind: 'bank' });
    await t.grant(bank.systemId, { service: 'card_verification', fields: ['card.qr', 'card.mrz', 'card.chip'], purposes: ['account_opening'], basis: PROVISION });
    qrOnly = await t.partner({ member: 'Khách sạn Hồ Tây', kind: 'other' });
    await t.grant(qrOnly.systemId, { service: 'card_verification', fields: ['card.qr'], purposes: ['account_opening'], basis: PROVISION });
    stranger = await t.partner({ member: 'Công ty Chưa Được Cấp', kind: 'other' });
    await level1Account(t.baseUrl, { idNumber, fullName: NAME, birthDate: BIRTH, phone: '0912000555' });
    citizen = { authorization: `Bearer ${await citizenToken(t.baseUrl, idNumber)}` };
  });
  after(async () => { await t.close(); });

  test('the catalogue lists card_verification with the ways of presenting as its scopes', async () => {
    const c = await call(t.baseUrl, 'GET', '/api/v1/exchange/services');
    const svc = c.json.services.find((s: any) => s.code === 'card_verification');
    assert.ok(svc, c.text);
    assert.deepEqual(svc.fields.map((f: any) => f.field), ['card.qr', 'card.mrz', 'card.chip']);
    assert.ok(svc.fields.every((f: any) => f.label.vi && f.label.en));
  });

  test('QR: a verdict per printed field and the card valid; a changed name is a mismatch; no registry value in the answer', async () => {
    const r = await bank.call('POST', QR, { purpose: 'account_opening', payload: issued.qr });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), ['cardValid', 'checkedAt', 'fields', 'idNumber', 'method', 'ok', 'person']);
    assert.deepEqual({ method: r.json.method, ok: r.json.ok, person: r.json.person, cardValid: r.json.cardValid, idNumber: r.json.idNumber }, { method: 'qr', ok: true, person: 'found', cardValid: true, idNumber });
    assert.deepEqual(r.json.fields, { fullName: 'match', birthDate: 'match', sex: 'match', address: 'match', issueDate: 'match', oldIdNumber: 'not_provided' });

    const forged = issued.qr.replace(NAME, 'Võ Thị Thanh Xuyên');
    const m = await bank.call('POST', QR, { purpose: 'account_opening', payload: forged });
    assert.equal(m.status, 200, m.text);
    assert.equal(m.json.ok, false);
    assert.equal(m.json.fields.fullName, 'mismatch');
    assert.equal(m.json.cardValid, true);
    assert.ok(!m.text.includes(NAME) && !m.text.includes('Kim Mã') && !m.text.includes('Liễu Giai'), m.text);
  });

  test('MRZ: a verdict per field and the card valid', async () => {
    const r = await bank.call('POST', MRZ, { purpose: 'account_opening', mrz: issued.mrz.join('\n') });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.fields, { fullName: 'match', birthDate: 'match', sex: 'match', nationality: 'match', expiryDate: 'match' });
    assert.deepEqual([r.json.method, r.json.ok, r.json.cardValid], ['mrz', true, true]);
  });

  test('chip: every passive-authentication check named and passing, the card valid', async () => {
    const r = await bank.call('POST', CHIP, chipBody());
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(named(r.json.checks), [
      'sod:pass', 'dg_hash:DG1:pass', 'dg_hash:DG2:pass', 'dg_hash:DG13:pass', 'sod_signature:pass', 'signer_chain:pass', 'signer_validity:pass', 'document_expiry:pass', 'card_status:pass',
    ]);
    assert.deepEqual([r.json.method, r.json.idNumber, r.json.ok, r.json.failures, r.json.cardValid], ['chip', idNumber, true, [], true]);
  });

  test('a tampered chip: a changed SOD signature and a changed DG13 each fail their named check', async () => {
    const sod = await bank.call('POST', CHIP, chipBody({ sod: flipLast(issued.chip.sod) }));
    assert.equal(sod.status, 200, sod.text);
    assert.equal(sod.json.ok, false);
    assert.ok(named(sod.json.checks).includes('sod_signature:sod_signature_invalid'), JSON.stringify(sod.json.checks));
    assert.ok(sod.json.failures.includes('sod_signature_invalid'), sod.json.failures.join(','));
    // The records know the card by its SOD: a changed SOD is no card of theirs.
    assert.ok(named(sod.json.checks).includes('card_status:card_unknown'));
    assert.equal(sod.json.cardValid, false);

    const dg13 = await bank.call('POST', CHIP, chipBody({ dataGroups: { ...issued.chip.dataGroups, DG13: flipLast(issued.chip.dataGroups.DG13) } }));
    assert.deepEqual(dg13.json.failures, ['dg_hash_mismatch: DG13']);
    assert.equal(dg13.json.cardValid, true);
  });

  test('malformed input is a 400 naming the field, before any read', async () => {
    const qr = problem(await bank.call('POST', QR, { purpose: 'account_opening', payload: 'abc|def' }), 400, 'CARDS_QR_MALFORMED');
    assert.ok(qr.errors.length && qr.errors.every((e: any) => e.field.startsWith('payload')), JSON.stringify(qr.errors));
    const dg1 = problem(await bank.call('POST', CHIP, chipBody({ dataGroups: { ...issued.chip.dataGroups, DG1: Buffer.from('not an MRZ').toString('base64') } })), 400, 'EXCHANGE_CHIP_UNREADABLE');
    assert.deepEqual(dg1.errors.map((e: any) => e.field), ['dataGroups.DG1']);
    assert.ok(dg1.messages.vi && dg1.messages.en);
    const schema = problem(await bank.call('POST', CHIP, { purpose: 'account_opening', sod: issued.chip.sod, dataGroups: { DG2: issued.chip.dataGroups.DG2 } }), 400, 'VALIDATION_FAILED');
    assert.deepEqual(schema.errors.map((e: any) => e.field), ['dataGroups.DG1']);
  });

  test('without a grant: 403 naming the service; a grant for the QR only: 403 naming card.chip; a purpose outside the grant: 403 naming it', async () => {
    const none = problem(await stranger.call('POST', QR, { purpose: 'account_opening', payload: issued.qr }), 403, 'EXCHANGE_SERVICE_NOT_GRANTED');
    assert.match(none.messages.en, /card_verification/);
    assert.match(none.messages.vi, /card_verification/);
    assert.equal((await qrOnly.call('POST', QR, { purpose: 'account_opening', payload: issued.qr })).status, 200);
    const chip = problem(await qrOnly.call('POST', CHIP, chipBody()), 403, 'EXCHANGE_FIELDS_NOT_GRANTED');
    assert.deepEqual(chip.errors.map((e: any) => e.field), ['card.chip']);
    const mrz = problem(await qrOnly.call('POST', MRZ, { purpose: 'account_opening', mrz: issued.mrz.join('\n') }), 403, 'EXCHANGE_FIELDS_NOT_GRANTED');
    assert.match(mrz.messages.en, /card\.mrz/);
    const purpose = problem(await bank.call('POST', QR, { purpose: 'credit_assessment', payload: issued.qr }), 403, 'EXCHANGE_PURPOSE_NOT_GRANTED');
    assert.match(purpose.messages.en, /credit_assessment/);
  });

  test('each call is in the person\'s access history: organisation, service, purpose, legal basis, fields, outcome; refusals too', async () => {
    await t.platform.audit.idle();
    const r = await call(t.baseUrl, 'GET', '/api/v1/exchange/me/access-log?service=card_verification', undefined, citizen);
    assert.equal(r.status, 200, r.text);
    const items = r.json.items as any[];
    const qr = items.find((i) => i.who.memberId === bank.memberId && i.fields.some((f: any) => f.field === 'card.qr') && i.outcome === 'match');
    assert.ok(qr, JSON.stringify(items.map((i) => [i.who.name, i.outcome])));
    assert.equal(qr.who.name, 'Ngân hàng Sao Mai');
    assert.equal(qr.service, 'card_verification');
    assert.equal(qr.purpose.code, 'account_opening');
    assert.equal(qr.legalBasis, 'Luật Căn cước 2023, Điều 10');
    assert.deepEqual(qr.fields.map((f: any) => f.field), ['card.qr', 'fullName', 'birthDate', 'sex', 'address', 'issueDate', 'cardValid']);
    const chip = items.filter((i) => i.fields.some((f: any) => f.field === 'card.chip'));
    assert.ok(chip.some((i) => i.outcome === 'pass') && chip.some((i) => i.outcome === 'fail'), JSON.stringify(chip.map((i) => i.outcome)));
    assert.ok(items.some((i) => i.action === 'exchange.card_verification' && i.outcome === 'mismatch'));
    const refused = items.filter((i) => i.outcome === 'refused').map((i) => i.who.name);
    assert.ok(refused.includes('Công ty Chưa Được Cấp') && refused.includes('Khách sạn Hồ Tây'), refused.join(', '));
  });

  test('a revoked card: QR, MRZ and chip answer the card not valid, and say no more than that', async () => {
    const revoke = await call(t.baseUrl, 'POST', `/api/v1/cards/people/${idNumber}/cards/1/revoke`, { legalBasis: 'Luật Căn cước 2023, Điều 31' }, cardOfficer);
    assert.equal(revoke.status, 200, revoke.text);
    const qr = await bank.call('POST', QR, { purpose: 'account_opening', payload: issued.qr });
    assert.deepEqual([qr.json.ok, qr.json.cardValid, qr.json.fields.fullName], [false, false, 'match']);
    const mrz = await bank.call('POST', MRZ, { purpose: 'account_opening', mrz: issued.mrz.join('\n') });
    assert.deepEqual([mrz.json.ok, mrz.json.cardValid], [false, false]);
    const chip = await bank.call('POST', CHIP, chipBody());
    assert.deepEqual([chip.json.ok, chip.json.cardValid, chip.json.failures], [false, false, ['card_not_valid']]);
    assert.ok(!chip.text.includes('revoked'), chip.text);
  });
});
