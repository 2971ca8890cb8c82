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
