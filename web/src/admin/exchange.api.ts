import { api } from '../api/client.ts';
import { withQuery, type Page, type PageQuery } from '../api/page.ts';
import type { Jwk } from './admin.api.ts';

type Opts = { signal?: AbortSignal };
export type Localised = { vi: string; en: string };

/** Kinds of member organisation (MEMBER_KINDS in src/exchange/exchange.store.ts). */
export const MEMBER_KINDS = ['ministry', 'provincial_agency', 'bank', 'telecom', 'hospital', 'school', 'union', 'insurer', 'other'] as const;
export type MemberKind = (typeof MEMBER_KINDS)[number];

/** A member as the admin API returns it (memberView in src/exchange/exchange.routes.ts). */
export interface Member {
  id: string;
  name: string;
  kind: MemberKind;
  code: string | null;
  provinceCode: string | null;
  contact: string | null;
  status: 'active' | 'suspended';
  createdAt: string;
}

/** The officer who created a member or system (names null when the officer cannot be read). */
export interface Creator { id: string; username: string | null; displayName: string | null }

/** Who added or removed a key: an officer, or a member's staff in the partner console (not named). */
export type KeyActor = Creator & { kind: 'officer' | 'partner_staff' };

/** A system's public key as the detail view lists it, with when and by whom it was added (null when not recorded). */
export interface SystemKey { kid: string | null; alg: string | null; kty: string | null; thumbprint: string | null; addedAt: string | null; addedBy: KeyActor | null }

/** A key no longer published (`kid` is the thumbprint for a key without one). */
export interface RemovedKey { kid: string; thumbprint: string; alg: string | null; addedAt: string; addedBy: KeyActor | null; removedAt: string; removedBy: KeyActor | null }

/** "Display name (username)", or the officer ID when the officer cannot be read. */
export const creatorText = (c: Creator) => (c.username ? `${c.displayName ?? c.username} (${c.username})` : c.id);

/** A member in the list, with how many systems it has and how many are active. */
export type MemberRow = Member & { systemCount: number; activeSystemCount: number };

export interface MemberFilter {
  q?: string;
  kind?: MemberKind | '';
  status?: Member['status'] | '';
}

/** A system (systemView): an OAuth client of the platform's provider, authenticating with private_key_jwt. */
export interface ExchangeSystem {
  id: string;
  memberId: string;
  name: string;
  clientId: string;
  status: 'active' | 'disabled';
  ratePerSecond: number;
  createdAt: string;
  disabledAt: string | null;
}

/** The catalogue's services (SERVICES in src/exchange/catalogue.ts). */
export const SERVICES = ['identity_verification', 'person_data', 'card_status', 'card_verification', 'bulk_verification', 'event_subscription'] as const;
export type ServiceCode = (typeof SERVICES)[number];

export type Basis = { kind: 'provision'; provision: string } | { kind: 'consent' };

/** A grant (grantView). */
export interface Grant {
  id: number;
  systemId: string;
  service: ServiceCode;
  fields: string[];
  purposes: string[];
  basis: { kind: 'provision'; provision: string | null } | { kind: 'consent' };
  validFrom: string;
  validUntil: string;
  quotaPerDay: number | null;
  createdAt: string;
  revokedAt: string | null;
}

export interface GrantBody {
  service: ServiceCode;
  fields: string[];
  purposes: string[];
  basis: Basis;
  validFrom: string;
  validUntil: string;
  quotaPerDay?: number;
}

/** One service of GET /api/v1/exchange/services. */
export interface CatalogueService {
  code: ServiceCode;
  name: Localised;
  description: Localised;
  fields: Array<{ field: string; label: Localised }>;
  purposes: string[];
  bases: Array<'provision' | 'consent'>;
  provisionExamples: string[];
  defaultQuotaPerDay: number;
}

export interface Catalogue {
  services: CatalogueService[];
  purposes: Array<{ code: string; label: Localised }>;
}

export interface NewMemberBody {
  name: string;
  kind: MemberKind;
  code?: string;
  provinceCode?: string;
  contact?: string;
}

export interface NewSystemBody {
  name: string;
  jwks: { keys: Jwk[] };
  ratePerSecond?: number;
  clientId?: string;
}

export interface UsageRow {
  systemId: string;
  systemName: string;
  service: string;
  calls: number;
  people: number;
  refused: number;
}

/** GET /api/v1/exchange/admin/usage: per member, then per system and service. */
export interface Usage {
  from: string;
  to: string;
  members: Array<{ memberId: string; memberName: string; calls: number; people: number; refused: number; systems: UsageRow[] }>;
}

export interface DayUsage { day: string; calls: number; people: number; refused: number }
/** One hour, labelled in Vietnam time (yyyy-mm-ddThh:mm+07:00). */
export interface HourUsage { hour: string; calls: number; people: number; refused: number }

/** A usage series (`K`: days or hours): every point of the range, in total and per member, system and service. */
export type UsageSeries<K extends string, P> = { from: string; to: string } & Record<K, P[]> & {
  members: Array<{ memberId: string; memberName: string; systems: Array<{ systemId: string; systemName: string; services: Array<{ service: string } & Record<K, P[]>> }> } & Record<K, P[]>>;
};
/** GET /api/v1/exchange/admin/usage/daily: every Vietnam day of the range. */
export type DailyUsage = UsageSeries<'days', DayUsage>;
/** GET /api/v1/exchange/admin/usage/hourly: every hour of the range (at most 72). */
export type HourlyUsage = UsageSeries<'hours', HourUsage>;

export interface Anomaly {
  systemId: string;
  systemName: string;
  memberId: string | null;
  memberName: string | null;
  people: number;
  usual: number;
  ratio: number | null;
  reason: 'no_history' | 'above_usual';
}

export interface Anomalies {
  window: { from: string; hours: number };
  baselineDays: number;
  factor: number;
  minPeople: number;
  items: Anomaly[];
}

export interface AnomalyQuery {
  hours?: number;
  baselineDays?: number;
  factor?: number;
  minPeople?: number;
}

const A = '/api/v1/exchange/admin';
const enc = encodeURIComponent;

/** The catalogue, loaded once per page load (it changes only with a release). */
let catalogue: Promise<Catalogue> | null = null;
export function loadCatalogue(): Promise<Catalogue> {
  if (!catalogue) {
    catalogue = api.get<Catalogue>('/api/v1/exchange/services');
    catalogue.catch(() => {
      catalogue = null;
    });
  }
  return catalogue;
}

export const listMembers = (q: PageQuery & MemberFilter, o: Opts = {}) => api.get<Page<MemberRow>>(withQuery(`${A}/members`, q), o);
export const getMember = (id: string, o: Opts = {}) => api.get<Member & { createdBy: Creator; systems: ExchangeSystem[] }>(`${A}/members/${enc(id)}`, o);
export const createMember = (body: NewMemberBody) => api.post<Member>(`${A}/members`, body);
/**
 * The reason is sent, but the server does not read it yet (the route takes no body): see the
 * report of the admin pages. It is kept here so that it is recorded once the route accepts it.
 */
export const setMemberStatus = (id: string, action: 'suspend' | 'reinstate', reason: string) => api.post<Member>(`${A}/members/${enc(id)}/${action}`, { reason });

export const listSystems = (q: PageQuery & { memberId?: string; status?: ExchangeSystem['status'] | ''; q?: string }, o: Opts = {}) => api.get<Page<ExchangeSystem>>(withQuery(`${A}/systems`, q), o);
export const getSystem = (id: string, o: Opts = {}) => api.get<ExchangeSystem & { createdBy: Creator; keys: SystemKey[]; removedKeys: RemovedKey[]; keysUpdatedAt: string | null }>(`${A}/systems/${enc(id)}`, o);
export const registerSystem = (memberId: string, body: NewSystemBody) => api.post<ExchangeSystem>(`${A}/members/${enc(memberId)}/systems`, body);
export const updateSystem = (id: string, patch: { name?: string; ratePerSecond?: number }) => api.patch<ExchangeSystem>(`${A}/systems/${enc(id)}`, patch);
export const replaceSystemKeys = (id: string, jwks: { keys: Jwk[] }) => api.put<ExchangeSystem>(`${A}/systems/${enc(id)}/jwks`, jwks);
export const disableSystem = (id: string) => api.post<ExchangeSystem>(`${A}/systems/${enc(id)}/disable`);

export const listGrants = (systemId: string, q: PageQuery & { service?: ServiceCode | ''; active?: boolean }, o: Opts = {}) => api.get<Page<Grant>>(withQuery(`${A}/systems/${enc(systemId)}/grants`, q), o);
export const createGrant = (systemId: string, body: GrantBody) => api.post<Grant>(`${A}/systems/${enc(systemId)}/grants`, body);
export const revokeGrant = (id: number) => api.post<Grant>(`${A}/grants/${id}/revoke`);

export function getUsage(q: { from: string; to: string }, o: Opts = {}): Promise<Usage> {
  return api.get(`${A}/usage?${new URLSearchParams(q).toString()}`, o);
}

export function getDailyUsage(q: { from: string; to: string }, o: Opts = {}): Promise<DailyUsage> {
  return api.get(`${A}/usage/daily?${new URLSearchParams(q).toString()}`, o);
}

export function getHourlyUsage(q: { from: string; to: string }, o: Opts = {}): Promise<HourlyUsage> {
  return api.get(`${A}/usage/hourly?${new URLSearchParams(q).toString()}`, o);
}

export function getAnomalies(q: AnomalyQuery, o: Opts = {}): Promise<Anomalies> {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  return api.get(`${A}/anomalies${p.size ? `?${p.toString()}` : ''}`, o);
}

/** Roles of a member's staff (STAFF_ROLES in src/exchange/staff/staff.store.ts). */
export const STAFF_ROLES = ['manager', 'viewer'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/** A person on a member's staff (staffView in src/exchange/staff/staff.service.ts): a citizen who uses the partner console. */
export interface StaffMember {
  idNumber: string;
  role: StaffRole;
  addedBy: string;
  addedAt: string;
  removedAt: string | null;
  removedBy: string | null;
}

export const listStaff = (memberId: string, o: Opts = {}) => api.get<{ items: StaffMember[] }>(`${A}/members/${enc(memberId)}/staff`, o);
export const addStaff = (memberId: string, body: { idNumber: string; role: StaffRole }) => api.post<StaffMember>(`${A}/members/${enc(memberId)}/staff`, body);
export const removeStaff = (memberId: string, idNumber: string) => api.delete<StaffMember>(`${A}/members/${enc(memberId)}/staff/${enc(idNumber)}`);
