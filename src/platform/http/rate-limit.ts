import { AppError } from './errors.ts';

/**
 * A fixed-window counter per key (e.g. per client IP) kept in this process: enough to slow
 * password spraying against one instance. Behind several instances, the limit applies per instance.
 */
export class WindowLimiter {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly max: number, private readonly windowMs: number, private readonly now: () => number = Date.now) {}

  /** Counts one attempt; throws 429 with Retry-After when the key is over its limit. */
  hit(key: string): void {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (this.windows.size > 100_000) this.windows.clear();
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count > this.max) {
      const seconds = Math.max(1, Math.ceil((w.start + this.windowMs - t) / 1000));
      throw new AppError('RATE_LIMITED', { seconds }, [], { 'retry-after': String(seconds) });
    }
  }
}
