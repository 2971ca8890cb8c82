/**
 * Shapes of the cards API (src/cards/cards.service.ts `cardView`, `issue`). Request bodies come
 * type-only from the server's TypeBox schemas; responses are mirrored here.
 */
import type { Static } from '@sinclair/typebox';
import type { IssueBody, StatusBody } from '../../../src/cards/cards.schema.ts';

export type IssueRequest = Static<typeof IssueBody>;
export type StatusRequest = Static<typeof StatusBody>;
export type IssueKind = IssueRequest['kind'];
export type CardStatus = 'valid' | 'superseded' | 'reported_lost' | 'revoked' | 'expired';
export type StatusAction = 'report_lost' | 'revoke';

export interface CardEvent {
  kind: 'issued' | 'superseded' | 'reported_lost' | 'revoked';
  at: string;
  actorKind: 'officer' | 'system';
  actorId: string;
  reason: string | null;
  legalBasis: string | null;
}

export interface CardView {
  idNumber: string;
  cardNo: number;
  issueKind: IssueKind;
  /** As of today: a valid card past its expiry reads as expired. */
  status: CardStatus;
  /** yyyy-mm-dd */
  issueDate: string;
  /** yyyy-mm-dd; null: the card does not expire. */
  expiryDate: string | null;
  authority: string;
  reason: string | null;
  legalBasis: string;
  issuedBy: string;
  statusReason: string | null;
  statusChangedAt: string | null;
  sodSha256: string;
  synthetic: boolean;
  events: CardEvent[];
}

export interface CardHistory {
  idNumber: string;
  cards: CardView[];
}

/** What `POST …/cards` answers once: the card, what is printed and what the chip holds (base64). */
export interface IssueResult {
  card: CardView;
  qr: string;
  mrz: [string, string, string];
  chip: { sod: string; dataGroups: Record<string, string> };
}

/** From the registry's search (GET /api/v1/registry/people). */
export interface PersonSummary {
  idNumber: string;
  fullName: string;
  sex: 'male' | 'female';
  birthDate: string;
  status: 'living' | 'missing' | 'deceased';
  permanentResidence: { address: string; communeCode: string | null; communeName: string | null; provinceCode: string | null; provinceName: string | null } | null;
  synthetic: boolean;
}

export interface SearchResult {
  items: PersonSummary[];
  hasMore: boolean;
}

/**
 * Which issue the latest card allows (ISSUE_ALLOWED in src/cards/card-lifecycle.ts; the server
 * decides, this only offers the choices).
 */
export const ISSUE_ALLOWED: Record<CardStatus | 'none', readonly IssueKind[]> = {
  none: ['first_issue'],
  valid: ['renewal'],
  expired: ['renewal'],
  reported_lost: ['reissue'],
  revoked: ['reissue'],
  superseded: [],
};

/** The statuses each action applies to (STATUS_ACTION in src/cards/card-lifecycle.ts). */
export const ACTION_FROM: Record<StatusAction, readonly CardStatus[]> = {
  report_lost: ['valid'],
  revoke: ['valid', 'reported_lost', 'expired'],
};
