/**
 * Who a partner system is and what it may do, read on every partner request: the system and its
 * member by OAuth client id, and the system's grants, each cached for a few seconds (a change by an
 * admin in this process takes effect at once; in another process within `cacheMs`). `authorize`
 * picks the grant that covers a service, purpose and fields today, or refuses naming exactly what
 * is missing.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../platform/http/errors.ts';
import type { PartnerPrincipal } from '../platform/http/guard.ts';
import { exchangeStore, type GrantRow, type MemberRow, type SystemRow } from './exchange.store.ts';
import type { ServiceCode } from './catalogue.ts';
import './exchange.errors.ts';

export interface SystemEntry {
  system: SystemRow;
  member: MemberRow;
}

interface Cached<T> { value: T; at: number }

const MAX_ENTRIES = 20_000;

export class Directory {
  private readonly byClient = new Map<string, Cached<SystemEntry | null>>();
  private readonly grantCache = new Map<string, Cached<GrantRow[]>>();
  private readonly loading = new Map<string, Promise<unknown>>();

  constructor(private readonly db: Kysely<any>, private readonly cacheMs = 5000, private readonly now: () => number = Date.now) {}

  /** The active system with this OAuth client id and its member, or null. */
  /** The cached answer of systemByClient if it is fresh (null: no such active system), undefined if it must be read. */
  systemByClientNow(clientId: string): SystemEntry | null | undefined {
    const hit = this.byClient.get(clientId);
    return hit && this.now() - hit.at < this.cacheMs ? hit.value : undefined;
  }

  async systemByClient(clientId: string): Promise<SystemEntry | null> {
    const hit = this.byClient.get(clientId);
    if (hit && this.now() - hit.at < this.cacheMs) return hit.value;
    return this.once(`c:${clientId}`, async () => {
      const system = await exchangeStore.systemByClient(this.db, clientId);
      const member = system ? await exchangeStore.member(this.db, system.member_id) : undefined;
      const value = system && member && system.status === 'active' ? { system, member } : null;
      if (this.byClient.size > MAX_ENTRIES) this.byClient.clear();
      this.byClient.set(clientId, { value, at: this.now() });
      return value;
    });
  }

  /** The system's grants not revoked (expired ones included, so a refusal can name the expiry). */
  async grants(systemId: string): Promise<GrantRow[]> {
    const hit = this.grantCache.get(systemId);
    if (hit && this.now() - hit.at < this.cacheMs) return hit.value;
    return this.once(`g:${systemId}`, async () => {
      const value = await exchangeStore.liveGrants(this.db, systemId);
      if (this.grantCache.size > MAX_ENTRIES) this.grantCache.clear();
      this.grantCache.set(systemId, { value, at: this.now() });
      return value;
    });
  }

  /** The grants when cached and fresh (no promise on the request path), else null. */
  grantsNow(systemId: string): GrantRow[] | null {
    const hit = this.grantCache.get(systemId);
    return hit && this.now() - hit.at < this.cacheMs ? hit.value : null;
  }

  private readonly picks = new WeakMap<readonly GrantRow[], Map<string, GrantRow | AppError>>();

  /** pickGrant, remembered for the grants list it was made from (a new list after each reload). */
  pick(grants: readonly GrantRow[], who: { systemName: string }, service: ServiceCode, purpose: string, fields: readonly string[], today: string): GrantRow {
    let m = this.picks.get(grants);
    if (!m) { m = new Map(); this.picks.set(grants, m); }
    const key = `${today}|${service}|${purpose}|${fields.join(',')}`;
    let r = m.get(key);
    if (r === undefined) {
      try { r = pickGrant(grants, who, service, purpose, fields, today); } catch (e) { if (!(e instanceof AppError)) throw e; r = e; }
      if (m.size < 1000) m.set(key, r);
    }
    if (r instanceof AppError) throw r;
    return r;
  }

  forgetClient(clientId: string): void { this.byClient.delete(clientId); }
  forgetGrants(systemId: string): void { this.grantCache.delete(systemId); }
  forgetAll(): void { this.byClient.clear(); this.grantCache.clear(); }

  /** Concurrent misses for one key share a single query. */
  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.loading.get(key) as Promise<T> | undefined;
    if (!p) {
      p = load().finally(() => this.loading.delete(key));
      this.loading.set(key, p);
    }
    return p;
  }
}

/** The grant a call rests on, or the refusal naming what is missing. */
export function pickGrant(grants: readonly GrantRow[], who: { systemName: string }, service: ServiceCode, purpose: string, fields: readonly string[], today: string): GrantRow {
  const forService = grants.filter((g) => g.service === service);
  if (!forService.length) throw new AppError('EXCHANGE_SERVICE_NOT_GRANTED', { system: who.systemName, service });
  const current = forService.filter((g) => g.valid_from <= today && today <= g.valid_until);
  if (!current.length) {
    const future = forService.filter((g) => g.valid_from > today).sort((a, b) => a.valid_from.localeCompare(b.valid_from));
    if (future.length) throw new AppError('EXCHANGE_GRANT_NOT_YET_VALID', { system: who.systemName, service, from: future[0]!.valid_from });
    const latest = [...forService].sort((a, b) => b.valid_until.localeCompare(a.valid_until))[0]!;
    throw new AppError('EXCHANGE_GRANT_EXPIRED', { system: who.systemName, service, until: latest.valid_until });
  }
  const forPurpose = current.filter((g) => g.purposes.includes(purpose));
  if (!forPurpose.length) {
    throw new AppError('EXCHANGE_PURPOSE_NOT_GRANTED', { purpose, service, granted: [...new Set(current.flatMap((g) => g.purposes))].join(', ') });
  }
  // A provision needs no per-person consent: prefer it when both kinds cover the request.
  const covering = forPurpose.filter((g) => fields.every((f) => g.fields.includes(f))).sort((a, b) => (a.basis === b.basis ? a.id - b.id : a.basis === 'provision' ? -1 : 1));
  if (covering.length) return covering[0]!;
  const best = [...forPurpose].sort((a, b) => fields.filter((f) => !b.fields.includes(f)).length - fields.filter((f) => !a.fields.includes(f)).length)[0]!;
  const missing = fields.filter((f) => !best.fields.includes(f));
  throw new AppError('EXCHANGE_FIELDS_NOT_GRANTED', { missing: missing.join(', '), service, purpose, granted: best.fields.join(', ') }, missing.map((f) => ({ field: f, code: 'not_granted', message: { vi: `Trường "${f}" không được cấp.`, en: `The field "${f}" is not granted.` } })));
}

/** The principal a resolved partner request carries, with the names refusals and audit entries use. */
export interface Caller extends PartnerPrincipal {
  systemName: string;
  memberName: string;
  ratePerSecond: number;
}
