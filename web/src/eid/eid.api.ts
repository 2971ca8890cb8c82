import { api } from '../api/client.ts';

const enc = encodeURIComponent;
type Opts = { signal?: AbortSignal };

export type AccountStatus = 'pending_activation' | 'active' | 'locked' | 'suspended' | 'closed';
export type FaceMatch = 'match' | 'no_match';
export type CounterPurpose = 'enrolment' | 'recovery';

export interface AccountSummary {
  id: string;
  idNumber: string;
  level: 1 | 2;
  status: AccountStatus;
  phoneMasked: string;
  createdAt: string;
}

export interface CounterRequest {
  idNumber: string;
  chip: { sod: string; dataGroups: { DG1: string; DG2?: string; DG13?: string } };
  faceMatch: FaceMatch;
  phone: string;
  email?: string;
}

export interface CounterResult {
  account: AccountSummary;
  activation: { kind: 'create' | 'upgrade' | 'recovery'; expiresAt: string; sentTo: string };
  verification: { id: number; at: string; chip: 'pass'; faceMatch: 'match' };
}

export interface Verification {
  id: number;
  purpose: CounterPurpose;
  result: 'accepted' | 'refused';
  refusal: string | null;
  officerId: string;
  office: { provinceCode: string | null; communeCode: string | null };
  at: string;
  chipOk: boolean;
  chipFailures: string[];
  faceMatch: FaceMatch;
}

export interface OfficerAccount extends AccountSummary {
  statusReason: string | null;
  statusChangedAt: string;
  lockedUntil: string | null;
  openedByGuardian: boolean;
  totpEnabled: boolean;
  verifications: Verification[];
}

const COUNTER_PATH: Record<CounterPurpose, string> = { enrolment: '/api/v1/eid/counter/level2', recovery: '/api/v1/eid/counter/recovery' };

/** Level 2 at the counter (card officers): enrolment/upgrade or recovery; the chip passes passive authentication on the server. */
export function atCounter(purpose: CounterPurpose, body: CounterRequest): Promise<CounterResult> {
  return api.post(COUNTER_PATH[purpose], body);
}

/** A person's eID account with its counter verifications (an audited read). */
export function readAccount(idNumber: string, opts: Opts = {}): Promise<OfficerAccount> {
  return api.get(`/api/v1/eid/accounts/${enc(idNumber)}`, opts);
}

export function setSuspended(idNumber: string, suspend: boolean, reason: string): Promise<{ account: AccountSummary }> {
  return api.post(`/api/v1/eid/accounts/${enc(idNumber)}/${suspend ? 'suspend' : 'reactivate'}`, { reason });
}
