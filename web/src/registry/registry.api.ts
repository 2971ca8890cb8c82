import { withQuery, type Page, type PageQuery } from '../api/page.ts';
import { api } from '../api/client.ts';
import type { AsOfResult, BirthRequest, BirthResult, Commune, CorrectionDecisionResult, CorrectionRequest, DuplicateDecisionResult, DuplicateReview, PendingCorrection, EthnicGroup, HistoryResult, Household, PersonRecord, Province, SearchRequest, SearchResult } from './registry.types.ts';

const enc = encodeURIComponent;
type Opts = { signal?: AbortSignal };

function query(params: Record<string, string | number | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `?${s}` : '';
}

export function searchPeople(q: Partial<SearchRequest> & { q: string }, opts: Opts = {}): Promise<SearchResult> {
  return api.get(`/api/v1/registry/people${query({ ...q })}`, opts);
}

/** The full record; the server requires and audits the purpose. */
export function readPerson(idNumber: string, purpose: string, opts: Opts = {}): Promise<PersonRecord> {
  return api.get(`/api/v1/registry/people/${enc(idNumber)}${query({ purpose })}`, opts);
}

export function readHistory(idNumber: string, opts: Opts = {}): Promise<HistoryResult> {
  return api.get(`/api/v1/registry/people/${enc(idNumber)}/history`, opts);
}

export function readAsOf(idNumber: string, date: string, purpose: string, opts: Opts = {}): Promise<AsOfResult> {
  return api.get(`/api/v1/registry/people/${enc(idNumber)}/as-of/${enc(date)}${query({ purpose })}`, opts);
}

export function readHousehold(householdNo: string, opts: Opts = {}): Promise<Household> {
  return api.get(`/api/v1/registry/households/${enc(householdNo)}`, opts);
}

/** 201 → registered; 202 → held for review as a probable duplicate (both carry `status`). */
export function registerBirth(body: BirthRequest, idempotencyKey: string): Promise<BirthResult> {
  return api.post('/api/v1/registry/births', body, { headers: { 'idempotency-key': idempotencyKey } });
}

export function listProvinces(opts: Opts = {}): Promise<{ items: Province[] }> {
  return api.get('/api/v1/units/provinces', opts);
}

export function listCommunes(provinceCode: string, opts: Opts = {}): Promise<{ items: Commune[] }> {
  return api.get(`/api/v1/units/provinces/${enc(provinceCode)}/communes`, opts);
}

export function listEthnicGroups(opts: Opts = {}): Promise<{ items: EthnicGroup[] }> {
  return api.get('/api/v1/ethnic-groups', opts);
}

/** Registrations held as probable duplicates in the officer's jurisdiction (supervisors and registrars). */
export function listDuplicates(q: PageQuery, opts: Opts = {}): Promise<Page<DuplicateReview>> {
  return api.get(withQuery('/api/v1/registry/duplicates', q), opts);
}

export function decideDuplicate(id: number, body: { decision: 'distinct' | 'merge'; mergeInto?: string; note?: string }): Promise<DuplicateDecisionResult> {
  return api.post(`/api/v1/registry/duplicates/${id}/decision`, body);
}

/** Corrections awaiting approval in the officer's jurisdiction. */
export function listCorrections(q: PageQuery, opts: Opts = {}): Promise<Page<PendingCorrection>> {
  return api.get(withQuery('/api/v1/registry/corrections', q), opts);
}

export function decideCorrection(id: number, body: { decision: 'approve' | 'reject'; note?: string }, idempotencyKey: string): Promise<CorrectionDecisionResult> {
  return api.post(`/api/v1/registry/corrections/${id}/decision`, body, { headers: { 'idempotency-key': idempotencyKey } });
}

/** 202: the request waits for a supervisor other than the requester. */
export function requestCorrection(idNumber: string, body: CorrectionRequest, idempotencyKey: string): Promise<{ correctionId: number; status: 'pending' }> {
  return api.post(`/api/v1/registry/people/${enc(idNumber)}/corrections`, body, { headers: { 'idempotency-key': idempotencyKey } });
}

/** 201: a new household headed by `headId`; they leave their current household (if any). */
export function createHousehold(body: { headId: string; residence: { address: string; provinceCode: string; communeCode: string }; legalBasis: string; reason?: string }, idempotencyKey: string): Promise<{ householdNo: string; eventId: number }> {
  return api.post('/api/v1/registry/households', body, { headers: { 'idempotency-key': idempotencyKey } });
}

/** A life event (death, residence, marriage, household…): the path under /api/v1/registry, the body with its legal basis. */
export function recordEvent(path: string, body: unknown, idempotencyKey: string): Promise<unknown> {
  return api.post(`/api/v1/registry/${path}`, body, { headers: { 'idempotency-key': idempotencyKey } });
}

export const personPath = (idNumber: string, event: string) => `people/${enc(idNumber)}/${event}`;
export const householdPath = (householdNo: string, event: string) => `households/${enc(householdNo)}/${event}`;
