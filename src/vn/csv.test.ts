import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, loadReferenceCsv, lazy } from './csv.ts';

describe('parseCsv', () => {
  const cases: Array<[string, string, string[][]]> = [
    ['plain', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['no final newline', 'a,b\n1,2', [['a', 'b'], ['1', '2']]],
    ['CRLF', 'a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['BOM dropped', '\ufeffa,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['empty fields', ',x,\n', [['', 'x', '']]],
    ['quoted comma', 'a,"Nhập một phần diện tích, toàn bộ dân số"\n', [['a', 'Nhập một phần diện tích, toàn bộ dân số']]],
    ['doubled quote', '"say ""hi""",b\n', [['say "hi"', 'b']]],
    ['line break inside quotes', '"two\nlines",b\n', [['two\nlines', 'b']]],
    ['empty quoted field', '"",b\n', [['', 'b']]],
    ['empty text', '', []],
  ];
  for (const [name, text, rows] of cases) test(name, () => assert.deepEqual(parseCsv(text), rows));

  test('unterminated quote throws', () => assert.throws(() => parseCsv('"abc\n'), /unterminated/));
});

describe('loadReferenceCsv', () => {
  test('reads the shipped conversion table with its quoted notes', () => {
    const rows = loadReferenceCsv('conversion-2025.csv', ['old_code', 'note'] as const);
    assert.equal(rows.length, 10565);
    assert.ok(rows.some((r) => r.note === 'Nhập một phần diện tích, toàn bộ dân số'));
  });

  test('a missing column throws', () => assert.throws(() => loadReferenceCsv('ethnic-groups.csv', ['nope'] as const), /missing column nope/));
});

test('lazy computes once', () => {
  let n = 0;
  const get = lazy(() => ++n);
  assert.equal(get(), 1);
  assert.equal(get(), 1);
  assert.equal(n, 1);
});
