import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, ConfigError } from '../../src/config.ts';

test('defaults: embedded database, Vietnamese demo on port 8060', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 8060);
  assert.equal(c.DATABASE_URL, undefined);
  assert.equal(c.PUBLIC_BASE_URL, 'http://127.0.0.1:8060');
  assert.ok(c.DATA_DIR.endsWith('/data/pg'));
});

const bad: Array<[Record<string, string>, RegExp]> = [
  [{ PORT: 'eighty' }, /PORT="eighty": expected a whole number/],
  [{ PORT: '70000' }, /PORT=70000/],
  [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
  [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
  [{ PUBLIC_BASE_URL: 'ftp://x' }, /PUBLIC_BASE_URL/],
  [{ COOKIE_SECURE: 'maybe' }, /COOKIE_SECURE="maybe": expected true or false/],
];
for (const [env, msg] of bad) {
  test(`rejects ${JSON.stringify(env)} naming the variable`, () => {
    assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && msg.test(e.message));
  });
}

test('every problem in one message', () => {
  assert.throws(() => loadConfig({ PORT: 'x', LOG_LEVEL: 'y' }), (e: unknown) => e instanceof ConfigError && e.problems.length === 2);
});
