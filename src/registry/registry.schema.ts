import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const IdNumber = Type.String({ pattern: '^\\d{12}$', description: 'Personal ID number (12 digits)', examples: ['001090012345'] });
export const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'yyyy-mm-dd', examples: ['2026-11-20'] });
const ProvinceCode = Type.String({ pattern: '^\\d{2}$', description: '2025 province code', examples: ['01'] });
const CommuneCode = Type.String({ pattern: '^\\d{5}$', description: '2025 commune code', examples: ['00004'] });
const Text = (max: number, examples?: string[]) => Type.String({ minLength: 1, maxLength: max, ...(examples ? { examples } : {}) });

export const Address = Type.Object({
  address: Text(300, ['Số 12, ngõ 34, phố Đội Cấn']),
  provinceCode: ProvinceCode,
  communeCode: CommuneCode,
}, { additionalProperties: false });

const Base = {
  legalBasis: Type.String({ maxLength: 300, description: 'Legal basis of the event (law, decree, article)', examples: ['Luật Cư trú 2020, Điều 20'] }),
  reason: Type.Optional(Type.String({ maxLength: 1000 })),
};

export const BirthBody = Type.Object({
  ...Base,
  legalBasis: Type.String({ maxLength: 300, examples: ['Luật Hộ tịch 2014, Điều 16'] }),
  fullName: Text(200, ['Nguyễn Thị Mai Anh']),
  sex: Type.Union([Type.Literal('male'), Type.Literal('female')]),
  birthDate: Day,
  birthRegistration: Type.Object({ provinceCode: ProvinceCode, communeCode: CommuneCode }, { additionalProperties: false }),
  fatherId: Type.Optional(Type.Union([IdNumber, Type.Null()])),
  motherId: Type.Optional(Type.Union([IdNumber, Type.Null()])),
  ethnicityCode: Type.Optional(Type.String({ pattern: '^\\d{2}$' })),
  religion: Type.Optional(Text(100)),
  nationality: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  householdNo: Type.Optional(Type.Union([Text(40), Type.Null()])),
  relationToHead: Type.Optional(Text(40, ['Con'])),
}, { additionalProperties: false });
export type BirthBodyT = Static<typeof BirthBody>;

export const DeathBody = Type.Object({ ...Base, deathDate: Day }, { additionalProperties: false });
export const MissingBody = Type.Object({ ...Base, since: Day }, { additionalProperties: false });
export const PlainBody = Type.Object({ ...Base }, { additionalProperties: false });
export const PermanentBody = Type.Object({ ...Base, residence: Address, householdNo: Type.Optional(Type.Union([Text(40), Type.Null()])), relationToHead: Type.Optional(Text(40)) }, { additionalProperties: false });
export const TemporaryBody = Type.Object({ ...Base, residence: Address, until: Day }, { additionalProperties: false });
export const CurrentBody = Type.Object({ ...Base, residence: Address }, { additionalProperties: false });
export const HouseholdBody = Type.Object({ ...Base, headId: IdNumber, residence: Type.Optional(Address) }, { additionalProperties: false });
export const HeadBody = Type.Object({ ...Base, newHeadId: IdNumber, formerHeadRelation: Type.Optional(Text(40)) }, { additionalProperties: false });
export const MemberBody = Type.Object({ ...Base, idNumber: IdNumber, relationToHead: Text(40, ['Con']) }, { additionalProperties: false });
export const SplitBody = Type.Object({ ...Base, memberIds: Type.Array(IdNumber, { minItems: 1, maxItems: 50 }), newHeadId: IdNumber, relations: Type.Optional(Type.Record(Type.String({ pattern: '^\\d{12}$' }), Text(40))), residence: Type.Optional(Address) }, { additionalProperties: false });
export const MergeBody = Type.Object({ ...Base, intoHouseholdNo: Text(40), relations: Type.Record(Type.String({ pattern: '^\\d{12}$' }), Text(40)) }, { additionalProperties: false });
export const PartnersBody = Type.Object({ ...Base, partnerIds: Type.Tuple([IdNumber, IdNumber]), date: Day }, { additionalProperties: false });
export const CorrectionBody = Type.Object({
  ...Base,
  reason: Text(1000, ['Sai chính tả tên khi đăng ký khai sinh']),
  changes: Type.Object({
    fullName: Type.Optional(Text(200)),
    otherNames: Type.Optional(Type.Array(Text(200), { maxItems: 10 })),
    birthDate: Type.Optional(Type.String({ pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$' })),
    ethnicityCode: Type.Optional(Type.String({ pattern: '^\\d{2}$' })),
    religion: Type.Optional(Text(100)),
    nationality: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  }, { additionalProperties: false, minProperties: 1 }),
}, { additionalProperties: false });
export const DecisionBody = Type.Object({ decision: Type.Union([Type.Literal('approve'), Type.Literal('reject')]), note: Type.Optional(Type.String({ maxLength: 1000 })), legalBasis: Type.Optional(Type.String({ maxLength: 300 })) }, { additionalProperties: false });
export const ReviewDecisionBody = Type.Object({ decision: Type.Union([Type.Literal('distinct'), Type.Literal('merge')]), mergeInto: Type.Optional(IdNumber), note: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false });

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Unit = Type.Object({ provinceCode: Type.String(), provinceName: Nullable(Type.String()), communeCode: Nullable(Type.String()), communeName: Nullable(Type.String()) });
const Sex = Type.Union([Type.Literal('male'), Type.Literal('female')]);
const Parents = { fatherId: Nullable(Type.String()), motherId: Nullable(Type.String()) };
export const DuplicateQueue = Type.Object({
  items: Type.Array(Type.Object({
    id: Type.Integer(),
    kind: Type.String({ examples: ['birth'] }),
    held: Type.Object({ fullName: Type.String(), sex: Sex, birthDate: Type.String(), birthRegistration: Unit, ...Parents }, { description: 'The registration held for review' }),
    candidates: Type.Array(Type.String(), { description: 'ID numbers of the existing people it may duplicate' }),
    candidateSummaries: Type.Array(Type.Object({ idNumber: Type.String(), fullName: Type.String(), sex: Sex, birthDate: Type.String({ description: 'yyyy, yyyy-mm or yyyy-mm-dd' }), status: Type.String(), birthRegistration: Unit, ...Parents }), { description: 'Each candidate, in the order of `candidates` (each one shown is audited)' }),
    reasons: Type.Array(Type.Object({ idNumber: Type.String(), sameName: Type.Optional(Type.Boolean()), sameBirthDate: Type.Optional(Type.Boolean()), sameFather: Type.Optional(Type.Boolean()), sameMother: Type.Optional(Type.Boolean()), samePlace: Type.Optional(Type.Boolean()) })),
    request: Type.Object({}, { additionalProperties: true, description: 'The birth registration as submitted' }),
    requestedBy: Type.String(),
    requestedAt: Type.String({ format: 'date-time' }),
  })),
  offset: Type.Integer(),
  limit: Type.Integer(),
  hasMore: Type.Boolean(),
});

export const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 100, description: 'A name (with or without diacritics) or a 12-digit ID number', examples: ['nguyen thi lan'] }),
  mode: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('prefix'), Type.Literal('word')], { description: 'prefix: the name starts with q; word: whole words, the last one the given name; auto: both' })),
  birthYear: Type.Optional(Type.Integer({ minimum: 1850, maximum: 2400 })),
  birthDate: Type.Optional(Day),
  sex: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female')])),
  provinceCode: Type.Optional(ProvinceCode),
  communeCode: Type.Optional(CommuneCode),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 1000, default: 0 }),
});

export const IdParams = Type.Object({ idNumber: IdNumber });
export const HouseholdParams = Type.Object({ householdNo: Text(40) });
export const PurposeQuery = Type.Object({ purpose: Type.Optional(Type.String({ maxLength: 300, description: 'Why the full record is read (required; audited)', examples: ['Giải quyết hồ sơ đăng ký thường trú'] })) });
