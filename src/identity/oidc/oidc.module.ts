/**
 * The OpenID Connect provider mounted at /oidc, its interaction pages, the admin API for clients,
 * the citizen's list of authorised applications, and the reactions to closed accounts.
 */
import type { Localised } from '../../platform/i18n/lang.ts';
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type Provider from 'oidc-provider';
import type { Platform } from '../../platform/platform.ts';
import { actorOf, citizenOf } from '../../platform/http/guard.ts';
import { AppError } from '../../platform/http/errors.ts';
import { consumeAll } from '../../platform/events/outbox.ts';
import { Poller } from '../../platform/events/poller.ts';
import { JoseKeys, platformKeys } from '../../platform/keys/jose-keys.ts';
import { AccessTokenVerifier } from './access-tokens.ts';
import { endProviderSessions, purgeExpired, revokeAccount } from './adapter.ts';
import { endSsoExceptDevice, endSsoOfDevices } from './sso-links.ts';
import { CLIENT_SORTS, ClientStore, type ClientInput, type ClientRow } from './clients.ts';
import { pageOf, pageQuery } from '../../platform/http/paging.ts';
import { createProvider, EXCHANGE_RESOURCE, type AccountPort } from './provider.ts';
import { interactionRoutes, type SignInPort } from './interactions.ts';
import { errorPageHtml } from './pages.ts';
import './oidc.errors.ts';
import { throughProvider } from './provider-context.ts';

export interface OidcServices {
  issuer: string;
  keys: JoseKeys;
  clients: ClientStore;
  /** Verifies partner systems' access tokens for the data exchange. */
  verifier: AccessTokenVerifier;
}

const shared = new WeakMap<Platform, OidcServices>();

/** The provider's services for a platform, shared by every module that needs them (the exchange registers its systems as clients). */
export function oidcServices(p: Platform): OidcServices {
  let s = shared.get(p);
  if (!s) {
    const keys = platformKeys(p.db, p.config.SIGNING_KEY_ENCRYPTION_KEY);
    const issuer = `${p.config.PUBLIC_BASE_URL}/oidc`;
    s = { issuer, keys, clients: new ClientStore(p.db), verifier: new AccessTokenVerifier(keys, issuer, EXCHANGE_RESOURCE) };
    shared.set(p, s);
  }
  return s;
}

async function secret(db: Kysely<any>, name: string, make: () => string): Promise<string> {
  await db.insertInto('identity.oidc_secrets').values({ name, value: make() }).onConflict((oc) => oc.column('name').doNothing()).execute();
  return (await db.selectFrom('identity.oidc_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow()).value as string;
}

export const ACCOUNT_CLOSED_CONSUMER = 'identity.oidc.revoke-on-close';

/** Ends provider sessions, grants and tokens of every account closed since the last run. */
export function revokeClosedAccounts(db: Kysely<any>): Promise<number> {
  return consumeAll(db, ACCOUNT_CLOSED_CONSUMER, ['identity.account.closed'], async (event, trx) => {
    const accountId = String(event.payload.accountId ?? '');
    if (accountId) await revokeAccount(trx, accountId);
  });
}

export const SESSIONS_REVOKED_CONSUMER = 'identity.oidc.end-sso-on-revoke';

/**
 * Ends the provider's single-sign-on sessions of the browsers whose device the citizen revoked since
 * the last run: one device (only the provider Sessions linked to it), the other devices (all but
 * those linked to the current one), or, for a password change, all of them. Each such browser
 * signs in again at its next authorization, and tokens issued without offline_access, which live
 * with the session, end too. Refresh tokens (offline_access) stay: the citizen withdraws those per
 * application.
 */
export function endSsoOfRevokedDevices(db: Kysely<any>): Promise<number> {
  return consumeAll(db, SESSIONS_REVOKED_CONSUMER, ['identity.sessions.revoked'], async (event, trx) => {
    const p = event.payload as { accountId?: string; sessionIds?: string[]; keepSessionId?: string };
    const accountId = String(p.accountId ?? '');
    if (!accountId) return;
    if (Array.isArray(p.sessionIds)) await endSsoOfDevices(trx, accountId, p.sessionIds);
    else if (p.keepSessionId) await endSsoExceptDevice(trx, accountId, p.keepSessionId);
    else await endProviderSessions(trx, accountId);
  });
}

/** Holds the current Provider and rebuilds it when the signing keys rotate (in this or another process). */
class ProviderHost {
  private current: Provider | null = null;
  private version: string | null = null;
  constructor(private readonly build: () => Promise<Provider>, private readonly keys: JoseKeys) {}
  async refresh(): Promise<Provider> {
    const v = await this.keys.version();
    if (!this.current || v !== this.version) {
      this.current = await this.build();
      this.version = await this.keys.version();
    }
    return this.current;
  }
  get provider(): Provider {
    if (!this.current) throw new Error('provider not started');
    return this.current;
  }
}

const ASSETS: Record<string, string> = { 'eid.css': 'text/css; charset=utf-8', 'passkey.js': 'text/javascript; charset=utf-8' };
const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  // An explicit script-src, so that oidc-provider can add the hash of the one inline script it
  // writes (the self-submitting form of a logout with no session left, or of form_post responses).
  'content-security-policy': "default-src 'self'; script-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
};

const ClientBody = Type.Object({
  clientId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{3,64}$' })),
  kind: Type.Union([Type.Literal('relying_party'), Type.Literal('partner_system')]),
  organisation: Type.String({ minLength: 2, maxLength: 200 }),
  purpose: Type.Optional(Type.Object({ vi: Type.String({ minLength: 1, maxLength: 500 }), en: Type.String({ minLength: 1, maxLength: 500 }) })),
  redirectUris: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 20 })),
  postLogoutRedirectUris: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 20 })),
  jwks: Type.Optional(Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1, maxItems: 10 }) })),
  jwksUri: Type.Optional(Type.String({ maxLength: 2000 })),
  scopes: Type.Array(Type.Union(['profile', 'id_number', 'residence', 'household', 'phone', 'exchange'].map((s) => Type.Literal(s))), { maxItems: 10 }),
  minLevel: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
  sector: Type.Optional(Type.String({ pattern: '^[a-z0-9.-]{2,100}$' })),
  clientSecretBasic: Type.Optional(Type.Boolean()),
});

function clientView(c: ClientRow) {
  const m = c.metadata as Record<string, unknown>;
  return {
    clientId: c.client_id, kind: c.kind, organisation: c.organisation, minLevel: c.min_level, sector: c.sector,
    purpose: c.purpose_vi ? { vi: c.purpose_vi, en: c.purpose_en ?? '' } : null,
    redirectUris: m.redirect_uris ?? [], postLogoutRedirectUris: m.post_logout_redirect_uris ?? [],
    scopes: String(m.scope ?? '').split(' ').filter(Boolean), tokenEndpointAuthMethod: m.token_endpoint_auth_method,
    jwks: m.jwks ?? null, jwksUri: m.jwks_uri ?? null,
    createdBy: c.created_by, createdAt: c.created_at, updatedAt: c.updated_at, disabledAt: c.disabled_at,
  };
}

export interface OidcModuleOptions {
  /** How often background jobs run (closed accounts, purge), ms; 0 = never (tests call them). */
  jobsIntervalMs?: number;
  /**
   * Who else manages a client, if anyone (the data exchange manages its member systems' clients and
   * keeps their key history): the general admin routes then refuse to replace its keys or disable it.
   */
  managedElsewhere?: (clientId: string) => Promise<Localised | null>;
}

export function oidcModule(p: Platform, accounts: AccountPort & SignInPort, opts: OidcModuleOptions = {}): FastifyPluginAsync {
  const s = oidcServices(p);
  return async (app: FastifyInstance) => {
    const [cookieA, pairwiseSalt] = await Promise.all([
      secret(p.db, 'cookie-key-1', () => randomBytes(32).toString('base64url')),
      secret(p.db, 'pairwise-salt', () => randomBytes(32).toString('base64url')),
    ]);
    const host = new ProviderHost(async () => {
      const provider = createProvider({
        issuer: s.issuer, db: p.db, clients: s.clients, accounts, audit: p.audit, keys: await s.keys.privateJwks(),
        cookieKeys: [cookieA], pairwiseSalt, secureCookies: p.config.COOKIE_SECURE,
      });
      provider.on('server_error', (_ctx, err) => app.log.error({ err }, 'oidc: server error'));
      provider.on('grant.error', (_ctx, err) => app.log.debug({ err: (err as Error).message }, 'oidc: grant error'));
      return provider;
    }, s.keys);
    await host.refresh();
    app.decorate('oidcProvider', () => host.provider);

    const interval = opts.jobsIntervalMs ?? 1000;
    const jobs = new Poller(async () => {
      if (await revokeClosedAccounts(p.db)) p.chainer.poke();
      await endSsoOfRevokedDevices(p.db);
      await host.refresh();
    }, interval, (e) => app.log.error({ err: e }, 'oidc: background job failed'));
    const purge = new Poller(() => purgeExpired(p.db), interval ? 60_000 : 0, (e) => app.log.error({ err: e }, 'oidc: purge failed'));
    app.addHook('onReady', async () => { jobs.start(); purge.start(); });
    app.addHook('onClose', async () => { await jobs.stop(); await purge.stop(); });

    // The provider is a Koa app: requests under /oidc (except the interaction pages and assets)
    // are handed to it before Fastify reads the body.
    const handOver = (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (req.url.startsWith('/oidc/interaction/')) return done();
      reply.hijack();
      for (const [k, v] of Object.entries(PAGE_HEADERS)) reply.raw.setHeader(k, v);
      const raw = req.raw as typeof req.raw & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice('/oidc'.length) || '/';
      throughProvider(() => host.provider.callback()(raw, reply.raw)).catch((e: unknown) => app.log.error({ err: e }, 'oidc: provider request failed'));
    };
    app.route({ method: ['GET', 'POST', 'OPTIONS', 'DELETE', 'PUT'], url: '/oidc/*', onRequest: handOver, schema: { hide: true }, handler: async () => undefined });
    app.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/oidc', onRequest: handOver, schema: { hide: true }, handler: async () => undefined });

    app.get('/oidc-assets/:file', { schema: { hide: true } }, async (req, reply) => {
      const file = (req.params as { file: string }).file;
      const type = ASSETS[file];
      if (!type) return reply.status(404).send();
      return reply.type(type).header('cache-control', 'public, max-age=3600').send(fs.readFileSync(new URL(`./assets/${file}`, import.meta.url)));
    });

    await app.register(async (pages) => {
      pages.addHook('onSend', async (_req, reply, payload) => { for (const [k, v] of Object.entries(PAGE_HEADERS)) reply.header(k, v); return payload; });
      pages.setErrorHandler((err, req, reply) => {
        const e = err as { name?: string; statusCode?: number; error?: string; error_description?: string };
        if (e.name === 'SessionNotFound' || e.error) return reply.status(e.statusCode ?? 400).type('text/html; charset=utf-8').send(errorPageHtml(req.headers['accept-language'] ?? null, { error: e.error ?? 'invalid_request', error_description: e.error_description ?? '' }));
        throw err;
      });
      interactionRoutes(pages, { provider: () => host.provider, clients: s.clients, accounts });
    });

    const r = app.withTypeProvider<TypeBoxTypeProvider>();
    const ADMIN = { roles: ['admin'] } as const;
    const validate = async (metadata: Record<string, unknown>) => {
      try {
        await host.provider.Client.validate(metadata as never);
      } catch (e) {
        throw new AppError('OIDC_CLIENT_INVALID', { reason: (e as { error_description?: string }).error_description ?? (e as Error).message });
      }
    };
    const tags = ['eID: OpenID Connect'];
    // The portal's own client belongs to the platform.
    const assertManagedHere = async (clientId: string) => {
      const c = await s.clients.find(clientId);
      if (!c) throw new AppError('OIDC_CLIENT_NOT_FOUND', { clientId });
      if (c.kind === 'first_party') throw new AppError('OIDC_CLIENT_PROTECTED', { clientId, owner: { vi: 'nền tảng', en: 'the platform' } });
      const owner = await opts.managedElsewhere?.(clientId);
      if (owner) throw new AppError('OIDC_CLIENT_PROTECTED', { clientId, owner });
    };

    r.get('/api/v1/admin/oidc-clients', {
      config: { auth: ADMIN },
      schema: {
        tags, summary: 'Registered OpenID Connect clients and partner systems, a page at a time',
        description: 'Filters: kind, status (active or disabled), part of the organisation or client ID (`q`, diacritics ignored). In registration order unless `sort` says otherwise.',
        querystring: Type.Object({
          ...pageQuery(CLIENT_SORTS, 'createdAt'),
          kind: Type.Optional(Type.Union([Type.Literal('relying_party'), Type.Literal('partner_system'), Type.Literal('first_party')])),
          status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
          q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the organisation or client ID, with or without diacritics' })),
        }),
      },
    }, async (req) => {
      const { limit, offset, sort, ...filter } = req.query;
      return pageOf(await s.clients.page(filter, { limit, offset, sort }), req.query, clientView);
    });

    r.get('/api/v1/admin/oidc-clients/:clientId', { config: { auth: ADMIN }, schema: { tags, summary: 'One registered client', params: Type.Object({ clientId: Type.String({ minLength: 1, maxLength: 200 }) }) } }, async (req) => {
      const row = await s.clients.find(req.params.clientId);
      if (!row) throw new AppError('OIDC_CLIENT_NOT_FOUND', { clientId: req.params.clientId });
      return clientView(row);
    });

    r.post('/api/v1/admin/oidc-clients', {
      config: { auth: ADMIN },
      schema: { tags, summary: 'Register (or replace) a client: a relying party that signs citizens in, or a partner system (client credentials)', description: 'Authentication is private_key_jwt with the given JWKS or JWKS URI; client_secret_basic only when `clientSecretBasic` is set (the secret is returned once). Relying parties get pairwise subjects per `sector`.', body: ClientBody },
    }, async (req, reply) => {
      const actor = actorOf(req);
      const body = req.body as ClientInput;
      if (!body.clientSecretBasic && !body.jwks && !body.jwksUri) throw new AppError('OIDC_CLIENT_INVALID', { reason: 'jwks or jwksUri is required for private_key_jwt' });
      if (body.clientId && await s.clients.find(body.clientId)) throw new AppError('OIDC_CLIENT_EXISTS', { clientId: body.clientId });
      const { row, secret: clientSecret } = await s.clients.save(body, actor.id, validate);
      await p.audit.append({ at: p.clock.now(), actorKind: 'officer', actorId: actor.id, action: 'oidc.client.save', subjectKind: 'oidc_client', subjectId: row.client_id, requestId: req.id, details: { kind: row.kind, organisation: row.organisation } });
      p.chainer.poke();
      return reply.status(201).send({ ...clientView(row), ...(clientSecret ? { clientSecret } : {}) });
    });

    r.put('/api/v1/admin/oidc-clients/:clientId/jwks', {
      config: { auth: ADMIN },
      schema: { tags, summary: 'Replace a client\'s public keys (rotate: publish old and new together, then drop the old)', params: Type.Object({ clientId: Type.String() }), body: Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown()), { minItems: 1, maxItems: 10 }) }) },
    }, async (req) => {
      const actor = actorOf(req);
      await assertManagedHere(req.params.clientId);
      const row = await s.clients.setJwks(req.params.clientId, req.body as never);
      if (!row) throw new AppError('OIDC_CLIENT_NOT_FOUND', { clientId: req.params.clientId });
      await p.audit.append({ at: p.clock.now(), actorKind: 'officer', actorId: actor.id, action: 'oidc.client.jwks', subjectKind: 'oidc_client', subjectId: row.client_id, requestId: req.id });
      return clientView(row);
    });

    r.delete('/api/v1/admin/oidc-clients/:clientId', {
      config: { auth: ADMIN },
      schema: { tags, summary: 'Disable a client (its tokens stop working within seconds)', params: Type.Object({ clientId: Type.String() }) },
    }, async (req, reply) => {
      const actor = actorOf(req);
      await assertManagedHere(req.params.clientId);
      if (!await s.clients.disable(req.params.clientId)) throw new AppError('OIDC_CLIENT_NOT_FOUND', { clientId: req.params.clientId });
      s.verifier.forgetClient(req.params.clientId);
      await p.audit.append({ at: p.clock.now(), actorKind: 'officer', actorId: actor.id, action: 'oidc.client.disable', subjectKind: 'oidc_client', subjectId: req.params.clientId, requestId: req.id });
      return reply.status(204).send();
    });

    const ctags = ['eID: citizen'];
    r.get('/api/v1/eid/me/applications', {
      config: { auth: { citizen: true } },
      schema: { tags: ctags, summary: 'Applications the citizen has let sign them in, with the information each receives' },
    }, async (req) => {
      const citizen = citizenOf(req);
      const rows = await sql<{ id: string; client_id: string; scope: string; iat: number }>`
        select id, payload->>'clientId' as client_id, payload->'openid'->>'scope' as scope, (payload->>'iat')::bigint as iat
        from identity.oidc_payloads where model = 'Grant' and account_id = ${citizen.accountId} and (expires_at is null or expires_at > now())
        order by iat desc`.execute(p.db);
      const items = [];
      for (const g of rows.rows) {
        const c = await s.clients.find(g.client_id);
        if (!c || c.kind === 'first_party') continue;
        items.push({ clientId: g.client_id, organisation: c.organisation, purpose: c.purpose_vi ? { vi: c.purpose_vi, en: c.purpose_en ?? '' } : null, scopes: (g.scope ?? '').split(' ').filter(Boolean), grantedAt: new Date(Number(g.iat) * 1000).toISOString() });
      }
      return { items };
    });

    r.delete('/api/v1/eid/me/applications/:clientId', {
      config: { auth: { citizen: true } },
      schema: { tags: ctags, summary: 'Withdraw an application\'s permission: its grant, refresh and access tokens end now', params: Type.Object({ clientId: Type.String() }) },
    }, async (req, reply) => {
      const citizen = citizenOf(req);
      const r2 = await sql`
        delete from identity.oidc_payloads
        where grant_id in (select id from identity.oidc_payloads where model = 'Grant' and account_id = ${citizen.accountId} and payload->>'clientId' = ${req.params.clientId})
           or (model = 'Grant' and account_id = ${citizen.accountId} and payload->>'clientId' = ${req.params.clientId})`.execute(p.db);
      if (!Number(r2.numAffectedRows ?? 0)) throw new AppError('OIDC_GRANT_NOT_FOUND', { clientId: req.params.clientId });
      await p.audit.append({ at: p.clock.now(), actorKind: 'citizen', actorId: citizen.accountId, action: 'eid.application.revoke', subjectKind: 'person', subjectId: citizen.idNumber, requestId: req.id, details: { clientId: req.params.clientId } });
      p.chainer.poke();
      return reply.status(204).send();
    });
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    oidcProvider: () => Provider;
  }
}
