import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ping } from '../db/database.ts';
import { receiptPushUrls } from '../../config.ts';
import { actorOf, SESSION_COOKIE } from './guard.ts';
import { ROLES } from '../auth/actor.ts';
import { verifyChain, searchChain, chainAll, latestCheckpoint, headSeq, signReceipt, verifyReceipt, platformKeyLookup, receiptPushes, retryFailedPush, RECEIPT_TYP } from '../audit/index.ts';
import { platformKeys } from '../keys/jose-keys.ts';
import type { Platform } from '../platform.ts';
import type { Metrics } from './metrics.ts';
import { ProblemSchema } from './schemas.ts';
import { WindowLimiter } from './rate-limit.ts';
import { pageQuery, PageSchema } from './paging.ts';
import { OFFICER_SORTS } from '../auth/officer.store.ts';

const Jurisdiction = Type.Object({
  provinceCode: Type.Union([Type.String(), Type.Null()]),
  provinceName: Type.Union([Type.String(), Type.Null()]),
  communeCode: Type.Union([Type.String(), Type.Null()]),
  communeName: Type.Union([Type.String(), Type.Null()]),
});
export const OfficerSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  jurisdiction: Jurisdiction,
}, { $id: 'Officer' });

const AdminOfficerSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  jurisdiction: Jurisdiction,
  status: Type.Union([Type.Literal('active'), Type.Literal('disabled')]),
  lockedUntil: Type.Union([Type.String(), Type.Null()], { description: 'Sign-in blocked until then after repeated failures' }),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

const OfficerNameSchema = Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String() }, { additionalProperties: false });
const OFFICER_NAMES_MAX = 100;

const CheckpointSchema = Type.Object({
  seq: Type.Integer(),
  hash: Type.String(),
  walk: Type.Union([Type.Literal('full'), Type.Literal('incremental')]),
  fromSeq: Type.Integer(),
  entries: Type.Integer(),
  verifiedAt: Type.String(),
  verifiedBy: Type.String({ description: 'The id of the officer who verified, `system` for the platform\'s periodic checkpoints' }),
});

const ReceiptPushSchema = Type.Object({
  id: Type.String({ description: 'For POST /api/v1/audit/receipt-pushes/{id}/retry' }),
  url: Type.String({ description: 'A keeper of AUDIT_RECEIPT_PUSH_URLS, without its query and fragment (where a keeper\'s token may sit)' }),
  status: Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  lastStatus: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of the last attempt (null: no answer)' }),
  nextAttemptAt: Type.Union([Type.String(), Type.Null()], { description: 'While pending' }),
  lastError: Type.Union([Type.String(), Type.Null()], { description: 'Why the last attempt failed (`HTTP 503`, `ECONNREFUSED: …`); null when it succeeded or none was made' }),
});

const ReceiptSchema = Type.Object({
  receipt: Type.String({ description: `Compact JWS (ES256, typ ${RECEIPT_TYP}, kid in the header) over { seq, hash, at, issuer }; the key is in the published JWKS (/oidc/jwks)` }),
  seq: Type.Integer(),
  hash: Type.String({ description: 'Hex SHA-256 of the chain up to entry seq' }),
  at: Type.String({ description: 'When the checkpoint was verified' }),
  issuer: Type.String(),
  kid: Type.String(),
});

const RoleSchema = Type.Union(ROLES.map((r) => Type.Literal(r)));

export async function platformRoutes(app: FastifyInstance, p: Platform, metrics: Metrics): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const cookieFlags = `Path=/; HttpOnly; SameSite=Strict${p.config.COOKIE_SECURE ? '; Secure' : ''}`;
  const loginsPerIp = new WindowLimiter(p.config.LOGIN_MAX_PER_IP_PER_MINUTE, 60_000, () => p.clock.now().getTime());
  const headReadsPerIp = new WindowLimiter(p.config.AUDIT_HEAD_MAX_PER_IP_PER_MINUTE, 60_000, () => p.clock.now().getTime());

  r.get('/healthz', { schema: { tags: ['platform'], summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }));
  r.get('/readyz', { schema: { tags: ['platform'], summary: 'Readiness: the database answers' } }, async (_req, reply) => {
    try {
      await ping(p.db);
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'database unavailable' });
    }
  });
  r.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    const a = p.audit.stats();
    reply.header('content-type', metrics.registry.contentType);
    return (await metrics.registry.metrics()) + `# HELP open06_audit_batches_total Audit group commits\n# TYPE open06_audit_batches_total counter\nopen06_audit_batches_total ${a.batches}\n# HELP open06_audit_entries_total Audit entries written\n# TYPE open06_audit_entries_total counter\nopen06_audit_entries_total ${a.entries}\n`;
  });

  r.post('/api/v1/auth/login', {
    config: { auth: { public: true } },
    schema: {
      tags: ['auth'], summary: 'Officer sign-in: sets an HttpOnly session cookie; API clients that ask (`bearer: true`) get the token in the body instead',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }), bearer: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      response: { 200: Type.Object({ officer: OfficerSchema, token: Type.Optional(Type.String()), expiresAt: Type.String() }), 401: ProblemSchema, 423: ProblemSchema, 429: ProblemSchema },
    },
  }, async (req, reply) => {
    loginsPerIp.hit(req.ip);
    const s = await p.officers.login(req.body.username, req.body.password, { ip: req.ip, userAgent: req.headers['user-agent'] ?? null, requestId: req.id });
    if (req.body.bearer) return { officer: s.officer, token: s.token, expiresAt: s.expiresAt.toISOString() };
    reply.header('set-cookie', `${SESSION_COOKIE}=${s.token}; ${cookieFlags}; Expires=${s.expiresAt.toUTCString()}`);
    return { officer: s.officer, expiresAt: s.expiresAt.toISOString() };
  });

  r.get('/api/v1/auth/me', { config: { auth: { roles: 'any-officer' } }, schema: { tags: ['auth'], summary: 'The signed-in officer', response: { 200: Type.Object({ officer: OfficerSchema }), 401: ProblemSchema } } }, async (req) => {
    return { officer: await p.officers.view(actorOf(req).id) };
  });

  r.post('/api/v1/auth/logout', { config: { auth: { roles: 'any-officer' } }, schema: { tags: ['auth'], summary: 'Sign out (revokes the session)' } }, async (req, reply) => {
    if (req.sessionToken) await p.officers.logout(req.sessionToken);
    reply.header('set-cookie', `${SESSION_COOKIE}=; ${cookieFlags}; Max-Age=0`);
    return reply.status(204).send();
  });

  r.get('/api/v1/officers', {
    config: { auth: { roles: ['admin'] } },
    schema: {
      tags: ['officers'], summary: 'List officers (admin), with their status, a page at a time',
      description: 'Filters: part of the name or username (`q`, diacritics ignored), a role, a province, a status. Sorted by username unless `sort` says otherwise.',
      querystring: Type.Object({
        ...pageQuery(OFFICER_SORTS, 'username'),
        q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Part of the name or username, with or without diacritics' })),
        role: Type.Optional(RoleSchema),
        provinceCode: Type.Optional(Type.String({ pattern: '^\\d{2}$', description: 'Officers of this province' })),
        status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
      }),
      response: { 200: PageSchema(AdminOfficerSchema), 400: ProblemSchema },
    },
  }, async (req) => {
    const { limit, offset, sort, ...filter } = req.query;
    return p.officers.list(filter, { limit, offset, sort });
  });

  r.get('/api/v1/officers/names', {
    config: { auth: { roles: 'any-officer' } },
    schema: {
      tags: ['officers'], summary: 'Display names of officers seen in a history, a review queue or the audit log (any officer)',
      description: 'Each `ref` is an officer id or username (repeat `ref`, at most 100). Returns only id, username and display name of the officers found; unknown refs are left out.',
      querystring: Type.Object({ ref: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: OFFICER_NAMES_MAX }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(OfficerNameSchema) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
    },
  }, async (req) => ({ items: await p.officers.names([...new Set(req.query.ref)]) }));

  r.get('/api/v1/officers/:id', {
    config: { auth: { roles: ['admin'] } },
    schema: { tags: ['officers'], summary: 'One officer (admin), with their status', params: Type.Object({ id: Type.String({ pattern: '^[0-9a-fA-F-]{36}$' }) }), response: { 200: AdminOfficerSchema, 400: ProblemSchema, 404: ProblemSchema } },
  }, async (req) => p.officers.adminView(req.params.id));

  r.patch('/api/v1/officers/:id', {
    config: { auth: { roles: ['admin'] } },
    schema: {
      tags: ['officers'], summary: 'Change an officer\'s name, roles, jurisdiction or status (admin); audited with the values before and after',
      description: 'Only the fields sent change. A jurisdiction is replaced whole: `provinceCode` (null = nationwide) with `communeCode` (absent or null = the whole province). Disabling ends the officer\'s sessions at once. An administrator cannot disable themself or drop their own admin role (409 OFFICER_SELF_LOCKOUT).',
      params: Type.Object({ id: Type.String({ pattern: '^[0-9a-fA-F-]{36}$' }) }),
      body: Type.Object({
        displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1 })),
        provinceCode: Type.Optional(Type.Union([Type.String({ pattern: '^\\d{2}$' }), Type.Null()])),
        communeCode: Type.Optional(Type.Union([Type.String({ pattern: '^\\d{5}$' }), Type.Null()])),
        status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('disabled')])),
      }, { additionalProperties: false, minProperties: 1 }),
      response: { 200: AdminOfficerSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
    },
  }, async (req) => {
    const actor = actorOf(req);
    return p.officers.update(req.params.id, req.body, { id: actor.id, username: actor.username }, req.id);
  });

  r.post('/api/v1/officers', {
    config: { auth: { roles: ['admin'] } },
    schema: {
      tags: ['officers'], summary: 'Create an officer (admin)',
      body: Type.Object({
        username: Type.String({ pattern: '^[a-z0-9._-]{3,64}$' }),
        displayName: Type.String({ minLength: 1, maxLength: 200 }),
        password: Type.String({ minLength: 12, maxLength: 256 }),
        roles: Type.Array(RoleSchema, { minItems: 1 }),
        provinceCode: Type.Union([Type.String({ pattern: '^\\d{2}$' }), Type.Null()]),
        communeCode: Type.Optional(Type.Union([Type.String({ pattern: '^\\d{5}$' }), Type.Null()])),
      }, { additionalProperties: false }),
      response: { 201: OfficerSchema, 400: ProblemSchema, 409: ProblemSchema },
    },
  }, async (req, reply) => reply.status(201).send(await p.officers.create(req.body, actorOf(req).username, req.id)));

  r.get('/api/v1/audit/verify', {
    config: { auth: { roles: ['auditor', 'admin'] } },
    schema: {
      tags: ['audit'], summary: 'Walk the audit hash chain and name the first broken link',
      description: 'By default the walk starts at the last checkpoint: it checks that the checkpoint\'s entry still has the hash recorded then and walks on to the head (`notWalked` names the entries before, which it did not look at). `full=true` walks from the first entry. An intact walk records a new checkpoint.',
      querystring: Type.Object({ full: Type.Boolean({ default: false, description: 'Walk from the first entry instead of the last checkpoint' }) }, { additionalProperties: false }),
    },
  }, async (req) => {
    await chainAll(p.db);
    return verifyChain(p.db, { from: req.query.full ? 'start' : 'checkpoint', verifiedBy: actorOf(req).id, now: () => p.clock.now(), pushTo: receiptPushUrls(p.config) });
  });

  r.get('/api/v1/audit/checkpoint', {
    config: { auth: { roles: ['auditor', 'admin'] } },
    schema: {
      tags: ['audit'], summary: 'The last verified checkpoint of the audit chain and the current head',
      description: '`pushes`: how the checkpoint\'s signed receipt went to each keeper of AUDIT_RECEIPT_PUSH_URLS (empty when none is configured).',
      response: { 200: Type.Object({ checkpoint: Type.Union([CheckpointSchema, Type.Null()]), headSeq: Type.Integer(), pushes: Type.Array(ReceiptPushSchema) }) },
    },
  }, async () => {
    await chainAll(p.db);
    const checkpoint = await latestCheckpoint(p.db);
    return { checkpoint, headSeq: await headSeq(p.db), pushes: checkpoint ? await receiptPushes(p.db, checkpoint.seq) : [] };
  });

  r.post('/api/v1/audit/receipt-pushes/:id/retry', {
    config: { auth: { roles: ['admin'] } },
    schema: {
      tags: ['audit'], summary: 'Send a failed receipt push again (admin); audited',
      description: 'Only a `failed` push (409 AUDIT_RECEIPT_PUSH_NOT_FAILED otherwise): it becomes `pending` with no attempts, due now, and the pusher sends it within 5 s, retrying with backoff as before. Written to the audit log as `audit.receipt_push_retry` with the push, its checkpoint entry and the keeper\'s URL without its query.',
      params: Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: 'The push\'s `id` in GET /api/v1/audit/checkpoint' }) }),
      response: { 200: ReceiptPushSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
    },
  }, async (req) => retryFailedPush(p.db, req.params.id, p.clock.now(), { actorId: actorOf(req).id, requestId: req.id }));

  const keys = platformKeys(p.db, p.config.SIGNING_KEY_ENCRYPTION_KEY);
  const HEAD_TTL_MS = 60_000;
  // The signing in progress is shared, so callers arriving together at the end of a minute sign once.
  let publicHead: { at: number; receipt: ReturnType<typeof signReceipt> } | null = null;
  const receiptDescription = 'Keep the receipt outside the platform: POST it to /api/v1/audit/verify-receipt (or `open06 audit verify --receipt FILE`) later to prove the chain up to its entry was not rewritten since, checkpoints included. Refused (409) when the checkpoint\'s entry no longer has the recorded hash.';
  r.get('/api/v1/audit/checkpoints/latest/receipt', {
    config: { auth: { roles: ['auditor', 'admin'] } },
    schema: { tags: ['audit'], summary: 'A signed receipt of the last checkpoint', description: receiptDescription, response: { 200: ReceiptSchema, 404: ProblemSchema, 409: ProblemSchema } },
  }, async () => signReceipt(p.db, keys, p.config.PUBLIC_BASE_URL, 'latest'));

  r.get('/api/v1/audit/head', {
    config: { auth: { public: true } },
    schema: {
      tags: ['audit'], summary: 'Public: the signed receipt of the audit chain\'s last checkpoint, for anyone to keep',
      description: `The platform records a checkpoint shortly after it starts and then every AUDIT_CHECKPOINT_INTERVAL_MINUTES when the chain has grown. The receipt holds no personal data (entry number, hash, time, issuer); press, citizens and other agencies may poll it and keep what they get (\`open06 audit witness\`). ${receiptDescription} 404 before the first checkpoint; 429 with Retry-After past AUDIT_HEAD_MAX_PER_IP_PER_MINUTE requests from one address.`,
      response: { 200: ReceiptSchema, 404: ProblemSchema, 409: ProblemSchema, 429: ProblemSchema },
    },
  }, async (req, reply) => {
    headReadsPerIp.hit(req.ip);
    // Anyone may call this without signing in: sign at most once a minute (what caches may keep
    // anyway), not two reads and a signature per call.
    const now = p.clock.now().getTime();
    if (!publicHead || now - publicHead.at >= HEAD_TTL_MS) {
      const head = { at: now, receipt: signReceipt(p.db, keys, p.config.PUBLIC_BASE_URL, 'latest') };
      publicHead = head;
      // A refusal (no checkpoint yet) is not kept: the next caller asks again.
      head.receipt.catch(() => { if (publicHead === head) publicHead = null; });
    }
    const { at, receipt } = publicHead;
    const signed = await receipt;
    reply.header('cache-control', `public, max-age=${Math.max(1, Math.ceil((at + HEAD_TTL_MS - now) / 1000))}`);
    return signed;
  });

  r.get('/api/v1/audit/checkpoints/:seq/receipt', {
    config: { auth: { roles: ['auditor', 'admin'] } },
    schema: {
      tags: ['audit'], summary: 'A signed receipt of the checkpoint at entry seq', description: receiptDescription,
      params: Type.Object({ seq: Type.Integer({ minimum: 1 }) }),
      response: { 200: ReceiptSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
    },
  }, async (req) => signReceipt(p.db, keys, p.config.PUBLIC_BASE_URL, req.params.seq));

  r.post('/api/v1/audit/verify-receipt', {
    config: { auth: { roles: ['auditor', 'admin'] } },
    schema: {
      tags: ['audit'], summary: 'Verify the audit chain against a signed checkpoint receipt kept outside the database',
      description: 'Checks the receipt\'s signature (keys retired from the JWKS still count), then walks the whole chain from the first entry: entry `seq` must still have the receipt\'s hash and the entries before it must hash to it (`receipt.matched`), and the rest on to the head must be intact (`receipt.after`). A chain altered and re-hashed together with its checkpoints is named as `receipt_mismatch`. Records no checkpoint.',
      body: Type.Object({ receipt: Type.String({ minLength: 1, maxLength: 4096, description: 'The compact JWS, or the JSON the receipt routes return' }) }, { additionalProperties: false }),
    },
  }, async (req) => {
    await chainAll(p.db);
    return verifyReceipt(p.db, req.body.receipt, platformKeyLookup(keys));
  });

  r.get('/api/v1/audit/entries', {
    config: { auth: { roles: ['auditor'] } },
    schema: {
      tags: ['audit'], summary: 'Search the audit log (newest first, keyset pagination by seq)',
      querystring: Type.Object({ subjectId: Type.Optional(Type.String({ maxLength: 64 })), actorId: Type.Optional(Type.String({ maxLength: 64 })), action: Type.Optional(Type.String({ maxLength: 64 })), beforeSeq: Type.Optional(Type.Integer({ minimum: 1 })), limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }) }),
    },
  }, async (req) => {
    await chainAll(p.db);
    const rows = await searchChain(p.db, req.query);
    await p.audit.append({ at: p.clock.now(), actorKind: 'officer', actorId: actorOf(req).id, action: 'audit.searched', requestId: req.id, details: { query: req.query } });
    return { items: rows.map((e) => ({ ...e, prevHash: e.prevHash.toString('hex'), hash: e.hash.toString('hex') })), nextBeforeSeq: rows.length ? rows[rows.length - 1]!.seq : null };
  });
}
