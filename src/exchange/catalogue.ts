/**
 * The service catalogue of the data exchange: each service with the fields (scopes) a grant may
 * name, the purposes it may be used for, the legal bases it accepts, and its default daily quota.
 * Kept in code (reviewed and versioned with the platform); an admin grants a system a subset.
 *
 * Legal references are examples of where such a basis is found, not legal advice (unverified):
 * the admin writes the exact provision into each grant.
 */
import type { Localised } from '../platform/i18n/lang.ts';

export const SERVICES = ['identity_verification', 'person_data', 'card_status', 'card_verification', 'bulk_verification', 'event_subscription'] as const;
export type ServiceCode = (typeof SERVICES)[number];

export type BasisKind = 'provision' | 'consent';

/** Fields a partner may send for comparison, and the facts verification may return. */
export const VERIFY_FIELDS = ['fullName', 'birthDate', 'sex', 'cardIssueDate', 'phone', 'personStatus', 'cardValid'] as const;
export type VerifyField = (typeof VERIFY_FIELDS)[number];

/** Fields of the person record the person-data service can release (names of registry's PersonRecord). */
export const RECORD_FIELDS = [
  'fullName', 'otherNames', 'sex', 'birthDate', 'status', 'deathDate', 'nationality', 'ethnicity', 'religion',
  'birthRegistration', 'origin', 'maritalStatus', 'fatherId', 'motherId', 'spouseId',
  'permanentResidence', 'temporaryResidence', 'currentResidence', 'household',
] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

/** Yes/no questions answered without releasing the record (minimal disclosure). */
export const QUESTION_FIELDS = ['question.age_at_least', 'question.resides_in', 'question.household_member_of'] as const;
export type QuestionField = (typeof QUESTION_FIELDS)[number];

export const CARD_FIELDS = ['card.status', 'card.expiryDate'] as const;

/** How a card may be presented for verification: its printed QR code, its MRZ, or its chip as an NFC reader read it. */
export const CARD_VERIFY_FIELDS = ['card.qr', 'card.mrz', 'card.chip'] as const;
export type CardVerifyField = (typeof CARD_VERIFY_FIELDS)[number];

/** Life events a system can subscribe to (outbox topics, docs/events.md). */
export const EVENT_TOPICS = ['person.deceased', 'card.revoked', 'card.reported_lost', 'residence.permanent_registered', 'residence.permanent_deregistered', 'residence.temporary_registered', 'residence.current_changed'] as const;
export type EventTopic = (typeof EVENT_TOPICS)[number];

export interface Purpose {
  code: string;
  label: Localised;
}

/** Purposes a grant or a consent may name. */
export const PURPOSES: readonly Purpose[] = [
  { code: 'sim_registration', label: { vi: 'Đăng ký, chuẩn hoá thông tin thuê bao di động', en: 'Mobile subscriber registration and clean-up' } },
  { code: 'account_opening', label: { vi: 'Mở tài khoản, định danh khách hàng điện tử (eKYC)', en: 'Account opening, electronic know-your-customer (eKYC)' } },
  { code: 'credit_assessment', label: { vi: 'Thẩm định cho vay tiêu dùng tín chấp', en: 'Assessment of unsecured consumer loans' } },
  { code: 'customer_due_diligence', label: { vi: 'Rà soát khách hàng (phòng, chống rửa tiền)', en: 'Customer due diligence (anti-money laundering)' } },
  { code: 'health_insurance', label: { vi: 'Khám chữa bệnh bảo hiểm y tế bằng thẻ căn cước', en: 'Health-insurance treatment with the ID card' } },
  { code: 'school_enrolment', label: { vi: 'Tuyển sinh, quản lý học sinh, sinh viên', en: 'School enrolment and student records' } },
  { code: 'social_security', label: { vi: 'Chi trả an sinh xã hội qua tài khoản', en: 'Social-security payments to personal accounts' } },
  { code: 'public_service', label: { vi: 'Giải quyết thủ tục hành chính, dịch vụ công', en: 'Administrative procedures and public services' } },
  { code: 'database_linking', label: { vi: 'Kết nối, làm giàu cơ sở dữ liệu chuyên ngành', en: 'Linking and enriching a sector database' } },
  { code: 'membership', label: { vi: 'Quản lý hội viên, đoàn viên', en: 'Union or association membership' } },
];

export const PURPOSE_CODES = PURPOSES.map((p) => p.code);

export interface ServiceDef {
  code: ServiceCode;
  name: Localised;
  description: Localised;
  fields: readonly string[];
  purposes: readonly string[];
  bases: readonly BasisKind[];
  /** Examples of provisions such a grant may rest on (unverified references). */
  provisionExamples: readonly string[];
  /** Default daily quota (calls, or rows for bulk verification) when a grant sets none. */
  defaultQuotaPerDay: number;
}

const ALL = PURPOSE_CODES;

export const CATALOGUE: Record<ServiceCode, ServiceDef> = {
  identity_verification: {
    code: 'identity_verification',
    name: { vi: 'Xác thực thông tin công dân', en: 'Identity verification' },
    description: { vi: 'So khớp số định danh, họ tên, ngày sinh (và giới tính, ngày cấp thẻ, số điện thoại) với CSDL quốc gia về dân cư; trả về khớp/không khớp từng trường, còn sống hay đã mất, thẻ còn hiệu lực hay không — không trả dữ liệu nào khác.', en: 'Matches an ID number, full name and date of birth (and sex, card issue date, phone) against the population database; answers match/mismatch per field, living or deceased, card valid or not — nothing else.' },
    fields: VERIFY_FIELDS,
    purposes: ALL,
    bases: ['provision', 'consent'],
    provisionExamples: ['Luật Căn cước 2023, Điều 10', 'Nghị định 69/2024/NĐ-CP, Điều 15'],
    defaultQuotaPerDay: 1_000_000,
  },
  person_data: {
    code: 'person_data',
    name: { vi: 'Khai thác thông tin công dân', en: 'Person data' },
    description: { vi: 'Các trường thông tin được cấp, cho một mục đích, khi có căn cứ pháp lý trong quyết định cấp quyền hoặc sự đồng ý của công dân; và các câu hỏi có/không không trả dữ liệu (đủ tuổi, cư trú tại, cùng hộ với).', en: 'The granted fields, for a stated purpose, under a provision in the grant or the citizen\'s consent; and yes/no questions that release no data (age, residence, household).' },
    fields: [...RECORD_FIELDS, ...QUESTION_FIELDS],
    purposes: ALL,
    bases: ['provision', 'consent'],
    provisionExamples: ['Luật Căn cước 2023, Điều 10', 'Nghị định 13/2023/NĐ-CP, Điều 17'],
    defaultQuotaPerDay: 100_000,
  },
  card_status: {
    code: 'card_status',
    name: { vi: 'Tình trạng thẻ căn cước', en: 'ID card status' },
    description: { vi: 'Tình trạng hiện tại của thẻ căn cước của công dân (còn hiệu lực, hết hạn, báo mất, bị thu hồi, chưa có thẻ).', en: 'The current status of a person\'s ID card (valid, expired, reported lost, revoked, none).' },
    fields: CARD_FIELDS,
    purposes: ALL,
    bases: ['provision', 'consent'],
    provisionExamples: ['Luật Căn cước 2023, Điều 10'],
    defaultQuotaPerDay: 1_000_000,
  },
  card_verification: {
    code: 'card_verification',
    name: { vi: 'Xác thực thẻ căn cước', en: 'ID card verification' },
    description: { vi: 'Kiểm tra thẻ căn cước do công dân xuất trình — mã QR, vùng MRZ hoặc chip (DG1, DG2, DG13 và SOD, xác thực thụ động) — với CSDL: kết quả từng phép kiểm tra và thẻ còn hiệu lực hay không; không trả dữ liệu nào khác. Phạm vi là cách xuất trình được phép.', en: 'Checks an ID card a citizen presents — its QR code, its MRZ or its chip (DG1, DG2, DG13 and SOD, passive authentication) — against the registry: the verdict of each check and whether the card is valid; nothing else. The scopes are the ways of presenting allowed.' },
    fields: CARD_VERIFY_FIELDS,
    purposes: ALL,
    bases: ['provision', 'consent'],
    provisionExamples: ['Luật Căn cước 2023, Điều 10'],
    defaultQuotaPerDay: 1_000_000,
  },
  bulk_verification: {
    code: 'bulk_verification',
    name: { vi: 'Xác thực theo lô', en: 'Bulk verification' },
    description: { vi: 'Tải lên tệp CSV hoặc JSON lines gồm hàng triệu bản ghi; xác thực bất đồng bộ với tiến độ, kết quả từng dòng trong tệp tải về.', en: 'Upload a CSV or JSON-lines file of millions of records; verified asynchronously with progress and a per-row result file.' },
    fields: VERIFY_FIELDS,
    purposes: ALL,
    bases: ['provision', 'consent'],
    provisionExamples: ['Nghị định 163/2024/NĐ-CP (thuê bao di động)', 'Thông tư 17/2024/TT-NHNN (tài khoản thanh toán)'],
    defaultQuotaPerDay: 20_000_000,
  },
  event_subscription: {
    code: 'event_subscription',
    name: { vi: 'Đăng ký nhận sự kiện', en: 'Event subscription' },
    description: { vi: 'Nhận thông báo (ký JWS) khi công dân mà hệ thống có quan hệ hợp pháp qua đời, bị thu hồi hoặc báo mất thẻ, thay đổi nơi cư trú.', en: 'Signed (JWS) notifications when people the system has a lawful relationship with die, have their card revoked or reported lost, or change residence.' },
    fields: EVENT_TOPICS,
    purposes: ALL,
    bases: ['provision', 'consent'],
    provisionExamples: ['Luật Căn cước 2023, Điều 10'],
    defaultQuotaPerDay: 1_000_000,
  },
};

export const FIELD_LABELS: Record<string, Localised> = {
  fullName: { vi: 'Họ, chữ đệm và tên', en: 'Full name' },
  otherNames: { vi: 'Tên gọi khác', en: 'Other names' },
  sex: { vi: 'Giới tính', en: 'Sex' },
  birthDate: { vi: 'Ngày sinh', en: 'Date of birth' },
  status: { vi: 'Tình trạng (còn sống, đã mất, mất tích)', en: 'Status (living, deceased, missing)' },
  deathDate: { vi: 'Ngày mất', en: 'Date of death' },
  nationality: { vi: 'Quốc tịch', en: 'Nationality' },
  ethnicity: { vi: 'Dân tộc', en: 'Ethnicity' },
  religion: { vi: 'Tôn giáo', en: 'Religion' },
  birthRegistration: { vi: 'Nơi đăng ký khai sinh', en: 'Place of birth registration' },
  origin: { vi: 'Quê quán', en: 'Place of origin' },
  maritalStatus: { vi: 'Tình trạng hôn nhân', en: 'Marital status' },
  fatherId: { vi: 'Số định danh của cha', en: 'Father\'s ID number' },
  motherId: { vi: 'Số định danh của mẹ', en: 'Mother\'s ID number' },
  spouseId: { vi: 'Số định danh của vợ/chồng', en: 'Spouse\'s ID number' },
  permanentResidence: { vi: 'Nơi thường trú', en: 'Permanent residence' },
  temporaryResidence: { vi: 'Nơi tạm trú', en: 'Temporary residence' },
  currentResidence: { vi: 'Nơi ở hiện tại', en: 'Current place of living' },
  household: { vi: 'Hộ gia đình, quan hệ với chủ hộ', en: 'Household and relation to its head' },
  cardIssueDate: { vi: 'Ngày cấp thẻ', en: 'Card issue date' },
  phone: { vi: 'Số điện thoại', en: 'Phone number' },
  personStatus: { vi: 'Còn sống hay đã mất', en: 'Living or deceased' },
  cardValid: { vi: 'Thẻ còn hiệu lực hay không', en: 'Whether the card is valid' },
  'question.age_at_least': { vi: 'Câu hỏi: đủ một độ tuổi', en: 'Question: at least an age' },
  'question.resides_in': { vi: 'Câu hỏi: cư trú tại một tỉnh/xã', en: 'Question: resides in a province/commune' },
  'question.household_member_of': { vi: 'Câu hỏi: cùng hộ gia đình với một người', en: 'Question: member of someone\'s household' },
  'card.status': { vi: 'Tình trạng thẻ căn cước', en: 'ID card status' },
  'card.expiryDate': { vi: 'Ngày hết hạn thẻ', en: 'Card expiry date' },
  'card.qr': { vi: 'Xác thực thẻ bằng mã QR', en: 'Card verification by its QR code' },
  'card.mrz': { vi: 'Xác thực thẻ bằng vùng đọc máy (MRZ)', en: 'Card verification by its MRZ' },
  'card.chip': { vi: 'Xác thực chip thẻ (xác thực thụ động)', en: 'Card chip verification (passive authentication)' },
  address: { vi: 'Nơi cư trú in trên thẻ', en: 'Place of residence printed on the card' },
  issueDate: { vi: 'Ngày cấp thẻ', en: 'Card issue date' },
  expiryDate: { vi: 'Ngày hết hạn thẻ', en: 'Card expiry date' },
  'person.deceased': { vi: 'Sự kiện: công dân qua đời', en: 'Event: death' },
  'card.revoked': { vi: 'Sự kiện: thẻ bị thu hồi', en: 'Event: card revoked' },
  'card.reported_lost': { vi: 'Sự kiện: thẻ báo mất', en: 'Event: card reported lost' },
  'residence.permanent_registered': { vi: 'Sự kiện: đăng ký thường trú', en: 'Event: permanent residence registered' },
  'residence.permanent_deregistered': { vi: 'Sự kiện: xoá đăng ký thường trú', en: 'Event: permanent residence deregistered' },
  'residence.temporary_registered': { vi: 'Sự kiện: đăng ký tạm trú', en: 'Event: temporary residence registered' },
  'residence.current_changed': { vi: 'Sự kiện: thay đổi nơi ở hiện tại', en: 'Event: current place of living changed' },
};

/** Ages the "at least" question may ask about (a free number would let a caller find the exact age). */
export const QUESTION_AGES = [14, 15, 16, 18, 21, 60] as const;

export function purposeLabel(code: string): Localised {
  return PURPOSES.find((p) => p.code === code)?.label ?? { vi: code, en: code };
}

export function fieldLabel(f: string): Localised {
  return FIELD_LABELS[f] ?? { vi: f, en: f };
}
