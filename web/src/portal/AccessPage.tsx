import { useId, useState, type FormEvent } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Fact, FormField } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { PagedTable, usePagedList, type Column } from '../ui/table.tsx';
import { accessLog, accessLogCsv, exchangeCatalogue, exchangeMembers, listConsents, type AccessItem, type AccessQuery, type Localised } from './portal.api.ts';
import { textOf, useText, type PT } from './text.ts';

const PAGE = 20;
type AccessSort = 'at' | 'organisation' | 'service';

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
  const q: AccessQuery = {};
  if (f.from) q.from = vnDayStart(f.from);
  if (f.to) q.to = vnDayStart(f.to, true);
  if (f.memberId) q.memberId = f.memberId;
  if (f.service) q.service = f.service;
  if (f.actorKind) q.actorKind = f.actorKind;
  return q;
}

/** Who accessed my data: the access history, a page at a time, sorted, filtered and exported as the citizen asks. */
export function AccessPage() {
  const { pt, lang } = useText();
  const id = useId();
  const ref = usePageTitle(pt('access.title'));
  const [form, setForm] = useState<Filters>(NONE);
  const [applied, setApplied] = useState<Filters>(NONE);
  const [dateError, setDateError] = useState<string | null>(null);
  const paged = usePagedList((p, signal) => accessLog({ ...toQuery(applied), ...p }, { signal }), { limit: PAGE, sort: { key: 'at', dir: 'desc' }, filters: [applied] });
  const log = paged.list;
  const catalogue = useApi((signal) => exchangeCatalogue({ signal }));
  const members = useApi((signal) => exchangeMembers({ signal }));
  // Receipts exist for consents given through the data exchange; an eID sign-in's consent has none.
  const consents = useApi((signal) => listConsents({ signal }));
  const receipts = new Set(consents.state === 'ready' ? consents.value.items.map((c) => c.id) : []);

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
    // The same filters again read the history again.
    if (JSON.stringify(form) === JSON.stringify(applied)) log.retry();
    else setApplied(form);
  }

  function clear() {
    setForm(NONE);
    setApplied(NONE);
    setDateError(null);
  }

  const page = log.state === 'ready' ? log.value : null;
  const set = (k: keyof Filters) => (e: { currentTarget: { value: string } }) => {
    const v = e.currentTarget.value;
    setForm((o) => ({ ...o, [k]: v }));
    if (k === 'to' || k === 'from') setDateError(null);
  };
  const columns = accessColumns(pt, lang, serviceName, receipts);

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
          <a className="button button--secondary access-export" href={accessLogCsv(toQuery(applied))} download="open06-access-log.csv">
            {pt('access.export')}
          </a>
        </div>
      </form>

      <section aria-labelledby={`${id}-results`} aria-busy={log.busy}>
        <h2 id={`${id}-results`} className="visually-hidden">
          {pt('access.results')}
        </h2>
        <p role="status" className="results__status" data-testid="access-status">
          {!page ? (log.state === 'loading' ? pt('access.searching') : '') : page.items.length ? pt('access.count', { from: page.offset + 1, to: page.offset + page.items.length }) : pt('access.none')}
        </p>
        {log.state === 'error' && <LoadState l={log} />}
        {page?.truncated && <p className="notice">{pt('access.truncated')}</p>}
        {page && page.items.length > 0 && <PagedTable paged={paged} columns={columns} labelledBy={`${id}-results`} className="access-table" testId="access-items" rowKey={(a) => `${a.source}:${a.ref}`} rowProps={(a) => ({ 'data-testid': 'access-item', 'data-kind': a.who.kind })} />}
        {page && page.followedBy.length > 0 && (
          <section className="panel access-followed" aria-labelledby={`${id}-followed`} data-testid="access-followed">
            <h2 id={`${id}-followed`}>{pt('access.followed')}</h2>
            <p>{pt('access.followedLead')}</p>
            <ul className="portal-list">
              {page.followedBy.map((w) => (
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

/** The history's columns: when, who (with the system), what (why, the outcome), on what basis, which fields. */
function accessColumns(pt: PT, lang: 'vi' | 'en', serviceName: (code: string | null) => string | null, receipts: ReadonlySet<string>): Array<Column<AccessItem, AccessSort>> {
  // An application the citizen signed in to with eID is named by its client ID (the history gives no organisation).
  const signIn = (a: AccessItem) => a.action === 'eid.claims.release';
  const activity = (a: AccessItem) => textOf(pt, `action.${a.action}`, '') || serviceName(a.service) || a.action;
  return [
    { label: pt('access.at'), sort: 'at', cell: (a) => <time dateTime={a.at}>{formatInstant(a.at)}</time> },
    { label: pt('access.whoCol'), sort: 'organisation', cell: (a) => (
      <>
        <strong>{a.who.kind === 'partner' ? (a.who.name ?? a.who.memberId ?? (a.who.id === 'open06-portal' ? pt('who.portal') : a.who.id)) : textOf(pt, `who.${a.who.kind}`, a.who.kind)}</strong>
        {a.who.kind === 'partner' && <span className="badge">{signIn(a) ? pt('who.application') : pt('who.partner')}</span>}
        {a.who.systemName && <span className="muted access-table__line">{a.who.systemName}</span>}
      </>
    ) },
    { label: pt('access.activity'), sort: 'service', cell: (a) => {
      const service = serviceName(a.service);
      const purpose = labelOf(a.purpose.label, lang) ?? a.purpose.code;
      return (
        <>
          {service && service !== activity(a) ? `${activity(a)} · ${service}` : activity(a)}
          {purpose && <span className="access-table__line">{pt('access.purposeIs', { purpose })}</span>}
          {a.outcome && <span className="access-table__line muted">{textOf(pt, `outcome.${a.outcome}`, a.outcome)}</span>}
        </>
      );
    } },
    { label: pt('access.basis'), cell: (a) => {
      const receipt = a.consentId && receipts.has(a.consentId) ? `/api/v1/exchange/me/consents/${encodeURIComponent(a.consentId)}/receipt` : null;
      return (
        <span data-testid="access-basis">
          {receipt ? (
            <>
              {pt('access.byConsent')} —{' '}
              <a href={receipt} target="_blank" rel="noopener">
                {pt('access.receipt')}
              </a>
            </>
          ) : a.consentId || a.legalBasis === 'consent' ? (
            pt(signIn(a) ? 'access.bySignIn' : 'access.byConsent')
          ) : (
            (a.legalBasis ?? '—')
          )}
        </span>
      );
    } },
    { label: pt('access.fields'), cell: (a) => (a.fields.length ? a.fields.map((f) => f.label[lang]).join(', ') : '—') },
  ];
}
