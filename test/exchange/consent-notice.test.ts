/**
 * A partner's consent request is pushed to the citizen: the request publishes an outbox event in
 * its own transaction, and the eID accounts' consumer texts the holder of an eID account on its
 * phone (read here from the development sender at GET /api/v1/eid/dev/messages) naming the
 * organisation and pointing to the portal, with no personal data; once a day per organisation.
 * The SMS channel is a development sender that can be switched to failing, like an SMS gateway
 * that is down: the partner's request is answered all the same, later notices still go out, and
 * the one that failed is retried (once) when the gateway is back.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { exchangeTestServer, resident, call, type ExchangeTestServer, type Partner, type H } from '../harness/partner.ts';
import { level1Account, citizenToken } from '../harness/eid.ts';
import { DevOtpSender, CONSENT_REQUEST_CONSUMER, type OtpMessage } from '../../src/identity/accounts/index.ts';

/** The development sender, with its notices failing while `down` (an SMS gateway that is down). */
class SwitchableSender extends DevOtpSender {
  down = false;
  override async send(m: OtpMessage): Promise<void> {
    if (this.down && m.purpose === 'notice') throw new Error('SMS gateway unavailable');
    return super.send(m);
  }
}

const NAME = 'Đoàn Thị Ngọc Lan';
const PHONE = '0912000888';

describe('exchange: a consent request is pushed to the citizen by SMS, through the outbox', () => {
  let t: ExchangeTestServer;
  let reg: H;
  let idNumber: string;
  let noAccount: string;
  const sender = new SwitchableSender();
  const request = (p: Partner, who: string) => p.call('POST', '/api/v1/exchange/consent-requests', { idNumber: who, purpose: 'credit_assessment', fields: ['fullName', 'birthDate'], validUntil: '2030-12-31', message: 'Thẩm định khoản vay' });
  const notices = async () => {
    const r = await call(t.baseUrl, 'GET', `/api/v1/eid/dev/messages?phone=${PHONE}`);
    assert.equal(r.status, 200, r.text);
    return (r.json.items as Array<{ purpose: string; text: { vi: string; en: string } }>).filter((m) => m.purpose === 'notice' && /consent/.test(m.text.en));
  };
  /** Waits until `n` consent notices were sent. */
  const sent = async (n: number) => {
    const end = Date.now() + 10_000;
    for (;;) {
      const got = await notices();
      if (got.length >= n) return got;
      if (Date.now() > end) throw new Error(`${got.length} of ${n} notices sent`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };
  /** Waits until the consumer has read `events` consent-request events in all. */
  const consumed = async (events: number) => {
    const end = Date.now() + 10_000;
    for (;;) {
      const r = await sql<{ processed: number }>`select processed::int from platform.outbox_consumer where name = ${CONSENT_REQUEST_CONSUMER}`.execute(t.platform.db);
      if ((r.rows[0]?.processed ?? 0) >= events) return;
      if (Date.now() > end) throw new Error(`the consumer read ${r.rows[0]?.processed ?? 0} of ${events} events`);
      await new Promise((res) => setTimeout(res, 50));
    }
  };

  before(async () => {
    t = await exchangeTestServer({ accounts: { sender, consumerIntervalMs: 100, notices: { baseDelayMs: 300 } } });
    reg = await t.officer('reg.consent-notice', ['registrar'], null);
    idNumber = await resident(t.baseUrl, reg, { fullName: NAME, sex: 'female', birthDate: '1993-10-02' });
    noAccount = await resident(t.baseUrl, reg, { fullName: 'Hà Văn Tùng', sex: 'male', birthDate: '1960-01-20' });
    await level1Account(t.baseUrl, { idNumber, fullName: NAME, birthDate: '1993-10-02', phone: PHONE });
  });
  after(async () => { await t.close(); });

  test('the citizen is told who asks and where to answer, with no personal data; the request is in the portal', async () => {
    const bank = await t.partner({ member: 'Ngân hàng Bình Minh', kind: 'bank' });
    const r = await request(bank, idNumber);
    assert.equal(r.status, 201, r.text);
    await consumed(1);
    const [n, ...more] = await sent(1);
    assert.ok(n, 'no notice sent');
    assert.equal(more.length, 0);
    for (const text of [n.text.vi, n.text.en]) {
      assert.match(text, /Ngân hàng Bình Minh/);
      assert.ok(text.includes(`${t.baseUrl}/portal/consents`), text);
      for (const secret of [idNumber, NAME, r.json.id, 'Thẩm định', 'credit_assessment', '?']) assert.ok(!text.includes(secret), `${secret} in ${text}`);
    }
    assert.match(n.text.vi, /đồng ý/);
    const citizen = { authorization: `Bearer ${await citizenToken(t.baseUrl, idNumber)}` };
    const waiting = await call(t.baseUrl, 'GET', '/api/v1/exchange/me/consent-requests', undefined, citizen);
    assert.equal(waiting.status, 200, waiting.text);
    assert.ok(waiting.json.items.some((i: any) => i.id === r.json.id && i.status === 'pending' && i.organisation.name === 'Ngân hàng Bình Minh'));
  });

  test('once a day per organisation; nothing for a person without an eID account', async () => {
    const bank = await t.partner({ member: 'Công ty Tài chính Hưng Thịnh', kind: 'bank' });
    assert.equal((await request(bank, idNumber)).status, 201);
    assert.equal((await request(bank, idNumber)).status, 201);
    assert.equal((await request(bank, noAccount)).status, 201);
    await consumed(4);
    const texts = (await sent(2)).map((m) => m.text.en);
    assert.equal(texts.filter((x) => x.includes('Hưng Thịnh')).length, 1, texts.join('\n'));
  });

  test('an SMS gateway that is down: the partner\'s request is answered, later notices go out, the failed one is retried once', async () => {
    sender.down = true;
    const first = await t.partner({ member: 'Bệnh viện Tâm Đức', kind: 'hospital' });
    const r = await request(first, idNumber);
    assert.equal(r.status, 201, r.text);
    await consumed(5);
    const failing = async () => (await sql<{ attempts: number; last_error: string | null }>`select attempts, last_error from identity.notice where text->>'en' like '%Tâm Đức%'`.execute(t.platform.db)).rows;
    for (let i = 0; i < 100 && !(await failing())[0]?.last_error; i++) await new Promise((res) => setTimeout(res, 50));
    assert.match((await failing())[0]!.last_error!, /unavailable/);
    assert.ok(!(await notices()).some((m) => m.text.en.includes('Tâm Đức')));
    sender.down = false;
    const second = await t.partner({ member: 'Trường Đại học Sông Hồng', kind: 'school' });
    assert.equal((await request(second, idNumber)).status, 201);
    await consumed(6);
    const texts = (await sent(4)).map((m) => m.text.en);
    assert.ok(texts.some((x) => x.includes('Sông Hồng')), texts.join('\n'));
    assert.equal(texts.filter((x) => x.includes('Tâm Đức')).length, 1, texts.join('\n'));
    const mine = await call(t.baseUrl, 'GET', `/api/v1/exchange/consent-requests/${r.json.id}`, undefined, await first.headers());
    assert.equal(mine.json.status, 'pending');
  });
});
