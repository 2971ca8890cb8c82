/**
 * The 12-digit personal identification number (Decree 137/2015 Art. 13, Circular 07/2016/TT-BCA
 * Art. 7): 3 digits place of birth registration, 1 digit century and sex, 2 digits year of birth,
 * 6 random digits. No check digit.
 */
import { getProvince2025 } from './admin-units.ts';
import { lazy, loadReferenceCsv } from './csv.ts';
import { parsePartialDate, vnCalendarDate } from './dates.ts';
import { nfc } from './text.ts';

export type Sex = 'male' | 'female';

/** Every 4th digit 0–9 decodes (1900s–2300s), so there is no "bad century digit" rejection. */
export type IdRejection = 'not_12_digits' | 'unknown_birth_registration_code' | 'birth_year_in_future';

export type BirthRegistrationPlace = { kind: 'province'; name: string } | { kind: 'abroad'; countryCode: string };

export interface DecodedId {
  id: string;
  birthRegistrationCode: string;
  birthRegistrationPlace: BirthRegistrationPlace;
  sex: Sex;
  birthYear: number;
  /** First year of the century, e.g. 1900 or 2000. */
  century: number;
  serial: string;
}

export type IdValidation =
  | { ok: true; value: DecodedId }
  | { ok: false; reason: IdRejection; message: { vi: string; en: string } };

// Births registered abroad: country codes 101–295 (unverified: no primary text of the list was at hand).
const ABROAD_MIN = 101;
const ABROAD_MAX = 295;

const codes = lazy(() => {
  const list = Object.freeze(loadReferenceCsv('id-birth-registration-codes.csv', ['code', 'province_pre2025'] as const)
    .map((r) => Object.freeze({ code: r.code, provinceName: nfc(r.province_pre2025) })));
  return { list, byCode: new Map(list.map((c) => [c.code, c.provinceName])) };
});

/** The 63 three-digit codes of the pre-2025 provinces (Circular 07/2016/TT-BCA, Appendix 1). */
export function birthRegistrationCodes(): ReadonlyArray<{ code: string; provinceName: string }> {
  return codes().list;
}

function placeOf(code: string): BirthRegistrationPlace | undefined {
  const name = codes().byCode.get(code);
  if (name !== undefined) return { kind: 'province', name };
  const n = Number(code);
  return n >= ABROAD_MIN && n <= ABROAD_MAX ? { kind: 'abroad', countryCode: code } : undefined;
}

/**
 * The code for a birth registered in a 2025 province: that of the old province whose 2-digit code
 * the new province took over (each new province kept the code of the province hosting its capital).
 * Assumed, not read in a post-2025 circular.
 */
export function birthRegistrationCodeForProvince2025(provinceCode2025: string): string {
  const code = `0${provinceCode2025}`;
  if (!getProvince2025(provinceCode2025) || !codes().byCode.has(code)) throw new RangeError(`not a 2025 province code: ${provinceCode2025}`);
  return code;
}

const MESSAGES: Record<IdRejection, { vi: string; en: string }> = {
  not_12_digits: { vi: 'Số định danh cá nhân phải gồm đúng 12 chữ số.', en: 'The personal ID number must be exactly 12 digits.' },
  unknown_birth_registration_code: { vi: 'Ba chữ số đầu không phải mã nơi đăng ký khai sinh hợp lệ.', en: 'The first three digits are not a valid birth registration code.' },
  birth_year_in_future: { vi: 'Năm sinh mã hóa trong số định danh ở tương lai.', en: 'The birth year encoded in the ID number is in the future.' },
};

const reject = (reason: IdRejection): IdValidation => ({ ok: false, reason, message: MESSAGES[reason] });

const TWELVE_DIGITS = /^[0-9]{12}$/;

/** Checks and decodes an ID number. The birth year must not be after the current year in Vietnam (`now`, default the clock). */
export function validateIdNumber(input: string, opts: { now?: Date } = {}): IdValidation {
  const id = input.trim();
  if (!TWELVE_DIGITS.test(id)) return reject('not_12_digits');
  const birthRegistrationCode = id.slice(0, 3);
  const place = placeOf(birthRegistrationCode);
  if (!place) return reject('unknown_birth_registration_code');
  const d4 = Number(id[3]);
  const century = 1900 + 100 * Math.floor(d4 / 2);
  const birthYear = century + Number(id.slice(4, 6));
  if (birthYear > vnCalendarDate(opts.now ?? new Date()).year) return reject('birth_year_in_future');
  return {
    ok: true,
    value: { id, birthRegistrationCode, birthRegistrationPlace: place, sex: d4 % 2 === 0 ? 'male' : 'female', birthYear, century, serial: id.slice(6) },
  };
}

export interface IdMismatch { field: 'birthYear' | 'sex'; /** what the ID number encodes */ expected: string; /** what was stated */ actual: string }

/**
 * Result of comparing an ID number with stated personal data. `invalid_id`: the number itself does
 * not validate, so nothing could be compared (`mismatches` is empty, `idRejection` says why).
 */
export type IdConsistency =
  | { ok: true }
  | { ok: false; reason: 'mismatch'; mismatches: IdMismatch[] }
  | { ok: false; reason: 'invalid_id'; idRejection: IdRejection; mismatches: [] };

/**
 * Compares the birth year and sex encoded in an ID number with stated ones. `birthDate` may be
 * full or partial ('yyyy-mm-dd', 'yyyy-mm', 'yyyy', or dd/mm/yyyy); an unreadable one is reported
 * as a birthYear mismatch with the raw text as `actual`.
 */
export function checkIdConsistency(id: string, stated: { birthYear?: number; birthDate?: string; sex?: Sex }, opts: { now?: Date } = {}): IdConsistency {
  const v = validateIdNumber(id, opts);
  if (!v.ok) return { ok: false, reason: 'invalid_id', idRejection: v.reason, mismatches: [] };
  const { birthYear, sex } = v.value;
  const mismatches: IdMismatch[] = [];
  const statedYears = new Set<string>();
  if (stated.birthYear !== undefined) statedYears.add(String(stated.birthYear));
  if (stated.birthDate !== undefined) statedYears.add(String(parsePartialDate(stated.birthDate)?.year ?? stated.birthDate));
  for (const y of statedYears) if (y !== String(birthYear)) mismatches.push({ field: 'birthYear', expected: String(birthYear), actual: y });
  if (stated.sex !== undefined && stated.sex !== sex) mismatches.push({ field: 'sex', expected: sex, actual: stated.sex });
  return mismatches.length === 0 ? { ok: true } : { ok: false, reason: 'mismatch', mismatches };
}

/** The 4th digit for a birth year and sex. Throws RangeError outside 1900–2399. */
export function centuryDigit(birthYear: number, sex: Sex): number {
  if (!Number.isInteger(birthYear) || birthYear < 1900 || birthYear > 2399) throw new RangeError(`birth year outside 1900–2399: ${birthYear}`);
  return 2 * Math.floor((birthYear - 1900) / 100) + (sex === 'female' ? 1 : 0);
}

const THREE_DIGITS = /^[0-9]{3}$/;
const SIX_DIGITS = /^[0-9]{6}$/;

/** Builds an ID number from its parts. Throws RangeError on an unknown code, a serial that is not 6 digits or a year outside 1900–2399. */
export function composeIdNumber(parts: { birthRegistrationCode: string; birthYear: number; sex: Sex; serial: string }): string {
  if (!THREE_DIGITS.test(parts.birthRegistrationCode) || !placeOf(parts.birthRegistrationCode)) throw new RangeError(`unknown birth registration code: ${parts.birthRegistrationCode}`);
  if (!SIX_DIGITS.test(parts.serial)) throw new RangeError(`serial must be 6 digits: ${parts.serial}`);
  const d4 = centuryDigit(parts.birthYear, parts.sex);
  return `${parts.birthRegistrationCode}${d4}${String(parts.birthYear % 100).padStart(2, '0')}${parts.serial}`;
}

/**
 * A new ID number with a random serial from `random` (values in [0, 1)), drawing again while
 * `isTaken` says the number exists. Throws after `maxTries` draws.
 */
export function generateIdNumber(
  parts: { birthRegistrationCode: string; birthYear: number; sex: Sex },
  random: () => number,
  isTaken: (id: string) => boolean = () => false,
  maxTries = 1000,
): string {
  for (let i = 0; i < maxTries; i++) {
    const serial = String(Math.min(999_999, Math.floor(random() * 1_000_000))).padStart(6, '0');
    const id = composeIdNumber({ ...parts, serial });
    if (!isTaken(id)) return id;
  }
  throw new Error(`no free ID number after ${maxTries} tries`);
}
