import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { fixedClock } from '../../src/platform/clock.ts';
import { outboxSettled } from '../harness/outbox.ts';
import { createPassiveAuthenticator, decodeDg13, DG13_FIELD, fromPem, parseCardQr, parseVnMrz, revokeCardsOfDeceased, type PaReport } from '../../src/cards/index.ts';
import { seededRandom } from '../../src/cards/random.ts';
import { born, resident, HCM, HN, LEGAL } from '../harness/registry.ts';
import { cardsTestApp, type CardsTestApp } from './harness.ts';

type H = Record<string, string>;
const CARD_LAW = { legalBasis: 'Luật Căn cước 2023, Điều 24' };
const DAY = 86_400_000;

function problem(res: { statusCode: number; json(): any; body: string }, status: number, code: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.equal(res.json().code, code, res.body);
}

/** The chip of an issue response, as a reader would hand it over. */
function chipOf(issued: any): { sod: Buffer; dataGroups: Map<number, Buffer> } {
  return {
    sod: Buffer.from(issued.chip.sod, 'base64'),
    dataGroups: new Map(Object.entries(issued.chip.dataGroups as Record<string, string>).map(([k, v]) => [Number(k.slice(2)), Buffer.from(v, 'base64')])),
  };
}
const outcome = (r: PaReport, check: string) => r.checks.find((c) => c.check === check)?.outcome;

describe('cards: issuance, status, history, death, keys', () => {
  const clock = fixedClock(new Date('2026-11-20T03:00:00Z'));
  let t: CardsTestApp;
  let reg: H;
  let officer: H;
  let officerHcm: H;
  let person: string;
  const issue = (headers: H, id: string, body: object, extra: H = {}) => t.app.inject({ method: 'POST', url: `/api/v1/cards/people/${id}/cards`, headers: { ...headers, ...extra }, payload: { ...CARD_LAW, ...body } });
  const status = (headers: H, id: string, cardNo: number, action: 'report-lost' | 'revoke', body: object = {}) => t.app.inject({ method: 'POST', url: `/api/v1/cards/people/${id}/cards/${cardNo}/${action}`, headers, payload: { ...CARD_LAW, ...body } });
  const history = async (id: string, headers: H = officer) => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/cards/people/${id}/cards`, headers });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };

  before(async () => {
    t = await cardsTestApp({ clock, random: seededRandom('cards-db-test'), keyEncryptionKey: Buffer.alloc(32, 7) });
    reg = await t.officer('reg.hn', ['registrar'], '01');
    officer = await t.officer('card.hn', ['card_officer'], '01');
    officerHcm = await t.officer('card.hcm', ['card_officer'], '79');
    const father = await born(t, reg, { fullName: 'Trần Văn Hùng', sex: 'male', birthDate: '1960-01-01' });
    const mother = await born(t, reg, { fullName: 'Lê Thị Hoa', sex: 'female', birthDate: '1962-02-02' });
    person = await born(t, reg, { fullName: 'Trần Thị Minh Ánh', sex: 'female', birthDate: '1990-05-04', fatherId: father, motherId: mother });
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/registry/people/${person}/permanent-residence`, headers: reg, payload: { legalBasis: 'Luật Cư trú 2020, Điều 20', residence: { address: 'Số 5, phố Đội Cấn', ...HN } } });
    assert.equal(res.statusCode, 200, res.body);
  });
  after(async () => { await t.close(); });

  let first: any;
  test('first issue: the card, its QR payload, MRZ and chip agree with the registry, and the chip verifies', async () => {
    const res = await issue(officer, person, { kind: 'first_issue' });
    assert.equal(res.statusCode, 201, res.body);
    first = res.json();
    assert.deepEqual([first.card.cardNo, first.card.status, first.card.issueKind, first.card.issueDate, first.card.expiryDate, first.card.authority],
      [1, 'valid', 'first_issue', '2026-11-20', '2030-05-04', 'Bộ Công an']); // 36 at issue: valid until 40 (Law 26/2023 Art. 24)
    const qr = parseCardQr(first.qr);
    assert.ok(qr.ok, JSON.stringify(qr));
    assert.deepEqual([qr.value.idNumber, qr.value.fullName, qr.value.sex, qr.value.address], [person, 'Trần Thị Minh Ánh', 'female', 'Số 5, phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội']);
    const mrz = parseVnMrz(first.mrz.join('\n'));
    assert.ok(mrz.ok, JSON.stringify(mrz));
    assert.deepEqual([mrz.value.surname, mrz.value.givenNames, mrz.value.expiry], ['TRAN', 'THI MINH ANH', { kind: 'on', date: { kind: 'full', year: 2030, month: 5, day: 4 } }]);
    const dg13 = decodeDg13(chipOf(first).dataGroups.get(13)!);
    assert.deepEqual(dg13.get(DG13_FIELD.parents), ['Trần Văn Hùng', 'Lê Thị Hoa']);
    assert.deepEqual(dg13.get(DG13_FIELD.expiry), ['04/05/2030']);
    const pa = await t.cards.verifyChip({ ...chipOf(first), at: clock.now() });
    assert.deepEqual(pa.failures, []);
    assert.equal(outcome(pa, 'card_status'), 'pass');
  });

  test('the CSCA certificates are public; a relying party verifies the chip with them alone', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/cards/csca.pem' });
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'] as string, /application\/x-pem-file/);
    const trusted = fromPem(res.body);
    assert.equal(trusted.length, 1);
    const r = await createPassiveAuthenticator({ trustedCscas: trusted }).verify({ ...chipOf(first), at: clock.now() });
    assert.equal(r.ok, true);
    const json = await t.app.inject({ method: 'GET', url: '/api/v1/cards/csca' });
    assert.equal(json.json().certificates.length, 1);
  });

  test('private keys are stored encrypted under the key-encryption key', async () => {
    const rows = await sql<{ kind: string; private_key_protection: string }>`select kind, private_key_protection from cards.signing_key order by id`.execute(t.platform.db);
    assert.deepEqual(rows.rows, [{ kind: 'csca', private_key_protection: 'aes-256-gcm' }, { kind: 'document_signer', private_key_protection: 'aes-256-gcm' }]);
  });

  test('a second first issue is refused; a renewal supersedes card 1, whose chip then reads as superseded', async () => {
    problem(await issue(officer, person, { kind: 'first_issue' }), 409, 'CARDS_ISSUE_NOT_ALLOWED');
    problem(await issue(officer, person, { kind: 'reissue' }), 409, 'CARDS_ISSUE_NOT_ALLOWED');
    const res = await issue(officer, person, { kind: 'renewal', reason: 'Thẻ bị hỏng' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().card.cardNo, 2);
    const h = await history(person);
    assert.deepEqual(h.cards.map((c: any) => [c.cardNo, c.status]), [[2, 'valid'], [1, 'superseded']]);
    assert.deepEqual(h.cards[1].events.map((e: any) => e.kind), ['issued', 'superseded']);
    const pa = await t.cards.verifyChip({ ...chipOf(first), at: clock.now() });
    assert.deepEqual(pa.failures, ['card_superseded']);
  });

  let third: any;
  test('report lost → re-issue; the lost card stays reported lost', async () => {
    const second = (await history(person)).cards[0];
    const lost = await status(officer, person, 2, 'report-lost', { reason: 'Mất khi đi chợ' });
    assert.equal(lost.statusCode, 200, lost.body);
    assert.equal(lost.json().status, 'reported_lost');
    problem(await status(officer, person, 2, 'report-lost'), 409, 'CARDS_STATUS_CHANGE_NOT_ALLOWED');
    problem(await issue(officer, person, { kind: 'renewal' }), 409, 'CARDS_ISSUE_NOT_ALLOWED');
    const res = await issue(officer, person, { kind: 'reissue' });
    assert.equal(res.statusCode, 201, res.body);
    third = res.json();
    const h = await history(person);
    assert.deepEqual(h.cards.map((c: any) => [c.cardNo, c.status]), [[3, 'valid'], [2, 'reported_lost'], [1, 'superseded']]);
    assert.equal(second.cardNo, 2);
  });

  test('revoke: the chip then reads as revoked', async () => {
    const res = await status(officer, person, 3, 'revoke', { reason: 'Cấp sai thông tin' });
    assert.equal(res.statusCode, 200, res.body);
    const pa = await t.cards.verifyChip({ ...chipOf(third), at: clock.now() });
    assert.deepEqual(pa.failures, ['card_revoked']);
    problem(await status(officer, person, 3, 'revoke'), 409, 'CARDS_STATUS_CHANGE_NOT_ALLOWED');
    problem(await status(officer, person, 9, 'revoke'), 404, 'CARDS_CARD_NOT_FOUND');
  });

  test('every change wrote its card event, outbox event and audit entry; the history read is audited', async () => {
    const topics = await sql<{ topic: string }>`select topic from platform.outbox where key = ${person} and topic like 'card.%' order by id`.execute(t.platform.db);
    assert.deepEqual(topics.rows.map((r) => r.topic), ['card.issued', 'card.superseded', 'card.issued', 'card.reported_lost', 'card.issued', 'card.revoked']);
    await t.platform.audit.idle();
    const audit = await sql<{ action: string }>`select action from (select id, action, subject_id from platform.audit_inbox union all select seq, action, subject_id from platform.audit_log) a where subject_id = ${person} and action like 'cards.%'`.execute(t.platform.db);
    const actions = audit.rows.map((r) => r.action);
    for (const a of ['cards.issued', 'cards.superseded', 'cards.reported_lost', 'cards.revoked', 'cards.history.read']) assert.ok(actions.includes(a), `${a} in ${actions.join(', ')}`);
  });

  test('authorisation: a registrar may not issue; a card officer of another province may not', async () => {
    const someone = await resident(t, reg, { fullName: 'Phạm Văn Long', sex: 'male', birthDate: '1985-03-03' });
    problem(await issue(reg, someone.idNumber, { kind: 'first_issue' }), 403, 'FORBIDDEN_ROLE');
    problem(await issue(officerHcm, someone.idNumber, { kind: 'first_issue' }), 403, 'FORBIDDEN_JURISDICTION');
    problem(await status(officerHcm, person, 1, 'revoke'), 403, 'FORBIDDEN_JURISDICTION');
    const h = await t.app.inject({ method: 'GET', url: `/api/v1/cards/people/${person}/cards`, headers: officerHcm });
    problem(h, 403, 'FORBIDDEN_JURISDICTION');
  });

  test('validation: a blank legal basis, an unknown kind, a person not in the registry', async () => {
    const someone = await resident(t, reg, { fullName: 'Đỗ Thị Lan', sex: 'female', birthDate: '1999-09-09' });
    problem(await issue(officer, someone.idNumber, { kind: 'first_issue', legalBasis: '  ' }), 400, 'CARDS_LEGAL_BASIS_REQUIRED');
    problem(await issue(officer, someone.idNumber, { kind: 'upgrade' }), 400, 'VALIDATION_FAILED');
    problem(await issue(officer, '001090999999', { kind: 'first_issue' }), 404, 'REGISTRY_PERSON_NOT_FOUND');
  });

  test('a person without any residence cannot be issued a card', async () => {
    const baby = await born(t, reg, { fullName: 'Nguyễn Bé Na', sex: 'female', birthDate: '2026-10-01' });
    // Jurisdiction falls back to the birth registration unit (Hà Nội); there is no residence to print.
    problem(await issue(officer, baby, { kind: 'first_issue' }), 409, 'CARDS_NO_RESIDENCE');
  });

  test('idempotency: a retried issuance returns the first result and records one card', async () => {
    const someone = await resident(t, reg, { fullName: 'Vũ Văn Nam', sex: 'male', birthDate: '2000-01-15' });
    const key = { 'idempotency-key': 'issue-vu-van-nam-1' };
    const a = await issue(officer, someone.idNumber, { kind: 'first_issue' }, key);
    const b = await issue(officer, someone.idNumber, { kind: 'first_issue' }, key);
    assert.equal(a.statusCode, 201, a.body);
    assert.equal(b.statusCode, 201, b.body);
    assert.deepEqual(b.json(), a.json());
    assert.equal((await history(someone.idNumber)).cards.length, 1);
    // 26 at issue: valid until 40.
    assert.equal(a.json().card.expiryDate, '2040-01-15');
  });

  test('a death revokes the card through the outbox; a redelivery changes nothing; no new card is issued', async () => {
    const someone = await resident(t, reg, { fullName: 'Hoàng Văn Tư', sex: 'male', birthDate: '1950-06-06' });
    const res = await issue(officer, someone.idNumber, { kind: 'first_issue' });
    assert.equal(res.json().card.expiryDate, null); // 76 at issue: never expires
    const death = await t.app.inject({ method: 'POST', url: `/api/v1/registry/people/${someone.idNumber}/death`, headers: reg, payload: { ...LEGAL, deathDate: '2026-11-19' } });
    assert.equal(death.statusCode, 200, death.body);
    await outboxSettled(t.platform.db);
    await revokeCardsOfDeceased(t.platform.db, t.cards);
    const h = await history(someone.idNumber);
    assert.equal(h.cards[0].status, 'revoked');
    assert.deepEqual(h.cards[0].events.map((e: any) => [e.kind, e.actorKind]), [['issued', 'officer'], ['revoked', 'system']]);
    await revokeCardsOfDeceased(t.platform.db, t.cards);
    await sql`update platform.outbox_consumer set last_xid = '0', last_id = 0 where name = 'cards.revoke-on-death'`.execute(t.platform.db);
    await revokeCardsOfDeceased(t.platform.db, t.cards); // every event redelivered
    assert.equal((await history(someone.idNumber)).cards[0].events.length, 2);
    problem(await issue(officer, someone.idNumber, { kind: 'reissue' }), 409, 'CARDS_PERSON_NOT_LIVING');
  });

  test('expiry: after the last valid day the card reads as expired, in the history and to passive authentication; renewal is then allowed', async () => {
    const young = await resident(t, reg, { fullName: 'Ngô Thị Hạnh', sex: 'female', birthDate: '2016-01-10' });
    const res = await issue(officer, young.idNumber, { kind: 'first_issue' });
    const card = res.json();
    assert.equal(card.card.expiryDate, '2030-01-10'); // 10 at issue: renew at 14
    const start = clock.now();
    try {
      clock.set(new Date('2030-01-10T16:59:59Z')); // 23:59:59 on 10/01/2030 in Vietnam
      const later = await t.signIn('card.hn');
      assert.equal((await history(young.idNumber, later)).cards[0].status, 'valid');
      clock.set(new Date('2030-01-10T17:00:00Z'));
      assert.equal((await history(young.idNumber, later)).cards[0].status, 'expired');
      const pa = await t.cards.verifyChip({ ...chipOf(card), at: clock.now() });
      assert.deepEqual(pa.failures, ['document_expired', 'card_expired']);
      const renewed = await issue(later, young.idNumber, { kind: 'renewal' });
      assert.equal(renewed.statusCode, 201, renewed.body);
      assert.equal(renewed.json().card.expiryDate, '2041-01-10'); // 14 at renewal: valid until 25
    } finally {
      clock.set(start);
    }
  });

  test('key rotation: after 90 days a new Document Signer, after 5 years a new CSCA; older chips still verify', async () => {
    const start = clock.now();
    const count = async () => (await sql<{ kind: string; n: number }>`select kind, count(*)::int n from cards.signing_key group by kind order by kind`.execute(t.platform.db)).rows.map((r) => r.n);
    const [csca0, ds0] = await count();
    const b = await resident(t, reg, { fullName: 'Lý Văn Hai', sex: 'male', birthDate: '1981-02-02' });
    const c = await resident(t, reg, { fullName: 'Lý Văn Ba', sex: 'male', birthDate: '1982-02-02' });
    try {
      clock.set(new Date(start.getTime() + 100 * DAY));
      const chipB = (await issue(await t.signIn('card.hn'), b.idNumber, { kind: 'first_issue' })).json();
      assert.deepEqual(await count(), [csca0, ds0! + 1]);
      clock.set(new Date(start.getTime() + 6 * 365 * DAY));
      const chipC = (await issue(await t.signIn('card.hn'), c.idNumber, { kind: 'first_issue' })).json();
      assert.deepEqual(await count(), [csca0! + 1, ds0! + 2]);
      const trusted = (await t.app.inject({ method: 'GET', url: '/api/v1/cards/csca' })).json().certificates.map((x: any) => fromPem(x.pem)[0]);
      assert.equal(trusted.length, csca0! + 1);
      const pa = createPassiveAuthenticator({ trustedCscas: trusted });
      for (const chip of [first, chipB, chipC]) assert.deepEqual((await pa.verify({ ...chipOf(chip), at: clock.now() })).failures.filter((f) => f !== 'document_expired'), []);
    } finally {
      clock.set(start);
    }
  });

  test('the HCM officer can issue in HCM', async () => {
    const south = await resident(t, await t.officer('reg.hcm', ['registrar'], '79'), { fullName: 'Trương Văn Sáu', sex: 'male', birthDate: '1995-07-07', at: HCM });
    const res = await issue(officerHcm, south.idNumber, { kind: 'first_issue' });
    assert.equal(res.statusCode, 201, res.body);
  });
});
