import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { errorText } from '../api/error-text.ts';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { useProvinces } from '../registry/reference.ts';
import { useFocusAfterRender } from '../ui/focus.ts';
import { formatInstant } from '../ui/format.ts';
import { AdminNav } from './AdminNav.tsx';
import { getMember, setMemberStatus, type ExchangeSystem, type Member } from './exchange.api.ts';
import { ConfirmPanel, formatNumber, SortHeader, type Sort } from './exchange.ui.tsx';
import { Fact, sentence, useFlash } from './fields.tsx';
import { MemberStaff } from './MemberStaff.tsx';
import { memberStatusText } from './MembersPage.tsx';
import { useText, type DT } from './text.ts';

type Load = { state: 'loading' } | { state: 'ready'; member: Member; systems: ExchangeSystem[] } | { state: 'error'; error: unknown };
type SortKey = 'name' | 'clientId' | 'status' | 'ratePerSecond' | 'createdAt';

const collator = new Intl.Collator('vi');

export const systemStatusText = (s: Pick<ExchangeSystem, 'status'>, dt: DT) => (s.status === 'active' ? dt('x.system.active') : dt('x.system.disabled'));

/** A member: its facts, suspension or reinstatement with a reason, and its systems. */
export function MemberPage({ memberId }: { memberId: string }) {
  const { dt, t, lang } = useText();
  const [load, setLoad] = useState<Load>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoad({ state: 'loading' });
    getMember(memberId, { signal: ctrl.signal }).then(
      ({ systems, ...member }) => setLoad({ state: 'ready', member, systems }),
      (error: unknown) => !ctrl.signal.aborted && setLoad({ state: 'error', error }),
    );
    return () => ctrl.abort();
  }, [memberId, attempt]);

  if (load.state === 'loading') return <Frame title={dt('x.member.loadingTitle')} busy />;
  if (load.state === 'error') {
    const notFound = load.error instanceof ApiError && load.error.status === 404;
    return (
      <Frame title={notFound ? dt('x.member.notFound') : dt('x.member.loadFailed')}>
        {notFound ? (
          <p>
            <Link to="/admin/exchange/members">{dt('x.backToMembers')}</Link>
          </p>
        ) : (
          <div role="alert" className="alert">
            <p>{sentence(errorText(load.error, lang, t))}</p>
            <p>
              <button type="button" className="button button--secondary" onClick={() => setAttempt((a) => a + 1)}>
                {t('app.retry')}
              </button>
            </p>
          </div>
        )}
      </Frame>
    );
  }
  return <MemberView member={load.member} systems={load.systems} onMember={(member) => setLoad({ ...load, member })} />;
}

function Frame({ title, busy, children }: { title: string; busy?: boolean; children?: ReactNode }) {
  const { dt } = useText();
  const ref = usePageTitle(title);
  return (
    <div className="admin">
      <AdminNav current="members" />
      <h1 ref={ref} tabIndex={-1}>
        {title}
      </h1>
      {busy && (
        <p className="loading" role="status">
          {dt('loading')}
        </p>
      )}
      {children}
    </div>
  );
}

function MemberView({ member: m, systems, onMember }: { member: Member; systems: ExchangeSystem[]; onMember(m: Member): void }) {
  const { dt, lang } = useText();
  const id = useId();
  const ref = usePageTitle(m.name);
  const flash = useFlash();
  const provinces = useProvinces();
  const [notice, setNotice] = useState<((dt: DT) => string) | null>(() => flash);
  const [confirming, setConfirming] = useState(false);
  const [sort, setSort] = useState<Sort<SortKey>>({ key: 'createdAt', dir: 'asc' });
  const statusButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const suspend = m.status === 'active';
  const province = m.provinceCode ? (provinces.state === 'ready' ? (provinces.value.find((p) => p.code === m.provinceCode)?.name ?? m.provinceCode) : m.provinceCode) : null;

  const sorted = useMemo(() => {
    const sign = sort.dir === 'asc' ? 1 : -1;
    return [...systems].sort((a, b) => {
      if (sort.key === 'ratePerSecond') return sign * (a.ratePerSecond - b.ratePerSecond);
      const va = sort.key === 'status' ? systemStatusText(a, dt) : a[sort.key];
      const vb = sort.key === 'status' ? systemStatusText(b, dt) : b[sort.key];
      return sign * collator.compare(va, vb);
    });
  }, [systems, sort, dt]);

  return (
    <div className="admin">
      <AdminNav current="members" />
      <p className="x-crumbs">
        <Link to="/admin/exchange/members">{dt('x.backToMembers')}</Link>
      </p>
      <h1 ref={ref} tabIndex={-1}>
        {m.name}
      </h1>
      <div role="status" className={notice ? 'notice' : 'visually-hidden'} data-testid="admin-flash">
        {notice ? notice(dt) : ''}
      </div>
      <section className="panel" aria-labelledby={`${id}-about`} data-testid="member-facts">
        <h2 id={`${id}-about`} className="x-panel-title">
          {dt('x.member.about')}
        </h2>
        <dl className="facts">
          <Fact term={dt('x.col.kind')}>{dt(`x.kind.${m.kind}`)}</Fact>
          <Fact term={dt('x.col.code')}>{m.code ? <code>{m.code}</code> : null}</Fact>
          <Fact term={dt('x.col.province')}>{province}</Fact>
          <Fact term={dt('x.member.contact')}>{m.contact}</Fact>
          <Fact term={dt('x.col.status')} testId="member-status">
            <span className={suspend ? 'status' : 'status status--missing'}>{memberStatusText(m, dt)}</span>
          </Fact>
          <Fact term={dt('x.col.createdAt')}>{formatInstant(m.createdAt)}</Fact>
          <Fact term={dt('x.member.id')}>
            <code>{m.id}</code>
          </Fact>
        </dl>
        {!confirming && (
          <div className="form__actions x-actions">
            <button ref={statusButton} type="button" className={suspend ? 'button button--secondary button--danger-outline' : 'button button--secondary'} onClick={() => setConfirming(true)}>
              {suspend ? dt('x.member.suspend') : dt('x.member.reinstate')}
            </button>
          </div>
        )}
        {confirming && (
          <ConfirmPanel
            testId="member-confirm"
            question={suspend ? dt('x.member.confirmSuspend', { name: m.name }) : dt('x.member.confirmReinstate', { name: m.name })}
            reason={{ label: dt('x.member.reason'), hint: dt('x.member.reasonHint') }}
            danger={suspend}
            confirmLabel={suspend ? dt('x.member.suspendConfirm') : dt('x.member.reinstateConfirm')}
            busyLabel={dt('x.saving')}
            cancelLabel={dt('x.cancel')}
            onCancel={() => {
              setConfirming(false);
              focusAfterRender(() => statusButton.current);
            }}
            onConfirm={async (reason) => {
              const updated = await setMemberStatus(m.id, suspend ? 'suspend' : 'reinstate', reason);
              onMember(updated);
              setConfirming(false);
              setNotice(() => (d: DT) => (updated.status === 'suspended' ? d('x.member.suspended.done', { name: updated.name }) : d('x.member.reinstated.done', { name: updated.name })));
              focusAfterRender(() => statusButton.current);
            }}
          />
        )}
      </section>

      <section aria-labelledby={`${id}-systems`} data-testid="member-systems">
        <h2 id={`${id}-systems`}>{dt('x.member.systems')}</h2>
        <p className="muted">{dt('x.member.systemsIntro')}</p>
        <p>
          <Link to={`/admin/exchange/members/${m.id}/systems/new`} className="button button--primary admin-new">
            {dt('x.member.registerSystem')}
          </Link>
        </p>
        <p className="results__status">{systems.length ? dt('x.member.systemCount', { n: systems.length }) : dt('x.member.noSystems')}</p>
        {systems.length > 0 && (
          <>
            <p className="results__sort-hint" id={`${id}-sort-hint`}>
              {dt('sortHint')}
            </p>
            <table className="results-table" aria-labelledby={`${id}-systems`} aria-describedby={`${id}-sort-hint`} data-testid="systems">
              <thead>
                <tr>
                  <SortHeader sortKey="name" label={dt('x.col.system')} sort={sort} onSort={setSort} />
                  <SortHeader sortKey="clientId" label={dt('x.col.clientId')} sort={sort} onSort={setSort} />
                  <SortHeader sortKey="status" label={dt('x.col.status')} sort={sort} onSort={setSort} />
                  <SortHeader sortKey="ratePerSecond" label={dt('x.col.rate')} sort={sort} onSort={setSort} />
                  <SortHeader sortKey="createdAt" label={dt('x.col.createdAt')} sort={sort} onSort={setSort} />
                </tr>
              </thead>
              <tbody>
                {sorted.map((s) => (
                  <tr key={s.id} data-testid="system-row" data-system-id={s.id}>
                    <td data-label={dt('x.col.system')}>
                      <span>
                        <Link to={`/admin/exchange/systems/${s.id}`}>{s.name}</Link>
                      </span>
                    </td>
                    <td data-label={dt('x.col.clientId')}>
                      <span>
                        <code>{s.clientId}</code>
                      </span>
                    </td>
                    <td data-label={dt('x.col.status')}>
                      <span>
                        <span className={s.status === 'active' ? 'status' : 'status status--deceased'}>{systemStatusText(s, dt)}</span>
                      </span>
                    </td>
                    <td data-label={dt('x.col.rate')}>
                      <span>{dt('x.system.perSecond', { n: formatNumber(s.ratePerSecond, lang) })}</span>
                    </td>
                    <td data-label={dt('x.col.createdAt')}>
                      <span className="nowrap">{formatInstant(s.createdAt)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </section>

      <MemberStaff memberId={m.id} memberName={m.name} />
    </div>
  );
}
