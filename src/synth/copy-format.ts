/**
 * PostgreSQL COPY text format (the default of `COPY … FROM STDIN`): one line per row, columns
 * separated by tabs, `\N` for NULL, and backslash escapes for backslash, tab, newline and carriage
 * return inside values. Arrays are written as array literals ("{\"a\",\"b\"}") and then escaped
 * like any other text.
 */
import type { HouseholdRow, PersonRow } from './population.ts';

const NULL = '\\N';
const SPECIAL = /[\\\t\n\r]/;

/** A text value escaped for the COPY text format. */
export function copyText(s: string): string {
  if (!SPECIAL.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\') out += '\\\\';
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else out += c;
  }
  return out;
}

/** A nullable value as one COPY field. */
export function copyField(v: string | number | boolean | null | undefined | readonly (string | null)[]): string {
  if (v === null || v === undefined) return NULL;
  if (typeof v === 'string') return copyText(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new RangeError(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return v ? 't' : 'f';
  return copyText(pgArrayLiteral(v));
}

const ARRAY_QUOTE = /[\\"]/g;

/** A PostgreSQL array literal of text values: every element double-quoted, `\` and `"` escaped. */
export function pgArrayLiteral(items: readonly (string | null)[]): string {
  if (items.length === 0) return '{}';
  let out = '{';
  for (let i = 0; i < items.length; i++) {
    if (i) out += ',';
    const e = items[i];
    out += e === null || e === undefined ? 'NULL' : `"${e.replace(ARRAY_QUOTE, '\\$&')}"`;
  }
  return out + '}';
}

/** A COPY line (with the trailing newline) from field values in column order. */
export function copyLine(values: ReadonlyArray<Parameters<typeof copyField>[0]>): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    if (i) out += '\t';
    out += copyField(values[i]);
  }
  return out + '\n';
}

// ---- the tables the loader fills ------------------------------------------------------------------

/** Columns of registry.person the loader writes, in COPY order (version, created_at, updated_at take defaults). */
export const PERSON_COLUMNS = [
  'id_number', 'full_name', 'name_key', 'given_key', 'other_names', 'sex', 'birth_year', 'birth_month', 'birth_day',
  'birth_reg_province_code', 'birth_reg_commune_code', 'origin_province_code', 'origin_commune_code', 'ethnicity_code',
  'religion', 'nationality', 'marital_status', 'father_id', 'mother_id', 'spouse_id', 'perm_address', 'perm_commune_code',
  'perm_province_code', 'perm_old_commune_code', 'perm_old_district_code', 'perm_old_province_code', 'perm_since',
  'temp_address', 'temp_commune_code', 'temp_province_code', 'temp_until', 'cur_address', 'cur_commune_code',
  'cur_province_code', 'household_no', 'relation_to_head', 'status', 'death_date', 'synthetic',
] as const satisfies ReadonlyArray<keyof PersonRow>;

/** Columns of registry.household the loader writes (created_at takes its default). */
export const HOUSEHOLD_COLUMNS = ['household_no', 'head_id', 'address', 'commune_code', 'province_code', 'status', 'synthetic'] as const satisfies ReadonlyArray<keyof HouseholdRow>;

const t = (v: string | null): string => (v === null ? NULL : SPECIAL.test(v) ? copyText(v) : v);
const n = (v: number | null): string => (v === null ? NULL : String(v));

/** One registry.person line, fields in PERSON_COLUMNS order (hand-unrolled: this runs for every person). */
export function personLine(p: PersonRow): string {
  return `${t(p.id_number)}\t${t(p.full_name)}\t${t(p.name_key)}\t${t(p.given_key)}\t${p.other_names.length ? copyText(pgArrayLiteral(p.other_names)) : '{}'}\t${p.sex}\t${n(p.birth_year)}\t${n(p.birth_month)}\t${n(p.birth_day)}\t`
    + `${t(p.birth_reg_province_code)}\t${t(p.birth_reg_commune_code)}\t${t(p.origin_province_code)}\t${t(p.origin_commune_code)}\t${t(p.ethnicity_code)}\t`
    + `${t(p.religion)}\t${t(p.nationality)}\t${p.marital_status}\t${t(p.father_id)}\t${t(p.mother_id)}\t${t(p.spouse_id)}\t${t(p.perm_address)}\t${t(p.perm_commune_code)}\t`
    + `${t(p.perm_province_code)}\t${t(p.perm_old_commune_code)}\t${t(p.perm_old_district_code)}\t${t(p.perm_old_province_code)}\t${t(p.perm_since)}\t`
    + `${t(p.temp_address)}\t${t(p.temp_commune_code)}\t${t(p.temp_province_code)}\t${t(p.temp_until)}\t${t(p.cur_address)}\t${t(p.cur_commune_code)}\t`
    + `${t(p.cur_province_code)}\t${t(p.household_no)}\t${t(p.relation_to_head)}\t${p.status}\t${t(p.death_date)}\t${p.synthetic ? 't' : 'f'}\n`;
}

export function householdLine(h: HouseholdRow): string {
  return `${t(h.household_no)}\t${t(h.head_id)}\t${t(h.address)}\t${t(h.commune_code)}\t${t(h.province_code)}\t${h.status}\t${h.synthetic ? 't' : 'f'}\n`;
}

/**
 * The COPY text of many rows as UTF-8 chunks of about `chunkBytes` bytes. Lines are written one by
 * one into preallocated buffers: joining them into big strings first costs several times more.
 * Each chunk owns its ArrayBuffer (so it can be transferred to another thread).
 */
export function copyChunks<T>(rows: readonly T[], line: (r: T) => string, chunkBytes = 1 << 20): Buffer[] {
  const chunks: Buffer[] = [];
  let buf = Buffer.allocUnsafeSlow(chunkBytes);
  let off = 0;
  for (let i = 0; i < rows.length; i++) {
    const l = line(rows[i]!);
    // A UTF-16 code unit takes at most 3 bytes in UTF-8.
    const max = l.length * 3;
    if (off + max > buf.length) {
      if (off > 0) chunks.push(buf.subarray(0, off));
      buf = Buffer.allocUnsafeSlow(Math.max(chunkBytes, max));
      off = 0;
    }
    off += buf.write(l, off, 'utf8');
  }
  if (off > 0) chunks.push(buf.subarray(0, off));
  return chunks;
}
