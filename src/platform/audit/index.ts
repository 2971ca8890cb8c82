export type { AuditEntry, ActorKind, ChainedEntry } from './audit.types.ts';
export { AuditWriter } from './audit.writer.ts';
export { Chainer, chainAll, chainOnce } from './audit.chainer.ts';
export { verifyChain, type VerifyResult, type ChainBreak } from './audit.verify.ts';
export { insertInbox, searchChain, type AuditQuery } from './audit.store.ts';
