/**
 * What an admin does: member organisations, their systems (each an OAuth client of the platform's
 * OpenID provider, authenticating with private_key_jwt), grants of catalogue services, and the
 * view of usage with anomalies (a system suddenly reading far more people than its usual).
 * Every change is audited; a change takes effect at once in this process and within the cache
 * time (5 s) in others.
 */
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { AuditWriter } from '../platform/audit/index.ts';
import type { OfficerActor } from '../platform/auth/actor.ts';
import type { Clock } from '../platform/clock.ts';
import { AppError } from '../platform/http/errors.ts';
import { nfc, getProvince2025, parsePartialDate, toIsoPartial, vnCalendarDate } from '../vn/index.ts';
import type { ClientStore } from '../identity/oidc/clients.ts';
import { CATALOGUE, PURPOSE_CODES, SERVICES, type ServiceCode } from './catalogue.ts';
import type { Directory } from './entitlements.ts';
import { exchangeStore, MEMBER_KINDS, type GRANT_SORTS, type GrantFilter, type GrantRow, type MEMBER_SORTS, type MemberFilter, type MemberKind, type MemberListRow, type MemberRow, type SYSTEM_SORTS, type SystemFilter, type SystemRow } from './exchange.store.ts';
import type { PageRequest, SortParam } from '../platform/http/paging.ts';
import { describeKeys, replaceSystemKeys, systemKeyStore, type KeyActor, type SystemKeyRow } from './system-keys.ts';
import './exchange.errors.ts';

export interface AdminDeps {
  db: Kysely<any>;
  clock: Clock;
  audit: AuditWriter;
  directory: Directory;
  clients: Pick<ClientStore, 'save' | 'setJwks' | 'forget' | 'disable' | 'find'>;
  forgetClientTokens: (clientId: string) => void;
  /** An officer's username and display name (null when there is no such officer). */
  officer: (id: string) => Promise<{ username: string; displayName: string } | null>;
}

/** The longest per-day usage series (Vietnam days, both ends included). */
export const MAX_USAGE_DAYS = 92;
/** The longest per-hour usage series. */
export const MAX_USAGE_HOURS = 72;
/** How many removed keys the system view lists. */
const MAX_REMOVED_KEYS = 20;

const byOfficer = (o: OfficerActor): KeyActor => ({ kind: 'officer', id: o.id });

const DAY_MS = 86_400_000;
const dayNo = (d: string) => Date.parse(`${d}T00:00:00Z`) / DAY_MS;
const dayOf = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
const vnDay = (at: Date) => toIsoPartial(vnCalendarDate(at));
const badRange = (field: string, vi: string, en: string) => new AppError('VALIDATION_FAILED', {}, [{ field, code: 'range', message: { vi, en } }]);
const HOUR_MS = 3_600_000;
const VN_OFFSET_MS = 7 * HOUR_MS;
/** An instant as Vietnam time, yyyy-mm-ddThh:mm+07:00. */
const vnHour = (ms: number) => `${new Date(ms + VN_OFFSET_MS).toISOString().slice(0, 16)}+07:00`;
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;
/** An ISO 8601 date and time (Vietnam time when it names no offset), checked to be a real one. */
function instant(raw: string, field: string): number {
  // An unencoded '+' of an offset arrives in a query string as a space.
  const text = raw.replace(/ (\d{2}:?\d{2})$/, '+$1');
  const m = ISO_TIME.exec(text);
  const [y, mo, d, h, mi, sec] = (m ?? []).slice(1, 7).map((x) => Number(x ?? 0));
  const real = m && new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, sec!)).toISOString().startsWith(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}`);
  const ms = real ? Date.parse(m[7] ? text : `${text}+07:00`) : NaN;
  if (!Number.isFinite(ms)) throw badRange(field, 'Không phải thời điểm hợp lệ (ISO 8601, ví dụ 2026-11-24T08:00+07:00).', 'Is not a valid time (ISO 8601, e.g. 2026-11-24T08:00+07:00).');
  return ms;
}
type Counts = { calls: number; people: number; refused: number };

export interface GrantInput {
  service: ServiceCode;
  fields: string[];
  purposes: string[];
  basis: { kind: 'provision'; provision: string } | { kind: 'consent' };
  validFrom: string;
  validUntil: string;
  quotaPerDay?: number;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
const DEFAULT_ALG: Record<string, string> = { 'EC:P-256': 'ES256', 'EC:P-384': 'ES384', 'OKP:Ed25519': 'EdDSA', RSA: 'PS256' };

/**
 * A system's keys: each must import with jose as a public signing key (no private members), and
 * carry a `kid` when there are several (rotation publishes old and new together).
 */
export async function validatePublicJwks(jwks: { keys: JWK[] }): Promise<void> {
  const bad = (reason: string) => new AppError('EXCHANGE_JWKS_INVALID', { reason }, [{ field: 'jwks', code: 'invalid', message: { vi: reason, en: reason } }]);
  if (!jwks || !Array.isArray(jwks.keys) || !jwks.keys.length) throw bad('jwks.keys must list at least one key');
  if (jwks.keys.length > 1 && jwks.keys.some((k) => !k.kid)) throw bad('every key needs a kid when there are several');
  for (const [i, k] of jwks.keys.entries()) {
    const priv = PRIVATE_MEMBERS.filter((m) => m in k);
    if (priv.length) throw bad(`key ${i} carries private members (${priv.join(', ')}): send the public key only`);
    if (k.use && k.use !== 'sig') throw bad(`key ${i} has use "${k.use}", expected "sig"`);
    const alg = k.alg ?? DEFAULT_ALG[k.kty === 'RSA' ? 'RSA' : `${k.kty}:${k.crv}`];
    if (!alg) throw bad(`key ${i}: unsupported key type ${k.kty}${k.crv ? ` ${k.crv}` : ''}`);
    let key: Awaited<ReturnType<typeof importJWK>>;
    try {
      key = await importJWK(k, alg);
    } catch (e) {
      throw bad(`key ${i} does not import: ${(e as Error).message}`);
    }
    if (key instanceof Uint8Array || (key as { type?: string }).type !== 'public') throw bad(`key ${i} is not a public key`);
  }
}

export class AdminService {
  constructor(private readonly d: AdminDeps, private readonly opts: { defaultRatePerSecond: number }) {}

  private async log(officer: OfficerActor, action: string, subjectKind: string, subjectId: string, requestId: string | null, details: Record<string, unknown> = {}): Promise<void> {
    await this.d.audit.append({ at: this.d.clock.now(), actorKind: 'officer', actorId: officer.id, action, subjectKind, subjectId, requestId, details });
  }

  async createMember(officer: OfficerActor, b: { name: string; kind: MemberKind; code?: string; provinceCode?: string; contact?: string }, requestId: string | null): Promise<MemberRow> {
    if (!MEMBER_KINDS.includes(b.kind)) throw new AppError('VALIDATION_FAILED');
    if (b.provinceCode && !getProvince2025(b.provinceCode)) throw new AppError('OFFICER_UNKNOWN_UNIT', { code: b.provinceCode });
    if (b.code && await exchangeStore.memberByCode(this.d.db, b.code)) throw new AppError('EXCHANGE_MEMBER_CODE_TAKEN', { code: b.code });
    const m = await exchangeStore.insertMember(this.d.db, { id: `m_${randomBytes(8).toString('hex')}`, name: nfc(b.name), kind: b.kind, code: b.code ?? null, province_code: b.provinceCode ?? null, contact: b.contact ? nfc(b.contact) : null, created_by: officer.id });
    await this.log(officer, 'exchange.member.create', 'exchange_member', m.id, requestId, { name: m.name, kind: m.kind });
    return m;
  }

  members(): Promise<MemberRow[]> { return exchangeStore.members(this.d.db); }

  memberPage(f: MemberFilter, p: PageRequest<SortParam<(typeof MEMBER_SORTS)[number]>>): Promise<MemberListRow[]> { return exchangeStore.memberPage(this.d.db, f, p); }

  async member(id: string): Promise<MemberRow & { systems: SystemRow[] }> {
    const m = await exchangeStore.member(this.d.db, id);
    if (!m) throw new AppError('EXCHANGE_MEMBER_NOT_FOUND', { memberId: id });
    return { ...m, systems: await exchangeStore.systems(this.d.db, id) };
  }

  /** Suspending a member stops every one of its systems at once (their next request is refused). */
  async setMemberStatus(officer: OfficerActor, id: string, status: MemberRow['status'], requestId: string | null, reason: string | null = null): Promise<MemberRow> {
    const m = await exchangeStore.setMemberStatus(this.d.db, id, status);
    if (!m) throw new AppError('EXCHANGE_MEMBER_NOT_FOUND', { memberId: id });
    for (const s of await exchangeStore.systems(this.d.db, id)) this.d.directory.forgetClient(s.client_id);
    await this.log(officer, `exchange.member.${status === 'active' ? 'reinstate' : 'suspend'}`, 'exchange_member', id, requestId, reason ? { reason } : {});
    return m;
  }

  /** Registers a system as an OAuth client (client credentials, private_key_jwt with its public keys). */
  async registerSystem(officer: OfficerActor, memberId: string, b: { name: string; jwks: { keys: JWK[] }; ratePerSecond?: number; clientId?: string }, requestId: string | null): Promise<SystemRow> {
    const member = await exchangeStore.member(this.d.db, memberId);
    if (!member) throw new AppError('EXCHANGE_MEMBER_NOT_FOUND', { memberId });
    await validatePublicJwks(b.jwks);
    const id = `s_${randomBytes(8).toString('hex')}`;
    const clientId = b.clientId ?? `x-${randomBytes(9).toString('base64url')}`;
    // Saving a client replaces one of the same id: never take over another application's client.
    if (b.clientId && await this.d.clients.find(b.clientId)) throw new AppError('EXCHANGE_CLIENT_ID_TAKEN', { clientId: b.clientId });
    await this.d.clients.save({ clientId, kind: 'partner_system', organisation: member.name, jwks: b.jwks, scopes: ['exchange'] }, officer.id, async () => validatePublicJwks(b.jwks));
    const keys = await describeKeys(b.jwks.keys);
    let s: SystemRow;
    try {
      s = await this.d.db.transaction().execute(async (trx) => {
        const row = await exchangeStore.insertSystem(trx, { id, member_id: memberId, name: nfc(b.name), client_id: clientId, rate_per_second: b.ratePerSecond ?? this.opts.defaultRatePerSecond, created_by: officer.id });
        await systemKeyStore.add(trx, id, keys, byOfficer(officer), this.d.clock.now());
        return row;
      });
    } catch (e) {
      await this.d.clients.disable(clientId);
      throw e;
    }
    this.d.directory.forgetClient(clientId);
    await this.log(officer, 'exchange.system.register', 'exchange_system', s.id, requestId, { member: memberId, clientId, keys: b.jwks.keys.map((k) => k.kid ?? null) });
    return s;
  }

  async system(id: string): Promise<SystemRow> {
    const s = await exchangeStore.system(this.d.db, id);
    if (!s) throw new AppError('EXCHANGE_SYSTEM_NOT_FOUND', { systemId: id });
    return s;
  }
  /** Who created a member or system: the officer's ID, username and display name (null names when unknown). */
  async creator(officerId: string): Promise<{ id: string; username: string | null; displayName: string | null }> {
    const o = await this.d.officer(officerId).catch(() => null);
    return { id: officerId, username: o?.username ?? null, displayName: o?.displayName ?? null };
  }
  /**
   * A system's public keys as its OpenID client holds them (kid, alg, thumbprint), each with when
   * and by whom it was added; and the keys removed, the latest removal first (at most 20).
   */
  async systemKeys(s: SystemRow) {
    const [c, history, removed] = await Promise.all([this.d.clients.find(s.client_id), systemKeyStore.current(this.d.db, s.id), systemKeyStore.removed(this.d.db, s.id, MAX_REMOVED_KEYS)]);
    const jwks = (c?.metadata as { jwks?: { keys?: JWK[] } } | undefined)?.jwks?.keys ?? [];
    const byThumbprint = new Map(history.map((h) => [h.thumbprint, h]));
    const people = new Map<string, ReturnType<AdminService['keyActor']>>();
    const who = (id: string | null, kind: KeyActor['kind'] | null) => {
      if (!id || !kind) return Promise.resolve(null);
      const k = `${kind}:${id}`;
      if (!people.has(k)) people.set(k, this.keyActor(id, kind));
      return people.get(k)!;
    };
    const keys = await Promise.all(jwks.map(async (k) => {
      const thumbprint = await calculateJwkThumbprint(k, 'sha256').catch(() => null);
      const h = thumbprint ? byThumbprint.get(thumbprint) : undefined;
      return { kid: k.kid ?? null, alg: k.alg ?? null, kty: k.kty ?? null, thumbprint, addedAt: h?.added_at.toISOString() ?? null, addedBy: h ? await who(h.added_by, h.added_by_kind) : null };
    }));
    const removedKeys = await Promise.all(removed.map(async (r: SystemKeyRow) => ({
      kid: r.kid, thumbprint: r.thumbprint, alg: r.alg,
      addedAt: r.added_at.toISOString(), addedBy: await who(r.added_by, r.added_by_kind),
      removedAt: r.removed_at!.toISOString(), removedBy: await who(r.removed_by, r.removed_by_kind),
    })));
    return { keys, removedKeys, keysUpdatedAt: c?.updated_at.toISOString() ?? null };
  }

  /** Who changed keys: an officer as `creator` names them, or a member's staff (a citizen account, not named here). */
  private async keyActor(id: string, kind: KeyActor['kind']): Promise<{ kind: 'officer' | 'partner_staff'; id: string; username: string | null; displayName: string | null }> {
    if (kind === 'citizen') return { kind: 'partner_staff', id, username: null, displayName: null };
    return { kind: 'officer', ...(await this.creator(id)) };
  }

  /**
   * Rotation without downtime: publish the old and the new key together, then the new one alone.
   * The key history records, in the same transaction, the keys added and removed.
   */
  async rotateKeys(officer: OfficerActor, systemId: string, jwks: { keys: JWK[] }, requestId: string | null): Promise<SystemRow> {
    const s = await this.system(systemId);
    await validatePublicJwks(jwks);
    const changed = await replaceSystemKeys(this.d.db, this.d.clients, s, jwks, byOfficer(officer), this.d.clock.now());
    if (!changed) throw new AppError('EXCHANGE_SYSTEM_NOT_FOUND', { systemId });
    await this.log(officer, 'exchange.system.keys', 'exchange_system', s.id, requestId, { keys: jwks.keys.map((k) => k.kid ?? null), added: changed.added, removed: changed.removed });
    return s;
  }

  async updateSystem(officer: OfficerActor, systemId: string, b: { ratePerSecond?: number; name?: string }, requestId: string | null): Promise<SystemRow> {
    await this.system(systemId);
    const s = (await exchangeStore.updateSystem(this.d.db, systemId, { ...(b.ratePerSecond ? { rate_per_second: b.ratePerSecond } : {}), ...(b.name ? { name: nfc(b.name) } : {}) }))!;
    this.d.directory.forgetClient(s.client_id);
    await this.log(officer, 'exchange.system.update', 'exchange_system', s.id, requestId, { ...b });
    return s;
  }

  /** Disables the system and its OAuth client: no new tokens, and tokens already issued stop working. */
  async disableSystem(officer: OfficerActor, systemId: string, requestId: string | null): Promise<SystemRow> {
    const s0 = await this.system(systemId);
    const s = (await exchangeStore.updateSystem(this.d.db, systemId, { status: 'disabled', disabled_at: this.d.clock.now() }))!;
    await this.d.clients.disable(s0.client_id);
    this.d.forgetClientTokens(s0.client_id);
    this.d.directory.forgetClient(s0.client_id);
    await this.log(officer, 'exchange.system.disable', 'exchange_system', s.id, requestId);
    return s;
  }

  systemPage(f: SystemFilter, p: PageRequest<SortParam<(typeof SYSTEM_SORTS)[number]>>): Promise<SystemRow[]> { return exchangeStore.systemPage(this.d.db, f, p); }

  /** Grants a system one service: its fields and purposes, on a provision or on consent, for a period. */
  async grant(officer: OfficerActor, systemId: string, g: GrantInput, requestId: string | null): Promise<GrantRow> {
    await this.system(systemId);
    const def = CATALOGUE[g.service];
    const bad = (reason: string, field: string) => new AppError('EXCHANGE_GRANT_INVALID', { reason }, [{ field, code: 'invalid', message: { vi: reason, en: reason } }]);
    if (!def) throw bad(`unknown service ${g.service}; one of ${SERVICES.join(', ')}`, 'service');
    const badFields = g.fields.filter((f) => !def.fields.includes(f));
    if (badFields.length) throw bad(`fields not offered by ${g.service}: ${badFields.join(', ')}`, 'fields');
    const badPurposes = g.purposes.filter((p) => !def.purposes.includes(p) || !PURPOSE_CODES.includes(p));
    if (badPurposes.length || !g.purposes.length) throw bad(`purposes not allowed for ${g.service}: ${badPurposes.join(', ') || '(none)'}`, 'purposes');
    if (!def.bases.includes(g.basis.kind)) throw bad(`${g.service} cannot rest on ${g.basis.kind}`, 'basis');
    if (parsePartialDate(g.validFrom)?.kind !== 'full' || parsePartialDate(g.validUntil)?.kind !== 'full' || g.validUntil < g.validFrom) throw bad('validFrom and validUntil must be dates, validUntil on or after validFrom', 'validUntil');
    const row = await exchangeStore.insertGrant(this.d.db, {
      system_id: systemId, service: g.service, fields: [...new Set(g.fields)], purposes: [...new Set(g.purposes)], basis: g.basis.kind,
      provision: g.basis.kind === 'provision' ? nfc(g.basis.provision) : null, valid_from: g.validFrom, valid_until: g.validUntil,
      quota_per_day: g.quotaPerDay ?? null, created_by: officer.id,
    });
    this.d.directory.forgetGrants(systemId);
    await this.log(officer, 'exchange.grant.create', 'exchange_system', systemId, requestId, { grant: row.id, service: row.service, fields: row.fields, purposes: row.purposes, basis: row.basis, provision: row.provision, validFrom: row.valid_from, validUntil: row.valid_until });
    return row;
  }

  async revokeGrant(officer: OfficerActor, grantId: number, requestId: string | null): Promise<GrantRow> {
    const row = await exchangeStore.revokeGrant(this.d.db, grantId, officer.id, this.d.clock.now());
    if (!row) {
      const g = await exchangeStore.grant(this.d.db, grantId);
      if (!g) throw new AppError('EXCHANGE_GRANT_NOT_FOUND', { grantId });
      return g;
    }
    this.d.directory.forgetGrants(row.system_id);
    await this.log(officer, 'exchange.grant.revoke', 'exchange_system', row.system_id, requestId, { grant: grantId });
    return row;
  }

  async grantPage(systemId: string, f: GrantFilter, p: PageRequest<SortParam<(typeof GRANT_SORTS)[number]>>): Promise<GrantRow[]> {
    await this.system(systemId);
    return exchangeStore.grantPage(this.d.db, systemId, f, p);
  }

  /** Calls, people touched and refusals per member, system and service in [from, to). */
  async usage(from: Date, to: Date) {
    const [rows, systems, members] = await Promise.all([exchangeStore.usage(this.d.db, from, to), exchangeStore.systems(this.d.db), exchangeStore.members(this.d.db)]);
    const sys = new Map(systems.map((s) => [s.id, s]));
    const mem = new Map(members.map((m) => [m.id, m]));
    const byMember = new Map<string, { memberId: string; memberName: string; calls: number; people: number; refused: number; systems: Array<{ systemId: string; systemName: string; service: string; calls: number; people: number; refused: number }> }>();
    for (const r of rows) {
      const s = sys.get(r.system_id);
      const m = s ? mem.get(s.member_id) : undefined;
      const key = m?.id ?? 'unknown';
      let e = byMember.get(key);
      if (!e) { e = { memberId: key, memberName: m?.name ?? key, calls: 0, people: 0, refused: 0, systems: [] }; byMember.set(key, e); }
      e.calls += Number(r.calls); e.people += Number(r.people); e.refused += Number(r.refused);
      e.systems.push({ systemId: r.system_id, systemName: s?.name ?? r.system_id, service: r.service, calls: Number(r.calls), people: Number(r.people), refused: Number(r.refused) });
    }
    return { from: from.toISOString(), to: to.toISOString(), members: [...byMember.values()] };
  }

  /**
   * Calls, people and refusals per Vietnam day from `from` to `to` (both included; at most
   * MAX_USAGE_DAYS), in total and per member, system and service; every day of the range is listed.
   */
  async usageDaily(q: { from?: string; to?: string }) {
    const todayNo = dayNo(vnDay(this.d.clock.now()));
    const to = q.to ?? dayOf(todayNo);
    const from = q.from ?? dayOf(dayNo(to) - 29);
    for (const [field, d] of [['from', from], ['to', to]] as const) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || dayOf(dayNo(d)) !== d) throw badRange(field, 'Không phải ngày có thật (yyyy-mm-dd).', 'Is not a real date (yyyy-mm-dd).');
    }
    if (dayNo(to) < dayNo(from)) throw badRange('to', 'Ngày kết thúc phải không trước ngày bắt đầu.', 'Must be on or after the start date.');
    if (dayNo(to) - dayNo(from) + 1 > MAX_USAGE_DAYS) throw badRange('to', `Tối đa ${MAX_USAGE_DAYS} ngày.`, `At most ${MAX_USAGE_DAYS} days.`);
    const days = Array.from({ length: dayNo(to) - dayNo(from) + 1 }, (_, i) => dayOf(dayNo(from) + i));
    const rows = await exchangeStore.usageByDay(this.d.db, from, to);
    const b = await this.breakdown('days', days.map((day) => ({ day })), (await exchangeStore.usageByDay(this.d.db, from, to)).map((r) => ({ ...r, slot: dayNo(r.day) - dayNo(from) })));
    return { from, to, days: b.total, members: b.members };
  }

  /**
   * Calls, people and refusals per hour (labelled in Vietnam time) of the hours from `from` to
   * `to` (`from` rounded down and `to` up to the hour; at most MAX_USAGE_HOURS; default the last 24
   * hours), in total and per member, system and service, optionally of one member, system or
   * service; every hour of the range is listed. A time without an offset is Vietnam time.
   */
  async usageHourly(q: { from?: string; to?: string; member?: string; system?: string; service?: string }) {
    const now = this.d.clock.now().getTime();
    const end = q.to === undefined ? Math.ceil((now + 1) / HOUR_MS) * HOUR_MS : Math.ceil(instant(q.to, 'to') / HOUR_MS) * HOUR_MS;
    const start = q.from === undefined ? end - 24 * HOUR_MS : Math.floor(instant(q.from, 'from') / HOUR_MS) * HOUR_MS;
    if (end <= start) throw badRange('to', 'Thời điểm kết thúc phải sau thời điểm bắt đầu.', 'Must be after the start.');
    const count = (end - start) / HOUR_MS;
    if (count > MAX_USAGE_HOURS) throw badRange('to', `Tối đa ${MAX_USAGE_HOURS} giờ.`, `At most ${MAX_USAGE_HOURS} hours.`);
    const hours = Array.from({ length: count }, (_, i) => ({ hour: vnHour(start + i * HOUR_MS) }));
    const rows = await exchangeStore.usageByHour(this.d.db, new Date(start), new Date(end), { ...(q.member ? { memberId: q.member } : {}), ...(q.system ? { systemId: q.system } : {}), ...(q.service ? { service: q.service } : {}) });
    const b = await this.breakdown('hours', hours, rows.map((r) => ({ ...r, slot: (r.hour.getTime() - start) / HOUR_MS })));
    return { from: vnHour(start), to: vnHour(end), hours: b.total, members: b.members };
  }

  /**
   * Counts per slot (a day, an hour) in total and per member, system and service, every slot
   * listed (zeros too); `key` names the series of each ('days', 'hours').
   */
  private async breakdown<L extends object, K extends string>(key: K, labels: readonly L[], rows: ReadonlyArray<Counts & { system_id: string; service: string; slot: number }>) {
    type Point = L & Counts;
    const [systems, members] = await Promise.all([exchangeStore.systems(this.d.db), exchangeStore.members(this.d.db)]);
    const sys = new Map(systems.map((s) => [s.id, s]));
    const mem = new Map(members.map((m) => [m.id, m]));
    const series = (): Point[] => labels.map((l) => ({ ...l, calls: 0, people: 0, refused: 0 }));
    const add = (list: Point[], r: Counts & { slot: number }) => {
      const p = list[r.slot]!;
      p.calls += r.calls; p.people += r.people; p.refused += r.refused;
    };
    const total = series();
    const byMember = new Map<string, { memberId: string; memberName: string; points: Point[]; systems: Map<string, { systemId: string; systemName: string; services: Map<string, { service: string; points: Point[] }> }> }>();
    for (const r of rows) {
      const s = sys.get(r.system_id);
      const m = s ? mem.get(s.member_id) : undefined;
      const memberId = m?.id ?? 'unknown';
      let e = byMember.get(memberId);
      if (!e) { e = { memberId, memberName: m?.name ?? memberId, points: series(), systems: new Map() }; byMember.set(memberId, e); }
      let es = e.systems.get(r.system_id);
      if (!es) { es = { systemId: r.system_id, systemName: s?.name ?? r.system_id, services: new Map() }; e.systems.set(r.system_id, es); }
      let svc = es.services.get(r.service);
      if (!svc) { svc = { service: r.service, points: series() }; es.services.set(r.service, svc); }
      add(total, r); add(e.points, r); add(svc.points, r);
    }
    const named = (points: Point[]) => ({ [key]: points }) as Record<K, Point[]>;
    return {
      total,
      members: [...byMember.values()].map((m) => ({
        memberId: m.memberId, memberName: m.memberName, ...named(m.points),
        systems: [...m.systems.values()].map((s) => ({ systemId: s.systemId, systemName: s.systemName, services: [...s.services.values()].map((v) => ({ service: v.service, ...named(v.points) })) })),
      })),
    };
  }

  /**
   * Systems that read far more people in the last `hours` than their usual: the people touched in
   * the window against the average of the same window over the previous `baselineDays` days.
   * Flagged when at least `factor` × usual and at least `minPeople`; a system with no history is
   * flagged from `minPeople` on (its usual is unknown).
   */
  async anomalies(o: { hours?: number; baselineDays?: number; factor?: number; minPeople?: number } = {}) {
    const hours = o.hours ?? 24; const baselineDays = o.baselineDays ?? 14; const factor = o.factor ?? 3; const minPeople = o.minPeople ?? 1000;
    const now = this.d.clock.now().getTime();
    const windowStart = new Date(now - hours * 3_600_000);
    // The usual: the per-day series of the `baselineDays` whole Vietnam days before the window's first day.
    const firstDay = dayNo(vnDay(windowStart));
    const [recent, baseline, systems, members] = await Promise.all([
      exchangeStore.peoplePerSystem(this.d.db, windowStart, new Date(now + 3_600_000)),
      exchangeStore.usageByDay(this.d.db, dayOf(firstDay - baselineDays), dayOf(firstDay - 1)),
      exchangeStore.systems(this.d.db), exchangeStore.members(this.d.db),
    ]);
    const before = new Map<string, number>();
    for (const r of baseline) before.set(r.system_id, (before.get(r.system_id) ?? 0) + r.people);
    const sys = new Map(systems.map((s) => [s.id, s]));
    const mem = new Map(members.map((m) => [m.id, m]));
    const items = [];
    for (const [systemId, people] of recent) {
      const usual = ((before.get(systemId) ?? 0) / baselineDays) * (hours / 24);
      const ratio = usual > 0 ? people / usual : null;
      if (people < minPeople || (ratio !== null && ratio < factor)) continue;
      const s = sys.get(systemId);
      items.push({
        systemId, systemName: s?.name ?? systemId, memberId: s?.member_id ?? null, memberName: s ? mem.get(s.member_id)?.name ?? null : null,
        people, usual: Math.round(usual), ratio: ratio === null ? null : Math.round(ratio * 10) / 10, reason: ratio === null ? 'no_history' as const : 'above_usual' as const,
      });
    }
    items.sort((a, b) => (b.ratio ?? Infinity) - (a.ratio ?? Infinity) || b.people - a.people);
    return { window: { from: windowStart.toISOString(), hours }, baselineDays, factor, minPeople, items };
  }
}
