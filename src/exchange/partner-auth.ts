/**
 * The `partner` principal: a Bearer access token our OpenID provider issued to a partner system
 * (client credentials with private_key_jwt, audience urn:open06:exchange). The verifier remembers
 * verified tokens until they expire and the directory caches the system for a few seconds, so a
 * request costs two map lookups and no promise. A bad or expired token is a 401 problem; a system
 * that was disabled or a member suspended is refused.
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../platform/http/errors.ts';
import type { PartnerPrincipal } from '../platform/http/guard.ts';
import type { AccessTokenVerifier, VerifiedAccessToken } from '../identity/oidc/access-tokens.ts';
import type { Caller, Directory, SystemEntry } from './entitlements.ts';
import './exchange.errors.ts';

const INVALID = { 'www-authenticate': 'Bearer error="invalid_token"' };

export function partnerResolver(verifier: Pick<AccessTokenVerifier, 'verify' | 'verifiedBefore'>, directory: Directory): (req: FastifyRequest) => PartnerPrincipal | null | Promise<PartnerPrincipal | null> {
  const callerFor = (verified: VerifiedAccessToken, entry: SystemEntry | null): Caller => {
    if (!entry) throw new AppError('EXCHANGE_SYSTEM_UNKNOWN', { clientId: verified.clientId }, [], INVALID);
    if (entry.member.status !== 'active') throw new AppError('EXCHANGE_MEMBER_SUSPENDED', { member: entry.member.name });
    return {
      kind: 'partner', clientId: verified.clientId, systemId: entry.system.id, memberId: entry.member.id, scopes: verified.scope,
      systemName: entry.system.name, memberName: entry.member.name, ratePerSecond: entry.system.rate_per_second,
    };
  };
  const scoped = (verified: VerifiedAccessToken): VerifiedAccessToken => {
    if (!verified.scope.includes('exchange')) throw new AppError('EXCHANGE_SCOPE_MISSING', {}, [], { 'www-authenticate': 'Bearer error="insufficient_scope", scope="exchange"' });
    return verified;
  };
  const slow = async (token: string): Promise<Caller> => {
    let verified;
    try {
      verified = await verifier.verify(token);
    } catch (e) {
      throw new AppError('EXCHANGE_TOKEN_INVALID', { reason: (e as Error).message.slice(0, 200) }, [], INVALID);
    }
    scoped(verified);
    return callerFor(verified, await directory.systemByClient(verified.clientId));
  };
  // A busy partner's token and system are both remembered: then the answer is given at once,
  // without a promise, and the refusals are the same as on the slow path.
  return (req) => {
    const auth = req.headers.authorization;
    if (!auth || !auth.startsWith('Bearer ')) return null;
    const token = auth.slice(7).trim();
    const known = verifier.verifiedBefore(token);
    if (known) {
      const entry = directory.systemByClientNow(known.clientId);
      if (entry !== undefined) return callerFor(scoped(known), entry);
    }
    return slow(token);
  };
}

/** The caller of a partner route (set by the resolver). */
export function callerOf(req: FastifyRequest): Caller {
  if (!req.partner) throw new AppError('AUTH_REQUIRED');
  return req.partner as Caller;
}
