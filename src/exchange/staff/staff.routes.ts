/**
 * The partner console's API (/api/v1/partner/…) for staff of member organisations signed in with
 * eID, and the admin routes that say who is staff of a member
 * (/api/v1/exchange/admin/members/{memberId}/staff).
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Platform } from '../../platform/platform.ts';
import { actorOf, citizenOf } from '../../platform/http/guard.ts';
import { checkKey } from '../../platform/idempotency.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { ExchangeServices } from '../exchange.routes.ts';
import * as S from '../exchange.schema.ts';
import { PartnerConsoleService, staffView } from './staff.service.ts';
import { STAFF_ROLES } from './staff.store.ts';

const ADMIN = { roles: ['admin'] } as const;
const CITIZEN = { citizen: true } as const;

const MemberId = S.MemberParams.properties.memberId;
const SystemId = S.SystemParams.properties.systemId;
const JobId = S.JobParams.properties.jobId;
const MemberParams = Type.Object({ memberId: MemberId });
const SystemParams = Type.Object({ memberId: MemberId, systemId: SystemId });
const JobParams = Type.Object({ memberId: MemberId, jobId: JobId });
const StaffParams = Type.Object({ memberId: MemberId, idNumber: S.IdNumber });
const Role = Type.Union(STAFF_ROLES.map((r) => Type.Literal(r)), { description: 'manager: may replace keys, start and cancel bulk jobs; viewer: reads only' });
const StaffBody = Type.Object({ idNumber: S.IdNumber, role: Role }, { additionalProperties: false });
const StaffQuery = Type.Object({ includeRemoved: Type.Optional(Type.Boolean()) });
const UsageQuery = Type.Object({ days: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, description: 'Days back from today (Vietnam time), default 14' })) });
const ConsoleBulkQuery = Type.Object({
  purpose: S.BulkQuery.properties.purpose,
  nameMatching: S.BulkQuery.properties.nameMatching,
  format: S.BulkQuery.properties.format,
});
const JobQuery = Type.Object({ ...S.JobListQuery.properties, systemId: Type.Optional(SystemId) });
const DeliveryQuery = Type.Object({
  limit: S.DeliveryQuery.properties.limit,
  offset: S.DeliveryQuery.properties.offset,
  sort: S.DeliveryQuery.properties.sort,
  status: S.DeliveryQuery.properties.status,
  systemId: Type.Optional(SystemId),
});

const NOTE = 'For staff of a member organisation: a citizen signed in with eID (the `open06_citizen` session cookie from /portal/login, or `Authorization: Bearer <eID session token>`) whom an admin added to the member. 403 PARTNER_NOT_STAFF names the member when the citizen is not (or no longer) its staff; changes need the manager role (403 PARTNER_VIEWER_READ_ONLY).';
const UPLOAD_TYPES = ['text/csv', 'application/x-ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/octet-stream'];

export function partnerConsoleModule(p: Platform, x: ExchangeServices): FastifyPluginAsync {
  const svc = new PartnerConsoleService({ db: p.db, clock: p.clock, audit: p.audit, x });
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<TypeBoxTypeProvider>();
    const done = <T>(v: T): T => { p.chainer.poke(); return v; };

    // Uploads arrive as raw streams, as on the partner API (this plugin's own parsers: they are encapsulated).
    for (const type of UPLOAD_TYPES) app.addContentTypeParser(type, (_req, payload, next) => next(null, payload));

    // ---- admin: staff of a member -------------------------------------------------------------
    const atags = ['exchange: admin'];
    r.get('/api/v1/exchange/admin/members/:memberId/staff', {
      config: { auth: ADMIN },
      schema: { tags: atags, summary: 'Staff of a member (citizens who use the partner console), with their role', params: MemberParams, querystring: StaffQuery },
    }, async (req) => ({ items: (await svc.staff(req.params.memberId, req.query.includeRemoved ?? false)).map(staffView) }));
    r.post('/api/v1/exchange/admin/members/:memberId/staff', {
      config: { auth: ADMIN },
      schema: { tags: atags, summary: 'Add a citizen (by personal ID number) to a member\'s staff as manager or viewer, or change the role of one who is', description: 'The person signs in to the partner console (/partner) with eID. 201 when added, 200 when already staff (the role is set as given). Audited.', params: MemberParams, body: StaffBody },
    }, async (req, reply) => {
      const { row, created } = await svc.addStaff(actorOf(req), req.params.memberId, req.body, req.id);
      return reply.status(created ? 201 : 200).send(done(staffView(row)));
    });
    r.delete('/api/v1/exchange/admin/members/:memberId/staff/:idNumber', {
      config: { auth: ADMIN },
      schema: { tags: atags, summary: 'Remove a person from a member\'s staff: the console refuses them from their next request. Audited.', params: StaffParams },
    }, async (req) => done(staffView(await svc.removeStaff(actorOf(req), req.params.memberId, req.params.idNumber, req.id))));

    // ---- the console ----------------------------------------------------------------------------
    const tags = ['partner console'];
    r.get('/api/v1/partner/me', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'The member organisations the signed-in citizen is staff of, with their role', description: NOTE },
    }, async (req) => {
      const c = citizenOf(req);
      return { idNumber: c.idNumber, level: c.level, organisations: await svc.organisations(c) };
    });
    r.get('/api/v1/partner/members/:memberId', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'A member with my role and its systems: client id, status, rate limit, public keys (JWKS), the purposes its bulk grants allow', description: NOTE, params: MemberParams },
    }, async (req) => svc.member(await svc.access(citizenOf(req), req.params.memberId, 'read')));
    r.put('/api/v1/partner/members/:memberId/systems/:systemId/jwks', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'Replace a system\'s public keys (managers): checked like the admin\'s rotation; publish old and new together, switch, then the new alone', description: NOTE, params: SystemParams, body: S.SystemBody.properties.jwks },
    }, async (req) => done(await svc.replaceKeys(await svc.access(citizenOf(req), req.params.memberId, 'manage'), req.params.systemId, req.body as never, req.id)));
    r.get('/api/v1/partner/members/:memberId/grants', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'The grants of each of the member\'s systems: service, fields, purposes, legal basis, validity, quota, status', description: NOTE, params: MemberParams },
    }, async (req) => svc.grants(await svc.access(citizenOf(req), req.params.memberId, 'read')));
    r.get('/api/v1/partner/members/:memberId/usage', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'Usage per system and service per day (calls or rows, people, refusals) and today\'s use against the daily quota', description: NOTE, params: MemberParams, querystring: UsageQuery },
    }, async (req) => svc.usage(await svc.access(citizenOf(req), req.params.memberId, 'read'), req.query.days ?? 14));

    r.get('/api/v1/partner/members/:memberId/bulk-jobs', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'Bulk verification jobs of the member\'s systems, a page at a time (newest first unless sorted otherwise; filter by status or system), with progress (rows done, rate, ETA)', description: NOTE, params: MemberParams, querystring: JobQuery },
    }, async (req) => {
      const { limit, offset, sort, ...f } = req.query;
      return svc.jobs(await svc.access(citizenOf(req), req.params.memberId, 'read'), f, { limit, offset, sort });
    });
    r.post('/api/v1/partner/members/:memberId/systems/:systemId/bulk-jobs', {
      config: { auth: CITIZEN },
      bodyLimit: 4 * 2 ** 30,
      schema: {
        tags, summary: 'Start a bulk verification job for one of the member\'s systems (managers): the file as the raw body (text/csv or application/x-ndjson)', params: SystemParams, querystring: ConsoleBulkQuery, headers: S.IdemHeader,
        description: `${NOTE} The job is made by the exchange's bulk service as the system itself (grant, purpose, columns and daily quota checked; the same runner; the same audit entry), and the start is audited under the person. Refusals name the form field (purpose or file).`,
      },
    }, async (req, reply) => {
      const body = req.body as AsyncIterable<Buffer> | undefined;
      const discard = async () => { if (body && typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function') for await (const _ of body) { /* drop */ } };
      let a;
      try {
        a = await svc.access(citizenOf(req), req.params.memberId, 'manage');
      } catch (e) {
        await discard();
        throw e;
      }
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      const format = req.query.format ?? (type === 'text/csv' ? 'csv' : type.includes('json') ? 'jsonl' : null);
      if (!format || !body || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function') {
        await discard();
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { type }, [{ field: 'file', code: 'type', message: { vi: 'Cần tệp CSV hoặc JSON lines.', en: 'A CSV or JSON-lines file is needed.' } }]);
      }
      const key = req.headers['idempotency-key'];
      const { job, created } = await svc.startJob(a, req.params.systemId, { purpose: req.query.purpose, format, nameMatching: req.query.nameMatching ?? 'exact', idempotencyKey: checkKey(typeof key === 'string' ? key : undefined) }, body, req.id);
      return reply.status(created ? 202 : 200).header('location', `/api/v1/partner/members/${req.params.memberId}/bulk-jobs/${job.id}`).send(done(job));
    });
    r.get('/api/v1/partner/members/:memberId/bulk-jobs/:jobId', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'A bulk job\'s progress: rows done, outcomes, rate, ETA, status', description: NOTE, params: JobParams },
    }, async (req) => svc.job(await svc.access(citizenOf(req), req.params.memberId, 'read'), req.params.jobId));
    r.post('/api/v1/partner/members/:memberId/bulk-jobs/:jobId/cancel', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'Cancel a bulk job (managers): a queued job ends at once, a running one at its next checkpoint', description: NOTE, params: JobParams },
    }, async (req) => done(await svc.cancelJob(await svc.access(citizenOf(req), req.params.memberId, 'manage'), req.params.jobId, req.id)));
    r.get('/api/v1/partner/members/:memberId/bulk-jobs/:jobId/result', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'Download a finished job\'s result file (streamed). Audited as a read of the job\'s result, naming the person', description: NOTE, params: JobParams },
    }, async (req, reply) => {
      const { stream, job } = await svc.result(await svc.access(citizenOf(req), req.params.memberId, 'read'), req.params.jobId, req.id);
      p.chainer.poke();
      return reply.type(job.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8').header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="open06-verification-${job.id}.${job.format === 'csv' ? 'csv' : 'jsonl'}"`).send(stream);
    });

    r.get('/api/v1/partner/members/:memberId/subscriptions', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'Event subscriptions of the member\'s systems (topics, receiver URL, people followed)', description: NOTE, params: MemberParams },
    }, async (req) => ({ items: await svc.subscriptions(await svc.access(citizenOf(req), req.params.memberId, 'read')) }));
    r.get('/api/v1/partner/members/:memberId/deliveries', {
      config: { auth: CITIZEN },
      schema: { tags, summary: 'Webhook deliveries to the member\'s systems, a page at a time (newest first unless sorted otherwise; filter by status or system): status, attempts, next retry, last error (the person\'s ID number masked)', description: NOTE, params: MemberParams, querystring: DeliveryQuery },
    }, async (req) => {
      const { limit, offset, sort, ...f } = req.query;
      return svc.deliveries(await svc.access(citizenOf(req), req.params.memberId, 'read'), f, { limit, offset, sort });
    });
  };
}
