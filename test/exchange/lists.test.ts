/**
 * The exchange's lists page on the server: members, systems and grants (admin), bulk jobs and
 * webhook deliveries (the partner API and the partner console), and the citizen's access history.
 * Each takes `limit`, `offset` and a whitelisted `sort` (`-column` descending) and answers
 * `{ items, offset, limit, hasMore }`; filters narrow the list; a bad sort or limit is a 400
 * naming the field. The access history's CSV covers every filtered row, not one page.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { consoleTestServer, type ConsoleTestServer } from '../harness/staff.ts';
import { call, partnerKeys, problem, PROVISION, type H, type Partner, type Res } from '../harness/partner.ts';

const CSV = 'idNumber,fullName,birthDate\n001090000001,Nguyễn Văn Một,1990-01-01\n';

describe('exchange: paged, sorted and filtered lists', () => {
  let t: ConsoleTestServer;
  const admin = (path: string) => call(t.baseUrl, 'GET', `/api/v1/exchange/admin${path}`, undefined, t.admin);
  const ok = (r: Res) => { assert.equal(r.status, 200, r.text); return r.json; };
  /** A 400 naming the query-string field. */
  const badField = (r: Res, field: string) => {
    const p = problem(r, 400, 'VALIDATION_FAILED');
    assert.deepEqual(p.errors.map((e: any) => e.field), [field], r.text);
  };

  before(async () => { t = await consoleTestServer(); });
  after(async () => { await t?.close(); });

  test('members: pages in Vietnamese name order (Đ after D), filters by kind, status and name without diacritics, counts systems', async () => {
    const names = ['Zeta Danh Sách', 'Đông Á Danh Sách', 'Ánh Dương Danh Sách', 'Dầu Khí Danh Sách', 'Bảo Việt Danh Sách'];
    const ids: Record<string, string> = {};
    for (const [i, name] of names.entries()) {
      const r = await call(t.baseUrl, 'POST', '/api/v1/exchange/admin/members', { name, kind: i === 1 ? 'hospital' : 'bank', code: `DS-${i}` }, t.admin);
      assert.equal(r.status, 201, r.text);
      ids[name] = r.json.id;
    }
    const q = 'q=danh%20sach';
    // Default order: as registered (the list's order before paging).
    assert.deepEqual(ok(await admin(`/members?${q}`)).items.map((m: any) => m.name), names);

    const pages = [];
    for (let offset = 0; ; offset += 2) {
      const page = ok(await admin(`/members?${q}&sort=name&limit=2&offset=${offset}`));
      assert.deepEqual([page.offset, page.limit], [offset, 2]);
      pages.push(page.items.map((m: any) => m.name));
      if (!page.hasMore) break;
    }
    assert.deepEqual(pages, [['Ánh Dương Danh Sách', 'Bảo Việt Danh Sách'], ['Dầu Khí Danh Sách', 'Đông Á Danh Sách'], ['Zeta Danh Sách']]);
    assert.deepEqual(ok(await admin(`/members?${q}&sort=-name&limit=3`)).items.map((m: any) => m.name), ['Zeta Danh Sách', 'Đông Á Danh Sách', 'Dầu Khí Danh Sách']);

    assert.deepEqual(ok(await admin('/members?q=dong%20a')).items.map((m: any) => m.name), ['Đông Á Danh Sách'], 'without diacritics');
    assert.deepEqual(ok(await admin('/members?q=VIỆT')).items.map((m: any) => m.name), ['Bảo Việt Danh Sách']);
    assert.deepEqual(ok(await admin(`/members?q=ds-4`)).items.map((m: any) => m.name), ['Bảo Việt Danh Sách'], 'by code');
    assert.deepEqual(ok(await admin(`/members?${q}&kind=hospital`)).items.map((m: any) => m.name), ['Đông Á Danh Sách']);
    assert.equal(ok(await admin('/members?q=%25')).items.length, 0, 'a % in the name filter is a character, not a wildcard');

    await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${ids['Dầu Khí Danh Sách']}/suspend`, { reason: 'thử' }, t.admin);
    assert.deepEqual(ok(await admin(`/members?${q}&status=suspended`)).items.map((m: any) => m.name), ['Dầu Khí Danh Sách']);
    assert.equal(ok(await admin(`/members?${q}&status=active`)).items.length, 4);

    // Systems counted per member: two registered, one disabled.
    const member = ids['Ánh Dương Danh Sách']!;
    for (const name of ['Hệ thống Một', 'Hệ thống Hai']) {
      const r = await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${member}/systems`, { name, jwks: { keys: [(await partnerKeys()).publicJwk] } }, t.admin);
      assert.equal(r.status, 201, r.text);
      if (name === 'Hệ thống Hai') await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/systems/${r.json.id}/disable`, undefined, t.admin);
    }
    const bySystems = ok(await admin(`/members?${q}&sort=-systems`)).items[0];
    assert.deepEqual([bySystems.name, bySystems.systemCount, bySystems.activeSystemCount], ['Ánh Dương Danh Sách', 2, 1]);

    badField(await admin('/members?sort=password'), 'sort');
    badField(await admin('/members?limit=0'), 'limit');
    badField(await admin('/members?limit=201'), 'limit');
    badField(await admin('/members?offset=-1'), 'offset');
    badField(await admin('/members?kind=bakery'), 'kind');
    const messages = problem(await admin('/members?sort=name,kind'), 400, 'VALIDATION_FAILED').errors[0].messages;
    assert.match(messages.en, /one of: name, -name, kind/);
    assert.match(messages.vi, /một trong: name, -name, kind/);
  });

  test('systems: by member, status and name, sorted; one system by its id', async () => {
    const a = await t.partner({ member: 'Ngân hàng Hệ Thống', system: 'Cổng eKYC' });
    const keys = await partnerKeys();
    const b = await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${a.memberId}/systems`, { name: 'Ứng dụng di động', ratePerSecond: 500, jwks: { keys: [keys.publicJwk] } }, t.admin);
    const c = await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${a.memberId}/systems`, { name: 'Báo cáo', ratePerSecond: 5, jwks: { keys: [(await partnerKeys()).publicJwk] } }, t.admin);
    await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/systems/${c.json.id}/disable`, undefined, t.admin);
    const of = `/systems?memberId=${a.memberId}`;
    assert.deepEqual(ok(await admin(of)).items.map((s: any) => s.name), ['Cổng eKYC', 'Ứng dụng di động', 'Báo cáo']);
    assert.deepEqual(ok(await admin(`${of}&sort=name`)).items.map((s: any) => s.name), ['Báo cáo', 'Cổng eKYC', 'Ứng dụng di động']);
    const page = ok(await admin(`${of}&sort=-ratePerSecond&limit=1&offset=1`));
    assert.deepEqual([page.items.map((s: any) => s.name), page.hasMore], [['Cổng eKYC'], true]);
    assert.deepEqual(ok(await admin(`${of}&status=disabled`)).items.map((s: any) => s.id), [c.json.id]);
    assert.deepEqual(ok(await admin(`/systems?q=ung%20dung%20di`)).items.map((s: any) => s.id), [b.json.id]);

    const one = ok(await admin(`/systems/${b.json.id}`));
    assert.deepEqual([one.name, one.memberId, one.clientId, one.ratePerSecond], ['Ứng dụng di động', a.memberId, b.json.clientId, 500]);
    problem(await admin('/systems/s_0000000000000000'), 404, 'EXCHANGE_SYSTEM_NOT_FOUND');
    badField(await admin(`${of}&sort=-memberId`), 'sort');
    badField(await admin('/systems?memberId=bank'), 'memberId');
  });

  test('grants: in force or not, by service, sorted by state and validity, paged', async () => {
    const p = await t.partner({ member: 'Ngân hàng Quyền', system: 'Hệ thống quyền' });
    const current = await t.grant(p.systemId, { service: 'identity_verification', fields: ['fullName'], purposes: ['account_opening'], basis: PROVISION, validFrom: '2020-01-01', validUntil: '2098-12-31' });
    const expired = await t.grant(p.systemId, { service: 'person_data', fields: ['fullName'], purposes: ['account_opening'], basis: PROVISION, validFrom: '2020-01-01', validUntil: '2021-12-31' });
    const future = await t.grant(p.systemId, { service: 'card_status', fields: ['card.status'], purposes: ['account_opening'], basis: PROVISION, validFrom: '2098-01-01', validUntil: '2099-12-31' });
    const revoked = await t.grant(p.systemId, { service: 'identity_verification', fields: ['birthDate'], purposes: ['account_opening'], basis: PROVISION, validFrom: '2020-01-01', validUntil: '2099-12-31' });
    assert.equal((await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/grants/${revoked}/revoke`, undefined, t.admin)).status, 200);
    const of = `/systems/${p.systemId}/grants`;
    const ids = async (qs: string) => ok(await admin(`${of}${qs}`)).items.map((g: any) => g.id);

    assert.deepEqual(await ids(''), [current, expired, future, revoked], 'by id, as before');
    assert.deepEqual(await ids('?active=true'), [current]);
    assert.deepEqual(await ids('?active=false'), [expired, future, revoked]);
    assert.deepEqual(await ids('?service=identity_verification'), [current, revoked]);
    assert.deepEqual(await ids('?sort=state'), [current, future, expired, revoked]);
    assert.deepEqual(await ids('?sort=-validUntil'), [revoked, future, current, expired]);
    const second = ok(await admin(`${of}?sort=-id&limit=3&offset=3`));
    assert.deepEqual([second.items.map((g: any) => g.id), second.hasMore], [[current], false]);
    problem(await admin('/systems/s_0000000000000000/grants'), 404, 'EXCHANGE_SYSTEM_NOT_FOUND');
    badField(await admin(`${of}?active=maybe`), 'active');
    badField(await admin(`${of}?sort=provision`), 'sort');
    badField(await admin(`${of}?service=karaoke`), 'service');
  });

  test('bulk jobs: the system\'s own (partner API) and a member\'s across its systems (console), newest first, by status, paged', async () => {
    const p = await t.partner({ member: 'Ngân hàng Lô', system: 'Lô một' });
    const keys = await partnerKeys();
    const s2 = await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${p.memberId}/systems`, { name: 'Lô hai', jwks: { keys: [keys.publicJwk] } }, t.admin);
    const grant = { service: 'bulk_verification', fields: ['fullName', 'birthDate'], purposes: ['customer_due_diligence'], basis: PROVISION };
    await t.grant(p.systemId, grant);
    await t.grant(s2.json.id, grant);
    const manager = await t.citizen('Hoàng Thị Lô', '1987-04-04', '0912000201');
    assert.equal((await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${p.memberId}/staff`, { idNumber: manager.idNumber, role: 'manager' }, t.admin)).status, 201);
    const console = `/api/v1/partner/members/${p.memberId}`;
    const start = async (systemId: string) => {
      const res = await fetch(`${t.baseUrl}${console}/systems/${systemId}/bulk-jobs?purpose=customer_due_diligence`, { method: 'POST', headers: { ...manager.headers, 'content-type': 'text/csv' }, body: CSV });
      assert.equal(res.status, 202, await res.clone().text());
      return ((await res.json()) as { id: string }).id;
    };
    // Oldest first: one, two (system 2), three, four (system 2).
    const jobs = [await start(p.systemId), await start(s2.json.id), await start(p.systemId), await start(s2.json.id)];
    assert.equal((await call(t.baseUrl, 'POST', `${console}/bulk-jobs/${jobs[2]}/cancel`, undefined, manager.headers)).status, 200);

    // The partner API: one system's jobs.
    const own = async (qs: string) => ok(await p.call('GET', `/api/v1/exchange/bulk-jobs${qs}`));
    const first = await own('?limit=1');
    assert.deepEqual([first.items.map((j: any) => j.id), first.hasMore, first.limit, first.offset], [[jobs[2]], true, 1, 0]);
    assert.deepEqual((await own('?limit=1&offset=1')).items.map((j: any) => j.id), [jobs[0]]);
    assert.equal((await own('?limit=1&offset=1')).hasMore, false);
    assert.deepEqual((await own('?sort=createdAt')).items.map((j: any) => j.id), [jobs[0], jobs[2]]);
    assert.deepEqual((await own('?status=cancelled')).items.map((j: any) => j.id), [jobs[2]]);
    badField(await p.call('GET', '/api/v1/exchange/bulk-jobs?sort=purpose'), 'sort');
    badField(await p.call('GET', '/api/v1/exchange/bulk-jobs?status=lost'), 'status');

    // The console: every system of the member, merged.
    const list = async (qs: string) => ok(await call(t.baseUrl, 'GET', `${console}/bulk-jobs${qs}`, undefined, manager.headers));
    const pageOne = await list('?limit=3');
    assert.deepEqual([pageOne.items.map((j: any) => j.id), pageOne.hasMore], [[jobs[3], jobs[2], jobs[1]], true]);
    assert.deepEqual(pageOne.items.map((j: any) => j.systemName), ['Lô hai', 'Lô một', 'Lô hai']);
    const pageTwo = await list('?limit=3&offset=3');
    assert.deepEqual([pageTwo.items.map((j: any) => j.id), pageTwo.hasMore], [[jobs[0]], false]);
    assert.deepEqual((await list('?sort=createdAt&limit=2')).items.map((j: any) => j.id), [jobs[0], jobs[1]]);
    assert.deepEqual((await list('?status=queued&sort=-createdAt')).items.map((j: any) => j.id), [jobs[3], jobs[1], jobs[0]]);
    assert.deepEqual((await list(`?systemId=${s2.json.id}`)).items.map((j: any) => j.id), [jobs[3], jobs[1]]);
    assert.deepEqual((await list('?sort=status&limit=1')).items.map((j: any) => j.status), ['cancelled']);
    badField(await call(t.baseUrl, 'GET', `${console}/bulk-jobs?limit=abc`, undefined, manager.headers), 'limit');
    badField(await call(t.baseUrl, 'GET', `${console}/bulk-jobs?sort=-systemName`, undefined, manager.headers), 'sort');
    const other = await t.partner({ member: 'Ngân hàng Người Khác' });
    problem(await call(t.baseUrl, 'GET', `${console}/bulk-jobs?systemId=${other.systemId}`, undefined, manager.headers), 404, 'PARTNER_SYSTEM_NOT_OF_MEMBER');
  });

  test('deliveries: newest first or by when the event occurred, by status, paged; the console merges the member\'s systems and masks ID numbers', async () => {
    const p = await t.partner({ member: 'Bảo hiểm Sự Kiện', kind: 'insurer', system: 'Nhận sự kiện một' });
    const s2 = await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${p.memberId}/systems`, { name: 'Nhận sự kiện hai', jwks: { keys: [(await partnerKeys()).publicJwk] } }, t.admin);
    const db = t.platform.db;
    const subscription = async (systemId: string) => (await sql<{ id: string }>`
      insert into exchange.subscription (system_id, grant_id, purpose, topics, url) values (${systemId}, 1, 'social_security', ${['person.deceased']}::text[], 'https://hooks.example/open06')
      returning id`.execute(db)).rows[0]!.id;
    const subs = { one: await subscription(p.systemId), two: await subscription(s2.json.id) };
    // Five deliveries: created a minute apart, the events having occurred in the reverse order.
    const rows = [
      { sub: subs.one, system: p.systemId, status: 'delivered', idNumber: '001090000011' },
      { sub: subs.two, system: s2.json.id, status: 'failed', idNumber: '001090000012' },
      { sub: subs.one, system: p.systemId, status: 'failed', idNumber: '001090000013' },
      { sub: subs.two, system: s2.json.id, status: 'pending', idNumber: '001090000014' },
      { sub: subs.one, system: p.systemId, status: 'pending', idNumber: '001090000015' },
    ];
    const ids: string[] = [];
    for (const [i, r] of rows.entries()) {
      const created = new Date(Date.UTC(2026, 0, 1, 10, i));
      const occurred = new Date(Date.UTC(2026, 0, 1, 9, 10 - i));
      ids.push((await sql<{ id: string }>`
        insert into exchange.delivery (subscription_id, system_id, outbox_id, topic, id_number, occurred_at, status, attempts, created_at)
        values (${r.sub}::uuid, ${r.system}, ${1000 + i}, 'person.deceased', ${r.idNumber}, ${occurred}, ${r.status}, 1, ${created}) returning id`.execute(db)).rows[0]!.id);
    }
    const own = async (qs: string) => ok(await p.call('GET', `/api/v1/exchange/deliveries${qs}`));
    const first = await own('?limit=2');
    assert.deepEqual([first.items.map((d: any) => d.id), first.hasMore], [[ids[4], ids[2]], true]);
    assert.deepEqual((await own('?limit=2&offset=2')).items.map((d: any) => d.id), [ids[0]]);
    assert.deepEqual((await own('?sort=occurredAt')).items.map((d: any) => d.id), [ids[4], ids[2], ids[0]]);
    assert.deepEqual((await own('?status=failed')).items.map((d: any) => d.id), [ids[2]]);
    assert.deepEqual((await own(`?subscriptionId=${subs.one}&sort=createdAt&limit=1`)).items.map((d: any) => d.id), [ids[0]]);
    assert.equal((await own('')).items[0].idNumber, '001090000015', 'the system sees whom it follows');
    badField(await p.call('GET', '/api/v1/exchange/deliveries?sort=attempts'), 'sort');
    badField(await p.call('GET', '/api/v1/exchange/deliveries?limit=1001'), 'limit');

    const viewer = await t.citizen('Lý Thị Sự Kiện', '1983-05-05', '0912000301');
    assert.equal((await call(t.baseUrl, 'POST', `/api/v1/exchange/admin/members/${p.memberId}/staff`, { idNumber: viewer.idNumber, role: 'viewer' }, t.admin)).status, 201);
    const list = async (qs: string) => ok(await call(t.baseUrl, 'GET', `/api/v1/partner/members/${p.memberId}/deliveries${qs}`, undefined, viewer.headers));
    const pageOne = await list('?limit=3');
    assert.deepEqual([pageOne.items.map((d: any) => d.id), pageOne.hasMore], [[ids[4], ids[3], ids[2]], true]);
    assert.deepEqual(pageOne.items.map((d: any) => [d.systemName, d.idNumber]), [['Nhận sự kiện một', '001******015'], ['Nhận sự kiện hai', '001******014'], ['Nhận sự kiện một', '001******013']]);
    assert.deepEqual((await list('?limit=3&offset=3')).items.map((d: any) => d.id), [ids[1], ids[0]]);
    assert.deepEqual((await list('?sort=-occurredAt&limit=2')).items.map((d: any) => d.id), [ids[0], ids[1]]);
    assert.deepEqual((await list('?status=failed')).items.map((d: any) => d.id), [ids[2], ids[1]]);
    assert.deepEqual((await list(`?systemId=${s2.json.id}`)).items.map((d: any) => d.id), [ids[3], ids[1]]);
    badField(await call(t.baseUrl, 'GET', `/api/v1/partner/members/${p.memberId}/deliveries?status=lost`, undefined, viewer.headers), 'status');
  });

  test('the access history: a page at a time, sorted by time or organisation, filtered; the CSV has every filtered access', async () => {
    const citizen = await t.citizen('Trịnh Thị Truy Cập', '1994-06-06', '0912000401');
    const verifier = async (member: string) => {
      const p = await t.partner({ member });
      await t.grant(p.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['account_opening'], basis: PROVISION });
      return p;
    };
    const bank = await verifier('Ngân hàng Truy Cập');
    const wallet = await verifier('Ví điện tử Truy Cập');
    const verify = async (p: Partner) => assert.equal((await p.call('POST', '/api/v1/exchange/verify', { idNumber: citizen.idNumber, purpose: 'account_opening', fullName: 'Trịnh Thị Truy Cập' })).status, 200);
    for (const p of [bank, wallet, bank, wallet, bank]) await verify(p);
    await t.platform.audit.idle();
    const log = async (qs: string, h: H = citizen.headers) => call(t.baseUrl, 'GET', `/api/v1/exchange/me/access-log${qs}`, undefined, h);
    const partnerOnly = '?actorKind=partner';

    const all = ok(await log(`${partnerOnly}&limit=100`));
    assert.equal(all.items.length, 5);
    assert.equal(all.hasMore, false);
    const times = all.items.map((i: any) => i.at);
    assert.deepEqual(times, [...times].sort().reverse(), 'newest first');

    const seen: string[] = [];
    for (let offset = 0; offset < 6; offset += 2) {
      const page = ok(await log(`${partnerOnly}&limit=2&offset=${offset}`));
      assert.deepEqual([page.offset, page.limit, page.hasMore], [offset, 2, offset + 2 < 5]);
      seen.push(...page.items.map((i: any) => i.ref));
    }
    assert.deepEqual(seen, all.items.map((i: any) => i.ref), 'the pages are the list, in order, without repeats');
    assert.deepEqual(ok(await log(`${partnerOnly}&sort=at&limit=100`)).items.map((i: any) => i.ref), [...seen].reverse());
    const byOrganisation = ok(await log(`${partnerOnly}&sort=organisation&limit=100`)).items.map((i: any) => i.who.name);
    assert.deepEqual(byOrganisation, ['Ngân hàng Truy Cập', 'Ngân hàng Truy Cập', 'Ngân hàng Truy Cập', 'Ví điện tử Truy Cập', 'Ví điện tử Truy Cập']);
    assert.deepEqual(ok(await log(`${partnerOnly}&sort=-organisation&limit=1`)).items.map((i: any) => i.who.name), ['Ví điện tử Truy Cập']);
    const walletOnly = ok(await log(`?memberId=${wallet.memberId}&limit=100`));
    assert.deepEqual(walletOnly.items.map((i: any) => i.who.memberId), [wallet.memberId, wallet.memberId]);
    assert.equal(ok(await log(`?service=person_data&limit=100`)).items.length, 0);
    assert.equal(ok(await log(`?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).items.length, 0);

    // The CSV: every access the filters select, whatever the page size asked.
    const csv = await fetch(`${t.baseUrl}/api/v1/exchange/me/access-log${partnerOnly}&format=csv&limit=1`, { headers: citizen.headers });
    assert.equal(csv.status, 200);
    const lines = (await csv.text()).trim().split('\n');
    assert.equal(lines.length, 1 + 5);
    assert.deepEqual(lines.slice(1).map((l) => l.split(',').at(-1)), seen.map((ref) => `audit:${ref}`));

    badField(await log('?sort=who'), 'sort');
    badField(await log('?limit=5001'), 'limit');
    badField(await log(`?offset=${randomUUID()}`), 'offset');
  });
});
