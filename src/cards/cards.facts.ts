import type { Kysely } from 'kysely';
import { turnReads } from '../platform/db/batch-loader.ts';
import { cardsStore, type CardFactRow } from './cards.store.ts';
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
    addCard(f, c, today);
  }
  return out;
}

function addCard(f: CardFacts, c: CardFactRow, today: string): void {
  const status = effectiveStatus(c.status, c.expiry_date, today);
  f.cards.push({ cardNo: c.card_no, issueDate: c.issue_date, expiryDate: c.expiry_date, status });
  if (status === 'valid') f.hasValidCard = true;
}

const loads = new WeakMap<object, (idNumber: string) => Promise<CardFactRow[] | undefined>>();

/**
 * One person's cards outside any transaction (undefined without a card), read in one statement
 * with those that concurrent requests ask for in the same turn of the event loop, other modules'
 * reads of that turn included.
 */
export async function cardFactsOf(db: Kysely<any>, idNumber: string, today: string): Promise<CardFacts | undefined> {
  let load = loads.get(db);
  if (!load) {
    load = turnReads(db).part({
      query: (ids: string[]) => cardsStore.cardsQuery(ids),
      index: (rows) => {
        const byId = new Map<string, CardFactRow[]>();
        for (const c of rows) {
          const list = byId.get(c.id_number);
          if (list) list.push(c);
          else byId.set(c.id_number, [c]);
        }
        // Newest first, as cardsQuery orders them: an aggregate's input order is not promised.
        for (const list of byId.values()) list.sort((x, y) => y.card_no - x.card_no);
        return byId;
      },
    });
    loads.set(db, load);
  }
  const rows = await load(idNumber);
  if (!rows) return undefined;
  const f: CardFacts = { cards: [], hasValidCard: false };
  for (const c of rows) addCard(f, c, today);
  return f;
}
