import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testPlatform } from '../harness/platform.ts';
import { ensureDemo, DEMO_PASSWORD } from '../../src/seed.ts';
import { identityAccountsServices } from '../../src/identity/accounts/accounts.routes.ts';

test('the first start makes a synthetic demo citizen with an eID account, once', async () => {
  const p = await testPlatform();
  try {
    const first = await ensureDemo(p, { seedPeople: 300, log: () => undefined });
    const line = first.lines.find((l) => l.startsWith('Demo citizen:'));
    assert.ok(line, first.lines.join('\n'));
    const idNumber = /(\d{12})/.exec(line!)![1]!;
    const { accounts } = identityAccountsServices(p);
    const { account } = await accounts.authenticatePassword({ idNumber, password: DEMO_PASSWORD, ip: '127.0.0.1', userAgent: 'test' });
    assert.equal(account.level, 1);
    assert.equal(account.status, 'active');
    const again = await ensureDemo(p, { seedPeople: 300, log: () => undefined });
    assert.ok(again.lines.some((l) => l.includes(idNumber)), 'the same citizen is shown again, not a second one');
    const { rows } = await p.database.pool.query(`select count(*)::int as n, bool_and(synthetic) as synthetic from identity.account`);
    assert.deepEqual(rows[0], { n: 1, synthetic: true });
  } finally {
    await p.close();
  }
});
