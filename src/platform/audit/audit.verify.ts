import type { Kysely } from 'kysely';
import { inboxCount, readChain } from './audit.store.ts';
import { entryHash } from './audit.hash.ts';
import { GENESIS_HASH } from './audit.types.ts';

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
  message: string;
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
  return { ok: !firstBreak, entries: count, head, pendingInInbox, firstBreak, message: describe(firstBreak, count, head) };
}

function range(from: number, toExclusive: number): number[] {
  const out: number[] = [];
  for (let i = from; i < toExclusive && out.length < 1000; i++) out.push(i);
  return out;
}

function describe(b: ChainBreak | null, count: number, head: VerifyResult['head']): string {
  if (!b) return `audit chain intact: ${count} entries, head #${head?.seq ?? 0} ${head?.hash ?? GENESIS_HASH.toString('hex')}`;
  switch (b.kind) {
    case 'altered':
      return `entry #${b.seq} was altered: its content no longer matches its hash`;
    case 'inserted':
      return `entry #${b.seq} was inserted: the entry after it links to the entry before it`;
    case 'deleted':
      return b.missing.length ? `entries deleted after #${b.afterSeq}: #${b.missing.join(', #')} missing` : `an entry was deleted after #${b.afterSeq} and later entries renumbered`;
    case 'rehashed_or_deleted':
      return `entry #${b.seq} was altered and re-hashed, or entries after it deleted: the next entry no longer links to it`;
  }
}
