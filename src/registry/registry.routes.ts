import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Platform } from '../platform/platform.ts';
import { actorOf } from '../platform/http/guard.ts';
import { checkKey } from '../platform/idempotency.ts';
import { RegistryService, type EventContext } from './registry.service.ts';
import { RegistryQueries, READ_ROLES } from './registry.queries.ts';
import { CorrectionService } from './corrections.service.ts';
import { DuplicateService } from './duplicates.service.ts';
import { reviewQuery } from './review-queue.ts';
import * as S from './registry.schema.ts';

const REGISTRAR = { roles: ['registrar'] } as const;
const READERS = { roles: READ_ROLES } as const;
const EVENT_NOTE = 'Recorded in one transaction with its event, outbox and audit entries. Errors are RFC 9457 problems (400 validation with the field, 401, 403 role or jurisdiction, 404, 409 not allowed in the person\'s status or conflicting household change).';
const IdemHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'Retries with the same key and body return the first result without recording twice' })) });

function ctx(req: FastifyRequest): EventContext {
  const key = req.headers['idempotency-key'];
  return { actor: actorOf(req), requestId: req.id, idempotencyKey: checkKey(typeof key === 'string' ? key : undefined) };
}

export function registryModule(p: Platform): FastifyPluginAsync {
  const service = new RegistryService(p.db, p.clock);
  const queries = new RegistryQueries(p.db, p.clock, p.audit);
  const corrections = new CorrectionService(p.db, p.clock, service);
  const duplicates = new DuplicateService(p.db, p.clock, service, p.audit);

  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<TypeBoxTypeProvider>();
    const ev = <B extends TSchema, P extends TSchema = TObject<{}>>(summary: string, body: B, params?: P) => ({ tags: ['registry: life events'], summary, description: EVENT_NOTE, body, headers: IdemHeader, params: (params ?? Type.Object({})) as P });
    // A life event is recorded and its audit entries are written in the change's transaction; pokes the chainer after.
    const done = <T>(x: T) => { p.chainer.poke(); return x; };

    r.post('/api/v1/registry/births', { config: { auth: REGISTRAR }, schema: ev('Register a birth: creates the person and assigns a new personal ID number; a probable duplicate is held for review (202)', S.BirthBody) },
      async (req, reply) => { const res = done(await service.registerBirth(ctx(req), req.body)); return reply.status(res.status === 'registered' ? 201 : 202).send(res); });
    r.post('/api/v1/registry/people/:idNumber/death', { config: { auth: REGISTRAR }, schema: ev('Register a death', S.DeathBody, S.IdParams) },
      async (req) => done(await service.registerDeath(ctx(req), req.params.idNumber, req.body)));
    r.post('/api/v1/registry/people/:idNumber/missing', { config: { auth: REGISTRAR }, schema: ev('Declare a person missing', S.MissingBody, S.IdParams) },
      async (req) => done(await service.declareMissing(ctx(req), req.params.idNumber, req.body)));
    r.post('/api/v1/registry/people/:idNumber/missing/revoke', { config: { auth: REGISTRAR }, schema: ev('Revoke a declaration of missing', S.PlainBody, S.IdParams) },
      async (req) => done(await service.revokeMissing(ctx(req), req.params.idNumber, req.body)));
    r.post('/api/v1/registry/people/:idNumber/permanent-residence', { config: { auth: REGISTRAR }, schema: ev('Register permanent residence (joins a household there or heads a new one)', S.PermanentBody, S.IdParams) },
      async (req) => done(await service.registerPermanentResidence(ctx(req), req.params.idNumber, req.body)));
    r.post('/api/v1/registry/people/:idNumber/permanent-residence/deregister', { config: { auth: REGISTRAR }, schema: ev('Deregister permanent residence', S.PlainBody, S.IdParams) },
      async (req) => done(await service.deregisterPermanentResidence(ctx(req), req.params.idNumber, req.body)));
    r.post('/api/v1/registry/people/:idNumber/temporary-residence', { config: { auth: REGISTRAR }, schema: ev('Register temporary residence until a date (at most 2 years)', S.TemporaryBody, S.IdParams) },
      async (req) => done(await service.registerTemporaryResidence(ctx(req), req.params.idNumber, req.body)));
    r.post('/api/v1/registry/people/:idNumber/current-residence', { config: { auth: REGISTRAR }, schema: ev('Change the current place of living', S.CurrentBody, S.IdParams) },
      async (req) => done(await service.changeCurrentResidence(ctx(req), req.params.idNumber, req.body)));
    r.post('/api/v1/registry/households', { config: { auth: REGISTRAR }, schema: ev('Create a household headed by a person', S.HouseholdBody) },
      async (req, reply) => reply.status(201).send(done(await service.createHousehold(ctx(req), req.body))));
    r.post('/api/v1/registry/households/:householdNo/head', { config: { auth: REGISTRAR }, schema: ev('Change the head of a household', S.HeadBody, S.HouseholdParams) },
      async (req) => done(await service.changeHead(ctx(req), req.params.householdNo, req.body)));
    r.post('/api/v1/registry/households/:householdNo/members', { config: { auth: REGISTRAR }, schema: ev('Add a member to a household', S.MemberBody, S.HouseholdParams) },
      async (req) => done(await service.addMember(ctx(req), req.params.householdNo, req.body)));
    r.post('/api/v1/registry/households/:householdNo/members/:idNumber/remove', { config: { auth: REGISTRAR }, schema: ev('Remove a member from a household', S.PlainBody, Type.Object({ householdNo: Type.String(), idNumber: S.IdNumber })) },
      async (req) => done(await service.removeMember(ctx(req), req.params.householdNo, req.params.idNumber, req.body)));
    r.post('/api/v1/registry/households/:householdNo/split', { config: { auth: REGISTRAR }, schema: ev('Split members off into a new household', S.SplitBody, S.HouseholdParams) },
      async (req) => done(await service.split(ctx(req), req.params.householdNo, req.body)));
    r.post('/api/v1/registry/households/:householdNo/merge', { config: { auth: REGISTRAR }, schema: ev('Merge a household into another', S.MergeBody, S.HouseholdParams) },
      async (req) => done(await service.merge(ctx(req), req.params.householdNo, req.body)));
    r.post('/api/v1/registry/marriages', { config: { auth: REGISTRAR }, schema: ev('Register a marriage (updates both people)', S.PartnersBody) },
      async (req) => done(await service.registerMarriage(ctx(req), req.body)));
    r.post('/api/v1/registry/divorces', { config: { auth: REGISTRAR }, schema: ev('Register a divorce (updates both people)', S.PartnersBody) },
      async (req) => done(await service.registerDivorce(ctx(req), req.body)));
    r.post('/api/v1/registry/people/:idNumber/corrections', { config: { auth: REGISTRAR }, schema: ev('Request a correction of personal data (takes effect on a supervisor\'s approval)', S.CorrectionBody, S.IdParams) },
      async (req, reply) => reply.status(202).send(done(await corrections.request(ctx(req), req.params.idNumber, req.body))));
    r.get('/api/v1/registry/corrections', { config: { auth: { roles: ['supervisor', 'registrar'] } }, schema: { tags: ['registry: review'], summary: 'Corrections awaiting approval in your jurisdiction', description: 'A page at a time, oldest request first (`sort=-requestedAt`: newest first).', querystring: Type.Object(reviewQuery()) } },
      async (req) => corrections.pending(ctx(req), req.query));
    r.post('/api/v1/registry/corrections/:id/decision', { config: { auth: { roles: ['supervisor'] } }, schema: { tags: ['registry: review'], summary: 'Approve or reject a correction (not by its requester)', body: S.DecisionBody, headers: IdemHeader, params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } },
      async (req) => done(await corrections.decide(ctx(req), req.params.id, req.body)));
    r.get('/api/v1/registry/duplicates', { config: { auth: { roles: ['supervisor', 'registrar'] } }, schema: { tags: ['registry: review'], summary: 'Registrations held as probable duplicates, each with a summary of the held registration and of each candidate (audited)', description: 'A page at a time, oldest request first (`sort=-requestedAt`: newest first).', querystring: Type.Object(reviewQuery()), response: { 200: S.DuplicateQueue } } },
      async (req) => duplicates.pending(ctx(req), req.query));
    r.post('/api/v1/registry/duplicates/:id/decision', { config: { auth: { roles: ['supervisor'] } }, schema: { tags: ['registry: review'], summary: 'Merge into an existing person, or confirm distinct (then the registration proceeds)', body: S.ReviewDecisionBody, params: Type.Object({ id: Type.Integer({ minimum: 1 }) }) } },
      async (req) => done(await duplicates.decide(ctx(req), req.params.id, req.body)));

    const rd = (summary: string) => ({ tags: ['registry: reads'], summary });
    r.get('/api/v1/registry/people', { config: { auth: READERS }, schema: { ...rd('Search by ID number, or by name with or without diacritics, narrowed by birth year/date, sex and unit'), querystring: S.SearchQuery } },
      async (req) => queries.search(ctx(req), req.query));
    r.get('/api/v1/registry/people/:idNumber', { config: { auth: READERS }, schema: { ...rd('The full record, limited to the fields your role may see; a stated purpose is required and audited'), params: S.IdParams, querystring: S.PurposeQuery } },
      async (req) => queries.person(ctx(req), req.params.idNumber, req.query.purpose));
    r.get('/api/v1/registry/people/:idNumber/history', { config: { auth: { roles: ['registrar', 'supervisor', 'auditor'] } }, schema: { ...rd('Every life event of a person, newest first, with the fields before and after'), params: S.IdParams } },
      async (req) => queries.history(ctx(req), req.params.idNumber));
    r.get('/api/v1/registry/people/:idNumber/as-of/:date', { config: { auth: READERS }, schema: { ...rd('The record as it was at the end of a past day (Vietnam time)'), params: Type.Object({ idNumber: S.IdNumber, date: S.Day }), querystring: S.PurposeQuery } },
      async (req) => queries.asOf(ctx(req), req.params.idNumber, req.params.date, req.query.purpose));
    r.get('/api/v1/registry/households/:householdNo', { config: { auth: READERS }, schema: { ...rd('A household with its members'), params: S.HouseholdParams } },
      async (req) => queries.household(ctx(req), req.params.householdNo));
    r.get('/api/v1/registry/units/:provinceCode/:communeCode/people', { config: { auth: READERS }, schema: { ...rd('People with permanent residence in a commune (keyset pagination)'), params: Type.Object({ provinceCode: Type.String({ pattern: '^\\d{2}$' }), communeCode: Type.String({ pattern: '^\\d{5}$' }) }), querystring: Type.Object({ after: Type.Optional(S.IdNumber), limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }) }) } },
      async (req) => queries.communeMembers(ctx(req), req.params.provinceCode, req.params.communeCode, req.query));
    r.get('/api/v1/registry/stats', { config: { auth: { roles: [...READ_ROLES, 'auditor', 'admin'] } }, schema: { ...rd('Living people by 5-year age band and sex for a unit (aggregates only)'), querystring: Type.Object({ provinceCode: Type.Optional(Type.String({ pattern: '^\\d{2}$' })), communeCode: Type.Optional(Type.String({ pattern: '^\\d{5}$' })) }) } },
      async (req) => queries.stats(ctx(req), req.query));
  };
}
