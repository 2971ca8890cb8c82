/**
 * How long an ID card is valid (Law 26/2023/QH15 on Identification, Art. 24).
 *
 * Art. 24(1): a citizen must have the card renewed on reaching 14, 25, 40 and 60 years of age.
 * Art. 24(2): a card issued, renewed or re-issued within 2 years before one of those ages stays valid
 * until the next renewal age. From 60 the card does not expire. (The 2014 law had 25, 40 and 60;
 * it issued cards only from 14, so the same table gives the same dates for those cards.)
 *
 * Choices made here, each easy to change:
 * - The expiry is the day the holder reaches the renewal age (their birthday that year), the date
 *   printed as "Có giá trị đến / Date of expiry". The card is valid through that day and expired
 *   from the next: ICAO 9303 reads an expiry date as the last day of validity.
 * - A 29 February birthday falls on 1 March in common years (as `vn` `ageOn` counts it).
 * - A partial birth date (year only, or month and year) counts from its latest possible day, as
 *   `ageOn` does, so the age is never overstated: born "1990" reaches 25 on 31/12/2015.
 * - "Within 2 years before" includes the day exactly 2 years before: a card issued on the 23rd
 *   birthday is valid until 40.
 */
import { ageOn, daysInMonth, earliestDate, latestDate, type FullDate, type PartialDate } from '../vn/index.ts';

/** Law 26/2023/QH15 Art. 24(1). */
export const RENEWAL_AGES = [14, 25, 40, 60] as const;
export type RenewalAge = (typeof RENEWAL_AGES)[number];

/** Law 26/2023/QH15 Art. 24(2): years before a renewal age in which a new card skips that age. */
export const EARLY_ISSUE_WINDOW_YEARS = 2;

/** `on`: the last day the card is valid. */
export type CardExpiry =
  | { kind: 'on'; date: FullDate; renewalAge: RenewalAge }
  | { kind: 'never' };

export type CardValidity =
  | { kind: 'valid'; expiry: CardExpiry }
  | { kind: 'expired'; lastValidDay: FullDate }
  | { kind: 'not_yet_issued' };

/** Negative, zero or positive as `a` is before, on or after `b`. */
export function compareDates(a: FullDate, b: FullDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/**
 * The day a person reaches `age` (their birthday that year; 29 February as 1 March in a common
 * year), counted from the latest day a partial birth date can stand for.
 */
export function dayReachingAge(birth: PartialDate, age: number): FullDate {
  const b = latestDate(birth);
  const year = b.year + age;
  if (b.month === 2 && b.day === 29 && daysInMonth(year, 2) === 28) return { kind: 'full', year, month: 3, day: 1 };
  return { kind: 'full', year, month: b.month, day: b.day };
}

/**
 * The expiry of a card issued (or renewed, or re-issued) on `issued` to a person born on `birth`.
 * Throws RangeError when the card would be issued before the earliest possible birth day.
 */
export function cardExpiry(birth: PartialDate, issued: FullDate): CardExpiry {
  if (compareDates(issued, earliestDate(birth)) < 0) throw new RangeError('a card cannot be issued before its holder is born');
  // A year-only birth issued in its own year has ageOn -1 until 31 December: an infant, age 0.
  const ageAtIssue = Math.max(0, ageOn(birth, issued));
  for (const age of RENEWAL_AGES) {
    if (age <= ageAtIssue) continue;
    if (age - ageAtIssue <= EARLY_ISSUE_WINDOW_YEARS) continue;
    return { kind: 'on', date: dayReachingAge(birth, age), renewalAge: age };
  }
  return { kind: 'never' };
}

/** Whether a card with this issue day and expiry is valid on a day (status such as revocation aside). */
export function validityOn(issued: FullDate, expiry: CardExpiry, on: FullDate): CardValidity {
  if (compareDates(on, issued) < 0) return { kind: 'not_yet_issued' };
  if (expiry.kind === 'on' && compareDates(on, expiry.date) > 0) return { kind: 'expired', lastValidDay: expiry.date };
  return { kind: 'valid', expiry };
}
