/**
 * Exact daily quotas across platform processes: two platform instances on one database serve one
 * system concurrently until its quota is spent; a dead process's block is settled as used; the Vietnam
 * day boundary starts a fresh quota.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { createPlatform } from '../../src/platform/platform.ts';
import { migrations } from '../../src/modules.ts';
import { fixedClock } from '../../src/platform/clock.ts';
import { exchangeServices } from '../../src/exchange/index.ts';
import { UsageMeter } from '../../src/exchange/quota.ts';
import type { Caller } from '../../src/exchange/entitlements.ts';
import { exchangeTestServer, PROVISION } from '../harness/partner.ts';
import { freePort } from '../harness/server.ts';
import { testPlatform } from '../harness/platform.ts';

const quotaRow = async (db: Kysely<any>, systemId: string) => {
  const { rows } = await sql<{ used: number; reserved: number }>`select coalesce(sum(used), 0)::int as used, coalesce(sum(reserved), 0)::int as reserved from exchange.quota_day where system_id = ${systemId} and service = 'identity_verification'`.execute(db);
  return rows[0]!;
};

const isQuotaRefusal = (e: any) => e?.code === 'EXCHANGE_QUOTA_EXCEEDED';

test('quota: two platform instances on one database serve one system until its quota is spent, exactly', async () => {
  const QUOTA = 500;
  const t = await exchangeTestServer();
  const port = await freePort();
  const other = await createPlatform({ ...t.platform.config, PORT: port }, migrations);
  const y = exchangeServices(other, { usageFlushMs: 0, eventsIntervalMs: 0, runner: { pollMs: 0 }, bulkThread: false });
  try {
    const bank = await t.partner({ member: 'Ngân hàng Hạn Mức', kind: 'bank', ratePerSecond: 1_000_000 });
    await t.grant(bank.systemId, { service: 'identity_verification', fields: ['fullName', 'birthDate'], purposes: ['account_opening'], basis: PROVISION, quotaPerDay: QUOTA });
    const caller: Caller = { kind: 'partner', clientId: bank.clientId, systemId: bank.systemId, memberId: bank.memberId, scopes: ['exchange'], systemName: 'Hệ thống A', memberName: 'Ngân hàng Hạn Mức', ratePerSecond: 1_000_000 };
    await Promise.all([t.platform.heartbeat.beat(), other.heartbeat.beat()]);
    assert.equal(await t.platform.heartbeat.beat(), 2, 'both instances are live');

    // Eight concurrent clients per instance, each calling until refused.
    const accepted = [0, 0];
    const client = async (i: number) => {
      const x = i === 0 ? t.x : y;
      for (;;) {
        try {
          await x.partner.gate(caller, 'identity_verification', 'account_opening', ['fullName'], null);
          accepted[i]!++;
        } catch (e) {
          if (isQuotaRefusal(e)) return;
          throw e;
        }
      }
    };
    await Promise.all([0, 1].flatMap((i) => Array.from({ length: 8 }, () => client(i))));
    const total = accepted[0]! + accepted[1]!;
    assert.ok(accepted[0]! > 0 && accepted[1]! > 0, `both instances served calls: ${accepted.join(' + ')}`);
    await Promise.all([t.x.meter.flush(), y.meter.flush()]);
    const row = await quotaRow(t.platform.db, bank.systemId);
    assert.ok(total <= QUOTA, `never more than the quota: ${total}`);
    assert.equal(row.used, total, 'every accepted call is settled');
    assert.equal(total + row.reserved, QUOTA, 'what was not served is still reserved by a live instance');

    // The second instance stops (giving its block back); the first then serves the rest, to the unit.
    await y.meter.stop();
    await sleep(1100); // the first instance refuses in memory for a second after the database said "spent"
    while (true) {
      try {
        await t.x.partner.gate(caller, 'identity_verification', 'account_opening', ['fullName'], null);
        accepted[0]!++;
      } catch (e) {
        if (isQuotaRefusal(e)) break;
        throw e;
      }
    }
    assert.equal(accepted[0]! + accepted[1]!, QUOTA);
    await t.x.meter.stop();
    assert.deepEqual(await quotaRow(t.platform.db, bank.systemId), { used: QUOTA, reserved: 0 });

    // Over HTTP the spent quota is the usual 429 with Retry-After.
    const r = await bank.call('POST', '/api/v1/exchange/verify', { idNumber: '001099999999', purpose: 'account_opening', fullName: 'Ai Đó', birthDate: '1999-01-01' });
    assert.equal(r.status, 429, r.text);
    assert.ok(Number(r.headers.get('retry-after')) > 0);
  } finally {
    await y.meter.stop().catch(() => undefined);
    await other.close();
    await t.close();
  }
});

test('quota: a dead process\'s block is settled as used, so none of it is served twice', async () => {
  const p = await testPlatform();
  try {
    await p.heartbeat.beat();
    const dead = new UsageMeter(p.db, p.clock, 0, { processId: 'dead-process' });
    const live = new UsageMeter(p.db, p.clock, 0, { processId: p.heartbeat.id });
    await dead.take('sys-r', 'Hệ thống R', 'identity_verification', 10);
    const { rows: before } = await sql<{ units: number }>`select units::int from exchange.quota_reservation where process_id = 'dead-process'`.execute(p.db);
    assert.ok(before[0]!.units > 0, 'the dead process holds a block');

    let served = 0;
    const takeAll = async () => {
      for (;;) {
        try { await live.take('sys-r', 'Hệ thống R', 'identity_verification', 10); served++; } catch (e) { if (isQuotaRefusal(e)) return; throw e; }
      }
    };
    await takeAll();
    assert.equal(served, 10 - before[0]!.units, 'the live process gets what the dead one does not hold');
    // The dead process has no heartbeat and last renewed its block a minute ago (past the 30 s grace).
    await sql`update exchange.quota_reservation set renewed_at = now() - interval '1 minute' where process_id = 'dead-process'`.execute(p.db);
    await sleep(1100); // past the in-memory refusal
    await takeAll();
    assert.equal(served, 10 - before[0]!.units, 'the dead block (of which it served one call) is not served again');
    await live.flush(); // a live process settles dead processes' blocks at its flush
    const { rows: after } = await sql`select 1 from exchange.quota_reservation where process_id = 'dead-process'`.execute(p.db);
    assert.equal(after.length, 0);
    await live.stop();
    assert.deepEqual(await quotaRow(p.db, 'sys-r'), { used: 10, reserved: 0 });
  } finally {
    await p.close();
  }
});

test('quota: the Vietnam day boundary starts a fresh quota; the old day is settled', async () => {
  const clock = fixedClock(new Date('2026-03-10T16:59:58Z')); // 23:59:58 in Vietnam
  const p = await testPlatform({ clock });
  try {
    const meter = new UsageMeter(p.db, clock, 0, { processId: p.heartbeat.id });
    for (let i = 0; i < 3; i++) await meter.take('sys-d', 'Hệ thống D', 'identity_verification', 3);
    let refusal: any = null;
    try { await meter.take('sys-d', 'Hệ thống D', 'identity_verification', 3); } catch (e) { refusal = e; }
    assert.ok(isQuotaRefusal(refusal), String(refusal));
    assert.equal(refusal.headers['retry-after'], '2', 'seconds to the next Vietnam day');
    clock.advance(3000); // 00:00:01 on 11 March
    await meter.take('sys-d', 'Hệ thống D', 'identity_verification', 3);
    await meter.flush();
    const { rows } = await sql<{ day: string; used: number; reserved: number }>`
      select to_char(day, 'YYYY-MM-DD') as day, used::int, reserved::int from exchange.quota_day where system_id = 'sys-d' order by day`.execute(p.db);
    assert.deepEqual(rows.map((r) => ({ ...r })), [
      { day: '2026-03-10', used: 3, reserved: 0 },
      { day: '2026-03-11', used: 1, reserved: rows[1]!.reserved },
    ]);
    assert.equal(await meter.usedToday('sys-d', 'identity_verification'), 1);
    await meter.stop();
    assert.equal((await quotaRow(p.db, 'sys-d')).reserved, 0);
  } finally {
    await p.close();
  }
});
