import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testPlatform } from '../harness/platform.ts';
import { consumeAll, consumeOnce, publish } from '../../src/platform/events/outbox.ts';
import { outboxSettled } from '../harness/outbox.ts';

test('outbox: events are delivered in commit order, at least once, never lost when a handler fails', async () => {
  const p = await testPlatform();
  try {
    await p.db.transaction().execute((trx) => publish(trx, [{ topic: 'person.deceased', key: 'a', payload: { n: 1 } }, { topic: 'person.registered', key: 'b', payload: { n: 2 } }]));
    // A transaction that rolls back publishes nothing.
    await p.db.transaction().execute(async (trx) => {
      await publish(trx, [{ topic: 'person.deceased', key: 'ghost', payload: { n: 99 } }]);
      throw new Error('rollback');
    }).catch(() => undefined);
    await p.db.transaction().execute((trx) => publish(trx, [{ topic: 'person.deceased', key: 'c', payload: { n: 3 } }]));

    await outboxSettled(p.db);
    const seen: number[] = [];
    let fail = true;
    await assert.rejects(consumeOnce(p.db, 'cards.revoke-on-death', ['person.deceased'], async (e) => {
      if (fail && e.payload.n === 3) throw new Error('crash while handling');
      seen.push(e.payload.n as number);
    }));
    assert.deepEqual(seen, [1], 'the handler ran for the first event before the crash');
    fail = false;
    seen.length = 0;
    await consumeAll(p.db, 'cards.revoke-on-death', ['person.deceased'], async (e) => { seen.push(e.payload.n as number); });
    assert.deepEqual(seen, [1, 3], 'the whole failed batch is redelivered, the rolled-back event never');
    seen.length = 0;
    await consumeAll(p.db, 'cards.revoke-on-death', ['person.deceased'], async (e) => { seen.push(e.payload.n as number); });
    assert.deepEqual(seen, [], 'nothing twice after success');
    const other: string[] = [];
    await consumeAll(p.db, 'exchange.notify', ['*'], async (e) => { other.push(e.topic); });
    assert.deepEqual(other, ['person.deceased', 'person.registered', 'person.deceased'], 'each consumer has its own cursor');
  } finally {
    await p.close();
  }
});
