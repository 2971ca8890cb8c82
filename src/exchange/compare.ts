/**
 * Comparison of what a partner states about a person with the registry: per field match /
 * mismatch / not_provided (not_checked when the registry holds nothing to compare with), the
 * person living or deceased, the card valid or not — and nothing else. Pure: shared by the single
 * API and bulk verification.
 *
 * Names compare Vietnamese-aware: NFC, letter case, spacing and the old/new tone placement
 * (hoà = hòa) never matter. With `diacritic_insensitive`, a name that differs only in diacritics
 * (Nguyen Van An for Nguyễn Văn An) is `match_ignoring_diacritics`, never plain `match`.
 */
import { parsePartialDate, searchKey, toIsoPartial, toneKey } from '../vn/index.ts';
import type { VerificationFacts } from '../registry/index.ts';
import type { CardFacts } from '../cards/index.ts';

export type FieldVerdict = 'match' | 'match_ignoring_diacritics' | 'mismatch' | 'not_provided' | 'not_checked';
export type NameMatching = 'exact' | 'diacritic_insensitive';
export const NAME_MATCHING: readonly NameMatching[] = ['exact', 'diacritic_insensitive'];
export const COMPARED = ['fullName', 'birthDate', 'sex', 'cardIssueDate', 'phone'] as const;
export type Compared = (typeof COMPARED)[number];

export interface Statement {
  idNumber: string;
  fullName?: string | undefined;
  /** 'yyyy-mm-dd', 'yyyy-mm', 'yyyy' or 'dd/mm/yyyy'. */
  birthDate?: string | undefined;
  sex?: 'male' | 'female' | undefined;
  cardIssueDate?: string | undefined;
  phone?: string | undefined;
}

export interface Comparison {
  outcome: 'match' | 'mismatch' | 'not_found';
  fields: Record<Compared, FieldVerdict>;
  /** Fields that differ, in COMPARED order. */
  mismatched: Compared[];
  /** Fields compared with the registry (audited as read). */
  compared: Compared[];
  personStatus: 'living' | 'deceased' | 'missing' | null;
  cardValid: boolean | null;
}

export const NOT_FOUND_FIELDS = (s: Statement): Record<Compared, FieldVerdict> => ({
  fullName: s.fullName === undefined ? 'not_provided' : 'not_checked',
  birthDate: s.birthDate === undefined ? 'not_provided' : 'not_checked',
  sex: s.sex === undefined ? 'not_provided' : 'not_checked',
  cardIssueDate: s.cardIssueDate === undefined ? 'not_provided' : 'not_checked',
  phone: s.phone === undefined ? 'not_provided' : 'not_checked',
});

const digit = (c: number) => c >= 48 && c <= 57;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 'yyyy-mm-dd' that is a real day, checked without allocating (the hot path of bulk files). */
function isIsoDay(s: string): boolean {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) if (!digit(s.charCodeAt(i))) return false;
  const y = (s.charCodeAt(0) - 48) * 1000 + (s.charCodeAt(1) - 48) * 100 + (s.charCodeAt(2) - 48) * 10 + s.charCodeAt(3) - 48;
  const m = (s.charCodeAt(5) - 48) * 10 + s.charCodeAt(6) - 48;
  const d = (s.charCodeAt(8) - 48) * 10 + s.charCodeAt(9) - 48;
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > DAYS[m - 1]!) return false;
  return m !== 2 || d < 29 || (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** The stated birth date in ISO partial form, or null when it is not a date. */
export function normaliseDate(s: string): string | null {
  if (isIsoDay(s)) return s;
  const d = parsePartialDate(s);
  return d ? toIsoPartial(d) : null;
}

/** Whether a stated date is a date (same rule as normaliseDate, cheaper for the usual form). */
export function isDate(s: string): boolean {
  return isIsoDay(s) || parsePartialDate(s) !== null;
}

export function compareName(stated: string, recorded: string, mode: NameMatching): FieldVerdict {
  if (stated === recorded || toneKey(stated) === toneKey(recorded)) return 'match';
  if (mode === 'diacritic_insensitive' && searchKey(stated) === searchKey(recorded)) return 'match_ignoring_diacritics';
  return 'mismatch';
}

/**
 * Compares a statement (already validated: a date that parses, a known sex) with the person's
 * facts and cards. `cards` undefined = the person has no card.
 */
export function compareIdentity(s: Statement, person: VerificationFacts | undefined, cards: CardFacts | undefined, mode: NameMatching): Comparison {
  if (!person) return { outcome: 'not_found', fields: NOT_FOUND_FIELDS(s), mismatched: [], compared: [], personStatus: null, cardValid: null };
  const fields: Record<Compared, FieldVerdict> = {
    fullName: s.fullName === undefined ? 'not_provided' : compareName(s.fullName, person.fullName, mode),
    birthDate: s.birthDate === undefined ? 'not_provided' : s.birthDate === person.birthDate || normaliseDate(s.birthDate) === person.birthDate ? 'match' : 'mismatch',
    sex: s.sex === undefined ? 'not_provided' : s.sex === person.sex ? 'match' : 'mismatch',
    cardIssueDate: 'not_provided',
    // The population registry keeps no phone numbers.
    phone: s.phone === undefined ? 'not_provided' : 'not_checked',
  };
  let cardValid = cards?.hasValidCard ?? false;
  if (s.cardIssueDate !== undefined) {
    const issued = normaliseDate(s.cardIssueDate);
    const card = cards?.cards.find((c) => c.issueDate === issued);
    fields.cardIssueDate = card ? 'match' : 'mismatch';
    // The card the statement designates, when it names one.
    if (card) cardValid = card.status === 'valid';
  }
  const mismatched: Compared[] = [];
  const compared: Compared[] = [];
  for (const f of COMPARED) {
    const v = fields[f];
    if (v === 'mismatch') mismatched.push(f);
    if (v === 'match' || v === 'mismatch' || v === 'match_ignoring_diacritics') compared.push(f);
  }
  return { outcome: mismatched.length ? 'mismatch' : 'match', fields, mismatched, compared, personStatus: person.status, cardValid };
}

/** Reads the sexes partners write (male/female, M/F, Nam/Nữ); null when unknown. */
export function readSex(s: string): 'male' | 'female' | null {
  if (s === 'male' || s === 'female') return s;
  switch (s.trim().toLowerCase().normalize('NFC')) {
    case 'male': case 'm': case 'nam': return 'male';
    case 'female': case 'f': case 'nữ': case 'nu': return 'female';
    default: return null;
  }
}
