import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskPersonalData, logSerializers } from '../../src/platform/http/log.ts';

const cases: Array<[string, string]> = [
  ['/api/v1/registry/people/001090012345?purpose=x', '/api/v1/registry/people/001*******45?purpose=x'],
  ['old id 123456789 and new 079301000001', 'old id 123*******89 and new 079*******01'],
  ['a year 2026 and a code 00004 stay', 'a year 2026 and a code 00004 stay'],
  ['0010900123456789 (16 digits, not an ID) is left alone', '0010900123456789 (16 digits, not an ID) is left alone'],
];
for (const [input, expected] of cases) {
  test(`masks personal ID numbers: ${input.slice(0, 30)}`, () => assert.equal(maskPersonalData(input), expected));
}

test('the request serializer masks the URL and drops headers', () => {
  const out = logSerializers.req({ method: 'GET', url: '/api/v1/registry/people/001090012345', headers: { authorization: 'Bearer x', cookie: 'y', 'user-agent': 'ua' }, ip: '127.0.0.1' });
  assert.deepEqual(out, { method: 'GET', url: '/api/v1/registry/people/001*******45', ip: '127.0.0.1', ua: 'ua' });
});
