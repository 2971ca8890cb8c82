/**
 * The citizen portal's server side: sign-in through our OpenID Connect provider
 * (portal-signin.ts) and the citizen's view of their own record.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Platform } from '../platform/platform.ts';
import { citizenOf } from '../platform/http/guard.ts';
import { personRecord, householdMembers } from '../registry/index.ts';
import { cardsOfHolder } from '../cards/index.ts';
import { identityServices } from '../identity/index.ts';
import { portalSignInRoutes } from './portal-signin.ts';

export function portalModule(p: Platform): FastifyPluginAsync {
  const { accounts } = identityServices(p);
  return async (app: FastifyInstance) => {
    await portalSignInRoutes(app, p, accounts);

    app.get('/api/v1/portal/me', {
      config: { auth: { citizen: true } },
      schema: { tags: ['Citizen portal'], summary: 'My data: personal details, residence (an old address with its current unit), household and members, cards with the QR of the valid one, eID level' },
    }, async (req) => {
      const c = citizenOf(req);
      const [account, person] = await Promise.all([accounts.getAccount(c.accountId), personRecord(p.db, c.idNumber)]);
      const today = p.clock.now().toISOString().slice(0, 10);
      const members = person?.householdNo ? await householdMembers(p.db, person.householdNo) : [];
      const cards = await cardsOfHolder(p.db, c.idNumber, today);
      await p.audit.append({
        at: p.clock.now(), actorKind: 'citizen', actorId: c.accountId, action: 'portal.me.read', subjectKind: 'person', subjectId: c.idNumber,
        fields: ['identity', 'origin', 'family', 'residence', 'household', 'cards'], purpose: 'own data', requestId: req.id,
      });
      return {
        account: account ? { level: account.level, status: account.status, phoneMasked: account.phoneMasked, createdAt: account.createdAt } : null,
        session: { level: c.level },
        person,
        household: person?.householdNo ? { householdNo: person.householdNo, members: members.map((m) => ({ fullName: m.fullName, relationToHead: m.relationToHead, birthYear: m.birthYear, status: m.status, self: m.idNumber === c.idNumber })) } : null,
        cards,
      };
    });
  };
}
