import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { navigateWithQuery, useLocationSearch } from '../registry/location.ts';
import { findPeople } from './cards.api.ts';
import type { SearchResult } from './cards.types.ts';
import { FormField } from './fields.tsx';
import { formatDate, personStatusText, sentence, sexText } from './format.ts';
import { useText, type PlainKey } from './text.ts';

type Outcome = { kind: 'idle' } | { kind: 'loading' } | { kind: 'done'; q: string; result: SearchResult } | { kind: 'error'; error: unknown };

function check(q: string): PlainKey | null {
  const v = q.trim();
  if (!v) return 'find.qRequired';
  if (/^\d+$/.test(v) && v.length !== 12) return 'find.idDigits';
  return null;
}

/** Find the person: by ID number or name; the address keeps the search (`/cards?q=…`). */
export function FindPage() {
  const { ct, t, lang } = useText();
  const id = useId();
  const search = useLocationSearch();
  const q = new URLSearchParams(search).get('q') ?? '';
  const [value, setValue] = useState(q);
  const [problem, setProblem] = useState<PlainKey | null>(null);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const [rerun, setRerun] = useState(0);
  const headingRef = usePageTitle(ct('find.title'));
  const qRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setValue(q);
    if (!q.trim() || check(q)) {
      setOutcome({ kind: 'idle' });
      return;
    }
    const ctrl = new AbortController();
    setOutcome({ kind: 'loading' });
    findPeople(q.trim(), { signal: ctrl.signal }).then(
      (result) => setOutcome({ kind: 'done', q: q.trim(), result }),
      (error: unknown) => {
        if (!ctrl.signal.aborted) setOutcome({ kind: 'error', error });
      },
    );
    return () => ctrl.abort();
  }, [q, rerun]);

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const p = check(value);
    setProblem(p);
    if (p) {
      qRef.current?.focus();
      return;
    }
    const to = `/cards?${new URLSearchParams({ q: value.trim() }).toString()}`;
    if (to === window.location.pathname + window.location.search) setRerun((n) => n + 1);
    else navigateWithQuery(to);
  }

  const serverError = outcome.kind === 'error' && outcome.error instanceof ApiError ? outcome.error.fieldMessage('q', lang) : null;
  const qError = problem ? ct(problem) : serverError;
  const status =
    outcome.kind === 'loading'
      ? ct('find.searching')
      : outcome.kind === 'done'
        ? outcome.result.items.length
          ? ct('find.found', { n: outcome.result.items.length, more: outcome.result.hasMore ? ct('find.more') : '' })
          : ct('find.none', { q: outcome.q })
        : '';

  return (
    <div className="cards">
      <h1 ref={headingRef} tabIndex={-1}>
        {ct('find.title')}
      </h1>
      <p className="lead">{ct('find.intro')}</p>
      <form className="form panel cards-find" role="search" noValidate onSubmit={onSubmit} aria-describedby={`${id}-audit`}>
        <FormField id={`${id}-q`} label={ct('find.q')} hint={ct('find.qHint')} error={qError}>
          {(p) => <input {...p} ref={qRef} name="q" type="search" autoComplete="off" spellCheck={false} maxLength={100} value={value} onChange={(e) => setValue(e.currentTarget.value)} />}
        </FormField>
        <p className="form__note" id={`${id}-audit`}>
          {ct('find.auditNote')}
        </p>
        <button type="submit" className="button button--primary">
          {ct('find.submit')}
        </button>
      </form>

      <section aria-labelledby={`${id}-results`} aria-busy={outcome.kind === 'loading'}>
        <h2 id={`${id}-results`} className={outcome.kind === 'idle' ? 'visually-hidden' : undefined}>
          {ct('find.results')}
        </h2>
        <p role="status" className="results__status" data-testid="cards-find-status">
          {status}
        </p>
        <div role="alert" className={outcome.kind === 'error' && !qError ? 'alert' : 'visually-hidden'}>
          {outcome.kind === 'error' && !qError ? (
            <>
              <p className="alert__title">{ct('find.failed')}</p>
              <p>{sentence(errorText(outcome.error, lang, t))}</p>
            </>
          ) : null}
        </div>
        {outcome.kind === 'done' && outcome.result.items.length > 0 && (
          <ul className="person-list" data-testid="cards-find-results">
            {outcome.result.items.map((p) => (
              <li key={p.idNumber} className="person-list__item">
                <Link to={`/cards/people/${p.idNumber}`} aria-label={ct('find.open', { name: p.fullName })} className="person-list__link">
                  {p.fullName}
                </Link>
                <span className="person-list__meta">
                  <span className="nowrap">{p.idNumber}</span>
                  <span>{sexText(p.sex, ct)}</span>
                  <span className="nowrap">{formatDate(p.birthDate)}</span>
                  {p.status !== 'living' && <span className={`status status--${p.status}`}>{personStatusText(p.status, ct)}</span>}
                  {p.permanentResidence && <span>{[p.permanentResidence.communeName, p.permanentResidence.provinceName].filter(Boolean).join(', ')}</span>}
                  {p.synthetic && <span className="badge">{ct('badge.synthetic')}</span>}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
