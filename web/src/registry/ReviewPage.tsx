import { useCallback, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { Page } from '../api/page.ts';
import { Pager, usePagedList, type PagedList } from '../ui/table.tsx';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { useOfficerNames } from '../auth/officer-names.ts';
import { useOfficer } from '../auth/session.tsx';
import { Fact, FormField } from './fields.tsx';
import { formatInstant, formatPartialDate, nationalityText, sentence, sexText, statusText, unitText } from './format.ts';
import { SubmissionAttempt } from './idempotency.ts';
import { purposeText, rememberedPurpose, rememberPurpose, type PurposeChoice } from './purpose.ts';
import { PurposeForm } from './PurposeForm.tsx';
import { PersonLink } from './PersonRecord.tsx';
import { useEthnicGroups } from './reference.ts';
import { RegistryNav } from './RegistryNav.tsx';
import { decideCorrection, decideDuplicate, listCorrections, listDuplicates, readPerson } from './registry.api.ts';
import type { CorrectionChanges, DuplicateReview, DuplicateSummary, PendingCorrection, PersonRecord } from './registry.types.ts';
import { useText, type RT } from './text.ts';

/** What the last decision did, announced in a live region at the top of the page. */
type Outcome = { text: string; idNumber: string | null };

/** Both queues page on the server by request time, oldest first unless asked otherwise. */
type Queue<T> = PagedList<Page<T>, 'requestedAt'>;
const PAGE = 20;
const OLDEST_FIRST = { key: 'requestedAt', dir: 'asc' } as const;

/**
 * Registrations held as probable duplicates and corrections waiting for a supervisor. A supervisor
 * decides (never on a correction they requested: the server enforces four eyes); a registrar sees
 * the same lists read-only.
 */
export function ReviewPage() {
  const { rt } = useText();
  const officer = useOfficer();
  const canDecide = officer.roles.includes('supervisor');
  const headingRef = usePageTitle(rt('review.title'));
  const dups = usePagedList<Page<DuplicateReview>, 'requestedAt'>((p, signal) => listDuplicates(p, { signal }), { limit: PAGE, sort: OLDEST_FIRST });
  const corrs = usePagedList<Page<PendingCorrection>, 'requestedAt'>((p, signal) => listCorrections(p, { signal }), { limit: PAGE, sort: OLDEST_FIRST });
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);

  const done = useCallback(<T extends { id: number }>(o: Outcome, queue: Queue<T>, id: number) => {
    const { list } = queue;
    if (list.state === 'ready') list.set({ ...list.value, items: list.value.items.filter((x) => x.id !== id) });
    setOutcome(o);
  }, []);

  // The decided item leaves the list (and the focused button with it): focus the outcome.
  useEffect(() => {
    if (outcome) outcomeRef.current?.focus();
  }, [outcome]);

  return (
    <div className="registry review">
      <RegistryNav current="review" />
      <h1 ref={headingRef} tabIndex={-1}>
        {rt('review.title')}
      </h1>
      <p className="lead">{rt('review.intro')}</p>
      {!canDecide && <p className="notice">{rt('review.readOnly')}</p>}

      <div ref={outcomeRef} tabIndex={-1} role="status" className={outcome ? 'panel review-outcome' : 'visually-hidden'} data-testid="review-result">
        {outcome && (
          <p>
            {outcome.text} {outcome.idNumber && <Link to={`/registry/people/${outcome.idNumber}`}>{outcome.idNumber}</Link>}
          </p>
        )}
      </div>

      <section aria-labelledby="dup-title" className="review-section" data-testid="duplicate-queue">
        <h2 id="dup-title">{rt('dup.title')}</h2>
        <p className="form__note">{rt('dup.auditNote')}</p>
        <ListBody queue={dups} name="dup" empty={rt('dup.none')}>
          {(d, by) => <DuplicateCard key={d.id} review={d} requestedBy={by} canDecide={canDecide} onDone={(o) => done(o, dups, d.id)} />}
        </ListBody>
      </section>

      <section aria-labelledby="corr-title" className="review-section" data-testid="correction-queue">
        <h2 id="corr-title">{rt('corr.title')}</h2>
        <ListBody queue={corrs} name="corr" empty={rt('corr.none')}>
          {(c, by) => <CorrectionCard key={c.id} correction={c} requestedBy={by} canDecide={canDecide} onDone={(o) => done(o, corrs, c.id)} />}
        </ListBody>
      </section>
    </div>
  );
}

/** One queue: its order, the page shown (or why it could not be read) and the pager. */
function ListBody<T extends { requestedBy: string }>({ queue, name, empty, children }: { queue: Queue<T>; name: string; empty: string; children: (item: T, requestedBy: string) => ReactNode }) {
  const { rt, t, lang } = useText();
  const { list } = queue;
  const id = useId();
  const nameOf = useOfficerNames(list.state === 'ready' ? list.value.items.map((x) => x.requestedBy) : []);
  if (list.state === 'loading')
    return (
      <p role="status" className="results__status">
        {rt('review.loading')}
      </p>
    );
  if (list.state === 'error')
    return (
      <div role="alert" className="alert">
        <p className="alert__title">{rt('review.loadFailed')}</p>
        <p>{sentence(errorText(list.error, lang, t))}</p>
        <button type="button" className="button button--secondary" onClick={list.retry}>
          {rt('review.retry')}
        </button>
      </div>
    );
  const { items, offset } = list.value;
  if (!items.length && offset === 0) return <p className="muted">{empty}</p>;
  return (
    <>
      <div className="form form--inline">
        <div className="field">
          <label htmlFor={`${id}-order`}>{rt('review.order')}</label>
          <select id={`${id}-order`} name={`${name}-order`} value={queue.sort.dir} onChange={(e) => queue.setSort({ key: 'requestedAt', dir: e.currentTarget.value === 'desc' ? 'desc' : 'asc' })}>
            <option value="asc">{rt('review.oldestFirst')}</option>
            <option value="desc">{rt('review.newestFirst')}</option>
          </select>
        </div>
      </div>
      <p role="status" className="results__status" data-testid={`${name}-status`}>
        {items.length ? rt('review.shown', { from: offset + 1, to: offset + items.length }) : ''}
      </p>
      <div className="review-list" aria-busy={list.busy || undefined}>
        {items.map((x) => children(x, nameOf(x.requestedBy)))}
      </div>
      <Pager page={list.value} onPage={queue.setOffset} />
    </>
  );
}

/** The note and the decision buttons of one item, with the server's answer next to them. */
function Decision({ idPrefix, buttons, error, busy, note, setNote, extra }: { idPrefix: string; buttons: ReactNode; error: ReactNode; busy: boolean; note: string; setNote(v: string): void; extra?: ReactNode }) {
  const { rt } = useText();
  return (
    <div className="review-decision">
      {extra}
      <FormField id={`${idPrefix}-note`} label={rt('review.note')} hint={rt('review.noteHint')} optional>
        {(p) => <textarea {...p} name="note" rows={2} maxLength={1000} value={note} onChange={(e) => setNote(e.currentTarget.value)} />}
      </FormField>
      <div role="alert" className={error ? 'alert' : 'visually-hidden'}>
        {error}
      </div>
      <div className="form__actions">{buttons}</div>
      {busy && (
        <p role="status" className="muted">
          {rt('review.deciding')}
        </p>
      )}
    </div>
  );
}

function DuplicateCard({ review, requestedBy, canDecide, onDone }: { review: DuplicateReview; requestedBy: string; canDecide: boolean; onDone(o: Outcome): void }) {
  const { rt, t, lang } = useText();
  const id = useId();
  const [mergeInto, setMergeInto] = useState(review.candidates[0] ?? '');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const summaryOf = (c: string) => review.candidateSummaries.find((p) => p.idNumber === c);

  async function decide(decision: 'distinct' | 'merge') {
    setBusy(true);
    setError(null);
    try {
      const body: { decision: 'distinct' | 'merge'; mergeInto?: string; note?: string } = { decision };
      if (decision === 'merge') body.mergeInto = mergeInto;
      if (note.trim()) body.note = note.trim();
      const r = await decideDuplicate(review.id, body);
      if (r.status === 'merged') onDone({ text: rt('dup.mergedDone', { id: review.id }), idNumber: r.idNumber });
      else onDone({ text: r.idNumber ? rt('dup.distinctDone', { id: review.id }) : rt('dup.distinctNoId', { id: review.id }), idNumber: r.idNumber });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  const yesNo = (v: boolean | undefined) => (v === undefined ? '' : v ? rt('dup.yes') : rt('dup.no'));
  // The same facts in the same order in every column, so that they line up side by side.
  const facts = (p: DuplicateSummary, name: ReactNode) => (
    <>
      <Fact term={rt('field.fullName')}>{name}</Fact>
      <Fact term={rt('field.sex')}>{sexText(p.sex, rt)}</Fact>
      <Fact term={rt('field.birthDate')}>{formatPartialDate(p.birthDate)}</Fact>
      <Fact term={rt('dup.place')}>{unitText(p.birthRegistration)}</Fact>
      <Fact term={rt('field.father')}>{p.fatherId && <PersonLink idNumber={p.fatherId} />}</Fact>
      <Fact term={rt('field.mother')}>{p.motherId && <PersonLink idNumber={p.motherId} />}</Fact>
    </>
  );

  return (
    <article className="panel review-item" aria-labelledby={`${id}-title`} data-testid="duplicate-item">
      <h3 id={`${id}-title`}>{rt('dup.item', { id: review.id })}</h3>
      <p className="muted" data-testid="review-requested">{rt('review.requestedAt', { at: formatInstant(review.requestedAt), by: requestedBy })}</p>
      <div className="compare">
        <section className="compare__col compare__col--held" aria-labelledby={`${id}-held`} data-testid="duplicate-held">
          <h4 id={`${id}-held`}>{rt('dup.held')}</h4>
          <dl className="facts facts--stacked">{facts(review.held, review.held.fullName)}</dl>
        </section>
        {review.candidates.map((c) => {
          const p = summaryOf(c);
          const why = review.reasons?.find((r) => r.idNumber === c);
          return (
            <section key={c} className="compare__col" aria-labelledby={`${id}-${c}`} data-testid="duplicate-candidate">
              <h4 id={`${id}-${c}`}>{rt('dup.candidate', { id: c })}</h4>
              {p ? (
                <dl className="facts facts--stacked">
                  {facts(p, <Link to={`/registry/people/${c}`}>{p.fullName}</Link>)}
                  <Fact term={rt('field.status')}>{statusText(p.status, rt)}</Fact>
                  <Fact term={rt('dup.sameFather')}>{yesNo(why?.sameFather)}</Fact>
                  <Fact term={rt('dup.sameMother')}>{yesNo(why?.sameMother)}</Fact>
                  <Fact term={rt('dup.samePlace')}>{yesNo(why?.samePlace)}</Fact>
                </dl>
              ) : (
                <p className="muted">{rt('dup.candidateMissing')}</p>
              )}
            </section>
          );
        })}
      </div>
      {canDecide && (
        <Decision
          idPrefix={id}
          note={note}
          setNote={setNote}
          busy={busy}
          error={
            error ? (
              <>
                <p className="alert__title">{rt('review.decisionFailed')}</p>
                <p>{sentence(errorText(error, lang, t))}</p>
              </>
            ) : null
          }
          extra={
            review.candidates.length > 1 ? (
              <fieldset className="choice">
                <legend>{rt('dup.mergeInto')}</legend>
                <div className="choice__options">
                  {review.candidates.map((c) => (
                    <label key={c}>
                      <input type="radio" name={`${id}-merge`} value={c} checked={mergeInto === c} onChange={() => setMergeInto(c)} /> {summaryOf(c)?.fullName ?? c} ({c})
                    </label>
                  ))}
                </div>
              </fieldset>
            ) : null
          }
          buttons={
            <>
              <button type="button" className="button button--primary" disabled={busy} onClick={() => decide('distinct')}>
                {rt('dup.distinct')}
              </button>
              <button type="button" className="button button--secondary" disabled={busy} onClick={() => decide('merge')}>
                {rt('dup.merge')}
              </button>
            </>
          }
        />
      )}
    </article>
  );
}

type ChangeKey = keyof CorrectionChanges;
const CHANGE_FIELDS: ReadonlyArray<{ key: ChangeKey; label: 'field.fullName' | 'field.otherNames' | 'field.birthDate' | 'field.ethnicity' | 'field.religion' | 'field.nationality' }> = [
  { key: 'fullName', label: 'field.fullName' },
  { key: 'otherNames', label: 'field.otherNames' },
  { key: 'birthDate', label: 'field.birthDate' },
  { key: 'ethnicityCode', label: 'field.ethnicity' },
  { key: 'religion', label: 'field.religion' },
  { key: 'nationality', label: 'field.nationality' },
];

/** A correction field's value as shown, from the request (`changes`) or the current record. */
function valueText(key: ChangeKey, v: unknown, rt: RT, ethnicName: (code: string) => string): string {
  if (v === undefined || v === null || v === '') return '';
  switch (key) {
    case 'otherNames':
      return Array.isArray(v) ? v.join(', ') : String(v);
    case 'birthDate':
      return formatPartialDate(String(v));
    case 'ethnicityCode':
      return ethnicName(String(v));
    case 'nationality':
      return nationalityText(String(v), rt);
    default:
      return String(v);
  }
}

function currentOf(key: ChangeKey, r: PersonRecord): unknown {
  switch (key) {
    case 'ethnicityCode':
      return r.ethnicity;
    default:
      return r[key];
  }
}

type Current = { state: 'hidden' } | { state: 'asking'; serverError: string | null } | { state: 'loading' } | { state: 'ready'; record: PersonRecord; purpose: string } | { state: 'error'; error: unknown };

function CorrectionCard({ correction: c, requestedBy, canDecide, onDone }: { correction: PendingCorrection; requestedBy: string; canDecide: boolean; onDone(o: Outcome): void }) {
  const { rt, t, lang } = useText();
  const officer = useOfficer();
  const id = useId();
  const ethnic = useEthnicGroups();
  const [current, setCurrent] = useState<Current>({ state: 'hidden' });
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const attempt = useRef(new SubmissionAttempt());
  const mine = c.requestedBy === officer.id;
  const ethnicName = (code: string) => (ethnic.state === 'ready' ? (ethnic.value.find((g) => g.code === code)?.name ?? code) : code);
  const changed = CHANGE_FIELDS.filter((f) => c.changes[f.key] !== undefined);

  async function readCurrent(choice: PurposeChoice) {
    rememberPurpose(officer.id, choice);
    const purpose = purposeText(choice);
    setCurrent({ state: 'loading' });
    try {
      setCurrent({ state: 'ready', record: await readPerson(c.idNumber, purpose), purpose });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'REGISTRY_PURPOSE_REQUIRED') setCurrent({ state: 'asking', serverError: e.fieldMessage('purpose', lang) ?? e.detailIn(lang) });
      else setCurrent({ state: 'error', error: e });
    }
  }

  async function decide(decision: 'approve' | 'reject') {
    setBusy(true);
    setError(null);
    const body: { decision: 'approve' | 'reject'; note?: string } = { decision };
    if (note.trim()) body.note = note.trim();
    try {
      const r = await decideCorrection(c.id, body, attempt.current.keyFor(body));
      onDone({ text: r.status === 'approved' ? rt('corr.approvedDone', { id: c.id }) : rt('corr.rejectedDone', { id: c.id }), idNumber: c.idNumber });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  const fourEyes = error instanceof ApiError && error.code === 'REGISTRY_FOUR_EYES';

  return (
    <article className="panel review-item" aria-labelledby={`${id}-title`} data-testid="correction-item">
      <h3 id={`${id}-title`}>{rt('corr.item', { id: c.id, name: c.fullName })}</h3>
      <dl className="facts">
        <Fact term={rt('field.idNumber')}>
          <Link to={`/registry/people/${c.idNumber}`}>{c.idNumber}</Link>
        </Fact>
        <Fact term={rt('corr.reason')}>{c.reason}</Fact>
        <Fact term={rt('corr.legalBasis')}>{c.legalBasis}</Fact>
      </dl>
      <p className="muted" data-testid="review-requested">{rt('review.requestedAt', { at: formatInstant(c.requestedAt), by: requestedBy })}</p>
      {mine && (
        <p className="notice" data-testid="correction-self">
          {rt('corr.selfRequested')}
        </p>
      )}

      <h4 id={`${id}-changes`} className="review-changes__title">
        {rt('corr.changes')}
      </h4>
      <table className="changes review-changes" aria-labelledby={`${id}-changes`} data-testid="correction-changes">
        <thead>
          <tr>
            <th scope="col">{rt('history.field')}</th>
            <th scope="col">{rt('corr.current')}</th>
            <th scope="col">{rt('corr.requested')}</th>
          </tr>
        </thead>
        <tbody>
          {changed.map((f) => (
            <tr key={f.key}>
              <th scope="row">{rt(f.label)}</th>
              <td data-label={rt('corr.current')} data-testid={`current-${f.key}`}>{current.state === 'ready' ? valueText(f.key, currentOf(f.key, current.record), rt, ethnicName) || '—' : <span className="muted">{rt('corr.currentHidden')}</span>}</td>
              <td data-label={rt('corr.requested')} data-testid={`requested-${f.key}`}>
                <strong>{valueText(f.key, c.changes[f.key], rt, ethnicName) || '—'}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {current.state === 'hidden' && (
        <p>
          <button type="button" className="button button--secondary" onClick={() => setCurrent({ state: 'asking', serverError: null })}>
            {rt('corr.showCurrent')}
          </button>
        </p>
      )}
      {current.state === 'asking' && (
        <>
          <p className="form__note">{rt('corr.currentNote')}</p>
          <PurposeForm initial={rememberedPurpose(officer.id)} onSubmit={readCurrent} serverError={current.serverError} />
        </>
      )}
      <p role="status" className="results__status">
        {current.state === 'loading' ? rt('corr.readingCurrent') : ''}
      </p>
      {current.state === 'ready' && (
        <p className="purpose-used">
          {rt('person.purposeUsed')} <strong>{current.purpose}</strong>
        </p>
      )}
      {current.state === 'error' && (
        <div role="alert" className="alert">
          <p className="alert__title">{rt('corr.readFailed')}</p>
          <p>{sentence(errorText(current.error, lang, t))}</p>
        </div>
      )}

      {canDecide && (
        <Decision
          idPrefix={id}
          note={note}
          setNote={setNote}
          busy={busy}
          error={
            error ? (
              <div data-testid="correction-error">
                <p className="alert__title">{fourEyes ? rt('corr.fourEyes') : rt('review.decisionFailed')}</p>
                <p>{sentence(errorText(error, lang, t))}</p>
              </div>
            ) : null
          }
          buttons={
            <>
              <button type="button" className="button button--primary" disabled={busy} onClick={() => decide('approve')}>
                {rt('corr.approve')}
              </button>
              <button type="button" className="button button--secondary" disabled={busy} onClick={() => decide('reject')}>
                {rt('corr.reject')}
              </button>
            </>
          }
        />
      )}
    </article>
  );
}
