import Fastify, { LogController, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Platform } from './platform/platform.ts';
import { AppError } from './platform/http/errors.ts';
import { sendProblem, toAppError } from './platform/http/problem.ts';
import { registerGuard } from './platform/http/guard.ts';
import { createMetrics } from './platform/http/metrics.ts';
import { deferredChildLogger, logRedact, logsAt, logSerializers, maskPersonalData } from './platform/http/log.ts';
import { platformRoutes } from './platform/http/platform.routes.ts';
import { referenceRoutes } from './platform/http/reference.routes.ts';
import { ProblemSchema } from './platform/http/schemas.ts';
import { errorsPage } from './platform/http/errors.page.ts';

export type ModulePlugin = (platform: Platform) => FastifyPluginAsync;

declare module 'fastify' {
  interface FastifyInstance {
    /** Every /api route with the access it declares (tests walk it to check each is enforced). */
    apiRoutes: import('./platform/http/guard.ts').DeclaredRoute[];
  }
}

const WEB_DIR = fileURLToPath(new URL('../dist/web/', import.meta.url));

/** Builds the HTTP application; `main` listens on it and tests inject into it. */
export async function buildApp(platform: Platform, modules: ModulePlugin[] = [], opts: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const cfg = platform.config;
  const app = Fastify({
    logger: opts.logger === false || cfg.LOG_LEVEL === 'silent' ? false : { level: cfg.LOG_LEVEL, serializers: logSerializers, redact: logRedact },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: false,
    // One access-log line per request (below) instead of Fastify's two, with the route pattern
    // rather than the URL, so no ID number from a path ever reaches the log.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: deferredChildLogger,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  });
  const metrics = createMetrics();
  const stopCountingPushFailures = platform.receiptPusher.onFailed(() => metrics.auditReceiptPushFailed.inc());
  app.addHook('onClose', async () => stopCountingPushFailures());

  app.addSchema(ProblemSchema);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Open06 API', version: '0.1.0', description: 'Population registry, ID cards, eID and data exchange (Đề án 06). Errors are RFC 9457 problem details in Vietnamese or English (Accept-Language).' },
      servers: [{ url: cfg.PUBLIC_BASE_URL }],
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'open06_session' }, bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ session: [] }, { bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _base, _frag, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/docs/errors', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(errorsPage()));

  app.setErrorHandler((error, req, reply) => {
    const appError = toAppError(error, req);
    if (appError.status >= 500) req.log.error({ err: { message: maskPersonalData(String((error as Error).message)), stack: (error as Error).stack?.split('\n').slice(0, 6).join('\n') } }, 'request failed');
    return sendProblem(reply, appError, cfg.PUBLIC_BASE_URL);
  });

  // Callback-style hooks: every request runs them, and an async hook costs a promise and a tick each.
  const CSP = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
  app.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (logsAt(req.log, 'info')) req.log.info({ method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    done();
  });
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    // The web app has no inline script or style; the API reference page (Swagger UI) sets its own policy.
    if (!req.url.startsWith('/docs')) reply.header('content-security-policy', CSP);
    done(null, payload);
  });

  app.decorate('apiRoutes', registerGuard(app, platform.officers, cfg.PUBLIC_BASE_URL));
  await platformRoutes(app, platform, metrics);
  await referenceRoutes(app);
  for (const m of modules) await app.register(m(platform));

  const hasWeb = fs.existsSync(`${WEB_DIR}index.html`);
  if (hasWeb) {
    await app.register(fastifyStatic, {
      root: WEB_DIR, prefix: '/', wildcard: false, index: ['index.html'], cacheControl: false,
      // Hashed asset names never change content; index.html must be revalidated so a deploy is picked up.
      setHeaders: (res, file) => res.setHeader('cache-control', file.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
  }
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const isApi = path.startsWith('/api/') || path === '/api';
    if (!isApi && req.method === 'GET' && hasWeb && !path.includes('.')) return reply.header('cache-control', 'no-cache').sendFile('index.html');
    if (!isApi && req.method === 'GET' && !hasWeb && path === '/') return reply.type('text/html; charset=utf-8').send('<!doctype html><meta charset="utf-8"><title>Open06</title><p>Ứng dụng web chưa được build: chạy <code>npm run build:web</code>. / The web app is not built: run <code>npm run build:web</code>. API: <a href="/docs">/docs</a></p>');
    return sendProblem(reply, new AppError('NOT_FOUND', { path }), cfg.PUBLIC_BASE_URL);
  });
  return app;
}
