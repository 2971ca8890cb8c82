export type { AuditEntry, ActorKind, ChainedEntry } from './audit.types.ts';
export { AuditWriter } from './audit.writer.ts';
export { Chainer, chainAll, chainOnce } from './audit.chainer.ts';
export { Checkpointer, checkpointIfGrown, AuditChainBroken, SYSTEM_VERIFIER } from './audit.checkpointer.ts';
export { verifyChain, type VerifyResult, type VerifyOptions, type ChainBreak } from './audit.verify.ts';
export { latestCheckpoint, type Checkpoint } from './audit.checkpoint.ts';
export { insertInbox, searchChain, headSeq, type AuditQuery } from './audit.store.ts';
export { signReceipt, verifyReceipt, readReceipt, platformKeyLookup, jwksKeyLookup, RECEIPT_TYP, type SignedReceipt, type KeyLookup } from './audit.receipt.ts';
export type { ReceiptClaims, ReceiptCheck } from './audit.verify.ts';
