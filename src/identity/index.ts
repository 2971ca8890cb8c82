/**
 * The identity module: eID accounts (src/identity/accounts) and the OpenID Connect provider
 * (src/identity/oidc) share one AccountService per platform, so sign-in limits, one-time-code
 * senders and sessions are the same whichever door a citizen uses.
 */
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import type { AccountService } from './accounts/accounts.service.ts';
import type { OtpSender } from './accounts/otp-sender.ts';
import { identityAccountsServices } from './accounts/accounts.routes.ts';
import { oidcModule, type OidcModuleOptions } from './oidc/oidc.module.ts';

/** The one AccountService (and sender) of a platform, shared with the accounts routes (see accounts.routes.ts). */
export function identityServices(p: Platform): { accounts: AccountService; sender: OtpSender } {
  const { accounts, sender } = identityAccountsServices(p);
  return { accounts, sender };
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
