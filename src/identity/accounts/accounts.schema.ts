import { Type, type Static, type TSchema } from '@sinclair/typebox';

export const IdNumber = Type.String({ pattern: '^\\d{12}$', description: 'Personal ID number (12 digits)', examples: ['001090012345'] });
const Phone = Type.String({ minLength: 9, maxLength: 16, description: 'Vietnamese mobile number: 0 and 9 digits, or +84…', examples: ['0912345678'] });
const Password = Type.String({ minLength: 1, maxLength: 256, description: 'At least 12 characters, not a common password, without the ID number or the birth date' });
const Code = Type.String({ minLength: 1, maxLength: 12, description: 'The 6-digit code received by SMS', examples: ['123456'] });
const FullName = Type.String({ minLength: 1, maxLength: 200, description: 'Full name as on the ID card, with diacritics', examples: ['Nguyễn Văn A'] });
const BirthDate = Type.String({ pattern: '^\\d{4}(-\\d{2}(-\\d{2})?)?$', description: 'Date of birth yyyy-mm-dd (yyyy-mm or yyyy when the card shows only that)', examples: ['1990-01-01'] });
const Email = Type.String({ format: 'email', maxLength: 200 });
const Uuid = Type.String({ pattern: '^[0-9a-fA-F-]{36}$' });

export const AccountSummarySchema = Type.Object({
  id: Type.String(),
  idNumber: IdNumber,
  level: Type.Union([Type.Literal(1), Type.Literal(2)]),
  status: Type.Union([Type.Literal('pending_activation'), Type.Literal('active'), Type.Literal('locked'), Type.Literal('suspended'), Type.Literal('closed')]),
  phoneMasked: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
}, { description: 'An eID account' });

export const AccountResponse = Type.Object({ account: AccountSummarySchema });

export const MeSchema = Type.Composite([AccountSummarySchema, Type.Object({
  emailMasked: Type.Union([Type.String(), Type.Null()]),
  phoneVerified: Type.Boolean(),
  totpEnabled: Type.Boolean(),
  passkeys: Type.Integer(),
  openedByGuardian: Type.Boolean(),
  level2VerifiedAt: Type.Union([Type.String(), Type.Null()]),
  passwordChangedAt: Type.Union([Type.String(), Type.Null()]),
})]);

export const FlowStartedSchema = Type.Object({
  flowId: Type.String({ description: 'Names this request when confirming the code' }),
  expiresAt: Type.String({ format: 'date-time' }),
  sentTo: Type.String({ description: 'The phone the code goes to, masked' }),
}, { description: 'The same answer whatever the request matched' });

export const FlowParams = Type.Object({ flowId: Uuid });

export const RegistrationBody = Type.Object({
  idNumber: IdNumber, fullName: FullName, birthDate: BirthDate,
  cardIssueDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Issue date printed on the ID card (yyyy-mm-dd); when given, it must be that of a valid card' })),
  phone: Phone, email: Type.Optional(Email),
}, { additionalProperties: false });

export const CodePasswordBody = Type.Object({ code: Code, password: Password }, { additionalProperties: false });
export const CodeBody = Type.Object({ code: Code }, { additionalProperties: false });

export const ActivationBody = Type.Object({ idNumber: IdNumber, code: Code, password: Type.Optional(Password) }, { additionalProperties: false });
export const UnlockBody = Type.Object({ idNumber: IdNumber, phone: Phone }, { additionalProperties: false });
export const ResetBody = Type.Object({ idNumber: IdNumber, fullName: FullName, birthDate: BirthDate, phone: Phone }, { additionalProperties: false });

export const SignInBody = Type.Object({
  idNumber: Type.String({ minLength: 1, maxLength: 20 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
  totp: Type.Optional(Type.String({ minLength: 1, maxLength: 12, description: 'The authenticator code, when the account has TOTP on' })),
}, { additionalProperties: false });

export const SignedInSchema = Type.Object({
  token: Type.String({ description: 'Bearer token: `Authorization: Bearer …`' }),
  sessionId: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  account: AccountSummarySchema,
});

export const PasskeyOptionsBody = Type.Object({ idNumber: Type.Optional(IdNumber) }, { additionalProperties: false });
/** A WebAuthn JSON response as the browser's `toJSON()` (or a library) produces it; checked by @simplewebauthn/server. */
const WebAuthnResponse = Type.Object({
  id: Type.String({ maxLength: 1400 }),
  rawId: Type.String({ maxLength: 1400 }),
  type: Type.String({ maxLength: 20 }),
  response: Type.Record(Type.String(), Type.Unknown()),
  clientExtensionResults: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  authenticatorAttachment: Type.Optional(Type.String({ maxLength: 30 })),
});
export const PasskeySignInBody = Type.Object({ challengeId: Uuid, response: WebAuthnResponse }, { additionalProperties: false });
export const PasskeyRegisterBody = Type.Object({ challengeId: Uuid, response: WebAuthnResponse, name: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false });
export const ChallengeSchema = Type.Object({ challengeId: Type.String(), options: Type.Unknown({ description: 'PublicKeyCredential{Creation,Request}OptionsJSON for navigator.credentials' }) });

export const PasskeySchema = Type.Object({
  credentialId: Type.String(), name: Type.String(), transports: Type.Array(Type.String()), backedUp: Type.Boolean(),
  createdAt: Type.String(), lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});
export const PasskeyParams = Type.Object({ credentialId: Type.String({ minLength: 1, maxLength: 1400 }) });
export const RenameBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });

export const SessionSchema = Type.Object({
  id: Type.String(), current: Type.Boolean(), method: Type.String(), acr: Type.Integer(), ip: Type.Union([Type.String(), Type.Null()]), userAgent: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(), lastSeenAt: Type.String(), expiresAt: Type.String(),
});
export const SessionParams = Type.Object({ sessionId: Uuid });

export const SignInRecordSchema = Type.Object({
  at: Type.String(), outcome: Type.Union([Type.Literal('success'), Type.Literal('failure')]), method: Type.String(), reason: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]), userAgent: Type.Union([Type.String(), Type.Null()]),
});

export const ChangePasswordBody = Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Password }, { additionalProperties: false });
export const PasswordBody = Type.Object({ password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false });
export const TotpEnrolmentSchema = Type.Object({ secret: Type.String({ description: 'Base32; shown this once' }), uri: Type.String({ description: 'otpauth:// URI for a QR code' }) });
export const ChildBody = Type.Object({ childIdNumber: IdNumber, password: Password }, { additionalProperties: false });

const Base64 = (description: string, maxLength: number) => Type.String({ pattern: '^[A-Za-z0-9+/]+={0,2}$', minLength: 4, maxLength, description });
const DG_NUMBERS = Array.from({ length: 16 }, (_, i) => i + 1);

export const CounterBody = Type.Object({
  idNumber: IdNumber,
  chip: Type.Object({
    sod: Base64('EF.SOD as read, base64', 90_000),
    dataGroups: Type.Object(
      Object.fromEntries(DG_NUMBERS.map((n) => [`DG${n}`, n === 1 ? Base64('EF.DG1 as read, base64 (required)', 2_000) : Type.Optional(Base64(`EF.DG${n} as read, base64`, 600_000))])) as { DG1: ReturnType<typeof Base64> } & Record<string, ReturnType<typeof Base64>>,
      { additionalProperties: false },
    ),
  }, { additionalProperties: false, description: 'The chip as the counter\'s NFC reader read it' }),
  faceMatch: Type.Union([Type.Literal('match'), Type.Literal('no_match')], { description: 'What the officer recorded comparing the citizen\'s face with the chip portrait (DG2)' }),
  phone: Phone,
  email: Type.Optional(Email),
}, { additionalProperties: false });
export type CounterBodyT = { idNumber: string; chip: { sod: string; dataGroups: Record<string, string | undefined> }; faceMatch: 'match' | 'no_match'; phone: string; email?: string };

export const CounterResultSchema = Type.Object({
  account: AccountSummarySchema,
  activation: Type.Object({ kind: Type.Union([Type.Literal('create'), Type.Literal('upgrade'), Type.Literal('recovery')]), expiresAt: Type.String(), sentTo: Type.String() }),
  verification: Type.Object({ id: Type.Integer(), at: Type.String(), chip: Type.Literal('pass'), faceMatch: Type.Literal('match') }),
});

export const PersonParams = Type.Object({ idNumber: IdNumber });
export const ReasonBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000 }) }, { additionalProperties: false });

export const DevMessagesQuery = Type.Object({ phone: Type.String({ minLength: 9, maxLength: 16 }) });
export type RegistrationBodyT = Static<typeof RegistrationBody>;
export const ItemsOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });
export const NoContent = Type.Null({ description: 'No content' });
export const UnlockedSchema = Type.Object({ unlocked: Type.Literal(true) });
export const ResetSchema = Type.Object({ reset: Type.Literal(true) });
export const OfficerAccountSchema = Type.Composite([AccountSummarySchema, Type.Object({
  statusReason: Type.Union([Type.String(), Type.Null()]),
  statusChangedAt: Type.String(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  openedByGuardian: Type.Boolean(),
  totpEnabled: Type.Boolean(),
  verifications: Type.Array(Type.Object({
    id: Type.Integer(), purpose: Type.Union([Type.Literal('enrolment'), Type.Literal('recovery')]), result: Type.Union([Type.Literal('accepted'), Type.Literal('refused')]),
    refusal: Type.Union([Type.String(), Type.Null()]), officerId: Type.String(),
    office: Type.Object({ provinceCode: Type.Union([Type.String(), Type.Null()]), communeCode: Type.Union([Type.String(), Type.Null()]) }),
    at: Type.String(), chipOk: Type.Boolean(), chipFailures: Type.Array(Type.String()), faceMatch: Type.Union([Type.Literal('match'), Type.Literal('no_match')]),
  })),
})]);
