/**
 * Verification of a card for a relying party: the QR payload or the MRZ as scanned, or the chip as
 * an NFC reader read it. Each presented value is compared with the registry and the card records,
 * and the answer says, field by field, `match`, `mismatch`, `not_provided` (absent from what was
 * presented) or `not_checked` (the registry holds nothing to compare it with), plus the status of
 * the card the presented data designates. The answer never carries a registry value: only
 * verdicts about what the caller sent, and the card's status.
 *
 * Decisions (see README.md):
 * - No jurisdiction limit: a card is presented anywhere in the country, and a refusal naming the
 *   holder's province would itself disclose a registry value.
 * - QR and MRZ are printed data: they designate a card by issue date (QR) or expiry (MRZ). When a
 *   re-issued card carries the same data as an earlier one (a lost card re-issued in the same
 *   validity period has the same MRZ), the newest such card is the one reported. Only the chip
 *   (the SOD's hash) identifies one physical card.
 * - Every verification that reaches the registry is audited as a read of the holder's data: the
 *   actor, the fields compared, and the outcome. Malformed input is refused (400) before any read.
 */
import type { Kysely } from 'kysely';
import type { ActorKind, AuditWriter } from '../platform/audit/index.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError, defineErrors, type FieldError } from '../platform/http/errors.ts';
import type { Localised } from '../platform/i18n/lang.ts';
import { registryStore } from '../registry/registry.store.ts';
import type { PersonRow } from '../registry/registry.types.ts';
import { nfc, vnCalendarDate, type PartialDate } from '../vn/index.ts';
import { effectiveStatus, type CardStatus } from './card-lifecycle.ts';
import { cardsStore, type CardRow } from './cards.store.ts';
import { birthDateOf, iso, residenceText, type CardsService } from './cards.service.ts';
import { decodeDg1 } from './lds.ts';
import { parseVnMrz, vnMrzNameOf, type MrzError, type MrzExpiry, type VnMrz } from './mrz.ts';
import type { PaReport } from './passive-auth.ts';
import { parseCardQr, QR_FIELDS, type CardQr, type QrError } from './qr.ts';

export const VerifyErrors = defineErrors({
  CARDS_QR_MALFORMED: { status: 400, vi: 'Không đọc được nội dung mã QR ({count} lỗi); xem từng lỗi trong danh sách.', en: 'The QR payload could not be read ({count} problems); see each one in the list.' },
  CARDS_MRZ_MALFORMED: { status: 400, vi: 'Không đọc được vùng đọc máy (MRZ) ({count} lỗi); xem từng lỗi trong danh sách.', en: 'The machine-readable zone could not be read ({count} problems); see each one in the list.' },
});

export type FieldResult = 'match' | 'mismatch' | 'not_provided' | 'not_checked';
export const FIELD_RESULTS = ['match', 'mismatch', 'not_provided', 'not_checked'] as const satisfies readonly FieldResult[];
/** The status of the card the presented data designates; `unknown` when no card of the person matches it. */
export type CardCheck = CardStatus | 'unknown' | 'not_checked';

export const QR_COMPARED = ['fullName', 'birthDate', 'sex', 'address', 'issueDate', 'oldIdNumber'] as const;
export const MRZ_COMPARED = ['fullName', 'birthDate', 'sex', 'nationality', 'expiryDate'] as const;
export type QrCompared = (typeof QR_COMPARED)[number];
export type MrzCompared = (typeof MRZ_COMPARED)[number];

export interface FieldVerification<F extends string> {
  /** True when the person was found, no compared field differs and the card designated is valid. */
  ok: boolean;
  checkedAt: string;
  /** As presented. */
  idNumber: string;
  person: 'found' | 'not_found';
  fields: Record<F, FieldResult>;
  card: { status: CardCheck };
}
export type QrVerification = FieldVerification<QrCompared>;
export type MrzVerification = FieldVerification<MrzCompared>;
export type ChipVerification = { ok: boolean; checkedAt: string; checks: PaReport['checks'][number][]; failures: string[] };

/** Who verifies: an officer through the API, the CLI (system), later a partner. */
export interface Verifier {
  kind: ActorKind;
  id: string;
  requestId: string | null;
}

export interface VerifyOptions {
  /** Why the card is checked, for the audit log (default: card verification). */
  purpose?: string;
}

const DEFAULT_PURPOSE = 'Xác thực thẻ căn cước / card verification';

// ---- comparisons -------------------------------------------------------------------------------

/** Text as printed compares equal whatever its Unicode form, spacing around commas or letter case. */
const textKey = (s: string): string => nfc(s).replace(/\s+/g, ' ').replace(/ ?, ?/g, ', ').trim().toLocaleLowerCase('vi');

const sameDate = (a: PartialDate, b: PartialDate): boolean =>
  a.kind === b.kind && a.year === b.year && (a.kind === 'year' || (a.month === (b as typeof a).month && (a.kind === 'month' || a.day === (b as typeof a).day)));

const verdict = (same: boolean): FieldResult => (same ? 'match' : 'mismatch');

/** The newest card for which `pick` holds, with its status today. */
function designated(cards: readonly CardRow[], pick: (c: CardRow) => boolean, today: string): CardCheck {
  const c = cards.find(pick); // cards come newest first
  return c ? effectiveStatus(c.status, c.expiry_date, today) : 'unknown';
}

const expiryIso = (e: MrzExpiry): string | null => (e.kind === 'never' ? null : iso(e.date));

// ---- parser errors as field errors ---------------------------------------------------------------

const QR_FIELD_TEXT: Record<(typeof QR_FIELDS)[number] | 'extra', Localised> = {
  idNumber: { vi: 'số định danh cá nhân', en: 'personal ID number' },
  oldIdNumber: { vi: 'số CMND cũ', en: 'old ID card number' },
  fullName: { vi: 'họ, chữ đệm và tên', en: 'full name' },
  birthDate: { vi: 'ngày sinh', en: 'date of birth' },
  sex: { vi: 'giới tính', en: 'sex' },
  address: { vi: 'nơi cư trú', en: 'place of residence' },
  issueDate: { vi: 'ngày cấp', en: 'date of issue' },
  extra: { vi: 'trường bổ sung', en: 'additional field' },
};

const QR_PROBLEM_TEXT: Record<Extract<QrError, { kind: 'field' }>['problem'], Localised> = {
  empty: { vi: 'đang trống', en: 'is empty' },
  control_character: { vi: 'chứa ký tự điều khiển', en: 'contains a control character' },
  not_12_digits: { vi: 'không gồm đúng 12 chữ số', en: 'is not exactly 12 digits' },
  not_9_or_12_digits: { vi: 'không gồm 9 hoặc 12 chữ số', en: 'is not 9 or 12 digits' },
  unknown_birth_registration_code: { vi: 'có 3 chữ số đầu không phải mã nơi đăng ký khai sinh', en: 'does not start with a birth registration code' },
  not_a_date: { vi: 'không phải ngày hợp lệ dạng ddmmyyyy', en: 'is not a valid ddmmyyyy date' },
  not_nam_or_nu: { vi: 'phải là "Nam" hoặc "Nữ"', en: 'must be "Nam" or "Nữ"' },
  sex_differs_from_id: { vi: 'khác giới tính mà số định danh mã hoá', en: 'differs from the sex the ID number encodes' },
  birth_year_differs_from_id: { vi: 'có năm sinh khác năm sinh mà số định danh mã hoá', en: 'has a year other than the birth year the ID number encodes' },
  issued_before_birth: { vi: 'sớm hơn ngày sinh', en: 'is before the date of birth' },
};

/** One field error per parser error: `payload.<field>` and the problem as its code. */
export function qrFieldErrors(errors: readonly QrError[]): FieldError[] {
  return errors.map((e) => {
    if (e.kind === 'field_count') {
      return { field: 'payload', code: 'field_count', message: { vi: `Cần ít nhất ${e.min} trường ngăn cách bởi "|", đọc được ${e.count}.`, en: `At least ${e.min} fields separated by "|" are needed; ${e.count} were read.` } };
    }
    const label = QR_FIELD_TEXT[e.field];
    const problem = QR_PROBLEM_TEXT[e.problem];
    const n = e.index + 1;
    return {
      field: e.field === 'extra' ? `payload.extra.${e.index - 7}` : `payload.${e.field}`,
      code: e.problem,
      message: { vi: `Trường thứ ${n} (${label.vi}) ${problem.vi}.`, en: `Field ${n} (${label.en}) ${problem.en}.` },
    };
  });
}

const MRZ_CHECK_TEXT: Record<Extract<MrzError, { kind: 'check_digit' }>['check'], Localised> = {
  document_number: { vi: 'số giấy tờ', en: 'document number' },
  birth_date: { vi: 'ngày sinh', en: 'date of birth' },
  expiry_date: { vi: 'ngày hết hạn', en: 'date of expiry' },
  composite: { vi: 'tổng hợp', en: 'composite' },
  id_number: { vi: 'số định danh cá nhân', en: 'personal ID number' },
};

const MRZ_FIELD_TEXT: Record<Extract<MrzError, { kind: 'field' }>['field'], Localised> = {
  document_code: { vi: 'Mã loại giấy tờ', en: 'Document code' },
  issuing_state: { vi: 'Quốc gia cấp', en: 'Issuing state' },
  document_number: { vi: 'Số giấy tờ', en: 'Document number' },
  id_number: { vi: 'Số định danh cá nhân', en: 'Personal ID number' },
  birth_date: { vi: 'Ngày sinh', en: 'Date of birth' },
  sex: { vi: 'Giới tính', en: 'Sex' },
  expiry_date: { vi: 'Ngày hết hạn', en: 'Date of expiry' },
  nationality: { vi: 'Quốc tịch', en: 'Nationality' },
  optional_data: { vi: 'Vùng dữ liệu tuỳ chọn', en: 'Optional data' },
  name: { vi: 'Họ tên', en: 'Name' },
};

const MRZ_PROBLEM_TEXT: Record<Extract<MrzError, { kind: 'field' }>['problem'], Localised> = {
  not_ID: { vi: 'phải là "ID"', en: 'must be "ID"' },
  not_VNM: { vi: 'phải là "VNM"', en: 'must be "VNM"' },
  not_12_digits: { vi: 'không gồm đúng 12 chữ số', en: 'is not exactly 12 digits' },
  not_9_digits: { vi: 'không gồm đúng 9 chữ số', en: 'is not exactly 9 digits' },
  differs_from_id_number: { vi: 'phải là 9 chữ số cuối của số định danh cá nhân', en: 'must be the last 9 digits of the personal ID number' },
  not_a_date: { vi: 'không phải ngày hợp lệ dạng YYMMDD', en: 'is not a valid YYMMDD date' },
  not_M_or_F: { vi: 'phải là "M" hoặc "F"', en: 'must be "M" or "F"' },
  sex_differs_from_id: { vi: 'khác giới tính mà số định danh mã hoá', en: 'differs from the sex the ID number encodes' },
  birth_year_differs_from_id: { vi: 'có năm khác năm sinh mà số định danh mã hoá', en: 'has a year other than the birth year the ID number encodes' },
  expires_before_birth: { vi: 'sớm hơn ngày sinh', en: 'is before the date of birth' },
  not_fillers: { vi: 'phải là ký tự đệm "<"', en: 'must be fillers "<"' },
  empty: { vi: 'đang trống', en: 'is empty' },
};

/** One field error per parser error: `mrz` (shape), `mrz.line<n>` (length, character), `mrz.<check or field>`. */
export function mrzFieldErrors(errors: readonly MrzError[]): FieldError[] {
  return errors.map((e): FieldError => {
    switch (e.kind) {
      case 'line_count':
        return { field: 'mrz', code: 'line_count', message: { vi: `Vùng MRZ gồm 3 dòng 30 ký tự, đọc được ${e.count} dòng.`, en: `An MRZ has 3 lines of 30 characters; ${e.count} lines were read.` } };
      case 'line_length':
        return { field: `mrz.line${e.line}`, code: 'line_length', message: { vi: `Dòng ${e.line} dài ${e.length} ký tự, cần đúng 30.`, en: `Line ${e.line} is ${e.length} characters long; it must be 30.` } };
      case 'character':
        return { field: `mrz.line${e.line}`, code: 'character', message: { vi: `Dòng ${e.line}, cột ${e.column}: ký tự ${JSON.stringify(e.char)} không được phép (chỉ A-Z, 0-9 và <).`, en: `Line ${e.line}, column ${e.column}: character ${JSON.stringify(e.char)} is not allowed (only A-Z, 0-9 and <).` } };
      case 'check_digit': {
        const c = MRZ_CHECK_TEXT[e.check];
        return { field: `mrz.${e.check}`, code: 'check_digit', message: { vi: `Chữ số kiểm tra ${c.vi} (dòng ${e.line}, cột ${e.column}) sai: tính được ${e.expected}, đọc được ${e.found}.`, en: `The ${c.en} check digit (line ${e.line}, column ${e.column}) is wrong: ${e.expected} computed, ${e.found} read.` } };
      }
      case 'field': {
        const f = MRZ_FIELD_TEXT[e.field];
        const p = MRZ_PROBLEM_TEXT[e.problem];
        return { field: `mrz.${e.field}`, code: e.problem, message: { vi: `${f.vi} ${JSON.stringify(e.value)} ${p.vi}.`, en: `${f.en} ${JSON.stringify(e.value)} ${p.en}.` } };
      }
    }
  });
}

/** The QR payload as scanned, read; malformed → 400 `CARDS_QR_MALFORMED` naming each field and problem. */
export function readCardQr(payload: string): CardQr {
  const parsed = parseCardQr(payload);
  if (!parsed.ok) throw new AppError('CARDS_QR_MALFORMED', { count: parsed.errors.length }, qrFieldErrors(parsed.errors));
  return parsed.value;
}

/** The MRZ as scanned, read; malformed → 400 `CARDS_MRZ_MALFORMED` naming each check or field. */
export function readCardMrz(text: string): VnMrz {
  const parsed = parseVnMrz(text);
  if (!parsed.ok) throw new AppError('CARDS_MRZ_MALFORMED', { count: parsed.errors.length }, mrzFieldErrors(parsed.errors));
  return parsed.value;
}

/** What a QR or MRZ verification found, before it is audited. */
export type Verdicts<F extends string> = Omit<FieldVerification<F>, 'ok' | 'checkedAt' | 'idNumber'>;

/** The verdict as a whole: ok when the person was found, no compared field differs and the card is valid. */
export function summarise<F extends string>(result: Verdicts<F>): { ok: boolean; outcome: 'person_not_found' | 'match' | 'mismatch' | 'card_not_valid'; compared: F[]; mismatched: F[] } {
  const entries = Object.entries(result.fields) as Array<[F, FieldResult]>;
  const compared = entries.filter(([, r]) => r === 'match' || r === 'mismatch').map(([f]) => f);
  const mismatched = entries.filter(([, r]) => r === 'mismatch').map(([f]) => f);
  const ok = result.person === 'found' && mismatched.length === 0 && result.card.status === 'valid';
  const outcome = result.person === 'not_found' ? 'person_not_found' : ok ? 'match' : mismatched.length ? 'mismatch' : 'card_not_valid';
  return { ok, outcome, compared, mismatched };
}

// ---- the service -------------------------------------------------------------------------------

/** Card verification against the registry and the card records; every verification is audited. */
export class CardVerification {
  constructor(
    private readonly db: Kysely<any>,
    private readonly clock: Clock,
    private readonly audit: AuditWriter,
    private readonly cards: CardsService,
  ) {}

  private async lookup(idNumber: string): Promise<{ person: PersonRow | null; cards: CardRow[] }> {
    const [person, cards] = await Promise.all([registryStore.person(this.db, idNumber), cardsStore.cards(this.db, idNumber)]);
    return { person: person ?? null, cards };
  }

  private async record<F extends string>(who: Verifier, kind: 'qr' | 'mrz', idNumber: string, result: Verdicts<F>, at: Date, opts: VerifyOptions): Promise<FieldVerification<F>> {
    const { ok, outcome, compared, mismatched } = summarise(result);
    await this.audit.append({
      at, actorKind: who.kind, actorId: who.id, action: `cards.verify.${kind}`, subjectKind: 'person', subjectId: idNumber,
      fields: result.person === 'found' ? [...compared, 'card.status'] : [], purpose: opts.purpose ? nfc(opts.purpose) : DEFAULT_PURPOSE, requestId: who.requestId,
      details: { outcome, mismatched, cardStatus: result.card.status },
    });
    return { ok, checkedAt: at.toISOString(), idNumber, ...result };
  }

  /** The QR payload as scanned. Malformed → 400 `CARDS_QR_MALFORMED` naming each field and problem. */
  async qr(who: Verifier, payload: string, opts: VerifyOptions = {}): Promise<QrVerification> {
    const q = readCardQr(payload);
    const at = this.clock.now();
    return this.record(who, 'qr', q.idNumber, await this.compareQr(q, at), at, opts);
  }

  /** Verdicts about a QR as read, on the day of `at`. Not audited: the caller records the read. */
  async compareQr(q: CardQr, at: Date): Promise<Verdicts<QrCompared>> {
    const today = iso(vnCalendarDate(at));
    const { person: p, cards } = await this.lookup(q.idNumber);
    const notChecked = Object.fromEntries(QR_COMPARED.map((f) => [f, 'not_checked'])) as Record<QrCompared, FieldResult>;
    if (!p) return { person: 'not_found', fields: notChecked, card: { status: 'unknown' } };
    const residence = residenceText(p);
    const issue = iso(q.issueDate);
    return {
      person: 'found',
      fields: {
        fullName: verdict(textKey(q.fullName) === textKey(p.full_name)),
        birthDate: verdict(sameDate(q.birthDate, birthDateOf(p))),
        sex: verdict(q.sex === p.sex),
        address: residence === null ? 'not_checked' : verdict(textKey(q.address) === textKey(residence)),
        issueDate: verdict(cards.some((c) => c.issue_date === issue)),
        // The registry keeps no old (CMND) numbers.
        oldIdNumber: q.oldIdNumber === null ? 'not_provided' : 'not_checked',
      },
      card: { status: designated(cards, (c) => c.issue_date === issue, today) },
    };
  }

  /** The MRZ as scanned (3 lines, or 90 characters). Malformed → 400 `CARDS_MRZ_MALFORMED` naming each check or field. */
  async mrz(who: Verifier, text: string, opts: VerifyOptions = {}): Promise<MrzVerification> {
    const m = readCardMrz(text);
    const at = this.clock.now();
    return this.record(who, 'mrz', m.idNumber, await this.compareMrz(m, at), at, opts);
  }

  /** Verdicts about an MRZ as read, on the day of `at`. Not audited: the caller records the read. */
  async compareMrz(m: VnMrz, at: Date): Promise<Verdicts<MrzCompared>> {
    const today = iso(vnCalendarDate(at));
    const { person: p, cards } = await this.lookup(m.idNumber);
    const notChecked = Object.fromEntries(MRZ_COMPARED.map((f) => [f, 'not_checked'])) as Record<MrzCompared, FieldResult>;
    if (!p) return { person: 'not_found', fields: notChecked, card: { status: 'unknown' } };
    const name = vnMrzNameOf(p.full_name);
    const expiry = expiryIso(m.expiry);
    return {
      person: 'found',
      fields: {
        fullName: verdict(name !== null && name.surname === m.surname && name.givenNames === m.givenNames),
        birthDate: verdict(sameDate(m.birthDate, birthDateOf(p))),
        sex: verdict(m.sex === p.sex),
        nationality: verdict(p.nationality === 'VNM'),
        expiryDate: verdict(cards.some((c) => c.expiry_date === expiry)),
      },
      card: { status: designated(cards, (c) => c.expiry_date === expiry, today) },
    };
  }

  /**
   * Passive authentication of a chip as read, then the card's status (CardsService.verifyChip),
   * audited under the ID number DG1 names (when DG1 reads).
   */
  async chip(who: Verifier, input: { sod: Buffer; dataGroups: ReadonlyMap<number, Buffer> }, opts: VerifyOptions = {}): Promise<ChipVerification> {
    const at = this.clock.now();
    const report = await this.cards.verifyChip({ sod: input.sod, dataGroups: input.dataGroups, at });
    let idNumber: string | null = null;
    try {
      const dg1 = input.dataGroups.get(1);
      const mrz = dg1 ? parseVnMrz(decodeDg1(dg1)) : null;
      if (mrz?.ok) idNumber = mrz.value.idNumber;
    } catch {
      // DG1 unreadable: the report says so; the entry names no subject.
    }
    const status = report.checks.find((c) => c.check === 'card_status');
    await this.audit.append({
      at, actorKind: who.kind, actorId: who.id, action: 'cards.verify.chip', subjectKind: idNumber ? 'person' : null, subjectId: idNumber,
      fields: status && status.outcome !== 'not_checked' ? ['card.status'] : [], purpose: opts.purpose ? nfc(opts.purpose) : DEFAULT_PURPOSE, requestId: who.requestId,
      details: { outcome: report.ok ? 'pass' : 'fail', failures: [...report.failures], dataGroups: [...input.dataGroups.keys()].sort((a, b) => a - b) },
    });
    return { ok: report.ok, checkedAt: at.toISOString(), checks: [...report.checks], failures: [...report.failures] };
  }
}
