/**
 * The QR code of the chip ID card (front of the 2021 card, back of the 2024 card): UTF-8 text,
 * fields joined by `|` (DOMAIN.md §3):
 *
 *   id12 | old ID (may be empty) | full name | birth ddmmyyyy | Nam/Nữ | permanent address | issue ddmmyyyy
 *
 * Cards issued from 2024 append further, often empty, fields: 7 or more are accepted and the extra
 * ones are kept as read. Assumptions, each marked where it is made:
 * - the old ID is the 9-digit CMND, or a 12-digit CMND (issued 2012-2016 in some provinces);
 * - a partial birth date is written with 00 for the unknown day/month (`0000yyyy`, `00mmyyyy`)
 *   (unverified: no card with a partial birth date was at hand).
 */
import { birthRegistrationCodes, earliestDate, formatDdmmyyyy, nfc, parseDdmmyyyy, type FullDate, type PartialDate, type Sex } from '../vn/index.ts';
import { compareDates } from './validity.ts';

export interface CardQr {
  idNumber: string;
  /** The old ID card (CMND) number, or null when the field is empty. */
  oldIdNumber: string | null;
  fullName: string;
  birthDate: PartialDate;
  sex: Sex;
  address: string;
  issueDate: FullDate;
  /** Fields after the seventh (2024 cards), as read. */
  extra: readonly string[];
}

/** The seven fields in order; `index` in errors is the position in this list (0-based). */
export const QR_FIELDS = ['idNumber', 'oldIdNumber', 'fullName', 'birthDate', 'sex', 'address', 'issueDate'] as const;
export type QrField = (typeof QR_FIELDS)[number];

export type QrProblem =
  | 'empty'
  | 'control_character'
  | 'not_12_digits'
  | 'not_9_or_12_digits'
  | 'unknown_birth_registration_code'
  | 'not_a_date'
  | 'not_nam_or_nu'
  /** The sex encoded in the ID number's 4th digit differs from the sex field. */
  | 'sex_differs_from_id'
  /** The birth year encoded in the ID number differs from the birth date field. */
  | 'birth_year_differs_from_id'
  | 'issued_before_birth';

export type QrError =
  | { kind: 'field_count'; count: number; min: 7 }
  | { kind: 'field'; index: number; field: QrField | 'extra'; problem: QrProblem; value: string };

export type QrParseResult = { ok: true; value: CardQr } | { ok: false; errors: readonly QrError[] };

const SEP = '|';
const DIGITS_12 = /^[0-9]{12}$/;
const OLD_ID = /^(?:[0-9]{9}|[0-9]{12})$/;
const DATE_8 = /^([0-9]{2})([0-9]{2})([0-9]{4})$/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const SEX_TEXT: Record<Sex, string> = { male: 'Nam', female: 'Nữ' };

let knownCodes: ReadonlySet<string> | undefined;
const isKnownCode = (code: string): boolean => {
  knownCodes ??= new Set(birthRegistrationCodes().map((c) => c.code));
  const n = Number(code);
  return knownCodes.has(code) || (n >= 101 && n <= 295); // 101–295: births registered abroad (see vn/id-number.ts)
};

/** Reads ddmmyyyy; 00 for an unknown day or day and month (assumed convention, see above). */
function parseQrDate(s: string): PartialDate | null {
  const m = DATE_8.exec(s);
  if (!m) return null;
  const [, dd, mm, yyyy] = m as unknown as [string, string, string, string];
  if (dd === '00' && mm === '00') return Number(yyyy) >= 1 ? { kind: 'year', year: Number(yyyy) } : null;
  if (dd === '00') return Number(mm) >= 1 && Number(mm) <= 12 && Number(yyyy) >= 1 ? { kind: 'month', year: Number(yyyy), month: Number(mm) } : null;
  return parseDdmmyyyy(s);
}

function formatQrDate(d: PartialDate): string {
  const y = String(d.year).padStart(4, '0');
  switch (d.kind) {
    case 'full': return formatDdmmyyyy(d);
    case 'month': return `00${String(d.month).padStart(2, '0')}${y}`;
    case 'year': return `0000${y}`;
  }
}

/** Parses a scanned payload. NFC-normalises first; surrounding whitespace (a scanner's newline) is ignored. */
export function parseCardQr(payload: string): QrParseResult {
  const fields = payload.normalize('NFC').trim().split(SEP);
  if (fields.length < 7) return { ok: false, errors: [{ kind: 'field_count', count: fields.length, min: 7 }] };
  const errors: QrError[] = [];
  const fail = (index: number, problem: QrProblem): void => {
    errors.push({ kind: 'field', index, field: index < 7 ? QR_FIELDS[index]! : 'extra', problem, value: fields[index]! });
  };
  fields.forEach((f, i) => { if (CONTROL.test(f)) fail(i, 'control_character'); });
  if (errors.length) return { ok: false, errors };

  const [rawId, rawOld, rawName, rawBirth, rawSex, rawAddress, rawIssue] = fields as [string, string, string, string, string, string, string];
  const idNumber = rawId.trim();
  if (!DIGITS_12.test(idNumber)) fail(0, 'not_12_digits');
  else if (!isKnownCode(idNumber.slice(0, 3))) fail(0, 'unknown_birth_registration_code');

  const old = rawOld.trim();
  if (old !== '' && !OLD_ID.test(old)) fail(1, 'not_9_or_12_digits');

  const fullName = nfc(rawName);
  if (fullName === '') fail(2, 'empty');

  const birthDate = parseQrDate(rawBirth.trim());
  if (!birthDate) fail(3, 'not_a_date');

  const sexText = nfc(rawSex).toLowerCase();
  const sex: Sex | null = sexText === 'nam' ? 'male' : sexText === 'nữ' ? 'female' : null;
  if (!sex) fail(4, 'not_nam_or_nu');

  const address = nfc(rawAddress);
  if (address === '') fail(5, 'empty');

  const issueDate = parseDdmmyyyy(rawIssue.trim());
  if (!issueDate) fail(6, 'not_a_date');

  // Cross-field checks, only between fields that read correctly on their own.
  if (errors.length === 0) {
    const d4 = Number(idNumber[3]);
    if (sex !== (d4 % 2 === 0 ? 'male' : 'female')) fail(4, 'sex_differs_from_id');
    const idYear = 1900 + 100 * Math.floor(d4 / 2) + Number(idNumber.slice(4, 6));
    if (birthDate!.year !== idYear) fail(3, 'birth_year_differs_from_id');
    if (compareDates(issueDate!, earliestDate(birthDate!)) < 0) fail(6, 'issued_before_birth');
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    value: { idNumber, oldIdNumber: old === '' ? null : old, fullName, birthDate: birthDate!, sex: sex!, address, issueDate: issueDate!, extra: fields.slice(7) },
  };
}

/**
 * The payload for a card. Text is NFC-normalised; throws RangeError on a value the format cannot
 * carry (a `|` or control character, an ID that is not 12 digits, an old ID that is not 9 or 12).
 */
export function formatCardQr(card: Omit<CardQr, 'extra'> & { extra?: readonly string[] }): string {
  if (!DIGITS_12.test(card.idNumber)) throw new RangeError('idNumber: not 12 digits');
  if (card.oldIdNumber !== null && !OLD_ID.test(card.oldIdNumber)) throw new RangeError('oldIdNumber: not 9 or 12 digits');
  const text = (name: string, s: string): string => {
    const v = nfc(s);
    if (v.includes(SEP) || CONTROL.test(v)) throw new RangeError(`${name}: contains "|" or a control character`);
    return v;
  };
  const fullName = text('fullName', card.fullName);
  const address = text('address', card.address);
  if (!fullName || !address) throw new RangeError('fullName and address must not be empty');
  const extra = (card.extra ?? []).map((e, i) => text(`extra[${i}]`, e));
  return [card.idNumber, card.oldIdNumber ?? '', fullName, formatQrDate(card.birthDate), SEX_TEXT[card.sex], address, formatDdmmyyyy(card.issueDate), ...extra].join(SEP);
}
