/**
 * Reactions of the cards module to other modules' events (docs/events.md): a registered death
 * revokes the dead person's cards. Delivered at least once by the outbox; revocation skips cards
 * already revoked, so a redelivery changes nothing.
 */
import type { Kysely } from 'kysely';
import { consumeAll } from '../platform/events/outbox.ts';
import type { CardsService } from './cards.service.ts';

export const DEATH_CONSUMER = 'cards.revoke-on-death';

/** Handles every `person.deceased` event not yet handled; returns the number of outbox rows read. */
export function revokeCardsOfDeceased(db: Kysely<any>, cards: CardsService): Promise<number> {
  return consumeAll(db, DEATH_CONSUMER, ['person.deceased'], async (event, trx) => {
    const subjects = (event.payload.subjects ?? []) as Array<{ idNumber: string; role: string }>;
    for (const s of subjects) if (s.role === 'deceased') await cards.revokeForDeath(trx, s.idNumber, event.payload.eventId);
  });
}
