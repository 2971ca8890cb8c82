import { useEffect, useId, useLayoutEffect, useRef, useState, type HTMLAttributes, type ReactNode } from 'react';
import type { Page, PageQuery } from '../api/page.ts';
import { useI18n } from '../i18n/index.ts';
import { useApi, type Loaded } from './load.tsx';

/**
 * The consoles' tables: sortable column headings (a button in each, `aria-sort` on the heading),
 * a row of cards on phones (each cell labelled by its column), and a pager for lists the server
 * pages. Sorting happens where the rows are: in the page for a short list, on the server for a
 * paged one (`usePagedList`).
 */
export type Sort<K extends string> = { key: K; dir: 'asc' | 'desc' };

/** The API's `sort`: the column, `-column` for descending. */
export const sortParam = <K extends string>(s: Sort<K>): string => (s.dir === 'desc' ? `-${s.key}` : s.key);

/** A column heading that sorts the table: ascending first, again for descending (`sort` null: in no particular order). */
export function SortHeader<K extends string>({ sortKey, label, sort, onSort }: { sortKey: K; label: string; sort: Sort<K> | null; onSort(s: Sort<K>): void }) {
  const active = sort?.key === sortKey ? sort.dir : null;
  return (
    <th scope="col" role="columnheader" aria-sort={active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : 'none'}>
      <button type="button" className="sort-button" onClick={() => onSort(active === 'asc' ? { key: sortKey, dir: 'desc' } : { key: sortKey, dir: 'asc' })}>
        {label}
        <span className="sort-button__icon" aria-hidden="true">
          {active === 'asc' ? '▲' : active === 'desc' ? '▼' : '↕'}
        </span>
      </button>
    </th>
  );
}

export interface Column<T, K extends string = string> {
  label: string;
  /** The sort key of a sortable column. */
  sort?: K;
  cell(row: T): ReactNode;
  className?: string;
}

type RowProps = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | number | undefined };

export function DataTable<T, K extends string = string>({ columns, rows, rowKey, rowProps, sort, onSort, labelledBy, hint, className, testId, busy }: {
  columns: ReadonlyArray<Column<T, K> | false>;
  rows: readonly T[];
  rowKey(row: T): string | number;
  rowProps?(row: T): RowProps;
  sort?: Sort<K>;
  onSort?(s: Sort<K>): void;
  /** The id of the heading that names the table. */
  labelledBy: string;
  /** Said above a sortable table (default: how to sort); null for none. */
  hint?: string | null;
  className?: string;
  testId?: string;
  /** Another page or order is being read (the rows shown are the previous ones). */
  busy?: boolean;
}) {
  const { t } = useI18n();
  const id = useId();
  const shown = columns.filter((c): c is Column<T, K> => !!c);
  const sortable = !!sort && !!onSort && shown.some((c) => c.sort);
  const hintText = hint === undefined ? (sortable ? t('table.sortHint') : null) : hint;
  return (
    <>
      {hintText && (
        <p className="results__sort-hint" id={`${id}-hint`}>
          {hintText}
        </p>
      )}
      {/* Explicit roles: on phones the rows are cards (display: block), which drops a table's semantics in some browsers. */}
      <table role="table" className={className ? `results-table ${className}` : 'results-table'} aria-labelledby={labelledBy} aria-describedby={hintText ? `${id}-hint` : undefined} aria-busy={busy || undefined} data-testid={testId}>
        <thead role="rowgroup">
          <tr role="row">
            {shown.map((c) =>
              c.sort && sortable ? (
                <SortHeader key={c.label} sortKey={c.sort} label={c.label} sort={sort!} onSort={onSort!} />
              ) : (
                <th key={c.label} scope="col" role="columnheader">
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {rows.map((r) => (
            <tr key={rowKey(r)} role="row" {...rowProps?.(r)}>
              {shown.map((c) => (
                <td key={c.label} role="cell" data-label={c.label} className={c.className}>
                  <div>{c.cell(r)}</div>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/**
 * Previous and next page, and the page shown. When the button just used can no longer be
 * used (the first or the last page), the focus moves to the other one instead of being lost.
 */
export function Pager({ page, onPage, label }: { page: Pick<Page<unknown>, 'offset' | 'limit' | 'hasMore'>; onPage(offset: number): void; label?: string }) {
  const { t } = useI18n();
  const prev = useRef<HTMLButtonElement>(null);
  const next = useRef<HTMLButtonElement>(null);
  const pressed = useRef<'prev' | 'next' | null>(null);
  useLayoutEffect(() => {
    const p = pressed.current;
    if (!p) return;
    const [used, other] = p === 'prev' ? [prev.current, next.current] : [next.current, prev.current];
    if (used?.disabled) {
      pressed.current = null;
      other?.focus();
    }
  });
  if (page.offset === 0 && !page.hasMore) return null;
  const go = (which: 'prev' | 'next') => {
    pressed.current = which;
    onPage(which === 'prev' ? Math.max(0, page.offset - page.limit) : page.offset + page.limit);
  };
  return (
    <nav aria-label={label ?? t('pager.label')} className="pager" data-testid="pager">
      <button ref={prev} type="button" className="button button--secondary" disabled={page.offset === 0} onClick={() => go('prev')}>
        <span aria-hidden="true">←</span>
        {t('pager.previous')}
      </button>
      <span className="pager__page" aria-live="polite">
        {t('pager.page', { n: Math.floor(page.offset / page.limit) + 1 })}
      </span>
      <button ref={next} type="button" className="button button--secondary" disabled={!page.hasMore} onClick={() => go('next')}>
        {t('pager.next')}
        <span aria-hidden="true">→</span>
      </button>
    </nav>
  );
}

/** `P`: the page as the API answers it (a `Page`, possibly with more beside the rows). */
export interface PagedList<P extends Page<unknown>, K extends string> {
  list: Loaded<P>;
  sort: Sort<K>;
  setSort(s: Sort<K>): void;
  setOffset(offset: number): void;
}

/**
 * A list the server pages and sorts: the page and the order asked for, back to the first page
 * when the order or a filter (`filters`, compared by value) changes.
 */
export function usePagedList<P extends Page<unknown>, K extends string>(load: (q: PageQuery, signal: AbortSignal) => Promise<P>, o: { limit: number; sort: Sort<K>; filters?: readonly unknown[] }): PagedList<P, K> {
  const key = JSON.stringify(o.filters ?? []);
  const [at, setAt] = useState({ key, offset: 0, sort: o.sort });
  const offset = at.key === key ? at.offset : 0;
  const list = useApi((signal) => load({ limit: o.limit, offset, sort: sortParam(at.sort) }, signal), [key, offset, at.sort.key, at.sort.dir]);
  return {
    list,
    sort: at.sort,
    setSort: (sort) => setAt({ key, offset: 0, sort }),
    setOffset: (n) => setAt({ key, offset: n, sort: at.sort }),
  };
}

/** `value` once it has stayed the same for `ms` (a filter typed into a box asks the server once). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setSettled(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** The paged table with its pager below (the rows of the page shown). */
export function PagedTable<T, K extends string>({ paged, label, ...table }: Omit<Parameters<typeof DataTable<T, K>>[0], 'rows' | 'sort' | 'onSort' | 'busy'> & { paged: PagedList<Page<T>, K>; label?: string }) {
  const { list } = paged;
  if (list.state !== 'ready') return null;
  return (
    <>
      <DataTable<T, K> {...table} rows={list.value.items} sort={paged.sort} onSort={paged.setSort} busy={list.busy} />
      <Pager page={list.value} onPage={paged.setOffset} label={label} />
    </>
  );
}
