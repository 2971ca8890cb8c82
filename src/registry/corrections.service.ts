import type { Kysely } from 'kysely';
import { AppError } from '../platform/http/errors.ts';
import { assertJurisdiction, assertRole } from '../platform/auth/actor.ts';
import type { Clock } from '../platform/clock.ts';
import { nfc, searchKey, splitFullName, parsePartialDate } from '../vn/index.ts';
import { inJurisdiction, registryStore as store } from './registry.store.ts';
import { assertAllowed, checkIdNumber, type EventBase, type EventContext, type RegistryService } from './registry.service.ts';
import type { PersonPatch } from './registry.types.ts';
import { unitsOf } from './registry.view.ts';
import { pageOf } from '../platform/http/paging.ts';
import { reviewDirection, type ReviewPage } from './review-queue.ts';

/** Fields a correction may change. The personal ID number and sex are not corrected here: they need a new number. */
export interface CorrectionChanges {
  fullName?: string;
  otherNames?: string[];
  birthDate?: string;
  ethnicityCode?: string;
  religion?: string;
  nationality?: string;
}

function toPatch(c: CorrectionChanges): PersonPatch {
  const patch: PersonPatch = {};
  if (c.fullName !== undefined) {
    const full = nfc(c.fullName);
    patch.full_name = full;
    patch.name_key = searchKey(full);
    patch.given_key = searchKey(splitFullName(full).given);
  }
  if (c.otherNames !== undefined) patch.other_names = c.otherNames.map(nfc);
  if (c.birthDate !== undefined) {
    const d = parsePartialDate(c.birthDate);
    if (!d) throw new AppError('REGISTRY_INVALID_DATE', { value: c.birthDate }, [{ field: 'changes.birthDate', code: 'date', message: { vi: 'Ngày sinh không hợp lệ (yyyy, yyyy-mm hoặc yyyy-mm-dd).', en: 'Invalid birth date (yyyy, yyyy-mm or yyyy-mm-dd).' } }]);
    patch.birth_year = d.year;
    patch.birth_month = d.kind === 'year' ? null : d.month;
    patch.birth_day = d.kind === 'full' ? d.day : null;
  }
  if (c.ethnicityCode !== undefined) patch.ethnicity_code = c.ethnicityCode;
  if (c.religion !== undefined) patch.religion = nfc(c.religion);
  if (c.nationality !== undefined) patch.nationality = c.nationality;
  return patch;
}

/** Corrections of personal data take effect only when a supervisor other than the requester approves (four eyes). */
export class CorrectionService {
  constructor(private readonly db: Kysely<any>, private readonly clock: Clock, private readonly registry: RegistryService) {}

  request(ctx: EventContext, idNumber: string, input: EventBase & { reason: string; changes: CorrectionChanges }) {
    assertRole(ctx.actor, ['registrar']);
    checkIdNumber(idNumber, 'idNumber');
    const patch = toPatch(input.changes);
    if (!Object.keys(patch).length) throw new AppError('REGISTRY_NO_CHANGE');
    return this.registry.record(ctx, 'correction_requested', { ...input, idNumber }, async (tx) => {
      const p = (await store.lockPeople(tx.trx, [idNumber])).get(idNumber);
      if (!p) throw new AppError('REGISTRY_PERSON_NOT_FOUND', { idNumber });
      assertJurisdiction(ctx.actor, unitsOf(p));
      assertAllowed('correction_requested', p);
      const r = await tx.trx.insertInto('registry.correction').values({ id_number: idNumber, changes: JSON.stringify(input.changes), reason: nfc(input.reason), legal_basis: nfc(input.legalBasis), requested_by: ctx.actor.id, requested_at: this.clock.now() }).returning('id').executeTakeFirstOrThrow();
      tx.subjects.push({ idNumber, role: 'subject', before: {}, after: { pendingCorrection: Number(r.id) } });
      return { correctionId: Number(r.id), status: 'pending' as const, eventId: 0 };
    });
  }

  /** Pending corrections in the officer's jurisdiction, a page at a time. */
  async pending(ctx: EventContext, page: ReviewPage) {
    assertRole(ctx.actor, ['supervisor', 'registrar']);
    let q = this.db.selectFrom('registry.correction as c').innerJoin('registry.person as p', 'p.id_number', 'c.id_number')
      .select(['c.id', 'c.id_number', 'c.changes', 'c.reason', 'c.legal_basis', 'c.requested_by', 'c.requested_at', 'p.full_name'])
      .where('c.status', '=', 'pending');
    const j = ctx.actor.jurisdiction;
    if (j.provinceCode) q = q.where(inJurisdiction(j.provinceCode, j.communeCode, 'p.'));
    const dir = reviewDirection(page);
    const rows = await q.orderBy('c.requested_at', dir).orderBy('c.id', dir).limit(page.limit + 1).offset(page.offset).execute();
    return pageOf(rows, page, (r: any) => ({ id: Number(r.id), idNumber: r.id_number, fullName: r.full_name, changes: r.changes, reason: r.reason, legalBasis: r.legal_basis, requestedBy: r.requested_by, requestedAt: r.requested_at.toISOString() }));
  }

  async decide(ctx: EventContext, correctionId: number, input: { decision: 'approve' | 'reject'; note?: string; legalBasis?: string }) {
    assertRole(ctx.actor, ['supervisor']);
    const kind = input.decision === 'approve' ? 'correction_approved' : 'correction_rejected';
    const c = await this.db.selectFrom('registry.correction').select('legal_basis').where('id', '=', correctionId).executeTakeFirst();
    if (!c) throw new AppError('REGISTRY_CORRECTION_NOT_FOUND', { id: correctionId });
    return this.registry.record(ctx, kind, { legalBasis: input.legalBasis ?? c.legal_basis, reason: input.note, correctionId }, async (tx) => {
      const locked = await tx.trx.selectFrom('registry.correction').selectAll().where('id', '=', correctionId).forUpdate().executeTakeFirstOrThrow();
      if (locked.status !== 'pending') throw new AppError('REGISTRY_CORRECTION_DECIDED', { id: correctionId });
      if (locked.requested_by === ctx.actor.id) throw new AppError('REGISTRY_FOUR_EYES');
      const p = (await store.lockPeople(tx.trx, [locked.id_number])).get(locked.id_number);
      if (!p) throw new AppError('REGISTRY_PERSON_NOT_FOUND', { idNumber: locked.id_number });
      assertJurisdiction(ctx.actor, unitsOf(p));
      if (input.decision === 'approve') {
        const after = await tx.change(p, 'subject', toPatch(locked.changes as CorrectionChanges));
        if (after === p) tx.subjects.push({ idNumber: p.id_number, role: 'subject', before: {}, after: { correctionApproved: correctionId } });
      } else {
        tx.subjects.push({ idNumber: p.id_number, role: 'subject', before: {}, after: { correctionRejected: correctionId } });
      }
      await tx.trx.updateTable('registry.correction').set({ status: input.decision === 'approve' ? 'approved' : 'rejected', decided_by: ctx.actor.id, decided_at: this.clock.now(), decision_note: input.note ?? null }).where('id', '=', correctionId).execute();
      return { correctionId, status: input.decision === 'approve' ? 'approved' as const : 'rejected' as const, eventId: 0 };
    });
  }
}
