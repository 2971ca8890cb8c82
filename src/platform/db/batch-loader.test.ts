import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchLoader } from './batch-loader.ts';

test('batch loader: the keys asked for in one turn are fetched together, once each; later turns fetch again', async () => {
  const calls: string[][] = [];
  const loader = new BatchLoader<string, number>(async (keys) => {
    calls.push(keys);
    return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length]));
  }, 2);
  const got = await Promise.all(['a', 'bb', 'a', 'ccc', 'missing'].map((k) => loader.load(k)));
  assert.deepEqual(got, [1, 2, 1, 3, undefined]);
  assert.deepEqual(calls, [['a', 'bb'], ['ccc', 'missing']], 'one key once, at most two keys per fetch');
  assert.equal(await loader.load('dddd'), 4);
  assert.deepEqual(calls.at(-1), ['dddd']);
});

test('batch loader: a failed fetch rejects every caller of its keys, and only those', async () => {
  const loader = new BatchLoader<string, string>(async (keys) => {
    if (keys.includes('bad')) throw new Error('database gone');
    return new Map(keys.map((k) => [k, k.toUpperCase()]));
  }, 1);
  const results = await Promise.allSettled([loader.load('bad'), loader.load('bad'), loader.load('ok')]);
  assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected', 'fulfilled']);
  assert.equal((results[0] as PromiseRejectedResult).reason.message, 'database gone');
  assert.equal((results[2] as PromiseFulfilledResult<string>).value, 'OK');
});
