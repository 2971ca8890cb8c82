/**
 * ASN.1 DER (ITU-T X.690 §8 and §10), only what the chip data, X.509 and CMS here need.
 *
 * Tags are written as their identifier octets packed into a number: 0x30 (SEQUENCE), 0xa0
 * ([0] constructed), 0x61 (DG1), 0x5f1f (MRZ data), 0x7f61 (biometric group template).
 *
 * The reader is strict, since it reads what a card or a partner sends: definite lengths only, in the
 * fewest octets, integers and sub-identifiers without redundant leading octets, and nothing may
 * run past its parent. Each violation throws DerError naming the offset.
 */

export class DerError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
  }
}

// ---- writing ------------------------------------------------------------------------------------

function tagOctets(tag: number): Buffer {
  if (tag <= 0xff) return Buffer.of(tag);
  if (tag <= 0xffff) return Buffer.of(tag >> 8, tag & 0xff);
  return Buffer.of(tag >> 16, (tag >> 8) & 0xff, tag & 0xff);
}

function lengthOctets(n: number): Buffer {
  if (n < 0x80) return Buffer.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.of(0x80 | bytes.length, ...bytes);
}

/** One element: tag, length, content (the concatenation of `content` when a list). */
export function tlv(tag: number, content: Buffer | readonly Buffer[]): Buffer {
  const body = Buffer.isBuffer(content) ? content : Buffer.concat(content as Buffer[]);
  return Buffer.concat([tagOctets(tag), lengthOctets(body.length), body]);
}

export const sequence = (...items: Buffer[]): Buffer => tlv(0x30, items);

/** SET OF: DER puts the elements in ascending order of their encodings (X.690 §11.6). */
export const setOf = (...items: Buffer[]): Buffer => tlv(0x31, [...items].sort(Buffer.compare));

/** A context-specific constructed element, [n] (EXPLICIT tagging, or IMPLICIT over a constructed type). */
export const context = (n: number, ...items: Buffer[]): Buffer => tlv(0xa0 | n, items);

/** A context-specific primitive element, [n] IMPLICIT over a primitive type. */
export const contextPrimitive = (n: number, content: Buffer): Buffer => tlv(0x80 | n, content);

export const octetString = (b: Buffer): Buffer => tlv(0x04, b);
export const utf8String = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));
export const bitString = (b: Buffer, unusedBits = 0): Buffer => tlv(0x03, [Buffer.of(unusedBits), b]);
export const boolean = (v: boolean): Buffer => tlv(0x01, Buffer.of(v ? 0xff : 0x00));
export const NULL = Buffer.of(0x05, 0x00);

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

/** PrintableString (X.680 §41.4). Throws RangeError on another character. */
export function printableString(s: string): Buffer {
  if (!PRINTABLE.test(s)) throw new RangeError(`not a PrintableString: ${JSON.stringify(s)}`);
  return tlv(0x13, Buffer.from(s, 'latin1'));
}

/** INTEGER, two's complement in the fewest octets. */
export function integer(value: bigint | number): Buffer {
  let v = BigInt(value);
  const bytes: number[] = [];
  for (;;) {
    const b = Number(v & 0xffn);
    bytes.unshift(b);
    v >>= 8n;
    if ((v === 0n && (b & 0x80) === 0) || (v === -1n && (b & 0x80) !== 0)) break;
  }
  return tlv(0x02, Buffer.from(bytes));
}

/** INTEGER from an unsigned big-endian magnitude (certificate serial numbers). */
export function unsignedInteger(magnitude: Buffer): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return tlv(0x02, (m[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.of(0), m]) : Buffer.from(m.length ? m : Buffer.of(0)));
}

function base128(n: number): number[] {
  const out = [n & 0x7f];
  for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) out.unshift(0x80 | (v & 0x7f));
  return out;
}

/** OBJECT IDENTIFIER from dotted form ('1.2.840.10045.4.3.2'). */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isSafeInteger(a) || a < 0) || arcs[0]! > 2 || (arcs[0]! < 2 && arcs[1]! > 39)) throw new RangeError(`bad OID ${dotted}`);
  const bytes = [...base128(arcs[0]! * 40 + arcs[1]!), ...arcs.slice(2).flatMap(base128)];
  return tlv(0x06, Buffer.from(bytes));
}

const p2 = (n: number): string => String(n).padStart(2, '0');
const stamp = (d: Date): string => `${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}Z`;

/** GeneralizedTime 'YYYYMMDDHHMMSSZ' (whole seconds, UTC). */
export function generalizedTime(d: Date): Buffer {
  return tlv(0x18, Buffer.from(`${String(d.getUTCFullYear()).padStart(4, '0')}${stamp(d)}`, 'latin1'));
}

/** X.509 Time: UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5). */
export function x509Time(d: Date): Buffer {
  const y = d.getUTCFullYear();
  return y >= 1950 && y < 2050 ? tlv(0x17, Buffer.from(`${p2(y % 100)}${stamp(d)}`, 'latin1')) : generalizedTime(d);
}

// ---- reading ------------------------------------------------------------------------------------

/** An element found in `buf`: content is buf[contentStart, end). */
export interface Der {
  readonly tag: number;
  readonly constructed: boolean;
  readonly buf: Buffer;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/** Reads the element starting at `start`; it must end by `limit`. */
export function read(buf: Buffer, start = 0, limit = buf.length): Der {
  let i = start;
  if (i >= limit) throw new DerError('element expected', i);
  const first = buf[i++]!;
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    // High tag number form: further identifier octets, the last without bit 8; at most 2 here.
    let n = 0;
    for (;;) {
      if (i >= limit) throw new DerError('truncated tag', i);
      const b = buf[i++]!;
      if (n === 0 && (b === 0x80 || b < 0x1f)) throw new DerError('non-minimal tag', i - 1);
      tag = tag * 256 + b;
      if (++n > 2) throw new DerError('tag too long', start);
      if ((b & 0x80) === 0) break;
    }
  }
  if (i >= limit) throw new DerError('truncated length', i);
  const l0 = buf[i++]!;
  let length = l0;
  if (l0 === 0x80) throw new DerError('indefinite length', i - 1);
  if (l0 > 0x80) {
    const count = l0 & 0x7f;
    if (count > 4) throw new DerError('length too long', i - 1);
    if (i + count > limit) throw new DerError('truncated length', i);
    if (buf[i] === 0) throw new DerError('non-minimal length', i);
    length = 0;
    for (let k = 0; k < count; k++) length = length * 256 + buf[i++]!;
    if (length < 0x80) throw new DerError('non-minimal length', i - count - 1);
  }
  if (i + length > limit) throw new DerError(`length ${length} runs past the end`, i);
  return { tag, constructed: (first & 0x20) !== 0, buf, start, contentStart: i, end: i + length };
}

/** The single element that fills `buf` exactly. */
export function parse(buf: Buffer): Der {
  const el = read(buf, 0, buf.length);
  if (el.end !== buf.length) throw new DerError('trailing bytes', el.end);
  return el;
}

/** The elements inside a constructed element. */
export function children(el: Der): Der[] {
  if (!el.constructed) throw new DerError(`tag 0x${el.tag.toString(16)} is not constructed`, el.start);
  const out: Der[] = [];
  for (let i = el.contentStart; i < el.end;) {
    const c = read(el.buf, i, el.end);
    out.push(c);
    i = c.end;
  }
  return out;
}

/** The content octets (a view, not a copy). */
export const contentOf = (el: Der): Buffer => el.buf.subarray(el.contentStart, el.end);

/** The whole encoding of the element: tag, length and content (a view, not a copy). */
export const encodingOf = (el: Der): Buffer => el.buf.subarray(el.start, el.end);

/** Checks the tag; `what` names the element in the error. */
export function expect(el: Der | undefined, tag: number, what: string): Der {
  if (!el) throw new DerError(`${what} missing`, -1);
  if (el.tag !== tag) throw new DerError(`${what}: tag 0x${el.tag.toString(16)}, expected 0x${tag.toString(16)}`, el.start);
  return el;
}

/** The children of a constructed element with the given tag, at least `min` of them. */
export function expectChildren(el: Der | undefined, tag: number, what: string, min = 0): Der[] {
  const c = children(expect(el, tag, what));
  if (c.length < min) throw new DerError(`${what}: ${c.length} elements, expected at least ${min}`, el!.start);
  return c;
}

export function readOid(el: Der): string {
  const b = contentOf(expect(el, 0x06, 'OBJECT IDENTIFIER'));
  if (b.length === 0 || (b[b.length - 1]! & 0x80)) throw new DerError('bad OBJECT IDENTIFIER', el.start);
  const arcs: number[] = [];
  let v = 0;
  let fresh = true;
  for (const byte of b) {
    if (fresh && byte === 0x80) throw new DerError('non-minimal OID sub-identifier', el.start);
    v = v * 128 + (byte & 0x7f);
    fresh = (byte & 0x80) === 0;
    if (fresh) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join('.');
}

export function readInteger(el: Der): bigint {
  const b = contentOf(expect(el, 0x02, 'INTEGER'));
  if (b.length === 0) throw new DerError('empty INTEGER', el.start);
  if (b.length > 1 && ((b[0] === 0 && !(b[1]! & 0x80)) || (b[0] === 0xff && b[1]! & 0x80))) throw new DerError('non-minimal INTEGER', el.start);
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  return b[0]! & 0x80 ? v - (1n << BigInt(8 * b.length)) : v;
}

/** An INTEGER that must fit a safe JavaScript number. */
export function readSmallInt(el: Der): number {
  const v = readInteger(el);
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new DerError('INTEGER too large', el.start);
  return Number(v);
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GEN_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** UTCTime or GeneralizedTime as DER writes them (seconds, 'Z', no fraction). */
export function readTime(el: Der): Date {
  const s = contentOf(el).toString('latin1');
  const m = el.tag === 0x17 ? UTC_TIME.exec(s) : el.tag === 0x18 ? GEN_TIME.exec(s) : null;
  if (!m) throw new DerError(`not a DER time: ${JSON.stringify(s)}`, el.start);
  const n = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const year = el.tag === 0x17 ? (n[0] < 50 ? 2000 + n[0] : 1900 + n[0]) : n[0];
  const d = new Date(Date.UTC(year, n[1] - 1, n[2], n[3], n[4], n[5]));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== n[1] - 1 || d.getUTCDate() !== n[2] || n[3] > 23 || n[4] > 59 || n[5] > 59) throw new DerError(`not a real time: ${s}`, el.start);
  return d;
}

/** UTF8String, PrintableString or IA5String as text. */
export function readString(el: Der): string {
  if (el.tag === 0x0c) return contentOf(el).toString('utf8');
  if (el.tag === 0x13 || el.tag === 0x16) return contentOf(el).toString('latin1');
  throw new DerError(`tag 0x${el.tag.toString(16)} is not a string`, el.start);
}
