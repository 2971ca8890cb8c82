import { sql, type Kysely } from 'kysely';
import { AppError } from '../platform/http/errors.ts';
import { assertJurisdiction, assertRole, covers, type OfficerActor } from '../platform/auth/actor.ts';
import type { AuditWriter } from '../platform/audit/index.ts';
import type { Clock } from '../platform/clock.ts';
import { searchKey, toneKey } from '../vn/index.ts';
import { inJurisdiction, registryStore as store } from './registry.store.ts';
import type { PersonRow } from './registry.types.ts';
import { fullView, groupsFor, summaryView, unitsOf, addressView } from './registry.view.ts';
import { checkIdNumber } from './registry.service.ts';

export const READ_ROLES = ['registrar', 'supervisor', 'card_officer', 'service_officer'] as const;

export interface SearchInput {
  q: string;
  mode?: 'auto' | 'prefix' | 'word';
  birthYear?: number;
  birthDate?: string;
  sex?: 'male' | 'female';
  provinceCode?: string;
  communeCode?: string;
  limit: number;
  offset: number;
}

export interface ReadContext {
  actor: OfficerActor;
  requestId: string;
}

const SUMMARY_COLUMNS = ['id_number', 'full_name', 'name_key', 'sex', 'birth_year', 'birth_month', 'birth_day', 'status', 'perm_province_code', 'perm_commune_code', 'temp_province_code', 'temp_commune_code', 'cur_province_code', 'cur_commune_code', 'birth_reg_province_code', 'birth_reg_commune_code', 'synthetic'] as const;

/** Reads of the registry. Every read of a person's data is written to the audit log before it is answered. */
export class RegistryQueries {
  constructor(private readonly db: Kysely<any>, private readonly clock: Clock, private readonly audit: AuditWriter) {}

  private async auditRead(ctx: ReadContext, action: string, idNumbers: readonly string[], fields: readonly string[], purpose: string | null, details: Record<string, unknown> = {}) {
    const at = this.clock.now();
    const entry = (id: string) => this.audit.append({ at, actorKind: 'officer', actorId: ctx.actor.id, action, subjectKind: 'person', subjectId: id, fields, purpose, requestId: ctx.requestId, details });
    await (idNumbers.length === 1 ? entry(idNumbers[0]!) : Promise.all(idNumbers.map(entry)));
  }

  async person(ctx: ReadContext, idNumber: string, purpose: string | undefined) {
    assertRole(ctx.actor, READ_ROLES);
    if (!purpose?.trim()) throw new AppError('REGISTRY_PURPOSE_REQUIRED', {}, [{ field: 'purpose', code: 'required', message: { vi: 'Bắt buộc phải có.', en: 'Is required.' } }]);
    checkIdNumber(idNumber, 'idNumber');
    const p = await store.personBatched(this.db, idNumber);
    if (!p) throw new AppError('REGISTRY_PERSON_NOT_FOUND', { idNumber });
    assertJurisdiction(ctx.actor, unitsOf(p));
    const v = fullView(p, groupsFor(ctx.actor.roles));
    await this.auditRead(ctx, 'person.read', [idNumber], v.fields, purpose.trim());
    v.record.version = p.version;
    return v.record;
  }

  async search(ctx: ReadContext, input: SearchInput) {
    assertRole(ctx.actor, READ_ROLES);
    const q = input.q.trim();
    let rows: PersonRow[];
    let mode: 'id' | 'auto' | 'prefix' | 'word' = input.mode ?? 'auto';
    const want = input.offset + input.limit + 1;
    if (/^\d{12}$/.test(q)) {
      mode = 'id';
      const p = await store.personBatched(this.db, q);
      rows = p && this.visible(ctx, p, input) ? [p] : [];
    } else {
      const key = searchKey(q);
      const words = key.split(' ').filter(Boolean);
      if (!words.length) throw new AppError('VALIDATION_FAILED', {}, [{ field: 'q', code: 'minLength', message: { vi: 'Nhập họ tên hoặc số định danh.', en: 'Enter a name or an ID number.' } }]);
      rows = [];
      const seen = new Set<string>();
      const add = (list: PersonRow[]) => { for (const r of list) if (!seen.has(r.id_number) && this.visible(ctx, r, input)) { seen.add(r.id_number); rows.push(r); } };
      // The name as typed from its start first (one index range, in search-key order); whole words only when that is not enough.
      // A full name typed from its start is found by the prefix; whole words serve a single word
      // (a given name) or a name typed in another order or without its middle name.
      if (mode !== 'word') add(await this.byName(ctx, input, 'prefix', key, words, want));
      if (mode === 'word' || (mode === 'auto' && rows.length < want && (words.length === 1 || rows.length === 0))) add(await this.byName(ctx, input, 'word', key, words, want));
    }
    // Within the page: the exact spelling typed first (typed "Lân" shows Lân before Lan), then search-key order.
    const typed = toneKey(q);
    const rankOf = (name: string) => { const k = toneKey(name); return k === typed ? 0 : k.includes(typed) ? 1 : 2; };
    const ranked = rows.map((r, i) => ({ r, i, rank: rankOf(r.full_name) }));
    ranked.sort((a, b) => a.rank - b.rank || a.i - b.i);
    const page = ranked.slice(input.offset, input.offset + input.limit).map((x) => x.r);
    await this.auditRead(ctx, 'person.search_result', page.map((r) => r.id_number), ['idNumber', 'fullName', 'sex', 'birthDate', 'status', 'permanentResidence'], 'search', { q: q.length > 64 ? q.slice(0, 64) : q });
    return { mode, items: page.map(summaryView), offset: input.offset, limit: input.limit, hasMore: rows.length > input.offset + input.limit };
  }

  /** Jurisdiction and the filters that the index cannot apply. */
  private visible(ctx: ReadContext, r: PersonRow, input: SearchInput): boolean {
    if (!unitsOf(r).some((u) => covers(ctx.actor.jurisdiction, u))) return false;
    if (input.provinceCode && r.perm_province_code !== input.provinceCode && r.cur_province_code !== input.provinceCode) return false;
    if (input.communeCode && r.perm_commune_code !== input.communeCode && r.cur_commune_code !== input.communeCode) return false;
    return true;
  }

  /**
   * prefix: the search key starts with what was typed (index on name_key, birth_year);
   * word: the last typed word is the given name (index on given_key, birth_year) and the other
   * words appear as whole words. Both read in search-key order, only the rows the page needs, with
   * the officer's jurisdiction and the unit filters applied in the query.
   */
  private async byName(ctx: ReadContext, input: SearchInput, how: 'prefix' | 'word', key: string, words: string[], want: number): Promise<PersonRow[]> {
    const year = input.birthYear ?? (input.birthDate ? Number(input.birthDate.slice(0, 4)) : undefined);
    let b = this.db.selectFrom('registry.person').select([...SUMMARY_COLUMNS] as any);
    if (year !== undefined) b = b.where('birth_year', '=', year);
    if (input.sex) b = b.where('sex', '=', input.sex);
    if (input.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(input.birthDate)) b = b.where('birth_month', '=', Number(input.birthDate.slice(5, 7))).where('birth_day', '=', Number(input.birthDate.slice(8, 10)));
    if (how === 'prefix') {
      b = b.where('name_key', 'like', `${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    } else {
      b = b.where('given_key', '=', words[words.length - 1]!);
      for (const other of words.slice(0, -1)) b = b.where(sql`name_key ~ ${`(^| )${other.replace(/[^a-z0-9]/g, '')}( |$)`}` as any);
    }
    const j = ctx.actor.jurisdiction;
    if (j.provinceCode) b = b.where(inJurisdiction(j.provinceCode, j.communeCode));
    if (input.provinceCode) b = b.where((eb: any) => eb.or([eb('perm_province_code', '=', input.provinceCode), eb('cur_province_code', '=', input.provinceCode)]));
    if (input.communeCode) b = b.where((eb: any) => eb.or([eb('perm_commune_code', '=', input.communeCode), eb('cur_commune_code', '=', input.communeCode)]));
    return (await b.orderBy('name_key').orderBy('id_number').limit(want).execute()) as PersonRow[];
  }

  async history(ctx: ReadContext, idNumber: string) {
    assertRole(ctx.actor, ['registrar', 'supervisor', 'auditor']);
    checkIdNumber(idNumber, 'idNumber');
    const p = await store.personBatched(this.db, idNumber);
    if (!p) throw new AppError('REGISTRY_PERSON_NOT_FOUND', { idNumber });
    assertJurisdiction(ctx.actor, unitsOf(p));
    const events = await store.events(this.db, idNumber);
    await this.auditRead(ctx, 'person.history_read', [idNumber], ['history'], 'history');
    return {
      idNumber,
      events: events.map((e) => ({ eventId: Number(e.id), kind: e.kind, at: e.at.toISOString(), effectiveDate: e.effective_date, officerId: e.officer_id, legalBasis: e.legal_basis, reason: e.reason, role: e.role, changed: Object.keys(e.after), before: e.before, after: e.after })),
    };
  }

  /** The record as it was at the end of a past day: today's record with later events undone, newest first. */
  async asOf(ctx: ReadContext, idNumber: string, date: string, purpose: string | undefined) {
    assertRole(ctx.actor, READ_ROLES);
    if (!purpose?.trim()) throw new AppError('REGISTRY_PURPOSE_REQUIRED', {}, [{ field: 'purpose', code: 'required', message: { vi: 'Bắt buộc phải có.', en: 'Is required.' } }]);
    checkIdNumber(idNumber, 'idNumber');
    const p = await store.personBatched(this.db, idNumber);
    if (!p) throw new AppError('REGISTRY_PERSON_NOT_FOUND', { idNumber });
    assertJurisdiction(ctx.actor, unitsOf(p));
    const endOfDay = new Date(`${date}T23:59:59.999+07:00`);
    if (Number.isNaN(endOfDay.getTime())) throw new AppError('REGISTRY_INVALID_DATE', { value: date }, [{ field: 'date', code: 'date', message: { vi: 'Ngày không hợp lệ.', en: 'Invalid date.' } }]);
    const later = await store.events(this.db, idNumber, { after: endOfDay });
    if (later.some((e) => e.kind === 'birth_registered')) throw new AppError('REGISTRY_PERSON_NOT_FOUND', { idNumber });
    const row: Record<string, unknown> = { ...p };
    for (const e of later) Object.assign(row, e.before);
    const v = fullView(row as unknown as PersonRow, groupsFor(ctx.actor.roles));
    await this.auditRead(ctx, 'person.read_as_of', [idNumber], v.fields, purpose.trim(), { asOf: date });
    return { asOf: date, eventsUndone: later.length, record: v.record };
  }

  async household(ctx: ReadContext, no: string) {
    assertRole(ctx.actor, READ_ROLES);
    const h = await store.household(this.db, no);
    if (!h) throw new AppError('REGISTRY_HOUSEHOLD_NOT_FOUND', { householdNo: no });
    assertJurisdiction(ctx.actor, [{ provinceCode: h.province_code, communeCode: h.commune_code }]);
    const members = await store.householdMembers(this.db, no);
    await this.auditRead(ctx, 'household.read', members.map((m) => m.id_number), ['idNumber', 'fullName', 'birthDate', 'relationToHead'], 'household view', { householdNo: no });
    return {
      householdNo: h.household_no,
      status: h.status,
      headId: h.head_id,
      address: addressView(h.address, h.province_code, h.commune_code),
      synthetic: h.synthetic,
      members: members.map((m) => ({ ...summaryView(m), relationToHead: m.relation_to_head })),
    };
  }

  async communeMembers(ctx: ReadContext, provinceCode: string, communeCode: string, page: { after?: string; limit: number }) {
    assertRole(ctx.actor, READ_ROLES);
    assertJurisdiction(ctx.actor, [{ provinceCode, communeCode }]);
    let q = this.db.selectFrom('registry.person').select([...SUMMARY_COLUMNS] as any).where('perm_province_code', '=', provinceCode).where('perm_commune_code', '=', communeCode).orderBy('id_number').limit(page.limit);
    if (page.after) q = q.where('id_number', '>', page.after);
    const rows = (await q.execute()) as PersonRow[];
    await this.auditRead(ctx, 'person.list_result', rows.map((r) => r.id_number), ['idNumber', 'fullName', 'sex', 'birthDate', 'status'], 'commune list', { provinceCode, communeCode });
    return { items: rows.map(summaryView), nextAfter: rows.length === page.limit ? rows[rows.length - 1]!.id_number : null };
  }

  /** Counts of living people by age band and sex, for a unit (the whole jurisdiction by default). Aggregates only. */
  async stats(ctx: ReadContext, unit: { provinceCode?: string; communeCode?: string }) {
    assertRole(ctx.actor, [...READ_ROLES, 'auditor', 'admin']);
    const j = ctx.actor.jurisdiction;
    const provinceCode = unit.provinceCode ?? j.provinceCode ?? undefined;
    const communeCode = unit.communeCode ?? j.communeCode ?? undefined;
    if (provinceCode) assertJurisdiction(ctx.actor, [{ provinceCode, communeCode: communeCode ?? null }]);
    const year = this.clock.now().getUTCFullYear();
    let q = this.db.selectFrom('registry.person')
      .select([
        sql<string>`case when ${year} - birth_year >= 80 then '80+' else ((${year} - birth_year) / 5 * 5)::text || '-' || ((${year} - birth_year) / 5 * 5 + 4)::text end`.as('band'),
        'sex',
        sql<number>`count(*)::int`.as('n'),
      ])
      .where('status', '=', 'living')
      .groupBy(['band', 'sex']);
    if (provinceCode) q = q.where('perm_province_code', '=', provinceCode);
    if (communeCode) q = q.where('perm_commune_code', '=', communeCode);
    const rows = (await q.execute()) as Array<{ band: string; sex: string; n: number }>;
    const order = (b: string) => (b === '80+' ? 999 : Number(b.split('-')[0]));
    const bands = [...new Set(rows.map((r) => r.band))].sort((a, b) => order(a) - order(b));
    return {
      unit: { provinceCode: provinceCode ?? null, communeCode: communeCode ?? null },
      ageReference: `${year}`,
      total: rows.reduce((s, r) => s + r.n, 0),
      bySex: { male: rows.filter((r) => r.sex === 'male').reduce((s, r) => s + r.n, 0), female: rows.filter((r) => r.sex === 'female').reduce((s, r) => s + r.n, 0) },
      byAgeBand: bands.map((b) => ({ band: b, male: rows.find((r) => r.band === b && r.sex === 'male')?.n ?? 0, female: rows.find((r) => r.band === b && r.sex === 'female')?.n ?? 0 })),
    };
  }
}
