/**
 * Webhook receivers are restricted (no SSRF): a subscription's URL must be https and its host
 * must resolve to public addresses only — each non-public class is refused with a 400 naming
 * `url`, in Vietnamese and English. The check is made again before each delivery after resolving
 * the host, and the delivery connects to the address checked: a host that rebinds to loopback
 * is not contacted, and a host only our resolver knows is reached at the address it gave.
 * Host names resolve through a table of the test's own (the platform's resolver is a parameter);
 * WEBHOOK_ALLOWED_HOSTS lists the one host allowed a loopback address over http.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exchangeTestServer, resident, problem, PROVISION, call, type ExchangeTestServer, type Partner, type H } from '../harness/partner.ts';
import { outboxSettled } from '../harness/outbox.ts';

/** The test's DNS: host name → addresses. */
const dnsTable = new Map<string, string[]>();
const lookup = async (host: string) => {
  const a = dnsTable.get(host);
  if (!a) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return a.map((address) => ({ address, family: address.includes(':') ? 6 as const : 4 as const }));
};

describe('exchange: webhook receivers restricted to public addresses', () => {
  let t: ExchangeTestServer;
  let reg: H;
  let insurer: Partner;
  const received: Array<{ host: string | undefined; body: string }> = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { received.push({ host: req.headers.host, body }); res.end(); });
  });
  let port = 0;
  const subscribe = (url: string) => insurer.call('POST', '/api/v1/exchange/subscriptions', { purpose: 'social_security', topics: ['residence.current_changed'], url });
  const move = async (idNumber: string) => {
    const r = await call(t.baseUrl, 'POST', `/api/v1/registry/people/${idNumber}/current-residence`, { legalBasis: 'Luật Cư trú 2020, Điều 19', residence: { address: 'Số 9, phố Huế', provinceCode: '01', communeCode: '00070' } }, reg);
    assert.equal(r.status, 200, r.text);
  };
  const deliver = async (subscriptionId: string) => {
    await outboxSettled(t.platform.db);
    await t.x.events.fanOut();
    await t.x.events.deliverDue();
    const d = await insurer.call('GET', `/api/v1/exchange/deliveries?subscriptionId=${subscriptionId}`);
    assert.equal(d.status, 200, d.text);
    return d.json.items as any[];
  };

  before(async () => {
    t = await exchangeTestServer({ exchange: { webhookLookup: lookup, webhookBackoffMs: [60_000], webhookTimeoutMs: 2000 }, config: { WEBHOOK_ALLOWED_HOSTS: 'receiver.test' } });
    reg = await t.officer('reg.webhooks', ['registrar'], null);
    insurer = await t.partner({ member: 'Bảo hiểm Tiền Phong', kind: 'insurer' });
    await t.grant(insurer.systemId, { service: 'event_subscription', fields: ['residence.current_changed'], purposes: ['social_security'], basis: PROVISION });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    port = (receiver.address() as AddressInfo).port;
    dnsTable.set('hooks.insurer.test', ['93.184.216.34']);
  });
  after(async () => { await t.close(); await new Promise<void>((r) => receiver.close(() => r())); });

  test('each class of non-public address is refused at subscription time: 400 naming url, in Vietnamese and English', async () => {
    dnsTable.set('intranet.insurer.test', ['10.20.30.40']);
    dnsTable.set('split.insurer.test', ['93.184.216.34', '192.168.0.9']);
    const refused: Array<[string, string, RegExp]> = [
      ['https://127.0.0.1/hook', 'address_loopback', /127\.0\.0\.1 is a loopback address/],
      ['https://[::1]/hook', 'address_loopback', /::1 is a loopback address/],
      ['https://2130706433/hook', 'address_loopback', /127\.0\.0\.1/],
      ['https://10.0.0.8/hook', 'address_private', /RFC 1918/],
      ['https://172.16.5.4/hook', 'address_private', /RFC 1918/],
      ['https://192.168.1.10/hook', 'address_private', /RFC 1918/],
      ['https://intranet.insurer.test/hook', 'address_private', /intranet\.insurer\.test resolves to 10\.20\.30\.40, a private address/],
      ['https://split.insurer.test/hook', 'address_private', /resolves to 192\.168\.0\.9/],
      ['https://100.64.0.1/hook', 'address_cgnat', /carrier-grade NAT/],
      ['https://169.254.169.254/latest/meta-data/', 'address_link_local', /169\.254\.169\.254 is a link-local address/],
      ['https://[fe80::1]/hook', 'address_link_local', /link-local/],
      ['https://[fd12:3456::1]/hook', 'address_unique_local', /unique local/],
      ['https://224.0.0.251/hook', 'address_multicast', /multicast/],
      ['https://[ff02::1]/hook', 'address_multicast', /multicast/],
      ['https://0.0.0.0/hook', 'address_unspecified', /unspecified/],
      ['https://[::]/hook', 'address_unspecified', /unspecified/],
      ['https://[::ffff:127.0.0.1]/hook', 'address_loopback', /loopback/],
      ['https://[::ffff:a9fe:a9fe]/hook', 'address_link_local', /link-local/],
      ['https://[::ffff:10.1.2.3]/hook', 'address_private', /RFC 1918/],
      ['http://hooks.insurer.test/hook', 'not_https', /must be https/],
      ['https://nowhere.insurer.test/hook', 'unresolvable', /does not resolve/],
      ['https://user:secret@hooks.insurer.test/hook', 'credentials', /credentials/],
    ];
    for (const [url, code, en] of refused) {
      const p = problem(await subscribe(url), 400, 'EXCHANGE_WEBHOOK_URL_INVALID');
      assert.deepEqual(p.errors.map((e: any) => [e.field, e.code]), [['url', code]], url);
      assert.match(p.messages.en, en, url);
      assert.ok(p.messages.vi && p.messages.vi !== p.messages.en && p.errors[0].messages.vi, url);
    }
    assert.equal((await insurer.call('GET', '/api/v1/exchange/subscriptions')).json.items.length, 0);
    const ok = await subscribe('https://hooks.insurer.test/open06');
    assert.equal(ok.status, 201, ok.text);
  });

  test('checked again at delivery time: a host that now resolves to loopback is not contacted', async () => {
    dnsTable.set('rebind.insurer.test', ['93.184.216.34']);
    const sub = await subscribe(`https://rebind.insurer.test:${port}/hook`);
    assert.equal(sub.status, 201, sub.text);
    const person = await resident(t.baseUrl, reg, { fullName: 'Kiều Văn Lộc', sex: 'male', birthDate: '1979-09-09' });
    assert.equal((await insurer.call('POST', `/api/v1/exchange/subscriptions/${sub.json.id}/people`, { add: [person] })).status, 200);
    dnsTable.set('rebind.insurer.test', ['127.0.0.1']);
    await move(person);
    const [d] = await deliver(sub.json.id);
    assert.ok(d, 'no delivery');
    assert.equal(d.status, 'pending');
    assert.equal(d.attempts, 1);
    assert.match(d.lastError, /rebind\.insurer\.test resolves to 127\.0\.0\.1, a loopback address/);
    assert.equal(received.length, 0);
  });

  test('a listed host may use http and a loopback address; the delivery connects to the address our resolver gave', async () => {
    // The system resolver does not know receiver.test: reaching the receiver proves the address was pinned.
    dnsTable.set('receiver.test', ['127.0.0.1']);
    const sub = await subscribe(`http://receiver.test:${port}/hook`);
    assert.equal(sub.status, 201, sub.text);
    const person = await resident(t.baseUrl, reg, { fullName: 'Lò Thị Mai', sex: 'female', birthDate: '1985-05-15' });
    await insurer.call('POST', `/api/v1/exchange/subscriptions/${sub.json.id}/people`, { add: [person] });
    await move(person);
    const [d] = await deliver(sub.json.id);
    assert.equal(d.status, 'delivered', JSON.stringify(d));
    assert.equal(received.length, 1);
    assert.equal(received[0]!.host, `receiver.test:${port}`);
    assert.equal(received[0]!.body.split('.').length, 3);
    // Another host on the same loopback address is not listed.
    dnsTable.set('other.test', ['127.0.0.1']);
    problem(await subscribe(`https://other.test:${port}/hook`), 400, 'EXCHANGE_WEBHOOK_URL_INVALID');
  });
});
