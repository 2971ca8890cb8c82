import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { AppError } from '../platform/http/errors.ts';
import { assertJurisdiction, assertRole } from '../platform/auth/actor.ts';
import { insertInbox, type AuditWriter } from '../platform/audit/index.ts';
import type { Clock } from '../platform/clock.ts';
import { getCommune2025, getProvince2025 } from '../vn/index.ts';
import type { BirthInput, EventContext, RegistryService } from './registry.service.ts';
import type { PersonRow } from './registry.types.ts';
import { birthDateIso } from './registry.view.ts';
import { reviewDirection, type ReviewPage } from './review-queue.ts';

type CandidateRow = Pick<PersonRow, 'id_number' | 'full_name' | 'sex' | 'birth_year' | 'birth_month' | 'birth_day' | 'status' | 'birth_reg_province_code' | 'birth_reg_commune_code' | 'father_id' | 'mother_id'>;
const CANDIDATE_COLUMNS = ['id_number', 'full_name', 'sex', 'birth_year', 'birth_month', 'birth_day', 'status', 'birth_reg_province_code', 'birth_reg_commune_code', 'father_id', 'mother_id'] as const;
/** What the queue shows of each existing person, as named in the audit log. */
const CANDIDATE_FIELDS = ['idNumber', 'fullName', 'sex', 'birthDate', 'status', 'birthRegistration', 'fatherId', 'motherId'];

function unitView(provinceCode: string, communeCode: string | null) {
  return { provinceCode, provinceName: getProvince2025(provinceCode)?.name ?? null, communeCode, communeName: communeCode ? getCommune2025(communeCode)?.name ?? null : null };
}

function heldSummary(r: BirthInput) {
  return { fullName: r.fullName, sex: r.sex, birthDate: r.birthDate, birthRegistration: unitView(r.birthRegistration.provinceCode, r.birthRegistration.communeCode), fatherId: r.fatherId ?? null, motherId: r.motherId ?? null };
}

function candidateSummary(p: CandidateRow) {
  return { idNumber: p.id_number, fullName: p.full_name, sex: p.sex, birthDate: birthDateIso(p), status: p.status, birthRegistration: unitView(p.birth_reg_province_code, p.birth_reg_commune_code), fatherId: p.father_id, motherId: p.mother_id };
}

/** The queue of registrations held as probable duplicates, for a supervisor to merge or confirm distinct. */
export class DuplicateService {
  constructor(private readonly db: Kysely<any>, private readonly clock: Clock, private readonly registry: RegistryService, private readonly audit: AuditWriter) {}

  /**
   * Pending reviews in the officer's jurisdiction, each with a summary of the held registration and
   * of every candidate side by side. A candidate may live outside the jurisdiction (the check runs
   * nationwide): the summary is what the decision needs, and each one shown is audited.
   */
  async pending(ctx: EventContext, page: ReviewPage) {
    assertRole(ctx.actor, ['supervisor', 'registrar']);
    const dir = reviewDirection(page);
    let q = this.db.selectFrom('registry.duplicate_review').selectAll().where('status', '=', 'pending').orderBy('requested_at', dir).orderBy('id', dir).limit(page.limit + 1).offset(page.offset);
    const j = ctx.actor.jurisdiction;
    if (j.provinceCode) q = q.where('province_code', '=', j.provinceCode);
    if (j.communeCode) q = q.where('commune_code', '=', j.communeCode);
    const all = await q.execute();
    const hasMore = all.length > page.limit;
    const rows = all.slice(0, page.limit);
    const ids = [...new Set(rows.flatMap((r: any) => r.candidates as string[]))];
    const people = ids.length ? ((await this.db.selectFrom('registry.person').select([...CANDIDATE_COLUMNS] as any).where('id_number', 'in', ids).execute()) as CandidateRow[]) : [];
    const byId = new Map(people.map((p) => [p.id_number, p]));
    const at = this.clock.now();
    await Promise.all(rows.flatMap((r: any) => (r.candidates as string[]).filter((c) => byId.has(c)).map((c) =>
      this.audit.append({ at, actorKind: 'officer', actorId: ctx.actor.id, action: 'person.duplicate_candidate_read', subjectKind: 'person', subjectId: c, fields: CANDIDATE_FIELDS, purpose: 'duplicate review', requestId: ctx.requestId, details: { reviewId: Number(r.id) } }))));
    const items = rows.map((r: any) => ({
      id: Number(r.id), kind: r.kind, request: r.request, held: heldSummary(r.request as BirthInput),
      candidates: r.candidates, candidateSummaries: (r.candidates as string[]).flatMap((c) => (byId.has(c) ? [candidateSummary(byId.get(c)!)] : [])),
      reasons: r.reasons, requestedBy: r.requested_by, requestedAt: r.requested_at.toISOString(),
    }));
    return { items, offset: page.offset, limit: page.limit, hasMore };
  }

  async decide(ctx: EventContext, id: number, input: { decision: 'distinct' | 'merge'; mergeInto?: string; note?: string }) {
    assertRole(ctx.actor, ['supervisor']);
    const review = await this.db.selectFrom('registry.duplicate_review').selectAll().where('id', '=', id).executeTakeFirst();
    if (!review) throw new AppError('REGISTRY_REVIEW_NOT_FOUND', { id });
    assertJurisdiction(ctx.actor, [{ provinceCode: review.province_code, communeCode: review.commune_code }]);
    // Deciding again as already decided answers as the first time (a retry after a lost answer).
    const decided = { merged: 'merge', confirmed_distinct: 'distinct' } as const;
    if (review.status !== 'pending') {
      if (decided[review.status as keyof typeof decided] === input.decision && review.result_id_number) return { reviewId: id, status: review.status as 'merged' | 'confirmed_distinct', idNumber: review.result_id_number as string };
      throw new AppError('REGISTRY_REVIEW_DECIDED', { id });
    }
    if (input.decision === 'merge') {
      const target = input.mergeInto ?? review.candidates[0];
      if (!review.candidates.includes(target)) throw new AppError('VALIDATION_FAILED', {}, [{ field: 'mergeInto', code: 'not_candidate', message: { vi: 'Phải là một trong các hồ sơ nghi trùng.', en: 'Must be one of the candidates.' } }]);
      return this.db.transaction().execute(async (trx) => {
        const upd = await trx.updateTable('registry.duplicate_review').set({ status: 'merged', decided_by: ctx.actor.id, decided_at: this.clock.now(), result_id_number: target }).where('id', '=', id).where('status', '=', 'pending').returning('id').execute();
        if (!upd.length) throw new AppError('REGISTRY_REVIEW_DECIDED', { id });
        await insertInbox(trx, [{ at: this.clock.now(), actorKind: 'officer', actorId: ctx.actor.id, action: 'registry.duplicate_merged', subjectKind: 'person', subjectId: target, fields: [], purpose: 'duplicate review', requestId: ctx.requestId, details: { reviewId: id, note: input.note ?? null } }]);
        return { reviewId: id, status: 'merged' as const, idNumber: target };
      });
    }
    // Confirmed distinct: claim the review first so two supervisors cannot both register the birth.
    const claimed = await sql`update registry.duplicate_review set status = 'confirmed_distinct', decided_by = ${ctx.actor.id}, decided_at = ${this.clock.now()} where id = ${id} and status = 'pending' returning id`.execute(this.db);
    if (!claimed.rows.length) throw new AppError('REGISTRY_REVIEW_DECIDED', { id });
    try {
      const r = await this.registry.registerBirth(ctx, review.request as BirthInput, { reviewId: id });
      return { reviewId: id, status: 'confirmed_distinct' as const, idNumber: r.status === 'registered' ? r.idNumber : null };
    } catch (e) {
      await sql`update registry.duplicate_review set status = 'pending', decided_by = null, decided_at = null where id = ${id}`.execute(this.db);
      throw e;
    }
  }
}
