import type { AddressView } from './registry.types.ts';
import { hasKey, type RT } from './text.ts';

import { vnParts } from '../ui/format.ts';

export { formatPartialDate, formatInstant } from '../ui/format.ts';

/** Today in Vietnam as yyyy-mm-dd (the latest birth date, the latest as-of date). */
export function todayInVietnam(now = new Date()): string {
  const p = vnParts(now);
  return `${p.year}-${p.month}-${p.day}`;
}

/** "Phường Ba Đình, Thành phố Hà Nội"; a code stands in for a missing name. */
export function unitText(a: Pick<AddressView, 'communeCode' | 'communeName' | 'provinceCode' | 'provinceName'> | null | undefined): string {
  if (!a) return '';
  return [a.communeName ?? a.communeCode, a.provinceName ?? a.provinceCode].filter(Boolean).join(', ');
}

/** Street address then units. */
export function addressText(a: AddressView | null | undefined): string {
  if (!a) return '';
  return [a.address, unitText(a)].filter(Boolean).join(', ');
}

/** The text for a dynamic key (`sex.${value}`), or null when the dictionary has none. */
export function lookup(rt: RT, key: string): string | null {
  return hasKey(key) ? (rt as (k: string) => string)(key) : null;
}

export const sexText = (sex: string | null | undefined, rt: RT): string => (sex ? (lookup(rt, `sex.${sex}`) ?? sex) : '');
export const statusText = (status: string | null | undefined, rt: RT): string => (status ? (lookup(rt, `status.${status}`) ?? status) : '');
export const maritalText = (m: string | null | undefined, rt: RT): string => (m ? (lookup(rt, `marital.${m}`) ?? m) : '');
export const nationalityText = (code: string | null | undefined, rt: RT): string => (code ? (lookup(rt, `nationality.${code}`) ?? code) : '');

export { sentence } from '../ui/fields.tsx';
