import { api } from '../api/client.ts';

type Opts = { signal?: AbortSignal };

/** GET /api/v1/audit/verify: the server's own result type (type-only import, nothing of the server is bundled). */
import type { ChainBreak, Checkpoint, ReceiptPush, SignedReceipt, VerifyResult } from '../../../src/platform/audit/index.ts';

export type { ChainBreak, Checkpoint, ReceiptPush, SignedReceipt, VerifyResult };

/** One chained entry (src/platform/audit/audit.types.ts), hashes in hex. */
export interface AuditEntryView {
  seq: number;
  at: string;
  actorKind: string;
  actorId: string;
  action: string;
  subjectKind?: string | null;
  subjectId?: string | null;
  fields?: string[] | null;
  purpose?: string | null;
  legalBasis?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown> | null;
  prevHash: string;
  hash: string;
}

export interface AuditQuery {
  subjectId?: string;
  actorId?: string;
  action?: string;
  beforeSeq?: number;
  limit: number;
}

/** From the last checkpoint to the head, or (`full`) from the first entry; an intact walk records a checkpoint. */
export function verifyChain(full: boolean, opts: Opts = {}): Promise<VerifyResult> {
  return api.get(`/api/v1/audit/verify${full ? '?full=true' : ''}`, opts);
}

/** The last checkpoint, how far the chain has grown since, and its receipt's pushes to the keepers outside (AUDIT_RECEIPT_PUSH_URLS). */
export function lastCheckpoint(opts: Opts = {}): Promise<{ checkpoint: Checkpoint | null; headSeq: number; pushes: ReceiptPush[] }> {
  return api.get('/api/v1/audit/checkpoint', opts);
}

/** Sends a failed push of a receipt again (admin): it comes back `pending`, with no attempts, due now. */
export function retryPush(id: string, opts: Opts = {}): Promise<ReceiptPush> {
  return api.post(`/api/v1/audit/receipt-pushes/${encodeURIComponent(id)}/retry`, undefined, opts);
}

/** The last checkpoint, signed by the platform: a compact JWS to keep outside the platform. */
export function latestReceipt(opts: Opts = {}): Promise<SignedReceipt> {
  return api.get('/api/v1/audit/checkpoints/latest/receipt', opts);
}

/** Checks the receipt's signature, then walks the whole chain: the receipt's entry must still have its hash. */
export function verifyWithReceipt(receipt: string, opts: Opts = {}): Promise<VerifyResult> {
  return api.post('/api/v1/audit/verify-receipt', { receipt }, opts);
}

/** Newest first; pass `nextBeforeSeq` back as `beforeSeq` for the next page. The search itself is audited. */
export function searchEntries(q: AuditQuery, opts: Opts = {}): Promise<{ items: AuditEntryView[]; nextBeforeSeq: number | null }> {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') qs.set(k, String(v));
  return api.get(`/api/v1/audit/entries?${qs.toString()}`, opts);
}
