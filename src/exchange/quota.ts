/**
 * Rate limits and quotas per system, kept in memory on the request path and flushed to
 * exchange.usage every few seconds (one statement per flush). A rate limit is a token bucket per
 * system (its `rate_per_second`, a one-second burst), divided among the live processes. A daily quota (Vietnam calendar day) counts
 * calls (rows for bulk verification); each process adds what it counted to the totals it last read
 * from the database, so with several processes a quota can be overrun by at most what the others
 * counted since their last flush.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../platform/http/errors.ts';
import type { Clock } from '../platform/clock.ts';
import { exchangeStore } from './exchange.store.ts';
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
  /** Day start (ms) the totals belong to. */
  day: number;
  /** Quota units in the database for that day when last read. */
  stored: number;
  /** Quota units counted here and not yet flushed, plus flushed since the last read. */
  local: number;
  loaded: Promise<void> | null;
  ready: boolean;
  /** This counter's entry of the unflushed increments (for the current hour). */
  pend: (Pending & { systemId: string; service: string; hour: number }) | null;
}

interface Pending { calls: number; people: number; refused: number }

export class UsageMeter {
  /** Counters by system, then service (no string keys on the request path). */
  private readonly counters = new Map<string, Map<string, Counter>>();
  /** Unflushed increments per system|service|hour. */
  private pending = new Map<string, Pending & { systemId: string; service: string; hour: number }>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  /** The current Vietnam day, recomputed at most once a second. */
  private dayCache = { at: -Infinity, day: 0 };

  constructor(private readonly db: Kysely<any>, private readonly clock: Clock, private readonly flushMs = 5000) {}

  start(): void {
    if (this.timer || this.flushMs <= 0) return;
    this.timer = setInterval(() => { void this.flush().catch(() => undefined); }, this.flushMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
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
      c = { systemId, service, day, stored: 0, local: 0, loaded: null, ready: false, pend: null };
      bySystem.set(service, c);
    }
    return c;
  }

  private all(): Counter[] {
    return [...this.counters.values()].flatMap((m) => [...m.values()]);
  }

  /** Resolves once today's total of a system's service is known (a query the first time each day). */
  ready(systemId: string, service: string): Promise<void> | null {
    const c = this.counter(systemId, service);
    if (c.ready) return null;
    c.loaded ??= exchangeStore.usedSince(this.db, [{ systemId, service }], new Date(c.day)).then((m) => {
      c.stored = m.get(`${systemId}|${service}`) ?? 0;
      c.ready = true;
    }, (e) => { c.loaded = null; throw e; });
    return c.loaded;
  }

  /** Quota units used today (call `ready` first). */
  used(systemId: string, service: string): number {
    const c = this.counter(systemId, service);
    return c.stored + c.local;
  }

  /** Refuses (429 until the next Vietnam day) when `units` more would exceed the quota. */
  check(systemId: string, systemName: string, service: string, quota: number, units = 1): void {
    const c = this.counter(systemId, service);
    if (c.stored + c.local + units <= quota) return;
    const now = this.clock.now().getTime();
    const seconds = Math.max(1, Math.ceil((vnDayStart(now) + DAY_MS - now) / 1000));
    throw new AppError('EXCHANGE_QUOTA_EXCEEDED', { system: systemName, quota, service, seconds }, [], { 'retry-after': String(seconds) });
  }

  /** Counts calls (quota units: rows for bulk verification), people touched, refusals. */
  record(systemId: string, service: string, r: { calls?: number; people?: number; refused?: number }): void {
    const c = this.counter(systemId, service);
    if (r.calls) c.local += r.calls;
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
   * Writes the counted increments and re-reads today's totals (which include other processes').
   * A flush already running may have started before the latest counts: wait for it, then flush
   * again, so that everything counted before the call is written when it resolves.
   */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    return this.flushNow();
  }

  private flushNow(): Promise<void> {
    if (this.flushing) return this.flushing;
    // Cleared when this run settles, and only if it is still the current one (a run that ends
    // without waiting must not leave a settled promise behind: flush() would wait on it forever).
    const run = (async () => {
      const batch = [...this.pending.values()];
      this.pending = new Map();
      for (const c of this.all()) c.pend = null;
      if (batch.length) {
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
      const live = this.all().filter((c) => c.ready);
      const day = this.today();
      const today = live.filter((c) => c.day === day);
      if (!today.length) return;
      const totals = await exchangeStore.usedSince(this.db, today, new Date(day));
      // What was counted while the totals were read is not in them: keep it local.
      const stillPending = new Map<string, number>();
      for (const p of this.pending.values()) {
        const k = `${p.systemId}|${p.service}`;
        stillPending.set(k, (stillPending.get(k) ?? 0) + p.calls);
      }
      for (const c of today) {
        const k = `${c.systemId}|${c.service}`;
        c.stored = totals.get(k) ?? 0;
        c.local = stillPending.get(k) ?? 0;
      }
    })();
    this.flushing = run;
    run.then(() => { if (this.flushing === run) this.flushing = null; }, () => { if (this.flushing === run) this.flushing = null; });
    return run;
  }
}
