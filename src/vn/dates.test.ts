import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  parsePartialDate, formatPartialDate, toIsoPartial, formatDateVi, parseDdmmyyyy, formatDdmmyyyy,
  ageOn, earliestDate, latestDate, vnCalendarDate, type PartialDate,
} from './dates.ts';

const full = (year: number, month: number, day: number): PartialDate => ({ kind: 'full', year, month, day });
const month = (year: number, m: number): PartialDate => ({ kind: 'month', year, month: m });
const year = (y: number): PartialDate => ({ kind: 'year', year: y });

describe('parsePartialDate', () => {
  const valid: Array<[string, PartialDate]> = [
    ['1990', year(1990)],
    ['1990-07', month(1990, 7)],
    ['1990-07-15', full(1990, 7, 15)],
    ['15/07/1990', full(1990, 7, 15)],
    ['5/7/1990', full(1990, 7, 5)],
    ['07/1990', month(1990, 7)],
    ['7/1990', month(1990, 7)],
    [' 1990-07-15 ', full(1990, 7, 15)],
    ['2024-02-29', full(2024, 2, 29)],
    ['29/02/2000', full(2000, 2, 29)],
    ['1900-12-31', full(1900, 12, 31)],
    ['31/01/2025', full(2025, 1, 31)],
  ];
  for (const [s, expected] of valid) test(`${JSON.stringify(s)} → ${JSON.stringify(expected)}`, () => assert.deepEqual(parsePartialDate(s), expected));

  const invalid: Array<[string, string]> = [
    ['2023-02-29', 'not a leap year'],
    ['29/02/1900', '1900 is not a leap year'],
    ['2100-02-29', '2100 is not a leap year'],
    ['2024-02-30', 'no 30 February'],
    ['31/04/2024', 'April has 30 days'],
    ['2024-13', 'month 13'],
    ['2024-00', 'month 0'],
    ['2024-01-00', 'day 0'],
    ['0000', 'year 0'],
    ['90', 'two-digit year'],
    ['1990-7-15', 'ISO needs two-digit month'],
    ['1990/07/15', 'mixed form'],
    ['15-07-1990', 'dashes in display form'],
    ['', 'empty'],
    ['abc', 'text'],
    ['1990-07-15T00:00:00Z', 'timestamp'],
  ];
  for (const [s, why] of invalid) test(`${JSON.stringify(s)} → null (${why})`, () => assert.equal(parsePartialDate(s), null));
});

describe('formatting', () => {
  const cases: Array<[PartialDate, string, string]> = [
    [full(1990, 7, 5), '05/07/1990', '1990-07-05'],
    [month(1945, 9), '09/1945', '1945-09'],
    [year(1930), '1930', '1930'],
  ];
  for (const [d, display, iso] of cases) {
    test(`${iso}`, () => {
      assert.equal(formatPartialDate(d), display);
      assert.equal(toIsoPartial(d), iso);
      assert.deepEqual(parsePartialDate(display), d);
      assert.deepEqual(parsePartialDate(iso), d);
    });
  }

  const vi: Array<[Date | string, string]> = [
    ['2025-07-01', '01/07/2025'],
    [new Date('2025-06-30T17:00:00Z'), '01/07/2025'],
    [new Date('2025-06-30T16:59:59Z'), '30/06/2025'],
    ['2025-06-30T17:30:00Z', '01/07/2025'],
    ['15/07/1990', '15/07/1990'],
  ];
  for (const [input, expected] of vi) test(`formatDateVi(${String(input instanceof Date ? input.toISOString() : input)}) → ${expected}`, () => assert.equal(formatDateVi(input), expected));

  for (const bad of ['not a date', '1990', '07/1990', '2023-02-29']) {
    test(`formatDateVi(${JSON.stringify(bad)}) throws`, () => assert.throws(() => formatDateVi(bad), RangeError));
  }
});

describe('QR ddmmyyyy', () => {
  const parse: Array<[string, PartialDate | null]> = [
    ['01011990', full(1990, 1, 1)],
    ['29022024', full(2024, 2, 29)],
    ['29022023', null],
    ['31121999', full(1999, 12, 31)],
    ['1011990', null],
    ['00001990', null],
    ['0101199a', null],
  ];
  for (const [s, expected] of parse) test(`parseDdmmyyyy(${s})`, () => assert.deepEqual(parseDdmmyyyy(s), expected));

  const format: Array<[Parameters<typeof formatDdmmyyyy>[0], string]> = [
    [{ kind: 'full', year: 1990, month: 1, day: 1 }, '01011990'],
    ['2001-03-15', '15032001'],
    [new Date('2024-12-31T18:00:00Z'), '01012025'],
  ];
  for (const [d, expected] of format) test(`formatDdmmyyyy → ${expected}`, () => assert.equal(formatDdmmyyyy(d), expected));
});

describe('earliestDate / latestDate', () => {
  const cases: Array<[PartialDate, PartialDate, PartialDate]> = [
    [full(1990, 7, 5), full(1990, 7, 5), full(1990, 7, 5)],
    [month(2024, 2), full(2024, 2, 1), full(2024, 2, 29)],
    [month(2023, 2), full(2023, 2, 1), full(2023, 2, 28)],
    [month(1990, 4), full(1990, 4, 1), full(1990, 4, 30)],
    [year(1950), full(1950, 1, 1), full(1950, 12, 31)],
  ];
  for (const [d, earliest, latest] of cases) {
    test(toIsoPartial(d), () => {
      assert.deepEqual(earliestDate(d), earliest);
      assert.deepEqual(latestDate(d), latest);
    });
  }
});

describe('ageOn', () => {
  const at = (iso: string) => new Date(`${iso}T12:00:00+07:00`);
  const cases: Array<[string, PartialDate, Date, number]> = [
    ['day before the 14th birthday', full(2012, 5, 10), at('2026-05-09'), 13],
    ['on the 14th birthday', full(2012, 5, 10), at('2026-05-10'), 14],
    ['month-only: counted from the month end', month(2012, 5), at('2026-05-30'), 13],
    ['month-only: 14 on the last day of the month', month(2012, 5), at('2026-05-31'), 14],
    ['year-only: 13 until 31 December', year(2012), at('2026-12-30'), 13],
    ['year-only: 14 on 31 December', year(2012), at('2026-12-31'), 14],
    ['29 February birthday in a common year: not yet on 28/02', full(2008, 2, 29), at('2026-02-28'), 17],
    ['29 February birthday in a common year: on 01/03', full(2008, 2, 29), at('2026-03-01'), 18],
    ['29 February birthday in a leap year', full(2008, 2, 29), at('2028-02-29'), 20],
    ['newborn', full(2026, 1, 1), at('2026-01-01'), 0],
    ['before birth', full(2026, 6, 1), at('2026-05-31'), -1],
    ['Vietnam date, not UTC: 17:00 UTC is the next day', full(2000, 1, 1), new Date('2013-12-31T17:00:00Z'), 14],
    ['Vietnam date, not UTC: 16:59 UTC is still the day before', full(2000, 1, 1), new Date('2013-12-31T16:59:00Z'), 13],
  ];
  for (const [name, birth, on, age] of cases) test(name, () => assert.equal(ageOn(birth, on), age));

  test('a calendar date works as `on`', () => assert.equal(ageOn(full(1990, 7, 15), { kind: 'full', year: 2026, month: 7, day: 15 }), 36));
  test('vnCalendarDate', () => assert.deepEqual(vnCalendarDate(new Date('2026-11-24T20:00:00Z')), full(2026, 11, 25)));
});
