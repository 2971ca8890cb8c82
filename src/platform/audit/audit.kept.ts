/**
 * Receipts kept outside the platform as DIR/<seq>.jws (the compact JWS and a newline), never
 * overwritten: the witness (polls the public head) and the keeper (receives pushes) keep them
 * alike, and `open06 audit verify --receipt FILE` reads either. The directory is its keeper's own
 * and trusted: a kept receipt is compared by the hash in its payload, its signature is not checked again.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Localised } from '../i18n/lang.ts';
import type { AppError } from '../http/errors.ts';
import type { ReceiptClaims } from './audit.verify.ts';

export type KeptClaims = ReceiptClaims & { kid: string };

export type KeepResult =
  | { kind: 'stored' | 'unchanged'; file: string }
  | { kind: 'rewritten'; file: string; kept: string };

/** A kept file is not a compact JWS with a hash: someone put it there or it was damaged. */
export class UnreadableKeptReceipt extends Error {}

export const receiptFile = (dir: string, seq: number) => path.join(dir, `${seq}.jws`);

/** The entries with a kept receipt, lowest first. */
export function keptSeqs(dir: string): number[] {
  return fs.readdirSync(dir).flatMap((name) => /^[1-9]\d*\.jws$/.test(name) ? [Number(name.slice(0, -4))] : []).sort((a, b) => a - b);
}

export function keptHash(file: string): string {
  try {
    const payload = fs.readFileSync(file, 'utf8').trim().split('.')[1] ?? '';
    const hash = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { hash?: unknown }).hash;
    if (typeof hash === 'string') return hash.toLowerCase();
  } catch { /* reported below */ }
  throw new UnreadableKeptReceipt(`cannot read the kept receipt ${file} (not a compact JWS with a hash); move it aside`);
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

/**
 * Keeps a checked receipt as DIR/<seq>.jws unless one is kept for that entry already; a kept one
 * with another hash means the chain was rewritten (the kept file stays as it is).
 */
export function keepReceipt(dir: string, claims: KeptClaims, jws: string): KeepResult {
  const file = receiptFile(dir, claims.seq);
  if (!fs.existsSync(file) && storeNew(file, jws)) return { kind: 'stored', file };
  const kept = keptHash(file);
  return kept === claims.hash ? { kind: 'unchanged', file } : { kind: 'rewritten', file, kept };
}

/** Why readReceipt refused a receipt, naming the parts at fault. */
export function refusalReason(e: AppError): Localised {
  const fields = e.errors.length ? ` (${e.errors.map((f) => f.field).join(', ')})` : '';
  return { vi: `${e.message_('vi')}${fields}`, en: `${e.message_('en')}${fields}` };
}

export function rewrittenMessages(claims: KeptClaims, kept: string, file: string): Localised {
  return {
    vi: `Chuỗi nhật ký kiểm toán đã bị viết lại: nền tảng nay ký mã băm ${claims.hash} cho bản ghi #${claims.seq}, nhưng biên nhận lưu tại ${file} ghi ${kept}. Hãy giữ các biên nhận và báo cáo.`,
    en: `The audit chain was rewritten: the platform now signs hash ${claims.hash} for entry #${claims.seq}, but the receipt kept in ${file} says ${kept}. Keep the receipts and report it.`,
  };
}

/** What was done with one receipt, Vietnamese then English. */
export function keptReport(r: { kind: 'stored' | 'unchanged'; claims: KeptClaims; file: string }): string {
  const c = r.claims;
  if (r.kind === 'stored') return `đã lưu: biên nhận của bản ghi #${c.seq} (mã băm ${c.hash}, ký lúc ${c.at}, khoá ${c.kid}) vào ${r.file}\nstored: receipt of entry #${c.seq} (hash ${c.hash}, signed at ${c.at}, key ${c.kid}) in ${r.file}\n`;
  return `không đổi: biên nhận của bản ghi #${c.seq} đã có trong ${r.file}, cùng mã băm\nunchanged: entry #${c.seq} is already kept in ${r.file} with the same hash\n`;
}
