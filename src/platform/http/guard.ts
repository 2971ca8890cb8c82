import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from './errors.ts';
import { assertRole, type OfficerActor, type Role } from '../auth/actor.ts';
import { toActor, type OfficerService } from '../auth/officer.service.ts';

/**
 * What a route needs: nothing (public), any signed-in officer, one of some officer roles, a
 * signed-in citizen (eID), or a partner system (exchange access token).
 */
export type RouteAuth = { public: true } | { roles: readonly Role[] | 'any-officer' } | { citizen: true } | { partner: true };

/** A citizen signed in with eID (set by the identity module's resolver). */
export interface CitizenPrincipal {
  kind: 'citizen';
  accountId: string;
  idNumber: string;
  level: 1 | 2;
  sessionId: string;
}

/** A partner system authenticated with an access token (set by the exchange module's resolver). */
export interface PartnerPrincipal {
  kind: 'partner';
  clientId: string;
  systemId: string;
  memberId: string;
  scopes: readonly string[];
}

/**
 * Modules that own a kind of principal register how to find it on a request; a resolver returns
 * null when the request carries no such credential and throws an AppError when it carries a bad one.
 */
export interface AuthResolvers {
  citizen: ((req: FastifyRequest) => Promise<CitizenPrincipal | null>) | null;
  partner: ((req: FastifyRequest) => PartnerPrincipal | null | Promise<PartnerPrincipal | null>) | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyRequest {
    actor: OfficerActor | null;
    sessionToken: string | null;
    citizen: CitizenPrincipal | null;
    partner: PartnerPrincipal | null;
  }
  interface FastifyInstance {
    authResolvers: AuthResolvers;
  }
}

export const SESSION_COOKIE = 'open06_session';

/** The value of cookie `name` in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

export function sessionToken(req: FastifyRequest): { token: string; via: 'cookie' | 'bearer' } | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return { token: auth.slice(7).trim(), via: 'bearer' };
  const c = readCookie(req.headers.cookie, SESSION_COOKIE);
  return c ? { token: c, via: 'cookie' } : null;
}

export function actorOf(req: FastifyRequest): OfficerActor {
  if (!req.actor) throw new AppError('AUTH_REQUIRED');
  return req.actor;
}

export function citizenOf(req: FastifyRequest): CitizenPrincipal {
  if (!req.citizen) throw new AppError('AUTH_REQUIRED');
  return req.citizen;
}

export function partnerOf(req: FastifyRequest): PartnerPrincipal {
  if (!req.partner) throw new AppError('AUTH_REQUIRED');
  return req.partner;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every /api route must declare its access in `config.auth`; a route that forgets is refused at
 * start-up, so no endpoint is open by omission. The check runs before the body is parsed.
 */
export interface DeclaredRoute {
  method: string;
  url: string;
  auth: RouteAuth;
}

export function registerGuard(app: FastifyInstance, officers: OfficerService, publicBaseUrl: string): DeclaredRoute[] {
  const declared: DeclaredRoute[] = [];
  app.decorateRequest('actor', null);
  app.decorateRequest('sessionToken', null);
  app.decorateRequest('citizen', null);
  app.decorateRequest('partner', null);
  const resolvers: AuthResolvers = { citizen: null, partner: null };
  app.decorate('authResolvers', resolvers);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    if (!route.config?.auth) throw new Error(`route ${route.method} ${route.url} declares no auth`);
    for (const method of [route.method].flat()) if (method !== 'HEAD') declared.push({ method, url: route.url, auth: route.config.auth });
  });
  const allowedOrigin = new URL(publicBaseUrl).origin;
  const partnerIs = (req: FastifyRequest, p: PartnerPrincipal | null): void => {
    req.partner = p;
    if (!p) throw new AppError('AUTH_REQUIRED');
  };
  // Citizens and officers (partners are resolved in the hook below).
  const authenticate = async (req: FastifyRequest, auth: Exclude<RouteAuth, { partner: true }>): Promise<void> => {
    if ('citizen' in auth) {
      req.citizen = resolvers.citizen ? await resolvers.citizen(req) : null;
      if (!req.citizen) throw new AppError('AUTH_REQUIRED');
      return;
    }
    const found = sessionToken(req);
    if (found) {
      const row = await officers.session(found.token);
      if (row) {
        req.actor = toActor(row);
        req.sessionToken = found.token;
      }
      // Cookies ride along on cross-site requests; a browser always names its Origin on those.
      if (found.via === 'cookie' && UNSAFE.has(req.method)) {
        const origin = req.headers.origin;
        const host = req.headers.host;
        if (origin && origin !== allowedOrigin && new URL(origin).host !== host) throw new AppError('CSRF_REJECTED');
      }
    }
    if ('public' in auth) return;
    if (!req.actor) throw new AppError('AUTH_REQUIRED');
    if (auth.roles !== 'any-officer') assertRole(req.actor, auth.roles);
  };
  // Callback style: a partner whose token and system are remembered is let through without a promise.
  app.addHook('onRequest', (req, _reply, done) => {
    const auth = req.routeOptions.config?.auth;
    if (!auth) return done();
    const fail = (e: unknown) => done(e as FastifyError);
    if ('partner' in auth) {
      let found: PartnerPrincipal | null | Promise<PartnerPrincipal | null>;
      try {
        found = resolvers.partner ? resolvers.partner(req) : null;
        if (!(found instanceof Promise)) {
          partnerIs(req, found);
          return done();
        }
      } catch (e) {
        return fail(e);
      }
      found.then((p) => partnerIs(req, p)).then(() => done(), fail);
      return;
    }
    authenticate(req, auth).then(() => done(), fail);
  });
  return declared;
}
