import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { actionAllowed, CARD_STATUSES, effectiveStatus, ISSUE_KINDS, issueAllowed, ON_NEW_CARD, type CardStatus, type IssueKind } from './card-lifecycle.ts';

describe('which issuance the latest card allows', () => {
  const allowed: Record<CardStatus | 'none', IssueKind[]> = {
    none: ['first_issue'], valid: ['renewal'], expired: ['renewal'], reported_lost: ['reissue'], revoked: ['reissue'], superseded: [],
  };
  for (const latest of ['none', ...CARD_STATUSES] as const) {
    for (const kind of ISSUE_KINDS) {
      const want = allowed[latest].includes(kind);
      test(`${latest} → ${kind}: ${want ? 'allowed' : 'refused'}`, () => assert.equal(issueAllowed(latest, kind), want));
    }
  }
  test('a new card supersedes a valid or expired one and leaves a lost or revoked one as it is', () => {
    assert.deepEqual(ON_NEW_CARD, { none: null, valid: 'superseded', expired: 'superseded', reported_lost: null, revoked: null, superseded: null });
  });
});

describe('status actions', () => {
  const cases: Array<['report_lost' | 'revoke', CardStatus, boolean]> = [
    ['report_lost', 'valid', true], ['report_lost', 'reported_lost', false], ['report_lost', 'revoked', false], ['report_lost', 'superseded', false], ['report_lost', 'expired', false],
    ['revoke', 'valid', true], ['revoke', 'reported_lost', true], ['revoke', 'expired', true], ['revoke', 'revoked', false], ['revoke', 'superseded', false],
  ];
  for (const [action, status, want] of cases) test(`${action} from ${status}: ${want}`, () => assert.equal(actionAllowed(action, status), want));
});

describe('effectiveStatus: a valid card reads as expired after its last valid day', () => {
  const cases: Array<[CardStatus, string | null, string, CardStatus]> = [
    ['valid', '2030-01-01', '2030-01-01', 'valid'],
    ['valid', '2030-01-01', '2030-01-02', 'expired'],
    ['valid', null, '2199-01-01', 'valid'],
    ['revoked', '2030-01-01', '2031-01-01', 'revoked'],
    ['reported_lost', '2030-01-01', '2031-01-01', 'reported_lost'],
  ];
  for (const [stored, expiry, today, want] of cases) test(`${stored}, expiry ${expiry}, on ${today} → ${want}`, () => assert.equal(effectiveStatus(stored, expiry, today), want));
});
