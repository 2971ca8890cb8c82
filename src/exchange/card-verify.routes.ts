/**
 * The partner routes of card verification (`card_verification`): a card's QR code, MRZ or chip as
 * presented, answered with the verdict of each check and whether the card is valid. The response
 * schemas are the whole answer: nothing else can be serialised.
 */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { callerOf } from './partner-auth.ts';
import type { CardVerifyService } from './card-verify.service.ts';
import { Purpose } from './exchange.schema.ts';

const PARTNER = { partner: true } as const;
const TAGS = ['exchange: partner'];
const NOTE = 'Grant: service `card_verification` with the way of presenting as its field (`card.qr`, `card.mrz`, `card.chip`). The answer holds the verdict of each check and `cardValid` (whether the card is valid in the registry today), never a registry value; every call, refused or not, is written to the access history of the person the card names. Refusals as for the other partner services (401, 403 naming what the grant lacks, 429).';

const FieldResult = Type.Union([Type.Literal('match'), Type.Literal('mismatch'), Type.Literal('not_provided'), Type.Literal('not_checked')], { description: 'match / mismatch with the registry; not_provided: absent from the card; not_checked: the registry holds nothing to compare with' });

const fieldsAnswer = (method: 'qr' | 'mrz', fields: readonly string[]) => Type.Object({
  method: Type.Literal(method),
  idNumber: Type.String({ description: 'As the card states it' }),
  checkedAt: Type.String({ format: 'date-time' }),
  ok: Type.Boolean({ description: 'The person was found, no field on the card differs, and the card is valid' }),
  person: Type.Union([Type.Literal('found'), Type.Literal('not_found')]),
  fields: Type.Object(Object.fromEntries(fields.map((f) => [f, FieldResult]))),
  cardValid: Type.Boolean({ description: 'The card the data designates (by issue date for a QR, by expiry for an MRZ) is valid in the registry today' }),
});

const QrAnswer = fieldsAnswer('qr', ['fullName', 'birthDate', 'sex', 'address', 'issueDate', 'oldIdNumber']);
const MrzAnswer = fieldsAnswer('mrz', ['fullName', 'birthDate', 'sex', 'nationality', 'expiryDate']);

const ChipAnswer = Type.Object({
  method: Type.Literal('chip'),
  idNumber: Type.String({ description: 'As DG1 states it' }),
  checkedAt: Type.String({ format: 'date-time' }),
  ok: Type.Boolean({ description: 'No check failed' }),
  checks: Type.Array(Type.Object({
    check: Type.String({ description: 'sod, dg_hash, sod_signature, signer_chain, signer_validity, document_expiry, card_status' }),
    dataGroup: Type.Optional(Type.Integer()),
    outcome: Type.String({ description: 'pass, a named failure (e.g. dg_hash_mismatch, sod_signature_invalid, signer_not_trusted; card_not_valid or card_unknown for card_status), not_presented or not_checked' }),
    detail: Type.Optional(Type.String()),
  })),
  failures: Type.Array(Type.String(), { description: 'Each failed check as `outcome` or `outcome: DGn`' }),
  cardValid: Type.Boolean({ description: 'The card this chip belongs to (found by its SOD) is valid in the registry today' }),
});

const QrBody = Type.Object({
  purpose: Purpose,
  payload: Type.String({ minLength: 1, maxLength: 2000, description: 'The QR code\'s text as scanned (UTF-8, fields joined by "|")' }),
}, { additionalProperties: false });

const MrzBody = Type.Object({
  purpose: Purpose,
  mrz: Type.String({ minLength: 1, maxLength: 200, description: 'The three MRZ lines as scanned, separated by line breaks (or the 90 characters in a row)' }),
}, { additionalProperties: false });

const Base64 = (description: string, maxLength: number) => Type.String({ pattern: '^[A-Za-z0-9+/]+={0,2}$', minLength: 4, maxLength, description });
const OTHER_GROUPS = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

const ChipBody = Type.Object({
  purpose: Purpose,
  sod: Base64('EF.SOD as read, base64', 90_000),
  dataGroups: Type.Object({
    DG1: Base64('EF.DG1 as read, base64 (required: it names the card and its holder)', 2_000),
    ...Object.fromEntries(OTHER_GROUPS.map((n) => [`DG${n}`, Type.Optional(Base64(`EF.DG${n} as read, base64 (DG2 the portrait, DG13 the card\'s other data)`, 600_000))])),
  }, { additionalProperties: false, description: 'The data groups read, each the whole elementary file' }),
}, { additionalProperties: false });

export function cardVerifyRoutes(app: FastifyInstance, service: CardVerifyService): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  r.post('/api/v1/exchange/card-verification/qr', {
    config: { auth: PARTNER },
    schema: { tags: TAGS, summary: 'Verify a card by its QR code: match / mismatch per printed field, and whether the card is valid', description: `${NOTE} A payload that does not parse is a 400 CARDS_QR_MALFORMED naming each field (payload.<field>), before any read.`, body: QrBody, response: { 200: QrAnswer } },
  }, async (req) => service.qr(callerOf(req), req.body, req.id));
  r.post('/api/v1/exchange/card-verification/mrz', {
    config: { auth: PARTNER },
    schema: { tags: TAGS, summary: 'Verify a card by its machine-readable zone: match / mismatch per field, and whether the card is valid', description: `${NOTE} An MRZ that does not parse is a 400 CARDS_MRZ_MALFORMED naming each check digit, field or line (mrz.<…>), before any read.`, body: MrzBody, response: { 200: MrzAnswer } },
  }, async (req) => service.mrz(callerOf(req), req.body, req.id));
  r.post('/api/v1/exchange/card-verification/chip', {
    config: { auth: PARTNER },
    schema: { tags: TAGS, summary: 'Verify a card\'s chip as an NFC reader read it (DG1, DG2, DG13 and SOD, base64): passive authentication with each check named, and whether the card is valid', description: `${NOTE} A DG1 that does not hold a Vietnamese card MRZ is a 400 EXCHANGE_CHIP_UNREADABLE naming dataGroups.DG1.`, body: ChipBody, response: { 200: ChipAnswer } },
  }, async (req) => {
    const b = req.body as { purpose: string; sod: string; dataGroups: Record<string, string | undefined> };
    const dataGroups = new Map(Object.entries(b.dataGroups).flatMap(([k, v]) => (v === undefined ? [] : [[Number(k.slice(2)), Buffer.from(v, 'base64')] as [number, Buffer]])));
    return service.chip(callerOf(req), { purpose: b.purpose, sod: Buffer.from(b.sod, 'base64'), dataGroups }, req.id);
  });
}
