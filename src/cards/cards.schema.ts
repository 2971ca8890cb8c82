import { Type, type Static } from '@sinclair/typebox';
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
