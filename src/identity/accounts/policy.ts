/**
 * Rules of eID accounts that are plain functions: password strength for citizens, phone numbers,
 * ages, and what a stated identity must match.
 */
import { passwordWeakness } from '../../platform/auth/password.ts';
import type { Localised } from '../../platform/i18n/lang.ts';
import { ageOn, nfc, type PartialDate } from '../../vn/index.ts';
import type { IdentityFacts } from '../../registry/index.ts';

/** Decree 69/2024: from 14 a citizen registers alone; under 14 a parent registers the child. */
export const SELF_REGISTRATION_AGE = 14;

export type CitizenPasswordWeakness = 'too_short' | 'common' | 'contains_id_number' | 'contains_birth_date';

const p2 = (n: number) => String(n).padStart(2, '0');

/** The platform's password rules, and no ID number or birth date inside (in any common digit form). */
export function citizenPasswordWeakness(password: string, who: { idNumber: string; birthDate: PartialDate }): CitizenPasswordWeakness | null {
  const w = passwordWeakness(password, who.idNumber);
  if (w === 'too_short' || w === 'common') return w;
  if (w === 'contains_username') return 'contains_id_number';
  const digits = password.replace(/\D/g, '');
  if (digits.includes(who.idNumber)) return 'contains_id_number';
  const b = who.birthDate;
  if (b.kind === 'full') {
    const [d, m, y] = [p2(b.day), p2(b.month), String(b.year)];
    const forms = [`${d}${m}${y}`, `${y}${m}${d}`, `${m}${d}${y}`, `${d}${m}${y.slice(2)}`, `${y.slice(2)}${m}${d}`];
    if (forms.some((f) => digits.includes(f))) return 'contains_birth_date';
  }
  return null;
}

export const WEAKNESS_TEXT: Record<CitizenPasswordWeakness, Localised> = {
  too_short: { vi: 'cần ít nhất 12 ký tự.', en: 'it needs at least 12 characters.' },
  common: { vi: 'đây là mật khẩu phổ biến, dễ đoán.', en: 'it is a common, easily guessed password.' },
  contains_id_number: { vi: 'không được chứa số định danh cá nhân.', en: 'it must not contain the personal ID number.' },
  contains_birth_date: { vi: 'không được chứa ngày sinh.', en: 'it must not contain the date of birth.' },
};

/** A Vietnamese mobile number as stored: `0` and 9 digits (`+84…` and `84…` are accepted and converted). */
export function normalisePhone(input: string): string | null {
  const s = input.replace(/[\s.-]/g, '');
  const national = s.startsWith('+84') ? `0${s.slice(3)}` : /^84\d{9}$/.test(s) ? `0${s.slice(2)}` : s;
  return /^0[35789]\d{8}$/.test(national) ? national : null;
}

export function birthDateOfFacts(f: Pick<IdentityFacts, 'birthYear' | 'birthMonth' | 'birthDay'>): PartialDate {
  return f.birthMonth === null ? { kind: 'year', year: f.birthYear } : f.birthDay === null ? { kind: 'month', year: f.birthYear, month: f.birthMonth } : { kind: 'full', year: f.birthYear, month: f.birthMonth, day: f.birthDay };
}

const nameKey = (s: string) => nfc(s).toLocaleLowerCase('vi').replace(/\s+/g, ' ').trim();

/**
 * Whether what an applicant stated (name as on the card, birth date yyyy-mm-dd, or yyyy / yyyy-mm
 * when the registry only knows that much) is the registry's person. Letter case and spacing are
 * forgiven, diacritics are not (they are part of a Vietnamese name).
 */
export function statedIdentityMatches(facts: IdentityFacts, stated: { fullName: string; birthDate: string }): boolean {
  if (nameKey(stated.fullName) !== nameKey(facts.fullName)) return false;
  const b = birthDateOfFacts(facts);
  const iso = b.kind === 'full' ? `${b.year}-${p2(b.month)}-${p2(b.day)}` : b.kind === 'month' ? `${b.year}-${p2(b.month)}` : String(b.year);
  return stated.birthDate === iso;
}

export function ageToday(facts: IdentityFacts, now: Date): number {
  return ageOn(birthDateOfFacts(facts), now);
}
