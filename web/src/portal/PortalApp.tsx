import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { CitizenShell, Loading, NotFound, Unavailable, useEidSession } from '../app/citizen.tsx';
import '../styles/registry.css';
import '../styles/portal.css';
import { AccessPage } from './AccessPage.tsx';
import { ApplicationsPage } from './ApplicationsPage.tsx';
import { ConsentsPage } from './ConsentsPage.tsx';
import { DevicesPage } from './DevicesPage.tsx';
import { MyDataPage } from './MyDataPage.tsx';
import { eidMe, type EidMe } from './portal.api.ts';
import { SecurityPage } from './SecurityPage.tsx';
import { SignInPage } from './SignInPage.tsx';
import { useText, type PlainKey } from './text.ts';

interface PortalSession {
  account: EidMe;
  /** Asks the server again (after a change to the account: TOTP, passkeys, password). */
  refresh(): void;
}

const SessionContext = createContext<PortalSession | null>(null);

/** The signed-in citizen's eID account; only for pages inside the signed-in portal. */
export function useCitizen(): PortalSession {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useCitizen outside the signed-in portal');
  return s;
}

/** The portal's pages, in menu order. */
const PAGES: ReadonlyArray<{ path: string; label: PlainKey }> = [
  { path: '/portal', label: 'nav.me' },
  { path: '/portal/access', label: 'nav.access' },
  { path: '/portal/consents', label: 'nav.consents' },
  { path: '/portal/security', label: 'nav.security' },
  { path: '/portal/devices', label: 'nav.devices' },
  { path: '/portal/applications', label: 'nav.applications' },
];

/**
 * The citizen portal (its own chunk, loaded under /portal). Signing in goes through the eID
 * OpenID Connect pages (server routes /portal/login and /portal/callback); the browser then holds
 * an HttpOnly session cookie and this app only asks the API who is signed in.
 */
export default function PortalApp({ path }: { path: string }) {
  const { session: state, refresh } = useEidSession((signal) => eidMe({ signal }));
  const session = useMemo(() => (state.kind === 'signed-in' ? { account: state.value, refresh } : null), [state, refresh]);

  if (state.kind === 'loading') return <Loading />;
  if (state.kind === 'unavailable')
    return (
      <Shell path={path}>
        <Unavailable error={state.error} retry={refresh} />
      </Shell>
    );
  if (state.kind === 'signed-out')
    return (
      <Shell path={path}>
        <SignInPage path={path} ended={state.ended} />
      </Shell>
    );
  return (
    <SessionContext value={session}>
      <Shell path={path} signedIn={state.value}>
        <Page path={path} />
      </Shell>
    </SessionContext>
  );
}

function Page({ path }: { path: string }) {
  const { pt } = useText();
  switch (path) {
    case '/portal':
      return <MyDataPage />;
    case '/portal/access':
      return <AccessPage />;
    case '/portal/consents':
      return <ConsentsPage />;
    case '/portal/security':
      return <SecurityPage />;
    case '/portal/devices':
      return <DevicesPage />;
    case '/portal/applications':
      return <ApplicationsPage />;
    default:
      return <NotFound title={pt('notFound.title')} body={pt('notFound.body', { path })} back="/portal" backLabel={pt('notFound.back')} />;
  }
}

/** Header (name of the portal, language, eID level and sign-out), the portal's menu, the page. */
function Shell({ path, signedIn, children }: { path: string; signedIn?: EidMe; children: ReactNode }) {
  const { pt } = useText();
  const texts = { brand: pt('brand'), level: signedIn ? pt('header.level', { level: signedIn.level }) : '', signOut: pt('header.signOut') };
  const nav = signedIn ? { label: pt('nav.label'), items: PAGES.map((p) => ({ to: p.path, label: pt(p.label), current: path === p.path })) } : null;
  return (
    <CitizenShell texts={texts} home="/portal" signedIn={!!signedIn} nav={nav} mainKey={path}>
      {children}
    </CitizenShell>
  );
}
