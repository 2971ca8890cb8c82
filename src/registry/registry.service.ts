import { randomInt } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../platform/http/errors.ts';
import { assertJurisdiction, assertRole, type OfficerActor } from '../platform/auth/actor.ts';
import type { AuditEntry } from '../platform/audit/index.ts';
import type { DomainEvent } from '../platform/events/outbox.ts';
import { recordEffects, type Effects } from '../platform/events/effects.ts';
import { claimKey, requestHash, storedResponse, storeResponse, storeResponseOnce } from '../platform/idempotency.ts';
import type { Clock } from '../platform/clock.ts';
import { birthRegistrationCodeForProvince2025, composeIdNumber, getCommune2025, nfc, searchKey, splitFullName, validateIdNumber } from '../vn/index.ts';
import { allowedIn, TOPIC, type EventKind } from './person-lifecycle.ts';
import { registryStore as store } from './registry.store.ts';
import type { AddressInput, PersonPatch, PersonRow, Sex } from './registry.types.ts';
import { fullView, groupsFor, unitsOf } from './registry.view.ts';
import './registry.errors.ts';

export interface EventContext {
  actor: OfficerActor;
  requestId: string;
  idempotencyKey?: string;
}

export interface EventBase {
  legalBasis: string;
  reason?: string;
}

type Subject = { idNumber: string; role: string; before: Record<string, unknown>; after: Record<string, unknown> };

/**
 * What one life event accumulates. A locking event runs in a transaction: people are read with
 * FOR UPDATE and each change is written at once. An optimistic event (one that changes only
 * people) reads without locks and keeps its changes, which `applyEvent` writes in one statement
 * if nobody changed those people meanwhile.
 */
class EventTx {
  readonly subjects: Subject[] = [];
  readonly events: DomainEvent[] = [];
  readonly pending = new Map<string, { version: number; patch: PersonPatch }>();
  constructor(private readonly conn: { trx: Transaction<any> } | { db: Kysely<any> }, readonly kind: EventKind) {}

  get optimistic(): boolean {
    return !('trx' in this.conn);
  }

  /** The event's transaction; an optimistic event has none and may not write anything but its changes. */
  get trx(): Transaction<any> {
    if (!('trx' in this.conn)) throw new Error(`registry: ${this.kind} is optimistic and cannot run statements of its own`);
    return this.conn.trx;
  }

  /** The people, locked in a locking event, read with their versions in an optimistic one. */
  people(ids: readonly string[]): Promise<Map<string, PersonRow>> {
    return 'trx' in this.conn ? store.lockPeople(this.conn.trx, ids) : store.people(this.conn.db, ids);
  }

  async change(row: PersonRow, role: string, patch: PersonPatch): Promise<PersonRow> {
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(patch)) {
      const old = (row as unknown as Record<string, unknown>)[k];
      if (JSON.stringify(old) !== JSON.stringify(v)) {
        before[k] = old ?? null;
        after[k] = v ?? null;
      }
    }
    if (!Object.keys(after).length) return row;
    if ('trx' in this.conn) await store.updatePerson(this.conn.trx, row.id_number, patch);
    else {
      const held = this.pending.get(row.id_number);
      if (held) Object.assign(held.patch, patch);
      else this.pending.set(row.id_number, { version: row.version, patch: { ...patch } });
    }
    // A person changed twice in one event (leaves a household, then deregisters) is one subject: first before, last after.
    const known = this.subjects.find((s) => s.idNumber === row.id_number);
    if (known) {
      for (const k of Object.keys(after)) if (!(k in known.before)) known.before[k] = before[k];
      Object.assign(known.after, after);
    } else this.subjects.push({ idNumber: row.id_number, role, before, after });
    return { ...row, ...patch, version: row.version + 1 } as PersonRow;
  }
}

/** Attempts of an optimistic event whose people keep changing under it before it gives up. */
const OPTIMISTIC_ATTEMPTS = 5;

function stampEventId(fx: Effects, eventId: number): Effects {
  return {
    events: fx.events.map((e) => ('eventId' in e.payload ? { ...e, payload: { ...e.payload, eventId } } : e)),
    audit: fx.audit.map((a) => ({ ...a, details: { ...a.details, eventId } })),
  };
}

const ageOnDate = (r: Pick<PersonRow, 'birth_year' | 'birth_month' | 'birth_day'>, on: Date): number => {
  const y = on.getUTCFullYear() - r.birth_year;
  const m = on.getUTCMonth() + 1;
  const d = on.getUTCDate();
  const bm = r.birth_month ?? 12;
  const bd = r.birth_day ?? 31;
  return m > bm || (m === bm && d >= bd) ? y : y - 1;
};

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function parseDay(value: string, field: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const d = m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!)) : null;
  if (!d || isoDay(d) !== value) throw new AppError('REGISTRY_INVALID_DATE', { value }, [{ field, code: 'date', message: { vi: 'Ngày không hợp lệ (yyyy-mm-dd).', en: 'Not a valid date (yyyy-mm-dd).' } }]);
  return d;
}

export function checkUnit(a: { provinceCode: string; communeCode: string }, field: string): void {
  const c = getCommune2025(a.communeCode);
  if (!c || c.provinceCode !== a.provinceCode) throw new AppError('REGISTRY_UNKNOWN_UNIT', { code: a.communeCode, provinceCode: a.provinceCode }, [{ field: `${field}.communeCode`, code: 'unknown_unit', message: { vi: 'Không có xã/phường này trong tỉnh đã chọn.', en: 'No such commune in the chosen province.' } }]);
}

export function checkIdNumber(id: string, field: string): void {
  const v = validateIdNumber(id);
  if (!v.ok) throw new AppError('REGISTRY_INVALID_ID_NUMBER', { reason: v.message }, [{ field, code: v.reason, message: v.message }]);
}

/** A refused change whose reason reads in both languages, in the detail and next to the field. */
function conflict(code: 'REGISTRY_HOUSEHOLD_CONFLICT' | 'REGISTRY_MARRIAGE_CONFLICT', field: string, fieldCode: string, vi: string, en: string): AppError {
  return new AppError(code, { reason: { vi, en } }, [{ field, code: fieldCode, message: { vi, en } }]);
}

function notFound(idNumber: string): AppError {
  return new AppError('REGISTRY_PERSON_NOT_FOUND', { idNumber });
}

const EVENT_NAMES: Record<EventKind, string> = {
  birth_registered: 'đăng ký khai sinh / birth registration',
  death_registered: 'đăng ký khai tử / death registration',
  missing_declared: 'tuyên bố mất tích / declaration of missing',
  missing_revoked: 'huỷ tuyên bố mất tích / revocation of missing',
  permanent_residence_registered: 'đăng ký thường trú / permanent residence',
  permanent_residence_deregistered: 'xoá đăng ký thường trú / permanent residence deregistration',
  temporary_residence_registered: 'đăng ký tạm trú / temporary residence',
  current_residence_changed: 'thay đổi nơi ở hiện tại / current place of living',
  household_created: 'lập hộ / household creation',
  household_head_changed: 'thay đổi chủ hộ / change of head',
  household_member_added: 'nhập hộ / joining a household',
  household_member_removed: 'tách khỏi hộ / leaving a household',
  household_split: 'tách hộ / household split',
  household_merged: 'nhập hộ / household merger',
  marriage_registered: 'đăng ký kết hôn / marriage',
  divorce_registered: 'ly hôn / divorce',
  correction_requested: 'đề nghị điều chỉnh / correction request',
  correction_approved: 'điều chỉnh thông tin / correction',
  correction_rejected: 'từ chối điều chỉnh / correction rejected',
};

export function assertAllowed(kind: EventKind, p: PersonRow): void {
  if (!allowedIn(kind, p.status)) throw new AppError('REGISTRY_EVENT_NOT_ALLOWED', { event: EVENT_NAMES[kind], status: p.status });
}

export interface BirthInput extends EventBase {
  fullName: string;
  sex: Sex;
  birthDate: string;
  birthRegistration: { provinceCode: string; communeCode: string };
  fatherId?: string | null;
  motherId?: string | null;
  ethnicityCode?: string;
  religion?: string;
  nationality?: string;
  householdNo?: string | null;
  relationToHead?: string;
}

export type BirthResult =
  | { status: 'registered'; idNumber: string; householdNo: string | null; eventId: number }
  | { status: 'held_for_review'; reviewId: number; candidates: string[] };

/**
 * Life events: each validated, authorised by role and jurisdiction, recorded in one transaction with
 * its event rows, outbox events and audit entries, and idempotent under a client's key.
 */
export class RegistryService {
  constructor(private readonly db: Kysely<any>, private readonly clock: Clock) {}

  /**
   * Runs one life event; replays the stored response for a retried idempotency key. `optimistic`
   * is for events that only read and change people (no households, no new rows): they take one
   * read and one write statement instead of a transaction of five or more round trips.
   */
  async record<T, I extends EventBase>(ctx: EventContext, kind: EventKind, input: I, work: (tx: EventTx) => Promise<T>, extra: { effectiveDate?: string | null; details?: Record<string, unknown>; optimistic?: boolean } = {}): Promise<T> {
    if (!input.legalBasis?.trim()) throw new AppError('REGISTRY_LEGAL_BASIS_REQUIRED', {}, [{ field: 'legalBasis', code: 'required', message: { vi: 'Bắt buộc phải có.', en: 'Is required.' } }]);
    const scope = `registry.${kind}:${ctx.actor.id}`;
    if (extra.optimistic) return this.recordOptimistic(ctx, kind, scope, input, work, extra);
    return this.db.transaction().execute(async (trx) => {
      if (ctx.idempotencyKey) {
        const prior = await claimKey<T>(trx, scope, ctx.idempotencyKey, requestHash(input));
        if (prior) return prior.replay;
      }
      const tx = new EventTx({ trx }, kind);
      const result = await work(tx);
      if (tx.subjects.length) {
        const fx = this.effects(ctx, tx, input, extra);
        const eventId = await store.insertEvent(trx, fx.event, tx.subjects);
        if (result && typeof result === 'object' && 'eventId' in result) (result as { eventId: number }).eventId = eventId;
        await recordEffects(trx, stampEventId(fx.effects, eventId));
      }
      if (ctx.idempotencyKey) await storeResponse(trx, scope, ctx.idempotencyKey, 200, result);
      return result;
    });
  }

  private async recordOptimistic<T, I extends EventBase>(ctx: EventContext, kind: EventKind, scope: string, input: I, work: (tx: EventTx) => Promise<T>, extra: { effectiveDate?: string | null; details?: Record<string, unknown> }): Promise<T> {
    const key = ctx.idempotencyKey;
    const hash = key ? requestHash(input) : null;
    for (let attempt = 1; ; attempt++) {
      if (key) {
        const prior = await storedResponse<T>(this.db, scope, key, hash!);
        if (prior) return prior.replay;
      }
      const tx = new EventTx({ db: this.db }, kind);
      let result: T;
      try {
        result = await work(tx);
      } catch (e) {
        // The same request may have committed since the key was checked; then its answer stands.
        const prior = key ? await storedResponse<T>(this.db, scope, key, hash!) : null;
        if (prior) return prior.replay;
        throw e;
      }
      if (!tx.subjects.length) {
        if (key) await storeResponseOnce(this.db, scope, key, hash!, 200, result);
        return result;
      }
      const fx = this.effects(ctx, tx, input, extra);
      try {
        const eventId = await store.applyEvent(this.db, {
          patches: [...tx.pending].map(([idNumber, p]) => ({ idNumber, version: p.version, patch: p.patch })),
          event: fx.event, subjects: tx.subjects, effects: fx.effects,
          idempotency: key ? { scope, key, hash: hash!, response: result } : null,
        });
        if (result && typeof result === 'object' && 'eventId' in result) (result as { eventId: number }).eventId = eventId;
        return result;
      } catch (e) {
        const code = (e as { code?: string }).code;
        // 40001: someone changed one of these people since they were read (40P01: two such statements crossed); read again.
        // 23505 on the key: the same request committed meanwhile; the next turn replays it.
        if (((code === '40001' || code === '40P01') && attempt < OPTIMISTIC_ATTEMPTS) || (code === '23505' && key && attempt < OPTIMISTIC_ATTEMPTS)) continue;
        if (code === '40001' || code === '40P01') throw new AppError('CONFLICT');
        throw e;
      }
    }
  }

  /** The event row, its domain event and its audit entries, with `eventId` 0 until the event has its id (stampEventId, or in SQL). */
  private effects(ctx: EventContext, tx: EventTx, input: EventBase, extra: { effectiveDate?: string | null; details?: Record<string, unknown> }) {
    const eventId = 0;
    const now = this.clock.now();
    const kind = tx.kind;
    const legalBasis = nfc(input.legalBasis);
    const event = { kind, at: now, effectiveDate: extra.effectiveDate ?? null, officerId: ctx.actor.id, legalBasis, reason: input.reason ? nfc(input.reason) : null, requestId: ctx.requestId, details: extra.details ?? {} };
    const events: DomainEvent[] = [{ topic: TOPIC[kind], key: tx.subjects[0]!.idNumber, payload: { eventId, kind, at: now.toISOString(), effectiveDate: extra.effectiveDate ?? null, subjects: tx.subjects.map((s) => ({ idNumber: s.idNumber, role: s.role, changed: Object.keys(s.after) })) } }, ...tx.events];
    const audit: AuditEntry[] = tx.subjects.map((s) => ({ at: now, actorKind: 'officer', actorId: ctx.actor.id, action: `registry.${kind}`, subjectKind: 'person', subjectId: s.idNumber, fields: Object.keys(s.after), purpose: kind, legalBasis, requestId: ctx.requestId, details: { eventId, role: s.role } }));
    return { event, effects: { events, audit } };
  }

  private async lockOne(tx: EventTx, idNumber: string): Promise<PersonRow> {
    const m = await tx.people([idNumber]);
    const p = m.get(idNumber);
    if (!p) throw notFound(idNumber);
    return p;
  }

  /** Locks a person and checks the officer may record this event for them. */
  private async subject(tx: EventTx, ctx: EventContext, idNumber: string): Promise<PersonRow> {
    checkIdNumber(idNumber, 'idNumber');
    const p = await this.lockOne(tx, idNumber);
    assertJurisdiction(ctx.actor, unitsOf(p));
    assertAllowed(tx.kind, p);
    return p;
  }

  // ---- birth -------------------------------------------------------------------------------

  async registerBirth(ctx: EventContext, input: BirthInput, opts: { reviewId?: number } = {}): Promise<BirthResult> {
    // A birth held as a probable duplicate is registered by the supervisor who confirms it distinct.
    assertRole(ctx.actor, opts.reviewId ? ['supervisor'] : ['registrar']);
    checkUnit(input.birthRegistration, 'birthRegistration');
    assertJurisdiction(ctx.actor, [input.birthRegistration]);
    const birth = parseDay(input.birthDate, 'birthDate');
    const now = this.clock.now();
    if (birth > now) throw new AppError('REGISTRY_INVALID_DATE', { value: input.birthDate }, [{ field: 'birthDate', code: 'future', message: { vi: 'Ngày sinh ở tương lai.', en: 'Birth date is in the future.' } }]);
    const fullName = nfc(input.fullName);
    const nameKey = searchKey(fullName);
    return this.record(ctx, 'birth_registered', input, async (tx) => {
      const parents = await tx.people([input.fatherId, input.motherId].filter((x): x is string => !!x));
      for (const [field, id, sex] of [['fatherId', input.fatherId, 'male'], ['motherId', input.motherId, 'female']] as const) {
        if (!id) continue;
        const parent = parents.get(id);
        const fail = (vi: string, en: string) => new AppError('REGISTRY_PARENT_INVALID', { idNumber: id, reason: { vi, en } }, [{ field, code: 'parent', message: { vi, en } }]);
        if (!parent) throw fail('Không có trong CSDL dân cư.', 'Not in the population registry.');
        if (parent.sex !== sex) throw fail(sex === 'male' ? 'Cha phải là nam.' : 'Mẹ phải là nữ.', sex === 'male' ? 'The father must be male.' : 'The mother must be female.');
        if (birth.getUTCFullYear() - parent.birth_year < 12) throw fail('Tuổi cha/mẹ không hợp lý.', 'Implausible parent age.');
        if (parent.status === 'deceased' && parent.death_date && parseDay(parent.death_date, field).getTime() < birth.getTime() - 300 * 86_400_000) throw fail('Cha/mẹ đã mất trước khi có thể sinh.', 'The parent died before the birth was possible.');
      }
      if (!opts.reviewId) {
        const dups = await store.probableDuplicates(tx.trx, { nameKey, year: birth.getUTCFullYear(), month: birth.getUTCMonth() + 1, day: birth.getUTCDate(), fatherId: input.fatherId ?? null, motherId: input.motherId ?? null, communeCode: input.birthRegistration.communeCode });
        if (dups.length) {
          const review = await tx.trx.insertInto('registry.duplicate_review').values({
            kind: 'birth', request: JSON.stringify(input), candidates: dups.map((d) => d.id_number),
            reasons: JSON.stringify(dups.map((d) => ({ idNumber: d.id_number, sameName: true, sameBirthDate: true, sameFather: !!input.fatherId && d.father_id === input.fatherId, sameMother: !!input.motherId && d.mother_id === input.motherId, samePlace: d.birth_reg_commune_code === input.birthRegistration.communeCode }))),
            requested_by: ctx.actor.id, requested_at: now, province_code: input.birthRegistration.provinceCode, commune_code: input.birthRegistration.communeCode,
          }).returning('id').executeTakeFirstOrThrow();
          return { status: 'held_for_review', reviewId: Number(review.id), candidates: dups.map((d) => d.id_number) } as BirthResult;
        }
      }
      const code = birthRegistrationCodeForProvince2025(input.birthRegistration.provinceCode);
      let idNumber = '';
      for (let i = 0; i < 50 && !idNumber; i++) {
        const candidate = composeIdNumber({ birthRegistrationCode: code, birthYear: birth.getUTCFullYear(), sex: input.sex, serial: String(randomInt(0, 1_000_000)).padStart(6, '0') });
        if (await store.claimIdNumber(tx.trx, candidate)) idNumber = candidate;
      }
      if (!idNumber) throw new AppError('CONFLICT');
      let household: { household_no: string; address: string; commune_code: string; province_code: string } | null = null;
      if (input.householdNo) {
        const h = await store.lockHousehold(tx.trx, input.householdNo);
        if (!h || h.status !== 'active') throw new AppError('REGISTRY_HOUSEHOLD_NOT_FOUND', { householdNo: input.householdNo }, [{ field: 'householdNo', code: 'not_found', message: { vi: 'Không có hộ này.', en: 'No such household.' } }]);
        assertJurisdiction(ctx.actor, [{ provinceCode: h.province_code, communeCode: h.commune_code }]);
        household = h;
      }
      const name = splitFullName(fullName);
      const row: Omit<PersonRow, 'version' | 'synthetic'> = {
        id_number: idNumber, full_name: fullName, name_key: nameKey, given_key: searchKey(name.given), other_names: [], sex: input.sex,
        birth_year: birth.getUTCFullYear(), birth_month: birth.getUTCMonth() + 1, birth_day: birth.getUTCDate(),
        birth_reg_province_code: input.birthRegistration.provinceCode, birth_reg_commune_code: input.birthRegistration.communeCode,
        origin_province_code: null, origin_commune_code: null,
        ethnicity_code: input.ethnicityCode ?? '01', religion: input.religion ? nfc(input.religion) : 'Không', nationality: input.nationality ?? 'VNM', marital_status: 'single',
        father_id: input.fatherId ?? null, mother_id: input.motherId ?? null, spouse_id: null,
        perm_address: household?.address ?? null, perm_commune_code: household?.commune_code ?? null, perm_province_code: household?.province_code ?? null,
        perm_old_commune_code: null, perm_old_district_code: null, perm_old_province_code: null, perm_since: household ? isoDay(now) : null,
        temp_address: null, temp_commune_code: null, temp_province_code: null, temp_until: null,
        cur_address: household?.address ?? null, cur_commune_code: household?.commune_code ?? null, cur_province_code: household?.province_code ?? null,
        household_no: household?.household_no ?? null, relation_to_head: household ? nfc(input.relationToHead ?? 'Con') : null,
        status: 'living', death_date: null,
      };
      const father = input.fatherId ? parents.get(input.fatherId) : undefined;
      if (father?.origin_province_code) { row.origin_province_code = father.origin_province_code; row.origin_commune_code = father.origin_commune_code; }
      await store.insertPerson(tx.trx, row);
      tx.subjects.push({ idNumber, role: 'newborn', before: {}, after: { ...row } });
      if (opts.reviewId) await tx.trx.updateTable('registry.duplicate_review').set({ result_id_number: idNumber }).where('id', '=', opts.reviewId).execute();
      return { status: 'registered', idNumber, householdNo: household?.household_no ?? null, eventId: 0 } as BirthResult;
    }, { effectiveDate: input.birthDate, details: { birthRegistration: input.birthRegistration } });
  }

  // ---- status events ------------------------------------------------------------------------

  registerDeath(ctx: EventContext, idNumber: string, input: EventBase & { deathDate: string }) {
    assertRole(ctx.actor, ['registrar']);
    const death = parseDay(input.deathDate, 'deathDate');
    return this.record(ctx, 'death_registered', { ...input, idNumber }, async (tx) => {
      const p = await this.subject(tx, ctx, idNumber);
      if (death > this.clock.now()) throw new AppError('REGISTRY_INVALID_DATE', { value: input.deathDate }, [{ field: 'deathDate', code: 'future', message: { vi: 'Ngày mất ở tương lai.', en: 'Date of death is in the future.' } }]);
      if (death.getUTCFullYear() < p.birth_year) throw new AppError('REGISTRY_INVALID_DATE', { value: input.deathDate }, [{ field: 'deathDate', code: 'before_birth', message: { vi: 'Ngày mất trước ngày sinh.', en: 'Date of death is before birth.' } }]);
      await tx.change(p, 'deceased', { status: 'deceased', death_date: input.deathDate });
      if (p.spouse_id) {
        const spouse = (await tx.people([p.spouse_id])).get(p.spouse_id);
        if (spouse && spouse.spouse_id === p.id_number) await tx.change(spouse, 'widowed_spouse', { marital_status: 'widowed', spouse_id: null });
      }
      return { idNumber, status: 'deceased' as const, eventId: 0 };
    }, { effectiveDate: input.deathDate, optimistic: true });
  }

  declareMissing(ctx: EventContext, idNumber: string, input: EventBase & { since: string }) {
    assertRole(ctx.actor, ['registrar']);
    parseDay(input.since, 'since');
    return this.record(ctx, 'missing_declared', { ...input, idNumber }, async (tx) => {
      const p = await this.subject(tx, ctx, idNumber);
      await tx.change(p, 'subject', { status: 'missing' });
      return { idNumber, status: 'missing' as const, eventId: 0 };
    }, { effectiveDate: input.since, optimistic: true });
  }

  revokeMissing(ctx: EventContext, idNumber: string, input: EventBase) {
    assertRole(ctx.actor, ['registrar']);
    return this.record(ctx, 'missing_revoked', { ...input, idNumber }, async (tx) => {
      const p = await this.subject(tx, ctx, idNumber);
      await tx.change(p, 'subject', { status: 'living' });
      return { idNumber, status: 'living' as const, eventId: 0 };
    }, { optimistic: true });
  }

  // ---- residence ----------------------------------------------------------------------------

  /** Permanent residence at an address: joins the given household there, or becomes head of a new one. */
  registerPermanentResidence(ctx: EventContext, idNumber: string, input: EventBase & { residence: AddressInput; householdNo?: string | null; relationToHead?: string }) {
    assertRole(ctx.actor, ['registrar']);
    checkUnit(input.residence, 'residence');
    assertJurisdiction(ctx.actor, [input.residence]);
    return this.record(ctx, 'permanent_residence_registered', { ...input, idNumber }, async (tx) => {
      let p = await this.lockOne(tx, idNumber);
      assertAllowed(tx.kind, p);
      p = await this.leaveHousehold(tx, p);
      const address = nfc(input.residence.address);
      let householdNo: string;
      let relation: string;
      if (input.householdNo) {
        const h = await store.lockHousehold(tx.trx, input.householdNo);
        if (!h || h.status !== 'active') throw new AppError('REGISTRY_HOUSEHOLD_NOT_FOUND', { householdNo: input.householdNo }, [{ field: 'householdNo', code: 'not_found', message: { vi: 'Không có hộ này.', en: 'No such household.' } }]);
        if (h.commune_code !== input.residence.communeCode || h.province_code !== input.residence.provinceCode) throw conflict('REGISTRY_HOUSEHOLD_CONFLICT', 'householdNo', 'address', 'Hộ ở địa chỉ khác.', 'The household is at another address.');
        householdNo = h.household_no;
        relation = nfc(input.relationToHead ?? 'Khác');
      } else {
        householdNo = await this.newHousehold(tx, p.id_number, input.residence);
        relation = 'Chủ hộ';
      }
      const hh = (await store.household(tx.trx, householdNo))!;
      await tx.change(p, 'subject', {
        perm_address: householdNo === input.householdNo ? hh.address : address, perm_commune_code: input.residence.communeCode, perm_province_code: input.residence.provinceCode,
        perm_old_commune_code: null, perm_old_district_code: null, perm_old_province_code: null, perm_since: isoDay(this.clock.now()),
        cur_address: householdNo === input.householdNo ? hh.address : address, cur_commune_code: input.residence.communeCode, cur_province_code: input.residence.provinceCode,
        household_no: householdNo, relation_to_head: relation,
      });
      return { idNumber, householdNo, eventId: 0 };
    });
  }

  deregisterPermanentResidence(ctx: EventContext, idNumber: string, input: EventBase) {
    assertRole(ctx.actor, ['registrar']);
    return this.record(ctx, 'permanent_residence_deregistered', { ...input, idNumber }, async (tx) => {
      let p = await this.subject(tx, ctx, idNumber);
      if (!p.perm_commune_code) throw new AppError('REGISTRY_NO_CHANGE');
      p = await this.leaveHousehold(tx, p);
      await tx.change(p, 'subject', { perm_address: null, perm_commune_code: null, perm_province_code: null, perm_old_commune_code: null, perm_old_district_code: null, perm_old_province_code: null, perm_since: null });
      return { idNumber, eventId: 0 };
    });
  }

  registerTemporaryResidence(ctx: EventContext, idNumber: string, input: EventBase & { residence: AddressInput; until: string }) {
    assertRole(ctx.actor, ['registrar']);
    checkUnit(input.residence, 'residence');
    assertJurisdiction(ctx.actor, [input.residence]);
    const until = parseDay(input.until, 'until');
    const today = this.clock.now();
    // Law on Residence 2020, Art. 27: a temporary residence lasts at most 2 years and can be extended.
    const max = new Date(Date.UTC(today.getUTCFullYear() + 2, today.getUTCMonth(), today.getUTCDate()));
    if (until <= today || until > max) throw new AppError('REGISTRY_INVALID_DATE', { value: input.until }, [{ field: 'until', code: 'range', message: { vi: 'Thời hạn tạm trú phải sau hôm nay và không quá 2 năm.', en: 'The end date must be after today and at most 2 years ahead.' } }]);
    return this.record(ctx, 'temporary_residence_registered', { ...input, idNumber }, async (tx) => {
      const p = await this.lockOne(tx, idNumber);
      assertAllowed(tx.kind, p);
      await tx.change(p, 'subject', { temp_address: nfc(input.residence.address), temp_commune_code: input.residence.communeCode, temp_province_code: input.residence.provinceCode, temp_until: input.until, cur_address: nfc(input.residence.address), cur_commune_code: input.residence.communeCode, cur_province_code: input.residence.provinceCode });
      return { idNumber, until: input.until, eventId: 0 };
    }, { optimistic: true });
  }

  changeCurrentResidence(ctx: EventContext, idNumber: string, input: EventBase & { residence: AddressInput }) {
    assertRole(ctx.actor, ['registrar']);
    checkUnit(input.residence, 'residence');
    return this.record(ctx, 'current_residence_changed', { ...input, idNumber }, async (tx) => {
      const p = await this.subject(tx, ctx, idNumber);
      const after = await tx.change(p, 'subject', { cur_address: nfc(input.residence.address), cur_commune_code: input.residence.communeCode, cur_province_code: input.residence.provinceCode });
      if (after === p) throw new AppError('REGISTRY_NO_CHANGE');
      return { idNumber, eventId: 0 };
    }, { optimistic: true });
  }

  // ---- households ---------------------------------------------------------------------------

  private async newHousehold(tx: EventTx, headId: string, at: AddressInput): Promise<string> {
    const no = await store.nextHouseholdNo(tx.trx, at.provinceCode);
    await store.insertHousehold(tx.trx, { household_no: no, head_id: headId, address: nfc(at.address), commune_code: at.communeCode, province_code: at.provinceCode });
    return no;
  }

  /** Removes a person from their household; a head can leave only a household with no other member. */
  private async leaveHousehold(tx: EventTx, p: PersonRow): Promise<PersonRow> {
    if (!p.household_no) return p;
    const h = await store.lockHousehold(tx.trx, p.household_no);
    if (h && h.head_id === p.id_number) {
      const others = (await store.householdMembers(tx.trx, h.household_no)).filter((m) => m.id_number !== p.id_number);
      if (others.length) throw conflict('REGISTRY_HOUSEHOLD_CONFLICT', 'idNumber', 'is_head', 'Người này là chủ hộ của hộ còn thành viên: đổi chủ hộ trước.', 'This person heads a household with members: change the head first.');
      await store.updateHousehold(tx.trx, h.household_no, { status: 'dissolved' });
    }
    return tx.change(p, 'subject', { household_no: null, relation_to_head: null });
  }

  private async activeHousehold(tx: EventTx, ctx: EventContext, no: string) {
    const h = await store.lockHousehold(tx.trx, no);
    if (!h || h.status !== 'active') throw new AppError('REGISTRY_HOUSEHOLD_NOT_FOUND', { householdNo: no });
    assertJurisdiction(ctx.actor, [{ provinceCode: h.province_code, communeCode: h.commune_code }]);
    return h;
  }

  createHousehold(ctx: EventContext, input: EventBase & { headId: string; residence?: AddressInput }) {
    assertRole(ctx.actor, ['registrar']);
    if (input.residence) checkUnit(input.residence, 'residence');
    return this.record(ctx, 'household_created', input, async (tx) => {
      let head = await this.subject(tx, ctx, input.headId);
      const at = input.residence ?? (head.perm_commune_code ? { address: head.perm_address ?? '', communeCode: head.perm_commune_code, provinceCode: head.perm_province_code! } : null);
      if (!at) throw new AppError('VALIDATION_FAILED', {}, [{ field: 'residence', code: 'required', message: { vi: 'Người này chưa có nơi thường trú: cần địa chỉ của hộ.', en: 'This person has no permanent residence: give the household address.' } }]);
      assertJurisdiction(ctx.actor, [at]);
      head = await this.leaveHousehold(tx, head);
      const no = await this.newHousehold(tx, head.id_number, at);
      await tx.change(head, 'head', { household_no: no, relation_to_head: 'Chủ hộ', perm_address: nfc(at.address), perm_commune_code: at.communeCode, perm_province_code: at.provinceCode });
      return { householdNo: no, eventId: 0 };
    });
  }

  changeHead(ctx: EventContext, no: string, input: EventBase & { newHeadId: string; formerHeadRelation?: string }) {
    assertRole(ctx.actor, ['registrar']);
    return this.record(ctx, 'household_head_changed', { ...input, no }, async (tx) => {
      const h = await this.activeHousehold(tx, ctx, no);
      const people = await tx.people([h.head_id, input.newHeadId]);
      const next = people.get(input.newHeadId);
      if (!next || next.household_no !== no) throw conflict('REGISTRY_HOUSEHOLD_CONFLICT', 'newHeadId', 'not_member', 'Chủ hộ mới phải là thành viên của hộ.', 'The new head must be a member of the household.');
      if (next.id_number === h.head_id) throw new AppError('REGISTRY_NO_CHANGE');
      assertAllowed(tx.kind, next);
      const former = people.get(h.head_id);
      await store.updateHousehold(tx.trx, no, { head_id: next.id_number });
      await tx.change(next, 'new_head', { relation_to_head: 'Chủ hộ' });
      if (former && former.household_no === no) await tx.change(former, 'former_head', { relation_to_head: nfc(input.formerHeadRelation ?? 'Khác') });
      return { householdNo: no, headId: next.id_number, eventId: 0 };
    });
  }

  addMember(ctx: EventContext, no: string, input: EventBase & { idNumber: string; relationToHead: string }) {
    assertRole(ctx.actor, ['registrar']);
    return this.record(ctx, 'household_member_added', { ...input, no }, async (tx) => {
      const h = await this.activeHousehold(tx, ctx, no);
      let p = await this.lockOne(tx, input.idNumber);
      assertAllowed(tx.kind, p);
      if (p.household_no === no) throw new AppError('REGISTRY_NO_CHANGE');
      if (p.household_no) throw conflict('REGISTRY_HOUSEHOLD_CONFLICT', 'idNumber', 'in_other_household', `Người này đang thuộc hộ ${p.household_no}: phải tách khỏi hộ đó trước.`, `This person belongs to household ${p.household_no}: remove them from it first.`);
      p = await tx.change(p, 'member', { household_no: no, relation_to_head: nfc(input.relationToHead), perm_address: h.address, perm_commune_code: h.commune_code, perm_province_code: h.province_code, perm_old_commune_code: null, perm_old_district_code: null, perm_old_province_code: null, perm_since: isoDay(this.clock.now()) });
      return { householdNo: no, idNumber: p.id_number, eventId: 0 };
    });
  }

  removeMember(ctx: EventContext, no: string, idNumber: string, input: EventBase) {
    assertRole(ctx.actor, ['registrar']);
    return this.record(ctx, 'household_member_removed', { ...input, no, idNumber }, async (tx) => {
      await this.activeHousehold(tx, ctx, no);
      const p = await this.lockOne(tx, idNumber);
      assertAllowed(tx.kind, p);
      if (p.household_no !== no) throw conflict('REGISTRY_HOUSEHOLD_CONFLICT', 'idNumber', 'not_member', 'Người này không thuộc hộ.', 'This person is not a member.');
      await this.leaveHousehold(tx, p);
      return { householdNo: no, idNumber, eventId: 0 };
    });
  }

  /** Members leave to form a new household (same address unless given), under one of them as head. */
  split(ctx: EventContext, no: string, input: EventBase & { memberIds: string[]; newHeadId: string; relations?: Record<string, string>; residence?: AddressInput }) {
    assertRole(ctx.actor, ['registrar']);
    if (input.residence) checkUnit(input.residence, 'residence');
    return this.record(ctx, 'household_split', { ...input, no }, async (tx) => {
      const h = await this.activeHousehold(tx, ctx, no);
      const ids = [...new Set(input.memberIds)];
      if (!ids.includes(input.newHeadId)) throw conflict('REGISTRY_HOUSEHOLD_CONFLICT', 'newHeadId', 'not_in_members', 'Chủ hộ mới phải nằm trong danh sách tách hộ.', 'The new head must be among the members who split.');
      if (ids.includes(h.head_id)) throw conflict('REGISTRY_HOUSEHOLD_CONFLICT', 'memberIds', 'head', 'Chủ hộ hiện tại không thể tách đi: đổi chủ hộ trước.', 'The current head cannot split away: change the head first.');
      const people = await tx.people(ids);
      for (const id of ids) {
        const m = people.get(id);
        if (!m || m.household_no !== no) throw conflict('REGISTRY_HOUSEHOLD_CONFLICT', 'memberIds', 'not_member', `${id} không thuộc hộ.`, `${id} is not a member.`);
        assertAllowed(tx.kind, m);
      }
      const at = input.residence ?? { address: h.address, communeCode: h.commune_code, provinceCode: h.province_code };
      assertJurisdiction(ctx.actor, [at]);
      const newNo = await this.newHousehold(tx, input.newHeadId, at);
      for (const id of ids) {
        const rel = id === input.newHeadId ? 'Chủ hộ' : nfc(input.relations?.[id] ?? 'Khác');
        await tx.change(people.get(id)!, id === input.newHeadId ? 'new_head' : 'member', { household_no: newNo, relation_to_head: rel, perm_address: nfc(at.address), perm_commune_code: at.communeCode, perm_province_code: at.provinceCode });
      }
      return { householdNo: no, newHouseholdNo: newNo, eventId: 0 };
    });
  }

  /** All members of `no` join `intoNo` (same commune); `no` is dissolved. */
  merge(ctx: EventContext, no: string, input: EventBase & { intoHouseholdNo: string; relations: Record<string, string> }) {
    assertRole(ctx.actor, ['registrar']);
    return this.record(ctx, 'household_merged', { ...input, no }, async (tx) => {
      if (no === input.intoHouseholdNo) throw conflict('REGISTRY_HOUSEHOLD_CONFLICT', 'intoHouseholdNo', 'same', 'Không thể nhập hộ vào chính nó.', 'Cannot merge a household into itself.');
      const [a, b] = no < input.intoHouseholdNo ? [no, input.intoHouseholdNo] : [input.intoHouseholdNo, no];
      const first = await this.activeHousehold(tx, ctx, a);
      const second = await this.activeHousehold(tx, ctx, b);
      const from = first.household_no === no ? first : second;
      const into = first.household_no === no ? second : first;
      const members = await store.householdMembers(tx.trx, from.household_no);
      const locked = await tx.people(members.map((m) => m.id_number));
      for (const m of locked.values()) {
        const rel = input.relations[m.id_number];
        if (!rel) throw new AppError('VALIDATION_FAILED', {}, [{ field: `relations.${m.id_number}`, code: 'required', message: { vi: 'Cần quan hệ với chủ hộ mới.', en: 'Relation to the new head is required.' } }]);
        await tx.change(m, 'member', { household_no: into.household_no, relation_to_head: nfc(rel), perm_address: into.address, perm_commune_code: into.commune_code, perm_province_code: into.province_code });
      }
      await store.updateHousehold(tx.trx, from.household_no, { status: 'dissolved' });
      return { householdNo: into.household_no, dissolved: from.household_no, eventId: 0 };
    });
  }

  // ---- marriage -----------------------------------------------------------------------------

  registerMarriage(ctx: EventContext, input: EventBase & { partnerIds: [string, string]; date: string }) {
    assertRole(ctx.actor, ['registrar']);
    const date = parseDay(input.date, 'date');
    return this.record(ctx, 'marriage_registered', input, async (tx) => {
      const [aId, bId] = input.partnerIds;
      if (aId === bId) throw conflict('REGISTRY_MARRIAGE_CONFLICT', 'partnerIds', 'same', 'Hai người phải khác nhau.', 'The two people must differ.');
      const people = await tx.people([aId, bId]);
      const fail = (field: string, vi: string, en: string) => conflict('REGISTRY_MARRIAGE_CONFLICT', field, 'marriage', vi, en);
      const pair = [aId, bId].map((id, i) => {
        const p = people.get(id);
        if (!p) throw notFound(id);
        assertAllowed(tx.kind, p);
        if (p.marital_status === 'married') throw fail(`partnerIds.${i}`, `${id} đang có vợ/chồng.`, `${id} is already married.`);
        // Law on Marriage and Family 2014, Art. 8: men from 20, women from 18.
        const minAge = p.sex === 'male' ? 20 : 18;
        if (ageOnDate(p, date) < minAge) throw fail(`partnerIds.${i}`, `${id} chưa đủ tuổi kết hôn (${minAge}).`, `${id} is under the marriage age (${minAge}).`);
        return p;
      }) as [PersonRow, PersonRow];
      // Same article: the State does not recognise marriage between people of the same sex.
      if (pair[0].sex === pair[1].sex) throw fail('partnerIds', 'Pháp luật hiện hành không thừa nhận hôn nhân cùng giới.', 'Current law does not recognise marriage between people of the same sex.');
      const related = (x: PersonRow, y: PersonRow) => x.father_id === y.id_number || x.mother_id === y.id_number || (!!x.father_id && x.father_id === y.father_id) || (!!x.mother_id && x.mother_id === y.mother_id);
      if (related(pair[0], pair[1]) || related(pair[1], pair[0])) throw fail('partnerIds', 'Hai người có quan hệ huyết thống trực hệ hoặc là anh chị em.', 'The two are parent/child or siblings.');
      assertJurisdiction(ctx.actor, [...unitsOf(pair[0]), ...unitsOf(pair[1])]);
      await tx.change(pair[0], 'spouse', { marital_status: 'married', spouse_id: pair[1].id_number });
      await tx.change(pair[1], 'spouse', { marital_status: 'married', spouse_id: pair[0].id_number });
      return { partnerIds: input.partnerIds, eventId: 0 };
    }, { effectiveDate: input.date, optimistic: true });
  }

  registerDivorce(ctx: EventContext, input: EventBase & { partnerIds: [string, string]; date: string }) {
    assertRole(ctx.actor, ['registrar']);
    parseDay(input.date, 'date');
    return this.record(ctx, 'divorce_registered', input, async (tx) => {
      const [aId, bId] = input.partnerIds;
      const people = await tx.people([aId, bId]);
      const a = people.get(aId);
      const b = people.get(bId);
      if (!a) throw notFound(aId);
      if (!b) throw notFound(bId);
      if (a.spouse_id !== bId || b.spouse_id !== aId) throw conflict('REGISTRY_MARRIAGE_CONFLICT', 'partnerIds', 'not_married', 'Hai người không phải vợ chồng của nhau.', 'The two are not married to each other.');
      assertAllowed(tx.kind, a);
      assertAllowed(tx.kind, b);
      assertJurisdiction(ctx.actor, [...unitsOf(a), ...unitsOf(b)]);
      await tx.change(a, 'spouse', { marital_status: 'divorced', spouse_id: null });
      await tx.change(b, 'spouse', { marital_status: 'divorced', spouse_id: null });
      return { partnerIds: input.partnerIds, eventId: 0 };
    }, { effectiveDate: input.date, optimistic: true });
  }

  // ---- reads used by the other parts of the module ------------------------------------------

  async readFull(actor: OfficerActor, idNumber: string) {
    checkIdNumber(idNumber, 'idNumber');
    const p = await store.person(this.db, idNumber);
    if (!p) throw notFound(idNumber);
    assertJurisdiction(actor, unitsOf(p));
    return { row: p, ...fullView(p, groupsFor(actor.roles)) };
  }
}

export type { EventTx };
export { parseDay, isoDay, ageOnDate };
