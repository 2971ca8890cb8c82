/**
 * The partner console's server side: staff of member organisations (citizens signed in with eID,
 * linked to a member by an admin as manager or viewer) see their member's systems, keys, grants,
 * usage, bulk jobs and webhook deliveries, and managers replace keys, start and cancel bulk jobs.
 *
 * Every call first checks that the signed-in citizen is active staff of the member (a 403 naming
 * the member otherwise) and, for a change, a manager. The work itself is done by the exchange's
 * own services acting as the system (a `Caller` built from the system row), so a job started here
 * runs, counts against the quota and is audited exactly like one the system starts with its
 * access token; on top, each staff action writes its own audit entry naming the person.
 */
import type { Kysely } from 'kysely';
import type { JWK } from 'jose';
import type { AuditWriter } from '../../platform/audit/index.ts';
import type { OfficerActor } from '../../platform/auth/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import type { CitizenPrincipal } from '../../platform/http/guard.ts';
import { AppError } from '../../platform/http/errors.ts';
import { verificationFacts } from '../../registry/index.ts';
import { CATALOGUE, fieldLabel, purposeLabel, SERVICES, type ServiceCode } from '../catalogue.ts';
import type { NameMatching } from '../compare.ts';
import type { Caller } from '../entitlements.ts';
import { validatePublicJwks } from '../index.ts';
import { replaceSystemKeys } from '../system-keys.ts';
import { jobView, type JobView } from '../bulk/bulk.service.ts';
import { bulkStore, type JOB_SORTS, type JobRow, type JobStatus } from '../bulk/bulk.store.ts';
import { deliveryPage, type DELIVERY_SORTS } from '../delivery.list.ts';
import { pageOf, type PageRequest, type SortParam } from '../../platform/http/paging.ts';
import type { DeliveryRow } from '../events.service.ts';
import { exchangeStore, type GrantRow, type MemberRow, type SystemRow } from '../exchange.store.ts';
import type { ExchangeServices } from '../exchange.routes.ts';
import { today } from '../partner.service.ts';
import { vnDayStart } from '../quota.ts';
import { staffStore, type StaffRole, type StaffRow } from './staff.store.ts';
import './staff.errors.ts';
import '../exchange.errors.ts';

export interface ConsoleDeps {
  db: Kysely<any>;
  clock: Clock;
  audit: AuditWriter;
  x: ExchangeServices;
}

/** What a signed-in citizen may do at one member. */
export interface Access {
  citizen: CitizenPrincipal;
  member: MemberRow;
  role: StaffRole;
}

const DAY_MS = 86_400_000;
const FINISHED = new Set(['completed', 'cancelled', 'failed']);

export const staffView = (r: StaffRow) => ({
  idNumber: r.id_number, role: r.role, addedBy: r.added_by, addedAt: r.added_at.toISOString(),
  removedAt: r.removed_at?.toISOString() ?? null, removedBy: r.removed_by,
});

/** A personal ID number shown with only its first and last three digits. */
export function maskIdNumber(id: string): string {
  return id.length === 12 ? `${id.slice(0, 3)}******${id.slice(-3)}` : '************';
}

export function grantStatus(g: GrantRow, day: string): 'active' | 'expired' | 'not_yet_valid' | 'revoked' {
  if (g.revoked_at) return 'revoked';
  if (g.valid_until < day) return 'expired';
  if (g.valid_from > day) return 'not_yet_valid';
  return 'active';
}

function keySummary(k: JWK) {
  return { kid: k.kid ?? null, kty: k.kty ?? null, crv: k.crv ?? null, alg: k.alg ?? null, use: k.use ?? null };
}

export class PartnerConsoleService {
  constructor(private readonly d: ConsoleDeps) {}

  private get x() { return this.d.x; }

  private async audit(actor: { kind: 'citizen' | 'officer'; id: string }, action: string, subjectKind: string, subjectId: string, requestId: string | null, details: Record<string, unknown>): Promise<void> {
    await this.d.audit.append({ at: this.d.clock.now(), actorKind: actor.kind, actorId: actor.id, action, subjectKind, subjectId, requestId, details });
  }

  private staffAudit(a: Access, action: string, subjectKind: string, subjectId: string, requestId: string | null, details: Record<string, unknown> = {}): Promise<void> {
    return this.audit({ kind: 'citizen', id: a.citizen.accountId }, action, subjectKind, subjectId, requestId, { member: a.member.id, staffRole: a.role, via: 'partner_console', ...details });
  }

  // ---- admin: who is staff of a member -----------------------------------------------------------

  private async memberOrThrow(memberId: string): Promise<MemberRow> {
    const m = await exchangeStore.member(this.d.db, memberId);
    if (!m) throw new AppError('EXCHANGE_MEMBER_NOT_FOUND', { memberId });
    return m;
  }

  async staff(memberId: string, includeRemoved = false): Promise<StaffRow[]> {
    await this.memberOrThrow(memberId);
    return staffStore.ofMember(this.d.db, memberId, includeRemoved);
  }

  /** Adds a person as staff, or changes the role of one who is; `created` says which. */
  async addStaff(officer: OfficerActor, memberId: string, b: { idNumber: string; role: StaffRole }, requestId: string | null): Promise<{ row: StaffRow; created: boolean }> {
    const member = await this.memberOrThrow(memberId);
    const person = (await verificationFacts(this.d.db, [b.idNumber])).get(b.idNumber);
    if (!person) throw new AppError('PARTNER_STAFF_PERSON_UNKNOWN', { idNumber: b.idNumber }, [{ field: 'idNumber', code: 'unknown', message: { vi: 'Không có công dân mang số định danh này.', en: 'No person has this ID number.' } }]);
    const existing = await staffStore.active(this.d.db, memberId, b.idNumber);
    if (existing) {
      if (existing.role === b.role) return { row: existing, created: false };
      const row = await staffStore.setRole(this.d.db, existing.id, b.role);
      await this.audit(officer, 'exchange.staff.role', 'exchange_member', member.id, requestId, { idNumber: b.idNumber, role: b.role, was: existing.role });
      return { row, created: false };
    }
    const row = await staffStore.add(this.d.db, { member_id: memberId, id_number: b.idNumber, role: b.role, added_by: officer.id, added_at: this.d.clock.now() });
    if (!row) return this.addStaff(officer, memberId, b, requestId); // raced with another add: settle as a role change
    await this.audit(officer, 'exchange.staff.add', 'exchange_member', member.id, requestId, { idNumber: b.idNumber, role: b.role });
    return { row, created: true };
  }

  async removeStaff(officer: OfficerActor, memberId: string, idNumber: string, requestId: string | null): Promise<StaffRow> {
    const member = await this.memberOrThrow(memberId);
    const row = await staffStore.remove(this.d.db, memberId, idNumber, officer.id, this.d.clock.now());
    if (!row) throw new AppError('PARTNER_STAFF_NOT_FOUND', { idNumber, member: member.name });
    await this.audit(officer, 'exchange.staff.remove', 'exchange_member', member.id, requestId, { idNumber, role: row.role });
    return row;
  }

  // ---- the console: access --------------------------------------------------------------------

  /**
   * The signed-in citizen's access to a member: active staff (403 naming the member otherwise),
   * and a manager when `need` is 'manage' (a viewer changes nothing).
   */
  async access(citizen: CitizenPrincipal, memberId: string, need: 'read' | 'manage'): Promise<Access> {
    const [member, staff] = await Promise.all([exchangeStore.member(this.d.db, memberId), staffStore.active(this.d.db, memberId, citizen.idNumber)]);
    if (!member || !staff) throw new AppError('PARTNER_NOT_STAFF', { member: member?.name ?? memberId });
    if (need === 'manage' && staff.role !== 'manager') throw new AppError('PARTNER_VIEWER_READ_ONLY', { member: member.name });
    return { citizen, member, role: staff.role };
  }

  /** The members the citizen is staff of, with their role. */
  async organisations(citizen: CitizenPrincipal) {
    const rows = await staffStore.ofPerson(this.d.db, citizen.idNumber);
    const out = [];
    for (const r of rows) {
      const m = await exchangeStore.member(this.d.db, r.member_id);
      if (m) out.push({ id: m.id, name: m.name, kind: m.kind, code: m.code, status: m.status, role: r.role, since: r.added_at.toISOString() });
    }
    return out;
  }

  private systems(a: Access): Promise<SystemRow[]> { return exchangeStore.systems(this.d.db, a.member.id); }

  private async system(a: Access, systemId: string): Promise<SystemRow> {
    const s = await exchangeStore.system(this.d.db, systemId);
    if (!s || s.member_id !== a.member.id) throw new AppError('PARTNER_SYSTEM_NOT_OF_MEMBER', { member: a.member.name, systemId });
    return s;
  }

  /** The system as the exchange's services know a caller (what its access token would resolve to). */
  private caller(a: Access, s: SystemRow): Caller {
    return { kind: 'partner', clientId: s.client_id, systemId: s.id, memberId: a.member.id, scopes: ['exchange'], systemName: s.name, memberName: a.member.name, ratePerSecond: s.rate_per_second };
  }

  /** A change needs the member active and the system enabled. */
  private usable(a: Access, s: SystemRow): void {
    if (a.member.status !== 'active') throw new AppError('EXCHANGE_MEMBER_SUSPENDED', { member: a.member.name });
    if (s.status !== 'active') throw new AppError('PARTNER_SYSTEM_DISABLED', { system: s.name });
  }

  // ---- systems and keys -------------------------------------------------------------------------

  private async systemView(s: SystemRow, day: string) {
    const client = await this.x.oidc.clients.find(s.client_id);
    const keys = ((client?.metadata as { jwks?: { keys?: JWK[] } } | undefined)?.jwks?.keys ?? []);
    const grants = await exchangeStore.grantsOf(this.d.db, s.id);
    const bulkPurposes = [...new Set(grants.filter((g) => g.service === 'bulk_verification' && grantStatus(g, day) === 'active').flatMap((g) => g.purposes))];
    return {
      id: s.id, name: s.name, clientId: s.client_id, status: s.status, ratePerSecond: s.rate_per_second,
      createdAt: s.created_at.toISOString(), disabledAt: s.disabled_at?.toISOString() ?? null,
      keys: keys.map(keySummary), jwks: { keys },
      bulkPurposes: bulkPurposes.map((p) => ({ code: p, label: purposeLabel(p) })),
    };
  }

  async member(a: Access) {
    const day = today(this.d.clock);
    const systems = await this.systems(a);
    return {
      id: a.member.id, name: a.member.name, kind: a.member.kind, code: a.member.code, status: a.member.status, role: a.role,
      systems: await Promise.all(systems.map((s) => this.systemView(s, day))),
    };
  }

  /**
   * Replaces a system's public keys: checked by `validatePublicJwks` exactly as the admin route
   * checks them, then stored on the system's OAuth client and recorded in its key history, as the
   * admin's rotation does.
   */
  async replaceKeys(a: Access, systemId: string, jwks: { keys: JWK[] }, requestId: string | null) {
    const s = await this.system(a, systemId);
    this.usable(a, s);
    await validatePublicJwks(jwks);
    const saved = await replaceSystemKeys(this.d.db, this.x.oidc.clients, s, jwks, { kind: 'citizen', id: a.citizen.accountId }, this.d.clock.now());
    if (!saved) throw new AppError('EXCHANGE_SYSTEM_NOT_FOUND', { systemId });
    await this.staffAudit(a, 'exchange.system.keys', 'exchange_system', s.id, requestId, { keys: jwks.keys.map((k) => k.kid ?? null), added: saved.added, removed: saved.removed });
    return this.systemView(s, today(this.d.clock));
  }

  // ---- grants and usage -------------------------------------------------------------------------

  async grants(a: Access) {
    const day = today(this.d.clock);
    const systems = await this.systems(a);
    return {
      today: day,
      systems: await Promise.all(systems.map(async (s) => ({
        systemId: s.id, systemName: s.name, status: s.status,
        grants: (await exchangeStore.grantsOf(this.d.db, s.id)).map((g) => ({
          id: Number(g.id), service: g.service, serviceName: CATALOGUE[g.service as ServiceCode]?.name ?? { vi: g.service, en: g.service },
          fields: g.fields.map((f) => ({ field: f, label: fieldLabel(f) })), purposes: g.purposes.map((p) => ({ code: p, label: purposeLabel(p) })),
          basis: g.basis === 'provision' ? { kind: 'provision' as const, provision: g.provision } : { kind: 'consent' as const },
          validFrom: g.valid_from, validUntil: g.valid_until,
          quotaPerDay: g.quota_per_day === null ? null : Number(g.quota_per_day), defaultQuotaPerDay: CATALOGUE[g.service as ServiceCode]?.defaultQuotaPerDay ?? null,
          status: grantStatus(g, day), createdAt: g.created_at.toISOString(), revokedAt: g.revoked_at?.toISOString() ?? null,
        })),
      }))),
    };
  }

  /**
   * Usage per system and service per Vietnam calendar day for the last `days` days (quota units:
   * calls, rows for bulk verification; people touched; refusals), with today's use against the
   * daily quota of the grants in force.
   */
  async usage(a: Access, days: number) {
    await this.x.meter.flush();
    const now = this.d.clock.now().getTime();
    const todayStart = vnDayStart(now);
    const from = todayStart - (days - 1) * DAY_MS;
    const dayList = Array.from({ length: days }, (_, i) => new Date(from + i * DAY_MS + 7 * 3_600_000).toISOString().slice(0, 10));
    const day = today(this.d.clock);
    const systems = await this.systems(a);
    const rows = await staffStore.usageByDay(this.d.db, systems.map((s) => s.id), new Date(from));
    const out = [];
    for (const s of systems) {
      const grants = (await exchangeStore.grantsOf(this.d.db, s.id)).filter((g) => grantStatus(g, day) === 'active');
      const mine = rows.filter((r) => r.system_id === s.id);
      const services = SERVICES.filter((svc) => grants.some((g) => g.service === svc) || mine.some((r) => r.service === svc));
      const list = [];
      for (const svc of services) {
        const inForce = grants.filter((g) => g.service === svc);
        const quota = inForce.length ? Math.max(...inForce.map((g) => Number(g.quota_per_day ?? CATALOGUE[svc].defaultQuotaPerDay))) : null;
        const byDay = new Map(mine.filter((r) => r.service === svc).map((r) => [r.day, r]));
        list.push({
          service: svc, serviceName: CATALOGUE[svc].name, quotaPerDay: quota, usedToday: await this.x.meter.usedToday(s.id, svc),
          days: dayList.map((d) => { const r = byDay.get(d); return { day: d, calls: r?.calls ?? 0, people: r?.people ?? 0, refused: r?.refused ?? 0 }; }),
        });
      }
      out.push({ systemId: s.id, systemName: s.name, status: s.status, ratePerSecond: s.rate_per_second, services: list });
    }
    return { from: dayList[0]!, to: dayList[dayList.length - 1]!, days: dayList, systems: out };
  }

  // ---- bulk jobs ----------------------------------------------------------------------------------

  private view(a: Access, j: JobRow, names: Map<string, string>): JobView & { systemId: string; systemName: string } {
    const v = jobView(j);
    return { ...v, systemId: j.system_id, systemName: names.get(j.system_id) ?? j.system_id, result: { ...v.result, url: `/api/v1/partner/members/${a.member.id}/bulk-jobs/${j.id}/result` } };
  }

  /** A page of the jobs of the member's systems (or of one of them). */
  async jobs(a: Access, f: { status?: JobStatus; systemId?: string }, p: PageRequest<SortParam<(typeof JOB_SORTS)[number]>>) {
    const systems = f.systemId ? [await this.system(a, f.systemId)] : await this.systems(a);
    const names = new Map(systems.map((s) => [s.id, s.name]));
    const rows = await bulkStore.jobPage(this.d.db, systems.map((s) => s.id), f.status ? { status: f.status } : {}, p);
    return pageOf(rows, p, (j) => this.view(a, j, names));
  }

  private async ownJob(a: Access, jobId: string): Promise<{ job: JobRow; system: SystemRow }> {
    const rows = /^[0-9a-f-]{36}$/.test(jobId) ? await this.d.db.selectFrom('exchange.job').selectAll().where('id', '=', jobId).execute() as JobRow[] : [];
    const job = rows[0];
    const system = job ? await exchangeStore.system(this.d.db, job.system_id) : undefined;
    if (!job || !system || system.member_id !== a.member.id) throw new AppError('EXCHANGE_JOB_NOT_FOUND', { jobId });
    return { job, system };
  }

  async job(a: Access, jobId: string) {
    const { job, system } = await this.ownJob(a, jobId);
    return this.view(a, job, new Map([[system.id, system.name]]));
  }

  /**
   * Starts a bulk verification job for one of the member's systems from an uploaded file, through
   * the exchange's bulk service as that system (the grant, purpose, columns and quota are checked
   * there, the job is queued for the same runner and audited the same way). Refusals name the
   * form field they belong to (purpose or file).
   */
  async startJob(a: Access, systemId: string, q: { purpose: string; format: 'csv' | 'jsonl'; nameMatching: NameMatching; idempotencyKey?: string | undefined }, body: AsyncIterable<Buffer>, requestId: string | null) {
    let s: SystemRow;
    try {
      s = await this.system(a, systemId);
      this.usable(a, s);
    } catch (e) {
      for await (const _ of body) { /* discard the upload */ }
      throw e;
    }
    let created;
    try {
      created = await this.x.bulk.create(this.caller(a, s), q, body);
    } catch (e) {
      throw onField(e);
    }
    if (created.created) await this.staffAudit(a, 'exchange.staff.bulk_job.start', 'bulk_job', created.job.id, requestId, { system: s.id, purpose: q.purpose, bytes: created.job.input.bytes, rowsEstimated: created.job.rows.estimated });
    return { created: created.created, job: this.view(a, (await this.ownJob(a, created.job.id)).job, new Map([[s.id, s.name]])) };
  }

  async cancelJob(a: Access, jobId: string, requestId: string | null) {
    const { job, system } = await this.ownJob(a, jobId);
    await this.x.bulk.cancel(this.caller(a, system), job.id);
    await this.staffAudit(a, 'exchange.staff.bulk_job.cancel', 'bulk_job', job.id, requestId, { system: system.id });
    return this.view(a, (await this.ownJob(a, jobId)).job, new Map([[system.id, system.name]]));
  }

  /**
   * The result file through the exchange's bulk service (which audits the read as the system does
   * for its own download), plus an entry naming the person who downloaded it.
   */
  async result(a: Access, jobId: string, requestId: string | null) {
    const { job, system } = await this.ownJob(a, jobId);
    if (!FINISHED.has(job.status)) throw new AppError('EXCHANGE_JOB_NOT_FINISHED', { jobId, status: job.status });
    const r = await this.x.bulk.result(this.caller(a, system), job.id, requestId);
    await this.staffAudit(a, 'exchange.staff.bulk_job.result', 'bulk_job', job.id, requestId, { system: system.id, job: Number(job.no), bytes: Number(job.result_bytes), purpose: job.purpose, legalBasis: job.legal_basis });
    return r;
  }

  // ---- subscriptions and deliveries ------------------------------------------------------------

  async subscriptions(a: Access) {
    const systems = await this.systems(a);
    const out = [];
    for (const s of systems) for (const sub of await this.x.events.list(this.caller(a, s))) out.push({ ...sub, systemId: s.id, systemName: s.name });
    return out.sort((x, y) => y.createdAt.localeCompare(x.createdAt));
  }

  /** A page of the deliveries to the member's systems (or one of them); the person's ID number is masked. */
  async deliveries(a: Access, f: { status?: DeliveryRow['status']; systemId?: string }, p: PageRequest<SortParam<(typeof DELIVERY_SORTS)[number]>>) {
    const systems = f.systemId ? [await this.system(a, f.systemId)] : await this.systems(a);
    const names = new Map(systems.map((s) => [s.id, s.name]));
    const page = await deliveryPage(this.d.db, systems.map((s) => s.id), f.status ? { status: f.status } : {}, p);
    return { ...page, items: page.items.map((d) => ({ ...d, idNumber: maskIdNumber(d.idNumber), systemName: names.get(d.systemId) ?? d.systemId })) };
  }
}

/** The form field a refusal of a console upload belongs to. */
const FIELD_OF: Record<string, string> = {
  EXCHANGE_SERVICE_NOT_GRANTED: 'purpose', EXCHANGE_PURPOSE_NOT_GRANTED: 'purpose', EXCHANGE_GRANT_EXPIRED: 'purpose', EXCHANGE_GRANT_NOT_YET_VALID: 'purpose',
  EXCHANGE_FIELDS_NOT_GRANTED: 'file', EXCHANGE_JOB_INPUT_INVALID: 'file', EXCHANGE_QUOTA_EXCEEDED: 'file', UNSUPPORTED_MEDIA_TYPE: 'file',
};

function onField(e: unknown): unknown {
  if (!(e instanceof AppError)) return e;
  const field = FIELD_OF[e.code];
  if (!field) return e;
  return new AppError(e.code, e.params, [{ field, code: 'refused', message: { vi: e.message_('vi'), en: e.message_('en') } }], e.headers);
}
