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

/** The stated birth date in ISO partial form, or null when it is not a date. */
export function normaliseDate(s: string): string | null {
  if (s.length === 10 && s[4] === '-' && s[7] === '-') {
    const d = parsePartialDate(s);
    return d ? toIsoPartial(d) : null;
  }
  const d = parsePartialDate(s);
  return d ? toIsoPartial(d) : null;
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
    birthDate: s.birthDate === undefined ? 'not_provided' : normaliseDate(s.birthDate) === person.birthDate ? 'match' : 'mismatch',
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
  switch (s.trim().toLowerCase().normalize('NFC')) {
    case 'male': case 'm': case 'nam': return 'male';
    case 'female': case 'f': case 'nữ': case 'nu': return 'female';
    default: return null;
  }
}
