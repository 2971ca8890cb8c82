import { useId, useState } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { ROLES, type Role } from '../auth/auth.types.ts';
import { jurisdictionText, roleLabel, rolesText } from '../auth/officer-text.ts';
import { useProvinces } from '../registry/reference.ts';
import { FilterSelect } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { LoadState } from '../ui/load.tsx';
import { PagedTable, useDebounced, usePagedList, type Column } from '../ui/table.tsx';
import { AdminNav } from './AdminNav.tsx';
import { listOfficers, type AdminOfficer } from './admin.api.ts';
import { useFlash } from './fields.tsx';
import { useText, type DT } from './text.ts';

/** The sorts of GET /api/v1/officers. */
type SortKey = 'username' | 'name' | 'createdAt';

const PAGE = 20;

function isLocked(o: AdminOfficer): boolean {
  return !!o.lockedUntil && new Date(o.lockedUntil).getTime() > Date.now();
}

function statusText(o: AdminOfficer, dt: DT): string {
  if (o.status === 'disabled') return dt('status.disabled');
  if (isLocked(o)) return dt('status.locked', { until: formatInstant(o.lockedUntil!) });
  return dt('status.active');
}

/** The officers, a page at a time, filtered and sorted by the server. */
export function OfficersPage() {
  const { dt, t } = useText();
  const id = useId();
  const ref = usePageTitle(dt('officers.title'));
  const flash = useFlash();
  const provinces = useProvinces();
  const [q, setQ] = useState('');
  const [role, setRole] = useState<Role | ''>('');
  const [provinceCode, setProvinceCode] = useState('');
  const [status, setStatus] = useState<'' | 'active' | 'disabled'>('');
  const name = useDebounced(q.trim());
  const paged = usePagedList((p, signal) => listOfficers({ ...p, q: name, role, provinceCode, status }, { signal }), { limit: PAGE, sort: { key: 'username', dir: 'asc' }, filters: [name, role, provinceCode, status] });
  const { list } = paged;

  const columns: Array<Column<AdminOfficer, SortKey>> = [
    { label: dt('col.username'), sort: 'username', cell: (o) => <Link to={`/admin/officers/${o.id}`}>{o.username}</Link> },
    { label: dt('col.displayName'), sort: 'name', cell: (o) => o.displayName },
    { label: dt('col.roles'), cell: (o) => rolesText(o, t) },
    { label: dt('col.jurisdiction'), cell: (o) => jurisdictionText(o.jurisdiction, t) },
    { label: dt('col.status'), cell: (o) => <span className={o.status === 'disabled' ? 'status status--deceased' : isLocked(o) ? 'status status--missing' : 'status'}>{statusText(o, dt)}</span> },
    { label: dt('col.createdAt'), sort: 'createdAt', cell: (o) => <span className="nowrap">{formatInstant(o.createdAt)}</span> },
  ];

  const statusLine = () => {
    if (list.state !== 'ready') return '';
    const { items, offset } = list.value;
    if (items.length) return dt('officers.count', { from: offset + 1, to: offset + items.length });
    return dt('officers.none');
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

      <section aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`} className="visually-hidden">
          {dt('officers.title')}
        </h2>
        <div className="form form--inline admin-filter admin-filter--wide" role="search" aria-label={dt('officers.filters')}>
          <div className="field">
            <label htmlFor={`${id}-filter`}>{dt('officers.filter')}</label>
            <input id={`${id}-filter`} name="filter" type="search" autoComplete="off" spellCheck={false} maxLength={100} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
          </div>
          <FilterSelect id={`${id}-role`} name="role" label={dt('officers.role')} any={dt('officers.allRoles')} options={ROLES.map((r) => ({ value: r, label: roleLabel(r, t) }))} value={role} onChange={setRole} />
          <FilterSelect id={`${id}-province`} name="provinceCode" label={dt('officers.province')} any={dt('officers.allProvinces')} options={provinces.state === 'ready' ? provinces.value.map((p) => ({ value: p.code, label: p.name })) : []} value={provinceCode} onChange={setProvinceCode} />
          <FilterSelect id={`${id}-status`} name="status" label={dt('officers.status')} any={dt('officers.allStatuses')} options={(['active', 'disabled'] as const).map((v) => ({ value: v, label: dt(`status.${v}`) }))} value={status} onChange={setStatus} />
        </div>
        {list.state !== 'ready' && <LoadState l={list} title={dt('officers.loadFailed')} />}
        <p role="status" className="results__status" data-testid="officers-status">
          {statusLine()}
        </p>
        {list.state === 'ready' && list.value.items.length > 0 && (
          <PagedTable paged={paged} columns={columns} labelledBy={`${id}-list`} testId="officers" rowKey={(o) => o.id} rowProps={(o) => ({ 'data-testid': 'officer-row', 'data-username': o.username })} />
        )}
      </section>
    </div>
  );
}
