import type { Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';
import type { Role } from './actor.ts';
import { allOf, byName, containsFolded, folded, orderBy, type PageRequest, type SortExprs, type SortParam } from '../http/paging.ts';

export const OFFICER_SORTS = ['username', 'name', 'createdAt'] as const;
export type OfficerSort = SortParam<(typeof OFFICER_SORTS)[number]>;

export interface OfficerFilter {
  /** Part of the name or username, with or without diacritics. */
  q?: string;
  role?: Role;
  provinceCode?: string;
  status?: 'active' | 'disabled';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const OFFICER_ORDER: SortExprs<(typeof OFFICER_SORTS)[number]> = { username: [sql`username`], name: byName(sql`display_name`), createdAt: [sql`created_at`] };

export interface OfficerRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  roles: Role[];
  province_code: string | null;
  commune_code: string | null;
  status: 'active' | 'disabled';
  failed_logins: number;
  locked_until: Date | null;
  created_at: Date;
  created_by: string;
}

/** What an administrator may change on an officer (absent = unchanged). */
export interface OfficerChanges {
  display_name?: string;
  roles?: Role[];
  province_code?: string | null;
  commune_code?: string | null;
  status?: 'active' | 'disabled';
}

export class OfficerStore {
  constructor(private readonly db: Kysely<any>) {}

  async insert(o: { username: string; displayName: string; passwordHash: string; roles: Role[]; provinceCode: string | null; communeCode: string | null; createdBy: string }): Promise<OfficerRow | null> {
    const row = await this.db.insertInto('platform.officer')
      .values({ username: o.username, display_name: o.displayName, password_hash: o.passwordHash, roles: o.roles, province_code: o.provinceCode, commune_code: o.communeCode, created_by: o.createdBy })
      .onConflict((oc: any) => oc.column('username').doNothing())
      .returningAll()
      .executeTakeFirst();
    return (row as OfficerRow | undefined) ?? null;
  }

  byUsername(username: string): Promise<OfficerRow | undefined> {
    return this.db.selectFrom('platform.officer').selectAll().where('username', '=', username).executeTakeFirst() as Promise<OfficerRow | undefined>;
  }

  byId(id: string): Promise<OfficerRow | undefined> {
    return this.db.selectFrom('platform.officer').selectAll().where('id', '=', id).executeTakeFirst() as Promise<OfficerRow | undefined>;
  }

  /** Officers named by id (uuid) or username: only who they are, for views that show who did something. */
  async names(refs: readonly string[]): Promise<Array<{ id: string; username: string; display_name: string }>> {
    const ids = refs.filter((r) => UUID.test(r));
    const { rows } = await sql<{ id: string; username: string; display_name: string }>`
      select id, username, display_name from platform.officer
      where id = any(${ids}::uuid[]) or username = any(${refs}::text[])
      order by username`.execute(this.db);
    return rows;
  }

  /** A page of officers (`limit + 1` rows), filtered and sorted. */
  async page(f: OfficerFilter, p: PageRequest<OfficerSort>): Promise<OfficerRow[]> {
    const where: RawBuilder<unknown>[] = [];
    if (f.q) where.push(sql`(${folded(sql`display_name`)} like ${containsFolded(f.q)} or username like ${containsFolded(f.q)})`);
    if (f.role) where.push(sql`${f.role} = any(roles)`);
    if (f.provinceCode) where.push(sql`province_code = ${f.provinceCode}`);
    if (f.status) where.push(sql`status = ${f.status}`);
    const { rows } = await sql<OfficerRow>`
      select * from platform.officer where ${allOf(where)}
      ${orderBy(p.sort, OFFICER_ORDER, sql`id`)}
      limit ${p.limit + 1} offset ${p.offset}`.execute(this.db);
    return rows;
  }

  async update(id: string, changes: OfficerChanges): Promise<OfficerRow | null> {
    const row = await this.db.updateTable('platform.officer').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
    return (row as OfficerRow | undefined) ?? null;
  }

  /** Ends every open session of an officer (disabled accounts sign out everywhere); returns how many. */
  async revokeSessionsOf(officerId: string, now: Date): Promise<number> {
    const r = await this.db.updateTable('platform.officer_session').set({ revoked_at: now }).where('officer_id', '=', officerId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async recordFailure(id: string, maxFailures: number, lockUntil: Date): Promise<{ failed_logins: number; locked_until: Date | null }> {
    const r = await this.db.updateTable('platform.officer')
      .set({
        failed_logins: sql`failed_logins + 1`,
        locked_until: sql`case when failed_logins + 1 >= ${maxFailures} then ${lockUntil}::timestamptz else locked_until end`,
      })
      .where('id', '=', id)
      .returning(['failed_logins', 'locked_until'])
      .executeTakeFirstOrThrow();
    return r as { failed_logins: number; locked_until: Date | null };
  }

  async resetFailures(id: string): Promise<void> {
    await this.db.updateTable('platform.officer').set({ failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
  }

  async insertSession(s: { tokenHash: Buffer; officerId: string; expiresAt: Date; ip: string; userAgent: string | null }): Promise<void> {
    await this.db.insertInto('platform.officer_session').values({ token_hash: s.tokenHash, officer_id: s.officerId, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent }).execute();
  }

  sessionOfficer(tokenHash: Buffer, now: Date): Promise<OfficerRow | undefined> {
    return this.db.selectFrom('platform.officer_session as s')
      .innerJoin('platform.officer as o', 'o.id', 's.officer_id')
      .selectAll('o')
      .where('s.token_hash', '=', tokenHash)
      .where('s.revoked_at', 'is', null)
      .where('s.expires_at', '>', now)
      .where('o.status', '=', 'active')
      .executeTakeFirst() as Promise<OfficerRow | undefined>;
  }

  async revokeSession(tokenHash: Buffer, now: Date): Promise<void> {
    await this.db.updateTable('platform.officer_session').set({ revoked_at: now }).where('token_hash', '=', tokenHash).execute();
  }
}
