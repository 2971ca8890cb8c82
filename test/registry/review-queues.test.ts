/**
 * The review queues page on the server: corrections awaiting approval and births held as probable
 * duplicates take `limit`, `offset` and `sort` (requestedAt, oldest first by default; -requestedAt
 * newest first), answer `{ items, offset, limit, hasMore }`, keep each queue's jurisdiction, and
 * refuse a bad sort or limit with a 400 naming the field.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../harness/app.ts';
import { born, HN, HCM, LEGAL } from '../harness/registry.ts';
import { fixedClock } from '../../src/platform/clock.ts';

type H = Record<string, string>;

describe('registry review queues: paged and sorted', () => {
  let t: TestApp;
  let reg: H;
  let regHcm: H;
  let sup: H;
  let supHcm: H;
  const clock = fixedClock(new Date('2026-11-20T03:00:00Z'));
  const post = (headers: H, url: string, payload: object) => t.app.inject({ method: 'POST', url, headers, payload });
  const page = async (headers: H, url: string) => {
    const r = await t.app.inject({ url, headers });
    assert.equal(r.statusCode, 200, r.body);
    return r.json();
  };
  const badField = async (url: string, field: string) => {
    const r = await t.app.inject({ url, headers: sup });
    assert.equal(r.statusCode, 400, r.body);
    assert.equal(r.json().code, 'VALIDATION_FAILED');
    assert.deepEqual(r.json().errors.map((e: any) => e.field), [field], r.body);
  };

  before(async () => {
    t = await testApp({ clock });
    reg = await t.officer('reg.queue', ['registrar'], '01');
    regHcm = await t.officer('reg.queue.hcm', ['registrar'], '79');
    sup = await t.officer('sup.queue', ['supervisor'], '01');
    supHcm = await t.officer('sup.queue.hcm', ['supervisor'], '79');
  });
  after(async () => { await t?.close(); });

  test('corrections: oldest request first, pages, newest first on request, only the jurisdiction\'s', async () => {
    const ids: number[] = [];
    for (const name of ['Lê Văn Một', 'Lê Văn Hai', 'Lê Văn Ba']) {
      const p = await born(t, reg, { fullName: name, sex: 'male', birthDate: '1980-01-01' });
      clock.advance(60_000);
      const r = await post(reg, `/api/v1/registry/people/${p}/corrections`, { ...LEGAL, reason: 'Sai chính tả', changes: { religion: 'Không' } });
      assert.equal(r.statusCode, 202, r.body);
      ids.push(r.json().correctionId);
    }
    const other = await born(t, regHcm, { fullName: 'Trần Văn Nam', sex: 'male', birthDate: '1980-01-01', at: HCM });
    const hcm = (await post(regHcm, `/api/v1/registry/people/${other}/corrections`, { ...LEGAL, reason: 'x', changes: { religion: 'Không' } })).json().correctionId;

    const first = await page(sup, '/api/v1/registry/corrections?limit=2');
    assert.deepEqual([first.items.map((c: any) => c.id), first.offset, first.limit, first.hasMore], [ids.slice(0, 2), 0, 2, true]);
    assert.ok(first.items[0].requestedAt < first.items[1].requestedAt);
    const second = await page(sup, '/api/v1/registry/corrections?limit=2&offset=2');
    assert.deepEqual([second.items.map((c: any) => c.id), second.hasMore], [[ids[2]], false]);
    assert.deepEqual((await page(sup, '/api/v1/registry/corrections?sort=-requestedAt')).items.map((c: any) => c.id), [...ids].reverse());
    assert.deepEqual((await page(supHcm, '/api/v1/registry/corrections')).items.map((c: any) => c.id), [hcm], 'another province sees only its own');
    assert.equal((await page(reg, '/api/v1/registry/corrections')).items.length, 3, 'registrars read the queue too');

    await badField('/api/v1/registry/corrections?sort=id', 'sort');
    await badField('/api/v1/registry/corrections?limit=0', 'limit');
    await badField('/api/v1/registry/corrections?limit=201', 'limit');
    await badField('/api/v1/registry/corrections?offset=-1', 'offset');
  });

  test('duplicates: oldest held first, pages, newest first on request, only the jurisdiction\'s', async () => {
    const mother = await born(t, reg, { fullName: 'Hồ Thị Thu', sex: 'female', birthDate: '1995-03-03' });
    const body = { ...LEGAL, fullName: 'Ngô Thanh Hoà', sex: 'male', birthDate: '2026-06-06', birthRegistration: HN, motherId: mother };
    assert.equal((await post(reg, '/api/v1/registry/births', body)).statusCode, 201);
    const held: number[] = [];
    for (const fullName of ['Ngô Thanh Hòa', 'Ngô Thanh Hoa', 'Ngô Thạnh Hoà']) {
      clock.advance(60_000);
      const r = await post(reg, '/api/v1/registry/births', { ...body, fullName });
      assert.equal(r.statusCode, 202, r.body);
      held.push(r.json().reviewId);
    }
    const first = await page(sup, '/api/v1/registry/duplicates?limit=2');
    assert.deepEqual([first.items.map((d: any) => d.id), first.offset, first.limit, first.hasMore], [held.slice(0, 2), 0, 2, true]);
    assert.equal(first.items[0].candidateSummaries[0].fullName, 'Ngô Thanh Hoà', 'each item keeps its summaries');
    const second = await page(sup, '/api/v1/registry/duplicates?limit=2&offset=2');
    assert.deepEqual([second.items.map((d: any) => d.id), second.hasMore], [[held[2]], false]);
    assert.deepEqual((await page(sup, '/api/v1/registry/duplicates?sort=-requestedAt&limit=2')).items.map((d: any) => d.id), [held[2], held[1]]);
    assert.deepEqual((await page(supHcm, '/api/v1/registry/duplicates')).items, [], 'another province sees none');

    await badField('/api/v1/registry/duplicates?sort=province', 'sort');
    await badField('/api/v1/registry/duplicates?limit=500', 'limit');
  });
});
