/**
 * The `partner` principal: a Bearer access token our OpenID provider issued to a partner system
 * (client credentials with private_key_jwt, audience urn:open06:exchange). The verifier remembers
 * verified tokens until they expire and the directory caches the system for a few seconds, so a
 * request costs two map lookups. A bad or expired token is a 401 problem; a system that was
 * disabled or a member suspended is refused.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/errors.ts';
import type { PartnerPrincipal } from '../platform/http/guard.ts';
import type { AccessTokenVerifier } from '../identity/oidc/access-tokens.ts';
import type { Caller, Directory } from './entitlements.ts';
import './exchange.errors.ts';

const INVALID = { 'www-authenticate': 'Bearer error="invalid_token"' };

export function partnerResolver(verifier: Pick<AccessTokenVerifier, 'verify'>, directory: Directory): (req: FastifyRequest) => Promise<PartnerPrincipal | null> {
  return async (req) => {
    const auth = req.headers.authorization;
    if (!auth || !auth.startsWith('Bearer ')) return null;
    const token = auth.slice(7).trim();
    let verified;
    try {
      verified = await verifier.verify(token);
    } catch (e) {
      throw new AppError('EXCHANGE_TOKEN_INVALID', { reason: (e as Error).message.slice(0, 200) }, [], INVALID);
    }
    if (!verified.scope.includes('exchange')) throw new AppError('EXCHANGE_SCOPE_MISSING', {}, [], { 'www-authenticate': 'Bearer error="insufficient_scope", scope="exchange"' });
    const entry = await directory.systemByClient(verified.clientId);
    if (!entry) throw new AppError('EXCHANGE_SYSTEM_UNKNOWN', { clientId: verified.clientId }, [], INVALID);
    if (entry.member.status !== 'active') throw new AppError('EXCHANGE_MEMBER_SUSPENDED', { member: entry.member.name });
    const caller: Caller = {
      kind: 'partner', clientId: verified.clientId, systemId: entry.system.id, memberId: entry.member.id, scopes: verified.scope,
      systemName: entry.system.name, memberName: entry.member.name, ratePerSecond: entry.system.rate_per_second,
    };
    return caller;
  };
}

/** The caller of a partner route (set by the resolver). */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.partner) throw new AppError('AUTH_REQUIRED');
  return req.partner as Caller;
}
