import type { Kysely } from 'kysely';
import { inboxCount, readChain } from './audit.store.ts';
import { entryHash } from './audit.hash.ts';
import { GENESIS_HASH } from './audit.types.ts';
import type { Localised } from '../i18n/lang.ts';

export type ChainBreak =
  | { kind: 'altered'; seq: number }
  | { kind: 'inserted'; seq: number }
  | { kind: 'deleted'; afterSeq: number; missing: number[] }
  | { kind: 'rehashed_or_deleted'; seq: number };

export interface VerifyResult {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string } | null;
  pendingInInbox: number;
  firstBreak: ChainBreak | null;
  /** English, for logs and the CLI; `messages` has both languages. */
  message: string;
  messages: Localised;
}

/**
 * Walks the chain in order and names the first entry that was altered, inserted or deleted:
 * - content that no longer hashes to its stored hash: altered;
 * - an entry whose link skips its predecessor (points to the one before): the predecessor was inserted;
 * - a gap in sequence numbers: entries deleted;
 * - a link to nothing we have seen with the entry's own hash intact: the predecessor was altered and
 *   re-hashed, or entries were deleted and the rest renumbered.
 */
export async function verifyChain(db: Kysely<any>): Promise<VerifyResult> {
  let count = 0;
  let prev: { seq: number; hash: Buffer } | null = null;
  let beforePrev: Buffer | null = null;
  let firstBreak: ChainBreak | null = null;
  for await (const e of readChain(db)) {
    count++;
    if (firstBreak) continue;
    const expectedSeq = (prev?.seq ?? 0) + 1;
    const expectedPrev = prev?.hash ?? GENESIS_HASH;
    const selfOk = entryHash(e.seq, e, e.prevHash).equals(e.hash);
    if (e.seq > expectedSeq && e.prevHash.equals(expectedPrev) === false && selfOk) {
      firstBreak = { kind: 'deleted', afterSeq: expectedSeq - 1, missing: range(expectedSeq, e.seq) };
    } else if (beforePrev && e.prevHash.equals(beforePrev)) {
      firstBreak = { kind: 'inserted', seq: prev!.seq };
    } else if (!e.prevHash.equals(expectedPrev)) {
      firstBreak = selfOk ? { kind: 'rehashed_or_deleted', seq: expectedSeq - 1 } : { kind: 'deleted', afterSeq: expectedSeq - 1, missing: [] };
    } else if (!selfOk) {
      firstBreak = { kind: 'altered', seq: e.seq };
    } else if (e.seq !== expectedSeq) {
      firstBreak = { kind: 'deleted', afterSeq: expectedSeq - 1, missing: range(expectedSeq, e.seq) };
    }
    beforePrev = prev?.hash ?? null;
    prev = { seq: e.seq, hash: e.hash };
  }
  const pendingInInbox = await inboxCount(db);
  const head = prev ? { seq: prev.seq, hash: prev.hash.toString('hex') } : null;
  const messages = describe(firstBreak, count, head);
  return { ok: !firstBreak, entries: count, head, pendingInInbox, firstBreak, message: messages.en, messages };
}

function range(from: number, toExclusive: number): number[] {
  const out: number[] = [];
  for (let i = from; i < toExclusive && out.length < 1000; i++) out.push(i);
  return out;
}

function describe(b: ChainBreak | null, count: number, head: VerifyResult['head']): Localised {
  if (!b) {
    const h = `#${head?.seq ?? 0} ${head?.hash ?? GENESIS_HASH.toString('hex')}`;
    return { vi: `chuỗi nhật ký nguyên vẹn: ${count} bản ghi, bản ghi cuối ${h}`, en: `audit chain intact: ${count} entries, head ${h}` };
  }
  switch (b.kind) {
    case 'altered':
      return { vi: `bản ghi #${b.seq} đã bị sửa: nội dung không còn khớp với mã băm`, en: `entry #${b.seq} was altered: its content no longer matches its hash` };
    case 'inserted':
      return { vi: `bản ghi #${b.seq} bị chèn thêm: bản ghi sau nó trỏ tới bản ghi trước nó`, en: `entry #${b.seq} was inserted: the entry after it links to the entry before it` };
    case 'deleted':
      return b.missing.length
        ? { vi: `bản ghi bị xoá sau #${b.afterSeq}: thiếu #${b.missing.join(', #')}`, en: `entries deleted after #${b.afterSeq}: #${b.missing.join(', #')} missing` }
        : { vi: `một bản ghi sau #${b.afterSeq} đã bị xoá và các bản ghi sau được đánh số lại`, en: `an entry was deleted after #${b.afterSeq} and later entries renumbered` };
    case 'rehashed_or_deleted':
      return { vi: `bản ghi #${b.seq} bị sửa và tính lại mã băm, hoặc các bản ghi sau nó bị xoá: bản ghi kế tiếp không còn trỏ tới nó`, en: `entry #${b.seq} was altered and re-hashed, or entries after it deleted: the next entry no longer links to it` };
  }
}
