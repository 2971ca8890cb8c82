/** Vietnamese text: normalisation, search keys, names, collation, MRZ transliteration. */

const WHITESPACE = /\s+/g;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const D_LETTERS = /[đĐðÐ]/g;
const ETH_UPPER = /\u00d0/g;
const ETH_LOWER = /\u00f0/g;

/** NFC, the look-alike Ð/ð (U+00D0/U+00F0) as Đ/đ, trimmed, runs of whitespace as one space. */
export function nfc(s: string): string {
  return s.normalize('NFC').replace(ETH_UPPER, '\u0110').replace(ETH_LOWER, '\u0111').replace(WHITESPACE, ' ').trim();
}

function searchKeySlow(s: string): string {
  return s.normalize('NFD').replace(COMBINING_MARKS, '').replace(D_LETTERS, 'd').toLowerCase().replace(WHITESPACE, ' ').trim();
}

// searchKey runs for every name the data loader touches, so Latin text is folded one code unit at a
// time through a table built once from searchKeySlow; anything outside the table takes the slow path.
const SPACE = ' ';
const FOLD_LIMIT = 0x1f00;
const FOLD: Array<string | undefined> = (() => {
  const table = new Array<string | undefined>(FOLD_LIMIT);
  for (let c = 0; c < FOLD_LIMIT; c++) {
    const latin = c < 0x250 || (c >= 0x300 && c < 0x370) || c >= 0x1e00;
    if (!latin) continue;
    const ch = String.fromCharCode(c);
    table[c] = /\s/.test(ch) ? SPACE : searchKeySlow(ch);
  }
  return table;
})();

/**
 * Key for diacritic-insensitive search: NFD, combining marks U+0300–U+036F dropped, đ/Đ (and the
 * look-alike ð/Ð) as d, lower case, single spaces, trimmed. Old and new tone placement fold too,
 * since the marks are gone.
 */
export function searchKey(s: string): string {
  let out = '';
  let pendingSpace = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const f = c < FOLD_LIMIT ? FOLD[c] : undefined;
    if (f === undefined) return searchKeySlow(s);
    if (f === SPACE) { pendingSpace = out.length > 0; continue; }
    if (f === '') continue;
    if (pendingSpace) { out += ' '; pendingSpace = false; }
    out += f;
  }
  return out;
}

// Tone placement in the open syllables -oa, -oe, -uy: the traditional style marks the first vowel
// (hòa, khỏe, thủy), the "new" style the second (hoà, khoẻ, thuỷ). toneKey uses the traditional
// form, which is also what the official unit names use (Thanh Hóa, Khánh Hòa, Thụy Khuê).
// After q the u belongs to the consonant and both styles mark y (quý), so -quy is left alone.
const NEW_STYLE_TONE = /(?<!q)u([ỳýỷỹỵ])(?![\p{L}\p{M}])|o([àáảãạèéẻẽẹ])(?![\p{L}\p{M}])/gu;
const TONED_A = 'àáảãạ';
const TONED_E = 'èéẻẽẹ';
const TONED_Y = 'ỳýỷỹỵ';
const TONED_O = 'òóỏõọ';
const TONED_U = 'ùúủũụ';

function moveTone(_m: string, y: string | undefined, ae: string | undefined): string {
  if (y !== undefined) return TONED_U[TONED_Y.indexOf(y)] + 'y';
  const a = TONED_A.indexOf(ae!);
  return a >= 0 ? TONED_O[a] + 'a' : TONED_O[TONED_E.indexOf(ae!)] + 'e';
}

/**
 * Key for diacritic-sensitive matching: nfc(), lower case, and the new-style tone placement of
 * -oa/-oe/-uy moved to the traditional one, so hoà ≡ hòa, thuý ≡ thúy, khoẻ ≡ khỏe. Spelling
 * variants such as quí/quý stay distinct.
 */
export function toneKey(s: string): string {
  return nfc(s).toLowerCase().replace(NEW_STYLE_TONE, moveTone);
}

export interface NameParts { family: string; middle: string; given: string }

/** Family name = first word, given name = last word, middle = the rest. One word is a given name only. */
export function splitFullName(full: string): NameParts {
  const words = nfc(full).split(' ').filter((w) => w !== '');
  if (words.length === 0) return { family: '', middle: '', given: '' };
  if (words.length === 1) return { family: '', middle: '', given: words[0]! };
  return { family: words[0]!, middle: words.slice(1, -1).join(' '), given: words[words.length - 1]! };
}

let collator: Intl.Collator | undefined;

/** Vietnamese collation order (A < Ă < Â < B … D < Đ < E). */
export function compareVi(a: string, b: string): number {
  collator ??= new Intl.Collator('vi');
  return collator.compare(a, b);
}

/** A new array sorted by key in Vietnamese order; stable. */
export function sortVi<T>(items: readonly T[], key: (t: T) => string): T[] {
  const keyed = items.map((item, i) => ({ item, k: key(item), i }));
  keyed.sort((x, y) => compareVi(x.k, y.k) || x.i - y.i);
  return keyed.map((x) => x.item);
}

const HYPHENS = /[-‐‑‒–—]/g;
const NOT_MRZ = /[^A-Z ]/g;
const SPACES = / +/g;

/**
 * Upper-case A–Z for the MRZ: diacritics dropped, đ/Đ as D, hyphens as spaces (ICAO 9303 turns
 * them into fillers), every other character outside A–Z and space removed. The caller places fillers.
 */
export function transliterateMrz(s: string): string {
  return searchKey(s.replace(HYPHENS, ' ')).toUpperCase().replace(NOT_MRZ, '').replace(SPACES, ' ').trim();
}
