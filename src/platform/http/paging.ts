/**
 * Paged lists of every module. The query string is the registry search's (`limit`, `offset`) plus
 * `sort`: one column of a whitelist, `-column` for descending; the answer is the registry search's
 * `{ items, offset, limit, hasMore }`. A page is read with one row more than asked, which says
 * whether another follows without counting the whole list.
 */
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';
import { sql, type RawBuilder } from 'kysely';
import { searchKey } from '../../vn/index.ts';

export const MAX_OFFSET = 100_000;

export type SortParam<C extends string> = C | `-${C}`;

export interface PageRequest<S extends string = string> {
  limit: number;
  offset: number;
  sort: S;
}

export interface Page<T> {
  items: T[];
  offset: number;
  limit: number;
  hasMore: boolean;
}

/** The response schema of a page of `item`. */
export const PageSchema = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), offset: Type.Integer(), limit: Type.Integer(), hasMore: Type.Boolean() });

/** The `limit`, `offset` and `sort` properties of a list's query-string schema. */
export function pageQuery<const C extends readonly string[]>(columns: C, defaultSort: SortParam<C[number]>, o: { limit?: number; maxLimit?: number } = {}) {
  const values = columns.flatMap((c) => [c, `-${c}`]);
  return {
    limit: Type.Integer({ minimum: 1, maximum: o.maxLimit ?? 200, default: o.limit ?? 50, description: 'Rows per page' }),
    offset: Type.Integer({ minimum: 0, maximum: MAX_OFFSET, default: 0, description: 'Rows to skip' }),
    // `enum` typed as a non-empty tuple is what the type provider reads the allowed values from.
    sort: Type.Unsafe<SortParam<C[number]>>({ type: 'string', enum: values, default: defaultSort, description: `A column (${columns.join(', ')}); a leading - sorts descending. Default ${defaultSort}` }) as TUnsafe<SortParam<C[number]>> & { enum: [SortParam<C[number]>, ...SortParam<C[number]>[]] },
  };
}

export function parseSort<C extends string>(sort: SortParam<C>): { column: C; desc: boolean } {
  return sort.startsWith('-') ? { column: sort.slice(1) as C, desc: true } : { column: sort as C, desc: false };
}

/** Rows read with `limit + 1` as a page. */
export function pageOf<R, T>(rows: readonly R[], p: Pick<PageRequest, 'limit' | 'offset'>, view: (r: R) => T): Page<T> {
  return { items: rows.slice(0, p.limit).map(view), offset: p.offset, limit: p.limit, hasMore: rows.length > p.limit };
}

/** The SQL a sort column orders by. */
export type SortExprs<C extends string> = Record<C, readonly RawBuilder<unknown>[]>;

/** A name sorts folded (Đ next to D), then as written. */
export const byName = (col: RawBuilder<unknown>): readonly RawBuilder<unknown>[] => [folded(col), col];

/** The conditions joined by `and` (`true` for none). */
export const allOf = (conditions: readonly RawBuilder<unknown>[]): RawBuilder<unknown> => (conditions.length ? sql.join(conditions, sql` and `) : sql`true`);

/**
 * `order by` for a whitelisted sort: the column's expressions in its direction, then a unique
 * tie-breaker (so that pages neither repeat nor skip rows).
 */
export function orderBy<C extends string>(sort: SortParam<C>, columns: SortExprs<C>, tieBreaker: RawBuilder<unknown>): RawBuilder<unknown> {
  const { column, desc } = parseSort(sort);
  const dir = sql.raw(desc ? 'desc' : 'asc');
  // Default null order (last ascending, first descending), which is what an index gives.
  const parts = [...columns[column].map((e) => sql`${e} ${dir}`), sql`${tieBreaker} ${dir}`];
  return sql`order by ${sql.join(parts)}`;
}

// Every Latin letter with a diacritic (and đ) next to its plain lower-case letter, for translate().
const FOLDED = (() => {
  let from = '';
  let to = '';
  for (let c = 0xc0; c < 0x1f00; c++) {
    if (c >= 0x250 && c < 0x1e00) continue;
    const ch = String.fromCharCode(c);
    const k = searchKey(ch);
    if (k.length === 1 && k !== ch && /[a-z]/.test(k)) {
      from += ch;
      to += k;
    }
  }
  return { from, to };
})();

/** A text column folded like `searchKey` (no diacritics, đ as d, lower case), in SQL. */
export function folded(column: RawBuilder<unknown>): RawBuilder<string> {
  return sql<string>`lower(translate(${column}, ${FOLDED.from}, ${FOLDED.to}))`;
}

/** A LIKE pattern matching text that contains `q` once folded (`%` and `_` in `q` match themselves). */
export function containsFolded(q: string): string {
  return `%${searchKey(q).replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}
