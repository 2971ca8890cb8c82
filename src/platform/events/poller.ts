/** Runs a job (typically an outbox consumer) every `intervalMs` until stopped; runs never overlap. */
export class Poller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly run: () => Promise<unknown>, private readonly intervalMs: number, private readonly onError: (e: unknown) => void) {}

  start(): void {
    if (this.timer || this.intervalMs <= 0) return;
    this.timer = setInterval(() => { void this.once(); }, this.intervalMs);
    this.timer.unref();
  }

  /** One run now, or the one already in flight. */
  once(): Promise<unknown> {
    this.running ??= this.run().catch(this.onError).finally(() => { this.running = null; });
    return this.running;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
