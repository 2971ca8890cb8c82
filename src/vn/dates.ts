/** Calendar dates as registries hold them: full, month only or year only for older people. */

export type PartialDate =
  | { kind: 'full'; year: number; month: number; day: number }
  | { kind: 'month'; year: number; month: number }
  | { kind: 'year'; year: number };

export type FullDate = Extract<PartialDate, { kind: 'full' }>;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function make(year: number, month?: number, day?: number): PartialDate | null {
  if (!Number.isInteger(year) || year < 1 || year > 9999) return null;
  if (month === undefined) return { kind: 'year', year };
  if (!Number.isInteger(month) || month < 1 || month > 12) return null;
  if (day === undefined) return { kind: 'month', year, month };
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) return null;
  return { kind: 'full', year, month, day };
}

const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/;
const DISPLAY = /^(?:(\d{1,2})\/)?(\d{1,2})\/(\d{4})$/;
const DDMMYYYY = /^(\d{2})(\d{2})(\d{4})$/;

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));

/**
 * Reads ISO 'yyyy', 'yyyy-mm', 'yyyy-mm-dd' or display 'dd/mm/yyyy', 'mm/yyyy' (day and month may
 * have one digit). Returns null unless the date exists (29/02 only in leap years).
 */
export function parsePartialDate(s: string): PartialDate | null {
  const t = s.trim();
  const iso = ISO.exec(t);
  if (iso) return make(Number(iso[1]), num(iso[2]), num(iso[3]));
  const d = DISPLAY.exec(t);
  if (!d) return null;
  return d[1] === undefined ? make(Number(d[3]), Number(d[2])) : make(Number(d[3]), Number(d[2]), Number(d[1]));
}

const p2 = (n: number): string => String(n).padStart(2, '0');
const p4 = (n: number): string => String(n).padStart(4, '0');

/** Display form: 'dd/mm/yyyy', 'mm/yyyy' or 'yyyy'. */
export function formatPartialDate(d: PartialDate): string {
  switch (d.kind) {
    case 'full': return `${p2(d.day)}/${p2(d.month)}/${p4(d.year)}`;
    case 'month': return `${p2(d.month)}/${p4(d.year)}`;
    case 'year': return p4(d.year);
  }
}

/** ISO form: 'yyyy-mm-dd', 'yyyy-mm' or 'yyyy'. */
export function toIsoPartial(d: PartialDate): string {
  switch (d.kind) {
    case 'full': return `${p4(d.year)}-${p2(d.month)}-${p2(d.day)}`;
    case 'month': return `${p4(d.year)}-${p2(d.month)}`;
    case 'year': return p4(d.year);
  }
}

const VN_OFFSET_MS = 7 * 3_600_000;

/** The calendar date in Vietnam (UTC+7, no daylight saving) at an instant. */
export function vnCalendarDate(at: Date): FullDate {
  const t = new Date(at.getTime() + VN_OFFSET_MS);
  if (Number.isNaN(t.getTime())) throw new RangeError('Invalid Date');
  return { kind: 'full', year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/**
 * 'yyyy-mm-dd' and 'dd/mm/yyyy' are calendar dates as they are; any other string (a timestamp) or
 * Date is an instant, read in Vietnam time. A partial date ('yyyy', 'mm/yyyy') is refused.
 */
function toFullDate(date: Date | string | FullDate): FullDate {
  if (typeof date === 'object' && !(date instanceof Date)) return date;
  if (typeof date === 'string') {
    const t = date.trim();
    if (ISO.test(t) || DISPLAY.test(t)) {
      const p = parsePartialDate(t);
      if (p?.kind !== 'full') throw new RangeError(`not a full date: ${date}`);
      return p;
    }
    return vnCalendarDate(new Date(t));
  }
  return vnCalendarDate(date);
}

/** 'dd/mm/yyyy'. Throws RangeError on an unreadable or partial date. */
export function formatDateVi(date: Date | string | FullDate): string {
  return formatPartialDate(toFullDate(date));
}

/** The ddmmyyyy form of the card's QR code ('01011990'); null unless a real date. */
export function parseDdmmyyyy(s: string): FullDate | null {
  const m = DDMMYYYY.exec(s.trim());
  if (!m) return null;
  const d = make(Number(m[3]), Number(m[2]), Number(m[1]));
  return d?.kind === 'full' ? d : null;
}

export function formatDdmmyyyy(date: Date | string | FullDate): string {
  const d = toFullDate(date);
  return `${p2(d.day)}${p2(d.month)}${p4(d.year)}`;
}

/** First day the partial date can stand for (1 January, or the 1st of the month). */
export function earliestDate(d: PartialDate): FullDate {
  if (d.kind === 'full') return d;
  return { kind: 'full', year: d.year, month: d.kind === 'month' ? d.month : 1, day: 1 };
}

/** Last day the partial date can stand for (31 December, or the month's last day). */
export function latestDate(d: PartialDate): FullDate {
  if (d.kind === 'full') return d;
  const month = d.kind === 'month' ? d.month : 12;
  return { kind: 'full', year: d.year, month, day: daysInMonth(d.year, month) };
}

/**
 * Completed years of age on a day (`on` read in Vietnam time). A partial birth date counts from
 * its latest possible day, so the age is never overstated: someone recorded as born in 2012 is
 * 14 only from 31/12/2026. A 29 February birthday falls on 1 March in common years. Negative
 * when `on` precedes the birth.
 */
export function ageOn(birth: PartialDate, on: Date | FullDate): number {
  const b = latestDate(birth);
  const t = on instanceof Date ? vnCalendarDate(on) : on;
  const before = t.month < b.month || (t.month === b.month && t.day < b.day);
  return t.year - b.year - (before ? 1 : 0);
}
