/**
 * The identity module: eID accounts (src/identity/accounts) and the OpenID Connect provider
 * (src/identity/oidc) share one AccountService per platform, so sign-in limits, one-time-code
 * senders and sessions are the same whichever door a citizen uses.
 */
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import { AccountService } from './accounts/accounts.service.ts';
import { DevOtpSender, NullOtpSender, type OtpSender } from './accounts/otp-sender.ts';
import { oidcModule, type OidcModuleOptions } from './oidc/oidc.module.ts';

const shared = new WeakMap<Platform, { accounts: AccountService; sender: OtpSender }>();

export function identityServices(p: Platform): { accounts: AccountService; sender: OtpSender } {
  let s = shared.get(p);
  if (!s) {
    const sender: OtpSender = p.config.OTP_SENDER === 'dev' ? new DevOtpSender() : new NullOtpSender();
    const accounts = new AccountService(p.db, p.clock, p.audit, sender, {
      publicBaseUrl: p.config.PUBLIC_BASE_URL,
      sessionTtlMinutes: p.config.SESSION_TTL_MINUTES,
      maxFailures: p.config.LOGIN_MAX_FAILURES,
      lockMinutes: p.config.LOGIN_LOCK_MINUTES,
      signInsPerIpPerMinute: p.config.LOGIN_MAX_PER_IP_PER_MINUTE,
      secretKey: p.config.EID_KEY_ENCRYPTION_KEY ? Buffer.from(p.config.EID_KEY_ENCRYPTION_KEY, 'base64') : null,
    });
    s = { accounts, sender };
    shared.set(p, s);
  }
  return s;
}

/** The verified phone number of an account (released with the `phone` scope). */
async function phoneOf(db: Kysely<any>, accountId: string): Promise<string | null> {
  const r = await db.selectFrom('identity.account').select(['phone', 'phone_verified_at']).where('id', '=', accountId).executeTakeFirst();
  return r?.phone_verified_at ? (r.phone as string) : null;
}

export function identityOidcModule(p: Platform, opts: OidcModuleOptions = {}) {
  const { accounts } = identityServices(p);
  return oidcModule(p, {
    getAccount: (id) => accounts.getAccount(id),
    phoneOf: (id) => phoneOf(p.db, id),
    authenticatePassword: (i) => accounts.authenticatePassword(i),
    verifySecondFactor: (id, code) => accounts.verifySecondFactor(id, code),
    passkeyAuthenticationOptions: (i) => accounts.passkeyAuthenticationOptions(i),
    verifyPasskeyAuthentication: (i) => accounts.verifyPasskeyAuthentication(i as never),
    startSession: (i) => accounts.startSession(i),
  }, opts);
}

export { oidcServices } from './oidc/oidc.module.ts';
