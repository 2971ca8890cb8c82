import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Platform } from '../../platform/platform.ts';
import { actorOf, citizenOf, readCookie } from '../../platform/http/guard.ts';
import { AppError } from '../../platform/http/errors.ts';
import { Poller } from '../../platform/events/poller.ts';
import { ProblemSchema } from '../../platform/http/schemas.ts';
import { pageQuery, PageSchema } from '../../platform/http/paging.ts';
import { RegistryService } from '../../registry/index.ts';
import { cardsServices } from '../../cards/index.ts';
import { AccountService, SIGN_IN_SORTS } from './accounts.service.ts';
import { closeAccountsOfDeceased, followMissingDeclarations, notifyConsentRequests } from './accounts.consumer.ts';
import { DEFAULT_ENROLMENT_SETTINGS, EnrolmentService, type ChipVerifier, type EnrolmentSettings, type PublicMeta } from './enrolment.service.ts';
import { DevOtpSender, NullOtpSender, type OtpSender } from './otp-sender.ts';
import { NoticeWorker, type NoticeSettings } from './notices.ts';
import { housekeeping, housekeepingSettings } from '../housekeeping.ts';
import * as S from './accounts.schema.ts';

export const CITIZEN_COOKIE = 'open06_citizen';

export interface IdentityAccountsOptions {
  /** Where codes go; default from OTP_SENDER (dev: a DevOtpSender, none: dropped). */
  sender?: OtpSender;
  enrolment?: Partial<EnrolmentSettings>;
  /** Passive authentication of a chip at the counter; default: the cards module's verifier. */
  chipVerifier?: ChipVerifier;
  /** How often the `person.deceased` and consent-request consumers and the notice worker run, in milliseconds; 0 = not in the background. */
  consumerIntervalMs?: number;
  /** How often housekeeping (housekeeping.ts) runs in the background, ms; 0 = not in the background. Default 10 minutes, or never when consumerIntervalMs is 0. */
  housekeepingIntervalMs?: number;
  /** Retries of notices; maxAttempts defaults to EID_NOTICE_MAX_ATTEMPTS. */
  notices?: Partial<NoticeSettings>;
}

export interface IdentityAccountsServices {
  accounts: AccountService;
  enrolment: EnrolmentService;
  sender: OtpSender;
  /** Sends queued notices with retries (notices.ts). */
  notices: NoticeWorker;
}

const shared = new WeakMap<Platform, IdentityAccountsServices>();

/**
 * The accounts services of a platform, made once per platform, so the OpenID Connect provider and
 * these routes share one instance (and one per-IP sign-in counter). The first caller's options win.
 */
export function identityAccountsServices(p: Platform, opts: IdentityAccountsOptions = {}): IdentityAccountsServices {
  const known = shared.get(p);
  if (known) return known;
  const sender = opts.sender ?? (p.config.OTP_SENDER === 'dev' ? new DevOtpSender(() => undefined, () => p.clock.now()) : new NullOtpSender());
  const accounts = new AccountService(p.db, p.clock, p.audit, {
    publicBaseUrl: p.config.PUBLIC_BASE_URL,
    sessionTtlMinutes: p.config.SESSION_TTL_MINUTES,
    maxFailures: p.config.LOGIN_MAX_FAILURES,
    lockMinutes: p.config.LOGIN_LOCK_MINUTES,
    signInsPerIpPerMinute: p.config.LOGIN_MAX_PER_IP_PER_MINUTE,
    secretKey: p.config.EID_KEY_ENCRYPTION_KEY ? Buffer.from(p.config.EID_KEY_ENCRYPTION_KEY, 'base64') : null,
  });
  let chipVerifier = opts.chipVerifier;
  if (!chipVerifier) {
    const { cards } = cardsServices(p);
    chipVerifier = (input) => cards.verifyChip(input);
  }
  const notices = new NoticeWorker(p.db, sender, p.clock, { maxAttempts: p.config.EID_NOTICE_MAX_ATTEMPTS, ...opts.notices });
  const enrolment = new EnrolmentService(p.db, p.clock, p.audit, sender, accounts, new RegistryService(p.db, p.clock), chipVerifier, notices, { ...DEFAULT_ENROLMENT_SETTINGS, ...opts.enrolment });
  const services = { accounts, enrolment, sender, notices };
  shared.set(p, services);
  return services;
}


const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const TAGS = { signIn: ['eID: sign-in'], register: ['eID: registration and recovery'], me: ['eID: my account'], counter: ['eID: officers'], dev: ['eID: development'] };
const UNIFORM = 'The answer is the same whether or not the ID number has an account (a request that matches no account gets a code that is never sent); the owner of an existing account is told on their registered phone. Limited per client IP and per ID number (429 with Retry-After).';
const NO_CACHE = { 'cache-control': 'no-store' };

/** The eID accounts plugin: public flows, the signed-in citizen's credentials, officers' counter and status routes. */
export function identityAccountsModule(p: Platform, opts: IdentityAccountsOptions = {}, services = identityAccountsServices(p, opts)): FastifyPluginAsync {
  const { accounts, enrolment, sender, notices } = services;
  const allowedOrigin = new URL(p.config.PUBLIC_BASE_URL).origin;
  const meta = (req: FastifyRequest): PublicMeta & { userAgent: string | null } => ({ ip: req.ip, userAgent: req.headers['user-agent'] ?? null, requestId: req.id });

  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<TypeBoxTypeProvider>();
    if (sender instanceof DevOtpSender) sender.log = (line) => app.log.info(line);
    notices.log = (level, line) => app.log[level](line);

    // The citizen principal: `Authorization: Bearer <token>` or the `open06_citizen` cookie
    // (cookies ride along cross-site, so an unsafe method with a cookie must come from our origin).
    app.authResolvers.citizen = async (req) => {
      const auth = req.headers.authorization;
      const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
      const cookie = bearer ? null : readCookie(req.headers.cookie, CITIZEN_COOKIE);
      const token = bearer ?? cookie;
      if (!token) return null;
      if (cookie && UNSAFE.has(req.method)) {
        const origin = req.headers.origin;
        if (origin && origin !== allowedOrigin && new URL(origin).host !== req.headers.host) throw new AppError('CSRF_REJECTED');
      }
      const principal = await accounts.resolveToken(token);
      if (!principal) throw new AppError('EID_SESSION_ENDED');
      return principal;
    };

    const poller = new Poller(async () => {
      if ((await closeAccountsOfDeceased(p.db, enrolment)) + (await followMissingDeclarations(p.db, enrolment))) p.chainer.poke();
    }, opts.consumerIntervalMs ?? 1000, (e) => app.log.error({ err: e }, 'identity: person.deceased / declared_missing consumer failed'));
    const portalUrl = `${p.config.PUBLIC_BASE_URL}/portal/consents`;
    const sending = new Poller(async () => {
      await notifyConsentRequests(p.db, portalUrl, p.clock);
      await notices.deliverAll();
    }, opts.consumerIntervalMs ?? 1000, (e) => app.log.error({ err: e }, 'identity: consent-request notices or the notice worker failed'));
    const cleaning = new Poller(() => housekeeping(p.db, p.clock, housekeepingSettings(p.config)), opts.housekeepingIntervalMs ?? (opts.consumerIntervalMs === 0 ? 0 : 600_000), (e) => app.log.error({ err: e }, 'identity: housekeeping failed'));
    app.addHook('onReady', async () => {
      if (!accounts.secretsEncrypted) app.log.warn('identity: TOTP secrets are stored unencrypted; set EID_KEY_ENCRYPTION_KEY in production');
      poller.start();
      sending.start();
      cleaning.start();
    });
    app.addHook('onClose', async () => { await poller.stop(); await sending.stop(); await cleaning.stop(); });
    app.addHook('onResponse', async (req) => { if (UNSAFE.has(req.method)) p.chainer.poke(); });

    const PUBLIC = { auth: { public: true } } as const;
    const CITIZEN = { auth: { citizen: true } } as const;

    // ---- sign-in (the eID app and tests; the OpenID Connect provider calls the service) ----------

    r.post('/api/v1/eid/sessions', {
      config: PUBLIC,
      schema: {
        tags: TAGS.signIn, summary: 'Sign in with ID number and password (and the TOTP code when the account has it on); returns a bearer token',
        description: 'For the eID mobile app and for tests (web sign-in goes through OpenID Connect). One error for an unknown ID number, no account or a wrong password; after LOGIN_MAX_FAILURES failures sign-in with that ID number is blocked for LOGIN_LOCK_MINUTES (423, the same for ID numbers without an account) and can be lifted with /unlock; LOGIN_MAX_PER_IP_PER_MINUTE per client IP (429). acr is 2 for a level-2 account signed in with a second factor, else 1.',
        body: S.SignInBody, response: { 200: S.SignedInSchema, 401: ProblemSchema, 403: ProblemSchema, 423: ProblemSchema, 429: ProblemSchema },
      },
    }, async (req, reply) => {
      const m = meta(req);
      const { account, secondFactor } = await accounts.authenticatePassword({ idNumber: req.body.idNumber, password: req.body.password, ip: m.ip, userAgent: m.userAgent });
      if (secondFactor === 'totp') {
        if (!req.body.totp) throw new AppError('EID_SECOND_FACTOR_REQUIRED', {}, [{ field: 'totp', code: 'required', message: { vi: 'Cần mã từ ứng dụng xác thực.', en: 'The authenticator code is required.' } }]);
        await accounts.verifySecondFactor(account.id, req.body.totp, m);
      }
      const method = secondFactor ? 'password+totp' : 'password';
      const acr = account.level === 2 && secondFactor ? 2 : 1;
      const s = await accounts.startSession({ accountId: account.id, method, acr, ip: m.ip, userAgent: m.userAgent });
      return reply.status(200).headers(NO_CACHE).send({ token: s.token, sessionId: s.sessionId, expiresAt: s.expiresAt.toISOString(), account: (await accounts.getAccount(account.id))! });
    });

    r.delete('/api/v1/eid/sessions', {
      config: CITIZEN,
      schema: { tags: TAGS.signIn, summary: 'Sign out: revokes the session of the token used', response: { 204: S.NoContent, 401: ProblemSchema } },
    }, async (req, reply) => {
      const c = citizenOf(req);
      await accounts.revokeSession(c.accountId, c.sessionId, 'signed_out');
      return reply.status(204).send(null);
    });

    r.post('/api/v1/eid/passkeys/authentication/options', {
      config: PUBLIC,
      schema: { tags: TAGS.signIn, summary: 'Options (challenge) for a passkey sign-in; discoverable credentials, user verification required', description: 'allowCredentials is always empty, so the answer says nothing about accounts; an ID number, when given, binds the challenge to that person.', body: S.PasskeyOptionsBody, response: { 200: S.ChallengeSchema } },
    }, async (req) => accounts.passkeyAuthenticationOptions(req.body.idNumber ? { idNumber: req.body.idNumber } : {}));

    r.post('/api/v1/eid/passkeys/authentication', {
      config: PUBLIC,
      schema: { tags: TAGS.signIn, summary: 'Sign in with a passkey assertion; returns a bearer token (acr 2 for a level-2 account)', body: S.PasskeySignInBody, response: { 200: S.SignedInSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 429: ProblemSchema } },
    }, async (req, reply) => {
      const m = meta(req);
      const account = await accounts.verifyPasskeyAuthentication({ challengeId: req.body.challengeId, response: req.body.response as unknown as AuthenticationResponseJSON, ip: m.ip, userAgent: m.userAgent });
      const s = await accounts.startSession({ accountId: account.id, method: 'passkey', acr: account.level, ip: m.ip, userAgent: m.userAgent });
      return reply.status(200).headers(NO_CACHE).send({ token: s.token, sessionId: s.sessionId, expiresAt: s.expiresAt.toISOString(), account: (await accounts.getAccount(account.id))! });
    });

    // ---- registration, activation, unlock, password reset (public) --------------------------------

    r.post('/api/v1/eid/registrations', {
      config: PUBLIC,
      schema: {
        tags: TAGS.register, summary: 'Level 1, step 1: ID number, full name, birth date (and card issue date) checked against the population database; a code goes to the phone',
        description: `Details that do not match a living person give one error (EID_REGISTRY_MISMATCH) that does not say which detail failed. Under 14: a parent registers the child (POST /api/v1/eid/me/children). ${UNIFORM}`,
        body: S.RegistrationBody, response: { 202: S.FlowStartedSchema, 400: ProblemSchema, 422: ProblemSchema, 429: ProblemSchema },
      },
    }, async (req, reply) => reply.status(202).send(await enrolment.startRegistration(req.body, meta(req))));

    r.post('/api/v1/eid/registrations/:flowId/confirm', {
      config: PUBLIC,
      schema: { tags: TAGS.register, summary: 'Level 1, step 2: the code and a password; the account is active at level 1', description: 'A wrong code counts (5 attempts, then a new code is needed); codes expire after 10 minutes.', params: S.FlowParams, body: S.CodePasswordBody, response: { 201: S.AccountResponse, 400: ProblemSchema, 409: ProblemSchema, 410: ProblemSchema } },
    }, async (req, reply) => reply.status(201).send({ account: await enrolment.confirmRegistration(req.params.flowId, req.body, meta(req)) }));

    r.post('/api/v1/eid/activation', {
      config: PUBLIC,
      schema: { tags: TAGS.register, summary: 'Activate with the code given at the counter (level 2): sets the password (optional when upgrading an account that has one)', body: S.ActivationBody, response: { 200: S.AccountResponse, 400: ProblemSchema, 409: ProblemSchema, 410: ProblemSchema } },
    }, async (req) => ({ account: await enrolment.activate(req.body, meta(req)) }));

    r.post('/api/v1/eid/unlock', {
      config: PUBLIC,
      schema: { tags: TAGS.register, summary: 'Self-service unlock, step 1: ID number and the registered phone; a code goes to it when the account is locked', description: UNIFORM, body: S.UnlockBody, response: { 202: S.FlowStartedSchema, 400: ProblemSchema, 429: ProblemSchema } },
    }, async (req, reply) => reply.status(202).send(await enrolment.startUnlock(req.body, meta(req))));

    r.post('/api/v1/eid/unlock/:flowId/confirm', {
      config: PUBLIC,
      schema: { tags: TAGS.register, summary: 'Self-service unlock, step 2: the code', params: S.FlowParams, body: S.CodeBody, response: { 200: S.UnlockedSchema, 400: ProblemSchema, 410: ProblemSchema } },
    }, async (req) => enrolment.confirmUnlock(req.params.flowId, req.body, meta(req)));

    r.post('/api/v1/eid/password-reset', {
      config: PUBLIC,
      schema: { tags: TAGS.register, summary: 'Forgotten password (level 1), step 1: ID number, name, birth date and the registered phone', description: `A level-2 account is recovered only at a police office: when every detail matches a level-2 account the answer is EID_LEVEL2_RESET_AT_COUNTER. ${UNIFORM}`, body: S.ResetBody, response: { 202: S.FlowStartedSchema, 400: ProblemSchema, 409: ProblemSchema, 429: ProblemSchema } },
    }, async (req, reply) => reply.status(202).send(await enrolment.startPasswordReset(req.body, meta(req))));

    r.post('/api/v1/eid/password-reset/:flowId/confirm', {
      config: PUBLIC,
      schema: { tags: TAGS.register, summary: 'Forgotten password, step 2: the code and a new password; every session ends', params: S.FlowParams, body: S.CodePasswordBody, response: { 200: S.ResetSchema, 400: ProblemSchema, 410: ProblemSchema } },
    }, async (req) => enrolment.confirmPasswordReset(req.params.flowId, req.body, meta(req)));

    // ---- the signed-in citizen ---------------------------------------------------------------------

    r.get('/api/v1/eid/me', { config: CITIZEN, schema: { tags: TAGS.me, summary: 'My eID account', response: { 200: S.MeSchema, 401: ProblemSchema } } }, async (req) => accounts.me(citizenOf(req).accountId));

    r.post('/api/v1/eid/me/password', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Change my password (the current one is needed); my other sessions end', body: S.ChangePasswordBody, response: { 204: S.NoContent, 400: ProblemSchema, 403: ProblemSchema } },
    }, async (req, reply) => {
      await accounts.changePassword(citizenOf(req), req.body, meta(req));
      return reply.status(204).send(null);
    });

    r.post('/api/v1/eid/me/totp', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Start authenticator (TOTP) enrolment: the secret and otpauth URI, shown this once', response: { 200: S.TotpEnrolmentSchema, 409: ProblemSchema } },
    }, async (req, reply) => reply.headers(NO_CACHE).send(await accounts.startTotpEnrolment(citizenOf(req), req.id)));

    r.post('/api/v1/eid/me/totp/confirm', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Confirm TOTP enrolment with a first code; sign-in then asks for a code', body: S.CodeBody, response: { 204: S.NoContent, 401: ProblemSchema, 409: ProblemSchema } },
    }, async (req, reply) => {
      await accounts.confirmTotpEnrolment(citizenOf(req), req.body.code, req.id);
      return reply.status(204).send(null);
    });

    r.delete('/api/v1/eid/me/totp', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Turn TOTP off (the password is needed)', body: S.PasswordBody, response: { 204: S.NoContent, 403: ProblemSchema, 409: ProblemSchema } },
    }, async (req, reply) => {
      await accounts.removeTotp(citizenOf(req), req.body.password, meta(req));
      return reply.status(204).send(null);
    });

    r.post('/api/v1/eid/me/passkeys/options', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Options (challenge) to register a passkey: discoverable, user verification required, attestation none', response: { 200: S.ChallengeSchema } },
    }, async (req) => accounts.passkeyRegistrationOptions(citizenOf(req)));

    r.post('/api/v1/eid/me/passkeys', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Register a passkey from the authenticator\'s response', body: S.PasskeyRegisterBody, response: { 201: S.PasskeySchema, 400: ProblemSchema } },
    }, async (req, reply) => reply.status(201).send(await accounts.verifyPasskeyRegistration(citizenOf(req), { challengeId: req.body.challengeId, response: req.body.response as unknown as RegistrationResponseJSON, ...(req.body.name ? { name: req.body.name } : {}) }, req.id)));

    r.get('/api/v1/eid/me/passkeys', { config: CITIZEN, schema: { tags: TAGS.me, summary: 'My passkeys', response: { 200: S.ItemsOf(S.PasskeySchema) } } }, async (req) => ({ items: await accounts.listPasskeys(citizenOf(req)) }));

    r.patch('/api/v1/eid/me/passkeys/:credentialId', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Rename a passkey', params: S.PasskeyParams, body: S.RenameBody, response: { 200: S.PasskeySchema, 404: ProblemSchema } },
    }, async (req) => accounts.renamePasskey(citizenOf(req), req.params.credentialId, req.body.name));

    r.delete('/api/v1/eid/me/passkeys/:credentialId', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Delete a passkey', params: S.PasskeyParams, response: { 204: S.NoContent, 404: ProblemSchema } },
    }, async (req, reply) => {
      await accounts.deletePasskey(citizenOf(req), req.params.credentialId, req.id);
      return reply.status(204).send(null);
    });

    r.get('/api/v1/eid/me/sessions', { config: CITIZEN, schema: { tags: TAGS.me, summary: 'My sessions (devices), the current one marked', response: { 200: S.ItemsOf(S.SessionSchema) } } }, async (req) => {
      const c = citizenOf(req);
      return { items: await accounts.listSessions(c.accountId, c.sessionId) };
    });

    r.delete('/api/v1/eid/me/sessions/:sessionId', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Revoke one of my sessions (sign a device out)', params: S.SessionParams, response: { 204: S.NoContent, 404: ProblemSchema } },
    }, async (req, reply) => {
      if (!(await accounts.revokeSession(citizenOf(req).accountId, req.params.sessionId, 'revoked_by_citizen'))) throw new AppError('EID_SESSION_NOT_FOUND');
      return reply.status(204).send(null);
    });

    r.post('/api/v1/eid/me/sessions/revoke-others', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Revoke every session but this one' },
    }, async (req) => {
      const c = citizenOf(req);
      return { revoked: await accounts.revokeOtherSessions(c.accountId, c.sessionId) };
    });

    r.get('/api/v1/eid/me/sign-ins', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'My sign-ins and failed attempts, a page at a time (newest first unless `sort=at`)', description: 'Entries older than `retentionMonths` (EID_SIGN_IN_RETENTION_MONTHS) are deleted.', querystring: Type.Object(pageQuery(SIGN_IN_SORTS, '-at')), response: { 200: Type.Composite([PageSchema(S.SignInRecordSchema), Type.Object({ retentionMonths: Type.Integer() })]) } },
    }, async (req) => ({ ...(await accounts.signIns(citizenOf(req).accountId, req.query)), retentionMonths: p.config.EID_SIGN_IN_RETENTION_MONTHS }));

    r.post('/api/v1/eid/me/children', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Open a level-1 account for my child under 14 (I need a level-2 account; the registry must name me as father or mother)', body: S.ChildBody, response: { 201: S.AccountResponse, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema } },
    }, async (req, reply) => reply.status(201).send({ account: await enrolment.registerChild(citizenOf(req), req.body, req.id) }));

    r.post('/api/v1/eid/me/close', {
      config: CITIZEN,
      schema: { tags: TAGS.me, summary: 'Close my account (the password is needed); every session ends', body: S.PasswordBody, response: { 204: S.NoContent, 403: ProblemSchema } },
    }, async (req, reply) => {
      await accounts.closeByCitizen(citizenOf(req), req.body.password, meta(req));
      return reply.status(204).send(null);
    });

    // ---- officers ----------------------------------------------------------------------------------

    const counterBody = (b: S.CounterBodyT) => ({
      idNumber: b.idNumber, faceMatch: b.faceMatch, phone: b.phone, email: b.email ?? null,
      chip: { sod: Buffer.from(b.chip.sod, 'base64'), dataGroups: new Map(Object.entries(b.chip.dataGroups).flatMap(([k, v]) => (v === undefined ? [] : [[Number(k.slice(2)), Buffer.from(v, 'base64')] as [number, Buffer]]))) },
    });
    const COUNTER_NOTE = 'card_officer, the person within the officer\'s jurisdiction. The chip must pass passive authentication (every check, the card valid) and be this person\'s; the officer records the face match. Every attempt, refused or not, is recorded (officer, office, time, chip outcome, face match) and audited.';

    r.post('/api/v1/eid/counter/level2', {
      config: { auth: { roles: ['card_officer'] } },
      schema: { tags: TAGS.counter, summary: 'Level 2 at the counter: create a level-2 account pending activation, or upgrade a level-1 account; an activation code goes to the phone', description: COUNTER_NOTE, body: S.CounterBody, response: { 201: S.CounterResultSchema, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema } },
    }, async (req, reply) => reply.status(201).send(await enrolment.atCounter(actorOf(req), req.id, 'enrolment', counterBody(req.body as S.CounterBodyT))));

    r.post('/api/v1/eid/counter/recovery', {
      config: { auth: { roles: ['card_officer'] } },
      schema: { tags: TAGS.counter, summary: 'Level-2 recovery at the counter: the account returns to pending activation (sessions end) and a new activation code goes to the phone', description: COUNTER_NOTE, body: S.CounterBody, response: { 200: S.CounterResultSchema, 403: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema } },
    }, async (req) => enrolment.atCounter(actorOf(req), req.id, 'recovery', counterBody(req.body as S.CounterBodyT)));

    const STATUS_AUTH = { auth: { roles: ['supervisor', 'card_officer'] } } as const;
    r.get('/api/v1/eid/accounts/:idNumber', {
      config: STATUS_AUTH,
      schema: { tags: TAGS.counter, summary: 'A person\'s eID account with its level-2 verifications (audited read)', params: S.PersonParams, response: { 200: S.OfficerAccountSchema, 403: ProblemSchema, 404: ProblemSchema } },
    }, async (req) => enrolment.officerView(actorOf(req), req.params.idNumber, req.id));

    r.post('/api/v1/eid/accounts/:idNumber/suspend', {
      config: STATUS_AUTH,
      schema: { tags: TAGS.counter, summary: 'Suspend an account (reason required; sessions end; publishes identity.account.suspended)', params: S.PersonParams, body: S.ReasonBody, response: { 200: S.AccountResponse, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema } },
    }, async (req) => ({ account: await enrolment.setSuspended(actorOf(req), req.params.idNumber, true, req.body, req.id) }));

    r.post('/api/v1/eid/accounts/:idNumber/reactivate', {
      config: STATUS_AUTH,
      schema: { tags: TAGS.counter, summary: 'Reactivate a suspended account (reason required)', params: S.PersonParams, body: S.ReasonBody, response: { 200: S.AccountResponse, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema } },
    }, async (req) => ({ account: await enrolment.setSuspended(actorOf(req), req.params.idNumber, false, req.body, req.id) }));

    // ---- development: the messages the dev sender kept (OTP_SENDER=dev only) -----------------------

    if (sender instanceof DevOtpSender) {
      r.get('/api/v1/eid/dev/messages', {
        config: PUBLIC,
        schema: { tags: TAGS.dev, summary: 'DEVELOPMENT ONLY (OTP_SENDER=dev): the SMS the dev sender would have sent to a phone, oldest first', querystring: S.DevMessagesQuery },
      }, async (req) => ({ items: sender.to(req.query.phone).map((m) => ({ at: m.at, purpose: m.purpose, text: m.text })) }));
    }
  };
}
