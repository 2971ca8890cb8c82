import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testPlatform } from '../harness/platform.ts';
import { Heartbeat } from '../../src/platform/heartbeat.ts';
import { RateLimiter } from '../../src/exchange/quota.ts';

test('heartbeat: processes on one database count each other; one that stops drops out', async () => {
  const p = await testPlatform();
  const a = new Heartbeat(p.db, 60_000); // beats only when the test calls beat()
  const b = new Heartbeat(p.db, 60_000); // beats only when the test calls beat()
  try {
    await p.heartbeat.stop(); // the platform's own beat is not part of this count
    assert.equal(a.live(), 1, 'one process (itself) before the first beat');
    assert.equal(await a.beat(), 1);
    assert.equal(await b.beat(), 2);
    assert.equal(await a.beat(), 2);
    await b.stop();
    assert.equal(await a.beat(), 1);
  } finally {
    await a.stop();
    await p.close();
  }
});

test('rate limit: each of two processes holds half of a system\'s rate', () => {
  let now = 1_000_000;
  const limiter = new RateLimiter(() => now, () => 2);
  for (let i = 0; i < 5; i++) limiter.hit('sys', 'Hệ thống A', 10);
  assert.throws(() => limiter.hit('sys', 'Hệ thống A', 10), (e: any) => e.code === 'EXCHANGE_RATE_LIMITED');
  now += 200; // 0.2 s at 5 per second: one more token
  limiter.hit('sys', 'Hệ thống A', 10);
  assert.throws(() => limiter.hit('sys', 'Hệ thống A', 10), (e: any) => e.code === 'EXCHANGE_RATE_LIMITED');
  const alone = new RateLimiter(() => now, () => 1);
  for (let i = 0; i < 10; i++) alone.hit('sys', 'Hệ thống A', 10);
  assert.throws(() => alone.hit('sys', 'Hệ thống A', 10), (e: any) => e.code === 'EXCHANGE_RATE_LIMITED');
});
