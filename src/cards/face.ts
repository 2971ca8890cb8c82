/**
 * A placeholder portrait for synthetic people: a 96×128 greyscale baseline JPEG (ITU-T T.81) drawn as
 * a 12×16 mosaic of flat 8×8 blocks — a head, hair, eyes, mouth and shoulders — with tones derived
 * from a seed (the ID number), and a comment segment saying it is synthetic. It is plainly not a
 * photograph, small (under 1 KB), and the same seed always gives the same bytes.
 *
 * Only DC coefficients are coded: a flat block's DCT has DC = 8·(value − 128) and every AC term 0
 * (T.81 A.3.3), so each block is one DC difference and an end-of-block code.
 */
import { createHash } from 'node:crypto';

export const FACE_WIDTH = 96;
export const FACE_HEIGHT = 128;
const BW = FACE_WIDTH / 8;
const BH = FACE_HEIGHT / 8;
const COMMENT = 'Open06 synthetic placeholder - not a photograph of a real person';

/** The 12×16 block tones (0-255) of the placeholder for a seed. */
export function faceBlocks(seed: string): Uint8Array {
  const h = createHash('sha256').update(`face:${seed}`).digest();
  const background = 190 + (h[0]! % 50);
  const skin = 130 + (h[1]! % 60);
  const hair = 20 + (h[2]! % 60);
  const shirt = 50 + (h[3]! % 120);
  const eyeRow = 6 + (h[4]! % 2);
  const out = new Uint8Array(BW * BH);
  for (let by = 0; by < BH; by++) {
    for (let bx = 0; bx < BW; bx++) {
      const dx = (bx + 0.5 - BW / 2) / 3.6;
      const dy = (by + 0.5 - 7) / 5;
      let v = background;
      if (dx * dx + dy * dy <= 1) v = by < 4 ? hair : skin;
      if (by === eyeRow && (bx === 4 || bx === 7)) v = hair;
      if (by === eyeRow + 4 && bx >= 5 && bx <= 6) v = Math.max(0, skin - 60);
      if (by === 12 && bx >= 5 && bx <= 6) v = skin;
      if (by >= 13 && Math.abs(bx + 0.5 - BW / 2) <= 2 + (by - 13) * 1.5) v = shirt;
      out[by * BW + bx] = v;
    }
  }
  return out;
}

/** Canonical Huffman codes from the count of codes of each length 1-16 (T.81 Annex C). */
function huffmanCodes(bits: readonly number[], values: readonly number[]): Map<number, { code: number; length: number }> {
  const out = new Map<number, { code: number; length: number }>();
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < (bits[length - 1] ?? 0); i++) out.set(values[k++]!, { code: code++, length });
    code <<= 1;
  }
  return out;
}

// T.81 Table K.3: the typical luminance DC table (categories 0-11).
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
// AC: only end-of-block (0x00) is ever coded, as a single 1-bit code.
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0x00];
const DC = huffmanCodes(DC_BITS, DC_VALUES);
const EOB = huffmanCodes(AC_BITS, AC_VALUES).get(0x00)!;

class BitWriter {
  private readonly bytes: number[] = [];
  private acc = 0;
  private n = 0;
  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      if (++this.n === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0x00); // byte stuffing (T.81 F.1.2.3)
    this.acc = 0;
    this.n = 0;
  }
  /** Pads the last byte with 1 bits (T.81 F.1.2.3). */
  finish(): Buffer {
    while (this.n !== 0) this.write(1, 1);
    return Buffer.from(this.bytes);
  }
}

const segment = (marker: number, body: Buffer): Buffer => Buffer.concat([Buffer.of(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff), body]);
const u16 = (n: number): Buffer => Buffer.of(n >> 8, n & 0xff);

/** The JPEG bytes of the placeholder for a seed. */
export function syntheticFaceJpeg(seed: string): Buffer {
  const blocks = faceBlocks(seed);
  const w = new BitWriter();
  let previous = 0;
  for (const tone of blocks) {
    const dc = 8 * (tone - 128);
    const diff = dc - previous;
    previous = dc;
    const magnitude = Math.abs(diff);
    const category = magnitude === 0 ? 0 : 32 - Math.clz32(magnitude);
    const code = DC.get(category)!;
    w.write(code.code, code.length);
    // Negative differences are written as the one's complement (T.81 F.1.2.1.1).
    if (category > 0) w.write(diff >= 0 ? diff : diff + (1 << category) - 1, category);
    w.write(EOB.code, EOB.length);
  }
  return Buffer.concat([
    Buffer.of(0xff, 0xd8), // SOI
    segment(0xe0, Buffer.concat([Buffer.from('JFIF\0', 'latin1'), Buffer.of(1, 1, 0), u16(1), u16(1), Buffer.of(0, 0)])),
    segment(0xfe, Buffer.from(COMMENT, 'latin1')),
    segment(0xdb, Buffer.concat([Buffer.of(0x00), Buffer.alloc(64, 1)])), // quantisation table 0: all 1
    segment(0xc0, Buffer.concat([Buffer.of(8), u16(FACE_HEIGHT), u16(FACE_WIDTH), Buffer.of(1, 1, 0x11, 0)])),
    segment(0xc4, Buffer.concat([Buffer.of(0x00), Buffer.from(DC_BITS), Buffer.from(DC_VALUES)])),
    segment(0xc4, Buffer.concat([Buffer.of(0x10), Buffer.from(AC_BITS), Buffer.from(AC_VALUES)])),
    segment(0xda, Buffer.of(1, 1, 0x00, 0, 63, 0)),
    w.finish(),
    Buffer.of(0xff, 0xd9), // EOI
  ]);
}
