import { useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { SortHeader } from '../ui/table.tsx';
import { FormField } from './fields.tsx';
import { formatPartialDate, sentence, sexText, statusText } from './format.ts';
import { navigateWithQuery, useLocationSearch } from './location.ts';
import { RegistryNav } from './RegistryNav.tsx';
import { searchPeople } from './registry.api.ts';
import type { PersonSummary, SearchResult } from './registry.types.ts';
import { useText, type PlainKey, type RT } from './text.ts';
import { UnitSelects } from './UnitSelects.tsx';

export const PAGE_SIZE = 20;

/** The search as the address keeps it: `/registry?q=…&birthYear=…&sex=…&provinceCode=…&communeCode=…&offset=…`. */
interface Criteria {
  q: string;
  birthYear: string;
  sex: '' | 'male' | 'female';
  provinceCode: string;
  communeCode: string;
  offset: number;
}

const EMPTY: Criteria = { q: '', birthYear: '', sex: '', provinceCode: '', communeCode: '', offset: 0 };

function fromQuery(search: string): Criteria {
  const p = new URLSearchParams(search);
  const sex = p.get('sex');
  const offset = Number(p.get('offset'));
  return {
    q: p.get('q') ?? '',
    birthYear: p.get('birthYear') ?? '',
    sex: sex === 'male' || sex === 'female' ? sex : '',
    provinceCode: p.get('provinceCode') ?? '',
    communeCode: p.get('communeCode') ?? '',
    offset: Number.isInteger(offset) && offset > 0 ? offset : 0,
  };
}

function toQuery(c: Criteria): string {
  const p = new URLSearchParams();
  p.set('q', c.q.trim());
  if (c.birthYear.trim()) p.set('birthYear', c.birthYear.trim());
  if (c.sex) p.set('sex', c.sex);
  if (c.provinceCode) p.set('provinceCode', c.provinceCode);
  if (c.communeCode) p.set('communeCode', c.communeCode);
  if (c.offset) p.set('offset', String(c.offset));
  return `/registry?${p.toString()}`;
}

type Problems = Partial<Record<'q' | 'birthYear', PlainKey>>;

function check(c: Criteria): Problems {
  const out: Problems = {};
  const q = c.q.trim();
  if (!q) out.q = 'search.qRequired';
  else if (/^\d+$/.test(q) && q.length !== 12) out.q = 'search.idDigits';
  const y = c.birthYear.trim();
  if (y && (!/^\d{4}$/.test(y) || +y < 1850 || +y > 2400)) out.birthYear = 'search.yearInvalid';
  return out;
}

type SortKey = 'idNumber' | 'fullName' | 'sex' | 'birthDate' | 'status' | 'commune' | 'province';
type Sort = { key: SortKey; dir: 'asc' | 'desc' } | null;

const collator = new Intl.Collator('vi', { sensitivity: 'base', numeric: true });

function sortValue(p: PersonSummary, key: SortKey, rt: RT): string {
  switch (key) {
    case 'idNumber':
      return p.idNumber;
    case 'fullName':
      return p.fullName;
    case 'sex':
      return sexText(p.sex, rt);
    case 'birthDate':
      return p.birthDate;
    case 'status':
      return statusText(p.status, rt);
    case 'commune':
      return p.permanentResidence?.communeName ?? '';
    case 'province':
      return p.permanentResidence?.provinceName ?? '';
  }
}

type Outcome = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; result: SearchResult } | { kind: 'error'; error: unknown };

/** Search by name (with or without diacritics) or ID number; runs on submit, the address keeps the search. */
export function SearchPage() {
  const { rt, t, lang } = useText();
  const id = useId();
  const search = useLocationSearch();
  const criteria = useMemo(() => fromQuery(search), [search]);
  const [form, setForm] = useState<Criteria>(criteria);
  const [problems, setProblems] = useState<Problems>({});
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [sort, setSort] = useState<Sort>(null);
  const [rerun, setRerun] = useState(0);
  const headingRef = usePageTitle(rt('search.title'));
  const qRef = useRef<HTMLInputElement>(null);
  const yearRef = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLHeadingElement>(null);
  const focusResults = useRef(false);

  // The address is the source of truth: back/forward refill the form and search again.
  useEffect(() => {
    setForm(criteria);
    setProblems({});
    if (!criteria.q.trim() || Object.keys(check(criteria)).length) {
      setOutcome({ kind: 'idle' });
      return;
    }
    const ctrl = new AbortController();
    setOutcome({ kind: 'loading' });
    searchPeople(
      {
        q: criteria.q.trim(),
        ...(criteria.birthYear ? { birthYear: Number(criteria.birthYear) } : {}),
        ...(criteria.sex ? { sex: criteria.sex } : {}),
        ...(criteria.provinceCode ? { provinceCode: criteria.provinceCode } : {}),
        ...(criteria.communeCode ? { communeCode: criteria.communeCode } : {}),
        limit: PAGE_SIZE,
        offset: criteria.offset,
      },
      { signal: ctrl.signal },
    ).then(
      (result) => setOutcome({ kind: 'done', result }),
      (error: unknown) => {
        if (!ctrl.signal.aborted) setOutcome({ kind: 'error', error });
      },
    );
    return () => ctrl.abort();
  }, [criteria, rerun]);

  useEffect(() => {
    if (outcome.kind === 'done' && focusResults.current) {
      focusResults.current = false;
      resultsRef.current?.focus();
    }
  }, [outcome]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const next = { ...form, offset: 0 };
    const found = check(next);
    setProblems(found);
    if (found.q) return qRef.current?.focus();
    if (found.birthYear) return yearRef.current?.focus();
    const to = toQuery(next);
    if (to === window.location.pathname + window.location.search) setRerun((n) => n + 1);
    else navigateWithQuery(to);
  }

  function goToPage(offset: number) {
    focusResults.current = true;
    navigateWithQuery(toQuery({ ...criteria, offset: Math.max(0, offset) }));
  }

  const apiError = outcome.kind === 'error' && outcome.error instanceof ApiError ? outcome.error : null;
  const serverFieldError = (f: string) => apiError?.fieldMessage(f, lang) ?? null;
  const qError = problems.q ? rt(problems.q) : serverFieldError('q');
  const yearError = problems.birthYear ? rt(problems.birthYear) : serverFieldError('birthYear');

  const items = useMemo(() => {
    if (outcome.kind !== 'done') return [];
    const list = [...outcome.result.items];
    if (sort) {
      const sign = sort.dir === 'asc' ? 1 : -1;
      list.sort((a, b) => sign * collator.compare(sortValue(a, sort.key, rt), sortValue(b, sort.key, rt)));
    }
    return list;
  }, [outcome, sort, rt]);

  const statusLine = (() => {
    if (outcome.kind === 'loading') return rt('search.searching');
    if (outcome.kind !== 'done') return '';
    const r = outcome.result;
    if (!r.items.length) return r.offset > 0 ? rt('search.noMore') : rt('search.none', { q: criteria.q.trim() });
    return rt('search.found', { from: r.offset + 1, to: r.offset + r.items.length, more: r.hasMore ? rt('search.hasMore') : '' });
  })();

  const header = (key: SortKey, label: string) => <SortHeader sortKey={key} label={label} sort={sort} onSort={setSort} />;

  return (
    <div className="registry">
      <RegistryNav current="search" />
      <h1 ref={headingRef} tabIndex={-1}>
        {rt('search.title')}
      </h1>
      <p className="lead">{rt('search.intro')}</p>

      <form className="form search-form panel" role="search" noValidate onSubmit={onSubmit} aria-describedby={`${id}-audit`}>
        <FormField id={`${id}-q`} label={rt('search.q')} hint={rt('search.qHint')} error={qError} className="search-form__q">
          {(p) => <input {...p} ref={qRef} name="q" type="search" autoComplete="off" spellCheck={false} maxLength={100} value={form.q} onChange={(e) => setForm({ ...form, q: e.currentTarget.value })} />}
        </FormField>
        <fieldset className="search-form__filters">
          <legend>{rt('search.filters')}</legend>
          <FormField id={`${id}-year`} label={rt('search.birthYear')} optional error={yearError}>
            {(p) => <input {...p} ref={yearRef} name="birthYear" type="text" inputMode="numeric" pattern="[0-9]*" maxLength={4} autoComplete="off" value={form.birthYear} onChange={(e) => setForm({ ...form, birthYear: e.currentTarget.value })} />}
          </FormField>
          <FormField id={`${id}-sex`} label={rt('search.sex')} optional>
            {(p) => (
              <select {...p} name="sex" value={form.sex} onChange={(e) => setForm({ ...form, sex: e.currentTarget.value as Criteria['sex'] })}>
                <option value="">{rt('search.sexAny')}</option>
                <option value="male">{rt('sex.male')}</option>
                <option value="female">{rt('sex.female')}</option>
              </select>
            )}
          </FormField>
          <UnitSelects
            idPrefix={`${id}-unit`}
            optional
            value={{ provinceCode: form.provinceCode, communeCode: form.communeCode }}
            onChange={(u) => setForm({ ...form, ...u })}
            labels={{ province: rt('search.province'), commune: rt('search.commune') }}
          />
        </fieldset>
        <p className="form__note" id={`${id}-audit`}>
          {rt('search.auditNote')}
        </p>
        <div className="form__actions">
          <button type="submit" className="button button--primary">
            {rt('search.submit')}
          </button>
          {(form.q || form.birthYear || form.sex || form.provinceCode) && (
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setForm(EMPTY);
                setProblems({});
                qRef.current?.focus();
              }}
            >
              {rt('search.clear')}
            </button>
          )}
        </div>
      </form>

      <section aria-labelledby={`${id}-results`} className="results" aria-busy={outcome.kind === 'loading'}>
        <h2 id={`${id}-results`} ref={resultsRef} tabIndex={-1} className={outcome.kind === 'idle' ? 'visually-hidden' : undefined}>
          {rt('search.results')}
        </h2>
        <p role="status" className="results__status" data-testid="search-status">
          {statusLine}
        </p>
        <div role="alert" className={outcome.kind === 'error' && !qError && !yearError ? 'alert' : 'visually-hidden'}>
          {outcome.kind === 'error' && !qError && !yearError ? (
            <>
              <p className="alert__title">{rt('search.failed')}</p>
              <p>{sentence(errorText(outcome.error, lang, t))}</p>
            </>
          ) : null}
        </div>
        {outcome.kind === 'done' && items.length > 0 && (
          <>
            <p className="results__sort-hint" id={`${id}-sort-hint`}>
              {rt('search.sortHint')}
            </p>
            <table className="results-table" role="table" aria-labelledby={`${id}-results`} aria-describedby={`${id}-sort-hint`} data-testid="search-results">
              <thead role="rowgroup">
                <tr role="row">
                  {header('idNumber', rt('col.idNumber'))}
                  {header('fullName', rt('col.fullName'))}
                  {header('sex', rt('col.sex'))}
                  {header('birthDate', rt('col.birthDate'))}
                  {header('status', rt('col.status'))}
                  {header('commune', rt('col.commune'))}
                  {header('province', rt('col.province'))}
                </tr>
              </thead>
              <tbody role="rowgroup">
                {items.map((p) => (
                  <tr key={p.idNumber} role="row">
                    <td role="cell" data-label={rt('col.idNumber')} className="nowrap">
                      {p.idNumber}
                    </td>
                    <td role="cell" data-label={rt('col.fullName')}>
                      {/* One child: on phones the cell is a grid of label and value. */}
                      <span>
                        <Link to={`/registry/people/${p.idNumber}`}>{p.fullName}</Link>
                        {p.synthetic && (
                          <>
                            {' '}
                            <span className="badge">{rt('badge.synthetic')}</span>
                          </>
                        )}
                      </span>
                    </td>
                    <td role="cell" data-label={rt('col.sex')}>
                      {sexText(p.sex, rt)}
                    </td>
                    <td role="cell" data-label={rt('col.birthDate')} className="nowrap">
                      {formatPartialDate(p.birthDate)}
                    </td>
                    <td role="cell" data-label={rt('col.status')}>
                      <span className={`status status--${p.status}`}>{statusText(p.status, rt)}</span>
                    </td>
                    <td role="cell" data-label={rt('col.commune')}>
                      {p.permanentResidence?.communeName ?? p.permanentResidence?.communeCode ?? <span className="muted">{rt('value.noResidence')}</span>}
                    </td>
                    <td role="cell" data-label={rt('col.province')}>
                      {p.permanentResidence?.provinceName ?? p.permanentResidence?.provinceCode ?? ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
        {outcome.kind === 'done' && (outcome.result.offset > 0 || outcome.result.hasMore) && (
          <nav aria-label={rt('search.pages')} className="pager">
            <button type="button" className="button button--secondary" disabled={outcome.result.offset === 0} onClick={() => goToPage(outcome.result.offset - PAGE_SIZE)}>
              <span aria-hidden="true">← </span>
              {rt('search.prev')}
            </button>
            <span className="pager__page">{rt('search.page', { n: Math.floor(outcome.result.offset / PAGE_SIZE) + 1 })}</span>
            <button type="button" className="button button--secondary" disabled={!outcome.result.hasMore} onClick={() => goToPage(outcome.result.offset + PAGE_SIZE)}>
              {rt('search.next')}
              <span aria-hidden="true"> →</span>
            </button>
          </nav>
        )}
      </section>
    </div>
  );
}
