import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { FullDate, PartialDate } from '../vn/index.ts';
import { cardExpiry, compareDates, dayReachingAge, validityOn, type CardExpiry } from './validity.ts';

const d = (s: string): FullDate => {
  const [y, m, day] = s.split('-').map(Number) as [number, number, number];
  return { kind: 'full', year: y, month: m, day };
};
const year = (y: number): PartialDate => ({ kind: 'year', year: y });
const month = (y: number, m: number): PartialDate => ({ kind: 'month', year: y, month: m });
const on = (s: string, age: number): CardExpiry => ({ kind: 'on', date: d(s), renewalAge: age as 14 | 25 | 40 | 60 });
const never: CardExpiry = { kind: 'never' };

describe('cardExpiry: renewal ages 14, 25, 40, 60 and the two-year rule (Law 26/2023 Art. 24)', () => {
  // Born 15/03/2000: 12 on 15/03/2012, 14 on 15/03/2014, 23 on 15/03/2023, 25 on 15/03/2025,
  // 38 on 15/03/2038, 40 on 15/03/2040, 58 on 15/03/2058, 60 on 15/03/2060.
  const born = d('2000-03-15');
  const cases: Array<[string, string, CardExpiry]> = [
    ['2000-03-15', 'issued on the day of birth → 14', on('2014-03-15', 14)],
    ['2006-07-01', 'age 6 → 14', on('2014-03-15', 14)],
    ['2012-03-14', 'day before 12th birthday (more than 2 years before 14) → 14', on('2014-03-15', 14)],
    ['2012-03-15', '12th birthday: exactly 2 years before 14 → skips to 25', on('2025-03-15', 25)],
    ['2013-12-31', 'age 13 → 25', on('2025-03-15', 25)],
    ['2014-03-14', 'day before 14th birthday → 25', on('2025-03-15', 25)],
    ['2014-03-15', '14th birthday (renewal day) → 25', on('2025-03-15', 25)],
    ['2023-03-14', 'day before 23rd birthday: not yet within 2 years of 25 → 25', on('2025-03-15', 25)],
    ['2023-03-15', '23rd birthday: within 2 years of 25 → 40', on('2040-03-15', 40)],
    ['2025-03-14', 'day before 25th birthday → 40', on('2040-03-15', 40)],
    ['2025-03-15', '25th birthday → 40', on('2040-03-15', 40)],
    ['2038-03-14', 'day before 38th birthday → 40', on('2040-03-15', 40)],
    ['2038-03-15', '38th birthday: within 2 years of 40 → 60', on('2060-03-15', 60)],
    ['2040-03-15', '40th birthday → 60', on('2060-03-15', 60)],
    ['2058-03-14', 'day before 58th birthday → 60', on('2060-03-15', 60)],
    ['2058-03-15', '58th birthday: within 2 years of 60 → never expires', never],
    ['2060-03-14', 'day before 60th birthday → never expires', never],
    ['2060-03-15', '60th birthday → never expires', never],
    ['2085-01-01', 'age 84 → never expires', never],
  ];
  for (const [issued, why, expected] of cases) test(`born 2000-03-15, issued ${issued}: ${why}`, () => assert.deepEqual(cardExpiry(born, d(issued)), expected));

  test('29 February birthday: the renewal age is reached on 1 March in a common year, on 29 February in a leap year', () => {
    const leapling = d('2000-02-29');
    assert.deepEqual(cardExpiry(leapling, d('2020-01-01')), on('2025-03-01', 25));
    assert.deepEqual(cardExpiry(leapling, d('2030-01-01')), on('2040-02-29', 40));
    // 23rd "birthday" is 1 March 2023: the day before is outside the window.
    assert.deepEqual(cardExpiry(leapling, d('2023-02-28')), on('2025-03-01', 25));
    assert.deepEqual(cardExpiry(leapling, d('2023-03-01')), on('2040-02-29', 40));
  });

  test('year-only birth counts from 31 December (the vn ageOn convention)', () => {
    assert.deepEqual(cardExpiry(year(1990), d('2010-06-01')), on('2015-12-31', 25));
    // Age 23 only from 31/12/2013.
    assert.deepEqual(cardExpiry(year(1990), d('2013-12-30')), on('2015-12-31', 25));
    assert.deepEqual(cardExpiry(year(1990), d('2013-12-31')), on('2030-12-31', 40));
    assert.deepEqual(cardExpiry(year(1966), d('2024-12-31')), never);
    assert.deepEqual(cardExpiry(year(1966), d('2024-12-30')), on('2026-12-31', 60));
  });

  test('month-only birth counts from the last day of the month', () => {
    assert.deepEqual(cardExpiry(month(1990, 2), d('2020-01-01')), on('2030-02-28', 40));
    assert.deepEqual(cardExpiry(month(1992, 2), d('2020-01-01')), on('2032-02-29', 40));
  });

  test('a year-only infant can be issued a card in the birth year', () => {
    assert.deepEqual(cardExpiry(year(2025), d('2025-01-01')), on('2039-12-31', 14));
  });

  test('issue before birth is refused', () => {
    assert.throws(() => cardExpiry(d('2000-03-15'), d('2000-03-14')), RangeError);
    assert.throws(() => cardExpiry(year(2000), d('1999-12-31')), RangeError);
  });
});

describe('validityOn: valid through the expiry day, expired from the next', () => {
  const issued = d('2021-05-10');
  const expiry = on('2030-03-15', 40);
  const cases: Array<[string, string]> = [
    ['2021-05-09', 'not_yet_issued'],
    ['2021-05-10', 'valid'],
    ['2030-03-14', 'valid'],
    ['2030-03-15', 'valid'],
    ['2030-03-16', 'expired'],
    ['2045-01-01', 'expired'],
  ];
  for (const [day, kind] of cases) test(`${day} → ${kind}`, () => assert.equal(validityOn(issued, expiry, d(day)).kind, kind));
  test('a card that never expires stays valid', () => assert.deepEqual(validityOn(issued, never, d('2199-12-31')), { kind: 'valid', expiry: never }));
  test('expired names the last valid day', () => assert.deepEqual(validityOn(issued, expiry, d('2031-01-01')), { kind: 'expired', lastValidDay: d('2030-03-15') }));
});

describe('helpers', () => {
  test('compareDates', () => {
    assert.ok(compareDates(d('2024-01-31'), d('2024-02-01')) < 0);
    assert.ok(compareDates(d('2024-02-01'), d('2023-12-31')) > 0);
    assert.equal(compareDates(d('2024-02-01'), d('2024-02-01')), 0);
  });
  test('dayReachingAge', () => {
    assert.deepEqual(dayReachingAge(d('1990-07-05'), 25), d('2015-07-05'));
    assert.deepEqual(dayReachingAge(d('2004-02-29'), 14), d('2018-03-01'));
    assert.deepEqual(dayReachingAge(d('2004-02-29'), 40), d('2044-02-29'));
    assert.deepEqual(dayReachingAge(year(1990), 14), d('2004-12-31'));
  });
});
