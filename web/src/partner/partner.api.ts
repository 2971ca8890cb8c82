import { api } from '../api/client.ts';
import { withQuery, type Page, type PageQuery } from '../api/page.ts';
import { ApiError, parseProblem } from '../api/problem.ts';

/** The partner console's API (src/exchange/staff/staff.routes.ts, /api/v1/partner/…). */

type Opts = { signal?: AbortSignal };

export interface Localised {
  vi: string;
  en: string;
}

export type StaffRole = 'manager' | 'viewer';

export interface Organisation {
  id: string;
  name: string;
  kind: string;
  code: string | null;
  status: 'active' | 'suspended';
  role: StaffRole;
  since: string;
}

export interface PartnerMe {
  idNumber: string;
  level: 1 | 2;
  organisations: Organisation[];
}

export interface Jwk {
  kid?: string;
  kty?: string;
  crv?: string;
  alg?: string;
  use?: string;
  [k: string]: unknown;
}

export interface KeySummary {
  kid: string | null;
  kty: string | null;
  crv: string | null;
  alg: string | null;
  use: string | null;
}

export interface PartnerSystem {
  id: string;
  name: string;
  clientId: string;
  status: 'active' | 'disabled';
  ratePerSecond: number;
  createdAt: string;
  disabledAt: string | null;
  keys: KeySummary[];
  jwks: { keys: Jwk[] };
  bulkPurposes: Array<{ code: string; label: Localised }>;
}

export interface MemberView {
  id: string;
  name: string;
  kind: string;
  code: string | null;
  status: 'active' | 'suspended';
  role: StaffRole;
  systems: PartnerSystem[];
}

export interface GrantView {
  id: number;
  service: string;
  serviceName: Localised;
  fields: Array<{ field: string; label: Localised }>;
  purposes: Array<{ code: string; label: Localised }>;
  basis: { kind: 'provision'; provision: string } | { kind: 'consent' };
  validFrom: string;
  validUntil: string;
  quotaPerDay: number | null;
  defaultQuotaPerDay: number | null;
  status: 'active' | 'expired' | 'not_yet_valid' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
}

export interface GrantsView {
  today: string;
  systems: Array<{ systemId: string; systemName: string; status: string; grants: GrantView[] }>;
}

export interface UsageDay {
  day: string;
  calls: number;
  people: number;
  refused: number;
}

export interface UsageView {
  from: string;
  to: string;
  days: string[];
  systems: Array<{
    systemId: string;
    systemName: string;
    status: string;
    ratePerSecond: number;
    services: Array<{ service: string; serviceName: Localised; quotaPerDay: number | null; usedToday: number; days: UsageDay[] }>;
  }>;
}

export type JobStatus = 'uploading' | 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

export interface Job {
  id: string;
  systemId: string;
  systemName: string;
  status: JobStatus;
  purpose: string;
  format: 'csv' | 'jsonl';
  nameMatching: 'exact' | 'diacritic_insensitive';
  fields: string[];
  legalBasis: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  input: { bytes: number };
  rows: { done: number; estimated: number | null; match: number; mismatch: number; notFound: number; malformed: number; refused: number };
  progress: { percent: number | null; rowsPerSecond: number | null; etaSeconds: number | null };
  result: { available: boolean; bytes: number; url: string };
  cancelRequested: boolean;
  error: string | null;
}

export interface Subscription {
  id: string;
  systemId: string;
  systemName: string;
  purpose: string;
  topics: string[];
  url: string;
  status: 'active' | 'cancelled';
  createdAt: string;
  cancelledAt: string | null;
  watched?: number;
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

export interface Delivery {
  id: string;
  subscriptionId: string;
  systemId: string;
  systemName: string;
  topic: string;
  idNumber: string;
  occurredAt: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

const base = (memberId: string) => `/api/v1/partner/members/${encodeURIComponent(memberId)}`;

export const partnerMe = (o: Opts = {}) => api.get<PartnerMe>('/api/v1/partner/me', o);
export const memberView = (memberId: string, o: Opts = {}) => api.get<MemberView>(base(memberId), o);
export const replaceKeys = (memberId: string, systemId: string, jwks: { keys: Jwk[] }) => api.put<PartnerSystem>(`${base(memberId)}/systems/${encodeURIComponent(systemId)}/jwks`, jwks);
export const grantsView = (memberId: string, o: Opts = {}) => api.get<GrantsView>(`${base(memberId)}/grants`, o);
export const usageView = (memberId: string, days: number, o: Opts = {}) => api.get<UsageView>(`${base(memberId)}/usage?days=${days}`, o);
export const listJobs = (memberId: string, q: PageQuery & { status?: JobStatus | ''; systemId?: string }, o: Opts = {}) => api.get<Page<Job>>(withQuery(`${base(memberId)}/bulk-jobs`, q), o);
export const cancelJob = (memberId: string, jobId: string) => api.post<Job>(`${base(memberId)}/bulk-jobs/${encodeURIComponent(jobId)}/cancel`);
export const listSubscriptions = (memberId: string, o: Opts = {}) => api.get<{ items: Subscription[] }>(`${base(memberId)}/subscriptions`, o);
export const listDeliveries = (memberId: string, q: PageQuery & { status?: DeliveryStatus | ''; systemId?: string }, o: Opts = {}) => api.get<Page<Delivery>>(withQuery(`${base(memberId)}/deliveries`, q), o);

/**
 * Uploads a file as the raw body (streamed by the browser from disk, never read into the page)
 * and starts a bulk job. The Idempotency-Key makes a retried submission return the same job.
 */
export async function startJob(memberId: string, systemId: string, q: { purpose: string; nameMatching: string }, file: File, idempotencyKey: string, lang: 'vi' | 'en'): Promise<Job> {
  const jsonl = /\.(jsonl|ndjson)$/i.test(file.name) || /json/.test(file.type);
  const url = `${base(memberId)}/systems/${encodeURIComponent(systemId)}/bulk-jobs?purpose=${encodeURIComponent(q.purpose)}&nameMatching=${encodeURIComponent(q.nameMatching)}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST', body: file, credentials: 'same-origin', cache: 'no-store',
      headers: { 'content-type': jsonl ? 'application/x-ndjson' : 'text/csv', accept: 'application/json, application/problem+json', 'accept-language': lang, 'idempotency-key': idempotencyKey },
    });
  } catch (err) {
    throw new ApiError('network', 0, null, err);
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.ok && body) return body as Job;
  const problem = parseProblem(body, res.status);
  throw new ApiError(problem ? 'problem' : 'unexpected', res.status, problem);
}

