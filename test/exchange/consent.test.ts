/**
 * Person data under a provision or the citizen's consent (Decree 13/2023), minimal-disclosure
 * questions, card status, and the citizen's side over real HTTP with an eID session: giving
 * consent, the signed receipt, withdrawal taking effect at once, approving a partner's request,
 * and the access history (filterable, CSV).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { compactVerify, createRemoteJWKSet } from 'jose';
import { exchangeTestServer, resident, problem, PROVISION, call, type ExchangeTestServer, type Partner, type H } from '../harness/partner.ts';
import { level1Account, citizenToken } from '../harness/eid.ts';

const CONSENT = { kind: 'consent' };

describe('exchange: person data, consent, questions and the citizen\'s access history', () => {
  let t: ExchangeTestServer;
  let reg: H;
  let cardOfficer: H;
  let bank: Partner;
  let hospital: Partner;
  let a: string;
  let child: string;
  let stranger: string;
  let citizen: H;
  let householdNo: string;

  before(async () => {
    t = await exchangeTestServer();
    reg = await t.officer('reg.national', ['registrar'], null);
    cardOfficer = await t.officer('card.hn', ['card_officer'], '01');
    a = await resident(t.baseUrl, reg, { fullName: 'Phạm Minh Châu', sex: 'female', birthDate: '1988-09-30' });
    const p = await call(t.baseUrl, 'GET', `/api/v1/registry/people/${a}?purpose=test`, undefined, reg);
    householdNo = p.json.household.householdNo;
    child = await resident(t.baseUrl, reg, { fullName: 'Phạm Gia Huy', sex: 'male', birthDate: '2015-02-01', householdNo });
    stranger = await resident(t.baseUrl, reg, { fullName: 'Lý Văn Sơn', sex: 'male', birthDate: '1970-07-07', at: { provinceCode: '79', communeCode: '25747' } });
    bank = await t.partner({ member: 'Ngân hàng Đồng Thuận', kind: 'bank' });
    hospital = await t.partner({ member: 'Bệnh viện Đa khoa Thử Nghiệm', kind: 'hospital' });
    await t.grant(bank.systemId, { service: 'person_data', fields: ['fullName', 'birthDate', 'permanentResidence', 'question.age_at_least'], purposes: ['account_opening', 'credit_assessment'], basis: CONSENT });
    await t.grant(hospital.systemId, { service: 'person_data', fields: ['fullName', 'birthDate', 'question.age_at_least', 'question.resides_in', 'question.household_member_of'], purposes: ['health_insurance'], basis: PROVISION });
    await t.grant(hospital.systemId, { service: 'card_status', fields: ['card.status', 'card.expiryDate'], purposes: ['health_insurance'], basis: PROVISION });
    await level1Account(t.baseUrl, { idNumber: a, fullName: 'Phạm Minh Châu', birthDate: '1988-09-30', phone: '0912000111' });
    citizen = { authorization: `Bearer ${await citizenToken(t.baseUrl, a)}` };
  });
  after(async () => { await t.close(); });

  test('under a provision: exactly the granted fields, never one more', async () => {
    const all = await hospital.call('POST', '/api/v1/exchange/person-data', { idNumber: a, purpose: 'health_insurance' });
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(Object.keys(all.json.fields).sort(), ['birthDate', 'fullName']);
    assert.equal(all.json.fields.fullName, 'Phạm Minh Châu');
    assert.deepEqual(all.json.legalBasis, { kind: 'provision', provision: 'Luật Căn cước 2023, Điều 10' });
    const more = problem(await hospital.call('POST', '/api/v1/exchange/person-data', { idNumber: a, purpose: 'health_insurance', fields: ['fullName', 'permanentResidence', 'religion'] }), 403, 'EXCHANGE_FIELDS_NOT_GRANTED');
    assert.match(more.messages.en, /permanentResidence, religion/);
    assert.ok(!JSON.stringify(more).includes('Liễu Giai'));
    problem(await hospital.call('POST', '/api/v1/exchange/person-data', { idNumber: '001099999998', purpose: 'health_insurance' }), 404, 'EXCHANGE_PERSON_NOT_FOUND');
  });

  test('under consent: refused with the reason until the citizen consents in the portal; the receipt is signed and printable', async () => {
    const none = problem(await bank.call('POST', '/api/v1/exchange/person-data', { idNumber: a, purpose: 'account_opening', fields: ['fullName', 'permanentResidence'] }), 403, 'EXCHANGE_CONSENT_REQUIRED');
    assert.match(none.messages.en, /there is no consent/);
    const given = await call(t.baseUrl, 'POST', '/api/v1/exchange/me/consents', { memberId: bank.memberId, purpose: 'account_opening', fields: ['fullName', 'permanentResidence'], validUntil: '2030-12-31' }, citizen);
    assert.equal(given.status, 201, given.text);
    assert.equal(given.json.status, 'active');
    assert.equal(given.json.organisation.name, 'Ngân hàng Đồng Thuận');
    const ok = await bank.call('POST', '/api/v1/exchange/person-data', { idNumber: a, purpose: 'account_opening', fields: ['fullName', 'permanentResidence'] });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json.legalBasis, { kind: 'consent', consentId: given.json.id });
    assert.equal(ok.json.fields.permanentResidence.provinceCode, '01');
    // Consent covers these fields and this purpose only.
    const beyond = problem(await bank.call('POST', '/api/v1/exchange/person-data', { idNumber: a, purpose: 'account_opening', fields: ['birthDate'] }), 403, 'EXCHANGE_CONSENT_REQUIRED');
    assert.match(beyond.messages.en, /does not cover/);
    problem(await bank.call('POST', '/api/v1/exchange/person-data', { idNumber: a, purpose: 'credit_assessment', fields: ['fullName'] }), 403, 'EXCHANGE_CONSENT_REQUIRED');
    // The receipt: who, what, purpose, when, how — signed by the platform key published at /oidc/jwks.
    const json = await call(t.baseUrl, 'GET', `/api/v1/exchange/me/consents/${given.json.id}/receipt?format=json`, undefined, citizen);
    assert.equal(json.status, 200, json.text);
    const { payload, protectedHeader } = await compactVerify(json.json.jws, createRemoteJWKSet(new URL(`${t.baseUrl}/oidc/jwks`)));
    assert.equal(protectedHeader.typ, 'open06-consent-receipt+jws');
    const doc = JSON.parse(new TextDecoder().decode(payload));
    assert.deepEqual(doc, json.json.document);
    assert.equal(doc.dataSubject.idNumber, a);
    assert.equal(doc.organisation.id, bank.memberId);
    assert.equal(doc.purpose.code, 'account_opening');
    assert.deepEqual(doc.fields.map((f: any) => f.field), ['fullName', 'permanentResidence']);
    assert.equal(doc.method, 'portal');
    const html = await fetch(`${t.baseUrl}/api/v1/exchange/me/consents/${given.json.id}/receipt`, { headers: citizen });
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    const page = await html.text();
    assert.match(page, /Biên nhận sự đồng ý/);
    assert.match(page, /Ngân hàng Đồng Thuận/);
  });

  test('withdrawal takes effect for the very next request, with the reason', async () => {
    const list = await call(t.baseUrl, 'GET', '/api/v1/exchange/me/consents', undefined, citizen);
    const id = list.json.items.find((c: any) => c.status === 'active').id;
    const w = await call(t.baseUrl, 'POST', `/api/v1/exchange/me/consents/${id}/withdraw`, undefined, citizen);
    assert.equal(w.status, 200, w.text);
    assert.equal(w.json.status, 'withdrawn');
    const refused = problem(await bank.call('POST', '/api/v1/exchange/person-data', { idNumber: a, purpose: 'account_opening', fields: ['fullName'] }), 403, 'EXCHANGE_CONSENT_REQUIRED');
    assert.match(refused.messages.en, new RegExp(`consent ${id} was withdrawn`));
    assert.match(refused.messages.vi, /đã bị rút lại/);
    // Another citizen cannot see or withdraw it.
    const receipt = await call(t.baseUrl, 'GET', `/api/v1/exchange/me/consents/${id}/receipt?format=json`, undefined, citizen);
    assert.equal(receipt.json.status, 'withdrawn');
  });

  test('a partner asks, the citizen approves after signing in; the request shows the consent', async () => {
    const ask = await bank.call('POST', '/api/v1/exchange/consent-requests', { idNumber: a, purpose: 'credit_assessment', fields: ['fullName', 'birthDate'], validUntil: '2027-06-30', message: 'Thẩm định khoản vay tín chấp' });
    assert.equal(ask.status, 201, ask.text);
    assert.equal(ask.json.status, 'pending');
    const mine = await call(t.baseUrl, 'GET', '/api/v1/exchange/me/consent-requests', undefined, citizen);
    const req = mine.json.items.find((r: any) => r.id === ask.json.id);
    assert.equal(req.organisation.name, 'Ngân hàng Đồng Thuận');
    assert.equal(req.message, 'Thẩm định khoản vay tín chấp');
    const yes = await call(t.baseUrl, 'POST', `/api/v1/exchange/me/consent-requests/${ask.json.id}/approve`, undefined, citizen);
    assert.equal(yes.status, 200, yes.text);
    assert.equal(yes.json.consent.method, 'partner_request');
    problem(await call(t.baseUrl, 'POST', `/api/v1/exchange/me/consent-requests/${ask.json.id}/decline`, undefined, citizen), 409, 'EXCHANGE_CONSENT_REQUEST_DECIDED');
    const status = await bank.call('GET', `/api/v1/exchange/consent-requests/${ask.json.id}`);
    assert.equal(status.json.status, 'approved');
    assert.equal(status.json.consentId, yes.json.consent.id);
    const data = await bank.call('POST', '/api/v1/exchange/person-data', { idNumber: a, purpose: 'credit_assessment', fields: ['birthDate'] });
    assert.equal(data.status, 200, data.text);
    assert.deepEqual(data.json.fields, { birthDate: '1988-09-30' });
    // Another system's request is not visible to this one.
    problem(await hospital.call('GET', `/api/v1/exchange/consent-requests/${ask.json.id}`), 404, 'EXCHANGE_CONSENT_REQUEST_NOT_FOUND');
  });

  test('minimal disclosure: yes/no answers without the record', async () => {
    const ask = async (idNumber: string, question: object) => {
      const r = await hospital.call('POST', '/api/v1/exchange/questions', { idNumber, purpose: 'health_insurance', question });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(Object.keys(r.json).sort(), ['answer', 'answeredAt', 'idNumber', 'question']);
      return r.json.answer as boolean;
    };
    assert.equal(await ask(a, { kind: 'age_at_least', years: 18 }), true);
    assert.equal(await ask(child, { kind: 'age_at_least', years: 18 }), false);
    assert.equal(await ask(a, { kind: 'age_at_least', years: 60 }), false);
    assert.equal(await ask(a, { kind: 'resides_in', provinceCode: '01' }), true);
    assert.equal(await ask(a, { kind: 'resides_in', provinceCode: '01', communeCode: '00004', residence: 'permanent' }), true);
    assert.equal(await ask(a, { kind: 'resides_in', provinceCode: '79' }), false);
    assert.equal(await ask(stranger, { kind: 'resides_in', provinceCode: '79', communeCode: '25747' }), true);
    assert.equal(await ask(child, { kind: 'household_member_of', idNumber: a }), true);
    assert.equal(await ask(stranger, { kind: 'household_member_of', idNumber: a }), false);
    problem(await hospital.call('POST', '/api/v1/exchange/questions', { idNumber: a, purpose: 'health_insurance', question: { kind: 'age_at_least', years: 17 } }), 400, 'EXCHANGE_QUESTION_INVALID');
    // The bank's grant rests on consent, which does not cover the question.
    problem(await bank.call('POST', '/api/v1/exchange/questions', { idNumber: a, purpose: 'account_opening', question: { kind: 'age_at_least', years: 18 } }), 403, 'EXCHANGE_CONSENT_REQUIRED');
    problem(await bank.call('POST', '/api/v1/exchange/questions', { idNumber: a, purpose: 'account_opening', question: { kind: 'resides_in', provinceCode: '01' } }), 403, 'EXCHANGE_FIELDS_NOT_GRANTED');
  });

  test('card status: none before issue, valid after', async () => {
    const before = await hospital.call('POST', '/api/v1/exchange/card-status', { idNumber: a, purpose: 'health_insurance' });
    assert.equal(before.status, 200, before.text);
    assert.deepEqual(before.json.card, { status: 'none', expiryDate: null });
    const issued = await call(t.baseUrl, 'POST', `/api/v1/cards/people/${a}/cards`, { kind: 'first_issue', legalBasis: 'Luật Căn cước 2023, Điều 23' }, cardOfficer);
    assert.equal(issued.status, 201, issued.text);
    const after = await hospital.call('POST', '/api/v1/exchange/card-status', { idNumber: a, purpose: 'health_insurance' });
    assert.equal(after.json.card.status, 'valid');
    assert.match(after.json.card.expiryDate, /^\d{4}-\d{2}-\d{2}$/);
  });

  test('the citizen reads who accessed their data: organisation, system, purpose, legal basis or consent, fields; filterable and as CSV', async () => {
    await t.platform.audit.idle();
    const h = await call(t.baseUrl, 'GET', '/api/v1/exchange/me/access-log', undefined, citizen);
    assert.equal(h.status, 200, h.text);
    const items = h.json.items as any[];
    const data = items.find((i) => i.service === 'person_data' && i.who.memberId === bank.memberId && i.outcome === 'returned' && i.purpose.code === 'account_opening');
    assert.ok(data, JSON.stringify(items.slice(0, 5)));
    assert.equal(data.who.name, 'Ngân hàng Đồng Thuận');
    assert.ok(data.who.systemName);
    assert.deepEqual(data.fields.map((f: any) => f.field), ['fullName', 'permanentResidence']);
    assert.ok(data.consentId);
    assert.equal(data.purpose.label.vi, 'Mở tài khoản, định danh khách hàng điện tử (eKYC)');
    assert.ok(items.some((i) => i.who.memberId === bank.memberId && i.outcome === 'refused'), 'refused attempts are shown');
    assert.ok(items.some((i) => i.who.memberId === hospital.memberId && i.service === 'card_status'));
    assert.ok(items.some((i) => i.action === 'exchange.consent.grant' && i.who.kind === 'citizen'));
    // The household question about the child touched the mother too.
    assert.ok(items.some((i) => i.who.memberId === hospital.memberId && i.fields.some((f: any) => f.field === 'household')));
    const onlyHospital = await call(t.baseUrl, 'GET', `/api/v1/exchange/me/access-log?memberId=${hospital.memberId}`, undefined, citizen);
    assert.ok(onlyHospital.json.items.length > 0 && onlyHospital.json.items.every((i: any) => i.who.memberId === hospital.memberId));
    const csv = await fetch(`${t.baseUrl}/api/v1/exchange/me/access-log?format=csv&service=person_data`, { headers: citizen });
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    const text = await csv.text();
    const lines = text.trim().split('\n');
    assert.match(lines[0]!, /tổ chức\/organisation/);
    assert.ok(lines.length > 2);
    assert.ok(lines.slice(1).every((l) => l.includes('person_data')));
    assert.ok(text.includes('Ngân hàng Đồng Thuận'));
  });

  test('citizen routes need an eID session; an officer or a partner token is refused', async () => {
    assert.equal((await call(t.baseUrl, 'GET', '/api/v1/exchange/me/access-log')).status, 401);
    assert.equal((await call(t.baseUrl, 'GET', '/api/v1/exchange/me/access-log', undefined, reg)).status, 401);
    assert.equal((await call(t.baseUrl, 'GET', '/api/v1/exchange/me/access-log', undefined, await bank.headers())).status, 401);
  });
});
