/** SQL of exact daily quotas: reserving blocks, settling them, reclaiming dead processes' blocks. */
import { sql, type Kysely } from 'kysely';

type Db = Kysely<any>;

export interface Settlement { systemId: string; service: string; day: string; used: number; back: number }

export const quotaStore = {
  /**
   * Reserves up to `want` units in one statement: at most what is left of the day and at most a
   * share of it (the remainder over twice the live processes, at least 1), so the processes share
   * the tail of a day's quota. Returns the units granted (0 when the quota is spent).
   */
  async reserve(db: Db, k: { systemId: string; service: string; day: string; processId: string }, want: number, quota: number, processes: number): Promise<number> {
    const share = 2 * Math.max(1, processes);
    const { rows } = await sql<{ granted: string }>`
      with g as (
        insert into exchange.quota_day as q (system_id, service, day, reserved, last_grant)
        values (${k.systemId}, ${k.service}, ${k.day}, least(${want}::bigint, ${quota}::bigint, greatest(1, ${quota}::bigint / ${share})), least(${want}::bigint, ${quota}::bigint, greatest(1, ${quota}::bigint / ${share})))
        on conflict (system_id, service, day) do update
          set reserved = q.reserved + least(${want}::bigint, ${quota} - q.used - q.reserved, greatest(1, (${quota} - q.used - q.reserved) / ${share})),
              last_grant = least(${want}::bigint, ${quota} - q.used - q.reserved, greatest(1, (${quota} - q.used - q.reserved) / ${share}))
          where q.used + q.reserved < ${quota}
        returning last_grant
      ), r as (
        insert into exchange.quota_reservation as r (system_id, service, day, process_id, units)
        select ${k.systemId}, ${k.service}, ${k.day}, ${k.processId}, last_grant from g where last_grant > 0
        on conflict (system_id, service, day, process_id) do update set units = r.units + excluded.units, renewed_at = now()
      )
      select last_grant as granted from g`.execute(db);
    return Number(rows[0]?.granted ?? 0);
  },

  /**
   * Settles what a process consumed (`used`) and gives back what it will not use (`back`), and
   * marks all its reservations as renewed. Returns the keys whose reservation was no longer there
   * (reclaimed while this process was thought dead): their consumption is counted, nothing is given back.
   */
  async settle(db: Db, processId: string, rows: readonly Settlement[]): Promise<Set<string>> {
    const { rows: out } = await sql<{ system_id: string; service: string; day: string; held: boolean }>`
      with x as (
        select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x("systemId" text, service text, day date, used bigint, back bigint)
      ), r as (
        update exchange.quota_reservation r set units = greatest(0, r.units - x.used - x.back), renewed_at = now()
        from x where r.system_id = x."systemId" and r.service = x.service and r.day = x.day and r.process_id = ${processId}
        returning r.system_id, r.service, r.day
      ), q as (
        update exchange.quota_day q
        set used = q.used + x.used,
            reserved = case when exists (select 1 from r where r.system_id = x."systemId" and r.service = x.service and r.day = x.day)
                            then greatest(0, q.reserved - x.used - x.back) else q.reserved end
        from x where q.system_id = x."systemId" and q.service = x.service and q.day = x.day
      ), renew as (
        update exchange.quota_reservation o set renewed_at = now() where o.process_id = ${processId}
          and not exists (select 1 from x where x."systemId" = o.system_id and x.service = o.service and x.day = o.day)
      )
      select x."systemId" as system_id, x.service, to_char(x.day, 'YYYY-MM-DD') as day,
             exists (select 1 from r where r.system_id = x."systemId" and r.service = x.service and r.day = x.day) as held
      from x`.execute(db);
    await sql`delete from exchange.quota_reservation where process_id = ${processId} and units = 0`.execute(db);
    return new Set(out.filter((r) => !r.held).map((r) => `${r.system_id}|${r.service}|${r.day}`));
  },

  /**
   * Settles the blocks of processes that are gone (no heartbeat within `graceMs` and not renewed
   * within it either; a process between starting and its first beat renews its own) as used: calls
   * such a process served after its last settlement are not known, and counting its whole block
   * means none of its units is served twice, so the quota is never overrun (at most that block
   * goes unserved that day). Returns the units settled.
   */
  async reclaim(db: Db, graceMs: number): Promise<number> {
    const { rows } = await sql<{ units: string | null }>`
      with dead as (
        delete from exchange.quota_reservation r
        where r.renewed_at < now() - make_interval(secs => ${graceMs / 1000})
          and not exists (select 1 from platform.process_heartbeat h where h.id = r.process_id and h.seen_at > now() - make_interval(secs => ${graceMs / 1000}))
        returning r.system_id, r.service, r.day, r.units
      ), per_day as (
        select system_id, service, day, sum(units) as units from dead group by 1, 2, 3
      ), q as (
        update exchange.quota_day q set reserved = greatest(0, q.reserved - d.units), used = q.used + d.units
        from per_day d where q.system_id = d.system_id and q.service = d.service and q.day = d.day
      )
      select sum(units)::bigint as units from per_day`.execute(db);
    return Number(rows[0]?.units ?? 0);
  },

  /** A day's settled units and reservations of a system's service. */
  async day(db: Db, systemId: string, service: string, day: string): Promise<{ used: number; reserved: number }> {
    const r = await db.selectFrom('exchange.quota_day').select(['used', 'reserved']).where('system_id', '=', systemId).where('service', '=', service).where('day', '=', day as never).executeTakeFirst();
    return { used: Number(r?.used ?? 0), reserved: Number(r?.reserved ?? 0) };
  },
};
