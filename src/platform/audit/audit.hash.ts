import { createHash } from 'node:crypto';
import type { AuditEntry } from './audit.types.ts';

// What JSON.stringify would escape in a string: quotes, backslashes, control characters and
// (as lone surrogates) anything in the surrogate range. Strings without them are quoted as they are.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`;
}

/**
 * JSON with object keys sorted and undefined members left out (any other object, a Date included,
 * by its own enumerable keys). Strings, numbers and keys read exactly as JSON.stringify writes them,
 * without calling it for the usual plain strings: every audited request runs this, and the chain's
 * hashes depend on every byte staying the same.
 */
export function canonical(value: unknown): string {
  switch (typeof value) {
    case 'string': return quote(value);
    case 'number': return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean': return value ? 'true' : 'false';
    case 'undefined': return 'null';
    case 'object': break;
    default: return JSON.stringify(value ?? null);
  }
  if (value === null) return 'null';
  let out: string;
  if (Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonical(value[i]);
    return out + ']';
  }
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += (first ? '' : ',') + quote(k) + ':' + canonical(v);
    first = false;
  }
  return out + '}';
}

/**
 * The canonical JSON text of an entry without its sequence number. The same text is passed to
 * `platform.audit_append`, which hashes it in PostgreSQL; `verifyChain` recomputes it from the
 * stored columns, so every value here must survive the round trip through them unchanged
 * (timestamps at millisecond precision, jsonb details re-canonicalised here).
 */
export function entryBody(e: AuditEntry): string {
  return canonical([
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
}

/**
 * hash_n = SHA-256(hash_{n-1} ‖ UTF-8 of (decimal seq_n ‖ "\n" ‖ entryBody(entry n))).
 * PostgreSQL computes the same in platform.audit_append:
 * sha256(prev_hash || convert_to(seq::text || E'\n' || body, 'UTF8')).
 */
export function entryHash(seq: number, e: AuditEntry, prevHash: Buffer): Buffer {
  return createHash('sha256').update(prevHash).update(`${seq}\n${entryBody(e)}`, 'utf8').digest();
}
