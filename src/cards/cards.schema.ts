import { Type, type Static, type TProperties } from '@sinclair/typebox';
import { ISSUE_KINDS } from './card-lifecycle.ts';

export const IdNumber = Type.String({ pattern: '^\\d{12}$', description: 'Personal ID number (12 digits) = card number', examples: ['001090012345'] });

export const PersonParams = Type.Object({ idNumber: IdNumber });
export const CardParams = Type.Object({ idNumber: IdNumber, cardNo: Type.Integer({ minimum: 1, maximum: 1000, description: 'The card\'s number among the person\'s cards (1 = first)' }) });

const LegalBasis = Type.String({ maxLength: 300, description: 'Legal basis (law, decree, article)', examples: ['Luật Căn cước 2023, Điều 24'] });
const Reason = Type.Optional(Type.String({ maxLength: 1000 }));

export const IssueBody = Type.Object({
  kind: Type.Union(ISSUE_KINDS.map((k) => Type.Literal(k)), { description: 'first_issue (cấp), renewal (cấp đổi: renewal age, damaged, data changed, unit renamed, on request), reissue (cấp lại: lost, revoked)' }),
  legalBasis: LegalBasis,
  reason: Reason,
}, { additionalProperties: false });
export type IssueBodyT = Static<typeof IssueBody>;

export const StatusBody = Type.Object({ legalBasis: LegalBasis, reason: Reason }, { additionalProperties: false });
export type StatusBodyT = Static<typeof StatusBody>;

export const IdemHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'Retries with the same key and body return the first result without recording twice' })) });

// ---- verification -------------------------------------------------------------------------------

const Purpose = Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: 'Why the card is checked, recorded in the audit log (default: card verification)' }));

export const VerifyQrBody = Type.Object({
  payload: Type.String({ minLength: 1, maxLength: 2000, description: 'The QR code\'s text as scanned (UTF-8, fields joined by "|")', examples: ['001090012345||Nguyễn Văn A|01011990|Nam|Số 1 Phố Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội|10022026'] }),
  purpose: Purpose,
}, { additionalProperties: false });

export const VerifyMrzBody = Type.Object({
  mrz: Type.String({ minLength: 1, maxLength: 200, description: 'The three MRZ lines as scanned, separated by line breaks (or the 90 characters in a row)', examples: ['IDVNM0900123450001090012345<<1\n9001011M3001019VNM<<<<<<<<<<<2\nNGUYEN<<VAN<A<<<<<<<<<<<<<<<<<'] }),
  purpose: Purpose,
}, { additionalProperties: false });

const Base64 = (description: string, maxLength: number) => Type.String({ pattern: '^[A-Za-z0-9+/]+={0,2}$', minLength: 4, maxLength, description });
const DG_NUMBERS = Array.from({ length: 16 }, (_, i) => i + 1);

export const VerifyChipBody = Type.Object({
  sod: Base64('EF.SOD as read, base64', 90_000),
  dataGroups: Type.Object(
    Object.fromEntries(DG_NUMBERS.map((n) => [`DG${n}`, n === 1 ? Base64('EF.DG1 as read, base64 (required: it names the card)', 2_000) : Type.Optional(Base64(`EF.DG${n} as read, base64`, 600_000))])) as { DG1: ReturnType<typeof Base64> } & Record<string, ReturnType<typeof Base64>>,
    { additionalProperties: false, description: 'The data groups read, each the whole elementary file: DG1 (MRZ) is required, others as the reader read them' },
  ),
  purpose: Purpose,
}, { additionalProperties: false });
export type VerifyChipBodyT = { sod: string; dataGroups: Record<string, string | undefined>; purpose?: string };

const FieldResult = Type.Union([Type.Literal('match'), Type.Literal('mismatch'), Type.Literal('not_provided'), Type.Literal('not_checked')], { description: 'match / mismatch with the registry; not_provided: absent from what was presented; not_checked: the registry holds nothing to compare with' });
const CardCheck = Type.Union([Type.Literal('valid'), Type.Literal('superseded'), Type.Literal('reported_lost'), Type.Literal('revoked'), Type.Literal('expired'), Type.Literal('unknown'), Type.Literal('not_checked')], { description: 'Status of the card the presented data designates (by issue date for a QR, by expiry for an MRZ); unknown: no card of the person matches' });

const fieldVerification = <F extends TProperties>(fields: F) => Type.Object({
  ok: Type.Boolean({ description: 'The person was found, no compared field differs, and the card is valid' }),
  checkedAt: Type.String({ format: 'date-time' }),
  idNumber: IdNumber,
  person: Type.Union([Type.Literal('found'), Type.Literal('not_found')]),
  fields: Type.Object(fields),
  card: Type.Object({ status: CardCheck }),
}, { description: 'Verdicts about the presented data only: no registry value is returned' });

export const QrVerificationSchema = fieldVerification({ fullName: FieldResult, birthDate: FieldResult, sex: FieldResult, address: FieldResult, issueDate: FieldResult, oldIdNumber: FieldResult });
export const MrzVerificationSchema = fieldVerification({ fullName: FieldResult, birthDate: FieldResult, sex: FieldResult, nationality: FieldResult, expiryDate: FieldResult });

export const ChipVerificationSchema = Type.Object({
  ok: Type.Boolean({ description: 'No check failed' }),
  checkedAt: Type.String({ format: 'date-time' }),
  checks: Type.Array(Type.Object({
    check: Type.String({ description: 'sod, dg_hash, sod_signature, signer_chain, signer_validity, document_expiry, card_status' }),
    dataGroup: Type.Optional(Type.Integer()),
    outcome: Type.String({ description: 'pass, a named failure (e.g. dg_hash_mismatch, signer_not_trusted, card_revoked), not_presented or not_checked' }),
    detail: Type.Optional(Type.String()),
  })),
  failures: Type.Array(Type.String(), { description: 'Each failed check as `outcome` or `outcome: DGn`' }),
});
