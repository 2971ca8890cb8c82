/**
 * A card's statuses and what may happen in each: tables the compiler checks for completeness.
 *
 * A person's cards form a list (card_no 1, 2, …); at most one is `valid`. The latest card decides
 * which issuance a card officer may record (Law 26/2023 Art. 24: "cấp" first issue, "cấp đổi"
 * renewal, "cấp lại" re-issue):
 *   no card       → first_issue
 *   valid         → renewal (renewal age, damaged, data changed, unit renamed, on request); the old card is superseded
 *   expired       → renewal; the old card is superseded
 *   reported_lost → reissue; the lost card stays reported lost
 *   revoked       → reissue (revocation for a reason other than death; a deceased person gets no card)
 *   superseded    → never the latest card
 */
export const CARD_STATUSES = ['valid', 'superseded', 'reported_lost', 'revoked', 'expired'] as const;
export type CardStatus = (typeof CARD_STATUSES)[number];

export const ISSUE_KINDS = ['first_issue', 'renewal', 'reissue'] as const;
export type IssueKind = (typeof ISSUE_KINDS)[number];

/** Which issuance the person's latest card allows; `none` = no card yet. */
export const ISSUE_ALLOWED = {
  none: ['first_issue'],
  valid: ['renewal'],
  expired: ['renewal'],
  reported_lost: ['reissue'],
  revoked: ['reissue'],
  superseded: [],
} as const satisfies Record<CardStatus | 'none', readonly IssueKind[]>;

export function issueAllowed(latest: CardStatus | 'none', kind: IssueKind): boolean {
  return (ISSUE_ALLOWED[latest] as readonly IssueKind[]).includes(kind);
}

/** What a new issuance does to the latest card. */
export const ON_NEW_CARD = {
  none: null,
  valid: 'superseded',
  expired: 'superseded',
  reported_lost: null,
  revoked: null,
  superseded: null,
} as const satisfies Record<CardStatus | 'none', CardStatus | null>;

export const STATUS_ACTIONS = ['report_lost', 'revoke'] as const;
export type StatusAction = (typeof STATUS_ACTIONS)[number];

/** The statuses a card may be in for each action, and the status it leaves the card in. */
export const STATUS_ACTION = {
  report_lost: { from: ['valid'], to: 'reported_lost' },
  revoke: { from: ['valid', 'reported_lost', 'expired'], to: 'revoked' },
} as const satisfies Record<StatusAction, { from: readonly CardStatus[]; to: CardStatus }>;

export function actionAllowed(action: StatusAction, status: CardStatus): boolean {
  return (STATUS_ACTION[action].from as readonly CardStatus[]).includes(status);
}

/** Outbox topics (`noun.past_participle`, docs/events.md). */
export const CARD_TOPIC = {
  issued: 'card.issued',
  superseded: 'card.superseded',
  reported_lost: 'card.reported_lost',
  revoked: 'card.revoked',
} as const;

/**
 * The status as of a day: a `valid` card past its expiry reads as `expired` (the stored status
 * changes only on an action, so no job is needed to expire cards). `expiry` null = never expires;
 * dates are ISO 'yyyy-mm-dd', compared as strings.
 */
export function effectiveStatus(stored: CardStatus, expiry: string | null, today: string): CardStatus {
  return stored === 'valid' && expiry !== null && today > expiry ? 'expired' : stored;
}
