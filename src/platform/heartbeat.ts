import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { sql, type Kysely } from 'kysely';

/**
 * How many platform processes share this database right now. Each process writes its row every
 * `everyMs` and counts the rows seen within three periods; a stopped process removes its row, a
 * crashed one drops out after three periods. Until the first beat, one process (this one) is
 * assumed. Used to divide per-system rate limits among processes behind one load balancer.
 */
export class Heartbeat {
  readonly id = randomUUID();
  private count = 1;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly db: Kysely<any>, private readonly everyMs = 2000, private readonly onError: (e: unknown) => void = () => undefined) {}

  /** Live processes, this one included (at least 1). */
  live(): number {
    return this.count;
  }

  async beat(): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      with me as (
        insert into platform.process_heartbeat (id, host, pid) values (${this.id}, ${os.hostname()}, ${process.pid})
        on conflict (id) do update set seen_at = now()
      )
      select count(*)::int + 1 as n
      from platform.process_heartbeat where id <> ${this.id} and seen_at > now() - make_interval(secs => ${(3 * this.everyMs) / 1000})`.execute(this.db);
    this.count = Math.max(1, rows[0]?.n ?? 1);
    return this.count;
  }

  start(): void {
    if (this.timer || this.everyMs <= 0) return;
    void this.beat().catch(this.onError);
    this.timer = setInterval(() => { void this.beat().catch(this.onError); }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await sql`delete from platform.process_heartbeat where id = ${this.id}`.execute(this.db).catch(() => undefined);
  }
}
