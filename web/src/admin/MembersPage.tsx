import { useId, useState } from 'react';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { useProvinces } from '../registry/reference.ts';
import { FilterSelect } from '../ui/fields.tsx';
import { formatInstant } from '../ui/format.ts';
import { LoadState } from '../ui/load.tsx';
import { PagedTable, useDebounced, usePagedList, type Column } from '../ui/table.tsx';
import { AdminNav } from './AdminNav.tsx';
import { listMembers, MEMBER_KINDS, type Member, type MemberKind, type MemberRow } from './exchange.api.ts';
import { useFlash } from './fields.tsx';
import { useText, type DT } from './text.ts';

type SortKey = 'name' | 'kind' | 'code' | 'systems' | 'status' | 'createdAt';

const PAGE = 20;

export const memberStatusText = (m: Pick<Member, 'status'>, dt: DT) => (m.status === 'active' ? dt('x.member.active') : dt('x.member.suspended'));

/** The member organisations of the data exchange, a page at a time, filtered and sorted by the server. */
export function MembersPage() {
  const { dt } = useText();
  const id = useId();
  const ref = usePageTitle(dt('x.members.title'));
  const flash = useFlash();
  const provinces = useProvinces();
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<MemberKind | ''>('');
  const [status, setStatus] = useState<'' | 'active' | 'suspended'>('');
  const name = useDebounced(q.trim());
  const paged = usePagedList((p, signal) => listMembers({ ...p, q: name, kind, status }, { signal }), { limit: PAGE, sort: { key: 'name', dir: 'asc' }, filters: [name, kind, status] });
  const { list } = paged;

  const provinceName = (code: string | null) => (code && provinces.state === 'ready' ? (provinces.value.find((p) => p.code === code)?.name ?? code) : (code ?? ''));
  const columns: Array<Column<MemberRow, SortKey>> = [
    { label: dt('x.col.member'), sort: 'name', cell: (m) => <Link to={`/admin/exchange/members/${m.id}`}>{m.name}</Link> },
    { label: dt('x.col.kind'), sort: 'kind', cell: (m) => dt(`x.kind.${m.kind}`) },
    { label: dt('x.col.code'), sort: 'code', cell: (m) => (m.code ? <code>{m.code}</code> : '—') },
    { label: dt('x.col.province'), cell: (m) => provinceName(m.provinceCode) || '—' },
    { label: dt('x.col.systems'), sort: 'systems', cell: (m) => (m.systemCount === m.activeSystemCount ? m.systemCount : dt('x.members.systemsActive', { n: m.systemCount, active: m.activeSystemCount })) },
    { label: dt('x.col.status'), sort: 'status', cell: (m) => <span className={m.status === 'active' ? 'status' : 'status status--missing'}>{memberStatusText(m, dt)}</span> },
    { label: dt('x.col.createdAt'), sort: 'createdAt', cell: (m) => <span className="nowrap">{formatInstant(m.createdAt)}</span> },
  ];

  const statusText = () => {
    if (list.state !== 'ready') return '';
    const { items, offset } = list.value;
    if (items.length) return dt('x.members.count', { from: offset + 1, to: offset + items.length });
    return name || kind || status ? dt('x.members.none') : dt('x.members.empty');
  };

  return (
    <div className="admin">
      <AdminNav current="members" />
      <h1 ref={ref} tabIndex={-1}>
        {dt('x.members.title')}
      </h1>
      <p className="lead">{dt('x.members.intro')}</p>
      <div role="status" className={flash ? 'notice' : 'visually-hidden'} data-testid="admin-flash">
        {flash ? flash(dt) : ''}
      </div>
      <p>
        <Link to="/admin/exchange/members/new" className="button button--primary admin-new">
          {dt('x.members.new')}
        </Link>
      </p>

      <section aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`} className="visually-hidden">
          {dt('x.members.title')}
        </h2>
        <div className="form form--inline admin-filter admin-filter--wide" role="search" aria-label={dt('x.members.filters')}>
          <div className="field">
            <label htmlFor={`${id}-q`}>{dt('x.members.filter')}</label>
            <input id={`${id}-q`} name="q" type="search" autoComplete="off" spellCheck={false} maxLength={100} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
          </div>
          <FilterSelect id={`${id}-kind`} name="kind" label={dt('x.members.kind')} any={dt('x.members.allKinds')} options={MEMBER_KINDS.map((k) => ({ value: k, label: dt(`x.kind.${k}`) }))} value={kind} onChange={setKind} />
          <FilterSelect id={`${id}-status`} name="status" label={dt('x.members.status')} any={dt('x.members.allStatuses')} options={(['active', 'suspended'] as const).map((v) => ({ value: v, label: memberStatusText({ status: v }, dt) }))} value={status} onChange={setStatus} />
        </div>
        {list.state !== 'ready' && <LoadState l={list} title={dt('x.members.loadFailed')} />}
        <p role="status" className="results__status" data-testid="members-status">
          {statusText()}
        </p>
        {list.state === 'ready' && list.value.items.length > 0 && (
          <PagedTable paged={paged} columns={columns} labelledBy={`${id}-list`} testId="members" rowKey={(m) => m.id} rowProps={(m) => ({ 'data-testid': 'member-row', 'data-member-id': m.id, 'data-name': m.name })} />
        )}
      </section>
    </div>
  );
}
