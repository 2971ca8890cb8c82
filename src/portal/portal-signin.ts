/**
 * The citizen portal signs citizens in as an OpenID Connect client of our own provider (a
 * backend-for-frontend: the browser never holds tokens, only an HttpOnly session cookie).
 *
 *   GET /portal/login?returnTo=/…   → the provider's authorization endpoint (PKCE S256, state, nonce)
 *   GET /portal/callback            → code exchanged with private_key_jwt; a citizen session starts
 *   GET /portal/logout              → the session ends here and at the provider (RP-initiated logout)
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as oidc from 'openid-client';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Platform } from '../platform/platform.ts';
import { ACR, levelOfAcr } from '../identity/oidc/levels.ts';
import { oidcServices } from '../identity/oidc/oidc.module.ts';
import { linkDeviceSessionByCode } from '../identity/oidc/sso-links.ts';
import { readCookie } from '../platform/http/guard.ts';

export const PORTAL_CLIENT_ID = 'open06-portal';
export const CITIZEN_COOKIE = 'open06_citizen';
const TX_COOKIE = 'open06_portal_tx';
const IDT_COOKIE = 'open06_portal_idt';
const PORTAL_SCOPES = ['profile', 'id_number', 'residence', 'household', 'phone'];

export interface PortalSessions {
  startSession(i: { accountId: string; method: 'password' | 'password+totp' | 'passkey'; acr: 1 | 2; ip: string; userAgent: string }): Promise<{ sessionId: string; token: string; expiresAt: Date }>;
  resolveToken(token: string): Promise<{ accountId: string; sessionId: string } | null>;
  revokeSession(accountId: string, sessionId: string, reason?: string): Promise<boolean>;
}


function setCookie(reply: FastifyReply, name: string, value: string, o: { maxAge: number; sameSite: 'Strict' | 'Lax'; secure: boolean; path?: string }) {
  const parts = [`${name}=${encodeURIComponent(value)}`, `Path=${o.path ?? '/'}`, 'HttpOnly', `SameSite=${o.sameSite}`, `Max-Age=${o.maxAge}`];
  if (o.secure) parts.push('Secure');
  const prev = reply.getHeader('set-cookie');
  reply.header('set-cookie', [...(Array.isArray(prev) ? prev : prev ? [String(prev)] : []), parts.join('; ')]);
}

/** Only a path of this site: an open redirect would let a phishing link bounce through the portal. */
export function safeReturnTo(v: unknown): string {
  return typeof v === 'string' && /^\/(?!\/)[\w\-./?=&%]*$/.test(v) && !v.includes('\\') ? v : '/portal';
}

async function portalKey(db: Kysely<any>): Promise<JWK> {
  const existing = await db.selectFrom('identity.oidc_secrets').select('value').where('name', '=', 'portal-client-key').executeTakeFirst();
  if (existing) return JSON.parse(existing.value as string) as JWK;
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `portal-${randomBytes(6).toString('hex')}`, alg: 'ES256', use: 'sig' };
  await db.insertInto('identity.oidc_secrets').values({ name: 'portal-client-key', value: JSON.stringify(jwk) }).onConflict((oc) => oc.column('name').doNothing()).execute();
  return portalKey(db);
}

/** Registers (or refreshes) the portal as a first-party client; returns its private key. */
export async function ensurePortalClient(p: Platform): Promise<JWK> {
  const key = await portalKey(p.db);
  const { d: _d, ...pub } = key;
  const base = p.config.PUBLIC_BASE_URL;
  await oidcServices(p).clients.save({
    clientId: PORTAL_CLIENT_ID, kind: 'first_party', organisation: 'Cổng công dân Open06 / Open06 citizen portal',
    purpose: { vi: 'Cho bạn xem và quản lý dữ liệu của mình', en: 'To let you see and manage your own data' },
    redirectUris: [`${base}/portal/callback`], postLogoutRedirectUris: [`${base}/portal`],
    jwks: { keys: [pub] }, scopes: PORTAL_SCOPES, minLevel: 1,
  }, 'system', async () => undefined);
  return key;
}

export async function portalSignInRoutes(app: FastifyInstance, p: Platform, sessions: PortalSessions): Promise<void> {
  const secure = p.config.COOKIE_SECURE;
  const base = p.config.PUBLIC_BASE_URL;
  const key = await ensurePortalClient(p);
  let config: Promise<oidc.Configuration> | null = null;
  // Discovery runs on first use: the provider is this very server, which is not listening yet at start-up.
  const rp = () => {
    config ??= (async () => oidc.discovery(new URL(`${base}/oidc`), PORTAL_CLIENT_ID, { id_token_signed_response_alg: 'ES256' },
      oidc.PrivateKeyJwt({ key: await importJWK(key, 'ES256') as CryptoKey, kid: key.kid! }),
      base.startsWith('http://') ? { execute: [oidc.allowInsecureRequests] } : {}))().catch((e) => { config = null; throw e; });
    return config;
  };

  app.get('/portal/login', { schema: { hide: true } }, async (req: FastifyRequest, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const verifier = oidc.randomPKCECodeVerifier();
    const tx = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier, returnTo: safeReturnTo(q.returnTo) };
    const url = oidc.buildAuthorizationUrl(await rp(), {
      redirect_uri: `${base}/portal/callback`, scope: `openid ${PORTAL_SCOPES.join(' ')}`,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      state: tx.state, nonce: tx.nonce, ...(q.level === '2' ? { acr_values: ACR[2] } : {}), ...(q.lang === 'en' || q.lang === 'vi' ? { ui_locales: q.lang } : {}),
    });
    setCookie(reply, TX_COOKIE, Buffer.from(JSON.stringify(tx)).toString('base64url'), { maxAge: 900, sameSite: 'Lax', secure, path: '/portal' });
    return reply.redirect(url.href, 303);
  });

  app.get('/portal/callback', { schema: { hide: true } }, async (req, reply) => {
    const raw = readCookie(req.headers.cookie, TX_COOKIE);
    const q = req.query as Record<string, string | undefined>;
    if (q.error) return reply.redirect(`/portal?signin_error=${encodeURIComponent(q.error)}`, 303);
    if (!raw) return reply.redirect('/portal?signin_error=expired', 303);
    const tx = JSON.parse(Buffer.from(raw, 'base64url').toString()) as { state: string; nonce: string; verifier: string; returnTo: string };
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(await rp(), new URL(req.url, base), { pkceCodeVerifier: tx.verifier, expectedState: tx.state, expectedNonce: tx.nonce });
    } catch (e) {
      req.log.warn({ err: (e as Error).message }, 'portal: code exchange failed');
      return reply.redirect('/portal?signin_error=exchange', 303);
    }
    const claims = tokens.claims()!;
    const amr = (claims.amr as string[] | undefined) ?? [];
    const level = levelOfAcr(claims.acr as string | undefined) === 2 ? 2 : 1;
    const session = await sessions.startSession({ accountId: claims.sub, method: amr.includes('hwk') ? 'passkey' : amr.includes('otp') ? 'password+totp' : 'password', acr: level, ip: req.ip, userAgent: req.headers['user-agent'] ?? '' });
    // This browser's provider Session ends with this device session (and survives the others' revocation).
    await linkDeviceSessionByCode(p.db, String(q.code ?? ''), session.sessionId);
    const maxAge = Math.max(60, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000));
    setCookie(reply, TX_COOKIE, '', { maxAge: 0, sameSite: 'Lax', secure, path: '/portal' });
    setCookie(reply, CITIZEN_COOKIE, session.token, { maxAge, sameSite: 'Strict', secure });
    if (tokens.id_token) setCookie(reply, IDT_COOKIE, tokens.id_token, { maxAge, sameSite: 'Lax', secure, path: '/portal' });
    return reply.redirect(tx.returnTo, 303);
  });

  app.get('/portal/logout', { schema: { hide: true } }, async (req, reply) => {
    const token = readCookie(req.headers.cookie, CITIZEN_COOKIE);
    if (token) {
      const s = await sessions.resolveToken(token);
      if (s) await sessions.revokeSession(s.accountId, s.sessionId, 'signed_out');
    }
    const idToken = readCookie(req.headers.cookie, IDT_COOKIE);
    setCookie(reply, CITIZEN_COOKIE, '', { maxAge: 0, sameSite: 'Strict', secure });
    setCookie(reply, IDT_COOKIE, '', { maxAge: 0, sameSite: 'Lax', secure, path: '/portal' });
    const end = oidc.buildEndSessionUrl(await rp(), { post_logout_redirect_uri: `${base}/portal`, ...(idToken ? { id_token_hint: idToken } : {}) });
    return reply.redirect(end.href, 303);
  });
}
