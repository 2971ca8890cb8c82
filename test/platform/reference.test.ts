import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testApp, type TestApp } from '../harness/app.ts';

let t: TestApp;
before(async () => { t = await testApp(); });
after(async () => { await t.close(); });

test('reference data: provinces, communes of a province, name search, old→new conversion', async () => {
  assert.equal((await t.app.inject('/api/v1/units/provinces')).json().items.length, 34);
  const hn = (await t.app.inject('/api/v1/units/provinces/01/communes')).json().items;
  assert.ok(hn.some((c: any) => c.code === '00004' && c.name === 'Phường Ba Đình'));
  assert.equal((await t.app.inject('/api/v1/units/provinces/99/communes')).json().code, 'UNIT_NOT_FOUND');
  const found = (await t.app.inject('/api/v1/units/search?q=ba%20dinh&provinceCode=01')).json().items;
  assert.equal(found[0].code, '00004');
  const conv = (await t.app.inject('/api/v1/units/old-communes/00001/current')).json();
  assert.equal(conv.old.name, 'Phường Phúc Xá');
  assert.equal(conv.current[0].commune.name, 'Phường Hồng Hà');
  assert.equal((await t.app.inject('/api/v1/ethnic-groups')).json().items.length, 55);
});
