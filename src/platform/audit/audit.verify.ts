import type { Kysely } from 'kysely';
import { chainedEntry, inboxCount, readChain } from './audit.store.ts';
import { entryHash } from './audit.hash.ts';
import { GENESIS_HASH, type ChainedEntry } from './audit.types.ts';
import { latestCheckpoint, recordCheckpoint, type Checkpoint } from './audit.checkpoint.ts';
import type { Localised } from '../i18n/lang.ts';

export type ChainBreak =
  | { kind: 'altered'; seq: number }
  | { kind: 'inserted'; seq: number }
  | { kind: 'deleted'; afterSeq: number; missing: number[] }
  | { kind: 'rehashed_or_deleted'; seq: number }
  /** The entry a checkpoint recorded is gone or no longer has the hash recorded then. */
  | { kind: 'checkpoint_changed'; seq: number; verifiedAt: string }
  /** The entry a signed receipt names is gone or no longer has the hash the receipt holds. */
  | { kind: 'receipt_mismatch'; seq: number; at: string };

/** What a signed receipt says: the chain was intact up to entry `seq`, whose hash was `hash` (hex), at `at`. */
export interface ReceiptClaims {
  seq: number;
  hash: string;
  at: string;
  issuer: string;
}

/** How the chain compared with a receipt (see `verifyReceipt`). */
export interface ReceiptCheck extends ReceiptClaims {
  kid: string;
  /** The entry at `seq` has the receipt's hash and the entries #1–#seq hash to it. */
  matched: boolean;
  /** The walk from the receipt's entry on to the head. */
  after: { fromSeq: number; toSeq: number; entries: number };
}

export interface VerifyResult {
  ok: boolean;
  /** `full`: from the first entry; `incremental`: from the last checkpoint's entry to the head. */
  walk: 'full' | 'incremental';
  /** The first and last entry looked at (0 and 0 on an empty chain). */
  fromSeq: number;
  toSeq: number;
  /** How many entries this walk looked at. */
  entries: number;
  /** The walk stopped at `maxEntries` before the end of the chain: `head` is the last entry it looked at. */
  more: boolean;
  /** The checkpoint an incremental walk started from. */
  startedFrom: Checkpoint | null;
  /** Entries this walk did not look at (an incremental walk trusts those before its checkpoint). */
  notWalked: { fromSeq: number; toSeq: number } | null;
  /** The checkpoint this walk recorded (only when the chain is intact and a verifier is named). */
  checkpoint: Checkpoint | null;
  head: { seq: number; hash: string } | null;
  pendingInInbox: number;
  firstBreak: ChainBreak | null;
  /** Only when the walk checked a signed receipt. */
  receipt: ReceiptCheck | null;
  /** English, for logs and the CLI; `messages` has both languages. */
  message: string;
  messages: Localised;
}

export interface VerifyOptions {
  /** `checkpoint`: start at the last checkpoint (from the start when there is none). Default `start`. */
  from?: 'start' | 'checkpoint';
  /** Who verifies: when given, an intact walk records a checkpoint in their name. */
  verifiedBy?: string;
  now?: () => Date;
  /** A receipt whose signature was checked: the walk starts at the first entry and compares entry `seq` with it. */
  receipt?: ReceiptClaims & { kid: string };
  /** Stop after this many entries (not with a receipt): a long unverified stretch is walked in slices. */
  maxEntries?: number;
  /** Keepers a recorded checkpoint's receipt is pushed to (AUDIT_RECEIPT_PUSH_URLS). */
  pushTo?: readonly string[];
}

type Link = { seq: number; hash: Buffer };

/**
 * Walks the chain (from the start, or from the last checkpoint after checking that its entry still
 * has the recorded hash) and names the first entry that was altered, inserted or deleted:
 * - content that no longer hashes to its stored hash: altered;
 * - an entry whose link skips its predecessor (points to the one before): the predecessor was inserted;
 * - a gap in sequence numbers: entries deleted;
 * - a link to nothing we have seen with the entry's own hash intact: the predecessor was altered and
 *   re-hashed, or entries were deleted and the rest renumbered.
 * With a receipt it walks from the first entry and also names the receipt's entry when it no longer
 * has the receipt's hash: that is how a chain re-hashed together with its checkpoints is caught.
 */
export async function verifyChain(db: Kysely<any>, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const { receipt } = opts;
  const startedFrom = opts.from === 'checkpoint' && !receipt ? await latestCheckpoint(db) : null;
  let receiptMatched = false;
  let afterReceipt = 0;
  let prev: Link | null = null;
  let beforePrev: Buffer | null = null;
  let firstBreak: ChainBreak | null = null;
  let count = 0;
  let more = false;
  const limit = receipt ? Infinity : opts.maxEntries ?? Infinity;
  if (startedFrom) {
    const e = await chainedEntry(db, startedFrom.seq);
    firstBreak = checkpointBreak(startedFrom, e);
    if (e) {
      count = 1;
      prev = { seq: e.seq, hash: e.hash };
      beforePrev = e.prevHash;
    }
  }
  for await (const e of readChain(db, startedFrom?.seq ?? 0, Math.min(10_000, limit))) {
    if (count >= limit) {
      more = true;
      break;
    }
    count++;
    firstBreak ??= linkBreak(e, prev, beforePrev);
    if (receipt && e.seq === receipt.seq) {
      const sameHash = e.hash.toString('hex') === receipt.hash.toLowerCase();
      // Matched: the walk from the first entry to this one found nothing wrong, and it ends at the receipt's hash.
      receiptMatched = sameHash && !firstBreak;
      if (!sameHash) firstBreak ??= { kind: 'receipt_mismatch', seq: receipt.seq, at: receipt.at };
    }
    if (receipt && e.seq >= receipt.seq) afterReceipt++;
    beforePrev = prev?.hash ?? null;
    prev = { seq: e.seq, hash: e.hash };
  }
  if (receipt && !receiptMatched) firstBreak ??= { kind: 'receipt_mismatch', seq: receipt.seq, at: receipt.at };
  const walk = startedFrom ? 'incremental' : 'full';
  const head = prev ? { seq: prev.seq, hash: prev.hash.toString('hex') } : null;
  const fromSeq = startedFrom ? startedFrom.seq : head ? 1 : 0;
  const notWalked = startedFrom && startedFrom.seq > 1 ? { fromSeq: 1, toSeq: startedFrom.seq - 1 } : null;
  let checkpoint: Checkpoint | null = null;
  if (!firstBreak && head && opts.verifiedBy) {
    checkpoint = { seq: head.seq, hash: head.hash, walk, fromSeq, entries: count, verifiedAt: (opts.now?.() ?? new Date()).toISOString(), verifiedBy: opts.verifiedBy };
    await recordCheckpoint(db, checkpoint, opts.pushTo);
  }
  const pendingInInbox = await inboxCount(db);
  const receiptCheck: ReceiptCheck | null = receipt ? { ...receipt, matched: receiptMatched, after: { fromSeq: receipt.seq, toSeq: head?.seq ?? 0, entries: afterReceipt } } : null;
  const messages = describe(firstBreak, count, head, startedFrom, receiptCheck);
  return { ok: !firstBreak, walk, fromSeq, toSeq: head?.seq ?? 0, entries: count, more, startedFrom, notWalked, checkpoint, head, pendingInInbox, firstBreak, receipt: receiptCheck, message: messages.en, messages };
}

function checkpointBreak(c: Checkpoint, e: ChainedEntry | null): ChainBreak | null {
  if (!e || e.hash.toString('hex') !== c.hash) return { kind: 'checkpoint_changed', seq: c.seq, verifiedAt: c.verifiedAt };
  if (!entryHash(e.seq, e, e.prevHash).equals(e.hash)) return { kind: 'altered', seq: e.seq };
  return null;
}

/** What is wrong with entry `e` given the entry before it (`prev`) and the link that entry had. */
function linkBreak(e: ChainedEntry, prev: Link | null, beforePrev: Buffer | null): ChainBreak | null {
  const expectedSeq = (prev?.seq ?? 0) + 1;
  const expectedPrev = prev?.hash ?? GENESIS_HASH;
  const selfOk = entryHash(e.seq, e, e.prevHash).equals(e.hash);
  if (e.seq > expectedSeq && e.prevHash.equals(expectedPrev) === false && selfOk) return { kind: 'deleted', afterSeq: expectedSeq - 1, missing: range(expectedSeq, e.seq) };
  if (beforePrev && e.prevHash.equals(beforePrev)) return { kind: 'inserted', seq: prev!.seq };
  if (!e.prevHash.equals(expectedPrev)) return selfOk ? { kind: 'rehashed_or_deleted', seq: expectedSeq - 1 } : { kind: 'deleted', afterSeq: expectedSeq - 1, missing: [] };
  if (!selfOk) return { kind: 'altered', seq: e.seq };
  if (e.seq !== expectedSeq) return { kind: 'deleted', afterSeq: expectedSeq - 1, missing: range(expectedSeq, e.seq) };
  return null;
}

function range(from: number, toExclusive: number): number[] {
  const out: number[] = [];
  for (let i = from; i < toExclusive && out.length < 1000; i++) out.push(i);
  return out;
}

function describe(b: ChainBreak | null, count: number, head: VerifyResult['head'], from: Checkpoint | null, receipt: ReceiptCheck | null): Localised {
  if (!b) {
    const h = `#${head?.seq ?? 0} ${head?.hash ?? GENESIS_HASH.toString('hex')}`;
    if (receipt) {
      return {
        vi: `chuỗi nhật ký khớp biên nhận của bản ghi #${receipt.seq} (ký lúc ${receipt.at}, khoá ${receipt.kid}): các bản ghi #1–#${receipt.seq} băm ra đúng mã băm trong biên nhận; từ đó tới bản ghi cuối nguyên vẹn: ${receipt.after.entries} bản ghi, bản ghi cuối ${h}`,
        en: `audit chain matches the receipt of entry #${receipt.seq} (signed at ${receipt.at}, key ${receipt.kid}): entries #1–#${receipt.seq} hash to the receipt's hash; intact from there to the head: ${receipt.after.entries} entries, head ${h}`,
      };
    }
    if (!from) return { vi: `chuỗi nhật ký nguyên vẹn: ${count} bản ghi, bản ghi cuối ${h}`, en: `audit chain intact: ${count} entries, head ${h}` };
    const before = from.seq > 1 ? { vi: `; các bản ghi #1–#${from.seq - 1} đã được kiểm tra lúc ${from.verifiedAt} và lần này không kiểm tra lại`, en: `; entries #1–#${from.seq - 1} were verified at ${from.verifiedAt} and not walked this time` } : { vi: '', en: '' };
    return {
      vi: `chuỗi nhật ký nguyên vẹn từ điểm kiểm tra #${from.seq}: ${count} bản ghi, bản ghi cuối ${h}${before.vi}`,
      en: `audit chain intact from checkpoint #${from.seq}: ${count} entries, head ${h}${before.en}`,
    };
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
    case 'checkpoint_changed':
      return { vi: `bản ghi #${b.seq} không còn mã băm đã ghi ở điểm kiểm tra lúc ${b.verifiedAt}: nó hoặc các bản ghi trước nó đã bị sửa và tính lại mã băm, hoặc bị xoá`, en: `entry #${b.seq} no longer has the hash recorded at the checkpoint of ${b.verifiedAt}: it or entries before it were altered and re-hashed, or deleted` };
    case 'receipt_mismatch':
      return { vi: `bản ghi #${b.seq} không còn mã băm trong biên nhận đã ký lúc ${b.at}: nó hoặc các bản ghi trước nó đã bị sửa và cả chuỗi được tính lại mã băm, hoặc bị xoá`, en: `entry #${b.seq} no longer has the hash in the receipt signed at ${b.at}: it or entries before it were altered and the chain re-hashed, or deleted` };
  }
}
