/**
 * The machine-readable zone of the card: ICAO Doc 9303 TD1, 3 lines of 30 characters (Part 5 §4.2),
 * check digits per Part 3 §4.9, and the Vietnamese use of it (DOMAIN.md §3):
 *
 *   line 1  ID VNM <last 9 digits of the ID> <check> <12-digit ID> << <check over the 12 digits>
 *   line 2  <birth YYMMDD> <check> <M|F> <expiry YYMMDD> <check> VNM <<<<<<<<<<< <composite check>
 *   line 3  SURNAME<<GIVEN<NAMES   (no diacritics, vn transliterateMrz; cut at 30 characters)
 *
 * A card that never expires (from age 60): what Vietnamese cards print is unverified. This module
 * writes the expiry as six fillers `<<<<<<` with the check digit computed the ordinary way ('0',
 * fillers count 0) and reads both '0' and '<' as that check digit. Change `NEVER_EXPIRES` if the
 * issued cards show otherwise.
 */
import { earliestDate, splitFullName, transliterateMrz, type FullDate, type PartialDate, type Sex } from '../vn/index.ts';
import { compareDates } from './validity.ts';

// ---- check digits (ICAO 9303 Part 3 §4.9) --------------------------------------------------------

const WEIGHTS = [7, 3, 1] as const;

function charValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 65 && code <= 90) return code - 55; // A=10 … Z=35
  if (code === 60) return 0; // '<'
  return -1;
}

/** The check digit of a field: values weighted 7, 3, 1 repeating, summed, modulo 10. */
export function checkDigit(s: string): number {
  let sum = 0;
  for (let i = 0; i < s.length; i++) {
    const v = charValue(s.charCodeAt(i));
    if (v < 0) throw new RangeError(`not an MRZ character: ${JSON.stringify(s[i])}`);
    sum += v * WEIGHTS[i % 3]!;
  }
  return sum % 10;
}

// ---- generic TD1 -----------------------------------------------------------------------------------

export const TD1_LINE_LENGTH = 30;

/** The fields of a TD1 MRZ as printed (fillers kept, except in the two name identifiers). */
export interface Td1 {
  documentCode: string; // line 1, columns 1-2
  issuingState: string; // 3-5
  documentNumber: string; // 6-14
  optionalData1: string; // 16-30
  birthDate: string; // line 2, columns 1-6 (YYMMDD)
  sex: string; // 8
  expiryDate: string; // 9-14 (YYMMDD)
  nationality: string; // 16-18
  optionalData2: string; // 19-29
  /** Line 3 before `<<`, with `<` as spaces. */
  primaryIdentifier: string;
  /** Line 3 after `<<`, with `<` as spaces. */
  secondaryIdentifier: string;
}

export type MrzCheck = 'document_number' | 'birth_date' | 'expiry_date' | 'composite' | 'id_number';
export type MrzField = 'document_code' | 'issuing_state' | 'document_number' | 'id_number' | 'birth_date' | 'sex' | 'expiry_date' | 'nationality' | 'optional_data' | 'name';
export type MrzProblem =
  | 'not_ID'
  | 'not_VNM'
  | 'not_12_digits'
  | 'not_9_digits'
  | 'differs_from_id_number'
  | 'not_a_date'
  | 'not_M_or_F'
  | 'sex_differs_from_id'
  | 'birth_year_differs_from_id'
  | 'expires_before_birth'
  | 'not_fillers'
  | 'empty';

/** Lines and columns are 1-based, as ICAO numbers them. */
export type MrzError =
  | { kind: 'line_count'; count: number }
  | { kind: 'line_length'; line: number; length: number }
  | { kind: 'character'; line: number; column: number; char: string }
  | { kind: 'check_digit'; check: MrzCheck; line: number; column: number; expected: string; found: string }
  | { kind: 'field'; field: MrzField; problem: MrzProblem; value: string };

export type MrzResult<T> = { ok: true; value: T } | { ok: false; errors: readonly MrzError[] };

const LINE_BREAK = /\r?\n/;
const DATA_CHARS = /[^A-Z0-9<]/g;
const NAME_CHARS = /[^A-Z<]/g;

/** Splits input into three lines: newline-separated, or 90 characters in a row. Surrounding whitespace is ignored. */
function splitLines(text: string): string[] {
  const t = text.trim();
  if (!LINE_BREAK.test(t) && t.length === 3 * TD1_LINE_LENGTH) return [t.slice(0, 30), t.slice(30, 60), t.slice(60)];
  return t.split(LINE_BREAK).map((l) => l.trim());
}

const FILLERS_ONLY = /^<*$/;

/**
 * Verifies one check digit. A field of fillers only may carry '<' instead of '0' as its check
 * digit (ICAO 9303 Part 3 allows this for an unused optional field; accepted here for any).
 */
function verify(errors: MrzError[], check: MrzCheck, data: string, found: string, line: number, column: number): void {
  const expected = String(checkDigit(data));
  if (found === expected) return;
  if (found === '<' && FILLERS_ONLY.test(data)) return;
  errors.push({ kind: 'check_digit', check, line, column, expected, found });
}

/**
 * Reads the fields of a TD1 MRZ. `fields` is null when the shape or a character is wrong; otherwise
 * the fields are read even if a check digit fails, and `errors` lists the failures.
 */
function readTd1(text: string): { fields: Td1 | null; errors: MrzError[] } {
  const lines = splitLines(text);
  if (lines.length !== 3) return { fields: null, errors: [{ kind: 'line_count', count: lines.length }] };
  const errors: MrzError[] = [];
  lines.forEach((l, i) => { if (l.length !== TD1_LINE_LENGTH) errors.push({ kind: 'line_length', line: i + 1, length: l.length }); });
  if (errors.length) return { fields: null, errors };
  const [l1, l2, l3] = lines as [string, string, string];
  for (const [i, l, allowed] of [[1, l1, DATA_CHARS], [2, l2, DATA_CHARS], [3, l3, NAME_CHARS]] as const) {
    for (const m of l.matchAll(allowed)) errors.push({ kind: 'character', line: i, column: m.index + 1, char: m[0] });
  }
  if (errors.length) return { fields: null, errors };

  verify(errors, 'document_number', l1.slice(5, 14), l1[14]!, 1, 15);
  verify(errors, 'birth_date', l2.slice(0, 6), l2[6]!, 2, 7);
  verify(errors, 'expiry_date', l2.slice(8, 14), l2[14]!, 2, 15);
  verify(errors, 'composite', l1.slice(5, 30) + l2.slice(0, 7) + l2.slice(8, 15) + l2.slice(18, 29), l2[29]!, 2, 30);

  const name = l3.replace(/<+$/, '');
  const sep = name.indexOf('<<');
  const primary = sep < 0 ? name : name.slice(0, sep);
  const secondary = sep < 0 ? '' : name.slice(sep + 2);
  return {
    errors,
    fields: {
      documentCode: l1.slice(0, 2), issuingState: l1.slice(2, 5), documentNumber: l1.slice(5, 14), optionalData1: l1.slice(15, 30),
      birthDate: l2.slice(0, 6), sex: l2[7]!, expiryDate: l2.slice(8, 14), nationality: l2.slice(15, 18), optionalData2: l2.slice(18, 29),
      primaryIdentifier: primary.replaceAll('<', ' ').trim(), secondaryIdentifier: secondary.replaceAll('<', ' ').trim(),
    },
  };
}

/** Parses a TD1 MRZ and verifies its four check digits (document number, birth, expiry, composite). */
export function parseTd1(text: string): MrzResult<Td1> {
  const { fields, errors } = readTd1(text);
  return fields && !errors.length ? { ok: true, value: fields } : { ok: false, errors };
}

const pad = (s: string, n: number, field: string): string => {
  if (s.length > n) throw new RangeError(`${field}: longer than ${n} characters`);
  if (s.replace(DATA_CHARS, '') !== s) throw new RangeError(`${field}: characters outside A-Z 0-9 <`);
  return s.padEnd(n, '<');
};

/** The three lines of a TD1 MRZ, with every check digit computed. Throws RangeError on a field that does not fit. */
export function formatTd1(f: Td1): [string, string, string] {
  const doc = pad(f.documentNumber, 9, 'documentNumber');
  const l1 = pad(f.documentCode, 2, 'documentCode') + pad(f.issuingState, 3, 'issuingState') + doc + checkDigit(doc) + pad(f.optionalData1, 15, 'optionalData1');
  const birth = pad(f.birthDate, 6, 'birthDate');
  const expiry = pad(f.expiryDate, 6, 'expiryDate');
  const upToNationality = birth + checkDigit(birth) + pad(f.sex, 1, 'sex') + expiry + checkDigit(expiry) + pad(f.nationality, 3, 'nationality');
  const opt2 = pad(f.optionalData2, 11, 'optionalData2');
  const composite = checkDigit(l1.slice(5, 30) + upToNationality.slice(0, 7) + upToNationality.slice(8, 15) + opt2);
  const toName = (s: string): string => s.trim().replace(/ +/g, '<');
  const primary = toName(f.primaryIdentifier);
  const secondary = toName(f.secondaryIdentifier);
  const name = (secondary ? `${primary}<<${secondary}` : primary).slice(0, TD1_LINE_LENGTH);
  if (name.replace(NAME_CHARS, '') !== name) throw new RangeError('name: characters outside A-Z and <');
  return [l1, upToNationality + opt2 + composite, name.padEnd(TD1_LINE_LENGTH, '<')];
}

// ---- the Vietnamese card ---------------------------------------------------------------------------

/** The expiry field of a card that never expires (unverified, see the module comment). */
export const NEVER_EXPIRES = '<<<<<<';

export type MrzExpiry = { kind: 'on'; date: FullDate } | { kind: 'never' };

export interface VnMrz {
  idNumber: string;
  documentNumber: string;
  birthDate: PartialDate;
  sex: Sex;
  expiry: MrzExpiry;
  surname: string;
  givenNames: string;
}

export interface VnMrzInput {
  idNumber: string;
  fullName: string;
  birthDate: PartialDate;
  sex: Sex;
  expiry: MrzExpiry;
}

const p2 = (n: number): string => String(n % 100).padStart(2, '0');

/** YYMMDD; unknown month or day as fillers (ICAO 9303 Part 3 §4.8). */
function yymmdd(d: PartialDate): string {
  switch (d.kind) {
    case 'full': return p2(d.year) + p2(d.month) + p2(d.day);
    case 'month': return `${p2(d.year) + p2(d.month)}<<`;
    case 'year': return `${p2(d.year)}<<<<`;
  }
}

const ID_12 = /^[0-9]{12}$/;

/** The primary and secondary identifiers of a full name, before they are joined into line 3. */
function vnMrzIdentifiers(fullName: string): [string, string] {
  const parts = splitFullName(fullName);
  const surname = transliterateMrz(parts.family);
  const given = transliterateMrz(`${parts.middle} ${parts.given}`);
  // A one-word name is the primary identifier alone (ICAO 9303 Part 3 §4.6).
  const [primary, secondary] = surname ? [surname, given] : [given, ''];
  if (!primary) throw new RangeError('fullName: nothing left after transliteration');
  return [primary, secondary];
}

/**
 * The name as `parseVnMrz` would read it back from the card of a holder with this full name
 * (transliterated, cut at 30 characters): what a verifier compares a presented MRZ name with.
 * Null when the name has no letters A-Z left after transliteration.
 */
export function vnMrzNameOf(fullName: string): { surname: string; givenNames: string } | null {
  let ids: [string, string];
  try {
    ids = vnMrzIdentifiers(fullName);
  } catch {
    return null;
  }
  const toName = (s: string): string => s.trim().replace(/ +/g, '<');
  const [primary, secondary] = ids.map(toName) as [string, string];
  const name = (secondary ? `${primary}<<${secondary}` : primary).slice(0, TD1_LINE_LENGTH).replace(/<+$/, '');
  const sep = name.indexOf('<<');
  return {
    surname: (sep < 0 ? name : name.slice(0, sep)).replaceAll('<', ' ').trim(),
    givenNames: (sep < 0 ? '' : name.slice(sep + 2)).replaceAll('<', ' ').trim(),
  };
}

/** The three lines for a Vietnamese card. Throws RangeError on an ID that is not 12 digits or a name with no letters A-Z. */
export function formatVnMrz(input: VnMrzInput): [string, string, string] {
  if (!ID_12.test(input.idNumber)) throw new RangeError('idNumber: not 12 digits');
  const [primary, secondary] = vnMrzIdentifiers(input.fullName);
  return formatTd1({
    documentCode: 'ID', issuingState: 'VNM', documentNumber: input.idNumber.slice(3),
    optionalData1: `${input.idNumber}<<${checkDigit(input.idNumber)}`,
    birthDate: yymmdd(input.birthDate), sex: input.sex === 'male' ? 'M' : 'F',
    expiryDate: input.expiry.kind === 'never' ? NEVER_EXPIRES : yymmdd(input.expiry.date),
    nationality: 'VNM', optionalData2: '', primaryIdentifier: primary, secondaryIdentifier: secondary,
  });
}

const YYMMDD = /^([0-9]{2})([0-9]{2}|<<)([0-9]{2}|<<)$/;
const daysIn = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();

function readDate(s: string, year: number): PartialDate | null {
  const m = YYMMDD.exec(s);
  if (!m) return null;
  const [, , mm, dd] = m as unknown as [string, string, string, string];
  if (mm === '<<') return dd === '<<' ? { kind: 'year', year } : null;
  const month = Number(mm);
  if (month < 1 || month > 12) return null;
  if (dd === '<<') return { kind: 'month', year, month };
  const day = Number(dd);
  return day >= 1 && day <= daysIn(year, month) ? { kind: 'full', year, month, day } : null;
}

/**
 * Parses the MRZ of a Vietnamese card: the TD1 check digits, then the layout above, the check digit
 * over the 12-digit ID, and consistency with the ID (the birth century, year and sex it encodes).
 * Every problem found is returned, each naming the check or field.
 */
export function parseVnMrz(text: string): MrzResult<VnMrz> {
  // Check-digit failures do not stop the reading of fields: both are reported together.
  const { fields: f, errors } = readTd1(text);
  if (!f) return { ok: false, errors };
  const field = (name: MrzField, problem: MrzProblem, value: string): void => { errors.push({ kind: 'field', field: name, problem, value }); };

  if (f.documentCode !== 'ID') field('document_code', 'not_ID', f.documentCode);
  if (f.issuingState !== 'VNM') field('issuing_state', 'not_VNM', f.issuingState);
  if (f.nationality !== 'VNM') field('nationality', 'not_VNM', f.nationality);
  const idNumber = f.optionalData1.slice(0, 12);
  const idOk = ID_12.test(idNumber);
  if (!idOk) field('id_number', 'not_12_digits', idNumber);
  else {
    if (f.optionalData1.slice(12, 14) !== '<<') field('optional_data', 'not_fillers', f.optionalData1.slice(12, 14));
    verify(errors, 'id_number', idNumber, f.optionalData1[14]!, 1, 30);
    if (f.documentNumber !== idNumber.slice(3)) field('document_number', /^[0-9]{9}$/.test(f.documentNumber) ? 'differs_from_id_number' : 'not_9_digits', f.documentNumber);
  }
  if (f.optionalData2 !== '<'.repeat(11)) field('optional_data', 'not_fillers', f.optionalData2);

  const sex: Sex | null = f.sex === 'M' ? 'male' : f.sex === 'F' ? 'female' : null;
  if (!sex) field('sex', 'not_M_or_F', f.sex);

  let birthDate: PartialDate | null = null;
  let expiry: MrzExpiry | null = null;
  if (idOk) {
    // The birth century is the one the ID number encodes (its 4th digit), so no clock is needed.
    const d4 = Number(idNumber[3]);
    const idYear = 1900 + 100 * Math.floor(d4 / 2) + Number(idNumber.slice(4, 6));
    if (sex && sex !== (d4 % 2 === 0 ? 'male' : 'female')) field('sex', 'sex_differs_from_id', f.sex);
    const yy = Number(f.birthDate.slice(0, 2));
    birthDate = Number.isInteger(yy) ? readDate(f.birthDate, idYear - (idYear % 100) + yy) : null;
    if (!birthDate) field('birth_date', 'not_a_date', f.birthDate);
    else if (birthDate.year !== idYear) field('birth_date', 'birth_year_differs_from_id', f.birthDate);

    if (f.expiryDate === NEVER_EXPIRES) expiry = { kind: 'never' };
    else if (birthDate) {
      // The expiry year is the first on or after the birth year that ends in these two digits.
      const ey = Number(f.expiryDate.slice(0, 2));
      const d = Number.isInteger(ey) ? readDate(f.expiryDate, birthDate.year + ((ey - (birthDate.year % 100) + 100) % 100)) : null;
      if (!d || d.kind !== 'full') field('expiry_date', 'not_a_date', f.expiryDate);
      else if (compareDates(d, earliestDate(birthDate)) < 0) field('expiry_date', 'expires_before_birth', f.expiryDate);
      else expiry = { kind: 'on', date: d };
    }
  }
  if (!f.primaryIdentifier) field('name', 'empty', f.primaryIdentifier);

  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { idNumber, documentNumber: f.documentNumber, birthDate: birthDate!, sex: sex!, expiry: expiry!, surname: f.primaryIdentifier, givenNames: f.secondaryIdentifier } };
}
