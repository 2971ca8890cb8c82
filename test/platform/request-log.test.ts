import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import Fastify, { LogController } from 'fastify';
import pino from 'pino';
import { deferredChildLogger } from '../../src/platform/http/log.ts';

/** A Fastify app on a pino logger at `level`, its lines collected, and a count of the children pino built. */
async function appLogging(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l)); done(); } });
  const logger = pino({ level }, sink);
  let children = 0;
  const child = logger.child as unknown as (this: unknown, b: pino.Bindings, o?: pino.ChildLoggerOptions) => pino.Logger;
  // Children inherit this property, so it must act on whichever logger it is called on.
  logger.child = function (this: unknown, b: pino.Bindings, o?: pino.ChildLoggerOptions) { children++; return child.call(this, b, o); } as unknown as typeof logger.child;
  const app = Fastify({ loggerInstance: logger, childLoggerFactory: deferredChildLogger, genReqId: () => 'req-1', logController: new LogController({ disableRequestLogging: true }) });
  app.get('/quiet', async (req) => { req.log.info('not written at warn'); req.log.debug({ x: 1 }, 'nor this'); return { ok: true }; });
  app.get('/loud', async (req) => { req.log.warn({ what: 'x' }, 'written'); req.log.error('also written'); return { ok: true }; });
  app.get('/own-level', { logLevel: 'info' }, async (req) => { req.log.info('written at the route level'); return { ok: true }; });
  app.get('/nested', async (req) => { req.log.child({ step: 'inner' }).warn('from a child'); return { level: req.log.level }; });
  await app.ready();
  return { app, lines, built: () => children };
}

test('a request that logs nothing at an enabled level builds no child logger and writes nothing', async () => {
  const { app, lines, built } = await appLogging('warn');
  const before = built();
  const res = await app.inject('/quiet');
  assert.equal(res.statusCode, 200);
  assert.equal(built() - before, 0);
  assert.deepEqual(lines.filter((l) => l.reqId), []);
  await app.close();
});

test('lines at an enabled level carry the request id, as from a child built at once', async () => {
  const { app, lines } = await appLogging('warn');
  await app.inject('/loud');
  const mine = lines.filter((l) => l.reqId === 'req-1');
  assert.deepEqual(mine.map((l) => [l.level, l.msg, l.what]), [[40, 'written', 'x'], [50, 'also written', undefined]]);
  await app.close();
});

test('a route with its own level logs at that level', async () => {
  const { app, lines } = await appLogging('warn');
  await app.inject('/own-level');
  assert.deepEqual(lines.filter((l) => l.reqId === 'req-1').map((l) => l.msg), ['written at the route level']);
  await app.close();
});

test('children of the request logger keep the request id; the level reads through', async () => {
  const { app, lines } = await appLogging('warn');
  const res = await app.inject('/nested');
  assert.equal(res.json().level, 'warn');
  assert.deepEqual(lines.filter((l) => l.reqId === 'req-1').map((l) => [l.step, l.msg]), [['inner', 'from a child']]);
  await app.close();
});
