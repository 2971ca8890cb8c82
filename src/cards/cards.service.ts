/**
 * Card issuance and status: first issue, renewal and re-issue for a living citizen in the card
 * officer's jurisdiction (read through the registry's service), reports of loss, revocation, the
 * card history, and the card status that passive authentication asks for. Each change is one
 * transaction with its card event, outbox event and audit entry, idempotent under a client's key.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { assertRole, type OfficerActor } from '../platform/auth/actor.ts';
import type { AuditEntry, AuditWriter } from '../platform/audit/index.ts';
import type { Clock } from '../platform/clock.ts';
import { recordEffects } from '../platform/events/effects.ts';
import { AppError } from '../platform/http/errors.ts';
import { claimKey, requestHash, storeResponse } from '../platform/idempotency.ts';
import { familyNames, type RegistryService } from '../registry/index.ts';
import type { PersonRow } from '../registry/registry.types.ts';
import { getCommune2025, getEthnicGroup, getProvince2025, nfc, vnCalendarDate, type FullDate, type PartialDate } from '../vn/index.ts';
import { actionAllowed, CARD_TOPIC, effectiveStatus, ISSUE_ALLOWED, issueAllowed, ON_NEW_CARD, STATUS_ACTION, type CardStatus, type IssueKind, type StatusAction } from './card-lifecycle.ts';
import type { ChipHolder } from './cards.types.ts';
import { cardsStore as store, type CardEventKind, type CardEventRow, type CardRow } from './cards.store.ts';
import { personaliseChip } from './chip.ts';
import { createPassiveAuthenticator, type ChipReference, type PaInput, type PaReport, type PassiveAuthenticator } from './passive-auth.ts';
import { formatCardQr } from './qr.ts';
import type { SigningKeys } from './signing-keys.ts';
import { cardExpiry, type CardExpiry } from './validity.ts';
import './cards.errors.ts';

export interface CardsContext {
  actor: OfficerActor;
  requestId: string;
  idempotencyKey?: string;
}

export interface IssueInput {
  kind: IssueKind;
  legalBasis: string;
  reason?: string;
}

export interface StatusInput {
  legalBasis: string;
  reason?: string;
}

export interface CardsOptions {
  /** The issuing authority printed on the card (unverified default: the Ministry of Public Security). */
  authority?: string;
  /** How long the verifier keeps the CSCA list before reading it again, in milliseconds. */
  trustListTtlMs?: number;
}

const CARD_OFFICER = ['card_officer'] as const;
const DEFAULT_AUTHORITY = 'Bộ Công an';
const NATIONALITY_TEXT: Record<string, string> = { VNM: 'Việt Nam' };
const DECEASED_REASON = 'Công dân đã chết (đăng ký khai tử) / holder deceased';

export const iso = (d: FullDate): string => `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** An address and its 2025 units as printed: "Số 5, phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội". */
function placeText(address: string | null, communeCode: string | null, provinceCode: string | null): string | null {
  const parts = [address, communeCode ? getCommune2025(communeCode)?.name : null, provinceCode ? getProvince2025(provinceCode)?.name : null].filter((x): x is string => !!x && x.trim() !== '');
  return parts.length ? nfc(parts.join(', ')) : null;
}

/** The place of residence a card prints (and its QR carries): permanent, else temporary, else current. */
export function residenceText(p: PersonRow): string | null {
  return placeText(p.perm_address, p.perm_commune_code, p.perm_province_code) ?? placeText(p.temp_address, p.temp_commune_code, p.temp_province_code) ?? placeText(p.cur_address, p.cur_commune_code, p.cur_province_code);
}

/** The registry's birth date as a partial date. */
export function birthDateOf(p: Pick<PersonRow, 'birth_year' | 'birth_month' | 'birth_day'>): PartialDate {
  return p.birth_month === null ? { kind: 'year', year: p.birth_year } : p.birth_day === null ? { kind: 'month', year: p.birth_year, month: p.birth_month } : { kind: 'full', year: p.birth_year, month: p.birth_month, day: p.birth_day };
}

export function cardView(r: CardRow, today: string, events: readonly CardEventRow[] = []) {
  return {
    idNumber: r.id_number,
    cardNo: r.card_no,
    issueKind: r.issue_kind,
    status: effectiveStatus(r.status, r.expiry_date, today),
    issueDate: r.issue_date,
    /** null: the card does not expire. */
    expiryDate: r.expiry_date,
    authority: r.authority,
    reason: r.reason,
    legalBasis: r.legal_basis,
    issuedBy: r.issued_by,
    statusReason: r.status_reason,
    statusChangedAt: r.status_changed_at?.toISOString() ?? null,
    sodSha256: r.sod_sha256.toString('hex'),
    synthetic: r.synthetic,
    events: events.filter((e) => e.card_no === r.card_no).map((e) => ({ kind: e.kind, at: e.at.toISOString(), actorKind: e.actor_kind, actorId: e.actor_id, reason: e.reason, legalBasis: e.legal_basis })),
  };
}
export type CardView = ReturnType<typeof cardView>;

/** Everything a status change writes, in the caller's transaction. */
async function recordStatus(trx: Transaction<any>, card: CardRow, kind: Exclude<CardEventKind, 'issued'>, status: CardStatus, who: { kind: 'officer' | 'system'; id: string }, at: Date, detail: { reason: string | null; legalBasis: string | null; requestId: string | null }): Promise<void> {
  await store.setStatus(trx, card.id_number, card.card_no, status, detail.reason, at);
  await store.insertEvent(trx, { id_number: card.id_number, card_no: card.card_no, kind, at, actor_kind: who.kind, actor_id: who.id, reason: detail.reason, legal_basis: detail.legalBasis, request_id: detail.requestId });
  await recordEffects(trx, {
    events: [{ topic: CARD_TOPIC[kind], key: card.id_number, payload: { idNumber: card.id_number, cardNo: card.card_no, at: at.toISOString(), status } }],
    audit: [{ at, actorKind: who.kind, actorId: who.id, action: `cards.${kind}`, subjectKind: 'person', subjectId: card.id_number, fields: ['card.status'], purpose: kind, legalBasis: detail.legalBasis, requestId: detail.requestId, details: { cardNo: card.card_no, status } }],
  });
}

export class CardsService {
  private verifier: { at: number; pa: PassiveAuthenticator } | null = null;

  constructor(
    private readonly db: Kysely<any>,
    private readonly clock: Clock,
    private readonly audit: AuditWriter,
    private readonly registry: RegistryService,
    private readonly keys: SigningKeys,
    private readonly opts: CardsOptions = {},
  ) {}

  private today(): string {
    return iso(vnCalendarDate(this.clock.now()));
  }

  private legalBasis(s: string): string {
    const v = nfc(s ?? '');
    if (!v) throw new AppError('CARDS_LEGAL_BASIS_REQUIRED', {}, [{ field: 'legalBasis', code: 'required', message: { vi: 'Bắt buộc phải có.', en: 'Is required.' } }]);
    return v;
  }

  /** Runs a change in one transaction; replays the stored response for a retried idempotency key. */
  private async change<T>(ctx: CardsContext, scope: string, input: unknown, work: (trx: Transaction<any>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      const s = `cards.${scope}:${ctx.actor.id}`;
      if (ctx.idempotencyKey) {
        const prior = await claimKey<T>(trx, s, ctx.idempotencyKey, requestHash(input));
        if (prior) return prior.replay;
      }
      const result = await work(trx);
      if (ctx.idempotencyKey) await storeResponse(trx, s, ctx.idempotencyKey, 200, result);
      return result;
    });
  }

  /** What the card says about the holder, from the registry as it is today. */
  private async holder(actor: OfficerActor, idNumber: string): Promise<{ holder: ChipHolder; synthetic: boolean }> {
    const { row: p } = await this.registry.readFull(actor, idNumber);
    if (p.status !== 'living') throw new AppError('CARDS_PERSON_NOT_LIVING', { status: p.status });
    if (p.nationality !== 'VNM') throw new AppError('CARDS_NOT_A_CITIZEN', { nationality: p.nationality });
    const residence = residenceText(p);
    if (!residence) throw new AppError('CARDS_NO_RESIDENCE', { idNumber });
    const birthDate = birthDateOf(p);
    const family = await familyNames(this.db, p);
    const holder: ChipHolder = {
      idNumber, fullName: p.full_name, birthDate, sex: p.sex,
      nationality: NATIONALITY_TEXT[p.nationality] ?? p.nationality,
      ethnicity: getEthnicGroup(p.ethnicity_code)?.name ?? p.ethnicity_code,
      religion: p.religion,
      placeOfOrigin: placeText(null, p.origin_commune_code, p.origin_province_code) ?? placeText(null, p.birth_reg_commune_code, p.birth_reg_province_code) ?? '',
      residence, identifyingMarks: null, fatherName: family.father, motherName: family.mother, spouseName: family.spouse, oldIdNumber: null,
    };
    return { holder, synthetic: p.synthetic };
  }

  /**
   * Issues a card (first issue, renewal or re-issue, as the latest card allows) and returns it with
   * what is printed (QR payload, MRZ) and written to the chip (data groups and SOD, base64).
   */
  async issue(ctx: CardsContext, idNumber: string, input: IssueInput) {
    assertRole(ctx.actor, CARD_OFFICER);
    const legalBasis = this.legalBasis(input.legalBasis);
    const { holder, synthetic } = await this.holder(ctx.actor, idNumber);
    const now = this.clock.now();
    const issueDate = vnCalendarDate(now);
    const expiry: CardExpiry = cardExpiry(holder.birthDate, issueDate);
    const { id: signerId, signer } = await this.keys.currentSigner();
    let chip;
    try {
      chip = personaliseChip(holder, { issueDate, expiry }, signer, { signingTime: now });
    } catch (e) {
      if (e instanceof RangeError && /fullName/.test(e.message)) throw new AppError('CARDS_NAME_NOT_PRINTABLE', { fullName: holder.fullName });
      throw e;
    }
    const qr = formatCardQr({ idNumber, oldIdNumber: null, fullName: holder.fullName, birthDate: holder.birthDate, sex: holder.sex, address: holder.residence, issueDate });

    return this.change(ctx, 'issue', { ...input, idNumber }, async (trx) => {
      const cards = await store.lockPersonCards(trx, idNumber);
      const latest = cards[0];
      const latestStatus: CardStatus | 'none' = latest ? effectiveStatus(latest.status, latest.expiry_date, iso(issueDate)) : 'none';
      if (!issueAllowed(latestStatus, input.kind)) throw new AppError('CARDS_ISSUE_NOT_ALLOWED', { kind: input.kind, status: latestStatus, allowed: ISSUE_ALLOWED[latestStatus].join(', ') || '—' });
      const who = { kind: 'officer' as const, id: ctx.actor.id };
      const replaced = ON_NEW_CARD[latestStatus];
      if (latest && replaced) await recordStatus(trx, latest, 'superseded', replaced, who, now, { reason: `thay bằng thẻ số ${latest.card_no + 1} / replaced by card ${latest.card_no + 1}`, legalBasis, requestId: ctx.requestId });
      const row = {
        id_number: idNumber, card_no: (latest?.card_no ?? 0) + 1, issue_kind: input.kind, status: 'valid' as const,
        issue_date: iso(issueDate), expiry_date: expiry.kind === 'on' ? iso(expiry.date) : null,
        authority: this.opts.authority ?? DEFAULT_AUTHORITY, reason: input.reason ? nfc(input.reason) : null, legal_basis: legalBasis,
        issued_by: ctx.actor.id, province_code: ctx.actor.jurisdiction.provinceCode, commune_code: ctx.actor.jurisdiction.communeCode,
        document_signer_id: signerId, sod_sha256: createHash('sha256').update(chip.sod).digest(), synthetic,
      };
      await store.insertCard(trx, row);
      await store.insertEvent(trx, { id_number: idNumber, card_no: row.card_no, kind: 'issued', at: now, actor_kind: 'officer', actor_id: ctx.actor.id, reason: row.reason, legal_basis: legalBasis, request_id: ctx.requestId });
      const entry: AuditEntry = { at: now, actorKind: 'officer', actorId: ctx.actor.id, action: 'cards.issued', subjectKind: 'person', subjectId: idNumber, fields: ['idNumber', 'fullName', 'birthDate', 'sex', 'nationality', 'ethnicity', 'religion', 'origin', 'residence', 'family'], purpose: input.kind, legalBasis, requestId: ctx.requestId, details: { cardNo: row.card_no } };
      await recordEffects(trx, { events: [{ topic: CARD_TOPIC.issued, key: idNumber, payload: { idNumber, cardNo: row.card_no, issueKind: input.kind, at: now.toISOString(), expiryDate: row.expiry_date } }], audit: [entry] });
      return {
        card: cardView({ ...row, status_reason: null, status_changed_at: null }, iso(issueDate), [{ id_number: idNumber, card_no: row.card_no, kind: 'issued', at: now, actor_kind: 'officer', actor_id: ctx.actor.id, reason: row.reason, legal_basis: legalBasis, request_id: ctx.requestId }]),
        qr,
        mrz: [...chip.mrz],
        chip: { sod: chip.sod.toString('base64'), dataGroups: Object.fromEntries([...chip.dataGroups].map(([n, b]) => [`DG${n}`, b.toString('base64')])) },
      };
    });
  }

  /** Reports a card lost, or revokes it (STATUS_ACTION says from which statuses). */
  async changeStatus(ctx: CardsContext, action: StatusAction, idNumber: string, cardNo: number, input: StatusInput) {
    assertRole(ctx.actor, CARD_OFFICER);
    const legalBasis = this.legalBasis(input.legalBasis);
    await this.registry.readFull(ctx.actor, idNumber); // the jurisdiction check; any person status
    const now = this.clock.now();
    const today = iso(vnCalendarDate(now));
    return this.change(ctx, action, { ...input, idNumber, cardNo }, async (trx) => {
      const card = (await store.lockPersonCards(trx, idNumber)).find((c) => c.card_no === cardNo);
      if (!card) throw new AppError('CARDS_CARD_NOT_FOUND', { idNumber, cardNo });
      const status = effectiveStatus(card.status, card.expiry_date, today);
      if (!actionAllowed(action, status)) throw new AppError('CARDS_STATUS_CHANGE_NOT_ALLOWED', { action, cardNo, status });
      const to = STATUS_ACTION[action].to;
      const reason = input.reason ? nfc(input.reason) : null;
      await recordStatus(trx, card, to === 'reported_lost' ? 'reported_lost' : 'revoked', to, { kind: 'officer', id: ctx.actor.id }, now, { reason, legalBasis, requestId: ctx.requestId });
      const events = await store.events(trx, idNumber);
      return cardView({ ...card, status: to, status_reason: reason, status_changed_at: now }, today, events);
    });
  }

  /** A person's cards, newest first, each with its events. The read is audited. */
  async history(ctx: { actor: OfficerActor; requestId: string }, idNumber: string) {
    assertRole(ctx.actor, CARD_OFFICER);
    await this.registry.readFull(ctx.actor, idNumber);
    const [cards, events] = await Promise.all([store.cards(this.db, idNumber), store.events(this.db, idNumber)]);
    await this.audit.append({ at: this.clock.now(), actorKind: 'officer', actorId: ctx.actor.id, action: 'cards.history.read', subjectKind: 'person', subjectId: idNumber, fields: ['cards'], purpose: 'card history', requestId: ctx.requestId });
    const today = this.today();
    return { idNumber, cards: cards.map((c) => cardView(c, today, events)) };
  }

  /** Revokes every card of a person who died that is not already superseded or revoked (idempotent). */
  async revokeForDeath(trx: Transaction<any>, idNumber: string, eventId: unknown): Promise<number> {
    const now = this.clock.now();
    const today = iso(vnCalendarDate(now));
    let n = 0;
    for (const card of await store.lockPersonCards(trx, idNumber)) {
      if (!actionAllowed('revoke', effectiveStatus(card.status, card.expiry_date, today))) continue;
      await recordStatus(trx, card, 'revoked', 'revoked', { kind: 'system', id: 'cards.revoke-on-death' }, now, { reason: DECEASED_REASON, legalBasis: null, requestId: eventId === undefined ? null : `registry.event:${String(eventId)}` });
      n++;
    }
    return n;
  }

  /** The issuer's status of a chip, for passive authentication: found by the SOD's hash. */
  async statusOfChip(chip: ChipReference): Promise<CardStatus | null> {
    const row = await store.cardBySod(this.db, chip.sodSha256);
    if (!row || row.id_number !== chip.idNumber) return null;
    return effectiveStatus(row.status, row.expiry_date, this.today());
  }

  /** The CSCA certificates relying parties trust (DER). */
  async cscaCertificates() {
    return this.keys.cscaCertificates();
  }

  /** Passive authentication against this issuer's CSCAs and card records. */
  async verifyChip(input: PaInput): Promise<PaReport> {
    const now = this.clock.now().getTime();
    if (!this.verifier || now - this.verifier.at > (this.opts.trustListTtlMs ?? 60_000)) {
      const cscas = await this.keys.cscaCertificates();
      this.verifier = { at: now, pa: createPassiveAuthenticator({ trustedCscas: cscas.map((c) => c.der), cardStatus: (c) => this.statusOfChip(c) }) };
    }
    return this.verifier.pa.verify(input);
  }
}

