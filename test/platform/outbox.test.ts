import { test } from 'node:test';
import { sql } from 'kysely';
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

test('outbox: a consumer of a rare topic gets only its topic, and its cursor moves past the others', async () => {
  const p = await testPlatform();
  try {
    await p.db.transaction().execute((trx) => publish(trx, Array.from({ length: 25 }, (_, i) => ({ topic: i === 7 ? 'person.deceased' : 'residence.current_changed', key: String(i), payload: { n: i } }))));
    await p.db.transaction().execute((trx) => publish(trx, [{ topic: 'residence.current_changed', key: 'last', payload: { n: 25 } }]));
    await outboxSettled(p.db);
    const seen: Array<[string, number]> = [];
    // Scan 10 events at a time: three rounds cover the 26 events.
    let rounds = 0;
    while (await consumeOnce(p.db, 'rare', ['person.deceased'], async (e) => { seen.push([e.topic, e.payload.n as number]); }, 10)) rounds++;
    assert.deepEqual(seen, [['person.deceased', 7]]);
    assert.equal(rounds, 3);
    const cursor = await p.db.selectFrom('platform.outbox_consumer').select(['last_id', 'processed']).where('name', '=', 'rare').executeTakeFirstOrThrow();
    const newest = (await sql<{ id: number }>`select max(id) as id from platform.outbox`.execute(p.db)).rows[0]!;
    assert.equal(Number(cursor.last_id), Number(newest.id), 'the cursor stands on the newest event, not on the last one handled');
    assert.equal(Number(cursor.processed), 1);
  } finally {
    await p.close();
  }
});
