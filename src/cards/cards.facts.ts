import type { Kysely } from 'kysely';
import { cardsStore } from './cards.store.ts';
import { effectiveStatus, type CardStatus } from './card-lifecycle.ts';

/** A person's cards as the data exchange needs them: each card's issue date and status today, newest first. */
export interface CardFacts {
  cards: Array<{ cardNo: number; issueDate: string; expiryDate: string | null; status: CardStatus }>;
  /** The person holds a card valid today. */
  hasValidCard: boolean;
}

/**
 * The cards of many people (bulk verification batches; one for a single check) in one statement,
 * with their status today (`today` yyyy-mm-dd). People without a card are absent from the map. No
 * officer check: the data exchange returns only whether a card is valid and audits the access.
 */
export async function cardFacts(db: Kysely<any>, idNumbers: readonly string[], today: string): Promise<Map<string, CardFacts>> {
  const out = new Map<string, CardFacts>();
  for (const c of await cardsStore.cardsOfMany(db, idNumbers)) {
    let f = out.get(c.id_number);
    if (!f) { f = { cards: [], hasValidCard: false }; out.set(c.id_number, f); }
    const status = effectiveStatus(c.status, c.expiry_date, today);
    f.cards.push({ cardNo: c.card_no, issueDate: c.issue_date, expiryDate: c.expiry_date, status });
    if (status === 'valid') f.hasValidCard = true;
  }
  return out;
}
