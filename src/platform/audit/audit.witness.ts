/**
 * The witness (`open06 audit witness`): anyone outside the platform — a newspaper, an inspectorate,
 * a citizen group — fetches the public audit head, checks its signature and keeps each new receipt
 * as DIR/<seq>.jws, never overwriting one. It refuses, with its own exit code, a head that went back
 * below a kept receipt and a receipt for a kept entry with another hash: the chain was rewritten.
 * The directory is the witness's own and trusted: kept receipts are read without checking their
 * signatures again (`open06 audit verify --receipt FILE` does that against the database).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Localised } from '../i18n/lang.ts';
import { AppError } from '../http/errors.ts';
import { readReceipt, jwksKeyLookup, type KeyLookup } from './audit.receipt.ts';
import type { ReceiptClaims } from './audit.verify.ts';

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
  | { kind: 'stored'; claims: ReceiptClaims & { kid: string }; file: string }
  | { kind: 'unchanged'; claims: ReceiptClaims & { kid: string }; file: string };

export interface WitnessOptions {
  /** The platform's base URL, e.g. https://open06.example.vn */
  baseUrl: string;
  dir: string;
  /** A JWKS the witness keeps; without it, the platform's published JWKS is fetched each time. */
  jwks?: { keys?: unknown };
}

const receiptFile = (dir: string, seq: number) => path.join(dir, `${seq}.jws`);

function keptSeqs(dir: string): number[] {
  return fs.readdirSync(dir).flatMap((name) => /^[1-9]\d*\.jws$/.test(name) ? [Number(name.slice(0, -4))] : []).sort((a, b) => a - b);
}

function keptHash(file: string): string {
  try {
    const payload = fs.readFileSync(file, 'utf8').trim().split('.')[1] ?? '';
    const hash = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { hash?: unknown }).hash;
    if (typeof hash === 'string') return hash.toLowerCase();
  } catch { /* reported below */ }
  throw new WitnessUnavailable(`cannot read the kept receipt ${file} (not a compact JWS with a hash); move it aside`);
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

function rewritten(seq: number, hash: string, kept: string, file: string): WitnessRefusal {
  return new WitnessRefusal(WITNESS_EXIT.rewritten, {
    vi: `Chuỗi nhật ký kiểm toán đã bị viết lại: nền tảng nay ký mã băm ${hash} cho bản ghi #${seq}, nhưng biên nhận lưu tại ${file} ghi ${kept}. Hãy giữ các biên nhận và báo cáo.`,
    en: `The audit chain was rewritten: the platform now signs hash ${hash} for entry #${seq}, but the receipt kept in ${file} says ${kept}. Keep the receipts and report it.`,
  });
}

/** Links a finished temporary file into place: fails rather than replace a receipt kept meanwhile. */
function storeNew(file: string, jws: string): boolean {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, `${jws}\n`, { flag: 'w' });
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
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

  let claims: ReceiptClaims & { kid: string };
  try {
    claims = await readReceipt(jws, opts.jwks ? jwksKeyLookup(opts.jwks) : await platformJwks(opts.baseUrl));
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const fields = e.errors.map((f) => f.field).join(', ');
    throw new WitnessRefusal(WITNESS_EXIT.refused, {
      vi: `Biên nhận của nền tảng bị từ chối, không lưu: ${e.message_('vi')}${fields ? ` (${fields})` : ''}`,
      en: `The platform's receipt was refused and not kept: ${e.message_('en')}${fields ? ` (${fields})` : ''}`,
    });
  }

  const file = receiptFile(opts.dir, claims.seq);
  if (!fs.existsSync(file)) {
    if (claims.seq < highest) throw wentBack(claims.seq, highest, opts.dir);
    if (storeNew(file, jws)) return { kind: 'stored', claims, file };
  }
  const kept = keptHash(file);
  if (kept !== claims.hash) throw rewritten(claims.seq, claims.hash, kept, file);
  if (claims.seq < highest) throw wentBack(claims.seq, highest, opts.dir);
  return { kind: 'unchanged', claims, file };
}

/** What the witness says about one fetch, Vietnamese then English. */
export function witnessReport(r: WitnessResult): string {
  if (r.kind === 'none') return 'chưa có gì để lưu: nền tảng chưa có điểm kiểm tra nào\nnothing to keep: the platform has no checkpoint yet\n';
  const c = r.claims;
  if (r.kind === 'stored') return `đã lưu: biên nhận của bản ghi #${c.seq} (mã băm ${c.hash}, ký lúc ${c.at}, khoá ${c.kid}) vào ${r.file}\nstored: receipt of entry #${c.seq} (hash ${c.hash}, signed at ${c.at}, key ${c.kid}) in ${r.file}\n`;
  return `không đổi: biên nhận của bản ghi #${c.seq} đã có trong ${r.file}, cùng mã băm\nunchanged: entry #${c.seq} is already kept in ${r.file} with the same hash\n`;
}
