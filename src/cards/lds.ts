/**
 * The data groups of the chip (ICAO Doc 9303 Part 10, Logical Data Structure) that the card carries:
 * DG1 (the MRZ), DG2 (the face), DG13 (Vietnam's own fields). Each is the whole elementary file, tag
 * included: that is what the SOD hashes.
 *
 * DG13 (DOMAIN.md §3, as decoded by open-source readers; the exact layout of issued cards is
 * unverified): tag 0x6D holding one SEQUENCE { INTEGER field number, value string(s) } per field,
 * any field may be absent, read by number. Written here as UTF8String:
 *   1 ID number          2 full name          3 birth date (dd/mm/yyyy, mm/yyyy or yyyy)
 *   4 sex (Nam/Nữ)       5 nationality        6 ethnicity          7 religion
 *   8 place of origin    9 residence          10 identifying marks 11 issue date (dd/mm/yyyy)
 *   12 expiry (dd/mm/yyyy, or "Không thời hạn")                    13 father, mother
 *   14 spouse            15 old ID number     (16: meaning unverified; never written)
 */
import { formatPartialDate, nfc } from '../vn/index.ts';
import { children, contentOf, DerError, integer, parse, readSmallInt, readString, sequence, tlv, utf8String, type Der } from './der.ts';
import { FACE_HEIGHT, FACE_WIDTH, syntheticFaceJpeg } from './face.ts';
import type { ChipCardDates, ChipHolder } from './cards.types.ts';

/** Elementary-file tags (ICAO 9303 Part 10 §4.6, Table 34). */
export const DG_TAG = { 1: 0x61, 2: 0x75, 13: 0x6d } as const;
export const SOD_TAG = 0x77;

// ---- DG1 ------------------------------------------------------------------------------------------

/** DG1: tag 0x61 holding the MRZ data element 0x5F1F (the 90 characters of a TD1, no line breaks). */
export function encodeDg1(mrzLines: readonly string[]): Buffer {
  const mrz = mrzLines.join('');
  if (!/^[A-Z0-9<]{90}$/.test(mrz)) throw new RangeError('DG1: a TD1 MRZ is 90 characters A-Z 0-9 <');
  return tlv(DG_TAG[1], tlv(0x5f1f, Buffer.from(mrz, 'latin1')));
}

/** The MRZ in a DG1, as three lines joined by '\n'. Throws DerError when it is not a DG1. */
export function decodeDg1(dg1: Buffer): string {
  const outer = parse(dg1);
  if (outer.tag !== DG_TAG[1]) throw new DerError('not DG1', 0);
  const mrz = children(outer).find((c) => c.tag === 0x5f1f);
  if (!mrz) throw new DerError('DG1 has no MRZ element', 0);
  const s = contentOf(mrz).toString('latin1');
  return s.length === 90 ? `${s.slice(0, 30)}\n${s.slice(30, 60)}\n${s.slice(60)}` : s;
}

// ---- DG2 ------------------------------------------------------------------------------------------

/** ISO/IEC 19794-5:2005 §5: a facial record with one JPEG image and no feature points. */
function facialRecord(jpeg: Buffer, sex: 'male' | 'female'): Buffer {
  const imageInfo = Buffer.alloc(12);
  imageInfo.writeUInt8(1, 0); // face image type: full frontal
  imageInfo.writeUInt8(0, 1); // image data type: JPEG
  imageInfo.writeUInt16BE(FACE_WIDTH, 2);
  imageInfo.writeUInt16BE(FACE_HEIGHT, 4);
  imageInfo.writeUInt8(3, 6); // colour space: 8-bit greyscale
  imageInfo.writeUInt8(0, 7); // source type: unspecified (synthetic)
  // device type (2 bytes) and quality (2 bytes): 0, unspecified
  const facialInfo = Buffer.alloc(20);
  facialInfo.writeUInt32BE(20 + 12 + jpeg.length, 0); // this facial record's length
  facialInfo.writeUInt16BE(0, 4); // feature points
  facialInfo.writeUInt8(sex === 'male' ? 1 : 2, 6); // gender
  // eye colour, hair colour, property mask, expression, pose angles and uncertainty: 0, unspecified
  const header = Buffer.alloc(14);
  header.write('FAC\0', 0, 'latin1');
  header.write('010\0', 4, 'latin1');
  header.writeUInt32BE(14 + 20 + 12 + jpeg.length, 8); // whole record
  header.writeUInt16BE(1, 12); // number of facial images
  return Buffer.concat([header, facialInfo, imageInfo, jpeg]);
}

/**
 * DG2 (ICAO 9303 Part 10 §4.7.2): tag 0x75 → biometric information group template 0x7F61 (one
 * instance) → template 0x7F60 → header A1 (ICAO header version 1.1, type face, format owner
 * ISO/IEC JTC 1/SC 37 0x0101, format type 0x0008 face image) and data block 0x5F2E.
 */
export function encodeDg2(jpeg: Buffer, sex: 'male' | 'female'): Buffer {
  const header = tlv(0xa1, [tlv(0x80, Buffer.of(1, 1)), tlv(0x81, Buffer.of(0x02)), tlv(0x87, Buffer.of(1, 1)), tlv(0x88, Buffer.of(0, 8))]);
  const template = tlv(0x7f60, [header, tlv(0x5f2e, facialRecord(jpeg, sex))]);
  return tlv(DG_TAG[2], tlv(0x7f61, [tlv(0x02, Buffer.of(1)), template]));
}

/** DG2 with the synthetic placeholder portrait for this ID number. */
export function syntheticDg2(idNumber: string, sex: 'male' | 'female'): Buffer {
  return encodeDg2(syntheticFaceJpeg(idNumber), sex);
}

/** The image inside a DG2 (the first instance). Throws DerError when it is not a DG2 as written above. */
export function decodeDg2Image(dg2: Buffer): Buffer {
  const outer = parse(dg2);
  if (outer.tag !== DG_TAG[2]) throw new DerError('not DG2', 0);
  const group = children(outer).find((c) => c.tag === 0x7f61);
  const template = group && children(group).find((c) => c.tag === 0x7f60);
  const block = template && children(template).find((c) => c.tag === 0x5f2e);
  if (!block) throw new DerError('DG2 has no biometric data block', 0);
  const record = contentOf(block);
  if (record.subarray(0, 4).toString('latin1') !== 'FAC\0') throw new DerError('not an ISO 19794-5 facial record', block.contentStart);
  return Buffer.from(record.subarray(14 + 20 + 12 + 8 * record.readUInt16BE(14 + 4)));
}

// ---- DG13 -----------------------------------------------------------------------------------------

export const DG13_FIELD = {
  idNumber: 1, fullName: 2, birthDate: 3, sex: 4, nationality: 5, ethnicity: 6, religion: 7, placeOfOrigin: 8,
  residence: 9, identifyingMarks: 10, issueDate: 11, expiry: 12, parents: 13, spouse: 14, oldIdNumber: 15,
} as const;

export const NEVER_EXPIRES_TEXT = 'Không thời hạn';

const ddmmyyyy = (d: { year: number; month: number; day: number }): string => formatPartialDate({ kind: 'full', ...d });

/** DG13 for a holder and card; absent values are left out. Text is NFC. */
export function encodeDg13(h: ChipHolder, card: ChipCardDates): Buffer {
  const fields: Array<[number, ReadonlyArray<string | null | undefined>]> = [
    [DG13_FIELD.idNumber, [h.idNumber]],
    [DG13_FIELD.fullName, [h.fullName]],
    [DG13_FIELD.birthDate, [formatPartialDate(h.birthDate)]],
    [DG13_FIELD.sex, [h.sex === 'male' ? 'Nam' : 'Nữ']],
    [DG13_FIELD.nationality, [h.nationality]],
    [DG13_FIELD.ethnicity, [h.ethnicity]],
    [DG13_FIELD.religion, [h.religion]],
    [DG13_FIELD.placeOfOrigin, [h.placeOfOrigin]],
    [DG13_FIELD.residence, [h.residence]],
    [DG13_FIELD.identifyingMarks, [h.identifyingMarks]],
    [DG13_FIELD.issueDate, [ddmmyyyy(card.issueDate)]],
    [DG13_FIELD.expiry, [card.expiry.kind === 'never' ? NEVER_EXPIRES_TEXT : ddmmyyyy(card.expiry.date)]],
    [DG13_FIELD.parents, h.fatherName || h.motherName ? [h.fatherName ?? '', h.motherName ?? ''] : []],
    [DG13_FIELD.spouse, [h.spouseName]],
    [DG13_FIELD.oldIdNumber, [h.oldIdNumber]],
  ];
  const items: Buffer[] = [];
  for (const [n, values] of fields) {
    const present = values.filter((v): v is string => typeof v === 'string');
    if (present.length === 0 || present.every((v) => nfc(v) === '')) continue;
    items.push(sequence(integer(n), ...present.map((v) => utf8String(nfc(v)))));
  }
  return tlv(DG_TAG[13], items);
}

/**
 * The fields of a DG13 by number, each as its list of strings. Reads every SEQUENCE that starts with
 * an INTEGER, at any depth, so an extra wrapping layer does not matter; unknown numbers are kept.
 */
export function decodeDg13(dg13: Buffer): ReadonlyMap<number, readonly string[]> {
  const outer = parse(dg13);
  if (outer.tag !== DG_TAG[13]) throw new DerError('not DG13', 0);
  const out = new Map<number, string[]>();
  const strings = (el: Der): string[] => (el.constructed ? children(el).flatMap(strings) : el.tag === 0x0c || el.tag === 0x13 || el.tag === 0x16 ? [readString(el)] : []);
  const walk = (el: Der): void => {
    if (!el.constructed) return;
    const c = children(el);
    if (el.tag === 0x30 && c[0]?.tag === 0x02) {
      out.set(readSmallInt(c[0]), c.slice(1).flatMap(strings));
      return;
    }
    c.forEach(walk);
  };
  walk(outer);
  return out;
}
