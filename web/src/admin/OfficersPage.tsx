import { useEffect, useId, useMemo, useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { jurisdictionText, rolesText } from '../auth/officer-text.ts';
import { formatInstant } from '../ui/format.ts';
import { sentence } from '../ui/fields.tsx';
import { AdminNav } from './AdminNav.tsx';
import { listOfficers, type AdminOfficer } from './admin.api.ts';
import { useFlash } from './fields.tsx';
import { useText, type DT } from './text.ts';
import type { Translate } from '../i18n/i18n.tsx';

type SortKey = 'username' | 'displayName' | 'roles' | 'jurisdiction' | 'status';
type Sort = { key: SortKey; dir: 'asc' | 'desc' };
type Load = { state: 'loading' } | { state: 'ready'; items: AdminOfficer[] } | { state: 'error'; error: unknown };

const collator = new Intl.Collator('vi');

/** Folds case and diacritics, so "nguyen van" finds "Nguyễn Văn". */
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

function isLocked(o: AdminOfficer): boolean {
  return !!o.lockedUntil && new Date(o.lockedUntil).getTime() > Date.now();
}

export function statusText(o: AdminOfficer, dt: DT): string {
  if (o.status === 'disabled') return dt('status.disabled');
  if (isLocked(o)) return dt('status.locked', { until: formatInstant(o.lockedUntil!) });
  return dt('status.active');
}

function sortValue(o: AdminOfficer, key: SortKey, dt: DT, t: Translate): string {
  switch (key) {
    case 'username':
      return o.username;
    case 'displayName':
      return o.displayName;
    case 'roles':
      return rolesText(o, t);
    case 'jurisdiction':
      return jurisdictionText(o.jurisdiction, t);
    case 'status':
      return statusText(o, dt);
  }
}

/** Every officer (the list is small: no server paging), filtered and sorted in the page. */
export function OfficersPage() {
  const { dt, t, lang } = useText();
  const id = useId();
  const ref = usePageTitle(dt('officers.title'));
  const flash = useFlash();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort>({ key: 'username', dir: 'asc' });

  useEffect(() => {
    const ctrl = new AbortController();
    setLoad({ state: 'loading' });
    listOfficers({ signal: ctrl.signal }).then(
      (r) => setLoad({ state: 'ready', items: r.items }),
      (error: unknown) => !ctrl.signal.aborted && setLoad({ state: 'error', error }),
    );
    return () => ctrl.abort();
  }, [attempt]);

  const items = useMemo(() => {
    if (load.state !== 'ready') return [];
    const q = fold(filter.trim());
    const list = q ? load.items.filter((o) => fold(o.username).includes(q) || fold(o.displayName).includes(q)) : [...load.items];
    const sign = sort.dir === 'asc' ? 1 : -1;
    list.sort((a, b) => sign * collator.compare(sortValue(a, sort.key, dt, t), sortValue(b, sort.key, dt, t)));
    return list;
  }, [load, filter, sort, dt, t]);

  const header = (key: SortKey, label: string) => {
    const active = sort.key === key ? sort.dir : null;
    return (
      <th scope="col" aria-sort={active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : 'none'}>
        <button type="button" className="sort-button" onClick={() => setSort(active === 'asc' ? { key, dir: 'desc' } : { key, dir: 'asc' })}>
          {label}
          <span className="sort-button__icon" aria-hidden="true">
            {active === 'asc' ? '▲' : active === 'desc' ? '▼' : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="admin">
      <AdminNav current="officers" />
      <h1 ref={ref} tabIndex={-1}>
        {dt('officers.title')}
      </h1>
      <p className="lead">{dt('officers.intro')}</p>
      <div role="status" className={flash ? 'notice' : 'visually-hidden'} data-testid="admin-flash">
        {flash ? flash(dt) : ''}
      </div>
      <p>
        <Link to="/admin/officers/new" className="button button--primary admin-new">
          {dt('officers.new')}
        </Link>
      </p>

      {load.state === 'loading' && (
        <p className="loading" role="status">
          {dt('loading')}
        </p>
      )}
      {load.state === 'error' && (
        <div role="alert" className="alert">
          <p className="alert__title">{dt('officers.loadFailed')}</p>
          <p>{sentence(errorText(load.error, lang, t))}</p>
          <p>
            <button type="button" className="button button--secondary" onClick={() => setAttempt((a) => a + 1)}>
              {t('app.retry')}
            </button>
          </p>
        </div>
      )}
      {load.state === 'ready' && (
        <section aria-labelledby={`${id}-list`}>
          <h2 id={`${id}-list`} className="visually-hidden">
            {dt('officers.title')}
          </h2>
          <div className="form form--inline admin-filter">
            <div className="field">
              <label htmlFor={`${id}-filter`}>{dt('officers.filter')}</label>
              <input id={`${id}-filter`} name="filter" type="search" autoComplete="off" spellCheck={false} maxLength={100} value={filter} onChange={(e) => setFilter(e.currentTarget.value)} />
            </div>
          </div>
          <p role="status" className="results__status" data-testid="officers-status">
            {items.length ? dt('officers.count', { shown: items.length, total: load.items.length }) : dt('officers.none')}
          </p>
          {items.length > 0 && (
            <>
              <p className="results__sort-hint" id={`${id}-sort-hint`}>
                {dt('sortHint')}
              </p>
              <table className="results-table" aria-labelledby={`${id}-list`} aria-describedby={`${id}-sort-hint`} data-testid="officers">
                <thead>
                  <tr>
                    {header('username', dt('col.username'))}
                    {header('displayName', dt('col.displayName'))}
                    {header('roles', dt('col.roles'))}
                    {header('jurisdiction', dt('col.jurisdiction'))}
                    {header('status', dt('col.status'))}
                  </tr>
                </thead>
                <tbody>
                  {items.map((o) => (
                    <tr key={o.id} data-testid="officer-row" data-username={o.username}>
                      <td data-label={dt('col.username')}>
                        <span>
                          <Link to={`/admin/officers/${o.id}`}>
                            {o.username}
                          </Link>
                        </span>
                      </td>
                      <td data-label={dt('col.displayName')}>
                        <span>{o.displayName}</span>
                      </td>
                      <td data-label={dt('col.roles')}>
                        <span>{rolesText(o, t)}</span>
                      </td>
                      <td data-label={dt('col.jurisdiction')}>
                        <span>{jurisdictionText(o.jurisdiction, t)}</span>
                      </td>
                      <td data-label={dt('col.status')}>
                        <span>
                          <span className={o.status === 'disabled' ? 'status status--deceased' : isLocked(o) ? 'status status--missing' : 'status'}>{statusText(o, dt)}</span>
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      )}
    </div>
  );
}
