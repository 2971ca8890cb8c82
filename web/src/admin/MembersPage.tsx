import { useEffect, useId, useMemo, useState } from 'react';
import { errorText } from '../api/error-text.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { useProvinces } from '../registry/reference.ts';
import { formatInstant } from '../ui/format.ts';
import { sentence } from '../ui/fields.tsx';
import { AdminNav } from './AdminNav.tsx';
import { listMembers, listSystems, MEMBER_KINDS, type Member, type MemberKind } from './exchange.api.ts';
import { SortHeader, type Sort } from './exchange.ui.tsx';
import { useFlash } from './fields.tsx';
import { fold } from './OfficersPage.tsx';
import { useText, type DT } from './text.ts';

type SortKey = 'name' | 'kind' | 'code' | 'systems' | 'status' | 'createdAt';
type Row = Member & { systems: number; activeSystems: number };
type Load = { state: 'loading' } | { state: 'ready'; items: Row[] } | { state: 'error'; error: unknown };

const collator = new Intl.Collator('vi');

export const memberStatusText = (m: Pick<Member, 'status'>, dt: DT) => (m.status === 'active' ? dt('x.member.active') : dt('x.member.suspended'));

/**
 * Every member organisation of the data exchange, filtered by kind, status and name and sorted in
 * the page: the admin API returns the whole list (it has no paging yet, and members are counted in
 * hundreds, not millions).
 */
export function MembersPage() {
  const { dt, t, lang } = useText();
  const id = useId();
  const ref = usePageTitle(dt('x.members.title'));
  const flash = useFlash();
  const provinces = useProvinces();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [q, setQ] = useState('');
  const [kind, setKind] = useState<MemberKind | ''>('');
  const [status, setStatus] = useState<'' | 'active' | 'suspended'>('');
  const [sort, setSort] = useState<Sort<SortKey>>({ key: 'name', dir: 'asc' });

  useEffect(() => {
    const ctrl = new AbortController();
    setLoad({ state: 'loading' });
    Promise.all([listMembers({ signal: ctrl.signal }), listSystems({ signal: ctrl.signal })]).then(
      ([m, s]) =>
        setLoad({
          state: 'ready',
          items: m.items.map((x) => {
            const own = s.items.filter((y) => y.memberId === x.id);
            return { ...x, systems: own.length, activeSystems: own.filter((y) => y.status === 'active').length };
          }),
        }),
      (error: unknown) => !ctrl.signal.aborted && setLoad({ state: 'error', error }),
    );
    return () => ctrl.abort();
  }, [attempt]);

  const provinceName = (code: string | null) => (code && provinces.state === 'ready' ? (provinces.value.find((p) => p.code === code)?.name ?? code) : (code ?? ''));

  const items = useMemo(() => {
    if (load.state !== 'ready') return [];
    const f = fold(q.trim());
    const list = load.items.filter((m) => (!kind || m.kind === kind) && (!status || m.status === status) && (!f || fold(m.name).includes(f) || fold(m.code ?? '').includes(f)));
    const sign = sort.dir === 'asc' ? 1 : -1;
    const value = (m: Row): string | number => {
      switch (sort.key) {
        case 'name':
          return m.name;
        case 'kind':
          return dt(`x.kind.${m.kind}`);
        case 'code':
          return m.code ?? '';
        case 'systems':
          return m.systems;
        case 'status':
          return memberStatusText(m, dt);
        case 'createdAt':
          return m.createdAt;
      }
    };
    list.sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      return sign * (typeof va === 'number' && typeof vb === 'number' ? va - vb : collator.compare(String(va), String(vb)));
    });
    return list;
  }, [load, q, kind, status, sort, dt]);

  const header = (key: SortKey, label: string) => <SortHeader sortKey={key} label={label} sort={sort} onSort={setSort} />;

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

      {load.state === 'loading' && (
        <p className="loading" role="status">
          {dt('loading')}
        </p>
      )}
      {load.state === 'error' && (
        <div role="alert" className="alert">
          <p className="alert__title">{dt('x.members.loadFailed')}</p>
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
            {dt('x.members.title')}
          </h2>
          <div className="form form--inline admin-filter admin-filter--wide" role="search" aria-label={dt('x.members.filters')}>
            <div className="field">
              <label htmlFor={`${id}-q`}>{dt('x.members.filter')}</label>
              <input id={`${id}-q`} name="q" type="search" autoComplete="off" spellCheck={false} maxLength={100} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
            </div>
            <div className="field">
              <label htmlFor={`${id}-kind`}>{dt('x.members.kind')}</label>
              <select id={`${id}-kind`} name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as MemberKind | '')}>
                <option value="">{dt('x.members.allKinds')}</option>
                {MEMBER_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {dt(`x.kind.${k}`)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${id}-status`}>{dt('x.members.status')}</label>
              <select id={`${id}-status`} name="status" value={status} onChange={(e) => setStatus(e.currentTarget.value as '' | 'active' | 'suspended')}>
                <option value="">{dt('x.members.allStatuses')}</option>
                <option value="active">{dt('x.member.active')}</option>
                <option value="suspended">{dt('x.member.suspended')}</option>
              </select>
            </div>
          </div>
          <p role="status" className="results__status" data-testid="members-status">
            {load.items.length === 0 ? dt('x.members.empty') : items.length ? dt('x.members.count', { shown: items.length, total: load.items.length }) : dt('x.members.none')}
          </p>
          {items.length > 0 && (
            <>
              <p className="results__sort-hint" id={`${id}-sort-hint`}>
                {dt('sortHint')}
              </p>
              <table className="results-table" aria-labelledby={`${id}-list`} aria-describedby={`${id}-sort-hint`} data-testid="members">
                <thead>
                  <tr>
                    {header('name', dt('x.col.member'))}
                    {header('kind', dt('x.col.kind'))}
                    {header('code', dt('x.col.code'))}
                    <th scope="col">{dt('x.col.province')}</th>
                    {header('systems', dt('x.col.systems'))}
                    {header('status', dt('x.col.status'))}
                    {header('createdAt', dt('x.col.createdAt'))}
                  </tr>
                </thead>
                <tbody>
                  {items.map((m) => (
                    <tr key={m.id} data-testid="member-row" data-member-id={m.id} data-name={m.name}>
                      <td data-label={dt('x.col.member')}>
                        <span>
                          <Link to={`/admin/exchange/members/${m.id}`}>{m.name}</Link>
                        </span>
                      </td>
                      <td data-label={dt('x.col.kind')}>
                        <span>{dt(`x.kind.${m.kind}`)}</span>
                      </td>
                      <td data-label={dt('x.col.code')}>
                        <span>{m.code ? <code>{m.code}</code> : '—'}</span>
                      </td>
                      <td data-label={dt('x.col.province')}>
                        <span>{provinceName(m.provinceCode) || '—'}</span>
                      </td>
                      <td data-label={dt('x.col.systems')}>
                        <span>{m.systems === m.activeSystems ? m.systems : dt('x.members.systemsActive', { n: m.systems, active: m.activeSystems })}</span>
                      </td>
                      <td data-label={dt('x.col.status')}>
                        <span>
                          <span className={m.status === 'active' ? 'status' : 'status status--missing'}>{memberStatusText(m, dt)}</span>
                        </span>
                      </td>
                      <td data-label={dt('x.col.createdAt')}>
                        <span className="nowrap">{formatInstant(m.createdAt)}</span>
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
