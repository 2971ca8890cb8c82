/** SMS gateways for the notice tests: real `SmsGateway`s (what a deployment implements) that fail on purpose. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SmsGateway } from '../../src/identity/accounts/index.ts';

/** Refuses the first `failures` texts (quoting the number, as gateways do), then delivers. */
export class FlakyGateway implements SmsGateway {
  readonly delivered: Array<{ phone: string; text: string }> = [];
  calls = 0;
  constructor(private failures: number, private readonly delayMs = 0) {}
  async sendSms(phone: string, text: string): Promise<void> {
    this.calls++;
    if (this.delayMs) await sleep(this.delayMs);
    if (this.failures > 0) {
      this.failures--;
      throw new Error(`gateway 503: could not deliver to ${phone}`);
    }
    this.delivered.push({ phone, text });
  }

  to(phone: string): string[] {
    return this.delivered.filter((d) => d.phone === phone).map((d) => d.text);
  }
}

/** Refuses the first text to each number, then delivers to it. */
export class FailsOncePerNumber extends FlakyGateway {
  private readonly tried = new Set<string>();
  constructor() { super(0); }
  override async sendSms(phone: string, text: string): Promise<void> {
    if (this.tried.has(phone)) return super.sendSms(phone, text);
    this.tried.add(phone);
    this.calls++;
    throw new Error(`gateway 503: could not deliver to ${phone}`);
  }
}
