/**
 * Event subscriptions: a system follows the people it has a lawful relationship with; a death,
 * a card revocation or a residence change of one of them is delivered to a real local HTTP
 * receiver as a compact JWS that verifies against the published /oidc/jwks; a receiver that fails
 * first is retried with backoff; deliveries are listed per system and audited under the person.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { compactVerify, createRemoteJWKSet, decodeProtectedHeader } from 'jose';
import { exchangeTestServer, resident, problem, PROVISION, call, type ExchangeTestServer, type Partner, type H } from '../harness/partner.ts';
import { outboxSettled } from '../harness/outbox.ts';

interface Received { at: number; body: string; headers: http.IncomingHttpHeaders }

/** A webhook receiver answering the given statuses in turn (then 200). */
function receiver(statuses: number[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ at: Date.now(), body, headers: req.headers });
      res.statusCode = statuses.shift() ?? 200;
      res.end();
    });
  });
  return {
    received,
    async start(): Promise<string> { await new Promise<void>((r) => server.listen(0, '127.0.0.1', r)); return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`; },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

describe('exchange: event subscriptions and signed deliveries', () => {
  let t: ExchangeTestServer;
  let reg: H;
  let cardOfficer: H;
  let insurer: Partner;
  let watched: string;
  let other: string;
  let mover: string;
  const flaky = receiver([500, 503]);
  const dead = receiver([500, 500, 500, 500, 500, 500]);
  let flakyUrl: string;
  let deadUrl: string;

  const pump = async (until: () => Promise<boolean>, ms = 8000) => {
    const end = Date.now() + ms;
    for (;;) {
      await outboxSettled(t.platform.db);
      await t.x.events.fanOut();
      await t.x.events.deliverDue();
      if (await until()) return;
      if (Date.now() > end) throw new Error('deliveries did not settle');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const deliveries = async (p: Partner, q = '') => (await p.call('GET', `/api/v1/exchange/deliveries${q}`)).json.items as any[];

  before(async () => {
    t = await exchangeTestServer({ exchange: { webhookBackoffMs: [150, 300], webhookTimeoutMs: 2000 }, config: { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' } });
    reg = await t.officer('reg.national', ['registrar'], null);
    cardOfficer = await t.officer('card.national', ['card_officer'], null);
    watched = await resident(t.baseUrl, reg, { fullName: 'Mai Văn Phúc', sex: 'male', birthDate: '1945-03-03' });
    other = await resident(t.baseUrl, reg, { fullName: 'Đinh Thị Quế', sex: 'female', birthDate: '1950-05-05' });
    mover = await resident(t.baseUrl, reg, { fullName: 'Tạ Văn Sang', sex: 'male', birthDate: '1980-08-08' });
    insurer = await t.partner({ member: 'Bảo hiểm Xã hội Thử Nghiệm', kind: 'insurer' });
    await t.grant(insurer.systemId, { service: 'event_subscription', fields: ['person.deceased', 'card.revoked', 'residence.current_changed'], purposes: ['social_security'], basis: PROVISION });
    flakyUrl = await flaky.start();
    deadUrl = await dead.start();
  });
  after(async () => { await t.close(); await flaky.close(); await dead.close(); });

  test('subscribing needs the topics in the grant; the URL must be usable', async () => {
    const notGranted = problem(await insurer.call('POST', '/api/v1/exchange/subscriptions', { purpose: 'social_security', topics: ['person.deceased', 'card.reported_lost'], url: flakyUrl }), 403, 'EXCHANGE_FIELDS_NOT_GRANTED');
    assert.match(notGranted.messages.en, /card\.reported_lost/);
    problem(await insurer.call('POST', '/api/v1/exchange/subscriptions', { purpose: 'social_security', topics: ['person.deceased'], url: 'ftp://example.org/x' }), 400, 'EXCHANGE_WEBHOOK_URL_INVALID');
  });

  test('a death of a followed person is delivered as a JWS verifiable with /oidc/jwks, after retries with backoff', async () => {
    const sub = await insurer.call('POST', '/api/v1/exchange/subscriptions', { purpose: 'social_security', topics: ['person.deceased', 'card.revoked'], url: flakyUrl });
    assert.equal(sub.status, 201, sub.text);
    const w = await insurer.call('POST', `/api/v1/exchange/subscriptions/${sub.json.id}/people`, { add: [watched, watched] });
    assert.equal(w.status, 200, w.text);
    assert.deepEqual({ added: w.json.added, watched: w.json.watched, refused: w.json.refused }, { added: 1, watched: 1, refused: [] });

    // Someone not followed dies: nothing is sent.
    assert.equal((await call(t.baseUrl, 'POST', `/api/v1/registry/people/${other}/death`, { legalBasis: 'Luật Hộ tịch 2014, Điều 33', deathDate: '2026-11-01' }, reg)).status, 200);
    const death = await call(t.baseUrl, 'POST', `/api/v1/registry/people/${watched}/death`, { legalBasis: 'Luật Hộ tịch 2014, Điều 33', deathDate: '2026-11-02' }, reg);
    assert.equal(death.status, 200, death.text);
    await pump(async () => (await deliveries(insurer)).some((d) => d.status === 'delivered'));

    const [d] = await deliveries(insurer);
    assert.equal(d.topic, 'person.deceased');
    assert.equal(d.idNumber, watched);
    assert.equal(d.attempts, 3);
    assert.equal(d.lastStatus, 200);
    assert.equal(flaky.received.length, 3);
    // Backoff: the second attempt waited ≥ 150 ms, the third ≥ 300 ms.
    assert.ok(flaky.received[1]!.at - flaky.received[0]!.at >= 140, `${flaky.received[1]!.at - flaky.received[0]!.at} ms`);
    assert.ok(flaky.received[2]!.at - flaky.received[1]!.at >= 290, `${flaky.received[2]!.at - flaky.received[1]!.at} ms`);
    const last = flaky.received[2]!;
    assert.equal(last.headers['content-type'], 'application/jose');
    assert.equal(last.headers['x-open06-delivery'], d.id);
    const { payload, protectedHeader } = await compactVerify(last.body, createRemoteJWKSet(new URL(`${t.baseUrl}/oidc/jwks`)));
    assert.equal(protectedHeader.typ, 'open06-event+jws');
    const claims = JSON.parse(new TextDecoder().decode(payload));
    assert.equal(claims.aud, insurer.clientId);
    assert.equal(claims.iss, t.baseUrl);
    assert.equal(claims.jti, d.id);
    assert.equal(claims.topic, 'person.deceased');
    assert.equal(claims.idNumber, watched);
    assert.equal(claims.attempt, 3);
    // A tampered body does not verify.
    const [h, p, s] = last.body.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, idNumber: other })).toString('base64url')}.${s}`;
    await assert.rejects(compactVerify(forged, createRemoteJWKSet(new URL(`${t.baseUrl}/oidc/jwks`))));
    assert.ok(decodeProtectedHeader(last.body).kid);
    void p;
  });

  test('a card revocation of a followed person is delivered too; each delivery is in the person\'s history', async () => {
    // A card is issued, the person has died: revoking it is an event of its own.
    const issued = await call(t.baseUrl, 'POST', `/api/v1/cards/people/${mover}/cards`, { kind: 'first_issue', legalBasis: 'Luật Căn cước 2023, Điều 23' }, cardOfficer);
    assert.equal(issued.status, 201, issued.text);
    const subs = (await insurer.call('GET', '/api/v1/exchange/subscriptions')).json.items;
    await insurer.call('POST', `/api/v1/exchange/subscriptions/${subs[0].id}/people`, { add: [mover] });
    const revoke = await call(t.baseUrl, 'POST', `/api/v1/cards/people/${mover}/cards/1/revoke`, { legalBasis: 'Luật Căn cước 2023, Điều 31' }, cardOfficer);
    assert.equal(revoke.status, 200, revoke.text);
    await pump(async () => (await deliveries(insurer, '?status=delivered')).some((d) => d.topic === 'card.revoked'));
    await t.platform.audit.idle();
    const h = await t.x.accessLog.history(watched);
    const seen = h.items.find((i) => i.service === 'event_subscription' && i.outcome === 'delivered');
    assert.ok(seen);
    assert.equal(seen.who.name, 'Bảo hiểm Xã hội Thử Nghiệm');
    assert.deepEqual(seen.fields.map((f) => f.field), ['person.deceased']);
    assert.equal(h.followedBy[0]!.memberName, 'Bảo hiểm Xã hội Thử Nghiệm');
  });

  test('a receiver that keeps failing: the delivery fails after the last retry, with the last error', async () => {
    const sub = await insurer.call('POST', '/api/v1/exchange/subscriptions', { purpose: 'social_security', topics: ['residence.current_changed'], url: deadUrl });
    await insurer.call('POST', `/api/v1/exchange/subscriptions/${sub.json.id}/people`, { add: [mover] });
    const move = await call(t.baseUrl, 'POST', `/api/v1/registry/people/${mover}/current-residence`, { legalBasis: 'Luật Cư trú 2020, Điều 19', residence: { address: 'Số 5, phố Huế', provinceCode: '01', communeCode: '00070' } }, reg);
    assert.equal(move.status, 200, move.text);
    await pump(async () => (await deliveries(insurer, `?subscriptionId=${sub.json.id}`)).some((d) => d.status === 'failed'));
    const [d] = await deliveries(insurer, `?subscriptionId=${sub.json.id}`);
    assert.equal(d.status, 'failed');
    assert.equal(d.attempts, 3);
    assert.equal(d.lastError, 'HTTP 500');
    assert.equal(dead.received.length, 3);
    // Delivered at most once per event even if the consumer runs again.
    await t.x.events.fanOut();
    const r = await sql<{ n: number }>`select count(*)::int as n from exchange.delivery where subscription_id = ${sub.json.id}`.execute(t.platform.db);
    assert.equal(r.rows[0]!.n, 1);
  });

  test('a cancelled subscription stops following; another system cannot touch it', async () => {
    const subs = (await insurer.call('GET', '/api/v1/exchange/subscriptions')).json.items;
    const stranger = await t.partner({ member: 'Công ty Khác', kind: 'other' });
    problem(await stranger.call('DELETE', `/api/v1/exchange/subscriptions/${subs[0].id}`), 404, 'EXCHANGE_SUBSCRIPTION_NOT_FOUND');
    const c = await insurer.call('DELETE', `/api/v1/exchange/subscriptions/${subs[0].id}`);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.status, 'cancelled');
    const h = await t.x.accessLog.history(mover);
    assert.ok(h.followedBy.every((w) => w.subscriptionId !== subs[0].id));
  });
});
