import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Platform } from '../platform/platform.ts';
import { actorOf } from '../platform/http/guard.ts';
import { checkKey } from '../platform/idempotency.ts';
import { RegistryService } from '../registry/index.ts';
import { CardsService, type CardsContext, type CardsOptions } from './cards.service.ts';
import { Poller } from '../platform/events/poller.ts';
import { revokeCardsOfDeceased } from './cards.consumer.ts';
import { toPem } from './pki.ts';
import type { RandomBytes } from './random.ts';
import { SigningKeys } from './signing-keys.ts';
import { CardVerification, type Verifier } from './cards.verify.ts';
import * as S from './cards.schema.ts';

export interface CardsModuleOptions extends CardsOptions {
  /** 32 bytes: signing keys are stored encrypted under it. Without it they are stored in clear (development only). */
  keyEncryptionKey?: Buffer | null;
  random?: RandomBytes;
  /** How often the `person.deceased` consumer runs, in milliseconds; 0 = not in the background. */
  consumerIntervalMs?: number;
}

const CARD_OFFICER = { roles: ['card_officer'] } as const;
/** Until partner systems authenticate (OAuth client credentials, a later module), officers verify cards. */
const VERIFIERS = { roles: ['card_officer', 'service_officer', 'registrar', 'supervisor'] } as const;
const VERIFY_NOTE = 'For relying parties. The answer says, for each presented field, match / mismatch / not_provided / not_checked, and the status of the card the data designates; it never returns a registry value the caller did not send. No jurisdiction limit (a card is presented anywhere). Every verification is audited as a read of the holder\'s data (actor, fields compared, outcome).';
const CHANGE_NOTE = 'Recorded in one transaction with its card event, outbox and audit entries; idempotent under Idempotency-Key. Errors are RFC 9457 problems (400 validation, 401, 403 role or jurisdiction, 404, 409 not allowed in the card\'s or person\'s status).';

function ctx(req: FastifyRequest): CardsContext {
  const key = req.headers['idempotency-key'];
  return { actor: actorOf(req), requestId: req.id, idempotencyKey: checkKey(typeof key === 'string' ? key : undefined) };
}

/** The cards services for a platform (the routes use them; tests and jobs may too). */
export function cardsServices(p: Platform, opts: CardsModuleOptions = {}) {
  const keys = new SigningKeys(p.db, p.clock, { keyEncryptionKey: opts.keyEncryptionKey ?? null, ...(opts.random ? { random: opts.random } : {}) });
  const cards = new CardsService(p.db, p.clock, p.audit, new RegistryService(p.db, p.clock), keys, opts);
  const verification = new CardVerification(p.db, p.clock, p.audit, cards);
  return { keys, cards, verification };
}

/** The cards plugin, `registryModule`'s sibling. `services` lets a caller share the instances (tests). */
export function cardsModule(p: Platform, opts: CardsModuleOptions = {}, services = cardsServices(p, opts)): FastifyPluginAsync {
  const { keys, cards, verification } = services;
  const verifier = (req: FastifyRequest): Verifier => ({ kind: 'officer', id: actorOf(req).id, requestId: req.id });
  const purpose = (p: string | undefined) => (p === undefined ? {} : { purpose: p });

  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<TypeBoxTypeProvider>();
    const done = <T>(x: T): T => { p.chainer.poke(); return x; };

    const poller = new Poller(async () => { if (await revokeCardsOfDeceased(p.db, cards)) p.chainer.poke(); }, opts.consumerIntervalMs ?? 1000, (e) => app.log.error({ err: e }, 'cards: person.deceased consumer failed'));
    app.addHook('onReady', async () => {
      if (!keys.encrypted) app.log.warn('cards: signing keys are stored unencrypted; give the cards module a key-encryption key in production');
      poller.start();
    });
    app.addHook('onClose', async () => { await poller.stop(); });

    const tags = ['cards'];
    r.post('/api/v1/cards/people/:idNumber/cards', {
      config: { auth: CARD_OFFICER },
      schema: { tags, summary: 'Issue a card: first issue, renewal or re-issue, as the latest card allows; returns the QR payload, MRZ and chip data (data groups and SOD)', description: CHANGE_NOTE, params: S.PersonParams, body: S.IssueBody, headers: S.IdemHeader },
    }, async (req, reply) => reply.status(201).send(done(await cards.issue(ctx(req), req.params.idNumber, req.body))));

    r.get('/api/v1/cards/people/:idNumber/cards', {
      config: { auth: CARD_OFFICER },
      schema: { tags, summary: 'A person\'s cards, newest first, with their events (audited read)', params: S.PersonParams },
    }, async (req) => done(await cards.history({ actor: actorOf(req), requestId: req.id }, req.params.idNumber)));

    r.post('/api/v1/cards/people/:idNumber/cards/:cardNo/report-lost', {
      config: { auth: CARD_OFFICER },
      schema: { tags, summary: 'Record that a valid card was reported lost', description: CHANGE_NOTE, params: S.CardParams, body: S.StatusBody, headers: S.IdemHeader },
    }, async (req) => done(await cards.changeStatus(ctx(req), 'report_lost', req.params.idNumber, req.params.cardNo, req.body)));

    r.post('/api/v1/cards/people/:idNumber/cards/:cardNo/revoke', {
      config: { auth: CARD_OFFICER },
      schema: { tags, summary: 'Revoke a card (valid, reported lost or expired)', description: CHANGE_NOTE, params: S.CardParams, body: S.StatusBody, headers: S.IdemHeader },
    }, async (req) => done(await cards.changeStatus(ctx(req), 'revoke', req.params.idNumber, req.params.cardNo, req.body)));

    const vtags = ['cards: verification'];
    r.post('/api/v1/cards/verify/qr', {
      config: { auth: VERIFIERS },
      schema: { tags: vtags, summary: 'Verify a card\'s QR payload against the registry and the card records', description: `${VERIFY_NOTE} A payload that does not parse is a 400 problem CARDS_QR_MALFORMED whose errors name each field (payload.<field>) and problem.`, body: S.VerifyQrBody, response: { 200: S.QrVerificationSchema } },
    }, async (req) => done(await verification.qr(verifier(req), req.body.payload, purpose(req.body.purpose))));

    r.post('/api/v1/cards/verify/mrz', {
      config: { auth: VERIFIERS },
      schema: { tags: vtags, summary: 'Verify a card\'s machine-readable zone against the registry and the card records', description: `${VERIFY_NOTE} An MRZ that does not parse is a 400 problem CARDS_MRZ_MALFORMED whose errors name each check digit (mrz.<check>, code check_digit), field (mrz.<field>) or line (mrz.line<n>).`, body: S.VerifyMrzBody, response: { 200: S.MrzVerificationSchema } },
    }, async (req) => done(await verification.mrz(verifier(req), req.body.mrz, purpose(req.body.purpose))));

    r.post('/api/v1/cards/verify/chip', {
      config: { auth: VERIFIERS },
      schema: { tags: vtags, summary: 'Passive authentication of a chip as an NFC reader read it (SOD and data groups), then the card\'s status; each check answered separately', description: 'Checks: sod, dg_hash (each data group), sod_signature, signer_chain (Document Signer → a CSCA of this issuer), signer_validity, document_expiry, card_status (found by the SOD\'s hash). Audited like the other verifications.', body: S.VerifyChipBody, response: { 200: S.ChipVerificationSchema } },
    }, async (req) => {
      const b = req.body as S.VerifyChipBodyT;
      const dataGroups = new Map(Object.entries(b.dataGroups).flatMap(([k, v]) => (v === undefined ? [] : [[Number(k.slice(2)), Buffer.from(v, 'base64')] as [number, Buffer]])));
      return done(await verification.chip(verifier(req), { sod: Buffer.from(b.sod, 'base64'), dataGroups }, purpose(b.purpose)));
    });

    r.get('/api/v1/cards/csca', {
      config: { auth: { public: true } },
      schema: { tags, summary: 'The Country Signing CA certificates that sign this issuer\'s Document Signers (for passive authentication)' },
    }, async () => ({
      certificates: (await cards.cscaCertificates()).map((c) => ({ id: c.id, subject: c.subject, notBefore: c.notBefore.toISOString(), notAfter: c.notAfter.toISOString(), pem: toPem(c.der) })),
    }));

    r.get('/api/v1/cards/csca.pem', {
      config: { auth: { public: true } },
      schema: { tags, summary: 'The same certificates as one PEM bundle' },
    }, async (_req, reply) => reply.type('application/x-pem-file').send((await cards.cscaCertificates()).map((c) => toPem(c.der)).join('')));
  };
}
