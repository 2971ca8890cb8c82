/** SQL of the partner console: member staff, usage per day. */
import { sql, type Kysely, type Transaction } from 'kysely';

type Db = Kysely<any> | Transaction<any>;

export type StaffRole = 'manager' | 'viewer';
export const STAFF_ROLES = ['manager', 'viewer'] as const satisfies readonly StaffRole[];

export interface StaffRow {
  id: number;
  member_id: string;
  id_number: string;
  role: StaffRole;
  added_by: string;
  added_at: Date;
  removed_at: Date | null;
  removed_by: string | null;
}

export interface DayUsageRow {
  system_id: string;
  service: string;
  /** Vietnam calendar day, yyyy-mm-dd. */
  day: string;
  calls: number;
  people: number;
  refused: number;
}

export const staffStore = {
  /** The person's active staff row at a member, if any. */
  async active(db: Db, memberId: string, idNumber: string): Promise<StaffRow | undefined> {
    return await db.selectFrom('exchange.member_staff').selectAll().where('member_id', '=', memberId).where('id_number', '=', idNumber).where('removed_at', 'is', null).executeTakeFirst() as StaffRow | undefined;
  },
  /** The members a person is active staff of. */
  async ofPerson(db: Db, idNumber: string): Promise<StaffRow[]> {
    return await db.selectFrom('exchange.member_staff').selectAll().where('id_number', '=', idNumber).where('removed_at', 'is', null).orderBy('added_at').execute() as StaffRow[];
  },
  async ofMember(db: Db, memberId: string, includeRemoved: boolean): Promise<StaffRow[]> {
    let q = db.selectFrom('exchange.member_staff').selectAll().where('member_id', '=', memberId);
    if (!includeRemoved) q = q.where('removed_at', 'is', null);
    return await q.orderBy('added_at').orderBy('id').execute() as StaffRow[];
  },
  /** Adds a person (or returns the active row when there is one; the unique index settles races). */
  async add(db: Db, r: { member_id: string; id_number: string; role: StaffRole; added_by: string; added_at: Date }): Promise<StaffRow | null> {
    const row = await sql<StaffRow>`
      insert into exchange.member_staff (member_id, id_number, role, added_by, added_at)
      values (${r.member_id}, ${r.id_number}, ${r.role}, ${r.added_by}, ${r.added_at})
      on conflict (member_id, id_number) where removed_at is null do nothing
      returning *`.execute(db);
    return row.rows[0] ?? null;
  },
  async setRole(db: Db, id: number, role: StaffRole): Promise<StaffRow> {
    return await db.updateTable('exchange.member_staff').set({ role }).where('id', '=', id).returningAll().executeTakeFirstOrThrow() as StaffRow;
  },
  async remove(db: Db, memberId: string, idNumber: string, by: string, at: Date): Promise<StaffRow | undefined> {
    return await db.updateTable('exchange.member_staff').set({ removed_at: at, removed_by: by })
      .where('member_id', '=', memberId).where('id_number', '=', idNumber).where('removed_at', 'is', null).returningAll().executeTakeFirst() as StaffRow | undefined;
  },

  /** Calls, people and refusals per system, service and Vietnam calendar day since `from`. */
  async usageByDay(db: Db, systemIds: readonly string[], from: Date): Promise<DayUsageRow[]> {
    if (!systemIds.length) return [];
    const { rows } = await sql<DayUsageRow>`
      select system_id, service, to_char((hour at time zone 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD') as day,
        sum(calls)::bigint as calls, sum(people)::bigint as people, sum(refused)::bigint as refused
      from exchange.usage where system_id = any(${systemIds as string[]}::text[]) and hour >= ${from}
      group by 1, 2, 3 order by 3, 1, 2`.execute(db);
    return rows.map((r) => ({ ...r, calls: Number(r.calls), people: Number(r.people), refused: Number(r.refused) }));
  },
};
