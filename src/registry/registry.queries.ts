import { sql, type Kysely } from 'kysely';
import { AppError } from '../platform/http/errors.ts';
import { assertJurisdiction, assertRole, covers, type OfficerActor } from '../platform/auth/actor.ts';
import type { AuditWriter } from '../platform/audit/index.ts';
import type { Clock } from '../platform/clock.ts';
import { searchKey, toneKey, compareVi } from '../vn/index.ts';
import { registryStore as store } from './registry.store.ts';
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
    await Promise.all(idNumbers.map((id) => this.audit.append({ at, actorKind: 'officer', actorId: ctx.actor.id, action, subjectKind: 'person', subjectId: id, fields, purpose, requestId: ctx.requestId, details })));
  }

  async person(ctx: ReadContext, idNumber: string, purpose: string | undefined) {
    assertRole(ctx.actor, READ_ROLES);
    if (!purpose?.trim()) throw new AppError('REGISTRY_PURPOSE_REQUIRED', {}, [{ field: 'purpose', code: 'required', message: { vi: 'Bắt buộc phải có.', en: 'Is required.' } }]);
    checkIdNumber(idNumber, 'idNumber');
    const p = await store.person(this.db, idNumber);
    if (!p) throw new AppError('REGISTRY_PERSON_NOT_FOUND', { idNumber });
    assertJurisdiction(ctx.actor, unitsOf(p));
    const v = fullView(p, groupsFor(ctx.actor.roles));
    await this.auditRead(ctx, 'person.read', [idNumber], v.fields, purpose.trim());
    return { ...v.record, version: p.version };
  }

  async search(ctx: ReadContext, input: SearchInput) {
    assertRole(ctx.actor, READ_ROLES);
    const q = input.q.trim();
    let rows: PersonRow[];
    let mode: 'id' | 'auto' | 'prefix' | 'word' = input.mode ?? 'auto';
    if (/^\d{12}$/.test(q)) {
      mode = 'id';
      const p = await store.person(this.db, q);
      rows = p ? [p] : [];
    } else {
      const key = searchKey(q);
      const words = key.split(' ').filter(Boolean);
      if (!words.length) throw new AppError('VALIDATION_FAILED', {}, [{ field: 'q', code: 'minLength', message: { vi: 'Nhập họ tên hoặc số định danh.', en: 'Enter a name or an ID number.' } }]);
      rows = await this.findByName(key, words, mode, input);
    }
    const j = ctx.actor.jurisdiction;
    rows = rows.filter((r) => unitsOf(r).some((u) => covers(j, u)));
    if (input.birthYear) rows = rows.filter((r) => r.birth_year === input.birthYear);
    if (input.sex) rows = rows.filter((r) => r.sex === input.sex);
    if (input.provinceCode) rows = rows.filter((r) => r.perm_province_code === input.provinceCode || r.cur_province_code === input.provinceCode);
    if (input.communeCode) rows = rows.filter((r) => r.perm_commune_code === input.communeCode || r.cur_commune_code === input.communeCode);
    // Exact diacritics first (typed "Lân" ranks Lân before Lan), then Vietnamese alphabetical order.
    const typed = toneKey(q);
    const rank = (r: PersonRow) => (toneKey(r.full_name) === typed ? 0 : toneKey(r.full_name).includes(typed) ? 1 : 2);
    rows.sort((a, b) => rank(a) - rank(b) || compareVi(a.full_name, b.full_name) || a.birth_year - b.birth_year || a.id_number.localeCompare(b.id_number));
    const page = rows.slice(input.offset, input.offset + input.limit);
    await this.auditRead(ctx, 'person.search_result', page.map((r) => r.id_number), ['idNumber', 'fullName', 'sex', 'birthDate', 'status', 'permanentResidence'], 'search', { q: q.length > 64 ? q.slice(0, 64) : q });
    return { mode, items: page.map(summaryView), offset: input.offset, limit: input.limit, hasMore: rows.length > input.offset + input.limit };
  }

  private async findByName(key: string, words: string[], mode: 'auto' | 'prefix' | 'word', input: SearchInput): Promise<PersonRow[]> {
    const cap = Math.min(2000, (input.offset + input.limit) * 20 + 200);
    const year = input.birthYear ?? (input.birthDate ? Number(input.birthDate.slice(0, 4)) : undefined);
    const queries: Array<Promise<PersonRow[]>> = [];
    const base = () => {
      let b = this.db.selectFrom('registry.person').select([...SUMMARY_COLUMNS] as any);
      if (year !== undefined) b = b.where('birth_year', '=', year);
      if (input.sex) b = b.where('sex', '=', input.sex);
      if (input.birthDate && /^\d{4}-\d{2}-\d{2}$/.test(input.birthDate)) b = b.where('birth_month', '=', Number(input.birthDate.slice(5, 7))).where('birth_day', '=', Number(input.birthDate.slice(8, 10)));
      return b;
    };
    if (mode !== 'word') {
      const like = `${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      queries.push(base().where('name_key', 'like', like).limit(cap).execute() as Promise<PersonRow[]>);
    }
    if (mode !== 'prefix') {
      // Whole words: the last typed word as the given name (index on given_key), the others anywhere in the name.
      const last = words[words.length - 1]!;
      let w = base().where('given_key', '=', last);
      for (const other of words.slice(0, -1)) w = w.where(sql`name_key ~ ${`(^| )${other.replace(/[^a-z0-9]/g, '')}( |$)`}` as any);
      queries.push(w.limit(cap).execute() as Promise<PersonRow[]>);
    }
    const seen = new Map<string, PersonRow>();
    for (const list of await Promise.all(queries)) for (const r of list) seen.set(r.id_number, r);
    return [...seen.values()];
  }

  async history(ctx: ReadContext, idNumber: string) {
    assertRole(ctx.actor, ['registrar', 'supervisor', 'auditor']);
    checkIdNumber(idNumber, 'idNumber');
    const p = await store.person(this.db, idNumber);
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
    const p = await store.person(this.db, idNumber);
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
