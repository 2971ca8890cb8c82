import { api, request } from '../api/client.ts';
import { withQuery, type Page, type PageQuery } from '../api/page.ts';

type Opts = { signal?: AbortSignal };

/** An address; one recorded before 1 July 2025 carries the units it was recorded with (AddressView in src/registry/registry.view.ts). */
export interface AddressView {
  address: string;
  provinceCode: string | null;
  provinceName: string | null;
  communeCode: string | null;
  communeName: string | null;
  recordedWith?: { provinceCode: string; provinceName: string | null; districtCode: string | null; communeCode: string; communeName: string | null } | null;
}

/** The citizen's record (PersonRecord in src/registry/index.ts). */
export interface PersonRecord {
  idNumber: string;
  fullName: string;
  otherNames: string[] | null;
  sex: 'male' | 'female';
  birthDate: string;
  status: 'living' | 'deceased' | 'missing';
  deathDate: string | null;
  nationality: string;
  synthetic: boolean;
  birthRegistration: AddressView | null;
  origin: AddressView | null;
  ethnicity: string | null;
  religion: string | null;
  permanentResidence: AddressView | null;
  temporaryResidence: (AddressView & { until: string | null }) | null;
  currentResidence: AddressView | null;
  household: { householdNo: string; relationToHead: string | null } | null;
}

export type AccountStatus = 'pending_activation' | 'active' | 'locked' | 'suspended' | 'closed';

export interface HolderCard {
  cardNo: number;
  issueKind: string;
  status: string;
  issueDate: string;
  expiryDate: string | null;
  /** The payload of the QR printed on the card, for a valid card. */
  qr: string | null;
}

/** GET /api/v1/portal/me (src/portal/portal.routes.ts). */
export interface PortalMe {
  account: { level: 1 | 2; status: AccountStatus; phoneMasked: string; createdAt: string } | null;
  session: { level: 1 | 2 };
  person: PersonRecord | null;
  household: { householdNo: string; members: Array<{ fullName: string; relationToHead: string | null; birthYear: number; status: string; self: boolean }> } | null;
  cards: HolderCard[];
}

/** GET /api/v1/eid/me (MeSchema in src/identity/accounts/accounts.schema.ts). */
export interface EidMe {
  id: string;
  idNumber: string;
  level: 1 | 2;
  status: AccountStatus;
  phoneMasked: string;
  createdAt: string;
  emailMasked: string | null;
  phoneVerified: boolean;
  totpEnabled: boolean;
  passkeys: number;
  openedByGuardian: boolean;
  level2VerifiedAt: string | null;
  passwordChangedAt: string | null;
}

export interface Passkey {
  credentialId: string;
  name: string;
  transports: string[];
  backedUp: boolean;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface EidSession {
  id: string;
  current: boolean;
  method: string;
  acr: number;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface SignInRecord {
  at: string;
  outcome: 'success' | 'failure';
  method: string;
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface Application {
  clientId: string;
  organisation: string;
  purpose: { vi: string; en: string } | null;
  scopes: string[];
  grantedAt: string;
}

export const portalMe = (o: Opts = {}) => api.get<PortalMe>('/api/v1/portal/me', o);
export const eidMe = (o: Opts = {}) => api.get<EidMe>('/api/v1/eid/me', o);

export const changePassword = (body: { currentPassword: string; newPassword: string }) => api.post<void>('/api/v1/eid/me/password', body);
export const startTotp = () => api.post<{ secret: string; uri: string }>('/api/v1/eid/me/totp');
export const confirmTotp = (code: string) => api.post<void>('/api/v1/eid/me/totp/confirm', { code });
export const removeTotp = (password: string) => request<void>('DELETE', '/api/v1/eid/me/totp', { body: { password } });

export const passkeyOptions = () => api.post<{ challengeId: string; options: unknown }>('/api/v1/eid/me/passkeys/options');
export const registerPasskey = (body: { challengeId: string; response: unknown; name?: string }) => api.post<Passkey>('/api/v1/eid/me/passkeys', body);
export const listPasskeys = (o: Opts = {}) => api.get<{ items: Passkey[] }>('/api/v1/eid/me/passkeys', o);
export const renamePasskey = (credentialId: string, name: string) => api.patch<Passkey>(`/api/v1/eid/me/passkeys/${encodeURIComponent(credentialId)}`, { name });
export const deletePasskey = (credentialId: string) => api.delete<void>(`/api/v1/eid/me/passkeys/${encodeURIComponent(credentialId)}`);

export const listSessions = (o: Opts = {}) => api.get<{ items: EidSession[] }>('/api/v1/eid/me/sessions', o);
export const revokeSession = (id: string) => api.delete<void>(`/api/v1/eid/me/sessions/${encodeURIComponent(id)}`);
export const revokeOtherSessions = () => api.post<{ revoked: number }>('/api/v1/eid/me/sessions/revoke-others');
/** The account's sign-ins and failed attempts, a page at a time (`-at`: newest first). */
/** A page of the sign-in history, with how many months the server keeps it. */
export const signIns = (q: PageQuery, o: Opts = {}) => api.get<Page<SignInRecord> & { retentionMonths: number }>(withQuery('/api/v1/eid/me/sign-ins', q), o);

export const listApplications = (o: Opts = {}) => api.get<{ items: Application[] }>('/api/v1/eid/me/applications', o);
export const withdrawApplication = (clientId: string) => api.delete<void>(`/api/v1/eid/me/applications/${encodeURIComponent(clientId)}`);

export const ethnicGroups = (o: Opts = {}) => api.get<{ items: Array<{ code: string; name: string }> }>('/api/v1/ethnic-groups', o);

// ---- the data exchange, the citizen's side (src/exchange/exchange.routes.ts, /api/v1/exchange/me/…) ----

export interface Localised {
  vi: string;
  en: string;
}
export interface FieldLabel {
  field: string;
  label: Localised;
}

/** One access to the citizen's data (AccessItem in src/exchange/access-log.service.ts). */
export interface AccessItem {
  at: string;
  source: 'audit' | 'bulk_job';
  ref: string;
  who: { kind: string; id: string; memberId: string | null; name: string | null; systemName: string | null };
  action: string;
  service: string | null;
  purpose: { code: string | null; label: Localised | null };
  legalBasis: string | null;
  consentId: string | null;
  fields: FieldLabel[];
  outcome: string | null;
}

export interface Watch {
  subscriptionId: string;
  since: string;
  memberId: string;
  memberName: string | null;
  systemName: string | null;
  purpose: { code: string; label: Localised | null };
  topics: FieldLabel[];
  legalBasis: string | null;
}

/** A page of the history, with the subscriptions following the citizen. */
export interface AccessLog extends Page<AccessItem> {
  idNumber: string;
  followedBy: Watch[];
  /** Sorted other than newest first, only the most recent accesses were sorted. */
  truncated: boolean;
}

export interface AccessQuery {
  from?: string;
  to?: string;
  memberId?: string;
  service?: string;
  actorKind?: string;
}

const ACCESS_LOG = '/api/v1/exchange/me/access-log';

/** The CSV of every access the filters select (the server streams them all, not one page). */
export const accessLogCsv = (q: AccessQuery) => withQuery(ACCESS_LOG, { ...q, format: 'csv' });

export const accessLog = (q: AccessQuery & PageQuery, o: Opts = {}) => api.get<AccessLog>(withQuery(ACCESS_LOG, q), o);

/** The public catalogue: service names (for filters and labels). */
export const exchangeCatalogue = (o: Opts = {}) => api.get<{ services: Array<{ code: string; name: Localised }> }>('/api/v1/exchange/services', o);
export const exchangeMembers = (o: Opts = {}) => api.get<{ items: Array<{ id: string; name: string; kind: string }> }>('/api/v1/exchange/members', o);

/** ConsentView in src/exchange/consent.service.ts. */
export interface Consent {
  id: string;
  organisation: { id: string; name: string; kind: string };
  purpose: { code: string; label: Localised | null };
  fields: FieldLabel[];
  grantedAt: string;
  validUntil: string;
  method: 'portal' | 'partner_request';
  requestId: string | null;
  status: 'active' | 'expired' | 'withdrawn';
  withdrawnAt: string | null;
  receiptUrl: string;
}

export interface ConsentRequest {
  id: string;
  organisation: { id: string; name?: string; kind?: string };
  purpose: { code: string; label: Localised | null };
  fields: FieldLabel[];
  validUntil: string;
  message: string | null;
  status: 'pending' | 'approved' | 'declined' | 'expired';
  createdAt: string;
  expiresAt: string;
  decidedAt: string | null;
  consentId: string | null;
}

export const listConsents = (o: Opts = {}) => api.get<{ items: Consent[] }>('/api/v1/exchange/me/consents', o);
export const withdrawConsent = (id: string) => api.post<Consent>(`/api/v1/exchange/me/consents/${encodeURIComponent(id)}/withdraw`);
export const listConsentRequests = (o: Opts = {}) => api.get<{ items: ConsentRequest[] }>('/api/v1/exchange/me/consent-requests', o);
export const decideConsentRequest = (id: string, decision: 'approve' | 'decline') => api.post<{ request: ConsentRequest; consent: Consent | null }>(`/api/v1/exchange/me/consent-requests/${encodeURIComponent(id)}/${decision}`);
