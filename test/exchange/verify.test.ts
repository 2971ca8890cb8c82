/**
 * Partner systems with real access tokens (POST /oidc/token, private_key_jwt): identity
 * verification answers verdicts only; refusals name what the grant lacks (service, dates,
 * purpose, fields); a bad token is a 401; the rate limit answers 429 with Retry-After; every call
 * is in the person's audit trail.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { exchangeTestServer, resident, problem, PROVISION, call, type ExchangeTestServer, type Partner, type H } from '../harness/partner.ts';

describe('exchange: identity verification with real partner tokens', () => {
  let t: ExchangeTestServer;
  let reg: H;
  let bank: Partner;
  let telecom: Partner;
  let idNumber: string;
  let deceased: string;

  const auditRows = async (idNumber: string) => {
    await t.platform.audit.idle();
    const r = await sql<{ actor_kind: string; actor_id: string; action: string; fields: string[]; purpose: string; legal_basis: string | null; details: any }>`
      select actor_kind, actor_id, action, fields, purpose, legal_basis, details from platform.audit_log where subject_id = ${idNumber} and actor_kind = 'partner' order by seq`.execute(t.platform.db);
    return r.rows;
  };

  before(async () => {
    t = await exchangeTestServer();
    reg = await t.officer('reg.hn', ['registrar'], '01');
    idNumber = await resident(t.baseUrl, reg, { fullName: 'Nguyễn Thị Hoà', sex: 'female', birthDate: '1990-04-12' });
    deceased = await resident(t.baseUrl, reg, { fullName: 'Trần Văn Bình', sex: 'male', birthDate: '1950-01-01' });
    const d = await call(t.baseUrl, 'POST', `/api/v1/registry/people/${deceased}/death`, { legalBasis: 'Luật Hộ tịch 2014, Điều 33', deathDate: '2026-01-02' }, reg);
    assert.equal(d.status, 200, d.text);
    bank = await t.partner({ member: 'Ngân hàng TMCP Thử Nghiệm', kind: 'bank' });
    telecom = await t.partner({ member: 'Nhà mạng Thử Nghiệm', kind: 'telecom', ratePerSecond: 3 });
    await t.grant(bank.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate', 'sex', 'personStatus', 'cardValid'], purposes: ['account_opening'], basis: PROVISION });
    await t.grant(telecom.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['sim_registration'], basis: PROVISION, validFrom: '2020-01-01', validUntil: '2021-12-31' });
  });
  after(async () => { await t.close(); });

  test('a match: verdicts per stated field, living, no card — and no registry value in the answer', async () => {
    const r = await bank.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening', fullName: 'NGUYỄN THỊ HÒA', birthDate: '1990-04-12', sex: 'female' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.outcome, 'match');
    assert.deepEqual(r.json.fields, { fullName: 'match', birthDate: 'match', sex: 'match' });
    assert.equal(r.json.personStatus, 'living');
    assert.equal(r.json.cardValid, false);
    assert.equal(r.json.nameMatching, 'exact');
    assert.ok(!r.text.includes('Hoà') && !r.text.includes('Liễu Giai'), 'no registry value is echoed');
  });

  test('Vietnamese-aware names: decomposed input and old/new tone placement match; missing diacritics only when asked, and reported as such', async () => {
    const nfd = 'Nguyễn Thị Hoà'.normalize('NFD');
    assert.equal((await bank.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening', fullName: nfd, birthDate: '1990-04-12' })).json.fields.fullName, 'match');
    const plain = await bank.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening', fullName: 'Nguyen Thi Hoa', birthDate: '1990-04-12' });
    assert.equal(plain.json.outcome, 'mismatch');
    assert.equal(plain.json.fields.fullName, 'mismatch');
    const relaxed = await bank.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening', fullName: 'Nguyen Thi Hoa', birthDate: '1990-04-12', nameMatching: 'diacritic_insensitive' });
    assert.equal(relaxed.json.outcome, 'match');
    assert.equal(relaxed.json.fields.fullName, 'match_ignoring_diacritics');
    assert.equal(relaxed.json.nameMatching, 'diacritic_insensitive');
    const wrong = await bank.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening', fullName: 'Nguyễn Thị Hoa', birthDate: '1990-04-13' });
    assert.deepEqual(wrong.json.fields, { fullName: 'mismatch', birthDate: 'mismatch' });
  });

  test('deceased and unknown people', async () => {
    const d = await bank.call('POST', '/api/v1/exchange/verify', { idNumber: deceased, purpose: 'account_opening', fullName: 'Trần Văn Bình', birthDate: '1950-01-01' });
    assert.equal(d.json.outcome, 'match');
    assert.equal(d.json.personStatus, 'deceased');
    const u = await bank.call('POST', '/api/v1/exchange/verify', { idNumber: '001099999999', purpose: 'account_opening', fullName: 'Ai Đó', birthDate: '1999-01-01' });
    assert.equal(u.status, 200);
    assert.equal(u.json.outcome, 'not_found');
    assert.deepEqual(u.json.fields, { fullName: 'not_checked', birthDate: 'not_checked' });
  });

  test('refusals name what is missing: no grant for the service, wrong purpose, a field outside the grant, an expired grant', async () => {
    const noService = problem(await bank.call('POST', '/api/v1/exchange/person-data', { idNumber, purpose: 'account_opening' }), 403, 'EXCHANGE_SERVICE_NOT_GRANTED');
    assert.match(noService.messages.en, /person_data/);
    const purpose = problem(await bank.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'credit_assessment', fullName: 'x', birthDate: '1990-04-12' }), 403, 'EXCHANGE_PURPOSE_NOT_GRANTED');
    assert.match(purpose.messages.en, /credit_assessment.*granted: account_opening/);
    const fields = problem(await bank.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening', fullName: 'x', birthDate: '1990-04-12', cardIssueDate: '2020-01-01', phone: '0912345678' }), 403, 'EXCHANGE_FIELDS_NOT_GRANTED');
    assert.deepEqual(fields.errors.map((e: any) => e.field).sort(), ['cardIssueDate', 'phone']);
    const expired = problem(await telecom.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'sim_registration', fullName: 'x', birthDate: '1990-04-12' }), 403, 'EXCHANGE_GRANT_EXPIRED');
    assert.match(expired.messages.en, /expired on 2021-12-31/);
    assert.match(expired.messages.vi, /hết hạn ngày 2021-12-31/);
  });

  test('fields outside the grant are never returned: without personStatus and cardValid granted they are absent', async () => {
    const other = await t.partner({ member: 'Bệnh viện Thử Nghiệm', kind: 'hospital' });
    await t.grant(other.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['health_insurance'], basis: PROVISION });
    const r = await other.call('POST', '/api/v1/exchange/verify', { idNumber: deceased, purpose: 'health_insurance', fullName: 'Trần Văn Bình', birthDate: '1950-01-01' });
    assert.equal(r.status, 200, r.text);
    assert.equal('personStatus' in r.json, false);
    assert.equal('cardValid' in r.json, false);
  });

  test('a bad or missing token is a 401 problem; a disabled system is refused at once', async () => {
    problem(await call(t.baseUrl, 'POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening' }), 401, 'AUTH_REQUIRED');
    const bad = await call(t.baseUrl, 'POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening' }, { authorization: 'Bearer eyJhbGciOiJFUzI1NiJ9.e30.AAAA' });
    problem(bad, 401, 'EXCHANGE_TOKEN_INVALID');
    assert.match(bad.headers.get('www-authenticate') ?? '', /invalid_token/);
    // An officer's session token is not a partner token.
    problem(await call(t.baseUrl, 'POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening' }, reg), 401, 'EXCHANGE_TOKEN_INVALID');
    const gone = await t.partner({ member: 'Công ty Tạm', kind: 'other' });
    await t.grant(gone.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['account_opening'], basis: PROVISION });
    assert.equal((await gone.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening', fullName: 'x', birthDate: '1990-04-12' })).status, 200);
    assert.equal((await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/systems/${gone.systemId}/disable`, undefined, t.admin)).status, 200);
    // The first refusal reads the directory; the second answers from what it remembered, the same way.
    for (let i = 0; i < 2; i++) {
      const refused = await gone.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'account_opening', fullName: 'x', birthDate: '1990-04-12' });
      assert.equal(refused.status, 401);
      assert.equal(refused.json.code, 'EXCHANGE_SYSTEM_UNKNOWN');
    }
  });

  test('rate limit per system: 429 with Retry-After, counted as refused', async () => {
    await t.grant(telecom.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['sim_registration'], basis: PROVISION });
    const statuses: number[] = [];
    let retry: string | null = null;
    for (let i = 0; i < 8; i++) {
      const r = await telecom.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'sim_registration', fullName: 'Nguyễn Thị Hoà', birthDate: '1990-04-12' });
      statuses.push(r.status);
      if (r.status === 429) { retry = r.headers.get('retry-after'); assert.equal(r.json.code, 'EXCHANGE_RATE_LIMITED'); }
    }
    assert.ok(statuses.includes(200) && statuses.includes(429), statuses.join(','));
    assert.ok(retry !== null && Number(retry) >= 1, `Retry-After ${retry}`);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await telecom.call('POST', '/api/v1/exchange/verify', { idNumber, purpose: 'sim_registration', fullName: 'Nguyễn Thị Hoà', birthDate: '1990-04-12' })).status, 200);
    await t.x.meter.flush();
    const u = await call(t.baseUrl, 'GET', '/api/v1/exchange/admin/usage', undefined, t.admin);
    const sys = u.json.members.flatMap((m: any) => m.systems).find((s: any) => s.systemId === telecom.systemId && s.service === 'identity_verification');
    assert.ok(sys.refused >= 1 && sys.calls >= 2, JSON.stringify(sys));
  });

  test('every call is audited under the person: member, system, service, purpose, legal basis, fields, outcome; refusals too', async () => {
    const rows = await auditRows(idNumber);
    const ok = rows.find((r) => r.actor_id === bank.systemId && r.details.outcome === 'match');
    assert.ok(ok);
    assert.equal(ok.action, 'exchange.identity_verification');
    assert.equal(ok.purpose, 'account_opening');
    assert.equal(ok.legal_basis, 'Luật Căn cước 2023, Điều 10');
    assert.equal(ok.details.member, bank.memberId);
    assert.deepEqual(ok.fields, ['fullName', 'birthDate', 'sex', 'personStatus', 'cardValid']);
    const refused = rows.filter((r) => r.details.outcome === 'refused').map((r) => r.details.code);
    assert.ok(refused.includes('EXCHANGE_PURPOSE_NOT_GRANTED') && refused.includes('EXCHANGE_GRANT_EXPIRED') && refused.includes('EXCHANGE_FIELDS_NOT_GRANTED'), refused.join(','));
  });

  test('the system sees its own grants and today\'s usage', async () => {
    const r = await bank.call('GET', '/api/v1/exchange/system');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.member.id, bank.memberId);
    assert.equal(r.json.grants[0].service, 'identity_verification');
    assert.ok(r.json.usage[0].usedToday >= 1);
  });
});
