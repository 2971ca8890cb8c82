/**
 * Response shapes of the registry API (src/registry/registry.view.ts and registry.queries.ts).
 * Request bodies come type-only from the server's TypeBox schemas; responses are mirrored here
 * until registry.schema.ts exports response schemas the web app can import the same way.
 */
import type { Static } from '@sinclair/typebox';
import type { BirthBody, SearchQuery } from '../../../src/registry/registry.schema.ts';

export type BirthRequest = Static<typeof BirthBody>;
export type SearchRequest = Static<typeof SearchQuery>;

export type Sex = 'male' | 'female';
export type PersonStatus = 'living' | 'missing' | 'deceased';
export type MaritalStatus = 'single' | 'married' | 'divorced' | 'widowed';

export interface AddressView {
  address: string;
  provinceCode: string | null;
  provinceName: string | null;
  communeCode: string | null;
  communeName: string | null;
  /** For an address recorded before 1 July 2025: the units it was recorded with. */
  recordedWith?: { provinceCode: string; provinceName: string | null; districtCode: string | null; communeCode: string; communeName: string | null } | null;
}

export interface PersonSummary {
  idNumber: string;
  fullName: string;
  sex: Sex;
  /** yyyy, yyyy-mm or yyyy-mm-dd */
  birthDate: string;
  status: PersonStatus;
  permanentResidence: AddressView | null;
  synthetic: boolean;
}

export interface SearchResult {
  mode: 'id' | 'auto' | 'prefix' | 'word';
  items: PersonSummary[];
  offset: number;
  limit: number;
  hasMore: boolean;
}

/** The full record: each field group is present only when the officer's role may read it. */
export interface PersonRecord {
  // identity
  idNumber?: string;
  fullName?: string;
  otherNames?: string[];
  sex?: Sex;
  birthDate?: string;
  status?: PersonStatus;
  deathDate?: string | null;
  nationality?: string;
  synthetic?: boolean;
  // origin
  birthRegistration?: AddressView | null;
  origin?: AddressView | null;
  ethnicity?: string;
  religion?: string;
  // family
  maritalStatus?: MaritalStatus;
  fatherId?: string | null;
  motherId?: string | null;
  spouseId?: string | null;
  // residence
  permanentResidence?: AddressView | null;
  temporaryResidence?: (AddressView & { until: string | null }) | null;
  currentResidence?: AddressView | null;
  household?: { householdNo: string; relationToHead: string | null } | null;
  version?: number;
}

export interface AsOfResult {
  asOf: string;
  eventsUndone: number;
  record: PersonRecord;
}

export interface HistoryEvent {
  eventId: number;
  kind: string;
  /** ISO timestamp of recording */
  at: string;
  effectiveDate: string | null;
  officerId: string;
  legalBasis: string;
  reason: string | null;
  /** This person's role in the event: newborn, subject, head, member, spouse… */
  role: string;
  changed: string[];
  /** Stored column names (full_name, perm_commune_code…) → values. */
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export interface HistoryResult {
  idNumber: string;
  events: HistoryEvent[];
}

export interface Household {
  householdNo: string;
  status: 'active' | 'dissolved';
  headId: string;
  address: AddressView | null;
  synthetic: boolean;
  members: Array<PersonSummary & { relationToHead: string | null }>;
}

export type BirthResult =
  | { status: 'registered'; idNumber: string; householdNo: string | null; eventId: number }
  | { status: 'held_for_review'; reviewId: number; candidates: string[] };

/** Reference data (src/platform/http/reference.routes.ts). */
export interface Province {
  code: string;
  name: string;
  type: string;
}
export interface Commune {
  code: string;
  name: string;
  type: string;
  provinceCode: string;
}
export interface EthnicGroup {
  code: string;
  name: string;
}

/** Fields a correction may change (src/registry/corrections.service.ts). */
export interface CorrectionChanges {
  fullName?: string;
  otherNames?: string[];
  birthDate?: string;
  ethnicityCode?: string;
  religion?: string;
  nationality?: string;
}

export interface CorrectionRequest {
  legalBasis: string;
  reason: string;
  changes: CorrectionChanges;
}

export interface PendingCorrection {
  id: number;
  idNumber: string;
  fullName: string;
  changes: CorrectionChanges;
  reason: string;
  legalBasis: string;
  /** The requesting officer's id. */
  requestedBy: string;
  requestedAt: string;
}

export interface CorrectionDecisionResult {
  correctionId: number;
  status: 'approved' | 'rejected';
}

/** A registration held as a probable duplicate (src/registry/duplicates.service.ts). */
/** Units of a birth registration as the duplicate queue names them. */
export interface UnitView {
  provinceCode: string;
  provinceName: string | null;
  communeCode: string | null;
  communeName: string | null;
}

/** Who a registration or an existing person is, as the duplicate queue shows them side by side. */
export interface DuplicateSummary {
  fullName: string;
  sex: 'male' | 'female';
  birthDate: string;
  birthRegistration: UnitView;
  fatherId: string | null;
  motherId: string | null;
}

export interface DuplicateReview {
  id: number;
  kind: string;
  request: Partial<BirthRequest>;
  held: DuplicateSummary;
  candidates: string[];
  /** Each candidate found, in the order of `candidates`. */
  candidateSummaries: Array<DuplicateSummary & { idNumber: string; status: PersonStatus }>;
  reasons: Array<{ idNumber: string; sameName?: boolean; sameBirthDate?: boolean; sameFather?: boolean; sameMother?: boolean; samePlace?: boolean }>;
  requestedBy: string;
  requestedAt: string;
}

export type DuplicateDecisionResult = { reviewId: number; status: 'merged'; idNumber: string } | { reviewId: number; status: 'confirmed_distinct'; idNumber: string | null };
