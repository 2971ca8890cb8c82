import { useId, useMemo, useState } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { jurisdictionText, rolesText } from '../auth/officer-text.ts';
import { formatInstant } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { DataTable, type Column, type Sort } from '../ui/table.tsx';
import { AdminNav } from './AdminNav.tsx';
import { listOfficers, type AdminOfficer } from './admin.api.ts';
import { useFlash } from './fields.tsx';
import { useText, type DT } from './text.ts';
import type { Translate } from '../i18n/i18n.tsx';

type SortKey = 'username' | 'displayName' | 'roles' | 'jurisdiction' | 'status';

const collator = new Intl.Collator('vi');

/** Folds case and diacritics, so "nguyen van" finds "Nguyễn Văn". */
function fold(s: string): string {
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
  const { dt, t } = useText();
  const id = useId();
  const ref = usePageTitle(dt('officers.title'));
  const flash = useFlash();
  const officers = useApi((signal) => listOfficers({ signal }));
  const [filter, setFilter] = useState('');
  const [sort, setSort] = useState<Sort<SortKey>>({ key: 'username', dir: 'asc' });
  const all = officers.state === 'ready' ? officers.value.items : [];

  const items = useMemo(() => {
    const q = fold(filter.trim());
    const list = q ? all.filter((o) => fold(o.username).includes(q) || fold(o.displayName).includes(q)) : [...all];
    const sign = sort.dir === 'asc' ? 1 : -1;
    list.sort((a, b) => sign * collator.compare(sortValue(a, sort.key, dt, t), sortValue(b, sort.key, dt, t)));
    return list;
  }, [all, filter, sort, dt, t]);

  const columns: Array<Column<AdminOfficer, SortKey>> = [
    { label: dt('col.username'), sort: 'username', cell: (o) => <Link to={`/admin/officers/${o.id}`}>{o.username}</Link> },
    { label: dt('col.displayName'), sort: 'displayName', cell: (o) => o.displayName },
    { label: dt('col.roles'), sort: 'roles', cell: (o) => rolesText(o, t) },
    { label: dt('col.jurisdiction'), sort: 'jurisdiction', cell: (o) => jurisdictionText(o.jurisdiction, t) },
    { label: dt('col.status'), sort: 'status', cell: (o) => <span className={o.status === 'disabled' ? 'status status--deceased' : isLocked(o) ? 'status status--missing' : 'status'}>{statusText(o, dt)}</span> },
  ];

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

      <LoadState l={officers} title={dt('officers.loadFailed')} />
      {officers.state === 'ready' && (
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
            {items.length ? dt('officers.count', { shown: items.length, total: all.length }) : dt('officers.none')}
          </p>
          {items.length > 0 && <DataTable columns={columns} rows={items} rowKey={(o) => o.id} rowProps={(o) => ({ 'data-testid': 'officer-row', 'data-username': o.username })} sort={sort} onSort={setSort} labelledBy={`${id}-list`} testId="officers" />}
        </section>
      )}
    </div>
  );
}
