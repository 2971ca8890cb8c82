import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonical } from '../../src/platform/audit/audit.hash.ts';

/** The canonical form as first written (sessions 1–6): the hashes of existing chains were made with it. */
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return '[' + value.map(reference).join(',') + ']';
  const obj = value as Record<string, unknown>;
  return '{' + Object.keys(obj).sort().filter((k) => obj[k] !== undefined).map((k) => JSON.stringify(k) + ':' + reference(obj[k])).join(',') + '}';
}

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'Nguyễn Văn An', 'Đ', '"', '\\', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u2028', '\u2029', '😀', '\ud83d', '\ude00', '/', '<', '{', ' ', 'ID 001090012345', ''];

function value(r: () => number, depth: number): unknown {
  const k = Math.floor(r() * (depth > 3 ? 6 : 9));
  switch (k) {
    case 0: return Array.from({ length: Math.floor(r() * 4) }, () => PIECES[Math.floor(r() * PIECES.length)]).join('');
    case 1: return [0, -0, 1, -1.5, 1e21, 1e-7, 123456789012, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER][Math.floor(r() * 10)];
    case 2: return r() < 0.5;
    case 3: return null;
    case 4: return undefined;
    case 5: return new Date(Date.UTC(2026, 10, 25));
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => value(r, depth + 1));
    default: {
      const o: Record<string, unknown> = {};
      for (let i = Math.floor(r() * 5); i > 0; i--) o[String(value(r, 9) ?? 'k')] = value(r, depth + 1);
      return o;
    }
  }
}

test('the canonical form is byte for byte the one existing chains were hashed with', () => {
  const r = rng(20261125);
  for (let i = 0; i < 20_000; i++) {
    const v = value(r, 0);
    assert.equal(canonical(v), reference(v), JSON.stringify(v));
  }
});

test('strings that JSON escapes are escaped; plain ones, Vietnamese and emoji included, are not', () => {
  assert.equal(canonical(['a"b', 'a\\b', 'x\ny', 'Nguyễn', '😀', '\ud83d', '\u2028']), '["a\\"b","a\\\\b","x\\ny","Nguyễn","😀","\\ud83d","\u2028"]');
  assert.equal(canonical({ b: 1, a: undefined, c: [undefined, Number.NaN] }), '{"b":1,"c":[null,null]}');
});
