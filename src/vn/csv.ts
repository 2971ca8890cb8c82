import { readFileSync } from 'node:fs';

/** Parses RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks; CRLF or LF; a leading BOM is dropped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (quoted) throw new Error('CSV: unterminated quoted field');
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** Reads a shipped file of data/reference/ and returns its rows as objects keyed by the requested columns. */
export function loadReferenceCsv<K extends string>(file: string, columns: readonly K[]): Array<Record<K, string>> {
  const url = new URL(`../../data/reference/${file}`, import.meta.url);
  const [header, ...rows] = parseCsv(readFileSync(url, 'utf8')).filter((r) => !(r.length === 1 && r[0] === ''));
  if (!header) throw new Error(`${file}: empty file`);
  const index = columns.map((c) => {
    const at = header.indexOf(c);
    if (at < 0) throw new Error(`${file}: missing column ${c}`);
    return at;
  });
  return rows.map((r, n) => {
    if (r.length !== header.length) throw new Error(`${file}: row ${n + 2} has ${r.length} fields, expected ${header.length}`);
    const out = {} as Record<K, string>;
    columns.forEach((c, j) => { out[c] = (r[index[j]!] ?? '').trim(); });
    return out;
  });
}

/** Computes a value on first use and keeps it. */
export function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) { value = make(); done = true; }
    return value as T;
  };
}
