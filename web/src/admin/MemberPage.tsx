import { useId, useRef, useState } from 'react';
import { ApiError } from '../api/problem.ts';
import { usePageTitle } from '../app/page.ts';
import { Link } from '../app/router.tsx';
import { useProvinces } from '../registry/reference.ts';
import { useFocusAfterRender } from '../ui/focus.ts';
import { formatInstant, formatNumber } from '../ui/format.ts';
import { LoadState, useApi } from '../ui/load.tsx';
import { PagedTable, usePagedList, type Column } from '../ui/table.tsx';
import { AdminFrame } from './AdminFrame.tsx';
import { AdminNav } from './AdminNav.tsx';
import { creatorText, getMember, listSystems, setMemberStatus, type Creator, type ExchangeSystem, type Member } from './exchange.api.ts';
import { ConfirmPanel } from './exchange.ui.tsx';
import { Fact, useFlash } from './fields.tsx';
import { MemberStaff } from './MemberStaff.tsx';
import { memberStatusText } from './MembersPage.tsx';
import { useText, type DT } from './text.ts';

type SortKey = 'name' | 'clientId' | 'status' | 'ratePerSecond' | 'createdAt';

const PAGE = 20;

export const systemStatusText = (s: Pick<ExchangeSystem, 'status'>, dt: DT) => (s.status === 'active' ? dt('x.system.active') : dt('x.system.disabled'));

/** A member: its facts, suspension or reinstatement with a reason, its systems (a page at a time) and its staff. */
export function MemberPage({ memberId }: { memberId: string }) {
  const { dt } = useText();
  const member = useApi((signal) => getMember(memberId, { signal }).then(({ systems: _, ...m }): Member & { createdBy?: Creator } => m), [memberId]);
  if (member.state === 'ready') return <MemberView key={member.value.id} member={member.value} onMember={member.set} />;
  if (member.state === 'error' && member.error instanceof ApiError && member.error.status === 404) return <AdminFrame current="members" title={dt('x.member.notFound')} back={{ to: '/admin/exchange/members', label: dt('x.backToMembers') }} />;
  return <AdminFrame current="members" title={member.state === 'loading' ? dt('x.member.loadingTitle') : dt('x.member.loadFailed')} l={member} />;
}

function MemberView({ member: m, onMember }: { member: Member & { createdBy?: Creator }; onMember(m: Member): void }) {
  const { dt } = useText();
  const id = useId();
  const ref = usePageTitle(m.name);
  const flash = useFlash();
  const provinces = useProvinces();
  const [notice, setNotice] = useState<((dt: DT) => string) | null>(() => flash);
  const [confirming, setConfirming] = useState(false);
  const statusButton = useRef<HTMLButtonElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const suspend = m.status === 'active';
  const province = m.provinceCode ? (provinces.state === 'ready' ? (provinces.value.find((p) => p.code === m.provinceCode)?.name ?? m.provinceCode) : m.provinceCode) : null;

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
          {m.createdBy && <Fact term={dt('x.col.createdBy')} testId="member-created-by">{creatorText(m.createdBy)}</Fact>}
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

      <Systems member={m} />

      <MemberStaff memberId={m.id} memberName={m.name} />
    </div>
  );
}

/** The member's systems, a page at a time, sorted by the server. */
function Systems({ member: m }: { member: Member }) {
  const { dt, lang } = useText();
  const id = useId();
  const paged = usePagedList((p, signal) => listSystems({ ...p, memberId: m.id }, { signal }), { limit: PAGE, sort: { key: 'createdAt', dir: 'asc' } });
  const { list } = paged;
  const columns: Array<Column<ExchangeSystem, SortKey>> = [
    { label: dt('x.col.system'), sort: 'name', cell: (s) => <Link to={`/admin/exchange/systems/${s.id}`}>{s.name}</Link> },
    { label: dt('x.col.clientId'), sort: 'clientId', cell: (s) => <code>{s.clientId}</code> },
    { label: dt('x.col.status'), sort: 'status', cell: (s) => <span className={s.status === 'active' ? 'status' : 'status status--deceased'}>{systemStatusText(s, dt)}</span> },
    { label: dt('x.col.rate'), sort: 'ratePerSecond', cell: (s) => dt('x.system.perSecond', { n: formatNumber(s.ratePerSecond, lang) }) },
    { label: dt('x.col.createdAt'), sort: 'createdAt', cell: (s) => <span className="nowrap">{formatInstant(s.createdAt)}</span> },
  ];
  const page = list.state === 'ready' ? list.value : null;
  return (
    <section aria-labelledby={`${id}-systems`} data-testid="member-systems">
      <h2 id={`${id}-systems`}>{dt('x.member.systems')}</h2>
      <p className="muted">{dt('x.member.systemsIntro')}</p>
      <p>
        <Link to={`/admin/exchange/members/${m.id}/systems/new`} className="button button--primary admin-new">
          {dt('x.member.registerSystem')}
        </Link>
      </p>
      <LoadState l={list} />
      {page && (
        <>
          <p className="results__status">{page.items.length ? dt('x.member.systemCount', { from: page.offset + 1, to: page.offset + page.items.length }) : dt('x.member.noSystems')}</p>
          {page.items.length > 0 && <PagedTable paged={paged} columns={columns} labelledBy={`${id}-systems`} testId="systems" rowKey={(s) => s.id} rowProps={(s) => ({ 'data-testid': 'system-row', 'data-system-id': s.id })} />}
        </>
      )}
    </section>
  );
}
