import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit.types.ts';

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().filter((k) => obj[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
}

/** hash_n = SHA-256(hash_{n-1} ‖ canonical JSON of entry n including its sequence number). */
export function entryHash(seq: number, e: AuditEntry, prevHash: Buffer): Buffer {
  const body = canonical([
    seq,
    e.at.toISOString(),
    e.actorKind,
    e.actorId,
    e.action,
    e.subjectKind ?? null,
    e.subjectId ?? null,
    e.fields ?? [],
    e.purpose ?? null,
    e.legalBasis ?? null,
    e.requestId ?? null,
    e.details ?? {},
  ]);
  return createHash('sha256').update(prevHash).update(body).digest();
}
