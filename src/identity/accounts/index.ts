export { identityAccountsModule, identityAccountsServices, CITIZEN_COOKIE, type IdentityAccountsOptions, type IdentityAccountsServices } from './accounts.routes.ts';
export { AccountService, IDENTITY_TOPIC, effectiveStatus, summaryOf, type AccountSummary, type AccountSettings, type SignInMeta, type CloseReason } from './accounts.service.ts';
export { EnrolmentService, DEFAULT_ENROLMENT_SETTINGS, LEVEL2_MIN_AGE, type EnrolmentSettings, type ChipVerifier, type CounterInput, type FlowStarted, type PublicMeta } from './enrolment.service.ts';
export { DEATH_CONSUMER, CONSENT_REQUEST_CONSUMER, MISSING_CONSUMER, closeAccountsOfDeceased, followMissingDeclarations, notifyConsentRequests } from './accounts.consumer.ts';
export { AccountErrors } from './accounts.errors.ts';
export { DevOtpSender, NullOtpSender, SmsOtpSender, maskPhone, type OtpSender, type OtpMessage, type OtpPurpose, type SmsGateway, type DevMessage } from './otp-sender.ts';
export { ACCOUNT_STATUSES, type AccountStatus, type SignInMethod } from './accounts.store.ts';
export { citizenPasswordWeakness, normalisePhone, SELF_REGISTRATION_AGE } from './policy.ts';
export { NoticeWorker, queueNotice, maskPhonesIn, DEFAULT_NOTICE_SETTINGS, type NoticeSettings, type NoticeInput, type NoticeKind } from './notices.ts';
