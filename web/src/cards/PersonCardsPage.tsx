import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { CardHistory } from './CardHistory.tsx';
import { CardPreview } from './CardPreview.tsx';
import { findPeople, readCards } from './cards.api.ts';
import { ISSUE_ALLOWED, type CardHistory as History, type IssueResult, type PersonSummary, type StatusAction } from './cards.types.ts';
import { Fact } from './fields.tsx';
import { formatDate, kindText, personStatusText, sentence, sexText } from './format.ts';
import { IssueForm } from './IssueForm.tsx';
import { useText } from './text.ts';

type Load<T> = { kind: 'loading' } | { kind: 'ready'; value: T } | { kind: 'error'; error: unknown };

/**
 * What was printed and written to the chip comes back once, in the issue's answer; the preview
 * keeps it in memory for this page session only (personal data: never in storage).
 */
const issuedThisSession = new Map<string, IssueResult>();

/** One person's cards: who they are, the print preview of a card just issued, issuing, the history with its actions. */
export function PersonCardsPage({ idNumber }: { idNumber: string }) {
  const { ct, t, lang } = useText();
  const id = useId();
  const wellFormed = /^\d{12}$/.test(idNumber);
  const [person, setPerson] = useState<Load<PersonSummary | null>>({ kind: 'loading' });
  const [history, setHistory] = useState<Load<History>>({ kind: 'loading' });
  const [issued, setIssued] = useState<IssueResult | null>(() => issuedThisSession.get(idNumber) ?? null);
  const [announce, setAnnounce] = useState('');
  const [reload, setReload] = useState(0);
  const headingRef = usePageTitle(person.kind === 'ready' && person.value ? person.value.fullName : ct('person.title'));
  const previewRef = useRef<HTMLHeadingElement>(null);
  const announceRef = useRef<HTMLParagraphElement>(null);
  const focusNext = useRef<'preview' | 'announce' | null>(null);

  useEffect(() => {
    if (!wellFormed) return;
    const ctrl = new AbortController();
    findPeople(idNumber, { signal: ctrl.signal }).then(
      (r) => setPerson({ kind: 'ready', value: r.items.find((p) => p.idNumber === idNumber) ?? null }),
      (error: unknown) => !ctrl.signal.aborted && setPerson({ kind: 'error', error }),
    );
    return () => ctrl.abort();
  }, [idNumber, wellFormed]);

  useEffect(() => {
    if (!wellFormed) return;
    const ctrl = new AbortController();
    readCards(idNumber, { signal: ctrl.signal }).then(
      (value) => setHistory({ kind: 'ready', value }),
      (error: unknown) => !ctrl.signal.aborted && setHistory({ kind: 'error', error }),
    );
    return () => ctrl.abort();
  }, [idNumber, wellFormed, reload]);

  // Focus moves once the content it goes to is on the page.
  useEffect(() => {
    if (focusNext.current === 'preview' && previewRef.current) {
      focusNext.current = null;
      previewRef.current.focus();
    } else if (focusNext.current === 'announce' && history.kind === 'ready') {
      focusNext.current = null;
      announceRef.current?.focus();
    }
  });

  const onIssued = useCallback(
    (r: IssueResult) => {
      issuedThisSession.set(idNumber, r);
      setIssued(r);
      setAnnounce(ct('issue.done', { cardNo: r.card.cardNo, kind: kindText(r.card.issueKind, ct) }));
      focusNext.current = 'preview';
      setReload((n) => n + 1);
    },
    [idNumber, ct],
  );

  const onChanged = useCallback(
    (v: { cardNo: number }, action: StatusAction) => {
      setAnnounce(action === 'report_lost' ? ct('status.done.report_lost', { cardNo: v.cardNo }) : ct('status.done.revoke', { cardNo: v.cardNo }));
      focusNext.current = 'announce';
      setReload((n) => n + 1);
    },
    [ct],
  );

  const p = person.kind === 'ready' ? person.value : null;
  const cards = history.kind === 'ready' ? history.value.cards : [];
  const latest = cards[0]?.status ?? 'none';
  const allowed = ISSUE_ALLOWED[latest];
  const notFound = person.kind === 'ready' && !person.value;
  const loadError = person.kind === 'error' ? person.error : history.kind === 'error' ? history.error : null;

  return (
    <div className="cards">
      <p className="cards__back">
        <Link to="/cards">
          <span aria-hidden="true">{'← '}</span>
          {ct('person.back')}
        </Link>
      </p>
      <h1 ref={headingRef} tabIndex={-1} data-testid="cards-person-heading">
        {p?.fullName ?? ct('person.title')}
      </h1>
      <p className="lead person-sub">
        <span>
          {ct('person.idNumber')}: <strong data-testid="cards-person-id">{idNumber}</strong>
        </span>
        {p && p.status !== 'living' && <span className={`status status--${p.status}`}>{personStatusText(p.status, ct)}</span>}
        {p?.synthetic && <span className="badge">{ct('badge.synthetic')}</span>}
      </p>

      {!wellFormed && (
        <div role="alert" className="alert">
          <p>{ct('person.badId')}</p>
        </div>
      )}
      {wellFormed && (person.kind === 'loading' || history.kind === 'loading') && !loadError && (
        <p role="status" className="results__status">
          {ct('person.loading')}
        </p>
      )}
      {notFound && (
        <div role="alert" className="alert" data-testid="cards-person-error">
          <p>{ct('person.notFound', { id: idNumber })}</p>
        </div>
      )}
      {loadError !== null && !notFound && (
        <div role="alert" className="alert" data-testid="cards-person-error">
          <p className="alert__title">{ct('person.failed')}</p>
          <p>{sentence(errorText(loadError, lang, t))}</p>
        </div>
      )}

      {p && (
        <section className="panel" aria-labelledby={`${id}-who`}>
          <h2 id={`${id}-who`}>{ct('person.summary')}</h2>
          <dl className="facts">
            <Fact term={ct('person.birthDate')}>{formatDate(p.birthDate)}</Fact>
            <Fact term={ct('person.sex')}>{sexText(p.sex, ct)}</Fact>
            <Fact term={ct('person.status')}>{personStatusText(p.status, ct)}</Fact>
            <Fact term={ct('person.residence')}>{p.permanentResidence ? [p.permanentResidence.address, p.permanentResidence.communeName, p.permanentResidence.provinceName].filter(Boolean).join(', ') : ct('person.noResidence')}</Fact>
          </dl>
        </section>
      )}

      <p role="status" ref={announceRef} tabIndex={-1} className={announce ? 'notice notice--ok' : 'visually-hidden'} data-testid="cards-announce">
        {announce}
      </p>

      {issued && <CardPreview issued={issued} headingRef={previewRef} />}

      {p && history.kind === 'ready' && (
        <section className="panel" aria-labelledby={`${id}-issue`}>
          <h2 id={`${id}-issue`}>{ct('issue.title')}</h2>
          {p.status !== 'living' ? (
            <p>{ct('issue.notLiving', { status: personStatusText(p.status, ct) })}</p>
          ) : !allowed.length ? (
            <p>{ct('issue.none')}</p>
          ) : latest === 'valid' ? (
            <details className="issue-more" data-testid="issue-renewal">
              <summary>{kindText('renewal', ct)}</summary>
              <IssueForm key={`${latest}-${cards.length}`} idNumber={idNumber} allowed={allowed} onIssued={onIssued} />
            </details>
          ) : (
            <IssueForm key={`${latest}-${cards.length}`} idNumber={idNumber} allowed={allowed} onIssued={onIssued} />
          )}
          {!issued && cards.length > 0 && <p className="form__note">{ct('preview.onlyAfterIssue')}</p>}
        </section>
      )}

      {history.kind === 'ready' && (
        <section className="panel" aria-labelledby={`${id}-history`} data-testid="cards-history-section">
          <h2 id={`${id}-history`}>{ct('history.title')}</h2>
          <p className="form__note">{ct('person.auditNote')}</p>
          <CardHistory cards={cards} onChanged={onChanged} />
        </section>
      )}
    </div>
  );
}
