/**
 * eID accounts: signing in (password, TOTP second factor, passkeys), sessions on devices, and what
 * a signed-in citizen does with their own credentials. The OpenID Connect provider
 * (src/identity/oidc) calls the sign-in and session methods; the routes in accounts.routes.ts call
 * the rest. Stateless over the database, except the per-IP sign-in counter (per process, like the
 * officers' one).
 *
 * Nothing said to someone signing in reveals whether an ID number has an account: unknown ID
 * numbers cost the same password hash, count failures and lock the same way (identity.signin_throttle),
 * and an account's status (suspended, closed, pending activation) is told only after the right
 * password or passkey.
 */
import { randomBytes, createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type AuthenticationResponseJSON, type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON, type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AuditEntry, AuditWriter } from '../../platform/audit/index.ts';
import type { Clock } from '../../platform/clock.ts';
import { dummyHash, hashPassword, verifyPassword } from '../../platform/auth/password.ts';
import { vnTime } from '../../platform/auth/officer.service.ts';
import { recordEffects } from '../../platform/events/effects.ts';
import { publish, type DomainEvent } from '../../platform/events/outbox.ts';
import type { CitizenPrincipal } from '../../platform/http/guard.ts';
import { AppError } from '../../platform/http/errors.ts';
import { WindowLimiter } from '../../platform/http/rate-limit.ts';
import { pageOf, parseSort, type PageRequest, type SortParam } from '../../platform/http/paging.ts';
import { identityFacts } from '../../registry/index.ts';
import { accountsStore as store, type AccountRow, type AccountStatus, type PasskeyRow, type SessionRow, type SignInMethod } from './accounts.store.ts';
import { fieldError } from './accounts.errors.ts';
import { NOTICE } from './messages.ts';
import { maskPhone } from './otp-sender.ts';
import { queueNotice } from './notices.ts';
import { birthDateOfFacts, citizenPasswordWeakness, WEAKNESS_TEXT } from './policy.ts';
import { SecretBox } from './secret-box.ts';
import './accounts.errors.ts';

export const IDENTITY_TOPIC = {
  closed: 'identity.account.closed',
  suspended: 'identity.account.suspended',
  /** The citizen revoked a device, or the other devices, or changed the password: those browsers' single sign-on ends too. */
  sessionsRevoked: 'identity.sessions.revoked',
} as const;

export type CloseReason = 'deceased' | 'citizen_request';

/**
 * Which browsers lose single sign-on: the devices revoked (`sessionIds`), every one but the device
 * kept (`keepSessionId`), or, with neither (a password change), all of them.
 */
const sessionsRevoked = (accountId: string, idNumber: string | null, reason: string, which: { sessionIds?: string[]; keepSessionId?: string } = {}): DomainEvent =>
  ({ topic: IDENTITY_TOPIC.sessionsRevoked, key: idNumber, payload: { accountId, reason, ...which } });

export const SIGN_IN_SORTS = ['at'] as const;
export type SignInSort = SortParam<(typeof SIGN_IN_SORTS)[number]>;

export interface AccountSummary {
  id: string;
  idNumber: string;
  level: 1 | 2;
  status: AccountStatus;
  /** `09******78` */
  phoneMasked: string;
  createdAt: string;
}

export interface AccountSettings {
  /** rpID and origin of passkeys, issuer of TOTP URIs. */
  publicBaseUrl: string;
  sessionTtlMinutes: number;
  maxFailures: number;
  lockMinutes: number;
  signInsPerIpPerMinute: number;
  /** 32 bytes sealing TOTP secrets; null = in clear (development). */
  secretKey: Buffer | null;
  /** Shown by authenticators and passkey managers. */
  rpName?: string;
}

export interface SignInMeta {
  ip: string;
  userAgent: string | null;
}

/** A signed-in citizen, or the system (death), or an officer, doing something to an account. */
export interface AccountActor {
  kind: 'citizen' | 'officer' | 'system';
  id: string;
  requestId?: string | null;
}

export const TOTP_PERIOD_S = 30;
const CHALLENGE_TTL_MS = 5 * 60_000;
const TOUCH_EVERY_MS = 60_000;

export function tokenHash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The status as it reads now: a lock whose time has passed reads as active. */
export function effectiveStatus(a: Pick<AccountRow, 'status' | 'locked_until'>, now: Date): AccountStatus {
  return a.status === 'locked' && (!a.locked_until || a.locked_until <= now) ? 'active' : a.status;
}

export function summaryOf(a: AccountRow, now: Date): AccountSummary {
  return { id: a.id, idNumber: a.id_number, level: Number(a.level) as 1 | 2, status: effectiveStatus(a, now), phoneMasked: maskPhone(a.phone), createdAt: a.created_at.toISOString() };
}

const lockedNow = (a: Pick<AccountRow, 'locked_until'>, now: Date): boolean => !!a.locked_until && a.locked_until > now;

/** Everything closing an account writes, in the caller's transaction: status, sessions, event, audit. */
export async function closeAccountIn(trx: Transaction<any>, a: AccountRow, reason: CloseReason, who: AccountActor, now: Date): Promise<AccountRow> {
  const closed = await store.updateAccount(trx, a.id, { status: 'closed', status_reason: reason, status_changed_at: now, status_changed_by: `${who.kind}:${who.id}`, closed_at: now, locked_until: null }, now);
  const revoked = await store.revokeSessions(trx, a.id, now, 'account_closed');
  await recordEffects(trx, {
    events: [{ topic: IDENTITY_TOPIC.closed, key: a.id_number, payload: { accountId: a.id, idNumber: a.id_number, reason, at: now.toISOString() } }],
    audit: [{ at: now, actorKind: who.kind, actorId: who.id, action: 'eid.account.closed', subjectKind: 'person', subjectId: a.id_number, fields: ['eid.status'], requestId: who.requestId ?? null, details: { accountId: a.id, reason, sessionsRevoked: revoked } }],
  });
  return closed;
}

export class AccountService {
  private readonly perIp: WindowLimiter;
  private readonly box: SecretBox;
  readonly rpID: string;
  readonly origin: string;

  constructor(
    private readonly db: Kysely<any>,
    private readonly clock: Clock,
    private readonly audit: AuditWriter,
    private readonly settings: AccountSettings,
  ) {
    this.perIp = new WindowLimiter(settings.signInsPerIpPerMinute, 60_000, () => clock.now().getTime());
    this.box = new SecretBox(settings.secretKey);
    const url = new URL(settings.publicBaseUrl);
    this.rpID = url.hostname;
    this.origin = url.origin;
  }

  get secretsEncrypted(): boolean {
    return this.box.encrypted;
  }

  // ---- reading accounts -------------------------------------------------------------------------

  async getAccount(accountId: string): Promise<AccountSummary | null> {
    const a = await store.account(this.db, accountId);
    return a ? summaryOf(a, this.clock.now()) : null;
  }

  /** The person's open account, else their newest closed one (so a relying party sees `closed`). */
  async getAccountByIdNumber(idNumber: string): Promise<AccountSummary | null> {
    if (!/^\d{12}$/.test(idNumber)) return null;
    const a = await store.latestAccount(this.db, idNumber);
    return a ? summaryOf(a, this.clock.now()) : null;
  }

  /** The signed-in citizen's own view. */
  async me(accountId: string) {
    const a = await this.mustAccount(accountId);
    const now = this.clock.now();
    const [passkeys, verifications] = await Promise.all([store.passkeys(this.db, a.id), store.verifications(this.db, a.id_number)]);
    const level2 = verifications.find((v) => v.result === 'accepted' && v.account_id === a.id);
    return {
      ...summaryOf(a, now),
      emailMasked: a.email ? a.email.replace(/^(.).*(@.*)$/, '$1***$2') : null,
      phoneVerified: a.phone_verified_at !== null,
      totpEnabled: a.totp_enabled_at !== null,
      passkeys: passkeys.length,
      openedByGuardian: a.guardian_account_id !== null,
      level2VerifiedAt: level2 ? level2.at.toISOString() : null,
      passwordChangedAt: a.password_changed_at?.toISOString() ?? null,
    };
  }

  private async mustAccount(accountId: string): Promise<AccountRow> {
    const a = await store.account(this.db, accountId);
    if (!a || a.status === 'closed') throw new AppError('EID_SESSION_ENDED');
    return a;
  }

  // ---- signing in -------------------------------------------------------------------------------

  private lockedError(until: Date): AppError {
    return new AppError('EID_ACCOUNT_LOCKED', { until: vnTime(until) }, [], { 'retry-after': String(Math.max(1, Math.ceil((until.getTime() - this.clock.now().getTime()) / 1000))) });
  }

  /** Clears a lock whose time has passed (automatic unlock), so the account gets its full count again. */
  private async autoUnlock(a: AccountRow, now: Date): Promise<AccountRow> {
    if (a.locked_until && a.locked_until <= now) {
      return store.updateAccount(this.db, a.id, { failed_attempts: 0, locked_until: null, ...(a.status === 'locked' ? { status: 'active', status_reason: 'lock_expired', status_changed_at: now, status_changed_by: 'system' } : {}) }, now);
    }
    return a;
  }

  /** One failed attempt on an account; throws the lock when this one locks it. */
  private async failed(a: AccountRow, method: string, reason: string, meta: Partial<SignInMeta>, now: Date): Promise<void> {
    const r = await store.recordFailure(this.db, a.id, this.settings.maxFailures, new Date(now.getTime() + this.settings.lockMinutes * 60_000), now);
    await store.insertSignIn(this.db, { account_id: a.id, at: now, outcome: 'failure', method, reason, ip: meta.ip ?? null, user_agent: meta.userAgent ?? null });
    if (lockedNow(r, now)) {
      if (!lockedNow(a, now)) await this.audit.append({ at: now, actorKind: 'system', actorId: 'eid.lockout', action: 'eid.account.locked', subjectKind: 'person', subjectId: a.id_number, details: { accountId: a.id, until: r.locked_until!.toISOString(), ip: meta.ip ?? null } });
      throw this.lockedError(r.locked_until!);
    }
  }

  /** An account's status once its holder has proved who they are. */
  private assertUsable(a: AccountRow): void {
    if (a.status === 'suspended') throw new AppError('EID_ACCOUNT_SUSPENDED');
    if (a.status === 'closed') throw new AppError('EID_ACCOUNT_CLOSED');
    if (a.status === 'pending_activation') throw new AppError('EID_ACCOUNT_PENDING_ACTIVATION');
  }

  /**
   * Checks an ID number and password. Same error and cost for an unknown ID number, no account or a
   * wrong password; a lock after `maxFailures` (per ID number, account or not) that lifts by itself
   * after `lockMinutes`; 429 beyond `signInsPerIpPerMinute` per client IP. The account's counters are
   * cleared only when a session starts, so a correct password does not reset the count of wrong
   * second factors.
   */
  async authenticatePassword(input: { idNumber: string; password: string } & SignInMeta): Promise<{ account: AccountSummary; secondFactor: 'totp' | null }> {
    this.perIp.hit(input.ip);
    const now = this.clock.now();
    const idNumber = /^\d{12}$/.test(input.idNumber) ? input.idNumber : null;
    const found = idNumber ? await store.latestAccount(this.db, idNumber) : undefined;
    if (!found || found.status === 'closed') {
      const t = idNumber ? await store.throttle(this.db, idNumber) : undefined;
      if (t?.locked_until && t.locked_until > now) throw this.lockedError(t.locked_until);
      const ok = await verifyPassword(found?.password_hash ?? await dummyHash(), input.password);
      if (ok && found) throw new AppError('EID_ACCOUNT_CLOSED');
      if (idNumber) {
        const r = await store.recordThrottle(this.db, idNumber, this.settings.maxFailures, new Date(now.getTime() + this.settings.lockMinutes * 60_000), now);
        if (r.locked_until && r.locked_until > now) throw this.lockedError(r.locked_until);
      }
      throw new AppError('EID_INVALID_CREDENTIALS');
    }
    const a = await this.autoUnlock(found, now);
    if (lockedNow(a, now)) {
      await store.insertSignIn(this.db, { account_id: a.id, at: now, outcome: 'failure', method: 'password', reason: 'locked', ip: input.ip, user_agent: input.userAgent });
      throw this.lockedError(a.locked_until!);
    }
    const ok = await verifyPassword(a.password_hash ?? await dummyHash(), input.password) && a.password_hash !== null;
    if (!ok) {
      await this.failed(a, 'password', 'wrong_password', input, now);
      throw new AppError('EID_INVALID_CREDENTIALS');
    }
    this.assertUsable(a);
    return { account: summaryOf(a, now), secondFactor: a.totp_enabled_at && a.totp_secret ? 'totp' : null };
  }

  /**
   * The TOTP code after the password (±1 step of 30 s). A code is accepted once: the step it
   * matched is stored and later codes must be of a later step. A failure counts toward the lock.
   */
  async verifySecondFactor(accountId: string, code: string, meta: Partial<SignInMeta> = {}): Promise<void> {
    // No per-IP count here: the password step before it was counted, and wrong codes lock the account.
    const now = this.clock.now();
    const found = await store.account(this.db, accountId);
    if (!found || !found.totp_secret || !found.totp_enabled_at) throw new AppError('EID_SECOND_FACTOR_INVALID');
    const a = await this.autoUnlock(found, now);
    if (lockedNow(a, now)) throw this.lockedError(a.locked_until!);
    const step = await this.totpStep(a.totp_secret!, a.id, code, now);
    if (step !== null && (a.totp_last_step === null || step > a.totp_last_step)) {
      const r = await this.db.updateTable('identity.account').set({ totp_last_step: step, updated_at: now })
        .where('id', '=', a.id).where((eb: any) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)])).executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return;
    }
    await this.failed(a, 'totp', step === null ? 'wrong_code' : 'code_reused', meta, now);
    throw new AppError('EID_SECOND_FACTOR_INVALID');
  }

  /** The time step a code matches (±1 step), or null. */
  private async totpStep(sealed: Buffer, accountId: string, code: string, now: Date): Promise<number | null> {
    if (!/^\d{6}$/.test(code)) return null;
    const secret = this.box.open(sealed, accountId);
    const r = await verifyTotp({ secret, token: code, epoch: Math.floor(now.getTime() / 1000), epochTolerance: TOTP_PERIOD_S, period: TOTP_PERIOD_S });
    return r.valid && 'timeStep' in r ? Number(r.timeStep) : null;
  }

  /**
   * Options for a passkey sign-in. Discoverable credentials only (the authenticator picks the
   * account); `allowCredentials` stays empty even with an ID number, so the answer says nothing
   * about accounts; the ID number, when given, binds the challenge to that person's account.
   */
  async passkeyAuthenticationOptions(input: { idNumber?: string } = {}): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    const now = this.clock.now();
    const options = await generateAuthenticationOptions({ rpID: this.rpID, userVerification: 'required', timeout: CHALLENGE_TTL_MS });
    const challengeId = await store.insertChallenge(this.db, { purpose: 'authenticate', account_id: null, id_number: input.idNumber ?? null, challenge: options.challenge, expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS) });
    return { challengeId, options };
  }

  /**
   * Verifies a passkey assertion (signature, challenge, origin, rpID, user verification, counter).
   * A passkey cannot be guessed, so it signs in even while password failures hold the account
   * locked: that is how the owner gets in while someone else is trying passwords.
   */
  async verifyPasskeyAuthentication(input: { challengeId: string; response: AuthenticationResponseJSON } & SignInMeta): Promise<AccountSummary> {
    this.perIp.hit(input.ip);
    const now = this.clock.now();
    const ch = await store.useChallenge(this.db, input.challengeId, 'authenticate', now);
    if (!ch) throw new AppError('EID_CHALLENGE_INVALID');
    const pk = typeof input.response?.id === 'string' ? await store.passkey(this.db, input.response.id) : undefined;
    const a = pk ? await store.account(this.db, pk.account_id) : undefined;
    if (!pk || !a || (ch.id_number && ch.id_number !== a.id_number)) throw new AppError('EID_PASSKEY_FAILED');
    let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
    try {
      verified = await verifyAuthenticationResponse({
        response: input.response, expectedChallenge: ch.challenge, expectedOrigin: this.origin, expectedRPID: this.rpID, requireUserVerification: true,
        credential: { id: pk.credential_id, publicKey: new Uint8Array(pk.public_key), counter: Number(pk.counter), transports: pk.transports },
      });
    } catch {
      verified = { verified: false } as never;
    }
    if (!verified.verified) {
      await store.insertSignIn(this.db, { account_id: a.id, at: now, outcome: 'failure', method: 'passkey', reason: 'assertion_invalid', ip: input.ip, user_agent: input.userAgent });
      throw new AppError('EID_PASSKEY_FAILED');
    }
    await store.usePasskey(this.db, pk.credential_id, verified.authenticationInfo.newCounter, now);
    this.assertUsable(a);
    return summaryOf(a, now);
  }

  // ---- sessions ---------------------------------------------------------------------------------

  /**
   * Opens a session on a device after a successful sign-in: clears the failure count (and a lock),
   * records the sign-in, and queues an SMS to the citizen when the device (IP and browser) is new.
   */
  async startSession(input: { accountId: string; method: SignInMethod; acr: 1 | 2 } & SignInMeta): Promise<{ sessionId: string; token: string; expiresAt: Date }> {
    const now = this.clock.now();
    const a = await store.account(this.db, input.accountId);
    if (!a) throw new AppError('EID_SESSION_ENDED');
    this.assertUsable(a);
    if (input.acr === 2 && Number(a.level) !== 2) throw new AppError('EID_LEVEL2_REQUIRED');
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.settings.sessionTtlMinutes * 60_000);
    const seen = await store.seenDevice(this.db, a.id, input.ip, input.userAgent);
    const session = await this.db.transaction().execute(async (trx) => {
      const s = await store.insertSession(trx, { account_id: a.id, token_hash: tokenHash(token), method: input.method, acr: input.acr, ip: input.ip, user_agent: input.userAgent, created_at: now, last_seen_at: now, expires_at: expiresAt });
      if (a.failed_attempts > 0 || a.locked_until || a.status === 'locked') {
        await store.updateAccount(trx, a.id, { failed_attempts: 0, locked_until: null, ...(a.status === 'locked' ? { status: 'active', status_reason: 'signed_in', status_changed_at: now, status_changed_by: 'system' } : {}) }, now);
      }
      await store.insertSignIn(trx, { account_id: a.id, at: now, outcome: 'success', method: input.method, ip: input.ip, user_agent: input.userAgent });
      if (seen.any && !seen.same) await queueNotice(trx, { kind: 'new_device', accountId: a.id, to: { phone: a.phone }, text: NOTICE.newDevice(now, input.ip, input.userAgent) }, now);
      return s;
    });
    return { sessionId: session.id, token, expiresAt };
  }

  /** Whether a session still stands: not revoked or expired, and its account open and not suspended. */
  async sessionActive(sessionId: string): Promise<boolean> {
    const now = this.clock.now();
    const s = await store.session(this.db, sessionId);
    if (!s || s.revoked_at || s.expires_at <= now) return false;
    const a = await store.account(this.db, s.account_id);
    return !!a && (a.status === 'active' || a.status === 'locked');
  }

  /**
   * Revokes one session of an account; false when the account has no such session. A device the
   * citizen revokes also loses the provider's single sign-on (`identity.sessions.revoked` naming
   * it): the browser signed in with that device session must sign in again, other browsers not.
   */
  async revokeSession(accountId: string, sessionId: string, reason = 'signed_out'): Promise<boolean> {
    const s = await store.session(this.db, sessionId);
    if (!s || s.account_id !== accountId) return false;
    if (reason !== 'revoked_by_citizen') {
      await store.revokeSessions(this.db, accountId, this.clock.now(), reason, { only: sessionId });
      return true;
    }
    await this.db.transaction().execute(async (trx) => {
      if (await store.revokeSessions(trx, accountId, this.clock.now(), reason, { only: sessionId })) await publish(trx, [sessionsRevoked(accountId, null, reason, { sessionIds: [sessionId] })]);
    });
    return true;
  }

  async revokeOtherSessions(accountId: string, keepSessionId: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const n = await store.revokeSessions(trx, accountId, this.clock.now(), 'revoked_by_citizen', { except: keepSessionId });
      if (n) await publish(trx, [sessionsRevoked(accountId, null, 'revoked_by_citizen', { keepSessionId })]);
      return n;
    });
  }

  /** The citizen behind a bearer token or cookie, or null (unknown, revoked, expired, account not usable). */
  async resolveToken(token: string): Promise<CitizenPrincipal | null> {
    if (!token || token.length > 200) return null;
    const now = this.clock.now();
    const s = await store.sessionByToken(this.db, tokenHash(token), now);
    if (!s || (s.status !== 'active' && s.status !== 'locked')) return null;
    if (now.getTime() - s.last_seen_at.getTime() > TOUCH_EVERY_MS) await store.touchSession(this.db, s.id, now);
    return { kind: 'citizen', accountId: s.account_id, idNumber: s.id_number, level: Number(s.level) as 1 | 2, sessionId: s.id };
  }

  async listSessions(accountId: string, currentSessionId: string | null) {
    const rows = await store.sessions(this.db, accountId, this.clock.now());
    return rows.map((s: SessionRow) => ({
      id: s.id, current: s.id === currentSessionId, method: s.method, acr: Number(s.acr), ip: s.ip, userAgent: s.user_agent,
      createdAt: s.created_at.toISOString(), lastSeenAt: s.last_seen_at.toISOString(), expiresAt: s.expires_at.toISOString(),
    }));
  }

  /** The account's sign-ins and failed attempts, a page at a time. */
  async signIns(accountId: string, page: PageRequest<SignInSort>) {
    const rows = await store.signIns(this.db, accountId, { ...page, desc: parseSort(page.sort).desc });
    return pageOf(rows, page, (r) => ({ at: r.at.toISOString(), outcome: r.outcome, method: r.method, reason: r.reason, ip: r.ip, userAgent: r.user_agent }));
  }

  // ---- the citizen's own credentials --------------------------------------------------------------

  private async birthDateOf(idNumber: string) {
    const f = await identityFacts(this.db, idNumber);
    return f ? birthDateOfFacts(f) : ({ kind: 'year', year: 0 } as const);
  }

  /** Refuses a weak password (platform rules, no ID number or birth date inside) naming the field. */
  async assertStrongPassword(password: string, idNumber: string, field = 'password'): Promise<void> {
    const w = citizenPasswordWeakness(password, { idNumber, birthDate: await this.birthDateOf(idNumber) });
    if (w) throw new AppError('EID_WEAK_PASSWORD', { reason: WEAKNESS_TEXT[w] }, [{ field, code: w, message: WEAKNESS_TEXT[w] }]);
  }

  private citizenAudit(a: AccountRow, action: string, now: Date, requestId: string | null | undefined, details: Record<string, unknown> = {}): AuditEntry {
    return { at: now, actorKind: 'citizen', actorId: a.id, action, subjectKind: 'person', subjectId: a.id_number, requestId: requestId ?? null, details };
  }

  /** Checks the current password; a wrong one counts toward the lock. */
  private async confirmPassword(a: AccountRow, password: string, meta: Partial<SignInMeta>, now: Date): Promise<void> {
    if (lockedNow(a, now)) throw this.lockedError(a.locked_until!);
    const ok = a.password_hash !== null && await verifyPassword(a.password_hash, password);
    if (!ok) {
      await this.failed(a, 'password_confirmation', 'wrong_password', meta, now);
      throw new AppError('EID_WRONG_PASSWORD', {}, [fieldError('currentPassword', 'wrong', 'Không đúng.', 'Wrong.')]);
    }
  }

  /** Changes the password (the current one is needed) and ends every other session. */
  async changePassword(p: CitizenPrincipal, input: { currentPassword: string; newPassword: string }, meta: Partial<SignInMeta> & { requestId?: string | null } = {}): Promise<void> {
    const now = this.clock.now();
    const a = await this.mustAccount(p.accountId);
    await this.confirmPassword(a, input.currentPassword, meta, now);
    await this.assertStrongPassword(input.newPassword, a.id_number, 'newPassword');
    const hash = await hashPassword(input.newPassword);
    await this.db.transaction().execute(async (trx) => {
      await store.updateAccount(trx, a.id, { password_hash: hash, password_changed_at: now, failed_attempts: 0 }, now);
      const revoked = await store.revokeSessions(trx, a.id, now, 'password_changed', { except: p.sessionId });
      await recordEffects(trx, { events: [sessionsRevoked(a.id, a.id_number, 'password_changed')], audit: [this.citizenAudit(a, 'eid.password.changed', now, meta.requestId, { sessionsRevoked: revoked })] });
      await queueNotice(trx, { kind: 'password_changed', accountId: a.id, to: { phone: a.phone }, text: NOTICE.passwordChanged(now) }, now);
    });
  }

  /** Starts TOTP enrolment: the secret and its otpauth URI, returned this once (stored sealed). */
  async startTotpEnrolment(p: CitizenPrincipal, requestId?: string): Promise<{ secret: string; uri: string }> {
    const now = this.clock.now();
    const a = await this.mustAccount(p.accountId);
    if (a.totp_enabled_at) throw new AppError('EID_TOTP_ALREADY_ENABLED');
    const secret = generateSecret();
    const uri = generateURI({ issuer: this.settings.rpName ?? 'Open06 eID', label: `${a.id_number.slice(0, 3)}******${a.id_number.slice(-3)}`, secret, period: TOTP_PERIOD_S });
    await store.updateAccount(this.db, a.id, { totp_pending_secret: this.box.seal(secret, a.id) }, now);
    await this.audit.append(this.citizenAudit(a, 'eid.totp.enrolment_started', now, requestId));
    return { secret, uri };
  }

  /** Confirms enrolment with a first code from the app; from now on sign-in asks for a code. */
  async confirmTotpEnrolment(p: CitizenPrincipal, code: string, requestId?: string): Promise<void> {
    const now = this.clock.now();
    const a = await this.mustAccount(p.accountId);
    if (a.totp_enabled_at) throw new AppError('EID_TOTP_ALREADY_ENABLED');
    if (!a.totp_pending_secret) throw new AppError('EID_TOTP_NOT_PENDING');
    const step = await this.totpStep(a.totp_pending_secret, a.id, code, now);
    if (step === null) throw new AppError('EID_SECOND_FACTOR_INVALID', {}, [fieldError('code', 'wrong', 'Mã không đúng.', 'Wrong code.')]);
    await this.db.transaction().execute(async (trx) => {
      await store.updateAccount(trx, a.id, { totp_secret: a.totp_pending_secret, totp_pending_secret: null, totp_enabled_at: now, totp_last_step: step }, now);
      await recordEffects(trx, { events: [], audit: [this.citizenAudit(a, 'eid.totp.enabled', now, requestId)] });
    });
  }

  /** Turns TOTP off (the password is needed). */
  async removeTotp(p: CitizenPrincipal, password: string, meta: Partial<SignInMeta> & { requestId?: string | null } = {}): Promise<void> {
    const now = this.clock.now();
    const a = await this.mustAccount(p.accountId);
    if (!a.totp_enabled_at && !a.totp_pending_secret) throw new AppError('EID_TOTP_NOT_ENABLED');
    await this.confirmPassword(a, password, meta, now);
    await this.db.transaction().execute(async (trx) => {
      await store.updateAccount(trx, a.id, { totp_secret: null, totp_pending_secret: null, totp_enabled_at: null, totp_last_step: null }, now);
      await recordEffects(trx, { events: [], audit: [this.citizenAudit(a, 'eid.totp.removed', now, meta.requestId)] });
    });
  }

  /** Options to register a passkey: discoverable (resident key), user verification required, attestation none. */
  async passkeyRegistrationOptions(p: CitizenPrincipal): Promise<{ challengeId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
    const now = this.clock.now();
    const a = await this.mustAccount(p.accountId);
    const existing = await store.passkeys(this.db, a.id);
    const options = await generateRegistrationOptions({
      rpName: this.settings.rpName ?? 'Open06 eID', rpID: this.rpID,
      userName: a.id_number, userDisplayName: `eID ${a.id_number.slice(0, 3)}******${a.id_number.slice(-3)}`,
      userID: Buffer.from(a.id.replace(/-/g, ''), 'hex'),
      attestationType: 'none', timeout: CHALLENGE_TTL_MS,
      excludeCredentials: existing.map((k) => ({ id: k.credential_id, transports: k.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      supportedAlgorithmIDs: [-7, -257],
    });
    const challengeId = await store.insertChallenge(this.db, { purpose: 'register', account_id: a.id, id_number: a.id_number, challenge: options.challenge, expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS) });
    return { challengeId, options };
  }

  async verifyPasskeyRegistration(p: CitizenPrincipal, input: { challengeId: string; response: RegistrationResponseJSON; name?: string }, requestId?: string) {
    const now = this.clock.now();
    const a = await this.mustAccount(p.accountId);
    const ch = await store.useChallenge(this.db, input.challengeId, 'register', now);
    if (!ch || ch.account_id !== a.id) throw new AppError('EID_CHALLENGE_INVALID');
    let v: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
    try {
      v = await verifyRegistrationResponse({ response: input.response, expectedChallenge: ch.challenge, expectedOrigin: this.origin, expectedRPID: this.rpID, requireUserVerification: true });
    } catch (e) {
      throw new AppError('EID_PASSKEY_REGISTRATION_FAILED', { reason: (e as Error).message.slice(0, 200) });
    }
    if (!v.verified) throw new AppError('EID_PASSKEY_REGISTRATION_FAILED', { reason: 'not verified' });
    const info = v.registrationInfo;
    const row: PasskeyRow = {
      credential_id: info.credential.id, account_id: a.id, public_key: Buffer.from(info.credential.publicKey), counter: info.credential.counter,
      transports: info.credential.transports ?? input.response.response.transports ?? [], name: (input.name ?? '').normalize('NFC').trim().slice(0, 100) || `Passkey ${now.toISOString().slice(0, 10)}`,
      aaguid: info.aaguid, backed_up: info.credentialBackedUp, created_at: now, last_used_at: null,
    };
    await this.db.transaction().execute(async (trx) => {
      if (!(await store.insertPasskey(trx, row))) throw new AppError('EID_PASSKEY_REGISTRATION_FAILED', { reason: 'credential already registered' });
      await recordEffects(trx, { events: [], audit: [this.citizenAudit(a, 'eid.passkey.registered', now, requestId, { credentialId: row.credential_id })] });
    });
    return passkeyView(row);
  }

  async listPasskeys(p: CitizenPrincipal) {
    return (await store.passkeys(this.db, p.accountId)).map(passkeyView);
  }

  async renamePasskey(p: CitizenPrincipal, credentialId: string, name: string) {
    const clean = name.normalize('NFC').trim().slice(0, 100);
    if (!clean) throw new AppError('VALIDATION_FAILED', {}, [fieldError('name', 'required', 'Bắt buộc phải có.', 'Is required.')]);
    if (!(await store.renamePasskey(this.db, p.accountId, credentialId, clean))) throw new AppError('EID_PASSKEY_NOT_FOUND');
    const k = await store.passkey(this.db, credentialId);
    return passkeyView(k!);
  }

  async deletePasskey(p: CitizenPrincipal, credentialId: string, requestId?: string): Promise<void> {
    const now = this.clock.now();
    const a = await this.mustAccount(p.accountId);
    await this.db.transaction().execute(async (trx) => {
      if (!(await store.deletePasskey(trx, a.id, credentialId))) throw new AppError('EID_PASSKEY_NOT_FOUND');
      await recordEffects(trx, { events: [], audit: [this.citizenAudit(a, 'eid.passkey.deleted', now, requestId, { credentialId })] });
    });
  }

  /** Closes the account at the citizen's request (password needed); publishes identity.account.closed. */
  async closeByCitizen(p: CitizenPrincipal, password: string, meta: Partial<SignInMeta> & { requestId?: string | null } = {}): Promise<void> {
    const now = this.clock.now();
    const a = await this.mustAccount(p.accountId);
    await this.confirmPassword(a, password, meta, now);
    await this.db.transaction().execute(async (trx) => {
      const locked = await store.account(trx, a.id, { forUpdate: true });
      if (!locked || locked.status === 'closed') return;
      await closeAccountIn(trx, locked, 'citizen_request', { kind: 'citizen', id: a.id, requestId: meta.requestId ?? null }, now);
      await queueNotice(trx, { kind: 'account_closed', accountId: a.id, to: { phone: locked.phone }, text: NOTICE.accountClosed() }, now);
    });
  }
}

export function passkeyView(k: PasskeyRow) {
  return { credentialId: k.credential_id, name: k.name, transports: k.transports, backedUp: k.backed_up, createdAt: k.created_at.toISOString(), lastUsedAt: k.last_used_at?.toISOString() ?? null };
}
