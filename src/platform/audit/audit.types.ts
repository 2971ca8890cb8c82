export type ActorKind = 'officer' | 'system' | 'partner' | 'citizen';

/** One thing someone did or read. `subjectId` of a person is their personal ID number. */
export interface AuditEntry {
  at: Date;
  actorKind: ActorKind;
  actorId: string;
  action: string;
  subjectKind?: string | null;
  subjectId?: string | null;
  fields?: readonly string[];
  purpose?: string | null;
  legalBasis?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown>;
}

export interface ChainedEntry extends AuditEntry {
  seq: number;
  prevHash: Buffer;
  hash: Buffer;
}

export const GENESIS_HASH = Buffer.alloc(32);
