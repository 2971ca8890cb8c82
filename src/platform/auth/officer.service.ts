import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../http/errors.ts';
import type { Clock } from '../clock.ts';
import type { AuditWriter } from '../audit/index.ts';
import { getCommune2025, getProvince2025 } from '../../vn/index.ts';
import { dummyHash, hashPassword, passwordWeakness, verifyPassword } from './password.ts';
import { OfficerStore, type OfficerChanges, type OfficerFilter, type OfficerRow, type OfficerSort } from './officer.store.ts';
import { pageOf, type Page, type PageRequest } from '../http/paging.ts';
import './officer.errors.ts';
import type { OfficerActor, Role } from './actor.ts';

export interface OfficerView {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  jurisdiction: { provinceCode: string | null; provinceName: string | null; communeCode: string | null; communeName: string | null };
}

/** An officer as administrators see it: also whether the account is usable, and since when it exists. */
/** What any officer may see of another: who they are, nothing of their roles or jurisdiction. */
export interface OfficerName {
  id: string;
  username: string;
  displayName: string;
}

export interface AdminOfficerView extends OfficerView {
  status: 'active' | 'disabled';
  lockedUntil: string | null;
  createdAt: string;
  createdBy: string;
}

/** An administrator's change to an officer; a jurisdiction is given whole (province, then commune or null). */
export interface OfficerUpdate {
  displayName?: string;
  roles?: Role[];
  provinceCode?: string | null;
  communeCode?: string | null;
  status?: 'active' | 'disabled';
}

export interface NewOfficer {
  username: string;
  displayName: string;
  password: string;
  roles: Role[];
  provinceCode: string | null;
  communeCode?: string | null;
}

export interface AuthSettings {
  sessionTtlMinutes: number;
  maxFailures: number;
  lockMinutes: number;
}

/** `15:04 24/11/2026 (UTC+7)`: lock-out times as Vietnamese users read them. */
export function vnTime(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(v.getUTCHours())}:${p(v.getUTCMinutes())} ${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()} (UTC+7)`;
}

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

export function toView(o: OfficerRow): OfficerView {
  return {
    id: o.id,
    username: o.username,
    displayName: o.display_name,
    roles: o.roles,
    jurisdiction: {
      provinceCode: o.province_code,
      provinceName: o.province_code ? getProvince2025(o.province_code)?.name ?? null : null,
      communeCode: o.commune_code,
      communeName: o.commune_code ? getCommune2025(o.commune_code)?.name ?? null : null,
    },
  };
}

export function toAdminView(o: OfficerRow): AdminOfficerView {
  return { ...toView(o), status: o.status, lockedUntil: o.locked_until ? o.locked_until.toISOString() : null, createdAt: new Date(o.created_at).toISOString(), createdBy: o.created_by };
}

/** A jurisdiction must name units of the 2025 map, the commune inside the province. */
function checkUnits(provinceCode: string | null, communeCode: string | null): void {
  if (provinceCode !== null && !getProvince2025(provinceCode)) throw new AppError('OFFICER_UNKNOWN_UNIT', { code: provinceCode }, [{ field: 'provinceCode', code: 'unknown_unit', message: { vi: 'Không có tỉnh này.', en: 'No such province.' } }]);
  if (communeCode !== null) {
    const c = getCommune2025(communeCode);
    if (!c || c.provinceCode !== provinceCode) throw new AppError('OFFICER_UNKNOWN_UNIT', { code: communeCode }, [{ field: 'communeCode', code: 'unknown_unit', message: { vi: 'Không có xã này trong tỉnh đã chọn.', en: 'No such commune in the chosen province.' } }]);
  }
}

export function toActor(o: OfficerRow): OfficerActor {
  return { kind: 'officer', id: o.id, username: o.username, displayName: o.display_name, roles: o.roles, jurisdiction: { provinceCode: o.province_code, communeCode: o.commune_code } };
}

const SESSION_CACHE_MS = 5_000;
const SESSION_CACHE_MAX = 10_000;

export class OfficerService {
  private readonly store: OfficerStore;
  private readonly sessions = new Map<string, { row: OfficerRow; until: number }>();
  constructor(db: Kysely<any>, private readonly clock: Clock, private readonly audit: AuditWriter, private readonly settings: AuthSettings) {
    this.store = new OfficerStore(db);
  }

  /** Creates an officer; `createdBy` is the admin's username or `cli`. */
  async create(input: NewOfficer, createdBy: string, requestId?: string): Promise<OfficerView> {
    const username = input.username.trim().toLowerCase();
    const communeCode = input.communeCode ?? null;
    checkUnits(input.provinceCode, communeCode);
    if (passwordWeakness(input.password, username)) throw new AppError('OFFICER_WEAK_PASSWORD', {}, [{ field: 'password', code: 'weak_password', message: { vi: 'Mật khẩu quá yếu.', en: 'Password too weak.' } }]);
    const row = await this.store.insert({ username, displayName: input.displayName.normalize('NFC').trim(), passwordHash: await hashPassword(input.password), roles: [...new Set(input.roles)], provinceCode: input.provinceCode, communeCode, createdBy });
    if (!row) throw new AppError('OFFICER_USERNAME_TAKEN', { username }, [{ field: 'username', code: 'taken', message: { vi: 'Đã có người dùng tên này.', en: 'Already taken.' } }]);
    await this.audit.append({ at: this.clock.now(), actorKind: 'officer', actorId: createdBy, action: 'officer.created', subjectKind: 'officer', subjectId: row.username, fields: ['roles', 'jurisdiction'], requestId, details: { roles: row.roles, provinceCode: row.province_code, communeCode: row.commune_code } });
    return toView(row);
  }

  async view(id: string): Promise<OfficerView> {
    const row = await this.store.byId(id);
    if (!row) throw new AppError('AUTH_REQUIRED');
    return toView(row);
  }

  async list(f: OfficerFilter, p: PageRequest<OfficerSort>): Promise<Page<AdminOfficerView>> {
    return pageOf(await this.store.page(f, p), p, toAdminView);
  }

  /** Display names of the officers named by id or username (unknown ones are left out). */
  async names(refs: readonly string[]): Promise<OfficerName[]> {
    return (await this.store.names(refs)).map((o) => ({ id: o.id, username: o.username, displayName: o.display_name }));
  }

  async adminView(id: string): Promise<AdminOfficerView> {
    const row = await this.store.byId(id);
    if (!row) throw new AppError('OFFICER_NOT_FOUND', { id });
    return toAdminView(row);
  }

  /**
   * An administrator changes an officer's name, roles, jurisdiction or status. Audited like the
   * creation, with the values before and after; disabling ends the officer's sessions at once. An
   * administrator may not disable themself or drop their own admin role (nobody could undo it).
   */
  async update(id: string, input: OfficerUpdate, by: { id: string; username: string }, requestId?: string): Promise<AdminOfficerView> {
    const row = await this.store.byId(id);
    if (!row) throw new AppError('OFFICER_NOT_FOUND', { id });
    const changes: OfficerChanges = {};
    if (input.displayName !== undefined) {
      const name = input.displayName.normalize('NFC').trim();
      if (!name) throw new AppError('VALIDATION_FAILED', {}, [{ field: 'displayName', code: 'required', message: { vi: 'Bắt buộc phải có.', en: 'Is required.' } }]);
      if (name !== row.display_name) changes.display_name = name;
    }
    if (input.roles !== undefined) {
      const roles = [...new Set(input.roles)];
      if (roles.length !== row.roles.length || roles.some((r) => !row.roles.includes(r))) changes.roles = roles;
    }
    if (input.provinceCode !== undefined || input.communeCode !== undefined) {
      const provinceCode = input.provinceCode !== undefined ? input.provinceCode : row.province_code;
      const communeCode = input.communeCode ?? null;
      checkUnits(provinceCode, communeCode);
      if (provinceCode !== row.province_code) changes.province_code = provinceCode;
      if (communeCode !== row.commune_code) changes.commune_code = communeCode;
    }
    if (input.status !== undefined && input.status !== row.status) changes.status = input.status;
    if (id === by.id && (changes.status === 'disabled' || (changes.roles && !changes.roles.includes('admin')))) throw new AppError('OFFICER_SELF_LOCKOUT');
    if (!Object.keys(changes).length) return toAdminView(row);

    const updated = (await this.store.update(id, changes))!;
    const now = this.clock.now();
    const sessionsRevoked = changes.status === 'disabled' ? await this.store.revokeSessionsOf(id, now) : 0;
    // Cached sessions of this officer carry the old roles and status: drop them.
    for (const [key, hit] of this.sessions) if (hit.row.id === id) this.sessions.delete(key);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const k of Object.keys(changes) as (keyof OfficerChanges)[]) {
      before[k] = row[k];
      after[k] = updated[k];
    }
    const fields = [...new Set(Object.keys(changes).map((k) => (k === 'province_code' || k === 'commune_code' ? 'jurisdiction' : k === 'display_name' ? 'displayName' : k)))];
    await this.audit.append({ at: now, actorKind: 'officer', actorId: by.username, action: 'officer.updated', subjectKind: 'officer', subjectId: updated.username, fields, requestId, details: { before, after, ...(sessionsRevoked ? { sessionsRevoked } : {}) } });
    return toAdminView(updated);
  }

  /** Signs in; the same error for unknown user and wrong password, lockout after repeated failures. */
  async login(username: string, password: string, meta: { ip: string; userAgent: string | null; requestId: string }): Promise<{ token: string; officer: OfficerView; expiresAt: Date }> {
    const now = this.clock.now();
    const row = await this.store.byUsername(username.trim().toLowerCase());
    const auditFail = (reason: string) => this.audit.append({ at: now, actorKind: 'officer', actorId: username.slice(0, 64), action: 'officer.login_failed', requestId: meta.requestId, details: { reason, ip: meta.ip } });
    if (!row) {
      await verifyPassword(await dummyHash(), password);
      await auditFail('unknown_user');
      throw new AppError('AUTH_INVALID_CREDENTIALS');
    }
    if (row.locked_until && row.locked_until > now) {
      await auditFail('locked');
      throw new AppError('AUTH_ACCOUNT_LOCKED', { until: vnTime(row.locked_until) });
    }
    const ok = await verifyPassword(row.password_hash, password);
    if (!ok) {
      const lockUntil = new Date(now.getTime() + this.settings.lockMinutes * 60_000);
      const r = await this.store.recordFailure(row.id, this.settings.maxFailures, lockUntil);
      await auditFail('wrong_password');
      if (r.locked_until && r.locked_until > now) throw new AppError('AUTH_ACCOUNT_LOCKED', { until: vnTime(r.locked_until) });
      throw new AppError('AUTH_INVALID_CREDENTIALS');
    }
    if (row.status !== 'active') throw new AppError('AUTH_ACCOUNT_DISABLED');
    if (row.failed_logins > 0 || row.locked_until) await this.store.resetFailures(row.id);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.settings.sessionTtlMinutes * 60_000);
    await this.store.insertSession({ tokenHash: tokenHash(token), officerId: row.id, expiresAt, ip: meta.ip, userAgent: meta.userAgent });
    await this.audit.append({ at: now, actorKind: 'officer', actorId: row.id, action: 'officer.login', requestId: meta.requestId, details: { ip: meta.ip } });
    return { token, officer: toView(row), expiresAt };
  }

  /**
   * The officer behind a session token. Answers are kept for SESSION_CACHE_MS so a busy officer's
   * requests do not each cost a database round trip: a session revoked in another process, or an
   * officer disabled, stops working within that time (logout in this process takes effect at once).
   */
  async session(token: string): Promise<OfficerRow | undefined> {
    const key = tokenHash(token);
    const id = key.toString('base64');
    const now = this.clock.now().getTime();
    const hit = this.sessions.get(id);
    if (hit && hit.until > now) return hit.row;
    const row = await this.store.sessionOfficer(key, this.clock.now());
    if (this.sessions.size >= SESSION_CACHE_MAX) this.sessions.clear();
    if (row) this.sessions.set(id, { row, until: now + SESSION_CACHE_MS });
    else this.sessions.delete(id);
    return row;
  }

  async logout(token: string): Promise<void> {
    this.sessions.delete(tokenHash(token).toString('base64'));
    await this.store.revokeSession(tokenHash(token), this.clock.now());
  }
}
