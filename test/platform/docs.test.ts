import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { TOPIC } from '../../src/registry/index.ts';
import { CARD_TOPIC } from '../../src/cards/index.ts';
import { IDENTITY_TOPIC } from '../../src/identity/accounts/index.ts';
import { errorCatalogue } from '../../src/platform/http/errors.ts';
import '../../src/modules.ts';

test('every outbox topic is documented in docs/events.md', () => {
  const doc = fs.readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
  for (const topic of new Set([...Object.values(TOPIC), ...Object.values(CARD_TOPIC), ...Object.values(IDENTITY_TOPIC)])) assert.ok(doc.includes(`\`${topic}\``), `${topic} missing from docs/events.md`);
});

test('every error code has a status and non-empty, distinct Vietnamese and English messages', () => {
  assert.ok(errorCatalogue().size > 30);
  for (const [code, d] of errorCatalogue()) {
    assert.ok(d.status >= 400 && d.status < 600, code);
    assert.ok(d.vi.trim() && d.en.trim() && d.vi !== d.en, code);
    const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    assert.deepEqual(params(d.vi), params(d.en), `${code}: the two messages take the same parameters`);
  }
});
