/**
 * Rate limits and quotas per system. A rate limit is a token bucket per system (its
 * `rate_per_second`, a one-second burst), divided among the live processes.
 *
 * A daily quota (Vietnam calendar day; calls, rows for bulk verification) is exact across any
 * number of processes without a database round trip per call: each process reserves a block of
 * units from exchange.quota_day in one statement (granted only while used + reserved stays within
 * the quota), serves calls from it in memory, reserves the next block when it runs low, and the
 * database grants smaller blocks as the day's remainder shrinks (down to 1). Every flush settles
 * what was used and gives back what the last interval would not have needed; stopping and the end
 * of the day give back everything. A process that dies leaves its block reserved until another
 * finds no heartbeat for it (platform.process_heartbeat) and settles the whole block as used: the
 * calls it served and had not settled are unknown, so none of its units is served again and the
 * quota is never overrun (its unflushed usage statistics are lost).
 * Calls, people and refusals per hour (exchange.usage) are statistics, flushed separately.
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AppError } from '../platform/http/errors.ts';
import type { Clock } from '../platform/clock.ts';
import { exchangeStore } from './exchange.store.ts';
import { quotaStore, type Settlement } from './quota.store.ts';
import './exchange.errors.ts';

const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

/** Start of the Vietnam calendar day containing `t` (as an instant). */
export function vnDayStart(t: number): number {
  return Math.floor((t + VN_OFFSET_MS) / DAY_MS) * DAY_MS - VN_OFFSET_MS;
}

/**
 * A token bucket per system. With several platform processes behind one load balancer, each
 * holds `perSecond / processes()` (the live processes, from the platform's heartbeat), so the
 * system's calls across all of them stay near its rate.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private readonly now: () => number = Date.now, private readonly processes: () => number = () => 1) {}

  /** Takes one token of the system's bucket; 429 with Retry-After when it is empty. */
  hit(systemId: string, systemName: string, limit: number): void {
    const perSecond = limit / Math.max(1, this.processes());
    const t = this.now();
    let b = this.buckets.get(systemId);
    if (!b) {
      if (this.buckets.size > 50_000) this.buckets.clear();
      b = { tokens: perSecond, at: t };
      this.buckets.set(systemId, b);
    } else {
      b.tokens = Math.min(perSecond, b.tokens + ((t - b.at) / 1000) * perSecond);
      b.at = t;
    }
    if (b.tokens < 1) {
      const seconds = Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
      throw new AppError('EXCHANGE_RATE_LIMITED', { system: systemName, limit, seconds }, [], { 'retry-after': String(seconds) });
    }
    b.tokens -= 1;
  }
}

interface Counter {
  systemId: string;
  service: string;
  /** Day start (ms) and its Vietnam date (the key of exchange.quota_day). */
  day: number;
  date: string;
  /** Units reserved by this process and not yet used. */
  held: number;
  /** Units used since the last settlement (still reserved in the database). */
  consumed: number;
  /** Units the next reservation asks for (grows while blocks run out quickly). */
  block: number;
  reservedAt: number;
  reserving: Promise<void> | null;
  /** Until then (performance.now()), the database said the day's quota is spent: refuse in memory. */
  spentUntil: number;
  /** This counter's entry of the unflushed statistics (for the current hour). */
  pend: (Pending & { systemId: string; service: string; hour: number }) | null;
}

interface Pending { calls: number; people: number; refused: number }

export interface UsageMeterOptions {
  /** This process (its heartbeat id); reservations carry it. */
  processId?: string;
  /** Live processes sharing the database (the tail of a quota is shared among them). */
  processes?: () => number;
  /** A reservation is reclaimed once its process has neither beaten nor renewed it for this long (default 30 s). */
  graceMs?: number;
  /** The largest block a process asks for (default 1000). */
  maxBlock?: number;
}

const FIRST_BLOCK = 8;
const SPENT_RETRY_MS = 1000;

const dateOf = (dayStart: number): string => new Date(dayStart + VN_OFFSET_MS).toISOString().slice(0, 10);

export class UsageMeter {
  readonly processId: string;
  /** Counters by system, then service (no string keys on the request path). */
  private readonly counters = new Map<string, Map<string, Counter>>();
  /** Counters of past days still holding or owing units (settled at the next flush). */
  private retired: Counter[] = [];
  /** Unflushed statistics per system|service|hour. */
  private pending = new Map<string, Pending & { systemId: string; service: string; hour: number }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  /** The current Vietnam day, recomputed at most once a second. */
  private dayCache = { at: -Infinity, day: 0 };
  private readonly processes: () => number;
  private readonly graceMs: number;
  private readonly maxBlock: number;

  constructor(private readonly db: Kysely<any>, private readonly clock: Clock, private readonly flushMs = 5000, o: UsageMeterOptions = {}) {
    this.processId = o.processId ?? randomUUID();
    this.processes = o.processes ?? (() => 1);
    this.graceMs = o.graceMs ?? 30_000;
    this.maxBlock = o.maxBlock ?? 1000;
  }

  start(): void {
    if (this.timer || this.flushMs <= 0) return;
    this.timer = setInterval(() => { void this.flush().catch(() => undefined); }, this.flushMs);
    this.timer.unref();
  }

  /** Flushes and gives back every unused reservation. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    while (this.flushing) await this.flushing.catch(() => undefined);
    await this.flushNow(true);
  }

  private today(): number {
    const t = this.clock.now().getTime();
    if (t - this.dayCache.at >= 1000 || t < this.dayCache.at) this.dayCache = { at: t, day: vnDayStart(t) };
    return this.dayCache.day;
  }

  private counter(systemId: string, service: string): Counter {
    const day = this.today();
    let bySystem = this.counters.get(systemId);
    if (!bySystem) { bySystem = new Map(); this.counters.set(systemId, bySystem); }
    let c = bySystem.get(service);
    if (!c || c.day !== day) {
      if (c && (c.held || c.consumed)) this.retired.push(c);
      c = { systemId, service, day, date: dateOf(day), held: 0, consumed: 0, block: FIRST_BLOCK, reservedAt: -Infinity, reserving: null, spentUntil: -Infinity, pend: null };
      bySystem.set(service, c);
    }
    return c;
  }

  private all(): Counter[] {
    return [...this.counters.values()].flatMap((m) => [...m.values()]);
  }

  private spent(systemName: string, service: string, quota: number): AppError {
    const now = this.clock.now().getTime();
    const seconds = Math.max(1, Math.ceil((vnDayStart(now) + DAY_MS - now) / 1000));
    return new AppError('EXCHANGE_QUOTA_EXCEEDED', { system: systemName, quota, service, seconds }, [], { 'retry-after': String(seconds) });
  }

  /**
   * Takes `units` of today's quota: from this process's block when it holds enough (null: no
   * wait), else after reserving more. 429 with Retry-After (to the next Vietnam day) when spent.
   */
  take(systemId: string, systemName: string, service: string, quota: number, units = 1): Promise<void> | null {
    if (units <= 0) return null;
    const c = this.counter(systemId, service);
    if (c.held >= units) {
      this.use(c, quota, units);
      return null;
    }
    if (performance.now() < c.spentUntil) throw this.spent(systemName, service, quota);
    return this.takeAfterReserving(c, systemName, quota, units);
  }

  private use(c: Counter, quota: number, units: number): void {
    c.held -= units;
    c.consumed += units;
    // Running low: ask for the next block before this one is empty.
    if (!c.reserving && c.held < c.block / 4 && performance.now() >= c.spentUntil) void this.reserve(c, quota, 1).catch(() => undefined);
  }

  private async takeAfterReserving(c: Counter, systemName: string, quota: number, units: number): Promise<void> {
    for (;;) {
      if (c.held >= units) return this.use(c, quota, units);
      if (performance.now() < c.spentUntil) throw this.spent(systemName, c.service, quota);
      await this.reserve(c, quota, units - c.held);
    }
  }

  /** One reservation at a time per counter; callers arriving meanwhile wait for it. */
  private reserve(c: Counter, quota: number, need: number): Promise<void> {
    if (c.reserving) return c.reserving;
    const want = Math.max(need, c.block);
    const run = (async () => {
      try {
        const key = { systemId: c.systemId, service: c.service, day: c.date, processId: this.processId };
        // A dead process's block is settled as used (reclaim, at each flush), never granted again,
        // so a refusal here needs no second look.
        const granted = await quotaStore.reserve(this.db, key, want, quota, this.processes());
        c.held += granted;
        const t = performance.now();
        c.block = t - c.reservedAt < 1000 ? Math.min(this.maxBlock, c.block * 2) : Math.max(FIRST_BLOCK, Math.floor(c.block / 2));
        c.reservedAt = t;
        if (granted === 0) c.spentUntil = t + SPENT_RETRY_MS;
      } finally {
        c.reserving = null;
      }
    })();
    c.reserving = run;
    return run;
  }

  /** Refuses (429) a bulk upload of `rows` that today's quota, less others' reservations, cannot take. */
  async checkRows(systemId: string, systemName: string, service: string, quota: number, rows: number): Promise<void> {
    const c = this.counter(systemId, service);
    const d = await quotaStore.day(this.db, systemId, service, c.date);
    if (d.used + d.reserved - c.held + rows > quota) throw this.spent(systemName, service, quota);
  }

  /** Quota units used today: settled by every process, plus this process's unsettled use. */
  async usedToday(systemId: string, service: string): Promise<number> {
    const c = this.counter(systemId, service);
    return (await quotaStore.day(this.db, systemId, service, c.date)).used + c.consumed;
  }

  /** Counts calls, people touched and refusals (statistics; the quota is taken by `take`). */
  record(systemId: string, service: string, r: { calls?: number; people?: number; refused?: number }): void {
    const c = this.counter(systemId, service);
    const hour = Math.floor(this.clock.now().getTime() / 3_600_000) * 3_600_000;
    let p = c.pend;
    if (!p || p.hour !== hour) {
      const key = `${systemId}|${service}|${hour}`;
      p = this.pending.get(key) ?? { systemId, service, hour, calls: 0, people: 0, refused: 0 };
      this.pending.set(key, p);
      c.pend = p;
    }
    p.calls += r.calls ?? 0;
    p.people += r.people ?? 0;
    p.refused += r.refused ?? 0;
  }

  /**
   * Writes the statistics, settles used units and gives back what will not be needed, and
   * reclaims dead processes' blocks. A flush already running may have started before the latest
   * counts: wait for it, then flush again, so that everything counted before the call is written.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    return this.flushNow(false);
  }

  private flushNow(giveAllBack: boolean): Promise<void> {
    if (this.flushing) return this.flushing;
    // Cleared when this run settles, and only if it is still the current one (a run that ends
    // without waiting must not leave a settled promise behind: flush() would wait on it forever).
    const run = (async () => {
      await this.writeStatistics();
      await this.settle(giveAllBack);
      await quotaStore.reclaim(this.db, this.graceMs);
    })();
    this.flushing = run;
    run.then(() => { if (this.flushing === run) this.flushing = null; }, () => { if (this.flushing === run) this.flushing = null; });
    return run;
  }

  private async writeStatistics(): Promise<void> {
    const batch = [...this.pending.values()];
    this.pending = new Map();
    for (const c of this.all()) c.pend = null;
    if (!batch.length) return;
    try {
      await exchangeStore.addUsage(this.db, batch.map((p) => ({ system_id: p.systemId, service: p.service, hour: new Date(p.hour), calls: p.calls, people: p.people, refused: p.refused })));
    } catch (e) {
      for (const p of batch) {
        const key = `${p.systemId}|${p.service}|${p.hour}`;
        const q = this.pending.get(key);
        if (q) { q.calls += p.calls; q.people += p.people; q.refused += p.refused; } else this.pending.set(key, p);
      }
      throw e;
    }
  }

  /** A busy counter keeps what it used in the last interval; the rest, and past days' blocks, go back. */
  private async settle(giveAllBack: boolean): Promise<void> {
    this.today();
    const retired = new Set(this.retired);
    const taken: Array<{ c: Counter; s: Settlement }> = [];
    let holding = false;
    for (const c of [...this.all(), ...this.retired]) {
      const keep = giveAllBack || retired.has(c) ? 0 : Math.min(c.held, c.consumed);
      const s = { systemId: c.systemId, service: c.service, day: c.date, used: c.consumed, back: c.held - keep };
      if (keep) holding = true;
      if (!s.used && !s.back) continue;
      c.consumed = 0;
      c.held -= s.back;
      taken.push({ c, s });
    }
    if (!taken.length && !holding) return;
    let lost: Set<string>;
    try {
      lost = await quotaStore.settle(this.db, this.processId, taken.map((t) => t.s));
    } catch (e) {
      for (const { c, s } of taken) { c.consumed += s.used; c.held += s.back; }
      throw e;
    }
    for (const { c } of taken) if (lost.has(`${c.systemId}|${c.service}|${c.date}`)) c.held = 0;
    this.retired = this.retired.filter((c) => c.held || c.consumed);
  }
}
