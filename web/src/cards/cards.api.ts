import { api } from '../api/client.ts';
import type { CardHistory, CardView, IssueRequest, IssueResult, SearchResult, StatusAction, StatusRequest } from './cards.types.ts';

const enc = encodeURIComponent;
type Opts = { signal?: AbortSignal };

export const SEARCH_LIMIT = 20;

/** The registry's search (audited there): an ID number finds that person, a name finds by name. */
export function findPeople(q: string, opts: Opts = {}): Promise<SearchResult> {
  return api.get(`/api/v1/registry/people?${new URLSearchParams({ q, limit: String(SEARCH_LIMIT), offset: '0' }).toString()}`, opts);
}

/** A person's cards, newest first, with their events (an audited read). */
export function readCards(idNumber: string, opts: Opts = {}): Promise<CardHistory> {
  return api.get(`/api/v1/cards/people/${enc(idNumber)}/cards`, opts);
}

export function issueCard(idNumber: string, body: IssueRequest, idempotencyKey: string): Promise<IssueResult> {
  return api.post(`/api/v1/cards/people/${enc(idNumber)}/cards`, body, { headers: { 'idempotency-key': idempotencyKey } });
}

const ACTION_PATH: Record<StatusAction, string> = { report_lost: 'report-lost', revoke: 'revoke' };

export function changeStatus(idNumber: string, cardNo: number, action: StatusAction, body: StatusRequest, idempotencyKey: string): Promise<CardView> {
  return api.post(`/api/v1/cards/people/${enc(idNumber)}/cards/${cardNo}/${ACTION_PATH[action]}`, body, { headers: { 'idempotency-key': idempotencyKey } });
}
