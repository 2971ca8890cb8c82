import { useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Fact, FormField } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { LoadState, useApi } from './load.tsx';
import { accessLog, accessLogQuery, exchangeCatalogue, exchangeMembers, listConsents, type AccessItem, type AccessQuery, type Localised } from './portal.api.ts';
import { textOf, useText, type PT } from './text.ts';

const PAGE = 50;
/** How many accesses are fetched at once (the API pages by `limit` only); shown 50 at a time. */
const FETCH = 1000;

interface Filters {
  from: string;
  to: string;
  memberId: string;
  service: string;
  actorKind: string;
}
const NONE: Filters = { from: '', to: '', memberId: '', service: '', actorKind: '' };

/** yyyy-mm-dd as the start of that day in Vietnam; `next` gives the start of the day after (an exclusive end). */
function vnDayStart(day: string, next = false): string {
  const d = new Date(`${day}T00:00:00+07:00`);
  if (next) d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}

function toQuery(f: Filters): AccessQuery {
  const q: AccessQuery = { limit: FETCH };
  if (f.from) q.from = vnDayStart(f.from);
  if (f.to) q.to = vnDayStart(f.to, true);
  if (f.memberId) q.memberId = f.memberId;
  if (f.service) q.service = f.service;
  if (f.actorKind) q.actorKind = f.actorKind;
  return q;
}

/** Who accessed my data: the access history, filtered and exported as the citizen asks. */
export function AccessPage() {
  const { pt, lang } = useText();
  const id = useId();
  const ref = usePageTitle(pt('access.title'));
  const [form, setForm] = useState<Filters>(NONE);
  const [applied, setApplied] = useState<Filters>(NONE);
  const [dateError, setDateError] = useState<string | null>(null);
  const [shown, setShown] = useState(PAGE);
  const log = useApi((signal) => accessLog(toQuery(applied), { signal }));
  const catalogue = useApi((signal) => exchangeCatalogue({ signal }));
  const members = useApi((signal) => exchangeMembers({ signal }));
  // Receipts exist for consents given through the data exchange; an eID sign-in's consent has none.
  const consents = useApi((signal) => listConsents({ signal }));
  const receipts = new Set(consents.state === 'ready' ? consents.value.items.map((c) => c.id) : []);
  const listRef = useRef<HTMLOListElement>(null);
  const focusItem = useRef<number | null>(null);

  // After "show more", keyboard users continue at the first access just shown.
  useLayoutEffect(() => {
    const i = focusItem.current;
    if (i === null) return;
    focusItem.current = null;
    (listRef.current?.children[i]?.querySelector('h3') as HTMLElement | null)?.focus();
  });

  const serviceName = (code: string | null): string | null => {
    if (!code) return null;
    const s = catalogue.state === 'ready' ? catalogue.value.services.find((x) => x.code === code) : undefined;
    return s ? s.name[lang] : code;
  };

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (form.from && form.to && form.to < form.from) {
      setDateError(pt('access.dateOrder'));
      document.getElementById(`${id}-to`)?.focus();
      return;
    }
    setDateError(null);
    setApplied(form);
    setShown(PAGE);
    log.retry();
  }

  function clear() {
    setForm(NONE);
    setApplied(NONE);
    setDateError(null);
    setShown(PAGE);
    log.retry();
  }

  const items = log.state === 'ready' ? log.value.items : [];
  const set = (k: keyof Filters) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setForm((o) => ({ ...o, [k]: v }));
    if (k === 'to' || k === 'from') setDateError(null);
  };

  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {pt('access.title')}
      </h1>
      <p className="lead">{pt('access.lead')}</p>

      <form className="panel form access-filters" role="search" noValidate onSubmit={apply} aria-labelledby={`${id}-filters`}>
        <h2 id={`${id}-filters`}>{pt('access.filters')}</h2>
        <div className="access-filters__fields">
          <FormField id={`${id}-from`} label={pt('access.from')}>
            {(p) => <input {...p} name="from" type="date" value={form.from} onChange={set('from')} />}
          </FormField>
          <FormField id={`${id}-to`} label={pt('access.to')} error={dateError}>
            {(p) => <input {...p} name="to" type="date" value={form.to} onChange={set('to')} />}
          </FormField>
          <FormField id={`${id}-member`} label={pt('access.organisation')}>
            {(p) => (
              <select {...p} name="memberId" value={form.memberId} onChange={set('memberId')}>
                <option value="">{pt('access.anyOrganisation')}</option>
                {members.state === 'ready' &&
                  members.value.items.map((m) => (
                    <option key={m.id} value={m.id}>
                      {m.name}
                    </option>
                  ))}
              </select>
            )}
          </FormField>
          <FormField id={`${id}-service`} label={pt('access.service')}>
            {(p) => (
              <select {...p} name="service" value={form.service} onChange={set('service')}>
                <option value="">{pt('access.anyService')}</option>
                {catalogue.state === 'ready' &&
                  catalogue.value.services.map((s) => (
                    <option key={s.code} value={s.code}>
                      {s.name[lang]}
                    </option>
                  ))}
              </select>
            )}
          </FormField>
          <FormField id={`${id}-who`} label={pt('access.who')}>
            {(p) => (
              <select {...p} name="actorKind" value={form.actorKind} onChange={set('actorKind')}>
                <option value="">{pt('access.anyone')}</option>
                {(['partner', 'officer', 'citizen', 'system'] as const).map((k) => (
                  <option key={k} value={k}>
                    {pt(`who.${k}`)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        </div>
        <div className="form__actions">
          <button type="submit" className="button button--primary">
            {pt('access.apply')}
          </button>
          <button type="button" className="button button--secondary" onClick={clear}>
            {pt('access.clear')}
          </button>
          <a className="button button--secondary access-export" href={accessLogQuery({ ...toQuery(applied), limit: 5000 }, 'csv')} download="open06-access-log.csv">
            {pt('access.export')}
          </a>
        </div>
      </form>

      <section aria-labelledby={`${id}-results`} aria-busy={log.state === 'loading'}>
        <h2 id={`${id}-results`} className="visually-hidden">
          {pt('access.results')}
        </h2>
        <p role="status" className="results__status" data-testid="access-status">
          {log.state === 'loading' ? pt('access.searching') : log.state === 'ready' ? (items.length ? `${pt('access.count', { n: items.length })}${items.length > shown ? ` ${pt('access.showing', { shown, total: items.length })}` : ''}` : pt('access.none')) : ''}
        </p>
        {log.state === 'error' && <LoadState l={log} />}
        {log.state === 'ready' && log.value.truncated && <p className="notice">{pt('access.truncated')}</p>}
        {items.length > 0 && (
          <ol ref={listRef} className="portal-list access-list" data-testid="access-items">
            {items.slice(0, shown).map((a) => (
              <AccessEntry key={`${a.source}:${a.ref}`} a={a} service={serviceName(a.service)} hasReceipt={!!a.consentId && receipts.has(a.consentId)} pt={pt} />
            ))}
          </ol>
        )}
        {items.length > shown && (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              focusItem.current = shown;
              setShown((n) => n + PAGE);
            }}
          >
            {pt('access.more')}
          </button>
        )}
        {log.state === 'ready' && log.value.followedBy.length > 0 && (
          <section className="panel access-followed" aria-labelledby={`${id}-followed`} data-testid="access-followed">
            <h2 id={`${id}-followed`}>{pt('access.followed')}</h2>
            <p>{pt('access.followedLead')}</p>
            <ul className="portal-list">
              {log.value.followedBy.map((w) => (
                <li key={w.subscriptionId} className="portal-item">
                  <p className="portal-item__title">
                    <strong>{w.memberName ?? w.memberId}</strong>
                    <span className="muted">{pt('access.since', { at: formatInstant(w.since) })}</span>
                  </p>
                  <dl className="facts facts--compact">
                    <Fact term={pt('access.system')}>{w.systemName}</Fact>
                    <Fact term={pt('access.purpose')}>{labelOf(w.purpose.label, lang) ?? w.purpose.code}</Fact>
                    <Fact term={pt('access.topics')}>{w.topics.map((t) => t.label[lang]).join(', ')}</Fact>
                    <Fact term={pt('access.basis')}>{w.legalBasis}</Fact>
                  </dl>
                </li>
              ))}
            </ul>
          </section>
        )}
      </section>
    </div>
  );
}

const labelOf = (l: Localised | null, lang: 'vi' | 'en'): string | null => (l ? l[lang] : null);

function AccessEntry({ a, service, hasReceipt, pt }: { a: AccessItem; service: string | null; hasReceipt: boolean; pt: PT }) {
  const { lang } = useText();
  // An application the citizen signed in to with eID is named by its client ID (the history gives no organisation).
  const signIn = a.action === 'eid.claims.release';
  const who = a.who.kind === 'partner' ? (a.who.name ?? a.who.memberId ?? (a.who.id === 'open06-portal' ? pt('who.portal') : a.who.id)) : textOf(pt, `who.${a.who.kind}`, a.who.kind);
  const activity = textOf(pt, `action.${a.action}`, '') || service || a.action;
  const consentReceipt = hasReceipt ? `/api/v1/exchange/me/consents/${encodeURIComponent(a.consentId!)}/receipt` : null;
  return (
    <li className="portal-item access-item" data-testid="access-item" data-kind={a.who.kind}>
      <h3 tabIndex={-1} className="portal-item__title">
        <span>{who}</span>
        {a.who.kind === 'partner' && <span className="badge">{signIn ? pt('who.application') : pt('who.partner')}</span>}
      </h3>
      <p className="muted">
        <time dateTime={a.at}>{formatInstant(a.at)}</time> · {activity}
      </p>
      <dl className="facts facts--compact">
        {a.who.systemName && <Fact term={pt('access.system')}>{a.who.systemName}</Fact>}
        {service && service !== activity && <Fact term={pt('access.service')}>{service}</Fact>}
        {(a.purpose.label || a.purpose.code) && <Fact term={pt('access.purpose')}>{labelOf(a.purpose.label, lang) ?? a.purpose.code}</Fact>}
        {(a.legalBasis || a.consentId) && (
          <Fact term={pt('access.basis')} testId="access-basis">
            {consentReceipt ? (
              <>
                {pt('access.byConsent')} —{' '}
                <a href={consentReceipt} target="_blank" rel="noopener">
                  {pt('access.receipt')}
                </a>
              </>
            ) : a.consentId || a.legalBasis === 'consent' ? (
              pt(signIn ? 'access.bySignIn' : 'access.byConsent')
            ) : (
              a.legalBasis
            )}
          </Fact>
        )}
        {a.fields.length > 0 && <Fact term={pt('access.fields')}>{a.fields.map((f) => f.label[lang]).join(', ')}</Fact>}
        {a.outcome && <Fact term={pt('access.outcome')}>{textOf(pt, `outcome.${a.outcome}`, a.outcome)}</Fact>}
      </dl>
    </li>
  );
}

