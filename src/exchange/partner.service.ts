/**
 * The partner APIs that touch one person: identity verification, person data, yes/no questions
 * and card status. Each call is rate-limited and counted per system, rests on exactly one grant
 * (service, purpose, fields, dates) and, for a consent-based grant, on the citizen's consent on
 * record; each call that names a person writes one audit entry (member, system, service, purpose,
 * legal basis or consent id, fields returned, outcome) to the hash-chained log, refusals included.
 */
import type { Kysely } from 'kysely';
import type { AuditEntry, AuditWriter } from '../platform/audit/index.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/http/errors.ts';
import { vnCalendarDate, toIsoPartial, ageOn, parsePartialDate, nfc } from '../vn/index.ts';
import { personRecord, verificationFact, verificationFacts, type PersonRecord } from '../registry/index.ts';
import { cardFacts, cardFactsOf } from '../cards/index.ts';
import { CATALOGUE, QUESTION_AGES, RECORD_FIELDS, type ServiceCode } from './catalogue.ts';
import { compareIdentity, COMPARED, normaliseDate, type Compared, type FieldVerdict, type NameMatching } from './compare.ts';
import { pickGrant, type Caller, type Directory } from './entitlements.ts';
import type { GrantRow } from './exchange.store.ts';
import type { ConsentService } from './consent.service.ts';
import type { RateLimiter, UsageMeter } from './quota.ts';
import './exchange.errors.ts';

export interface ExchangeDeps {
  db: Kysely<any>;
  clock: Clock;
  audit: AuditWriter;
  directory: Directory;
  limiter: RateLimiter;
  meter: UsageMeter;
  consents: ConsentService;
}

let dayCache = { at: -Infinity, day: '' };
/** Today in Vietnam (yyyy-mm-dd), recomputed at most once a second. */
export const today = (clock: Clock): string => {
  const t = clock.now().getTime();
  if (t - dayCache.at >= 1000 || t < dayCache.at) dayCache = { at: t, day: toIsoPartial(vnCalendarDate(new Date(t))) };
  return dayCache.day;
};

/** The legal basis an access rests on, as the audit log and the citizen's history show it. */
export function basisText(grant: GrantRow, consentId: string | null): string {
  return grant.basis === 'provision' ? grant.provision! : `consent:${consentId}`;
}

export interface Gate {
  grant: GrantRow;
  consentId: string | null;
  today: string;
}

export interface VerifyBody {
  idNumber: string;
  purpose: string;
  fullName?: string;
  birthDate?: string;
  sex?: 'male' | 'female';
  cardIssueDate?: string;
  phone?: string;
  nameMatching?: NameMatching;
}

export interface VerifyAnswer {
  outcome: 'match' | 'mismatch' | 'not_found';
  idNumber: string;
  checkedAt: string;
  nameMatching: NameMatching;
  fields: Partial<Record<Compared, FieldVerdict>>;
  personStatus?: 'living' | 'deceased' | 'missing' | null;
  cardValid?: boolean | null;
}

export type Question =
  | { kind: 'age_at_least'; years: number }
  | { kind: 'resides_in'; provinceCode: string; communeCode?: string; residence?: 'permanent' | 'temporary' | 'current' | 'any' }
  | { kind: 'household_member_of'; idNumber: string };

const badDate = (field: string) => new AppError('VALIDATION_FAILED', {}, [{ field, code: 'format', message: { vi: 'Không phải ngày có thật.', en: 'Is not a real date.' } }]);

export class PartnerService {
  constructor(private readonly d: ExchangeDeps) {}

  /**
   * Rate limit, grant, consent and quota, in that order. A refusal of a call naming a person is
   * audited (the person sees the attempt) and counted; a rate-limit refusal is only counted.
   */
  async gate(caller: Caller, service: ServiceCode, purpose: string, fields: readonly string[], subject: { idNumber: string; requestId: string | null } | null, units = 1): Promise<Gate> {
    const { limiter, meter, directory, clock } = this.d;
    try {
      limiter.hit(caller.systemId, caller.systemName, caller.ratePerSecond);
    } catch (e) {
      meter.record(caller.systemId, service, { refused: 1 });
      throw e;
    }
    const day = today(clock);
    try {
      const grants = directory.grantsNow(caller.systemId) ?? await directory.grants(caller.systemId);
      const grant = directory.pick(grants, caller, service, purpose, fields, day);
      let consentId: string | null = null;
      if (grant.basis === 'consent' && subject) consentId = await this.d.consents.require(caller, subject.idNumber, purpose, fields, day);
      const wait = meter.take(caller.systemId, caller.systemName, service, Number(grant.quota_per_day ?? CATALOGUE[service].defaultQuotaPerDay), units);
      if (wait) await wait;
      return { grant, consentId, today: day };
    } catch (e) {
      meter.record(caller.systemId, service, { refused: 1 });
      if (subject && e instanceof AppError) {
        await this.d.audit.append(this.entry(caller, service, subject.idNumber, { purpose, legalBasis: null, fields: [], requestId: subject.requestId, outcome: 'refused', extra: { code: e.code, requested: [...fields] } }));
      }
      throw e;
    }
  }

  entry(caller: Caller, service: ServiceCode, idNumber: string, e: { purpose: string; legalBasis: string | null; fields: readonly string[]; requestId: string | null; outcome: string; grantId?: number; consentId?: string | null; extra?: Record<string, unknown>; action?: string }): AuditEntry {
    return {
      at: this.d.clock.now(), actorKind: 'partner', actorId: caller.systemId, action: e.action ?? `exchange.${service}`, subjectKind: 'person', subjectId: idNumber,
      fields: e.fields, purpose: e.purpose, legalBasis: e.legalBasis, requestId: e.requestId,
      details: { member: caller.memberId, system: caller.systemId, service, grant: e.grantId ?? null, consent: e.consentId ?? null, outcome: e.outcome, ...e.extra },
    };
  }

  /** Identity verification: verdicts per stated field, living or deceased, card valid — as granted. */
  async verify(caller: Caller, b: VerifyBody, requestId: string | null): Promise<VerifyAnswer> {
    const stated = COMPARED.filter((f) => b[f] !== undefined);
    if (b.birthDate !== undefined && normaliseDate(b.birthDate) === null) throw badDate('birthDate');
    if (b.cardIssueDate !== undefined && normaliseDate(b.cardIssueDate) === null) throw badDate('cardIssueDate');
    const g = await this.gate(caller, 'identity_verification', b.purpose, stated, { idNumber: b.idNumber, requestId });
    const wantStatus = g.grant.fields.includes('personStatus');
    const wantCard = g.grant.fields.includes('cardValid');
    // Batched with the other checks of this turn of the event loop (one statement each for all of them).
    const [person, cards] = await Promise.all([
      verificationFact(this.d.db, b.idNumber),
      wantCard || b.cardIssueDate !== undefined ? cardFactsOf(this.d.db, b.idNumber, g.today) : undefined,
    ]);
    const mode = b.nameMatching ?? 'exact';
    const c = compareIdentity(b, person, cards, mode);
    const fields: Partial<Record<Compared, FieldVerdict>> = {};
    for (const f of stated) fields[f] = c.fields[f];
    const returned = c.outcome === 'not_found' ? [] : [...c.compared, ...(wantStatus ? ['personStatus'] : []), ...(wantCard ? ['cardValid'] : [])];
    await this.d.audit.append(this.entry(caller, 'identity_verification', b.idNumber, {
      purpose: b.purpose, legalBasis: basisText(g.grant, g.consentId), fields: returned, requestId, outcome: c.outcome, grantId: g.grant.id, consentId: g.consentId,
      extra: c.mismatched.length ? { mismatched: c.mismatched, nameMatching: mode } : { nameMatching: mode },
    }));
    this.d.meter.record(caller.systemId, 'identity_verification', { calls: 1, people: c.outcome === 'not_found' ? 0 : 1 });
    const answer: VerifyAnswer = { outcome: c.outcome, idNumber: b.idNumber, checkedAt: this.d.clock.now().toISOString(), nameMatching: mode, fields };
    if (wantStatus) answer.personStatus = c.personStatus;
    if (wantCard) answer.cardValid = c.cardValid;
    return answer;
  }

  /** The granted fields of a person's record (all granted when `fields` is omitted). */
  async personData(caller: Caller, b: { idNumber: string; purpose: string; fields?: string[] }, requestId: string | null) {
    let requested = b.fields ? [...new Set(b.fields)] : null;
    if (requested === null) {
      // No fields named: every record field of the grant that covers the purpose.
      const g0 = pickGrant(await this.d.directory.grants(caller.systemId), caller, 'person_data', b.purpose, [], today(this.d.clock));
      requested = g0.fields.filter((f) => (RECORD_FIELDS as readonly string[]).includes(f));
    }
    const unknown = requested.filter((f) => !(RECORD_FIELDS as readonly string[]).includes(f));
    if (unknown.length) throw new AppError('VALIDATION_FAILED', {}, unknown.map((f) => ({ field: 'fields', code: 'enum', message: { vi: `Không có trường "${f}".`, en: `No field "${f}".` } })));
    const g = await this.gate(caller, 'person_data', b.purpose, requested, { idNumber: b.idNumber, requestId });
    const record = await personRecord(this.d.db, b.idNumber);
    const legalBasis = basisText(g.grant, g.consentId);
    if (!record) {
      await this.d.audit.append(this.entry(caller, 'person_data', b.idNumber, { purpose: b.purpose, legalBasis, fields: [], requestId, outcome: 'not_found', grantId: g.grant.id, consentId: g.consentId }));
      this.d.meter.record(caller.systemId, 'person_data', { calls: 1 });
      throw new AppError('EXCHANGE_PERSON_NOT_FOUND', { idNumber: b.idNumber });
    }
    const out: Record<string, unknown> = {};
    for (const f of requested) out[f] = (record as unknown as Record<string, unknown>)[f];
    await this.d.audit.append(this.entry(caller, 'person_data', b.idNumber, { purpose: b.purpose, legalBasis, fields: requested, requestId, outcome: 'returned', grantId: g.grant.id, consentId: g.consentId }));
    this.d.meter.record(caller.systemId, 'person_data', { calls: 1, people: 1 });
    return {
      idNumber: b.idNumber, purpose: b.purpose, retrievedAt: this.d.clock.now().toISOString(),
      legalBasis: g.grant.basis === 'provision' ? { kind: 'provision' as const, provision: g.grant.provision! } : { kind: 'consent' as const, consentId: g.consentId! },
      synthetic: record.synthetic, fields: out,
    };
  }

  /** A yes/no question answered without releasing the record. */
  async question(caller: Caller, b: { idNumber: string; purpose: string; question: Question }, requestId: string | null): Promise<{ idNumber: string; question: Question; answer: boolean; answeredAt: string }> {
    const q = b.question;
    const field = `question.${q.kind}`;
    if (q.kind === 'age_at_least' && !(QUESTION_AGES as readonly number[]).includes(q.years)) throw new AppError('EXCHANGE_QUESTION_INVALID', { reason: `years must be one of ${QUESTION_AGES.join(', ')}` });
    if (q.kind === 'resides_in' && q.communeCode && !q.provinceCode) throw new AppError('EXCHANGE_QUESTION_INVALID', { reason: 'communeCode needs provinceCode' });
    const g = await this.gate(caller, 'person_data', b.purpose, [field], { idNumber: b.idNumber, requestId });
    const legalBasis = basisText(g.grant, g.consentId);
    const record = await personRecord(this.d.db, b.idNumber);
    const other = q.kind === 'household_member_of' ? await personRecord(this.d.db, q.idNumber) : null;
    if (!record) {
      await this.d.audit.append(this.entry(caller, 'person_data', b.idNumber, { purpose: b.purpose, legalBasis, fields: [], requestId, outcome: 'not_found', grantId: g.grant.id, consentId: g.consentId, extra: { question: q.kind } }));
      this.d.meter.record(caller.systemId, 'person_data', { calls: 1 });
      throw new AppError('EXCHANGE_PERSON_NOT_FOUND', { idNumber: b.idNumber });
    }
    const answer = answerQuestion(record, q, other, vnCalendarDate(this.d.clock.now()));
    const entries = [this.entry(caller, 'person_data', b.idNumber, { purpose: b.purpose, legalBasis, fields: [field], requestId, outcome: 'answered', grantId: g.grant.id, consentId: g.consentId, extra: { question: questionDetails(q) } })];
    // The other person of a household question is touched too: they see it in their history.
    if (q.kind === 'household_member_of' && other) entries.push(this.entry(caller, 'person_data', q.idNumber, { purpose: b.purpose, legalBasis, fields: ['household'], requestId, outcome: 'answered', grantId: g.grant.id, extra: { question: 'household_member_of', asAbout: b.idNumber } }));
    await Promise.all(entries.map((e) => this.d.audit.append(e)));
    this.d.meter.record(caller.systemId, 'person_data', { calls: 1, people: entries.length });
    return { idNumber: b.idNumber, question: q, answer, answeredAt: this.d.clock.now().toISOString() };
  }

  /** The status of the person's current card (the newest), or `none`. */
  async cardStatus(caller: Caller, b: { idNumber: string; purpose: string }, requestId: string | null) {
    const g = await this.gate(caller, 'card_status', b.purpose, ['card.status'], { idNumber: b.idNumber, requestId });
    const wantExpiry = g.grant.fields.includes('card.expiryDate');
    const [people, cards] = await Promise.all([verificationFacts(this.d.db, [b.idNumber]), cardFacts(this.d.db, [b.idNumber], g.today)]);
    const legalBasis = basisText(g.grant, g.consentId);
    if (!people.has(b.idNumber)) {
      await this.d.audit.append(this.entry(caller, 'card_status', b.idNumber, { purpose: b.purpose, legalBasis, fields: [], requestId, outcome: 'not_found', grantId: g.grant.id, consentId: g.consentId }));
      this.d.meter.record(caller.systemId, 'card_status', { calls: 1 });
      throw new AppError('EXCHANGE_PERSON_NOT_FOUND', { idNumber: b.idNumber });
    }
    const latest = cards.get(b.idNumber)?.cards[0];
    const fields = wantExpiry ? ['card.status', 'card.expiryDate'] : ['card.status'];
    await this.d.audit.append(this.entry(caller, 'card_status', b.idNumber, { purpose: b.purpose, legalBasis, fields, requestId, outcome: 'returned', grantId: g.grant.id, consentId: g.consentId }));
    this.d.meter.record(caller.systemId, 'card_status', { calls: 1, people: 1 });
    return {
      idNumber: b.idNumber, checkedAt: this.d.clock.now().toISOString(),
      card: { status: latest?.status ?? 'none', ...(wantExpiry ? { expiryDate: latest ? latest.expiryDate : null } : {}) },
    };
  }
}

function questionDetails(q: Question): Record<string, unknown> {
  switch (q.kind) {
    case 'age_at_least': return { kind: q.kind, years: q.years };
    case 'resides_in': return { kind: q.kind, provinceCode: q.provinceCode, communeCode: q.communeCode ?? null, residence: q.residence ?? 'any' };
    case 'household_member_of': return { kind: q.kind, idNumber: q.idNumber };
  }
}

/** The answer to a question about a person's record (pure). */
export function answerQuestion(r: PersonRecord, q: Question, other: PersonRecord | null, on: ReturnType<typeof vnCalendarDate>): boolean {
  switch (q.kind) {
    case 'age_at_least': {
      const birth = parsePartialDate(r.birthDate);
      return birth !== null && ageOn(birth, on) >= q.years;
    }
    case 'resides_in': {
      const which = q.residence ?? 'any';
      const places = [
        which === 'any' || which === 'permanent' ? r.permanentResidence : null,
        which === 'any' || which === 'temporary' ? r.temporaryResidence : null,
        which === 'any' || which === 'current' ? r.currentResidence : null,
      ];
      return places.some((a) => a !== null && a.provinceCode === q.provinceCode && (!q.communeCode || a.communeCode === q.communeCode));
    }
    case 'household_member_of':
      return other !== null && r.householdNo !== null && r.householdNo === other.householdNo;
  }
}
