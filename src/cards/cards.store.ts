import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { CardStatus, IssueKind } from './card-lifecycle.ts';

type Db = Kysely<any> | Transaction<any>;

/** A row of cards.card. Dates are 'yyyy-mm-dd'. */
export interface CardRow {
  id_number: string;
  card_no: number;
  issue_kind: IssueKind;
  status: CardStatus;
  issue_date: string;
  expiry_date: string | null;
  authority: string;
  reason: string | null;
  legal_basis: string;
  issued_by: string;
  province_code: string | null;
  commune_code: string | null;
  document_signer_id: number;
  sod_sha256: Buffer;
  status_reason: string | null;
  status_changed_at: Date | null;
  synthetic: boolean;
}

/** A card as the data exchange needs it. */
export type CardFactRow = Pick<CardRow, 'id_number' | 'card_no' | 'status' | 'issue_date' | 'expiry_date'>;

export type CardEventKind = 'issued' | 'superseded' | 'reported_lost' | 'revoked';

export interface CardEventRow {
  id_number: string;
  card_no: number;
  kind: CardEventKind;
  at: Date;
  actor_kind: 'officer' | 'system';
  actor_id: string;
  reason: string | null;
  legal_basis: string | null;
  request_id: string | null;
}

export interface SigningKeyRow {
  id: number;
  kind: 'csca' | 'document_signer';
  issuer_key_id: number | null;
  certificate_der: Buffer;
  private_key: Buffer | null;
  private_key_protection: 'none' | 'aes-256-gcm';
  subject: string;
  serial_hex: string;
  not_before: Date;
  not_after: Date;
  usage_not_before: Date;
  usage_not_after: Date;
}

const CARD_COLUMNS = ['id_number', 'card_no', 'issue_kind', 'status', 'issue_date', 'expiry_date', 'authority', 'reason', 'legal_basis', 'issued_by', 'province_code', 'commune_code', 'document_signer_id', 'sod_sha256', 'status_reason', 'status_changed_at', 'synthetic'] as const;

/** All SQL of the cards module. */
export const cardsStore = {
  /** A person's cards, newest first; locked when `forUpdate` (inside the issuing transaction). */
  async cards(db: Db, idNumber: string, opts: { forUpdate?: boolean } = {}): Promise<CardRow[]> {
    let q = db.selectFrom('cards.card').select(CARD_COLUMNS).where('id_number', '=', idNumber).orderBy('card_no', 'desc');
    if (opts.forUpdate) q = q.forUpdate();
    return (await q.execute()) as CardRow[];
  },

  /** The cards of many people in one statement (`= any($1)`), each person's newest first. */
  async cardsOfMany(db: Db, idNumbers: readonly string[]): Promise<CardFactRow[]> {
    return (await cardsStore.cardsQuery(idNumbers).execute(db)).rows;
  },

  /** The statement of cardsOfMany, for a turn's combined read (TurnReads). */
  cardsQuery(idNumbers: readonly string[]): RawBuilder<CardFactRow> {
    // One person by equality, so the prepared statement settles on its generic plan (see identityMany).
    return idNumbers.length === 1
      ? sql<CardFactRow>`select id_number, card_no, status, issue_date, expiry_date from cards.card where id_number = ${idNumbers[0]!} order by card_no desc`
      : sql<CardFactRow>`select id_number, card_no, status, issue_date, expiry_date from cards.card where id_number = any(${idNumbers as string[]}::text[]) order by id_number, card_no desc`;
  },

  /**
   * Takes the person's card lock for the rest of the transaction (so two issuances for one person
   * cannot interleave, even before the first card row exists) and returns their cards, locked.
   */
  async lockPersonCards(trx: Transaction<any>, idNumber: string): Promise<CardRow[]> {
    await sql`select pg_advisory_xact_lock(hashtext(${`cards:${idNumber}`}))`.execute(trx);
    return cardsStore.cards(trx, idNumber, { forUpdate: true });
  },

  async card(db: Db, idNumber: string, cardNo: number, opts: { forUpdate?: boolean } = {}): Promise<CardRow | undefined> {
    let q = db.selectFrom('cards.card').select(CARD_COLUMNS).where('id_number', '=', idNumber).where('card_no', '=', cardNo);
    if (opts.forUpdate) q = q.forUpdate();
    return (await q.executeTakeFirst()) as CardRow | undefined;
  },

  /** The hot path of passive authentication: one index lookup by the SOD's hash. */
  async cardBySod(db: Db, sodSha256: Buffer): Promise<Pick<CardRow, 'id_number' | 'card_no' | 'status' | 'expiry_date'> | undefined> {
    return (await db.selectFrom('cards.card').select(['id_number', 'card_no', 'status', 'expiry_date']).where('sod_sha256', '=', sodSha256).executeTakeFirst()) as never;
  },

  async insertCard(trx: Transaction<any>, row: Omit<CardRow, 'status_reason' | 'status_changed_at'>): Promise<void> {
    await trx.insertInto('cards.card').values(row).execute();
  },

  async setStatus(trx: Transaction<any>, idNumber: string, cardNo: number, status: CardStatus, reason: string | null, at: Date): Promise<void> {
    await trx.updateTable('cards.card').set({ status, status_reason: reason, status_changed_at: at }).where('id_number', '=', idNumber).where('card_no', '=', cardNo).execute();
  },

  async insertEvent(trx: Transaction<any>, e: CardEventRow): Promise<void> {
    await trx.insertInto('cards.card_event').values(e).execute();
  },

  async events(db: Db, idNumber: string): Promise<CardEventRow[]> {
    return (await db.selectFrom('cards.card_event').select(['id_number', 'card_no', 'kind', 'at', 'actor_kind', 'actor_id', 'reason', 'legal_basis', 'request_id']).where('id_number', '=', idNumber).orderBy('id').execute()) as CardEventRow[];
  },

  // ---- signing keys ---------------------------------------------------------------------------

  /** Serialises key creation across processes for the rest of the transaction. */
  async lockKeys(trx: Transaction<any>): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext('cards.signing_key'))`.execute(trx);
  },

  /** The key of a kind whose private key usage period covers `at`, the most recent first. */
  async usableKey(db: Db, kind: SigningKeyRow['kind'], at: Date): Promise<SigningKeyRow | undefined> {
    return (await db.selectFrom('cards.signing_key').selectAll().where('kind', '=', kind).where('private_key', 'is not', null)
      .where('usage_not_before', '<=', at).where('usage_not_after', '>', at).orderBy('usage_not_before', 'desc').orderBy('id', 'desc').executeTakeFirst()) as SigningKeyRow | undefined;
  },

  async key(db: Db, id: number): Promise<SigningKeyRow | undefined> {
    return (await db.selectFrom('cards.signing_key').selectAll().where('id', '=', id).executeTakeFirst()) as SigningKeyRow | undefined;
  },

  /** Every CSCA certificate (current, previous and imported), oldest first. */
  async cscaCertificates(db: Db): Promise<Array<Pick<SigningKeyRow, 'id' | 'certificate_der' | 'subject' | 'not_before' | 'not_after'>>> {
    return (await db.selectFrom('cards.signing_key').select(['id', 'certificate_der', 'subject', 'not_before', 'not_after']).where('kind', '=', 'csca').orderBy('id').execute()) as never;
  },

  async insertKey(trx: Transaction<any>, row: Omit<SigningKeyRow, 'id'>): Promise<number> {
    const r = await trx.insertInto('cards.signing_key').values(row).returning('id').executeTakeFirstOrThrow();
    return Number(r.id);
  },
};
