/**
 * The witness (`open06 audit witness`): anyone outside the platform — a newspaper, an inspectorate,
 * a citizen group — fetches the public audit head, checks its signature and keeps each new receipt
 * as DIR/<seq>.jws, never overwriting one. It refuses, with its own exit code, a head that went back
 * below a kept receipt and a receipt for a kept entry with another hash: the chain was rewritten.
 * The directory is the witness's own and trusted: kept receipts are read without checking their
 * signatures again (`open06 audit verify --receipt FILE` does that against the database).
 */
import fs from 'node:fs';
import type { Localised } from '../i18n/lang.ts';
import { AppError } from '../http/errors.ts';
import { readReceipt, jwksKeyLookup, type KeyLookup } from './audit.receipt.ts';
import { keepReceipt, keptReport, keptSeqs, receiptFile, refusalReason, rewrittenMessages, UnreadableKeptReceipt, type KeepResult, type KeptClaims } from './audit.kept.ts';

/** Exit codes of `open06 audit witness`. */
export const WITNESS_EXIT = { unavailable: 1, usage: 2, wentBack: 3, rewritten: 4, refused: 5 } as const;

const HEAD_PATH = '/api/v1/audit/head';
const JWKS_PATH = '/oidc/jwks';
const FETCH_TIMEOUT_MS = 30_000;

/** The witness will not keep what it got: the platform's head is not one a witness can accept. */
export class WitnessRefusal extends Error {
  constructor(readonly exitCode: number, readonly messages: Localised) {
    super(messages.en);
  }
}

/** The platform could not be asked (network, status, a kept file unreadable): worth asking again later. */
export class WitnessUnavailable extends Error {}

export type WitnessResult =
  | { kind: 'none' }
  | { kind: 'stored'; claims: KeptClaims; file: string }
  | { kind: 'unchanged'; claims: KeptClaims; file: string };

export interface WitnessOptions {
  /** The platform's base URL, e.g. https://open06.example.vn */
  baseUrl: string;
  dir: string;
  /** A JWKS the witness keeps; without it, the platform's published JWKS is fetched each time. */
  jwks?: { keys?: unknown };
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> | null }> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  } catch (e) {
    throw new WitnessUnavailable(`GET ${url}: ${(e as Error).message}`);
  }
  const text = await res.text();
  try {
    const v = JSON.parse(text) as unknown;
    return { status: res.status, body: v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null };
  } catch {
    return { status: res.status, body: null };
  }
}

async function platformJwks(baseUrl: string): Promise<KeyLookup> {
  const url = `${baseUrl}${JWKS_PATH}`;
  const { status, body } = await getJson(url);
  if (status !== 200 || !body) throw new WitnessUnavailable(`GET ${url}: status ${status}`);
  return jwksKeyLookup(body);
}

function wentBack(seq: number, highest: number, dir: string): WitnessRefusal {
  const now = seq ? { vi: `nay chỉ công bố bản ghi #${seq}`, en: `it now publishes entry #${seq}` } : { vi: 'nay không công bố điểm kiểm tra nào', en: 'it now publishes no checkpoint at all' };
  return new WitnessRefusal(WITNESS_EXIT.wentBack, {
    vi: `Đầu chuỗi nhật ký kiểm toán của nền tảng đã lùi lại: ${now.vi}, trong khi ${dir} đang giữ biên nhận của bản ghi #${highest}. Chuỗi có thể đã bị cắt bớt hoặc viết lại; hãy giữ các biên nhận và báo cáo.`,
    en: `The platform's audit head went back: ${now.en}, but ${dir} keeps a receipt for entry #${highest}. The chain may have been truncated or rewritten; keep the receipts and report it.`,
  });
}

/** Fetches the head once, checks it and keeps it when it is new. */
export async function witnessOnce(opts: WitnessOptions): Promise<WitnessResult> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const highest = keptSeqs(opts.dir).at(-1) ?? 0;
  const url = `${opts.baseUrl}${HEAD_PATH}`;
  const { status, body } = await getJson(url);
  if (status === 404 && body?.code === 'AUDIT_NO_CHECKPOINT') {
    if (highest) throw wentBack(0, highest, opts.dir);
    return { kind: 'none' };
  }
  if (status === 409 && body?.code === 'AUDIT_CHECKPOINT_CHANGED') {
    throw new WitnessRefusal(WITNESS_EXIT.rewritten, {
      vi: 'Nền tảng từ chối ký đầu chuỗi vì điểm kiểm tra cuối không còn khớp chuỗi nhật ký: chuỗi đã bị sửa. Hãy giữ các biên nhận và báo cáo.',
      en: 'The platform refuses to sign its head because its last checkpoint no longer matches the audit chain: the chain was altered. Keep the receipts and report it.',
    });
  }
  if (status !== 200 || typeof body?.receipt !== 'string') throw new WitnessUnavailable(`GET ${url}: status ${status}${typeof body?.title === 'string' ? ` (${body.title})` : ''}`);
  const jws = body.receipt.trim();

  let claims: KeptClaims;
  try {
    claims = await readReceipt(jws, opts.jwks ? jwksKeyLookup(opts.jwks) : await platformJwks(opts.baseUrl));
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const why = refusalReason(e);
    throw new WitnessRefusal(WITNESS_EXIT.refused, {
      vi: `Biên nhận của nền tảng bị từ chối, không lưu: ${why.vi}`,
      en: `The platform's receipt was refused and not kept: ${why.en}`,
    });
  }

  if (claims.seq < highest && !fs.existsSync(receiptFile(opts.dir, claims.seq))) throw wentBack(claims.seq, highest, opts.dir);
  let kept: KeepResult;
  try {
    kept = keepReceipt(opts.dir, claims, jws);
  } catch (e) {
    throw e instanceof UnreadableKeptReceipt ? new WitnessUnavailable(e.message) : e;
  }
  if (kept.kind === 'rewritten') throw new WitnessRefusal(WITNESS_EXIT.rewritten, rewrittenMessages(claims, kept.kept, kept.file));
  if (claims.seq < highest) throw wentBack(claims.seq, highest, opts.dir);
  return { kind: kept.kind, claims, file: kept.file };
}

/** What the witness says about one fetch, Vietnamese then English. */
export function witnessReport(r: WitnessResult): string {
  if (r.kind === 'none') return 'chưa có gì để lưu: nền tảng chưa có điểm kiểm tra nào\nnothing to keep: the platform has no checkpoint yet\n';
  return keptReport(r);
}
