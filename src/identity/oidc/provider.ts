/**
 * The OpenID Connect provider (oidc-provider, an OpenID-certified library) configured for eID:
 * authorization code flow only with PKCE S256, private_key_jwt client authentication (client
 * secrets only for clients an admin marks so), PAR, DPoP, RP-initiated logout, refresh tokens
 * rotated with reuse detection, eID levels as `acr`, pairwise subjects per sector, and JWT access
 * tokens for the data-exchange gateway (client credentials of partner systems).
 */
import { createHmac } from 'node:crypto';
import type { Kysely } from 'kysely';
import Provider, { interactionPolicy, errors, type Configuration, type KoaContextWithOIDC, type ClientMetadata } from 'oidc-provider';
import type { AuditWriter } from '../../platform/audit/index.ts';
import { personRecord } from '../../registry/index.ts';
import { pgAdapterFactory } from './adapter.ts';
import { DEVICE_SESSION_RESULT_KEY, linkDeviceSession } from './sso-links.ts';
import type { ClientStore } from './clients.ts';
import { SCOPE_CLAIMS, claimsOf, fieldsOfScopes } from './claims.ts';
import { ACR, levelOfAcr, requiredLevel } from './levels.ts';
import { errorPage, logoutPage, loggedOutPage } from './pages.ts';
import type { PrivateJwk } from '../../platform/keys/jose-keys.ts';

export const EXCHANGE_RESOURCE = 'urn:open06:exchange';
export const EXCHANGE_SCOPE = 'exchange';

/** What the provider needs of the eID accounts. */
export interface AccountPort {
  getAccount(accountId: string): Promise<{ id: string; idNumber: string; level: 1 | 2; status: string } | null>;
  /** The verified phone number, released with the `phone` scope. */
  phoneOf(accountId: string): Promise<string | null>;
}

export interface ProviderDeps {
  issuer: string;
  db: Kysely<any>;
  clients: ClientStore;
  accounts: AccountPort;
  audit: AuditWriter;
  keys: PrivateJwk[];
  cookieKeys: string[];
  pairwiseSalt: string;
  secureCookies: boolean;
  ttl?: Partial<{ accessToken: number; idToken: number; refreshToken: number; session: number; grant: number; clientCredentials: number }>;
}

type Ctx = KoaContextWithOIDC;

function clientNumber(client: { metadata(): ClientMetadata } | undefined, key: string): number {
  const v = client?.metadata()[key];
  return typeof v === 'number' ? v : 1;
}

export function clientKind(client: { metadata(): ClientMetadata } | undefined): string {
  return String(client?.metadata().open06_kind ?? '');
}

/** The level the current authorization request needs. */
export function levelNeeded(ctx: Ctx): 1 | 2 {
  const acrValues = ctx.oidc.params?.acr_values;
  return requiredLevel(clientNumber(ctx.oidc.client, 'open06_min_level'), typeof acrValues === 'string' ? acrValues : undefined);
}

function policy() {
  const { Check, base } = interactionPolicy;
  const prompts = base();
  const login = prompts.get('login')!;
  // Step-up: a session below the level the client or the request needs signs in again (the
  // interaction then asks for the missing factor, or refuses a level-1 account).
  login.checks.add(new Check('eid_level', 'a higher eID assurance level is required', 'login_required', (ctx: Ctx) => {
    if (!ctx.oidc.session?.accountId) return Check.NO_NEED_TO_PROMPT;
    return levelOfAcr(ctx.oidc.session.acr) < levelNeeded(ctx) ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT;
  }));
  return prompts;
}

export function createProvider(d: ProviderDeps): Provider {
  const ttl = { accessToken: 600, idToken: 600, refreshToken: 30 * 86400, session: 3600, grant: 365 * 86400, clientCredentials: 600, ...d.ttl };
  const configuration: Configuration = {
    adapter: pgAdapterFactory(d.db, d.clients),
    jwks: { keys: d.keys as unknown as NonNullable<Configuration['jwks']>['keys'] },
    cookies: {
      keys: d.cookieKeys,
      long: { signed: true, secure: d.secureCookies, sameSite: 'lax', httpOnly: true },
      short: { signed: true, secure: d.secureCookies, sameSite: 'lax', httpOnly: true },
    },
    // acr, amr and auth_time belong to every ID token: relying parties need the level reached.
    claims: { ...Object.fromEntries(Object.entries(SCOPE_CLAIMS).map(([k, v]) => [k, [...v]])), openid: ['sub', 'acr', 'amr', 'auth_time', 'sid'] },
    scopes: ['openid', 'offline_access', ...Object.keys(SCOPE_CLAIMS).filter((s) => s !== 'openid'), EXCHANGE_SCOPE],
    acrValues: [ACR[1], ACR[2]],
    subjectTypes: ['public', 'pairwise'],
    pairwiseIdentifier: async (_ctx, accountId, client) => createHmac('sha256', d.pairwiseSalt).update(`${String(client.metadata().open06_sector ?? client.clientId)}|${accountId}`).digest('base64url'),
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['private_key_jwt', 'client_secret_basic'],
    enabledJWA: {
      clientAuthSigningAlgValues: ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'],
      idTokenSigningAlgValues: ['ES256'],
      userinfoSigningAlgValues: ['ES256'],
      requestObjectSigningAlgValues: ['ES256', 'PS256', 'RS256', 'EdDSA'],
      dPoPSigningAlgValues: ['ES256', 'PS256', 'RS256', 'EdDSA'],
    },
    clientDefaults: { grant_types: ['authorization_code'], id_token_signed_response_alg: 'ES256', response_types: ['code'], token_endpoint_auth_method: 'private_key_jwt' },
    extraClientMetadata: { properties: ['open06_kind', 'open06_min_level', 'open06_sector', 'open06_organisation'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      dPoP: { enabled: true },
      claimsParameter: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => { ctx.type = 'html'; ctx.body = logoutPage(ctx, form); },
        postLogoutSuccessSource: async (ctx) => { ctx.type = 'html'; ctx.body = loggedOutPage(ctx); },
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (ctx: Ctx, client) => (ctx.oidc.route === 'token' && clientKind(client) === 'partner_system' ? EXCHANGE_RESOURCE : undefined) as string,
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx: Ctx, resource: string, client) => {
          if (resource !== EXCHANGE_RESOURCE || clientKind(client) !== 'partner_system') throw new errors.InvalidTarget();
          return { scope: EXCHANGE_SCOPE, audience: EXCHANGE_RESOURCE, accessTokenTTL: ttl.clientCredentials, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } };
        },
      },
    },
    interactions: { policy: policy(), url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}` },
    // Consent is remembered per client across browsers: the account's existing grant for the client.
    loadExistingGrant: async (ctx: Ctx) => {
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session?.grantIdFor(ctx.oidc.client!.clientId) ?? await latestGrantId(d.db, ctx.oidc.session!.accountId!, ctx.oidc.client!.clientId);
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    issueRefreshToken: async (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: ttl.accessToken, AuthorizationCode: 60, IdToken: ttl.idToken, RefreshToken: ttl.refreshToken, Interaction: 900,
      Session: ttl.session, Grant: ttl.grant, ClientCredentials: ttl.clientCredentials,
    },
    findAccount: async (ctx: Ctx, sub: string) => {
      const account = await d.accounts.getAccount(sub);
      if (!account || account.status !== 'active') return undefined;
      return {
        accountId: account.id,
        claims: async (use: string, scope: string) => {
          const person = await personRecord(d.db, account.idNumber);
          if (!person) return { sub: account.id };
          const scopes = scope.split(' ').filter(Boolean);
          const phone = scopes.includes('phone') ? await d.accounts.phoneOf(account.id) : null;
          const client = ctx.oidc.client;
          await d.audit.append({
            at: new Date(), actorKind: 'partner', actorId: client?.clientId ?? 'unknown', action: 'eid.claims.release',
            subjectKind: 'person', subjectId: account.idNumber, fields: fieldsOfScopes(scopes),
            purpose: 'sign-in', legalBasis: ctx.oidc.entities.Grant ? `sign-in-consent:${ctx.oidc.entities.Grant.jti}` : 'sign-in-consent',
            details: { use, scopes, organisation: client?.metadata().open06_organisation ?? null },
          });
          return { sub: account.id, ...claimsOf(person, phone) };
        },
      };
    },
    renderError: async (ctx, out) => { ctx.type = 'html'; ctx.body = errorPage(ctx, out as { error?: string; error_description?: string }); },
    conformIdTokenClaims: true,
  };
  const provider = new Provider(d.issuer, configuration);
  provider.proxy = false;
  // After a sign-in resumes the authorization, the browser's provider Session is saved: link it to
  // the device session the interaction started (sso-links.ts).
  provider.use(async (ctx, next) => {
    await next();
    if ((ctx as { _matchedRouteName?: string })._matchedRouteName !== 'resume') return;
    const oidc = (ctx as Ctx).oidc;
    const device = (oidc.result as Record<string, unknown> | undefined)?.[DEVICE_SESSION_RESULT_KEY];
    if (typeof device === 'string' && oidc.session?.accountId && oidc.session.uid) await linkDeviceSession(d.db, oidc.session.uid, device);
  });
  return provider;
}

async function latestGrantId(db: Kysely<any>, accountId: string, clientId: string): Promise<string | undefined> {
  const r = await db.selectFrom('identity.oidc_payloads').select('id')
    .where('model', '=', 'Grant').where('account_id', '=', accountId)
    .where((eb) => eb(eb.ref('payload', '->>').key('clientId' as never), '=', clientId))
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', new Date())]))
    .orderBy('expires_at', 'desc').limit(1).executeTakeFirst();
  return r?.id;
}
