import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixedClock } from '../../src/platform/clock.ts';
import { seededRandom } from '../../src/cards/random.ts';
import { resident, LEGAL } from '../harness/registry.ts';
import { cardsTestApp } from './harness.ts';

test('the plugin runs the person.deceased consumer in the background and stops it on close', async () => {
  const t = await cardsTestApp({ clock: fixedClock(new Date('2026-11-20T03:00:00Z')), random: seededRandom('consumer'), consumerIntervalMs: 20 });
  try {
    const reg = await t.officer('reg', ['registrar'], '01');
    const officer = await t.officer('card', ['card_officer'], '01');
    const p = await resident(t, reg, { fullName: 'Đinh Văn Bốn', sex: 'male', birthDate: '1970-04-04' });
    const issued = await t.app.inject({ method: 'POST', url: `/api/v1/cards/people/${p.idNumber}/cards`, headers: officer, payload: { kind: 'first_issue', legalBasis: 'Luật Căn cước 2023' } });
    assert.equal(issued.statusCode, 201, issued.body);
    const death = await t.app.inject({ method: 'POST', url: `/api/v1/registry/people/${p.idNumber}/death`, headers: reg, payload: { ...LEGAL, deathDate: '2026-11-19' } });
    assert.equal(death.statusCode, 200, death.body);
    let status = '';
    for (let i = 0; i < 250 && status !== 'revoked'; i++) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await t.app.inject({ method: 'GET', url: `/api/v1/cards/people/${p.idNumber}/cards`, headers: officer })).json().cards[0].status;
    }
    assert.equal(status, 'revoked');
  } finally {
    await t.close();
  }
});
