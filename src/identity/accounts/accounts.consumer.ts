/**
 * Reactions of the eID accounts to other modules' events (docs/events.md): a registered death
 * closes the person's account and ends its sessions, publishing `identity.account.closed` in the
 * same transaction. Delivered at least once; an account already closed is left alone, so a
 * redelivery changes nothing.
 */
import type { Kysely } from 'kysely';
import { consumeAll } from '../../platform/events/outbox.ts';
import type { EnrolmentService } from './enrolment.service.ts';

export const DEATH_CONSUMER = 'identity.close-on-death';

/** Handles every `person.deceased` event not yet handled; returns the number of outbox rows read. */
export function closeAccountsOfDeceased(db: Kysely<any>, enrolment: EnrolmentService): Promise<number> {
  return consumeAll(db, DEATH_CONSUMER, ['person.deceased'], async (event, trx) => {
    const subjects = (event.payload.subjects ?? []) as Array<{ idNumber: string; role: string }>;
    for (const s of subjects) if (s.role === 'deceased') await enrolment.closeForDeath(trx, s.idNumber, event.payload.eventId);
  });
}
