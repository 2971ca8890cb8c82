/**
 * Reactions of the eID accounts to other modules' events (docs/events.md): a registered death
 * closes the person's account and ends its sessions, publishing `identity.account.closed` in the
 * same transaction. Delivered at least once; an account already closed is left alone, so a
 * redelivery changes nothing. A declaration of missing suspends the account until it is revoked.
 * An organisation's consent request is told to the citizen by SMS (queued, see notices.ts).
 */
import type { Kysely } from 'kysely';
import { consumeAll } from '../../platform/events/outbox.ts';
import type { EnrolmentService } from './enrolment.service.ts';
import { accountsStore } from './accounts.store.ts';
import { NOTICE } from './messages.ts';
import { queueNotice } from './notices.ts';
import type { Clock } from '../../platform/clock.ts';

export const DEATH_CONSUMER = 'identity.close-on-death';
export const CONSENT_REQUEST_CONSUMER = 'identity.notify-consent-request';
export const MISSING_CONSUMER = 'identity.suspend-on-missing';

/** Handles every `person.deceased` event not yet handled; returns the number of outbox rows read. */
export function closeAccountsOfDeceased(db: Kysely<any>, enrolment: EnrolmentService): Promise<number> {
  return consumeAll(db, DEATH_CONSUMER, ['person.deceased'], async (event, trx) => {
    const subjects = (event.payload.subjects ?? []) as Array<{ idNumber: string; role: string }>;
    for (const s of subjects) if (s.role === 'deceased') await enrolment.closeForDeath(trx, s.idNumber, event.payload.eventId);
  });
}

/**
 * Handles every `person.declared_missing` (the account is suspended) and `person.missing_revoked`
 * (an account suspended for it is reactivated) not yet handled; returns the outbox rows read.
 */
export function followMissingDeclarations(db: Kysely<any>, enrolment: EnrolmentService): Promise<number> {
  return consumeAll(db, MISSING_CONSUMER, ['person.declared_missing', 'person.missing_revoked'], async (event, trx) => {
    const subjects = (event.payload.subjects ?? []) as Array<{ idNumber: string; role: string }>;
    for (const s of subjects) {
      if (event.topic === 'person.declared_missing') await enrolment.suspendForMissing(trx, s.idNumber, event.payload.eventId);
      else await enrolment.reactivateAfterMissing(trx, s.idNumber, event.payload.eventId);
    }
  });
}

/**
 * Handles every `exchange.consent.requested` event not yet handled: the holder of an active eID
 * account is sent a notice on the account's phone naming the organisation and pointing to the
 * portal — once a day per organisation (the event counts the organisation's pending requests of
 * the last 24 hours). The notice is queued in the transaction that moves the cursor (once per
 * event, whatever the redeliveries) and sent by the notice worker, which retries a failed text.
 */
export function notifyConsentRequests(db: Kysely<any>, portalUrl: string, clock: Clock): Promise<number> {
  return consumeAll(db, CONSENT_REQUEST_CONSUMER, ['exchange.consent.requested'], async (event, trx) => {
    const p = event.payload as { idNumber?: string; organisation?: { name?: string }; pendingFromOrganisation?: number };
    if (!p.idNumber || !p.organisation?.name || (p.pendingFromOrganisation ?? 1) > 1) return;
    const a = await accountsStore.openAccount(trx, p.idNumber);
    if (!a?.phone || (a.status !== 'active' && a.status !== 'locked')) return;
    await queueNotice(trx, { kind: 'consent_requested', accountId: a.id, to: { phone: a.phone }, text: NOTICE.consentRequested(p.organisation.name, portalUrl), dedupeKey: `consent-request:${event.id}` }, clock.now());
  });
}
