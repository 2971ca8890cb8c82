import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testPlatform } from '../harness/platform.ts';
import { UsageMeter } from '../../src/exchange/quota.ts';

test('usage meter: a flush asked for while another runs writes what was counted since (nothing is left behind)', async () => {
  const p = await testPlatform();
  try {
    const meter = new UsageMeter(p.db, p.clock, 0);
    meter.record('sys-1', 'identity_verification', { calls: 1, people: 1 });
    const first = meter.flush(); // takes the first count and starts writing it
    meter.record('sys-1', 'identity_verification', { calls: 1, people: 1, refused: 1 });
    await meter.flush();
    const { rows } = await sql<{ calls: number; refused: number }>`select sum(calls)::int as calls, sum(refused)::int as refused from exchange.usage where system_id = 'sys-1'`.execute(p.db);
    assert.deepEqual(rows[0], { calls: 2, refused: 1 });
    await first;
  } finally {
    await p.close();
  }
});

test('usage meter: a flush with nothing to write settles, and so do the flushes after it', async () => {
  const p = await testPlatform();
  try {
    const meter = new UsageMeter(p.db, p.clock, 0);
    const within = (x: Promise<void>) => Promise.race([x.then(() => 'settled'), new Promise((r) => setTimeout(() => r('still waiting'), 2000))]);
    assert.equal(await within(meter.flush()), 'settled');
    assert.equal(await within(meter.flush()), 'settled');
    meter.record('sys-2', 'card_status', { calls: 3 });
    assert.equal(await within(meter.flush()), 'settled');
    const { rows } = await sql<{ calls: number }>`select sum(calls)::int as calls from exchange.usage where system_id = 'sys-2'`.execute(p.db);
    assert.equal(rows[0]!.calls, 3);
  } finally {
    await p.close();
  }
});
