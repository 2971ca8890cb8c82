/**
 * How one-time codes and notices reach a citizen. The accounts services send a one-time code after
 * the change that issued it has committed; notices are queued and sent by the notice worker
 * (notices.ts), which retries when `send` throws. Three implementations:
 *
 * - `DevOtpSender` (OTP_SENDER=dev, development and tests): logs a masked line and keeps the
 *   messages in memory, readable at GET /api/v1/eid/dev/messages?phone=… (that route exists only then);
 * - `NullOtpSender` (OTP_SENDER=none): drops them (a deployment that has not plugged in a gateway);
 * - `SmsOtpSender`: adapts an `SmsGateway`, the one interface a real SMS (or e-mail) gateway implements.
 */
import type { Localised } from '../../platform/i18n/lang.ts';

export type OtpPurpose = 'register' | 'activate' | 'unlock' | 'reset_password' | 'notice';

export interface OtpMessage {
  to: { phone: string } | { email: string };
  purpose: OtpPurpose;
  text: Localised;
}

export interface OtpSender {
  send(message: OtpMessage): Promise<void>;
}

/** What an SMS gateway provider implements (one text, one number; Vietnamese by default). */
export interface SmsGateway {
  sendSms(phone: string, text: string): Promise<void>;
  /** Optional: e-mail for accounts that gave one. */
  sendEmail?(email: string, subject: string, text: string): Promise<void>;
}

export class SmsOtpSender implements OtpSender {
  constructor(private readonly gateway: SmsGateway, private readonly lang: 'vi' | 'en' = 'vi') {}

  async send(m: OtpMessage): Promise<void> {
    if ('phone' in m.to) await this.gateway.sendSms(m.to.phone, m.text[this.lang]);
    else await this.gateway.sendEmail?.(m.to.email, 'Open06 eID', m.text[this.lang]);
  }
}

export class NullOtpSender implements OtpSender {
  async send(): Promise<void> {}
}

/** `09******78`: enough for a citizen to recognise their number. */
export function maskPhone(phone: string): string {
  return phone.length <= 4 ? '*'.repeat(phone.length) : `${phone.slice(0, 2)}${'*'.repeat(phone.length - 4)}${phone.slice(-2)}`;
}

export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  return at <= 1 ? `*${email.slice(at)}` : `${email[0]}***${email.slice(at)}`;
}

export interface DevMessage extends OtpMessage {
  at: string;
}

export class DevOtpSender implements OtpSender {
  private readonly messages: DevMessage[] = [];

  /** `log` may be replaced once a logger exists (the plugin points it at the app's log). */
  constructor(public log: (line: string) => void = () => undefined, private readonly now: () => Date = () => new Date(), private readonly keep = 1000) {}

  async send(m: OtpMessage): Promise<void> {
    this.messages.push({ ...m, at: this.now().toISOString() });
    if (this.messages.length > this.keep) this.messages.splice(0, this.messages.length - this.keep);
    const to = 'phone' in m.to ? maskPhone(m.to.phone) : maskEmail(m.to.email);
    this.log(`eID dev sender: ${m.purpose} message to ${to} (read it at /api/v1/eid/dev/messages)`);
  }

  /** Messages sent to a phone (or e-mail), oldest first. */
  to(address: string): DevMessage[] {
    return this.messages.filter((m) => ('phone' in m.to ? m.to.phone : m.to.email) === address);
  }

  /** The newest 6-digit code sent to an address (tests and developers). */
  lastCode(address: string): string | null {
    const list = this.to(address).filter((m) => m.purpose !== 'notice');
    const last = list[list.length - 1];
    return last ? (/\b(\d{6})\b/.exec(last.text.en)?.[1] ?? null) : null;
  }
}
