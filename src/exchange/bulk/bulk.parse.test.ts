import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { COL, HeaderError, readHeader, RowReader, splitQuoted, type RawRow, type ReaderState } from './bulk.parse.ts';

const fresh = (format: 'csv' | 'jsonl' = 'csv'): ReaderState => ({ format, columns: null, delimiter: null, offset: 0, row: 0, line: 0 });

function readAll(text: string | Buffer, chunk = 7, state = fresh()): RawRow[] {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  const r = new RowReader(state);
  const out: RawRow[] = [];
  for (let o = 0; o < buf.length; o += chunk) r.push(buf.subarray(o, o + chunk), out);
  r.end(out);
  return out;
}

test('splitQuoted: RFC 4180 quoting within a line, errors named', () => {
  assert.deepEqual(splitQuoted('a,"b,c",d', ','), ['a', 'b,c', 'd']);
  assert.deepEqual(splitQuoted('"say ""hi""",x', ','), ['say "hi"', 'x']);
  assert.deepEqual(splitQuoted('"",', ','), ['', '']);
  assert.deepEqual(splitQuoted('a;"b;c"', ';'), ['a', 'b;c']);
  assert.throws(() => splitQuoted('"open', ','), /not closed/);
  assert.throws(() => splitQuoted('"x"y,z', ','), /after a closing quote/);
  assert.throws(() => splitQuoted('a"b,c', ','), /quote inside an unquoted field/);
});

test('header: aliases in Vietnamese and English, any case and diacritics; delimiter detected; required columns named', () => {
  const h = readHeader(Buffer.from('\ufeff\r\nSố định danh;HỌ TÊN;ngay_sinh;Ghi chú\r\nrest'), false)!;
  assert.deepEqual(h.columns, ['idNumber', 'fullName', 'birthDate', null]);
  assert.equal(h.delimiter, ';');
  assert.equal(h.line, 2);
  assert.equal(h.offset, Buffer.byteLength('\ufeff\r\nSố định danh;HỌ TÊN;ngay_sinh;Ghi chú\r\n'));
  assert.equal(readHeader(Buffer.from('idNumber,fullName'), false), null);
  assert.ok(readHeader(Buffer.from('idNumber,fullName,birthDate'), true));
  assert.throws(() => readHeader(Buffer.from('idNumber,fullName\n'), false), (e) => e instanceof HeaderError && /lacks the columns birthDate/.test(e.message));
  assert.throws(() => readHeader(Buffer.from('id,cccd,fullName,birthDate\n'), false), /twice/);
});

test('rows: one physical line each, malformed lines reported and skipped, blank lines ignored, byte offsets exact', () => {
  const text = 'idNumber,fullName,birthDate,ref\n001090012345,Nguyễn Văn An,1990-01-01,R1\r\n\n001090012346,"Lê, Thị",1991-02-02,R2\n"broken,x,y,z\n1,2\n001090012347,Trần B,1992-03-03,R5';
  const rows = readAll(text, 5);
  assert.deepEqual(rows.map((r) => [r.row, r.line, r.error]), [[1, 2, null], [2, 4, null], [3, 5, 'a quoted field is not closed on its line'], [4, 6, '2 fields where the header has 4'], [5, 7, null]]);
  assert.equal(rows[1]!.cells![COL.fullName], 'Lê, Thị');
  assert.equal(rows[0]!.cells![COL.ref], 'R1');
  const buf = Buffer.from(text);
  assert.equal(rows[0]!.end, buf.indexOf('\n\n') + 1);
  assert.equal(rows[4]!.end, buf.length);
});

test('a line longer than 64 KiB is one malformed row; reading goes on after it', () => {
  const long = 'x'.repeat(70_000);
  const rows = readAll(`idNumber,fullName,birthDate\n${long}\n001090012345,A,1990-01-01\n`, 4096);
  assert.equal(rows.length, 2);
  assert.match(rows[0]!.error!, /longer than/);
  assert.equal(rows[1]!.cells![COL.idNumber], '001090012345');
  assert.equal(rows[1]!.row, 2);
});

test('JSON lines: any key alias, numbers as text, non-objects malformed', () => {
  const rows = readAll('{"idNumber":"001090012345","fullName":"A","birthDate":"1990-01-01","ref":7}\n[1,2]\n{"so_dinh_danh":"001090012346","ho_ten":"B"}\n', 3, fresh('jsonl'));
  assert.equal(rows[0]!.cells![COL.ref], '7');
  assert.equal(rows[1]!.error, 'not a JSON object');
  assert.equal(rows[2]!.cells![COL.fullName], 'B');
});

test('property: reading resumed from any row\'s end offset gives exactly the remaining rows', () => {
  const cell = fc.string({ unit: fc.constantFrom('a', 'ă', 'Đ', ',', '"', ' ', '1', 'ễ'), maxLength: 8 });
  const q = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  fc.assert(fc.property(fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 40 }), (data, chunk) => {
    const text = `idNumber,fullName,birthDate\n${data.map((r) => r.map(q).join(',')).join('\n')}\n`;
    const all = readAll(text, chunk);
    assert.equal(all.length, data.filter((r) => r.map(q).join(',').trim() !== '').length);
    for (const [i, r] of all.entries()) {
      const d = data.filter((x) => x.map(q).join(',').trim() !== '')[i]!;
      assert.deepEqual([r.cells![COL.idNumber], r.cells![COL.fullName], r.cells![COL.birthDate]], d.map((s) => s.trim()));
    }
    const header = readHeader(Buffer.from(text), true)!;
    for (const k of [0, Math.floor(all.length / 2), all.length - 1]) {
      const from = all[k]!;
      const rest = readAll(Buffer.from(text).subarray(from.end), chunk, { format: 'csv', columns: header.columns, delimiter: header.delimiter, offset: from.end, row: from.row, line: from.line });
      assert.deepEqual(rest, all.slice(k + 1));
    }
  }), { numRuns: 200 });
});
