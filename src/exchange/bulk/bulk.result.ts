/**
 * The result file of a bulk job, one line per input row in input order: CSV for a CSV upload,
 * JSON lines for a JSON-lines upload. Each line has the row number, the partner's own reference,
 * the ID number as given, the outcome (match, mismatch, not_found, malformed, refused), the verdict
 * of each compared field, the facts the grant allows (living or deceased, card valid) and the
 * reasons (the fields that differ, or why the row could not be used).
 */
import { COMPARED, type Compared, type FieldVerdict } from '../compare.ts';

export type RowOutcome = 'match' | 'mismatch' | 'not_found' | 'malformed' | 'refused';

export interface ResultRow {
  row: number;
  line: number;
  ref: string | undefined;
  idNumber: string | undefined;
  outcome: RowOutcome;
  fields: Partial<Record<Compared, FieldVerdict>> | null;
  personStatus: string | null;
  cardValid: boolean | null;
  reasons: string[];
}

export interface ResultLayout {
  format: 'csv' | 'jsonl';
  /** Compared fields the file has, in COMPARED order. */
  compared: Compared[];
  personStatus: boolean;
  cardValid: boolean;
}

export function layoutOf(format: 'csv' | 'jsonl', fields: readonly string[]): ResultLayout {
  return { format, compared: COMPARED.filter((f) => fields.includes(f)), personStatus: fields.includes('personStatus'), cardValid: fields.includes('cardValid') };
}

const NEEDS_QUOTE = /[",\r\n]/;
const csv = (v: string | undefined | null): string => (v === undefined || v === null ? '' : NEEDS_QUOTE.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

export function headerLine(l: ResultLayout): string {
  if (l.format === 'jsonl') return '';
  return `${['row', 'line', 'ref', 'idNumber', 'outcome', ...l.compared, ...(l.personStatus ? ['personStatus'] : []), ...(l.cardValid ? ['cardValid'] : []), 'reasons'].join(',')}\n`;
}

export function resultLine(l: ResultLayout, r: ResultRow): string {
  if (l.format === 'jsonl') {
    const o: Record<string, unknown> = { row: r.row, line: r.line, ref: r.ref ?? null, idNumber: r.idNumber ?? null, outcome: r.outcome };
    if (r.fields) o.fields = r.fields;
    if (l.personStatus) o.personStatus = r.personStatus;
    if (l.cardValid) o.cardValid = r.cardValid;
    o.reasons = r.reasons;
    return `${JSON.stringify(o)}\n`;
  }
  let s = `${r.row},${r.line},${csv(r.ref)},${csv(r.idNumber)},${r.outcome}`;
  for (const f of l.compared) s += `,${r.fields?.[f] ?? ''}`;
  if (l.personStatus) s += `,${r.personStatus ?? ''}`;
  if (l.cardValid) s += `,${r.cardValid === null ? '' : r.cardValid}`;
  return `${s},${csv(r.reasons.join('; '))}\n`;
}
