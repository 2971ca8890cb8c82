/**
 * Signed checkpoint receipts: a compact JWS by the platform's signing key (ES256, `kid` in the
 * header, the public key in the published JWKS) over { seq, hash, at, issuer } of a checkpoint.
 * An auditor who keeps a receipt outside the database can later prove that the chain up to `seq`
 * still hashes to what was verified then, even if the chain and its checkpoints were rewritten
 * together since.
 */
import { CompactSign, compactVerify, importJWK, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { JoseKeys } from '../keys/jose-keys.ts';
import { AppError } from '../http/errors.ts';
import type { Localised } from '../i18n/lang.ts';
import { chainedEntry } from './audit.store.ts';
import { checkpointAt, latestCheckpoint } from './audit.checkpoint.ts';
import { verifyChain, type ReceiptClaims, type VerifyResult } from './audit.verify.ts';
import './audit.errors.ts';

export const RECEIPT_TYP = 'open06-audit-receipt+jws';
const RECEIPT_ALG = 'ES256';
const RECEIPT_MAX = 4096;

export interface SignedReceipt extends ReceiptClaims {
  /** The compact JWS. */
  receipt: string;
  kid: string;
}

/** Finds the public key a receipt names: the platform's keys (retired ones too), or a JWKS the auditor kept. */
export type KeyLookup = (kid: string) => Promise<JWK | null>;

export function platformKeyLookup(keys: Pick<JoseKeys, 'publicJwk'>): KeyLookup {
  return (kid) => keys.publicJwk(kid);
}

export function jwksKeyLookup(jwks: { keys?: unknown }): KeyLookup {
  const list = Array.isArray(jwks.keys) ? (jwks.keys as JWK[]) : [];
  return async (kid) => list.find((k) => k && k.kid === kid) ?? null;
}

/**
 * Signs a receipt for the checkpoint at `seq` (the last one with `latest`), after checking that its
 * entry still has the recorded hash: the platform does not vouch for a checkpoint it can see is broken.
 */
export async function signReceipt(db: Kysely<any>, keys: Pick<JoseKeys, 'privateJwks'>, issuer: string, seq: number | 'latest'): Promise<SignedReceipt> {
  const c = seq === 'latest' ? await latestCheckpoint(db) : await checkpointAt(db, seq);
  if (!c) throw seq === 'latest' ? new AppError('AUDIT_NO_CHECKPOINT') : new AppError('AUDIT_CHECKPOINT_NOT_FOUND', { seq });
  const e = await chainedEntry(db, c.seq);
  if (!e || e.hash.toString('hex') !== c.hash) throw new AppError('AUDIT_CHECKPOINT_CHANGED', { seq: c.seq });
  const [jwk] = await keys.privateJwks();
  if (!jwk) throw new Error('no signing key');
  const claims: ReceiptClaims = { seq: c.seq, hash: c.hash, at: c.verifiedAt, issuer };
  const receipt = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: jwk.alg, kid: jwk.kid, typ: RECEIPT_TYP })
    .sign(await importJWK(jwk, jwk.alg));
  return { ...claims, receipt, kid: jwk.kid };
}

function malformed(field: string, reason: Localised): AppError {
  return new AppError('AUDIT_RECEIPT_MALFORMED', { reason }, [{ field, code: 'malformed', message: reason }]);
}

function jsonPart(part: string, field: string): Record<string, unknown> {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch { /* reported below */ }
  throw malformed(field, { vi: 'không phải một đối tượng JSON mã hoá base64url', en: 'not a base64url-encoded JSON object' });
}

/** The compact JWS itself, or the `receipt` of a JSON document holding it (as the API returns it). */
function compactOf(text: string): string {
  const t = text.trim();
  if (!t.startsWith('{')) return t;
  try {
    const v = JSON.parse(t) as { receipt?: unknown };
    if (typeof v.receipt === 'string') return v.receipt.trim();
  } catch { /* reported below */ }
  throw malformed('receipt', { vi: 'tài liệu JSON không có trường "receipt"', en: 'a JSON document without a "receipt" field' });
}

/** Checks a receipt's form and signature; returns what it says and the key that signed it. */
export async function readReceipt(text: string, lookup: KeyLookup): Promise<ReceiptClaims & { kid: string }> {
  if (text.length > RECEIPT_MAX) throw malformed('receipt', { vi: `dài hơn ${RECEIPT_MAX} ký tự`, en: `longer than ${RECEIPT_MAX} characters` });
  const jws = compactOf(text);
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) {
    throw malformed('receipt', { vi: 'không phải một JWS dạng rút gọn (ba phần base64url cách nhau bởi dấu chấm)', en: 'not a compact JWS (three base64url parts separated by dots)' });
  }
  const header = jsonPart(parts[0]!, 'receipt.header');
  if (header.typ !== RECEIPT_TYP) throw malformed('receipt.header.typ', { vi: `không phải biên nhận nhật ký (typ phải là ${RECEIPT_TYP})`, en: `not an audit receipt (typ must be ${RECEIPT_TYP})` });
  if (header.alg !== RECEIPT_ALG) throw malformed('receipt.header.alg', { vi: `thuật toán phải là ${RECEIPT_ALG}`, en: `the algorithm must be ${RECEIPT_ALG}` });
  if (typeof header.kid !== 'string' || !header.kid) throw malformed('receipt.header.kid', { vi: 'thiếu mã khoá (kid)', en: 'no key id (kid)' });
  const kid = header.kid;
  const jwk = await lookup(kid);
  if (!jwk || jwk.kty !== 'EC' || jwk.crv !== 'P-256') throw new AppError('AUDIT_RECEIPT_UNKNOWN_KEY', { kid }, [{ field: 'receipt.header.kid', code: 'unknown_key', message: { vi: 'Không có khoá này.', en: 'No such key.' } }]);
  if (!(await signatureHolds(jws, jwk))) throw new AppError('AUDIT_RECEIPT_BAD_SIGNATURE', { kid }, [{ field: 'receipt.signature', code: 'bad_signature', message: { vi: 'Chữ ký không khớp.', en: 'The signature does not verify.' } }]);
  const p = jsonPart(parts[1]!, 'receipt.payload');
  if (!Number.isSafeInteger(p.seq) || (p.seq as number) < 1) throw malformed('receipt.payload.seq', { vi: 'seq phải là số nguyên dương', en: 'seq must be a positive whole number' });
  if (typeof p.hash !== 'string' || !/^[0-9a-f]{64}$/i.test(p.hash)) throw malformed('receipt.payload.hash', { vi: 'hash phải là 64 chữ số hệ mười sáu', en: 'hash must be 64 hexadecimal digits' });
  if (typeof p.at !== 'string' || Number.isNaN(Date.parse(p.at))) throw malformed('receipt.payload.at', { vi: 'at phải là một thời điểm ISO 8601', en: 'at must be an ISO 8601 time' });
  if (typeof p.issuer !== 'string' || !p.issuer) throw malformed('receipt.payload.issuer', { vi: 'thiếu bên phát hành (issuer)', en: 'no issuer' });
  return { seq: p.seq as number, hash: p.hash.toLowerCase(), at: p.at, issuer: p.issuer, kid };
}

async function signatureHolds(jws: string, jwk: JWK): Promise<boolean> {
  try {
    await compactVerify(jws, await importJWK(jwk, RECEIPT_ALG), { algorithms: [RECEIPT_ALG] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks the receipt's signature, then walks the whole chain (streamed, from the first entry):
 * the entries up to the receipt's `seq` must hash to the receipt's hash, and the rest on to the head
 * must be intact. Never records a checkpoint.
 */
export async function verifyReceipt(db: Kysely<any>, text: string, lookup: KeyLookup): Promise<VerifyResult> {
  const receipt = await readReceipt(text, lookup);
  return verifyChain(db, { from: 'start', receipt });
}
