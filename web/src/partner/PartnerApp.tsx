import { createContext, useContext, useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { CitizenShell, EidSignIn, Loading, NotFound, Unavailable, useEidSession } from '../app/citizen.tsx';
import { usePageTitle } from '../app/page.ts';
import { Link, navigate } from '../app/router.tsx';
import { useApi } from '../ui/load.tsx';
import { formatInstant } from '../ui/format.ts';
import '../styles/registry.css';
import '../styles/portal.css';
import '../styles/partner.css';
import { DeliveriesPage } from './DeliveriesPage.tsx';
import { GrantsPage } from './GrantsPage.tsx';
import { JobsPage } from './JobsPage.tsx';
import { memberView, partnerMe, type MemberView, type PartnerMe } from './partner.api.ts';
import { SystemsPage } from './SystemsPage.tsx';
import { textOf, useText, type PlainKey } from './text.ts';
import { UsagePage } from './UsagePage.tsx';

/** The sections of a member, in menu order ('' = systems and keys). */
const SECTIONS: ReadonlyArray<{ section: string; label: PlainKey }> = [
  { section: '', label: 'nav.systems' },
  { section: 'grants', label: 'nav.grants' },
  { section: 'usage', label: 'nav.usage' },
  { section: 'jobs', label: 'nav.jobs' },
  { section: 'deliveries', label: 'nav.deliveries' },
];

const MEMBER_ID = /^m_[0-9a-f]{16}$/;

interface Route {
  memberId: string | null;
  section: string;
  valid: boolean;
}

function route(path: string): Route {
  const [, memberId, section = '', ...rest] = path.split('/').filter(Boolean);
  if (!memberId) return { memberId: null, section: '', valid: true };
  return { memberId, section, valid: MEMBER_ID.test(memberId) && !rest.length && SECTIONS.some((s) => s.section === section) };
}

export const memberPath = (memberId: string, section = '') => `/partner/${memberId}${section ? `/${section}` : ''}`;

interface MemberContextValue {
  member: MemberView;
  /** Reads the member again (after keys were replaced). */
  reload(): void;
}

const MemberContext = createContext<MemberContextValue | null>(null);

/** The member the page is about, with the signed-in citizen's role there. */
export function useMember(): MemberContextValue {
  const m = useContext(MemberContext);
  if (!m) throw new Error('useMember outside a member page');
  return m;
}

/**
 * The partner console (its own chunk, loaded under /partner) for staff of member organisations.
 * Staff sign in with eID through the citizen portal's sign-in (server routes /portal/login and
 * /portal/callback, an HttpOnly session cookie); the server decides on every call whether the
 * citizen is staff of the member and may change things.
 */
export default function PartnerApp({ path }: { path: string }) {
  const { xt } = useText();
  const { session: state, refresh } = useEidSession((signal) => partnerMe({ signal }));

  const r = route(path);
  // With one organisation, /partner opens it.
  const only = state.kind === 'signed-in' && state.value.organisations.length === 1 ? state.value.organisations[0]! : null;
  useEffect(() => {
    if (only && r.memberId === null) navigate(memberPath(only.id), { replace: true });
  }, [only, r.memberId]);

  if (state.kind === 'loading') return <Loading />;
  if (state.kind === 'unavailable')
    return (
      <Shell path={path} route={r}>
        <Unavailable error={state.error} retry={refresh} />
      </Shell>
    );
  if (state.kind === 'signed-out')
    return (
      <Shell path={path} route={r}>
        <SignInPage path={path} ended={state.ended} />
      </Shell>
    );
  if (!r.valid)
    return (
      <Shell path={path} route={r} me={state.value}>
        <NotFound title={xt('notFound.title')} body={xt('notFound.body', { path })} back="/partner" backLabel={xt('notFound.back')} />
      </Shell>
    );
  if (r.memberId === null)
    return (
      <Shell path={path} route={r} me={state.value}>
        {only ? <Loading /> : <OrganisationsPage me={state.value} />}
      </Shell>
    );
  return (
    <Shell path={path} route={r} me={state.value}>
      <MemberPages key={r.memberId} memberId={r.memberId} section={r.section} />
    </Shell>
  );
}

function MemberPages({ memberId, section }: { memberId: string; section: string }) {
  const { xt } = useText();
  const member = useApi((signal) => memberView(memberId, { signal }));
  if (member.state === 'loading') return <Loading />;
  // Not (or no longer) staff, or the server failed.
  if (member.state === 'error') return <Unavailable error={member.error} back={{ to: '/partner', label: xt('notFound.back') }} testId="member-error" />;
  const m = member.value;
  return (
    <MemberContext value={{ member: m, reload: member.retry }}>
      <div className="partner-member">
        <p className="partner-member__role" data-testid="partner-role">
          <span className="partner-member__name">{m.name}</span> · {xt('role.line', { role: xt(m.role === 'manager' ? 'role.manager' : 'role.viewer') })}
        </p>
        {m.status !== 'active' && (
          <p className="alert" role="status">
            {xt('memberSuspended')}
          </p>
        )}
        {m.role === 'viewer' && <p className="notice">{xt('viewerNote')}</p>}
      </div>
      <Section key={section} section={section} />
    </MemberContext>
  );
}

function Section({ section }: { section: string }) {
  switch (section) {
    case 'grants':
      return <GrantsPage />;
    case 'usage':
      return <UsagePage />;
    case 'jobs':
      return <JobsPage />;
    case 'deliveries':
      return <DeliveriesPage />;
    default:
      return <SystemsPage />;
  }
}

function OrganisationsPage({ me }: { me: PartnerMe }) {
  const { xt } = useText();
  const ref = usePageTitle(xt('orgs.title'));
  return (
    <div className="portal-page">
      <h1 ref={ref} tabIndex={-1}>
        {xt('orgs.title')}
      </h1>
      {me.organisations.length ? (
        <>
          <p className="lead">{xt('orgs.lead')}</p>
          <ul className="portal-list panel" data-testid="partner-orgs">
            {me.organisations.map((o) => (
              <li key={o.id} className="portal-item">
                <h2 className="portal-item__title">
                  <Link to={memberPath(o.id)}>{o.name}</Link>
                </h2>
                <p className="muted">
                  {textOf(xt, `kind.${o.kind}`, o.kind)} · {xt(o.role === 'manager' ? 'role.manager' : 'role.viewer')} · {xt('orgs.since', { date: formatInstant(o.since) })}
                </p>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="notice" data-testid="partner-no-orgs">
          {xt('orgs.none')}
        </p>
      )}
    </div>
  );
}

/** Before sign-in: what the console is, and "Sign in with eID" (the server's /portal/login, back to this address). */
function SignInPage({ path, ended }: { path: string; ended: boolean }) {
  const { xt } = useText();
  return <EidSignIn path={path} ended={ended} texts={{ title: xt('signIn.title'), intro: xt('signIn.intro'), button: xt('signIn.button'), note: xt('signIn.note'), sessionEnded: xt('signIn.sessionEnded') }} />;
}

/** Switches organisation: a select and a button (changing the select alone does not navigate, so arrow keys are safe). */
function Switcher({ me, route: r }: { me: PartnerMe; route: Route }) {
  const { xt } = useText();
  const id = useId();
  const [chosen, setChosen] = useState(r.memberId ?? me.organisations[0]?.id ?? '');
  useEffect(() => setChosen(r.memberId ?? me.organisations[0]?.id ?? ''), [r.memberId, me]);
  if (me.organisations.length < 2) return null;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (chosen) navigate(memberPath(chosen, r.memberId ? r.section : ''));
  };
  return (
    <form className="partner-switcher" onSubmit={submit} data-testid="partner-switcher">
      <label htmlFor={`${id}-org`}>{xt('switcher.label')}</label>
      <select id={`${id}-org`} name="organisation" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
        {me.organisations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
      <button type="submit" className="button button--secondary">
        {xt('switcher.go')}
      </button>
    </form>
  );
}

/** Header (console name, language, organisation switcher, eID level and sign-out), the member's menu, the page. */
function Shell({ path, route: r, me, children }: { path: string; route: Route; me?: PartnerMe; children: ReactNode }) {
  const { xt } = useText();
  const current = me?.organisations.find((o) => o.id === r.memberId) ?? null;
  const texts = { brand: xt('brand'), level: me ? xt('header.level', { level: me.level }) : '', signOut: xt('header.signOut') };
  const nav = me && current ? { label: xt('nav.label'), items: SECTIONS.map((s) => ({ to: memberPath(current.id, s.section), label: xt(s.label), current: path === memberPath(current.id, s.section) })) } : null;
  return (
    <CitizenShell texts={texts} home="/partner" signedIn={!!me} bar={me && <Switcher me={me} route={r} />} nav={nav} area="partner">
      {children}
    </CitizenShell>
  );
}
