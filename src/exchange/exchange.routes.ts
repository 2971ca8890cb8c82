/**
 * The data-exchange gateway's HTTP API: the admin API (members, systems, grants, usage and
 * anomalies), the partner API (verification, person data, questions, card status, bulk jobs,
 * subscriptions, consent requests) for systems holding an access token of the platform's OpenID
 * provider, and the citizen API (access history, consents, consent requests) for eID sessions.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Platform } from '../platform/platform.ts';
import { actorOf, citizenOf } from '../platform/http/guard.ts';
import { checkKey } from '../platform/idempotency.ts';
import { AppError } from '../platform/http/errors.ts';
import { Poller } from '../platform/events/poller.ts';
import { oidcServices } from '../identity/oidc/oidc.module.ts';
import { cardsServices } from '../cards/index.ts';
import { CATALOGUE, fieldLabel, PURPOSES, QUESTION_AGES, SERVICES } from './catalogue.ts';
import { Directory } from './entitlements.ts';
import { partnerResolver, callerOf } from './partner-auth.ts';
import { RateLimiter, UsageMeter } from './quota.ts';
import { JwsSigner } from './signer.ts';
import { ConsentService, receiptHtml } from './consent.service.ts';
import { PartnerService } from './partner.service.ts';
import { AdminService } from './admin.service.ts';
import { BulkRunner, BulkWorkerHost, type BulkRunnerOptions } from './bulk/bulk.runner.ts';
import { BulkService } from './bulk/bulk.service.ts';
import { bulkStore } from './bulk/bulk.store.ts';
import { EventsService } from './events.service.ts';
import { parseAllowedHosts, systemLookup, type HostLookup } from './webhook-target.ts';
import { AccessLogService } from './access-log.service.ts';
import { CardVerifyService } from './card-verify.service.ts';
import { cardVerifyRoutes } from './card-verify.routes.ts';
import { deliveryPage } from './delivery.list.ts';
import { exchangeStore, type GrantRow, type MemberListRow, type MemberRow, type SystemRow } from './exchange.store.ts';
import { pageOf } from '../platform/http/paging.ts';
import { today } from './partner.service.ts';
import * as S from './exchange.schema.ts';

export interface ExchangeModuleOptions {
  /** How long systems and grants are cached, ms (default 5 s). */
  cacheMs?: number;
  /** How often usage counters are flushed, ms (default 5 s; 0 = only on close and when asked). */
  usageFlushMs?: number;
  /** Requests per second a new system may make unless the admin says otherwise (default 50). */
  defaultRatePerSecond?: number;
  /** Largest bulk upload, bytes (default 4 GiB). */
  maxUploadBytes?: number;
  /** The bulk job runner (lease, batch size, poll; pollMs 0 = tests run it themselves). */
  runner?: BulkRunnerOptions;
  /** Run bulk jobs in a worker thread (default true); false = on the main thread (tests drive it). */
  bulkThread?: boolean;
  /** How often the event fan-out and deliveries run, ms (default 1 s; 0 = tests run them). */
  eventsIntervalMs?: number;
  /** Webhook retry waits, ms. */
  webhookBackoffMs?: readonly number[];
  webhookTimeoutMs?: number;
  /** How webhook receivers' host names are resolved (default: the system resolver; tests give their own). */
  webhookLookup?: HostLookup;
  /** Days a finished bulk job's result file is kept (default 7). */
  resultRetentionDays?: number;
}

/** The exchange services of a platform (the routes use them; tests, the CLI and benchmarks may too). */
export function exchangeServices(p: Platform, opts: ExchangeModuleOptions = {}) {
  const oidc = oidcServices(p);
  const directory = new Directory(p.db, opts.cacheMs ?? 5000);
  const limiter = new RateLimiter(Date.now, () => p.heartbeat.live());
  const meter = new UsageMeter(p.db, p.clock, opts.usageFlushMs ?? 5000, { processId: p.heartbeat.id, processes: () => p.heartbeat.live() });
  const signer = new JwsSigner(oidc.keys);
  const consents = new ConsentService(p.db, p.clock, p.audit, signer, { issuer: p.config.PUBLIC_BASE_URL });
  const partner = new PartnerService({ db: p.db, clock: p.clock, audit: p.audit, directory, limiter, meter, consents });
  const admin = new AdminService({ db: p.db, clock: p.clock, audit: p.audit, directory, clients: oidc.clients, forgetClientTokens: (c) => oidc.verifier.forgetClient(c), officer: (id) => p.officers.view(id) }, { defaultRatePerSecond: opts.defaultRatePerSecond ?? 50 });
  const poke = () => p.chainer.poke();
  const url = p.config.DATABASE_URL ?? p.embedded?.url;
  const runner: { start(): void | Promise<void>; drain(): Promise<void>; stop(): Promise<void> } = opts.bulkThread === false || !url
    ? new BulkRunner({ db: p.db, pool: p.database.pool, clock: p.clock, poke }, opts.runner)
    : new BulkWorkerHost(p.db, url, { ...opts.runner }, { poke });
  const background = (opts.runner?.pollMs ?? 1000) > 0;
  const bulk = new BulkService({ db: p.db, pool: p.database.pool, clock: p.clock, audit: p.audit, meter, partner, poke, wake: background ? () => { void runner.drain(); } : undefined }, { maxUploadBytes: opts.maxUploadBytes ?? 4 * 2 ** 30 });
  const events = new EventsService({ db: p.db, clock: p.clock, audit: p.audit, directory, partner, signer }, {
    issuer: p.config.PUBLIC_BASE_URL, webhooks: { allowedHosts: parseAllowedHosts(p.config.WEBHOOK_ALLOWED_HOSTS), lookup: opts.webhookLookup ?? systemLookup },
    ...(opts.webhookBackoffMs ? { backoffMs: opts.webhookBackoffMs } : {}), ...(opts.webhookTimeoutMs ? { timeoutMs: opts.webhookTimeoutMs } : {}),
  });
  const accessLog = new AccessLogService(p.db, events);
  const { verification, cards } = cardsServices(p);
  const cardVerify = new CardVerifyService({ clock: p.clock, audit: p.audit, meter, partner, verification, cards });
  return { oidc, directory, limiter, meter, signer, consents, partner, admin, runner, bulk, events, accessLog, cardVerify };
}
export type ExchangeServices = ReturnType<typeof exchangeServices>;

const ADMIN = { roles: ['admin'] } as const;
const PARTNER = { partner: true } as const;
const CITIZEN = { citizen: true } as const;

const memberView = (m: MemberRow) => ({ id: m.id, name: m.name, kind: m.kind, code: m.code, provinceCode: m.province_code, contact: m.contact, status: m.status, createdAt: m.created_at.toISOString() });
const memberListView = (m: MemberListRow) => ({ ...memberView(m), systemCount: m.system_count, activeSystemCount: m.active_system_count });
const systemView = (s: SystemRow) => ({ id: s.id, memberId: s.member_id, name: s.name, clientId: s.client_id, status: s.status, ratePerSecond: s.rate_per_second, createdAt: s.created_at.toISOString(), disabledAt: s.disabled_at?.toISOString() ?? null });
const grantView = (g: GrantRow) => ({
  id: Number(g.id), systemId: g.system_id, service: g.service, fields: g.fields, purposes: g.purposes,
  basis: g.basis === 'provision' ? { kind: 'provision' as const, provision: g.provision } : { kind: 'consent' as const },
  validFrom: g.valid_from, validUntil: g.valid_until, quotaPerDay: g.quota_per_day === null ? null : Number(g.quota_per_day),
  createdAt: g.created_at.toISOString(), revokedAt: g.revoked_at?.toISOString() ?? null,
});

const PARTNER_NOTE = 'For partner systems: `Authorization: Bearer <access token>` from POST /oidc/token (client credentials, private_key_jwt, scope exchange). Refusals are RFC 9457 problems: 401 bad or expired token; 403 naming what the grant lacks (service, purpose, fields, dates, consent); 429 with Retry-After (rate limit per system, daily quota). Every call naming a person is written to the hash-chained audit log, which the person can read.';
const CITIZEN_NOTE = 'For a citizen signed in with eID (`Authorization: Bearer <eID session token>`).';

export function exchangeModule(p: Platform, opts: ExchangeModuleOptions = {}, services: ExchangeServices = exchangeServices(p, opts)): FastifyPluginAsync {
  const s = services;
  return async (app: FastifyInstance) => {
    app.authResolvers.partner = partnerResolver(s.oidc.verifier, s.directory);
    const r = app.withTypeProvider<TypeBoxTypeProvider>();
    const done = <T>(x: T): T => { p.chainer.poke(); return x; };
    const rid = (req: FastifyRequest) => req.id;

    const interval = opts.eventsIntervalMs ?? 1000;
    const events = new Poller(async () => {
      await s.events.fanOut();
      while (await s.events.deliverDue() > 0);
    }, interval, (e) => app.log.error({ err: e }, 'exchange: event deliveries failed'));
    const retention = new Poller(async () => {
      await bulkStore.purgeResults(p.db, new Date(p.clock.now().getTime() - (opts.resultRetentionDays ?? 7) * 86_400_000));
    }, interval > 0 ? 3_600_000 : 0, (e) => app.log.error({ err: e }, 'exchange: result retention failed'));
    app.addHook('onReady', async () => { s.meter.start(); if ((opts.runner?.pollMs ?? 1000) > 0) await s.runner.start(); events.start(); retention.start(); });
    app.addHook('onClose', async () => { await s.runner.stop(); await events.stop(); await retention.stop(); await s.meter.stop(); });

    // Bulk uploads arrive as raw streams (never parsed into memory).
    for (const type of ['text/csv', 'application/x-ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/octet-stream']) {
      app.addContentTypeParser(type, (_req, payload, next) => next(null, payload));
    }

    // ---- catalogue (public) ---------------------------------------------------------------------
    const ctags = ['exchange: catalogue'];
    r.get('/api/v1/exchange/services', {
      config: { auth: { public: true } },
      schema: { tags: ctags, summary: 'The service catalogue: each service with its fields (scopes), allowed purposes, legal bases and default daily quota' },
    }, async () => ({
      services: SERVICES.map((c) => ({ ...CATALOGUE[c], fields: CATALOGUE[c].fields.map((f) => ({ field: f, label: fieldLabel(f) })) })),
      purposes: PURPOSES, questionAges: QUESTION_AGES,
    }));
    r.get('/api/v1/exchange/members', {
      config: { auth: { public: true } },
      schema: { tags: ctags, summary: 'Active member organisations (to choose one when giving consent)' },
    }, async () => ({ items: (await s.admin.members()).filter((m) => m.status === 'active').map((m) => ({ id: m.id, name: m.name, kind: m.kind })) }));

    // ---- admin ------------------------------------------------------------------------------------
    const atags = ['exchange: admin'];
    r.post('/api/v1/exchange/admin/members', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Register a member organisation', body: S.MemberBody } },
      async (req, reply) => reply.status(201).send(done(memberView(await s.admin.createMember(actorOf(req), req.body, rid(req))))));
    r.get('/api/v1/exchange/admin/members', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Member organisations, a page at a time, with how many systems each has (filter by kind, status, name or code)', querystring: S.MemberListQuery } },
      async (req) => { const { limit, offset, sort, ...f } = req.query; return pageOf(await s.admin.memberPage(f, { limit, offset, sort }), req.query, memberListView); });
    r.get('/api/v1/exchange/admin/members/:memberId', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'A member with its systems and who created it', params: S.MemberParams } },
      async (req) => { const m = await s.admin.member(req.params.memberId); return { ...memberView(m), createdBy: await s.admin.creator(m.created_by), systems: m.systems.map(systemView) }; });
    // An optional JSON body { reason } (the console always sends one; older callers send none).
    const reasonOf = (body: unknown): string | null => {
      const r = (body as { reason?: unknown } | undefined)?.reason;
      return typeof r === 'string' && r.trim() ? r.trim().slice(0, 500) : null;
    };
    r.post('/api/v1/exchange/admin/members/:memberId/suspend', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Suspend a member: every one of its systems is refused from its next request (the reason goes to the audit log)', params: S.MemberParams } },
      async (req) => done(memberView(await s.admin.setMemberStatus(actorOf(req), req.params.memberId, 'suspended', rid(req), reasonOf(req.body)))));
    r.post('/api/v1/exchange/admin/members/:memberId/reinstate', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Reinstate a suspended member (the reason goes to the audit log)', params: S.MemberParams } },
      async (req) => done(memberView(await s.admin.setMemberStatus(actorOf(req), req.params.memberId, 'active', rid(req), reasonOf(req.body)))));
    r.post('/api/v1/exchange/admin/members/:memberId/systems', {
      config: { auth: ADMIN },
      schema: { tags: atags, summary: 'Register a system of a member: an OAuth client (client credentials, private_key_jwt) of the platform\'s OpenID provider', description: 'Each JWK must be a public signing key (it is imported with jose); several keys need a kid each. The answer carries the clientId the system uses as iss/sub of its client assertion.', params: S.MemberParams, body: S.SystemBody },
    }, async (req, reply) => reply.status(201).send(done(systemView(await s.admin.registerSystem(actorOf(req), req.params.memberId, req.body as never, rid(req))))));
    r.get('/api/v1/exchange/admin/systems', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Systems, a page at a time (filter by member, status, name or client id)', querystring: S.SystemListQuery } },
      async (req) => { const { limit, offset, sort, ...f } = req.query; return pageOf(await s.admin.systemPage(f, { limit, offset, sort }), req.query, systemView); });
    r.get('/api/v1/exchange/admin/systems/:systemId', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'A system, who created it, its public keys (kid, alg, thumbprint) with when and by whom each was added, and its removed keys (latest 20)', params: S.SystemParams } },
      async (req) => {
        const sys = await s.admin.system(req.params.systemId);
        const [createdBy, keys] = await Promise.all([s.admin.creator(sys.created_by), s.admin.systemKeys(sys)]);
        return { ...systemView(sys), createdBy, ...keys };
      });
    r.patch('/api/v1/exchange/admin/systems/:systemId', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Rename a system or change its rate limit (requests per second)', params: S.SystemParams, body: S.SystemPatch } },
      async (req) => done(systemView(await s.admin.updateSystem(actorOf(req), req.params.systemId, req.body, rid(req)))));
    r.put('/api/v1/exchange/admin/systems/:systemId/jwks', {
      config: { auth: ADMIN },
      schema: { tags: atags, summary: 'Replace a system\'s public keys (rotation without downtime: publish old and new together, switch, then publish the new alone)', params: S.SystemParams, body: S.SystemBody.properties.jwks },
    }, async (req) => done(systemView(await s.admin.rotateKeys(actorOf(req), req.params.systemId, req.body as never, rid(req)))));
    r.post('/api/v1/exchange/admin/systems/:systemId/disable', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Disable a system: no new tokens, and its tokens stop working at once', params: S.SystemParams } },
      async (req) => done(systemView(await s.admin.disableSystem(actorOf(req), req.params.systemId, rid(req)))));
    r.post('/api/v1/exchange/admin/systems/:systemId/grants', {
      config: { auth: ADMIN },
      schema: { tags: atags, summary: 'Grant a system a service: fields, purposes, legal basis (a provision, or citizen consent), validity dates, daily quota', params: S.SystemParams, body: S.GrantBody },
    }, async (req, reply) => reply.status(201).send(done(grantView(await s.admin.grant(actorOf(req), req.params.systemId, req.body as never, rid(req))))));
    r.get('/api/v1/exchange/admin/systems/:systemId/grants', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'A system\'s grants, a page at a time (revoked ones included; filter by service, or in force today or not)', params: S.SystemParams, querystring: S.GrantListQuery } },
      async (req) => {
        const { limit, offset, sort, service, active } = req.query;
        return pageOf(await s.admin.grantPage(req.params.systemId, { ...(service ? { service } : {}), ...(active !== undefined ? { active } : {}), today: today(p.clock) }, { limit, offset, sort }), req.query, grantView);
      });
    r.post('/api/v1/exchange/admin/grants/:grantId/revoke', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Revoke a grant (effective at once in this process, within 5 s in others)', params: S.GrantParams } },
      async (req) => done(grantView(await s.admin.revokeGrant(actorOf(req), req.params.grantId, rid(req)))));
    r.get('/api/v1/exchange/admin/usage', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Calls, people touched and refusals per member, system and service (default: the last 24 hours)', querystring: S.UsageQuery } },
      async (req) => {
        await s.meter.flush();
        const to = req.query.to ? new Date(req.query.to) : new Date(p.clock.now().getTime() + 3_600_000);
        const from = req.query.from ? new Date(req.query.from) : new Date(p.clock.now().getTime() - 86_400_000);
        return s.admin.usage(from, to);
      });
    r.get('/api/v1/exchange/admin/usage/daily', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Calls, people touched and refusals per Vietnam day (at most 92 days), in total and per member, system and service', querystring: S.UsageDailyQuery } },
      async (req) => { await s.meter.flush(); return s.admin.usageDaily(req.query); });
    r.get('/api/v1/exchange/admin/usage/hourly', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Calls, people touched and refusals per hour (Vietnam time labels, at most 72 hours), in total and per member, system and service; optionally of one member, system or service', querystring: S.UsageHourlyQuery } },
      async (req) => { await s.meter.flush(); return s.admin.usageHourly(req.query); });
    r.get('/api/v1/exchange/admin/anomalies', { config: { auth: ADMIN }, schema: { tags: atags, summary: 'Systems reading far more people than their usual (window against the same window\'s daily average before)', querystring: S.AnomalyQuery } },
      async (req) => { await s.meter.flush(); return s.admin.anomalies(req.query); });

    // ---- partner ----------------------------------------------------------------------------------
    const ptags = ['exchange: partner'];
    r.get('/api/v1/exchange/system', { config: { auth: PARTNER }, schema: { tags: ptags, summary: 'The calling system: its member, grants in force, rate limit and today\'s usage against each quota', description: PARTNER_NOTE } },
      async (req) => {
        const c = callerOf(req);
        const grants = await s.directory.grants(c.systemId);
        const usage = [];
        for (const svc of SERVICES) {
          if (!grants.some((g) => g.service === svc)) continue;
          const quota = grants.filter((g) => g.service === svc).map((g) => g.quota_per_day ?? CATALOGUE[svc].defaultQuotaPerDay);
          usage.push({ service: svc, usedToday: await s.meter.usedToday(c.systemId, svc), quotaPerDay: Math.max(...quota.map(Number)) });
        }
        return { system: { id: c.systemId, name: c.systemName, clientId: c.clientId, ratePerSecond: c.ratePerSecond }, member: { id: c.memberId, name: c.memberName }, grants: grants.map(grantView), usage };
      });
    r.post('/api/v1/exchange/verify', {
      config: { auth: PARTNER },
      schema: { tags: ptags, summary: 'Identity verification (xác thực thông tin): match / mismatch per stated field, living or deceased, card valid — nothing else', description: `${PARTNER_NOTE} The answer names no registry value. Fields stated must be granted; personStatus and cardValid are returned when granted.`, body: S.VerifyBody, response: { 200: S.VerifyAnswer } },
    }, async (req) => s.partner.verify(callerOf(req), req.body, rid(req)));
    r.post('/api/v1/exchange/person-data', {
      config: { auth: PARTNER },
      schema: { tags: ptags, summary: 'Person data: the granted fields for a stated purpose, under a provision in the grant or the citizen\'s consent on record', description: PARTNER_NOTE, body: S.PersonDataBody },
    }, async (req) => s.partner.personData(callerOf(req), req.body, rid(req)));
    r.post('/api/v1/exchange/questions', {
      config: { auth: PARTNER },
      schema: { tags: ptags, summary: 'A yes/no question answered without the record: at least an age, resides in a province/commune, member of someone\'s household', description: PARTNER_NOTE, body: S.QuestionBody },
    }, async (req) => s.partner.question(callerOf(req), req.body as never, rid(req)));
    r.post('/api/v1/exchange/card-status', {
      config: { auth: PARTNER },
      schema: { tags: ptags, summary: 'The status of a person\'s current ID card (valid, expired, reported_lost, revoked, superseded, none)', description: PARTNER_NOTE, body: S.CardStatusBody },
    }, async (req) => s.partner.cardStatus(callerOf(req), req.body, rid(req)));
    cardVerifyRoutes(app, s.cardVerify);

    r.post('/api/v1/exchange/bulk-jobs', {
      config: { auth: PARTNER },
      bodyLimit: 4 * 2 ** 30,
      schema: {
        tags: ptags, summary: 'Upload a bulk verification file (CSV with header idNumber,fullName,birthDate[,sex,cardIssueDate,phone,ref], or JSON lines): an asynchronous job', querystring: S.BulkQuery, headers: S.IdemHeader,
        description: `${PARTNER_NOTE} Send the file as the raw body (Content-Type text/csv or application/x-ndjson); it is streamed to storage, never held whole in memory. 202 with the job; poll GET …/bulk-jobs/{id} for progress, then download …/result.`,
      },
    }, async (req, reply) => {
      const c = callerOf(req);
      const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
      const format = req.query.format ?? (type === 'text/csv' ? 'csv' : type.includes('json') ? 'jsonl' : null);
      if (!format) throw new AppError('UNSUPPORTED_MEDIA_TYPE', { type });
      const key = req.headers['idempotency-key'];
      const body = req.body as AsyncIterable<Buffer> | undefined;
      if (!body || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function') throw new AppError('UNSUPPORTED_MEDIA_TYPE', { type });
      const { job, created } = await s.bulk.create(c, { purpose: req.query.purpose, format, nameMatching: req.query.nameMatching ?? 'exact', idempotencyKey: checkKey(typeof key === 'string' ? key : undefined) }, body);
      return reply.status(created ? 202 : 200).header('location', `/api/v1/exchange/bulk-jobs/${job.id}`).send(job);
    });
    r.get('/api/v1/exchange/bulk-jobs', { config: { auth: PARTNER }, schema: { tags: ptags, summary: 'The system\'s bulk jobs, a page at a time (newest first unless sorted otherwise; filter by status)', description: PARTNER_NOTE, querystring: S.JobListQuery } },
      async (req) => { const { limit, offset, sort, status } = req.query; return s.bulk.list(callerOf(req), status ? { status } : {}, { limit, offset, sort }); });
    r.get('/api/v1/exchange/bulk-jobs/:jobId', { config: { auth: PARTNER }, schema: { tags: ptags, summary: 'A bulk job\'s progress: rows done, outcomes, rate, ETA', params: S.JobParams } },
      async (req) => s.bulk.get(callerOf(req), req.params.jobId));
    r.post('/api/v1/exchange/bulk-jobs/:jobId/cancel', { config: { auth: PARTNER }, schema: { tags: ptags, summary: 'Cancel a bulk job (a running job stops at its next checkpoint; rows done stay in the result)', params: S.JobParams } },
      async (req) => s.bulk.cancel(callerOf(req), req.params.jobId));
    r.get('/api/v1/exchange/bulk-jobs/:jobId/result', { config: { auth: PARTNER }, schema: { tags: ptags, summary: 'The result file: one line per input row with its outcome, per-field verdicts and reasons (streamed)', params: S.JobParams } },
      async (req, reply) => {
        const { stream, job } = await s.bulk.result(callerOf(req), req.params.jobId, rid(req));
        return reply.type(job.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8')
          .header('content-disposition', `attachment; filename="open06-verification-${job.id}.${job.format === 'csv' ? 'csv' : 'jsonl'}"`).send(stream);
      });

    r.post('/api/v1/exchange/subscriptions', {
      config: { auth: PARTNER },
      schema: { tags: ptags, summary: 'Subscribe to life events of the people the system follows; deliveries are POSTed as compact JWS (application/jose) signed with the platform key (/oidc/jwks), retried with backoff', description: PARTNER_NOTE, body: S.SubscriptionBody },
    }, async (req, reply) => reply.status(201).send(done(await s.events.subscribe(callerOf(req), req.body))));
    r.get('/api/v1/exchange/subscriptions', { config: { auth: PARTNER }, schema: { tags: ptags, summary: 'The system\'s subscriptions with the number of people each follows' } },
      async (req) => ({ items: await s.events.list(callerOf(req)) }));
    r.delete('/api/v1/exchange/subscriptions/:subscriptionId', { config: { auth: PARTNER }, schema: { tags: ptags, summary: 'Cancel a subscription (its watch list is dropped)', params: S.SubscriptionParams } },
      async (req) => done(await s.events.cancel(callerOf(req), req.params.subscriptionId)));
    r.post('/api/v1/exchange/subscriptions/:subscriptionId/people', {
      config: { auth: PARTNER },
      schema: { tags: ptags, summary: 'Add people to (or remove them from) a subscription: the people the system has a lawful relationship with', description: 'Under a consent-based grant only people whose consent covers the topics are added; the others are listed in `refused`.', params: S.SubscriptionParams, body: S.WatchBody },
    }, async (req) => done(await s.events.watch(callerOf(req), req.params.subscriptionId, req.body, rid(req))));
    r.get('/api/v1/exchange/deliveries', { config: { auth: PARTNER }, schema: { tags: ptags, summary: 'Event deliveries to the system, a page at a time (newest first unless sorted otherwise), with status, attempts and last error', querystring: S.DeliveryQuery } },
      async (req) => { const { limit, offset, sort, ...f } = req.query; return deliveryPage(p.db, [callerOf(req).systemId], f, { limit, offset, sort }); });

    r.post('/api/v1/exchange/consent-requests', {
      config: { auth: PARTNER },
      schema: { tags: ptags, summary: 'Ask a citizen for consent (purpose, fields, until a date); the citizen approves or declines after signing in with eID', body: S.ConsentRequestBody },
    }, async (req, reply) => reply.status(201).send(await s.consents.request(callerOf(req), req.body)));
    r.get('/api/v1/exchange/consent-requests/:requestId', { config: { auth: PARTNER }, schema: { tags: ptags, summary: 'A consent request\'s status (pending, approved with the consent id, declined, expired)', params: S.RequestParams } },
      async (req) => s.consents.requestForCaller(callerOf(req), req.params.requestId));

    // ---- citizen ----------------------------------------------------------------------------------
    const mtags = ['exchange: citizen'];
    r.get('/api/v1/exchange/me/access-log', {
      config: { auth: CITIZEN },
      schema: { tags: mtags, summary: 'Who accessed my data: when, which organisation and system, which fields, why and on what legal basis (a page of JSON, or every filtered access as CSV)', description: CITIZEN_NOTE, querystring: S.AccessLogQuery },
    }, async (req, reply) => {
      const c = citizenOf(req);
      const q = req.query;
      const f = { ...(q.from ? { from: new Date(q.from) } : {}), ...(q.to ? { to: new Date(q.to) } : {}), ...(q.memberId ? { memberId: q.memberId } : {}), ...(q.service ? { service: q.service } : {}), ...(q.actorKind ? { actorKind: q.actorKind } : {}) };
      if (q.format === 'csv') return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="open06-access-log.csv"').send(await s.accessLog.csv(c.idNumber, f));
      return s.accessLog.history(c.idNumber, f, { limit: q.limit, offset: q.offset, sort: q.sort });
    });
    r.get('/api/v1/exchange/me/consents', { config: { auth: CITIZEN }, schema: { tags: mtags, summary: 'My consents (active, expired, withdrawn)', description: CITIZEN_NOTE } },
      async (req) => ({ items: await s.consents.list(citizenOf(req).idNumber) }));
    r.post('/api/v1/exchange/me/consents', {
      config: { auth: CITIZEN },
      schema: { tags: mtags, summary: 'Give consent to an organisation for a purpose and named fields until a date; returns the consent with its receipt link', description: CITIZEN_NOTE, body: S.ConsentBody },
    }, async (req, reply) => reply.status(201).send(done(await s.consents.grant(citizenOf(req), req.body, { method: 'portal', requestIdHttp: rid(req) }))));
    r.get('/api/v1/exchange/me/consents/:consentId/receipt', {
      config: { auth: CITIZEN },
      schema: { tags: mtags, summary: 'The consent receipt (who, what, purpose, when, how), signed by the platform: a printable page, or JSON with the JWS', params: S.ConsentParams, querystring: S.ReceiptQuery },
    }, async (req, reply) => {
      const rc = await s.consents.receipt(citizenOf(req).idNumber, req.params.consentId);
      if (req.query.format === 'json') return reply.header('content-disposition', `attachment; filename="consent-${req.params.consentId}.json"`).send(rc);
      return reply.type('text/html; charset=utf-8').header('content-disposition', `inline; filename="consent-${req.params.consentId}.html"`).send(receiptHtml(rc));
    });
    r.post('/api/v1/exchange/me/consents/:consentId/withdraw', { config: { auth: CITIZEN }, schema: { tags: mtags, summary: 'Withdraw a consent: every later request resting on it is refused', params: S.ConsentParams } },
      async (req) => done(await s.consents.withdraw(citizenOf(req), req.params.consentId, rid(req))));
    r.get('/api/v1/exchange/me/consent-requests', { config: { auth: CITIZEN }, schema: { tags: mtags, summary: 'Organisations\' requests for my consent' } },
      async (req) => ({ items: await s.consents.requestsFor(citizenOf(req).idNumber) }));
    r.post('/api/v1/exchange/me/consent-requests/:requestId/approve', { config: { auth: CITIZEN }, schema: { tags: mtags, summary: 'Approve a request: a consent with a receipt is recorded', params: S.RequestParams } },
      async (req) => done(await s.consents.decide(citizenOf(req), req.params.requestId, 'approve', rid(req))));
    r.post('/api/v1/exchange/me/consent-requests/:requestId/decline', { config: { auth: CITIZEN }, schema: { tags: mtags, summary: 'Decline a request', params: S.RequestParams } },
      async (req) => done(await s.consents.decide(citizenOf(req), req.params.requestId, 'decline', rid(req))));
  };
}

export { exchangeStore };
