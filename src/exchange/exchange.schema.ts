import { Type, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { EVENT_TOPICS, PURPOSE_CODES, QUESTION_AGES, RECORD_FIELDS, SERVICES } from './catalogue.ts';
import { GRANT_SORTS, MEMBER_KINDS, MEMBER_SORTS, SYSTEM_SORTS } from './exchange.store.ts';
import { JOB_SORTS } from './bulk/bulk.store.ts';
import { DELIVERY_SORTS } from './delivery.list.ts';
import { pageQuery } from '../platform/http/paging.ts';
import { ACCESS_SORTS } from './access-log.service.ts';

type Lits<T extends readonly string[]> = { -readonly [K in keyof T]: TLiteral<T[K] & string> };
/** One of a tuple of strings (a union of literals, typed as the tuple's members). */
function lit<const T extends readonly string[]>(values: T, description?: string): TUnion<Lits<T>> {
  return Type.Union(values.map((v) => Type.Literal(v)), description ? { description } : {}) as unknown as TUnion<Lits<T>>;
}

export const IdNumber = Type.String({ pattern: '^\\d{12}$', description: 'Personal ID number (12 digits)', examples: ['001090012345'] });
const Uuid = Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-mm-dd', examples: ['2027-12-31'] });
const PartialDay = Type.String({ pattern: '^(\\d{4}(-\\d{2}(-\\d{2})?)?|(\\d{1,2}/)?\\d{1,2}/\\d{4})$', description: 'yyyy-mm-dd (or yyyy-mm, yyyy for a partial date; dd/mm/yyyy accepted)', examples: ['1990-01-01'] });
export const Purpose = Type.String({ minLength: 2, maxLength: 64, description: `Purpose code (GET /api/v1/exchange/services lists them): ${PURPOSE_CODES.join(', ')}`, examples: ['account_opening'] });
const Jwks = Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1, maxItems: 10 }) }, { description: 'Public JWKS of the system (private_key_jwt client authentication)' });

export const MemberParams = Type.Object({ memberId: Type.String({ pattern: '^m_[0-9a-f]{16}$' }) });
export const SystemParams = Type.Object({ systemId: Type.String({ pattern: '^s_[0-9a-f]{16}$' }) });
export const GrantParams = Type.Object({ grantId: Type.Integer({ minimum: 1 }) });
export const JobParams = Type.Object({ jobId: Uuid });
export const SubscriptionParams = Type.Object({ subscriptionId: Uuid });
export const RequestParams = Type.Object({ requestId: Uuid });
export const ConsentParams = Type.Object({ consentId: Uuid });

export const MemberBody = Type.Object({
  name: Type.String({ minLength: 2, maxLength: 200, examples: ['Ngân hàng TMCP Ví Dụ'] }),
  kind: lit(MEMBER_KINDS),
  code: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{2,40}$', description: 'Tax or agency code' })),
  provinceCode: Type.Optional(Type.String({ pattern: '^\\d{2}$' })),
  contact: Type.Optional(Type.String({ maxLength: 300 })),
}, { additionalProperties: false });

export const SystemBody = Type.Object({
  name: Type.String({ minLength: 2, maxLength: 200, examples: ['eKYC mở tài khoản'] }),
  jwks: Jwks,
  ratePerSecond: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  clientId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{3,64}$' })),
}, { additionalProperties: false });

export const SystemPatch = Type.Object({ name: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })), ratePerSecond: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }, { additionalProperties: false });

export const GrantBody = Type.Object({
  service: lit(SERVICES),
  fields: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 64 }),
  purposes: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 20 }),
  basis: Type.Union([
    Type.Object({ kind: Type.Literal('provision'), provision: Type.String({ minLength: 5, maxLength: 300, examples: ['Luật Căn cước 2023, Điều 10'] }) }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('consent') }, { additionalProperties: false }),
  ]),
  validFrom: Day,
  validUntil: Day,
  quotaPerDay: Type.Optional(Type.Integer({ minimum: 1 })),
}, { additionalProperties: false });

const NameQuery = Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name (or code, client id), with or without diacritics' }));

export const MemberListQuery = Type.Object({
  ...pageQuery(MEMBER_SORTS, 'createdAt'),
  kind: Type.Optional(lit(MEMBER_KINDS)),
  status: Type.Optional(lit(['active', 'suspended'])),
  q: NameQuery,
});

export const SystemListQuery = Type.Object({
  ...pageQuery(SYSTEM_SORTS, 'createdAt'),
  memberId: Type.Optional(MemberParams.properties.memberId),
  status: Type.Optional(lit(['active', 'disabled'])),
  q: NameQuery,
});

export const GrantListQuery = Type.Object({
  ...pageQuery(GRANT_SORTS, 'id'),
  service: Type.Optional(lit(SERVICES)),
  active: Type.Optional(Type.Boolean({ description: 'true: only grants in force today (not revoked, within their dates); false: only the others' })),
});

export const JobStatus = lit(['uploading', 'queued', 'running', 'completed', 'failed', 'cancelled']);
export const JobListQuery = Type.Object({
  ...pageQuery(JOB_SORTS, '-createdAt'),
  status: Type.Optional(JobStatus),
});

export const UsageQuery = Type.Object({ from: Type.Optional(Type.String({ format: 'date-time' })), to: Type.Optional(Type.String({ format: 'date-time' })) });
export const UsageDailyQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'First Vietnam day, yyyy-mm-dd (default: 29 days before `to`)' })),
  to: Type.Optional(Type.String({ description: 'Last Vietnam day, yyyy-mm-dd, included (default: today); at most 92 days from `from`' })),
}, { additionalProperties: false });
export const UsageHourlyQuery = Type.Object({
  from: Type.Optional(Type.String({ description: 'Start, ISO 8601 (Vietnam time when no offset is given), rounded down to the hour (default: 24 hours before `to`)', examples: ['2026-11-24T08:00+07:00'] })),
  to: Type.Optional(Type.String({ description: 'End, ISO 8601, rounded up to the hour, excluded (default: the end of the current hour); at most 72 hours after `from`', examples: ['2026-11-25T08:00+07:00'] })),
  member: Type.Optional(MemberParams.properties.memberId),
  system: Type.Optional(SystemParams.properties.systemId),
  service: Type.Optional(lit(SERVICES)),
}, { additionalProperties: false });
export const AnomalyQuery = Type.Object({
  hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 24 * 7 })),
  baselineDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90 })),
  factor: Type.Optional(Type.Number({ minimum: 1 })),
  minPeople: Type.Optional(Type.Integer({ minimum: 1 })),
});

const NameMatching = lit(['exact', 'diacritic_insensitive'], 'exact (default): NFC, letter case, spacing and tone placement never matter; diacritic_insensitive: a name differing only in diacritics answers match_ignoring_diacritics');

export const VerifyBody = Type.Object({
  idNumber: IdNumber,
  purpose: Purpose,
  fullName: Type.Optional(Type.String({ minLength: 1, maxLength: 200, examples: ['Nguyễn Văn An'] })),
  birthDate: Type.Optional(PartialDay),
  sex: Type.Optional(lit(['male', 'female'])),
  cardIssueDate: Type.Optional(Day),
  phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ]{8,16}$' })),
  nameMatching: Type.Optional(NameMatching),
}, { additionalProperties: false });

const Verdict = lit(['match', 'match_ignoring_diacritics', 'mismatch', 'not_provided', 'not_checked']);
export const VerifyAnswer = Type.Object({
  outcome: lit(['match', 'mismatch', 'not_found']),
  idNumber: IdNumber,
  checkedAt: Type.String({ format: 'date-time' }),
  nameMatching: NameMatching,
  fields: Type.Object({ fullName: Type.Optional(Verdict), birthDate: Type.Optional(Verdict), sex: Type.Optional(Verdict), cardIssueDate: Type.Optional(Verdict), phone: Type.Optional(Verdict) }),
  personStatus: Type.Optional(Type.Union([lit(['living', 'deceased', 'missing']), Type.Null()])),
  cardValid: Type.Optional(Type.Union([Type.Boolean(), Type.Null()])),
}, { description: 'Verdicts about the stated fields only (no registry value), plus the facts the grant allows' });

export const PersonDataBody = Type.Object({
  idNumber: IdNumber,
  purpose: Purpose,
  fields: Type.Optional(Type.Array(lit(RECORD_FIELDS), { minItems: 1, maxItems: RECORD_FIELDS.length, description: 'Fields wanted; omitted = every field the grant allows' })),
}, { additionalProperties: false });

export const QuestionBody = Type.Object({
  idNumber: IdNumber,
  purpose: Purpose,
  question: Type.Union([
    Type.Object({ kind: Type.Literal('age_at_least'), years: Type.Integer({ description: `One of ${QUESTION_AGES.join(', ')}` }) }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('resides_in'), provinceCode: Type.String({ pattern: '^\\d{2}$' }), communeCode: Type.Optional(Type.String({ pattern: '^\\d{5}$' })), residence: Type.Optional(lit(['permanent', 'temporary', 'current', 'any'])) }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('household_member_of'), idNumber: IdNumber }, { additionalProperties: false }),
  ]),
}, { additionalProperties: false });

export const CardStatusBody = Type.Object({ idNumber: IdNumber, purpose: Purpose }, { additionalProperties: false });

export const BulkQuery = Type.Object({
  purpose: Purpose,
  format: Type.Optional(lit(['csv', 'jsonl'], 'Default: from Content-Type (text/csv or application/x-ndjson)')),
  nameMatching: Type.Optional(NameMatching),
});

export const IdemHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'A retried upload with the same key returns the job created the first time' })) });

export const SubscriptionBody = Type.Object({
  purpose: Purpose,
  topics: Type.Array(lit(EVENT_TOPICS), { minItems: 1, maxItems: EVENT_TOPICS.length }),
  url: Type.String({ maxLength: 2000, description: 'https URL that receives POST application/jose (a compact JWS)' }),
}, { additionalProperties: false });

export const WatchBody = Type.Object({
  add: Type.Optional(Type.Array(IdNumber, { maxItems: 10_000 })),
  remove: Type.Optional(Type.Array(IdNumber, { maxItems: 10_000 })),
}, { additionalProperties: false });

export const DeliveryQuery = Type.Object({
  ...pageQuery(DELIVERY_SORTS, '-createdAt', { limit: 100, maxLimit: 1000 }),
  status: Type.Optional(lit(['pending', 'sending', 'delivered', 'failed'])),
  subscriptionId: Type.Optional(Uuid),
});

const ConsentFields = Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 64 });

export const ConsentRequestBody = Type.Object({
  idNumber: IdNumber,
  purpose: Purpose,
  fields: ConsentFields,
  validUntil: Day,
  message: Type.Optional(Type.String({ maxLength: 1000, description: 'Shown to the citizen' })),
}, { additionalProperties: false });

export const ConsentBody = Type.Object({
  memberId: Type.String({ pattern: '^m_[0-9a-f]{16}$' }),
  purpose: Purpose,
  fields: ConsentFields,
  validUntil: Day,
}, { additionalProperties: false });

export const AccessLogQuery = Type.Object({
  ...pageQuery(ACCESS_SORTS, '-at', { limit: 200, maxLimit: 5000 }),
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
  memberId: Type.Optional(Type.String({ maxLength: 64 })),
  service: Type.Optional(lit(SERVICES)),
  actorKind: Type.Optional(lit(['partner', 'officer', 'citizen', 'system'])),
  format: Type.Optional(lit(['json', 'csv'], 'csv: every access the filters select (not one page), newest first, streamed')),
});

export const ReceiptQuery = Type.Object({ format: Type.Optional(lit(['html', 'json'])) });

export type Static<T extends TSchema> = import('@sinclair/typebox').Static<T>;
