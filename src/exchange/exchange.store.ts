/** SQL of the exchange module for members, systems, grants, consents and usage (bulk jobs and events have their own stores). */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import { allOf, byName, containsFolded, folded, orderBy, type PageRequest, type SortExprs, type SortParam } from '../platform/http/paging.ts';

type Db = Kysely<any> | Transaction<any>;

export type MemberKind = 'ministry' | 'provincial_agency' | 'bank' | 'telecom' | 'hospital' | 'school' | 'union' | 'insurer' | 'other';
export const MEMBER_KINDS = ['ministry', 'provincial_agency', 'bank', 'telecom', 'hospital', 'school', 'union', 'insurer', 'other'] as const satisfies readonly MemberKind[];

export interface MemberRow {
  id: string;
  name: string;
  kind: MemberKind;
  code: string | null;
  province_code: string | null;
  contact: string | null;
  status: 'active' | 'suspended';
  created_by: string;
  created_at: Date;
}

export interface SystemRow {
  id: string;
  member_id: string;
  name: string;
  client_id: string;
  status: 'active' | 'disabled';
  rate_per_second: number;
  created_by: string;
  created_at: Date;
  disabled_at: Date | null;
}

export interface GrantRow {
  id: number;
  system_id: string;
  service: string;
  fields: string[];
  purposes: string[];
  basis: 'provision' | 'consent';
  provision: string | null;
  valid_from: string;
  valid_until: string;
  quota_per_day: number | null;
  created_by: string;
  created_at: Date;
  revoked_at: Date | null;
  revoked_by: string | null;
}

export interface ConsentRow {
  id: string;
  id_number: string;
  member_id: string;
  purpose: string;
  fields: string[];
  granted_at: Date;
  valid_until: string;
  method: 'portal' | 'partner_request';
  request_id: string | null;
  account_id: string | null;
  withdrawn_at: Date | null;
  receipt: { document: Record<string, unknown>; jws: string };
}

export interface ConsentRequestRow {
  id: string;
  id_number: string;
  member_id: string;
  system_id: string;
  purpose: string;
  fields: string[];
  valid_until: string;
  message: string | null;
  status: 'pending' | 'approved' | 'declined';
  created_at: Date;
  expires_at: Date;
  decided_at: Date | null;
  consent_id: string | null;
}

/** A member in the admin's list, with how many systems it has and how many of them are active. */
export type MemberListRow = MemberRow & { system_count: number; active_system_count: number };

export const MEMBER_SORTS = ['name', 'kind', 'code', 'systems', 'status', 'createdAt'] as const;
export const SYSTEM_SORTS = ['name', 'clientId', 'status', 'ratePerSecond', 'createdAt'] as const;
export const GRANT_SORTS = ['id', 'service', 'basis', 'validFrom', 'validUntil', 'state', 'createdAt'] as const;

export interface MemberFilter { kind?: MemberKind; status?: MemberRow['status']; q?: string }
export interface SystemFilter { memberId?: string; status?: SystemRow['status']; q?: string }
/** `active`: in force on `today` (not revoked, within its dates) or, false, every other. */
export interface GrantFilter { service?: string; active?: boolean; today: string }

const MEMBER_ORDER: SortExprs<(typeof MEMBER_SORTS)[number]> = {
  name: byName(sql`m.name`), kind: [sql`m.kind`], code: [sql`m.code`], systems: [sql`system_count`], status: [sql`m.status`], createdAt: [sql`m.created_at`],
};
const SYSTEM_ORDER: SortExprs<(typeof SYSTEM_SORTS)[number]> = {
  name: byName(sql`name`), clientId: [sql`client_id`], status: [sql`status`], ratePerSecond: [sql`rate_per_second`], createdAt: [sql`created_at`],
};
const grantOrder = (today: string): SortExprs<(typeof GRANT_SORTS)[number]> => ({
  id: [sql`id`], service: [sql`service`], basis: [sql`basis`, sql`provision`], validFrom: [sql`valid_from`], validUntil: [sql`valid_until`], createdAt: [sql`created_at`],
  state: [sql`case when revoked_at is not null then 3 when valid_until < ${today}::date then 2 when valid_from > ${today}::date then 1 else 0 end`],
});
const inForce = (today: string) => sql`(revoked_at is null and valid_from <= ${today}::date and valid_until >= ${today}::date)`;

export const exchangeStore = {
  // ---- members and systems ----------------------------------------------------------------------
  async insertMember(db: Db, m: Omit<MemberRow, 'created_at' | 'status'>): Promise<MemberRow> {
    return await db.insertInto('exchange.member').values(m).returningAll().executeTakeFirstOrThrow() as MemberRow;
  },
  member(db: Db, id: string): Promise<MemberRow | undefined> {
    return db.selectFrom('exchange.member').selectAll().where('id', '=', id).executeTakeFirst() as Promise<MemberRow | undefined>;
  },
  members(db: Db): Promise<MemberRow[]> {
    return db.selectFrom('exchange.member').selectAll().orderBy('created_at').execute() as Promise<MemberRow[]>;
  },
  /** A page of members, filtered by kind, status and name or code (diacritics ignored). */
  async memberPage(db: Db, f: MemberFilter, p: PageRequest<SortParam<(typeof MEMBER_SORTS)[number]>>): Promise<MemberListRow[]> {
    const where: RawBuilder<unknown>[] = [];
    if (f.kind) where.push(sql`m.kind = ${f.kind}`);
    if (f.status) where.push(sql`m.status = ${f.status}`);
    if (f.q) where.push(sql`(${folded(sql`m.name`)} like ${containsFolded(f.q)} or ${folded(sql`coalesce(m.code, '')`)} like ${containsFolded(f.q)})`);
    const { rows } = await sql<MemberListRow>`
      select m.*, s.n::int as system_count, s.active::int as active_system_count
      from exchange.member m
      cross join lateral (select count(*) as n, count(*) filter (where status = 'active') as active from exchange.system where member_id = m.id) s
      where ${allOf(where)}
      ${orderBy(p.sort, MEMBER_ORDER, sql`m.id`)}
      limit ${p.limit + 1} offset ${p.offset}`.execute(db);
    return rows;
  },
  async memberByCode(db: Db, code: string): Promise<MemberRow | undefined> {
    return await db.selectFrom('exchange.member').selectAll().where('code', '=', code).executeTakeFirst() as MemberRow | undefined;
  },
  async setMemberStatus(db: Db, id: string, status: MemberRow['status']): Promise<MemberRow | undefined> {
    return await db.updateTable('exchange.member').set({ status }).where('id', '=', id).returningAll().executeTakeFirst() as MemberRow | undefined;
  },

  async insertSystem(db: Db, s: Omit<SystemRow, 'created_at' | 'status' | 'disabled_at'>): Promise<SystemRow> {
    return await db.insertInto('exchange.system').values(s).returningAll().executeTakeFirstOrThrow() as SystemRow;
  },
  system(db: Db, id: string): Promise<SystemRow | undefined> {
    return db.selectFrom('exchange.system').selectAll().where('id', '=', id).executeTakeFirst() as Promise<SystemRow | undefined>;
  },
  systemByClient(db: Db, clientId: string): Promise<SystemRow | undefined> {
    return db.selectFrom('exchange.system').selectAll().where('client_id', '=', clientId).executeTakeFirst() as Promise<SystemRow | undefined>;
  },
  systems(db: Db, memberId?: string): Promise<SystemRow[]> {
    let q = db.selectFrom('exchange.system').selectAll().orderBy('created_at');
    if (memberId) q = q.where('member_id', '=', memberId);
    return q.execute() as Promise<SystemRow[]>;
  },
  /** A page of systems, filtered by member, status and name or client id (diacritics ignored). */
  async systemPage(db: Db, f: SystemFilter, p: PageRequest<SortParam<(typeof SYSTEM_SORTS)[number]>>): Promise<SystemRow[]> {
    const where: RawBuilder<unknown>[] = [];
    if (f.memberId) where.push(sql`member_id = ${f.memberId}`);
    if (f.status) where.push(sql`status = ${f.status}`);
    if (f.q) where.push(sql`(${folded(sql`name`)} like ${containsFolded(f.q)} or ${folded(sql`client_id`)} like ${containsFolded(f.q)})`);
    const { rows } = await sql<SystemRow>`
      select * from exchange.system where ${allOf(where)}
      ${orderBy(p.sort, SYSTEM_ORDER, sql`id`)}
      limit ${p.limit + 1} offset ${p.offset}`.execute(db);
    return rows;
  },
  async updateSystem(db: Db, id: string, patch: Partial<Pick<SystemRow, 'status' | 'rate_per_second' | 'disabled_at' | 'name'>>): Promise<SystemRow | undefined> {
    return await db.updateTable('exchange.system').set(patch).where('id', '=', id).returningAll().executeTakeFirst() as SystemRow | undefined;
  },

  // ---- grants ------------------------------------------------------------------------------------
  async insertGrant(db: Db, g: Omit<GrantRow, 'id' | 'created_at' | 'revoked_at' | 'revoked_by'>): Promise<GrantRow> {
    return await db.insertInto('exchange.grant').values(g).returningAll().executeTakeFirstOrThrow() as GrantRow;
  },
  grant(db: Db, id: number): Promise<GrantRow | undefined> {
    return db.selectFrom('exchange.grant').selectAll().where('id', '=', id).executeTakeFirst() as Promise<GrantRow | undefined>;
  },
  /** Every grant of a system that was not revoked (expired ones included: a refusal names the expiry). */
  liveGrants(db: Db, systemId: string): Promise<GrantRow[]> {
    return db.selectFrom('exchange.grant').selectAll().where('system_id', '=', systemId).where('revoked_at', 'is', null).orderBy('id').execute() as Promise<GrantRow[]>;
  },
  grantsOf(db: Db, systemId: string): Promise<GrantRow[]> {
    return db.selectFrom('exchange.grant').selectAll().where('system_id', '=', systemId).orderBy('id').execute() as Promise<GrantRow[]>;
  },
  /** A page of a system's grants (revoked ones included unless filtered), by service and whether in force. */
  async grantPage(db: Db, systemId: string, f: GrantFilter, p: PageRequest<SortParam<(typeof GRANT_SORTS)[number]>>): Promise<GrantRow[]> {
    const where: RawBuilder<unknown>[] = [sql`system_id = ${systemId}`];
    if (f.service) where.push(sql`service = ${f.service}`);
    if (f.active !== undefined) where.push(f.active ? inForce(f.today) : sql`not ${inForce(f.today)}`);
    const { rows } = await sql<GrantRow>`
      select * from exchange.grant where ${allOf(where)}
      ${orderBy(p.sort, grantOrder(f.today), sql`id`)}
      limit ${p.limit + 1} offset ${p.offset}`.execute(db);
    return rows;
  },
  async revokeGrant(db: Db, id: number, by: string, at: Date): Promise<GrantRow | undefined> {
    return await db.updateTable('exchange.grant').set({ revoked_at: at, revoked_by: by }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst() as GrantRow | undefined;
  },

  // ---- consents ----------------------------------------------------------------------------------
  async insertConsent(db: Db, c: Omit<ConsentRow, 'withdrawn_at' | 'receipt'> & { receipt: string }): Promise<ConsentRow> {
    return await db.insertInto('exchange.consent').values(c).returningAll().executeTakeFirstOrThrow() as ConsentRow;
  },
  consentsOf(db: Db, idNumber: string): Promise<ConsentRow[]> {
    return db.selectFrom('exchange.consent').selectAll().where('id_number', '=', idNumber).orderBy('granted_at', 'desc').execute() as Promise<ConsentRow[]>;
  },
  /** The person's consents to one member for one purpose, newest first (the per-request check; never cached). */
  consentsFor(db: Db, idNumber: string, memberId: string, purpose: string): Promise<ConsentRow[]> {
    return db.selectFrom('exchange.consent').selectAll().where('id_number', '=', idNumber).where('member_id', '=', memberId).where('purpose', '=', purpose).orderBy('granted_at', 'desc').execute() as Promise<ConsentRow[]>;
  },
  /** Of these people, those with a consent to the member for the purpose covering the fields, valid on `today`. */
  async consentedAmong(db: Db, idNumbers: readonly string[], memberId: string, purpose: string, fields: readonly string[], today: string): Promise<Map<string, string>> {
    const { rows } = await sql<{ id_number: string; id: string }>`
      select distinct on (id_number) id_number, id from exchange.consent
      where id_number = any(${idNumbers as string[]}::text[]) and member_id = ${memberId} and purpose = ${purpose}
        and withdrawn_at is null and valid_until >= ${today}::date and fields @> ${fields as string[]}::text[]
      order by id_number, granted_at desc`.execute(db);
    return new Map(rows.map((r) => [r.id_number, r.id]));
  },
  async withdrawConsent(db: Db, idNumber: string, id: string, at: Date): Promise<ConsentRow | undefined> {
    return await db.updateTable('exchange.consent').set({ withdrawn_at: at }).where('id', '=', id).where('id_number', '=', idNumber).where('withdrawn_at', 'is', null).returningAll().executeTakeFirst() as ConsentRow | undefined;
  },
  consent(db: Db, idNumber: string, id: string): Promise<ConsentRow | undefined> {
    return db.selectFrom('exchange.consent').selectAll().where('id', '=', id).where('id_number', '=', idNumber).executeTakeFirst() as Promise<ConsentRow | undefined>;
  },

  async insertConsentRequest(db: Db, r: Omit<ConsentRequestRow, 'id' | 'status' | 'decided_at' | 'consent_id'>): Promise<ConsentRequestRow> {
    return await db.insertInto('exchange.consent_request').values(r).returningAll().executeTakeFirstOrThrow() as ConsentRequestRow;
  },
  /** Pending requests of a member to a person made since a time (the one just made included). */
  async pendingRequestsSince(db: Db, idNumber: string, memberId: string, since: Date): Promise<number> {
    const r = await db.selectFrom('exchange.consent_request').select(sql<number>`count(*)::int`.as('n'))
      .where('id_number', '=', idNumber).where('member_id', '=', memberId).where('status', '=', 'pending').where('created_at', '>=', since).executeTakeFirstOrThrow();
    return Number(r.n);
  },
  consentRequest(db: Db, id: string): Promise<ConsentRequestRow | undefined> {
    return db.selectFrom('exchange.consent_request').selectAll().where('id', '=', id).executeTakeFirst() as Promise<ConsentRequestRow | undefined>;
  },
  async lockConsentRequest(trx: Transaction<any>, id: string): Promise<ConsentRequestRow | undefined> {
    return await trx.selectFrom('exchange.consent_request').selectAll().where('id', '=', id).forUpdate().executeTakeFirst() as ConsentRequestRow | undefined;
  },
  consentRequestsOf(db: Db, idNumber: string): Promise<ConsentRequestRow[]> {
    return db.selectFrom('exchange.consent_request').selectAll().where('id_number', '=', idNumber).orderBy('created_at', 'desc').limit(200).execute() as Promise<ConsentRequestRow[]>;
  },
  async decideConsentRequest(trx: Transaction<any>, id: string, status: 'approved' | 'declined', at: Date, consentId: string | null): Promise<void> {
    await trx.updateTable('exchange.consent_request').set({ status, decided_at: at, consent_id: consentId }).where('id', '=', id).execute();
  },

  // ---- usage -------------------------------------------------------------------------------------
  /** Adds counters (one statement for every key flushed). */
  async addUsage(db: Db, rows: ReadonlyArray<{ system_id: string; service: string; hour: Date; calls: number; people: number; refused: number }>): Promise<void> {
    if (!rows.length) return;
    await sql`
      insert into exchange.usage (system_id, service, hour, calls, people, refused)
      select system_id, service, hour, calls, people, refused
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(system_id text, service text, hour timestamptz, calls bigint, people bigint, refused bigint)
      on conflict (system_id, service, hour) do update set calls = exchange.usage.calls + excluded.calls, people = exchange.usage.people + excluded.people, refused = exchange.usage.refused + excluded.refused`.execute(db);
  },
  async usage(db: Db, from: Date, to: Date): Promise<Array<{ system_id: string; service: string; calls: number; people: number; refused: number }>> {
    const { rows } = await sql<{ system_id: string; service: string; calls: number; people: number; refused: number }>`
      select system_id, service, sum(calls)::bigint as calls, sum(people)::bigint as people, sum(refused)::bigint as refused
      from exchange.usage where hour >= ${from} and hour < ${to} group by system_id, service order by system_id, service`.execute(db);
    return rows;
  },
  /** Calls, people and refusals per system, service and Vietnam calendar day, from `from` to `to` inclusive (yyyy-mm-dd). */
  async usageByDay(db: Db, from: string, to: string): Promise<Array<{ system_id: string; service: string; day: string; calls: number; people: number; refused: number }>> {
    const { rows } = await sql<{ system_id: string; service: string; day: string; calls: string; people: string; refused: string }>`
      select system_id, service, to_char((hour at time zone 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD') as day,
        sum(calls)::bigint as calls, sum(people)::bigint as people, sum(refused)::bigint as refused
      from exchange.usage where hour >= (${from}::date::timestamp at time zone 'Asia/Ho_Chi_Minh') and hour < ((${to}::date + 1)::timestamp at time zone 'Asia/Ho_Chi_Minh')
      group by 1, 2, 3 order by 1, 2, 3`.execute(db);
    return rows.map((r) => ({ system_id: r.system_id, service: r.service, day: r.day, calls: Number(r.calls), people: Number(r.people), refused: Number(r.refused) }));
  },
  /** Calls, people and refusals per system, service and hour in [from, to), of one member, system or service when asked. */
  async usageByHour(db: Db, from: Date, to: Date, f: { memberId?: string; systemId?: string; service?: string } = {}): Promise<Array<{ system_id: string; service: string; hour: Date; calls: number; people: number; refused: number }>> {
    const where: RawBuilder<unknown>[] = [sql`hour >= ${from}`, sql`hour < ${to}`];
    if (f.memberId) where.push(sql`system_id in (select id from exchange.system where member_id = ${f.memberId})`);
    if (f.systemId) where.push(sql`system_id = ${f.systemId}`);
    if (f.service) where.push(sql`service = ${f.service}`);
    const { rows } = await sql<{ system_id: string; service: string; hour: Date; calls: string; people: string; refused: string }>`
      select system_id, service, hour, calls, people, refused from exchange.usage where ${allOf(where)} order by system_id, service, hour`.execute(db);
    return rows.map((r) => ({ system_id: r.system_id, service: r.service, hour: r.hour, calls: Number(r.calls), people: Number(r.people), refused: Number(r.refused) }));
  },
  /** People read per system in [from, to) and per day before (the baseline of anomaly detection). */
  async peoplePerSystem(db: Db, from: Date, to: Date): Promise<Map<string, number>> {
    const { rows } = await sql<{ system_id: string; people: number }>`
      select system_id, sum(people)::bigint as people from exchange.usage where hour >= ${from} and hour < ${to} group by system_id`.execute(db);
    return new Map(rows.map((r) => [r.system_id, Number(r.people)]));
  },
};
