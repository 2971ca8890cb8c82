/**
 * Notices (new device, consent request) are queued in the transaction that causes them and sent
 * by the notice worker with retries: a gateway that fails twice then works delivers once; two
 * workers never send one notice twice; a notice that keeps failing is given up after the limit;
 * phone numbers never reach the log or the stored error. The gateway here is a real `SmsGateway`
 * (what a deployment implements) behind the real `SmsOtpSender`.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { eidTestApp, newPhone, PASSWORD, type EidTestApp } from './accounts.harness.ts';
import { CONSENT_REQUEST_CONSUMER, NoticeWorker, SmsOtpSender, notifyConsentRequests, queueNotice, type SmsGateway } from '../../src/identity/accounts/index.ts';
import { publish } from '../../src/platform/events/outbox.ts';
import { FlakyGateway } from './flaky-gateway.ts';
import { outboxSettled } from '../harness/outbox.ts';

const MINUTE = 60_000;

describe('eID notices: queued with the change, sent with retries', () => {
  let t: EidTestApp;
  const lines: string[] = [];
  const worker = (gateway: SmsGateway, maxAttempts = 5, batch = 50) =>
    new NoticeWorker(t.platform.db, new SmsOtpSender(gateway), t.clock, { maxAttempts, baseDelayMs: MINUTE, maxDelayMs: 60 * MINUTE, batch }, (_level, line) => lines.push(line));
  const row = async (phone: string) => (await sql<{ status: string; attempts: number; last_error: string | null; gave_up_at: Date | null; sent_at: Date | null }>`
    select status, attempts, last_error, gave_up_at, sent_at from identity.notice where phone = ${phone}`.execute(t.platform.db)).rows;

  before(async () => { t = await eidTestApp(); });
  // The clock moves hours ahead in these tests: people and accounts are made before it does.
  after(async () => { await t.close(); });

  test('a new-device notice: the gateway fails twice, then delivers, exactly once; backoff doubles', async () => {
    const id = await t.person({ fullName: 'Mai Văn Gửi', sex: 'male', birthDate: '1984-04-04' });
    const phone = newPhone();
    await t.level1({ idNumber: id, fullName: 'Mai Văn Gửi', birthDate: '1984-04-04', phone });
    await t.citizen(id, PASSWORD, { userAgent: 'VNeID/1.0 (Android 14)' });
    await t.citizen(id, PASSWORD, { userAgent: 'Mozilla/5.0 (iPad) Safari/18' });
    assert.equal((await row(phone)).length, 1, 'the new device queued one notice with the session');

    const gateway = new FlakyGateway(2);
    const w = worker(gateway);
    assert.equal(await w.deliverDue(), 1);
    let [r] = await row(phone);
    assert.equal(r!.status, 'pending');
    assert.equal(r!.attempts, 1);
    assert.equal(await w.deliverDue(), 0, 'not due before the backoff');
    t.clock.advance(MINUTE);
    assert.equal(await w.deliverDue(), 1);
    t.clock.advance(MINUTE);
    assert.equal(await w.deliverDue(), 0, 'the second delay is twice the first');
    t.clock.advance(MINUTE);
    assert.equal(await w.deliverDue(), 1);
    t.clock.advance(60 * MINUTE);
    assert.equal(await w.deliverAll(), 0);
    assert.equal(gateway.calls, 3);
    assert.equal(gateway.delivered.length, 1);
    assert.equal(gateway.delivered[0]!.phone, phone);
    assert.match(gateway.delivered[0]!.text, /thiết bị mới \(Mozilla\/5.0 \(iPad\)/);
    [r] = await row(phone);
    assert.equal(r!.status, 'sent');
    assert.equal(r!.attempts, 3);
    assert.equal(r!.last_error, null);
  });

  test('a consent request queues one notice per event, whatever the redeliveries', async () => {
    const id = await t.person({ fullName: 'Lò Thị Đồng', sex: 'female', birthDate: '1990-10-10' });
    const phone = newPhone();
    await t.level1({ idNumber: id, fullName: 'Lò Thị Đồng', birthDate: '1990-10-10', phone });
    await t.platform.db.transaction().execute((trx) => publish(trx, [{ topic: 'exchange.consent.requested', key: id, payload: { idNumber: id, organisation: { name: 'Ngân hàng Thử' }, pendingFromOrganisation: 1 } }]));
    await outboxSettled(t.platform.db);
    const queued = await notifyConsentRequests(t.platform.db, 'http://localhost:8060/portal/consents', t.clock);
    assert.equal(queued, 1);
    // A redelivery (the cursor moved back, as after a crash) does not queue it again.
    await sql`update platform.outbox_consumer set last_xid = '0'::xid8, last_id = 0 where name = ${CONSENT_REQUEST_CONSUMER}`.execute(t.platform.db);
    await notifyConsentRequests(t.platform.db, 'http://localhost:8060/portal/consents', t.clock);
    const rows = await row(phone);
    assert.equal(rows.filter((r) => r.status === 'pending').length, 1);
    const gateway = new FlakyGateway(0);
    await worker(gateway).deliverAll();
    const mine = gateway.delivered.filter((d) => d.phone === phone);
    assert.equal(mine.length, 1);
    assert.match(mine[0]!.text, /Ngân hàng Thử/);
  });

  test('two workers (two processes) never send one notice twice', async () => {
    const phones = Array.from({ length: 24 }, () => newPhone());
    for (const phone of phones) await queueNotice(t.platform.db, { kind: 'consent_requested', accountId: null, to: { phone }, text: { vi: `Open06 ${phone}`, en: `Open06 ${phone}` } }, t.clock.now());
    const gateway = new FlakyGateway(0, 15);
    const a = worker(gateway, 5, 4);
    const b = worker(gateway, 5, 4);
    const [na, nb] = await Promise.all([a.deliverAll(), b.deliverAll()]);
    assert.equal(na + nb, phones.length);
    assert.ok(na > 0 && nb > 0, `both workers took part (${na}, ${nb})`);
    assert.deepEqual(gateway.delivered.map((d) => d.phone).sort(), [...phones].sort());
    for (const phone of phones) assert.deepEqual((await row(phone)).map((r) => [r.status, r.attempts]), [['sent', 1]]);
  });

  test('a notice that keeps failing is given up after the limit, and the giving up is recorded', async () => {
    const phone = newPhone();
    await queueNotice(t.platform.db, { kind: 'new_device', accountId: null, to: { phone }, text: { vi: 'Open06 x', en: 'Open06 x' } }, t.clock.now());
    const gateway = new FlakyGateway(1000);
    const w = worker(gateway, 3);
    for (let i = 0; i < 10; i++) {
      await w.deliverDue();
      t.clock.advance(2 * 60 * MINUTE);
    }
    assert.equal(gateway.calls, 3);
    const [r] = await row(phone);
    assert.equal(r!.status, 'failed');
    assert.equal(r!.attempts, 3);
    assert.ok(r!.gave_up_at);
    assert.equal(r!.sent_at, null);
    assert.match(r!.last_error!, /gateway 503/);
    assert.ok(lines.some((l) => /given up after 3 attempts/.test(l)), lines.join('\n'));
  });

  test('phone numbers are masked in the log and in the stored error', async () => {
    assert.ok(lines.length > 0);
    const all = [...lines, ...(await sql<{ last_error: string }>`select last_error from identity.notice where last_error is not null`.execute(t.platform.db)).rows.map((r) => r.last_error)];
    for (const line of all) assert.ok(!/0\d{9}/.test(line), `a phone number in: ${line}`);
    assert.ok(lines.some((l) => /09\*{6}\d\d/.test(l)), 'the masked number is there to recognise');
  });

});
