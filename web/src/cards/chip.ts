/**
 * Reading what the print preview needs from the chip data of an issue response: the portrait in
 * DG2 and the Vietnamese fields of DG13 (layouts in src/cards/lds.ts). A small BER-TLV reader;
 * anything unexpected gives null rather than an exception, and the preview shows what it has.
 */

interface Tlv {
  tag: number;
  constructed: boolean;
  contentStart: number;
  end: number;
}

function readTlv(b: Uint8Array, pos: number, limit: number): Tlv | null {
  let p = pos;
  if (p >= limit) return null;
  const first = b[p++]!;
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    let more = true;
    while (more) {
      if (p >= limit) return null;
      const x = b[p++]!;
      tag = tag * 256 + x;
      more = (x & 0x80) !== 0;
    }
  }
  if (p >= limit) return null;
  let len = b[p++]!;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || p + n > limit) return null;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[p++]!;
  }
  if (p + len > limit) return null;
  return { tag, constructed: (first & 0x20) !== 0, contentStart: p, end: p + len };
}

function children(b: Uint8Array, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let p = t.contentStart;
  while (p < t.end) {
    const c = readTlv(b, p, t.end);
    if (!c) break;
    out.push(c);
    p = c.end;
  }
  return out;
}

export function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

/** DG2 → the JPEG portrait as a data: URL, or null. */
export function portraitDataUrl(dg2Base64: string | undefined): string | null {
  if (!dg2Base64) return null;
  try {
    const b = fromBase64(dg2Base64);
    const outer = readTlv(b, 0, b.length);
    if (!outer || outer.tag !== 0x75) return null;
    const group = children(b, outer).find((c) => c.tag === 0x7f61);
    const template = group && children(b, group).find((c) => c.tag === 0x7f60);
    const block = template && children(b, template).find((c) => c.tag === 0x5f2e);
    if (!block) return null;
    const record = b.subarray(block.contentStart, block.end);
    if (String.fromCharCode(...record.subarray(0, 4)) !== 'FAC\0') return null;
    const featurePoints = (record[14 + 4]! << 8) | record[14 + 5]!;
    const jpeg = record.subarray(14 + 20 + 12 + 8 * featurePoints);
    return jpeg[0] === 0xff && jpeg[1] === 0xd8 ? `data:image/jpeg;base64,${toBase64(jpeg)}` : null;
  } catch {
    return null;
  }
}

/** DG13 field numbers (DOMAIN.md §3) the preview prints. */
export const DG13 = { nationality: 5, placeOfOrigin: 8, residence: 9, issueDate: 11, expiry: 12 } as const;

/** DG13 → its fields by number (each a list of strings), read from any SEQUENCE starting with an INTEGER. */
export function readDg13(dg13Base64: string | undefined): Map<number, string[]> {
  const out = new Map<number, string[]>();
  if (!dg13Base64) return out;
  try {
    const b = fromBase64(dg13Base64);
    const outer = readTlv(b, 0, b.length);
    if (!outer || outer.tag !== 0x6d) return out;
    const utf8 = new TextDecoder('utf-8', { fatal: false });
    const strings = (t: Tlv): string[] => (t.constructed ? children(b, t).flatMap(strings) : t.tag === 0x0c || t.tag === 0x13 || t.tag === 0x16 ? [utf8.decode(b.subarray(t.contentStart, t.end))] : []);
    const walk = (t: Tlv): void => {
      if (!t.constructed) return;
      const c = children(b, t);
      if (t.tag === 0x30 && c[0]?.tag === 0x02) {
        let n = 0;
        for (let i = c[0].contentStart; i < c[0].end; i++) n = n * 256 + b[i]!;
        out.set(n, c.slice(1).flatMap(strings));
        return;
      }
      c.forEach(walk);
    };
    walk(outer);
  } catch {
    // Unreadable: the preview falls back to what the QR payload says.
  }
  return out;
}
