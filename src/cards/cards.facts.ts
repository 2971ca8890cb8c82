import type { Kysely } from 'kysely';
import { BatchLoader } from '../platform/db/batch-loader.ts';
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
    addCard(f, c, today);
  }
  return out;
}

type CardFactRow = Awaited<ReturnType<typeof cardsStore.cardsOfMany>>[number];

function addCard(f: CardFacts, c: CardFactRow, today: string): void {
  const status = effectiveStatus(c.status, c.expiry_date, today);
  f.cards.push({ cardNo: c.card_no, issueDate: c.issue_date, expiryDate: c.expiry_date, status });
  if (status === 'valid') f.hasValidCard = true;
}

const loaders = new WeakMap<object, BatchLoader<string, CardFactRow[]>>();

/**
 * One person's cards outside any transaction (undefined without a card), read in one statement
 * with those that concurrent requests ask for in the same turn of the event loop.
 */
export async function cardFactsOf(db: Kysely<any>, idNumber: string, today: string): Promise<CardFacts | undefined> {
  let loader = loaders.get(db);
  if (!loader) {
    loader = new BatchLoader(async (ids) => {
      const byId = new Map<string, CardFactRow[]>();
      for (const c of await cardsStore.cardsOfMany(db, ids)) {
        const list = byId.get(c.id_number);
        if (list) list.push(c);
        else byId.set(c.id_number, [c]);
      }
      return byId;
    });
    loaders.set(db, loader);
  }
  const rows = await loader.load(idNumber);
  if (!rows) return undefined;
  const f: CardFacts = { cards: [], hasValidCard: false };
  for (const c of rows) addCard(f, c, today);
  return f;
}
