/**
 * How eID accounts come to be and change hands: level-1 self-service registration checked against
 * the population registry, a parent opening a child's account, level 2 at a police counter (chip
 * passive authentication + the face match the officer records), activation, self-service unlock
 * and password reset, suspension by an officer, closing on death.
 *
 * Public flows answer every request the same way whether or not the ID number has an account: a
 * request that matches nothing writes a "decoy" code row that is never sent and never matches, so
 * confirming it fails exactly like a wrong code. The owner of an existing account gets a notice on
 * their registered phone instead of a code.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { assertRole, type OfficerActor } from '../../platform/auth/actor.ts';
import type { AuditEntry, AuditWriter } from '../../platform/audit/index.ts';
import type { Clock } from '../../platform/clock.ts';
import { hashPassword } from '../../platform/auth/password.ts';
import { recordEffects } from '../../platform/events/effects.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { CitizenPrincipal } from '../../platform/http/guard.ts';
import { WindowLimiter } from '../../platform/http/rate-limit.ts';
import { identityFacts, type RegistryService } from '../../registry/index.ts';
import { cardStatusesIssuedOn, decodeDg1, parseVnMrz, type PaInput, type PaReport } from '../../cards/index.ts';
import { nfc, vnCalendarDate } from '../../vn/index.ts';
import { closeAccountIn, effectiveStatus, IDENTITY_TOPIC, summaryOf, type AccountService, type AccountSummary } from './accounts.service.ts';
import { accountsStore as store, type AccountRow, type CodeRow } from './accounts.store.ts';
import { fieldError } from './accounts.errors.ts';
import { checkCode, checkCodeQuota, issueCode, type CodeLimits } from './codes.ts';
import { codeText, NOTICE } from './messages.ts';
import { maskPhone, type OtpSender } from './otp-sender.ts';
import { NoticeWorker, queueNotice } from './notices.ts';
import { ageToday, birthDateOfFacts, normalisePhone, SELF_REGISTRATION_AGE, statedIdentityMatches } from './policy.ts';

/** Level 2 at the counter: Decree 69/2024 gives it from 14, and from 6 to 13 on request (the officer's enrolment is the request). */
export const LEVEL2_MIN_AGE = 6;
const OFFICER_ROLES = ['card_officer'] as const;
const STATUS_ROLES = ['supervisor', 'card_officer'] as const;
/** Who suspends the account of a person declared missing, as `status_changed_by` and in the audit log. */
export const MISSING_CONSUMER_ID = 'identity.suspend-on-missing';
const MISSING_ACTOR = `system:${MISSING_CONSUMER_ID}`;
const MISSING_REASON = 'declared_missing';
const registryRequest = (eventId: unknown) => (eventId === undefined ? null : `registry.event:${String(eventId)}`);

export type ChipVerifier = (input: PaInput) => Promise<PaReport>;

export interface EnrolmentSettings {
  /** Codes sent by the public flows (registration, unlock, reset), minutes. */
  codeTtlMinutes: number;
  /** Activation codes given at the counter, hours. */
  activationTtlHours: number;
  /** Requests to the public flows per client IP per hour. */
  publicPerIpPerHour: number;
  codeLimits: CodeLimits;
}

export const DEFAULT_ENROLMENT_SETTINGS: EnrolmentSettings = {
  codeTtlMinutes: 10,
  activationTtlHours: 72,
  publicPerIpPerHour: 60,
  codeLimits: { perIdNumber: 5, windowMs: 3_600_000 },
};

export interface PublicMeta {
  ip: string;
  userAgent?: string | null;
  requestId?: string | null;
}

/** What every public flow answers when it starts, whatever it found. */
export interface FlowStarted {
  flowId: string;
  expiresAt: string;
  /** The phone the code was sent to, masked as the applicant typed it. */
  sentTo: string;
}

export interface CounterInput {
  idNumber: string;
  chip: { sod: Buffer; dataGroups: ReadonlyMap<number, Buffer> };
  faceMatch: 'match' | 'no_match';
  phone: string;
  email?: string | null;
}

type ActivationKind = 'create' | 'upgrade' | 'recovery';

const phoneOrThrow = (input: string, field = 'phone'): string => {
  const p = normalisePhone(input);
  if (!p) throw new AppError('VALIDATION_FAILED', {}, [fieldError(field, 'phone', 'Số điện thoại di động Việt Nam gồm 10 chữ số, bắt đầu bằng 0 (hoặc +84).', 'A Vietnamese mobile number: 10 digits starting with 0 (or +84).')]);
  return p;
};

const reasonOrThrow = (s: string | undefined): string => {
  const r = nfc(s ?? '');
  if (!r) throw new AppError('EID_REASON_REQUIRED', {}, [fieldError('reason', 'required', 'Bắt buộc phải có.', 'Is required.')]);
  return r;
};

const anonymous = (action: string, at: Date, idNumber: string, meta: PublicMeta, details: Record<string, unknown>, fields: string[] = []): AuditEntry => ({
  at, actorKind: 'citizen', actorId: 'anonymous', action, subjectKind: 'person', subjectId: idNumber, fields, requestId: meta.requestId ?? null, details: { ip: meta.ip, ...details },
});

export class EnrolmentService {
  private readonly perIp: WindowLimiter;

  constructor(
    private readonly db: Kysely<any>,
    private readonly clock: Clock,
    private readonly audit: AuditWriter,
    private readonly sender: OtpSender,
    private readonly accounts: AccountService,
    private readonly registry: RegistryService,
    private readonly verifyChip: ChipVerifier,
    private readonly notices: NoticeWorker,
    private readonly settings: EnrolmentSettings = DEFAULT_ENROLMENT_SETTINGS,
  ) {
    this.perIp = new WindowLimiter(settings.publicPerIpPerHour, 3_600_000, () => clock.now().getTime());
  }

  private codeTtlMs(): number {
    return this.settings.codeTtlMinutes * 60_000;
  }

  /** Runs a code check and the work it unlocks in one transaction; a wrong code is committed as counted, then thrown. */
  private async withCode<T>(flowId: string, purpose: CodeRow['purpose'], code: string, work: (trx: Transaction<any>, row: CodeRow) => Promise<T>): Promise<T> {
    const now = this.clock.now();
    const out = await this.db.transaction().execute(async (trx) => {
      const c = await checkCode(trx, flowId, purpose, code, now);
      if (!c.ok) return { ok: false as const, error: c.error };
      return { ok: true as const, value: await work(trx, c.row) };
    });
    if (!out.ok) throw out.error;
    return out.value;
  }

  // ---- level 1: self-service registration -------------------------------------------------------

  /**
   * Starts a level-1 registration. The stated ID number, full name and birth date (and card issue
   * date, when given) must match a living person in the registry, or the answer is one error that
   * does not say which part failed (nor whether the ID number exists). When they match, the answer
   * is the same whether or not the person already has an account: without one, a code goes to the
   * phone given; with one, the code row is a decoy and the account's own phone gets a notice.
   */
  async startRegistration(input: { idNumber: string; fullName: string; birthDate: string; cardIssueDate?: string; phone: string; email?: string | null }, meta: PublicMeta): Promise<FlowStarted> {
    this.perIp.hit(meta.ip);
    const phone = phoneOrThrow(input.phone);
    const now = this.clock.now();
    const facts = await identityFacts(this.db, input.idNumber);
    let matched = !!facts && facts.status === 'living' && statedIdentityMatches(facts, input);
    if (matched && input.cardIssueDate) {
      const today = vnCalendarDate(now);
      const iso = `${today.year}-${String(today.month).padStart(2, '0')}-${String(today.day).padStart(2, '0')}`;
      matched = (await cardStatusesIssuedOn(this.db, input.idNumber, input.cardIssueDate, iso)).includes('valid');
    }
    const fields = ['fullName', 'birthDate', ...(input.cardIssueDate ? ['card.issueDate'] : [])];
    if (!matched || !facts) {
      await this.audit.append(anonymous('eid.registration.checked', now, input.idNumber, meta, { outcome: 'mismatch' }, fields));
      throw new AppError('EID_REGISTRY_MISMATCH');
    }
    if (ageToday(facts, now) < SELF_REGISTRATION_AGE) {
      await this.audit.append(anonymous('eid.registration.checked', now, input.idNumber, meta, { outcome: 'under_age' }, fields));
      throw new AppError('EID_UNDER_AGE', { age: SELF_REGISTRATION_AGE });
    }
    const { issued, existing, notice } = await this.db.transaction().execute(async (trx) => {
      await checkCodeQuota(trx, input.idNumber, 'register', now, this.settings.codeLimits);
      const existing = await store.openAccount(trx, input.idNumber);
      const issued = await issueCode(trx, {
        purpose: 'register', accountId: null, idNumber: input.idNumber, phone, decoy: !!existing, ttlMs: this.codeTtlMs(), now, ip: meta.ip, retire: 'same_phone',
        payload: { email: input.email ?? null },
      });
      await recordEffects(trx, { events: [], audit: [anonymous('eid.registration.checked', now, input.idNumber, meta, { outcome: existing ? 'account_exists' : 'code_sent' }, fields)] });
      const notice = existing ? await queueNotice(trx, { kind: 'registration_with_existing_account', accountId: existing.id, to: { phone: existing.phone }, text: NOTICE.registrationWithExistingAccount() }, now) : null;
      return { issued, existing, notice };
    });
    // Either way one text goes to a gateway before the answer, so its timing does not tell whether an account exists.
    if (!existing) await this.sender.send({ to: { phone }, purpose: 'register', text: codeText('register', issued.code, issued.expiresAt) });
    else if (notice) await this.notices.deliverNow([notice]);
    return { flowId: issued.id, expiresAt: issued.expiresAt.toISOString(), sentTo: maskPhone(phone) };
  }

  /** Completes a registration: the code and a password; the account is active at level 1. */
  async confirmRegistration(flowId: string, input: { code: string; password: string }, meta: PublicMeta): Promise<AccountSummary> {
    this.perIp.hit(meta.ip);
    const pending = await store.code(this.db, flowId);
    if (!pending || pending.purpose !== 'register') throw new AppError('EID_CODE_EXPIRED', {}, [fieldError('code', 'code', 'Mã xác thực.', 'The code.')]);
    await this.accounts.assertStrongPassword(input.password, pending.id_number);
    const hash = await hashPassword(input.password);
    return this.withCode(flowId, 'register', input.code, async (trx, row) => {
      const now = this.clock.now();
      if (await store.openAccount(trx, row.id_number, { forUpdate: true })) throw new AppError('EID_ACCOUNT_EXISTS', { idNumber: row.id_number });
      const facts = await identityFacts(trx, row.id_number);
      const a = await store.insertAccount(trx, {
        id_number: row.id_number, level: 1, status: 'active', status_changed_at: now, status_changed_by: 'self', status_reason: 'registered',
        phone: row.phone, phone_verified_at: now, email: (row.payload.email as string | null) ?? null, password_hash: hash, password_changed_at: now,
        activated_at: now, created_at: now, updated_at: now, synthetic: facts?.synthetic ?? false,
      });
      await recordEffects(trx, { events: [], audit: [{ at: now, actorKind: 'citizen', actorId: a.id, action: 'eid.account.registered', subjectKind: 'person', subjectId: a.id_number, requestId: meta.requestId ?? null, details: { accountId: a.id, level: 1, ip: meta.ip } }] });
      return summaryOf(a, now);
    });
  }

  // ---- a parent opens a child's account ---------------------------------------------------------

  /**
   * A parent with a level-2 account opens a level-1 account for their child under 14 (Decree
   * 69/2024: under 14 a parent registers the child). Parenthood is the registry's father/mother link.
   * The child's codes go to the parent's phone.
   */
  async registerChild(p: CitizenPrincipal, input: { childIdNumber: string; password: string }, requestId?: string): Promise<AccountSummary> {
    const now = this.clock.now();
    const parent = await store.account(this.db, p.accountId);
    if (!parent || parent.status === 'closed') throw new AppError('EID_SESSION_ENDED');
    if (Number(parent.level) !== 2) throw new AppError('EID_LEVEL2_REQUIRED');
    const child = await identityFacts(this.db, input.childIdNumber);
    if (!child || (child.fatherId !== parent.id_number && child.motherId !== parent.id_number)) throw new AppError('EID_NOT_GUARDIAN', { idNumber: input.childIdNumber }, [fieldError('childIdNumber', 'not_a_child', 'Không phải con của bạn theo Cơ sở dữ liệu dân cư.', 'Not your child according to the population database.')]);
    if (child.status !== 'living') throw new AppError('EID_PERSON_NOT_ELIGIBLE', { status: child.status });
    if (ageToday(child, now) >= SELF_REGISTRATION_AGE) throw new AppError('EID_CHILD_TOO_OLD', { age: SELF_REGISTRATION_AGE });
    await this.accounts.assertStrongPassword(input.password, child.idNumber);
    const hash = await hashPassword(input.password);
    const a = await this.db.transaction().execute(async (trx) => {
      if (await store.openAccount(trx, child.idNumber, { forUpdate: true })) throw new AppError('EID_ACCOUNT_EXISTS', { idNumber: child.idNumber });
      const a = await store.insertAccount(trx, {
        id_number: child.idNumber, level: 1, status: 'active', status_changed_at: now, status_changed_by: `citizen:${parent.id}`, status_reason: 'opened_by_guardian',
        phone: parent.phone, phone_verified_at: parent.phone_verified_at, password_hash: hash, password_changed_at: now, guardian_account_id: parent.id,
        activated_at: now, created_at: now, updated_at: now, synthetic: child.synthetic,
      });
      await recordEffects(trx, { events: [], audit: [{ at: now, actorKind: 'citizen', actorId: parent.id, action: 'eid.account.opened_for_child', subjectKind: 'person', subjectId: child.idNumber, requestId: requestId ?? null, details: { accountId: a.id, guardianIdNumber: parent.id_number, relation: child.fatherId === parent.id_number ? 'father' : 'mother' } }] });
      await queueNotice(trx, { kind: 'child_account_opened', accountId: parent.id, to: { phone: parent.phone }, text: NOTICE.childAccountOpened(child.idNumber) }, now);
      return a;
    });
    return summaryOf(a, now);
  }

  // ---- level 2 at the counter -------------------------------------------------------------------

  /**
   * An officer (card_officer, the person within their jurisdiction) verifies a citizen in person:
   * passive authentication of the chip the citizen presents (every check must pass, including the
   * card's status), the chip must be this person's, and the officer records that the face matches.
   * `enrolment` creates a level-2 account pending activation, or upgrades a level-1 account;
   * `recovery` puts an existing level-2 account back to pending activation (its sessions end). Either
   * way an activation code goes to the phone given, valid `activationTtlHours`. Refusals are
   * recorded and audited too.
   */
  async atCounter(actor: OfficerActor, requestId: string, purpose: 'enrolment' | 'recovery', input: CounterInput) {
    assertRole(actor, OFFICER_ROLES);
    const phone = phoneOrThrow(input.phone);
    // Any police office may enrol (Decree 69/2024): the citizen is present with the chip card and
    // their face, so the officer's jurisdiction does not limit this (unlike reading a record).
    const facts = await identityFacts(this.db, input.idNumber);
    if (!facts) throw new AppError('REGISTRY_PERSON_NOT_FOUND', { idNumber: input.idNumber });
    const now = this.clock.now();
    if (facts.status !== 'living') throw new AppError('EID_PERSON_NOT_ELIGIBLE', { status: facts.status });
    if (ageToday(facts, now) < LEVEL2_MIN_AGE) throw new AppError('EID_UNDER_AGE', { age: LEVEL2_MIN_AGE });

    const report = await this.verifyChip({ sod: input.chip.sod, dataGroups: input.chip.dataGroups, at: now });
    const failures = [...report.failures];
    let chipIdNumber: string | null = null;
    try {
      const dg1 = input.chip.dataGroups.get(1);
      const mrz = dg1 ? parseVnMrz(decodeDg1(dg1)) : null;
      chipIdNumber = mrz?.ok ? mrz.value.idNumber : null;
    } catch {
      chipIdNumber = null;
    }
    if (chipIdNumber !== input.idNumber) failures.push(chipIdNumber ? 'chip_of_another_person' : 'dg1_unreadable');
    const base = {
      id_number: input.idNumber, purpose, officer_id: actor.id, office_province_code: actor.jurisdiction.provinceCode, office_commune_code: actor.jurisdiction.communeCode,
      at: now, chip_ok: report.ok && failures.length === 0, chip_failures: failures, chip_checks: report.checks,
      sod_sha256: createHash('sha256').update(input.chip.sod).digest(), face_match: input.faceMatch, request_id: requestId,
    };
    const how = { chip: failures.length ? 'fail' : 'pass', chipFailures: failures, faceMatch: input.faceMatch, office: { provinceCode: actor.jurisdiction.provinceCode, communeCode: actor.jurisdiction.communeCode } };
    if (failures.length || input.faceMatch !== 'match') {
      const refusal = failures.length ? 'chip' : 'face';
      await this.db.transaction().execute(async (trx) => {
        const v = await store.insertVerification(trx, { ...base, account_id: null, result: 'refused', refusal });
        await recordEffects(trx, { events: [], audit: [{ at: now, actorKind: 'officer', actorId: actor.id, action: 'eid.level2.refused', subjectKind: 'person', subjectId: input.idNumber, fields: ['chip', 'face'], purpose, requestId, details: { verificationId: v.id, ...how } }] });
      });
      if (failures.length) throw new AppError('EID_CHIP_REJECTED', { failures: failures.join(', ') }, [fieldError('chip', failures[0]!, `Kiểm tra không đạt: ${failures.join(', ')}.`, `Failed checks: ${failures.join(', ')}.`)]);
      throw new AppError('EID_FACE_NOT_MATCHED', {}, [fieldError('faceMatch', 'no_match', 'Khuôn mặt không khớp.', 'The face does not match.')]);
    }

    const out = await this.db.transaction().execute(async (trx) => {
      let a = await store.openAccount(trx, input.idNumber, { forUpdate: true });
      let kind: ActivationKind;
      if (purpose === 'recovery') {
        if (!a || Number(a.level) !== 2) throw new AppError('EID_NO_LEVEL2_ACCOUNT', { idNumber: input.idNumber });
        if (a.status === 'suspended') throw new AppError('EID_STATUS_CHANGE_NOT_ALLOWED', { action: 'recover', status: a.status });
        kind = 'recovery';
        a = await store.updateAccount(trx, a.id, { status: 'pending_activation', status_reason: 'recovery', status_changed_at: now, status_changed_by: `officer:${actor.id}`, failed_attempts: 0, locked_until: null }, now);
        await store.revokeSessions(trx, a.id, now, 'recovery');
      } else if (!a) {
        kind = 'create';
        a = await store.insertAccount(trx, {
          id_number: input.idNumber, level: 2, status: 'pending_activation', status_changed_at: now, status_changed_by: `officer:${actor.id}`, status_reason: 'level2_at_counter',
          phone, email: input.email ?? null, created_at: now, updated_at: now, synthetic: facts.synthetic,
        });
      } else if (a.status === 'pending_activation' && Number(a.level) === 2 && a.password_hash === null) {
        kind = 'create';
        a = await store.updateAccount(trx, a.id, { phone, email: input.email ?? a.email }, now);
      } else if (Number(a.level) === 2) {
        throw new AppError('EID_ALREADY_LEVEL2', { idNumber: input.idNumber });
      } else if (a.status === 'suspended' || a.status === 'pending_activation') {
        throw new AppError('EID_STATUS_CHANGE_NOT_ALLOWED', { action: 'upgrade', status: a.status });
      } else kind = 'upgrade';
      const v = await store.insertVerification(trx, { ...base, account_id: a.id, result: 'accepted', refusal: null });
      const code = await issueCode(trx, { purpose: 'activate', accountId: a.id, idNumber: a.id_number, phone, ttlMs: this.settings.activationTtlHours * 3_600_000, now, retire: 'all', payload: { kind, verificationId: v.id, email: input.email ?? null } });
      await recordEffects(trx, { events: [], audit: [{ at: now, actorKind: 'officer', actorId: actor.id, action: purpose === 'recovery' ? 'eid.level2.recovery_started' : 'eid.level2.verified', subjectKind: 'person', subjectId: a.id_number, fields: ['chip', 'face'], purpose, requestId, details: { accountId: a.id, verificationId: v.id, activation: kind, ...how } }] });
      return { a, v, code, kind };
    });
    await this.sender.send({ to: { phone }, purpose: 'activate', text: codeText('activate', out.code.code, out.code.expiresAt) });
    return {
      account: summaryOf(out.a, now),
      activation: { kind: out.kind, expiresAt: out.code.expiresAt.toISOString(), sentTo: maskPhone(phone) },
      verification: { id: out.v.id, at: out.v.at.toISOString(), chip: 'pass' as const, faceMatch: 'match' as const },
    };
  }

  /**
   * The citizen activates with the code from the counter: a new or recovered account gets its
   * password and becomes active at level 2; an upgraded account becomes level 2 (the password is
   * kept unless a new one is given). The phone given at the counter becomes the verified phone.
   */
  async activate(input: { idNumber: string; code: string; password?: string }, meta: PublicMeta): Promise<AccountSummary> {
    this.perIp.hit(meta.ip);
    const pending = /^\d{12}$/.test(input.idNumber) ? await store.latestOpenCode(this.db, input.idNumber, 'activate') : undefined;
    if (!pending || !pending.account_id) throw new AppError('EID_CODE_EXPIRED', {}, [fieldError('code', 'code', 'Mã kích hoạt.', 'The activation code.')]);
    const kind = pending.payload.kind as ActivationKind;
    const before = await store.account(this.db, pending.account_id);
    const needsPassword = kind !== 'upgrade' || !before?.password_hash;
    if (needsPassword && !input.password) throw new AppError('VALIDATION_FAILED', {}, [fieldError('password', 'required', 'Cần đặt mật khẩu.', 'A password must be set.')]);
    if (input.password) await this.accounts.assertStrongPassword(input.password, input.idNumber);
    const hash = input.password ? await hashPassword(input.password) : null;
    const result = await this.withCode(pending.id, 'activate', input.code, async (trx, row) => {
      const now = this.clock.now();
      const a = await store.account(trx, row.account_id!, { forUpdate: true });
      if (!a || a.status === 'closed' || a.status === 'suspended') throw new AppError('EID_STATUS_CHANGE_NOT_ALLOWED', { action: 'activate', status: a?.status ?? 'closed' });
      const patch: Partial<AccountRow> = { level: 2, phone: row.phone, phone_verified_at: now, failed_attempts: 0, locked_until: null, email: (row.payload.email as string | null) ?? a.email };
      if (hash) Object.assign(patch, { password_hash: hash, password_changed_at: now });
      if (a.status !== 'active') Object.assign(patch, { status: 'active', status_reason: kind === 'recovery' ? 'recovered' : 'activated', status_changed_at: now, status_changed_by: 'self' });
      if (!a.activated_at) patch.activated_at = now;
      const updated = await store.updateAccount(trx, a.id, patch, now);
      if (hash && kind !== 'create') await store.revokeSessions(trx, a.id, now, 'password_reset');
      await recordEffects(trx, { events: [], audit: [{ at: now, actorKind: 'citizen', actorId: a.id, action: kind === 'upgrade' ? 'eid.account.upgraded' : kind === 'recovery' ? 'eid.account.recovered' : 'eid.account.activated', subjectKind: 'person', subjectId: a.id_number, requestId: meta.requestId ?? null, details: { accountId: a.id, level: 2, verificationId: row.payload.verificationId ?? null, ip: meta.ip } }] });
      return summaryOf(updated, now);
    });
    return result;
  }

  // ---- self-service unlock and password reset ----------------------------------------------------

  /** Unlock: a code to the registered phone when the ID number's account is locked and the phone is the one on file. */
  async startUnlock(input: { idNumber: string; phone: string }, meta: PublicMeta): Promise<FlowStarted> {
    this.perIp.hit(meta.ip);
    const phone = phoneOrThrow(input.phone);
    const now = this.clock.now();
    const issued = await this.db.transaction().execute(async (trx) => {
      await checkCodeQuota(trx, input.idNumber, 'unlock', now, this.settings.codeLimits);
      const a = await store.openAccount(trx, input.idNumber);
      const genuine = !!a && a.phone === phone && !!a.locked_until && a.locked_until > now;
      const issued = await issueCode(trx, { purpose: 'unlock', accountId: genuine ? a!.id : null, idNumber: input.idNumber, phone, decoy: !genuine, ttlMs: this.codeTtlMs(), now, ip: meta.ip, retire: 'same_phone' });
      return { ...issued, genuine };
    });
    if (issued.genuine) await this.sender.send({ to: { phone }, purpose: 'unlock', text: codeText('unlock', issued.code, issued.expiresAt) });
    return { flowId: issued.id, expiresAt: issued.expiresAt.toISOString(), sentTo: maskPhone(phone) };
  }

  async confirmUnlock(flowId: string, input: { code: string }, meta: PublicMeta): Promise<{ unlocked: true }> {
    this.perIp.hit(meta.ip);
    return this.withCode(flowId, 'unlock', input.code, async (trx, row) => {
      const now = this.clock.now();
      const a = await store.account(trx, row.account_id!, { forUpdate: true });
      if (a && a.status !== 'closed') {
        await store.updateAccount(trx, a.id, { failed_attempts: 0, locked_until: null, ...(a.status === 'locked' ? { status: 'active', status_reason: 'unlocked_by_citizen', status_changed_at: now, status_changed_by: 'self' } : {}) }, now);
        await recordEffects(trx, { events: [], audit: [{ at: now, actorKind: 'citizen', actorId: a.id, action: 'eid.account.unlocked', subjectKind: 'person', subjectId: a.id_number, requestId: meta.requestId ?? null, details: { accountId: a.id, ip: meta.ip } }] });
      }
      return { unlocked: true as const };
    });
  }

  /**
   * Password reset for level-1 accounts: the registry data (ID number, name, birth date) and the
   * registered phone. A level-2 account is never reset online: when everything matches, the answer
   * says so (visit a police office) and the phone gets a notice. Otherwise the answer is uniform.
   */
  async startPasswordReset(input: { idNumber: string; fullName: string; birthDate: string; phone: string }, meta: PublicMeta): Promise<FlowStarted> {
    this.perIp.hit(meta.ip);
    const phone = phoneOrThrow(input.phone);
    const now = this.clock.now();
    const facts = await identityFacts(this.db, input.idNumber);
    const matched = !!facts && facts.status === 'living' && statedIdentityMatches(facts, input);
    const out = await this.db.transaction().execute(async (trx) => {
      await checkCodeQuota(trx, input.idNumber, 'reset_password', now, this.settings.codeLimits);
      const a = matched ? await store.openAccount(trx, input.idNumber) : undefined;
      const owner = !!a && a.phone === phone && (a.status === 'active' || a.status === 'locked');
      const level2 = owner && Number(a!.level) === 2;
      const genuine = owner && !level2;
      const issued = await issueCode(trx, { purpose: 'reset_password', accountId: genuine ? a!.id : null, idNumber: input.idNumber, phone, decoy: !genuine, ttlMs: this.codeTtlMs(), now, ip: meta.ip, retire: 'same_phone' });
      await recordEffects(trx, { events: [], audit: [anonymous('eid.password_reset.requested', now, input.idNumber, meta, { outcome: level2 ? 'level2_refused' : genuine ? 'code_sent' : 'no_match' }, ['fullName', 'birthDate'])] });
      if (level2) await queueNotice(trx, { kind: 'level2_reset_refused', accountId: a!.id, to: { phone }, text: NOTICE.level2ResetRefused() }, now);
      return { issued, genuine, level2 };
    });
    if (out.level2) throw new AppError('EID_LEVEL2_RESET_AT_COUNTER');
    if (out.genuine) await this.sender.send({ to: { phone }, purpose: 'reset_password', text: codeText('reset_password', out.issued.code, out.issued.expiresAt) });
    return { flowId: out.issued.id, expiresAt: out.issued.expiresAt.toISOString(), sentTo: maskPhone(phone) };
  }

  /** Sets the new password, clears a lock and ends every session. */
  async confirmPasswordReset(flowId: string, input: { code: string; password: string }, meta: PublicMeta): Promise<{ reset: true }> {
    this.perIp.hit(meta.ip);
    const pending = await store.code(this.db, flowId);
    if (!pending || pending.purpose !== 'reset_password') throw new AppError('EID_CODE_EXPIRED', {}, [fieldError('code', 'code', 'Mã xác thực.', 'The code.')]);
    await this.accounts.assertStrongPassword(input.password, pending.id_number);
    const hash = await hashPassword(input.password);
    return this.withCode(flowId, 'reset_password', input.code, async (trx, row) => {
      const now = this.clock.now();
      const a = await store.account(trx, row.account_id!, { forUpdate: true });
      if (!a || (a.status !== 'active' && a.status !== 'locked') || Number(a.level) !== 1) throw new AppError('EID_CODE_EXPIRED');
      await store.updateAccount(trx, a.id, { password_hash: hash, password_changed_at: now, failed_attempts: 0, locked_until: null, ...(a.status === 'locked' ? { status: 'active', status_reason: 'password_reset', status_changed_at: now, status_changed_by: 'self' } : {}) }, now);
      const revoked = await store.revokeSessions(trx, a.id, now, 'password_reset');
      await recordEffects(trx, { events: [], audit: [{ at: now, actorKind: 'citizen', actorId: a.id, action: 'eid.password.reset', subjectKind: 'person', subjectId: a.id_number, requestId: meta.requestId ?? null, details: { accountId: a.id, sessionsRevoked: revoked, ip: meta.ip } }] });
      await queueNotice(trx, { kind: 'password_changed', accountId: a.id, to: { phone: a.phone }, text: NOTICE.passwordChanged(now) }, now);
      return { reset: true as const };
    });
  }

  // ---- officers: status and view -----------------------------------------------------------------

  /** An officer's view of a person's account (roles supervisor or card_officer, within jurisdiction; audited). */
  async officerView(actor: OfficerActor, idNumber: string, requestId: string) {
    assertRole(actor, STATUS_ROLES);
    await this.registry.readFull(actor, idNumber);
    const now = this.clock.now();
    const a = await store.latestAccount(this.db, idNumber);
    if (!a) throw new AppError('EID_ACCOUNT_NOT_FOUND', { idNumber });
    const verifications = await store.verifications(this.db, idNumber);
    await this.audit.append({ at: now, actorKind: 'officer', actorId: actor.id, action: 'eid.account.read', subjectKind: 'person', subjectId: idNumber, fields: ['eid'], requestId });
    return {
      ...summaryOf(a, now),
      statusReason: a.status_reason, statusChangedAt: a.status_changed_at.toISOString(), lockedUntil: a.locked_until && a.locked_until > now ? a.locked_until.toISOString() : null,
      openedByGuardian: a.guardian_account_id !== null, totpEnabled: a.totp_enabled_at !== null,
      verifications: verifications.map((v) => ({ id: v.id, purpose: v.purpose, result: v.result, refusal: v.refusal, officerId: v.officer_id, office: { provinceCode: v.office_province_code, communeCode: v.office_commune_code }, at: v.at.toISOString(), chipOk: v.chip_ok, chipFailures: v.chip_failures, faceMatch: v.face_match })),
    };
  }

  /** Suspends (sessions end, `identity.account.suspended` is published) or reactivates an account, with a reason; audited. */
  async setSuspended(actor: OfficerActor, idNumber: string, suspend: boolean, input: { reason: string }, requestId: string): Promise<AccountSummary> {
    assertRole(actor, STATUS_ROLES);
    const reason = reasonOrThrow(input.reason);
    await this.registry.readFull(actor, idNumber);
    const now = this.clock.now();
    const a = await this.db.transaction().execute(async (trx) => {
      const a = await store.openAccount(trx, idNumber, { forUpdate: true });
      if (!a) throw new AppError('EID_ACCOUNT_NOT_FOUND', { idNumber });
      const status = effectiveStatus(a, now);
      const action = suspend ? 'suspend' : 'reactivate';
      if (suspend ? status === 'suspended' : status !== 'suspended') throw new AppError('EID_STATUS_CHANGE_NOT_ALLOWED', { action, status });
      // Reactivated: active again, or back to pending when it never had a password.
      const to = suspend ? 'suspended' : a.password_hash ? 'active' : 'pending_activation';
      const updated = await store.updateAccount(trx, a.id, { status: to, status_reason: reason, status_changed_at: now, status_changed_by: `officer:${actor.id}`, failed_attempts: 0, locked_until: null }, now);
      const revoked = suspend ? await store.revokeSessions(trx, a.id, now, 'suspended') : 0;
      await recordEffects(trx, {
        events: suspend ? [{ topic: IDENTITY_TOPIC.suspended, key: a.id_number, payload: { accountId: a.id, idNumber: a.id_number, reason, at: now.toISOString() } }] : [],
        audit: [{ at: now, actorKind: 'officer', actorId: actor.id, action: `eid.account.${suspend ? 'suspended' : 'reactivated'}`, subjectKind: 'person', subjectId: a.id_number, fields: ['eid.status'], requestId, details: { accountId: a.id, reason, sessionsRevoked: revoked } }],
      });
      await queueNotice(trx, { kind: suspend ? 'suspended' : 'reactivated', accountId: a.id, to: { phone: a.phone }, text: suspend ? NOTICE.suspended() : NOTICE.reactivated() }, now);
      return updated;
    });
    return summaryOf(a, now);
  }

  // ---- missing -----------------------------------------------------------------------------------

  /**
   * A person declared missing cannot sign in while the declaration stands: an open, unsuspended
   * account is suspended by the system (sessions end, `identity.account.suspended`). Nothing when
   * there is no such account, so a redelivery changes nothing.
   */
  async suspendForMissing(trx: Transaction<any>, idNumber: string, eventId: unknown): Promise<boolean> {
    const a = await store.openAccount(trx, idNumber, { forUpdate: true });
    if (!a || a.status === 'suspended') return false;
    const now = this.clock.now();
    await store.updateAccount(trx, a.id, { status: 'suspended', status_reason: MISSING_REASON, status_changed_at: now, status_changed_by: MISSING_ACTOR, failed_attempts: 0, locked_until: null }, now);
    const revoked = await store.revokeSessions(trx, a.id, now, 'suspended');
    await recordEffects(trx, {
      events: [{ topic: IDENTITY_TOPIC.suspended, key: a.id_number, payload: { accountId: a.id, idNumber: a.id_number, reason: MISSING_REASON, at: now.toISOString() } }],
      audit: [{ at: now, actorKind: 'system', actorId: MISSING_CONSUMER_ID, action: 'eid.account.suspended', subjectKind: 'person', subjectId: a.id_number, fields: ['eid.status'], requestId: registryRequest(eventId), details: { accountId: a.id, reason: MISSING_REASON, sessionsRevoked: revoked } }],
    });
    return true;
  }

  /** The declaration revoked: an account this consumer suspended is active again (one an officer suspended stays so). */
  async reactivateAfterMissing(trx: Transaction<any>, idNumber: string, eventId: unknown): Promise<boolean> {
    const a = await store.openAccount(trx, idNumber, { forUpdate: true });
    if (!a || a.status !== 'suspended' || a.status_changed_by !== MISSING_ACTOR) return false;
    const now = this.clock.now();
    const to = a.password_hash ? 'active' : 'pending_activation';
    await store.updateAccount(trx, a.id, { status: to, status_reason: 'missing_revoked', status_changed_at: now, status_changed_by: MISSING_ACTOR }, now);
    await recordEffects(trx, { events: [], audit: [{ at: now, actorKind: 'system', actorId: MISSING_CONSUMER_ID, action: 'eid.account.reactivated', subjectKind: 'person', subjectId: a.id_number, fields: ['eid.status'], requestId: registryRequest(eventId), details: { accountId: a.id, reason: 'missing_revoked' } }] });
    return true;
  }

  // ---- death -------------------------------------------------------------------------------------

  /** Closes the account of a person who died and ends its sessions (nothing when there is none open: idempotent). */
  async closeForDeath(trx: Transaction<any>, idNumber: string, eventId: unknown): Promise<boolean> {
    const a = await store.openAccount(trx, idNumber, { forUpdate: true });
    if (!a) return false;
    await closeAccountIn(trx, a, 'deceased', { kind: 'system', id: 'identity.close-on-death', requestId: registryRequest(eventId) }, this.clock.now());
    return true;
  }
}
